"""Checking documents and suggesting billing codes, without reading or saving any record.

The same rules `threadline check` and the editor run; the API only translates JSON in and out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema

from threadline.api.errors import ERROR_RESPONSES, Invalid
from threadline.api.schemas import BillingOut, FindingsOut
from threadline.lib.http import Request
from threadline.rules.billing import PLACES, TELEHEALTH_MODES, Encounter, Service, code_for
from threadline.rules.codeset import CodeSet
from threadline.rules.compliance import check
from threadline.rules.facts import FACTS_BY_KIND, DocumentKind, Facts, facts_from_dict
from threadline.rules.findings import blocks_signing, by_severity, count_by_severity
from threadline.rules.jsonfields import SchemaError
from threadline.rules.packs import DEFAULT_PACK, PACK_NAMES, load_pack

router = Router(tags=["checks"])

# Judging plan age and overdue notes on a day outside these years means nothing, and keeping
# `today` within them keeps the rules' date arithmetic in range.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)
NOTE_KINDS = frozenset({DocumentKind.NOTE, DocumentKind.INTAKE, DocumentKind.DISCHARGE})
_NO_CODES = CodeSet("no code set loaded", date.min, date.max, {})


class CheckQuery(Schema):
    pack: str | None = Field(
        None,
        description="payer rule pack, one of: "
        + ", ".join(PACK_NAMES)
        + "; default: the pack the document's client names, else 'default'",
    )
    today: date | None = Field(
        None,
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        description="the day to judge plan age and overdue notes on; default: today",
    )


def _findings(
    data: dict[str, Any], options: CheckQuery, *, kinds: frozenset[DocumentKind], default: str
) -> dict[str, Any]:
    if options.pack is not None and options.pack not in PACK_NAMES:
        raise Invalid(
            f"There is no rule pack {options.pack!r}; use one of {', '.join(PACK_NAMES)}.",
            [{"field": "query.pack", "message": f"one of {', '.join(PACK_NAMES)}"}],
        )
    document = {"document": default, **data}
    try:
        facts = facts_from_dict(document)
    except SchemaError as error:
        raise Invalid(
            f"The document cannot be read: {error.path}: {error.problem}.",
            [{"field": f"body.{error.path}", "message": error.problem}],
        ) from error
    kind = _kind_of(facts)
    if kind not in kinds:
        wanted = " or ".join(sorted(kind.value for kind in kinds))
        raise Invalid(
            f"This checks a {wanted}; the document says it is a {kind.value}.",
            [{"field": "body.document", "message": f"expected {wanted}"}],
        )
    pack = options.pack or _pack_named_by(facts)
    today = options.today or timezone.localdate()
    findings = by_severity(check(facts, pack=load_pack(pack), codes=_codes_for(facts), today=today))
    return {
        "document": kind.value,
        "pack": pack,
        "today": today,
        "blocks_signing": blocks_signing(findings),
        "summary": count_by_severity(findings),
        "findings": [finding.to_dict() for finding in findings],
    }


def _kind_of(facts: Facts) -> DocumentKind:
    return next(kind for kind, cls in FACTS_BY_KIND.items() if isinstance(facts, cls))


def _pack_named_by(facts: Facts) -> str:
    payer = facts.client.payer_pack
    return payer if payer in PACK_NAMES else DEFAULT_PACK


def _codes_for(facts: Facts) -> CodeSet:
    # As in `threadline check`: only plans and intakes carry diagnoses to look up.
    if _kind_of(facts) in {DocumentKind.PLAN, DocumentKind.INTAKE}:
        from threadline.icd import load_default

        return load_default()
    return _NO_CODES


@router.post(
    "/findings/plan",
    url_name="findings_plan",
    response={200: FindingsOut, **ERROR_RESPONSES},
    summary="Check a treatment plan without saving it",
    description=(
        "The body is a plan in Threadline's JSON schema, as `threadline check` reads it; "
        '"document" may be left out. Findings come errors first.'
    ),
)
def findings_plan(
    request: Request, options: Query[CheckQuery], document: Body[dict[str, Any]]
) -> Any:
    return _findings(document, options, kinds=frozenset({DocumentKind.PLAN}), default="plan")


@router.post(
    "/findings/note",
    url_name="findings_note",
    response={200: FindingsOut, **ERROR_RESPONSES},
    summary="Check a progress note, intake assessment or discharge summary without saving it",
    description=(
        "The body is a note in Threadline's JSON schema, as `threadline check` reads it; "
        '"document" defaults to "note" (a progress note). Findings come errors first.'
    ),
)
def findings_note(
    request: Request, options: Query[CheckQuery], document: Body[dict[str, Any]]
) -> Any:
    return _findings(document, options, kinds=NOTE_KINDS, default="note")


class BillingQuery(Schema):
    service: Service = Field(description="the service given")
    minutes: int = Field(ge=0, le=24 * 60, description="documented minutes, start to stop")
    place: str = Field("office", description="where the client was: " + ", ".join(PLACES))
    telehealth: str | None = Field(
        None, description="omit for in person, else one of: " + ", ".join(TELEHEALTH_MODES)
    )
    new_patient: bool = Field(False, description="for E/M levels")
    interactive_complexity: bool = Field(False, description="adds 90785")
    em_minutes: int | None = Field(
        None, ge=0, le=24 * 60, description="the E/M's own total time, for psychotherapy_with_em"
    )


@router.get(
    "/billing-codes",
    url_name="billing_codes",
    response={200: BillingOut, **ERROR_RESPONSES},
    summary="The CPT code(s), add-ons, modifiers and place of service a session supports",
    description="A session no code fits is answered with `refusal` and its reasons, not an error.",
)
def billing_codes(request: Request, session: Query[BillingQuery]) -> Any:
    try:
        encounter = Encounter(
            service=session.service,
            minutes=session.minutes,
            new_patient=session.new_patient,
            place=session.place,
            telehealth=session.telehealth or None,
            interactive_complexity=session.interactive_complexity,
            em_minutes=session.em_minutes,
        )
    except ValueError as error:
        raise Invalid(f"These session facts cannot go together: {error}.") from error
    return code_for(encounter).to_dict()
