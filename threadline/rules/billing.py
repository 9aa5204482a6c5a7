"""Suggest the CPT code(s) a documented session supports.

The minutes are always the documented time: psychotherapy minutes come from the session's start
and stop times, E/M minutes are the prescriber's total time on the date of service. They never
come from the length of the appointment slot, because an auditor recomputes them from the note
and a 53-minute slot that ran 40 minutes is a 90834, not a 90837.

Every minute threshold lives in `TIME_RULES`, each row naming its source and effective date.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

DASH = "\N{EN DASH}"
MINUTES_IN_A_DAY = 24 * 60
PLACES = ("office", "home", "elsewhere")
TELEHEALTH_MODES = ("video", "audio")


class Service(StrEnum):
    INTAKE = "intake"
    INTAKE_MEDICAL = "intake_medical"
    PSYCHOTHERAPY = "psychotherapy"
    PSYCHOTHERAPY_WITH_EM = "psychotherapy_with_em"
    CRISIS = "crisis"
    FAMILY_WITHOUT_PATIENT = "family_without_patient"
    FAMILY_WITH_PATIENT = "family_with_patient"
    GROUP = "group"
    EM = "em"


@dataclass(frozen=True)
class Encounter:
    service: Service
    minutes: int
    new_patient: bool = False
    place: str = "office"  # where the client was: office | home | elsewhere
    telehealth: str | None = None  # None (in person) | "video" | "audio"
    interactive_complexity: bool = False
    em_minutes: int | None = None  # the E/M's own total time, for psychotherapy_with_em

    def __post_init__(self) -> None:
        object.__setattr__(self, "service", Service(self.service))
        if not 0 <= self.minutes <= MINUTES_IN_A_DAY:
            raise ValueError(
                f"minutes must be between 0 and {MINUTES_IN_A_DAY}, not {self.minutes}"
            )
        if self.place not in PLACES:
            raise ValueError(f"place must be one of {', '.join(PLACES)}, not {self.place!r}")
        if self.telehealth is not None and self.telehealth not in TELEHEALTH_MODES:
            modes = ", ".join(TELEHEALTH_MODES)
            raise ValueError(f"telehealth must be None or one of {modes}, not {self.telehealth!r}")
        if self.em_minutes is None:
            return
        if not 0 <= self.em_minutes <= MINUTES_IN_A_DAY:
            raise ValueError(
                f"em_minutes must be between 0 and {MINUTES_IN_A_DAY}, not {self.em_minutes}"
            )
        if self.service == Service.EM:
            raise ValueError("for an E/M alone, put its total time in minutes, not em_minutes")
        if self.service not in _MAY_CARRY_EM_MINUTES:
            raise ValueError(f"em_minutes does not apply to {self.service.value} sessions")


@dataclass(frozen=True)
class BillingLine:
    code: str
    units: int = 1
    modifiers: tuple[str, ...] = ()
    add_on: bool = False


@dataclass(frozen=True)
class BillingResult:
    lines: tuple[BillingLine, ...]
    place_of_service: str | None
    refusal: str | None
    reasons: tuple[str, ...]  # the whole story; when refused, the last reason is the refusal

    @property
    def primary(self) -> str | None:
        """Return the first code that is not an add-on, or None when refused."""
        return next((line.code for line in self.lines if not line.add_on), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "primary": self.primary,
            "lines": [
                {
                    "code": line.code,
                    "units": line.units,
                    "modifiers": list(line.modifiers),
                    "add_on": line.add_on,
                }
                for line in self.lines
            ],
            "place_of_service": self.place_of_service,
            "refusal": self.refusal,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    effective: date  # the date the rule as written here took effect
    verify: str = ""  # what the research notes could not confirm from a primary source


NOVITAS_PSYCHOTHERAPY = Source(
    "Novitas Solutions (Medicare JL/JH): psychotherapy codes, CPT 2013 psychiatry revision",
    "https://www.novitas-solutions.com/webcenter/portal/MedicareJL/pagebyid?contentId=00026768",
    date(2013, 1, 1),
)
NGS_MENTAL_HEALTH = Source(
    "NGS Medicare: mental health services",
    "https://www.ngsmedicare.com/web/ngs/mental-health?selectedArticleId=675774",
    date(2013, 1, 1),
)
CMS_CRISIS = Source(
    "CMS Physician Fee Schedule: psychotherapy for crisis",
    "https://www.cms.gov/medicare/payment/fee-schedules/physician-fee-schedule/psychotherapy-crisis",
    date(2013, 1, 1),
    verify="the 75- and 105-minute 90840 unit boundaries (CPT time midpoint rule)",
)
CPT_FAMILY_2017 = Source(
    "CPT parenthetical on 90846/90847, as quoted by coders",
    "https://reddit.hcrypt.net/r/CodingandBilling/comments/1jbau8j/90847_and_h_codes",
    date(2017, 1, 1),
    verify="the 26-minute floor in the CPT 2026 book",
)
CPT_EM_2024 = Source(
    "CPT office E/M times (2021 rules; minimums met or exceeded since CPT 2024)",
    "https://www.aafp.org/pubs/fpm/blogs/gettingpaid/entry/emcoding-series-part-two.html",
    date(2024, 1, 1),
)
APA_INTERACTIVE_COMPLEXITY = Source(
    "APA Services: reporting interactive complexity",
    "https://www.apaservices.org/practice/reimbursement/health-codes/2022-reporting-interactive-complexity",
    date(2013, 1, 1),
)
NGS_TELEHEALTH_2024 = Source(
    "NGS Medicare: Telehealth Changes for 2024, Modifier 95 and Place of Service Codes",
    "https://www.ngsmedicare.com/web/ngs/news-article-details?selectedArticleId=10638446",
    date(2024, 1, 1),
)
CMS_PLACE_OF_SERVICE = Source(
    "CMS Place of Service code set",
    "https://www.cms.gov/medicare/coding-billing/place-of-service-codes/code-sets",
    date(2022, 1, 1),
)


@dataclass(frozen=True)
class TimeRule:
    ladder: str  # which ladder of codes the row belongs to
    code: str
    from_minutes: int
    to_minutes: int | None  # inclusive; None means no upper end
    _: KW_ONLY
    source: Source
    unit_every: int | None = None  # a further unit each time this many more minutes are reached
    add_on: bool = False

    def covers(self, minutes: int) -> bool:
        """Say whether the minutes fall in this row's band."""
        upper = MINUTES_IN_A_DAY if self.to_minutes is None else self.to_minutes
        return self.from_minutes <= minutes <= upper

    def units(self, minutes: int) -> int:
        """Return how many units the minutes support (one unless the row counts units)."""
        if self.unit_every is None:
            return 1
        return 1 + (minutes - self.from_minutes) // self.unit_every

    def band(self) -> str:
        """Describe the band for a reason sentence, e.g. "53-minutes-or-more"."""
        if self.to_minutes is None:
            return f"{self.from_minutes}-minutes-or-more"
        return f"{self.from_minutes}{DASH}{self.to_minutes} minute"


TIME_RULES: tuple[TimeRule, ...] = (
    TimeRule("psychotherapy", "90832", 16, 37, source=NOVITAS_PSYCHOTHERAPY),
    TimeRule("psychotherapy", "90834", 38, 52, source=NOVITAS_PSYCHOTHERAPY),
    TimeRule("psychotherapy", "90837", 53, None, source=NOVITAS_PSYCHOTHERAPY),
    TimeRule("psychotherapy_add_on", "90833", 16, 37, source=NOVITAS_PSYCHOTHERAPY, add_on=True),
    TimeRule("psychotherapy_add_on", "90836", 38, 52, source=NOVITAS_PSYCHOTHERAPY, add_on=True),
    TimeRule("psychotherapy_add_on", "90838", 53, None, source=NOVITAS_PSYCHOTHERAPY, add_on=True),
    TimeRule("em_new", "99202", 15, 29, source=CPT_EM_2024),
    TimeRule("em_new", "99203", 30, 44, source=CPT_EM_2024),
    TimeRule("em_new", "99204", 45, 59, source=CPT_EM_2024),
    TimeRule("em_new", "99205", 60, None, source=CPT_EM_2024),
    # 99211 has no time threshold, so the established ladder starts at 99212.
    TimeRule("em_established", "99212", 10, 19, source=CPT_EM_2024),
    TimeRule("em_established", "99213", 20, 29, source=CPT_EM_2024),
    TimeRule("em_established", "99214", 30, 39, source=CPT_EM_2024),
    TimeRule("em_established", "99215", 40, None, source=CPT_EM_2024),
    TimeRule("crisis", "90839", 30, None, source=CMS_CRISIS),
    TimeRule("crisis_add_on", "90840", 75, None, source=CMS_CRISIS, unit_every=30, add_on=True),
    TimeRule("family_without_patient", "90846", 26, None, source=CPT_FAMILY_2017),
    TimeRule("family_with_patient", "90847", 26, None, source=CPT_FAMILY_2017),
)

# Codes that carry no time in their descriptor: billed once per session whatever the minutes.
UNTIMED_CODES = {
    Service.INTAKE: "90791",
    Service.INTAKE_MEDICAL: "90792",
    Service.GROUP: "90853",
}

# +90785 goes only with these codes (APA_INTERACTIVE_COMPLEXITY; NGS_MENTAL_HEALTH).
INTERACTIVE_COMPLEXITY = "90785"
INTERACTIVE_COMPLEXITY_GOES_WITH = frozenset(
    {"90791", "90792", "90832", "90833", "90834", "90836", "90837", "90838", "90853"}
)

# Telehealth place of service by where the client was, and the modifier by modality
# (NGS_TELEHEALTH_2024). In person: CMS_PLACE_OF_SERVICE.
TELEHEALTH_PLACE_OF_SERVICE = {"home": "10", "office": "02", "elsewhere": "02"}
TELEHEALTH_MODIFIER = {"video": "95", "audio": "93"}
IN_PERSON_PLACE_OF_SERVICE = {"office": "11", "home": "12"}

_MAY_CARRY_EM_MINUTES = frozenset(
    {Service.PSYCHOTHERAPY_WITH_EM, Service.PSYCHOTHERAPY, Service.INTAKE, Service.INTAKE_MEDICAL}
)
_LADDER_WORDS = {
    "psychotherapy": "psychotherapy",
    "psychotherapy_add_on": "psychotherapy beside the E/M",
    "em_new": "E/M time with a new patient",
    "em_established": "E/M time with an established patient",
    "crisis": "crisis psychotherapy",
    "family_without_patient": "family psychotherapy without the client",
    "family_with_patient": "family psychotherapy with the client",
}


class Refused(Exception):
    """A session that no code fits; the message says why in a clinician's words."""


def ladder(name: str) -> tuple[TimeRule, ...]:
    """Return the rows of one ladder, lowest band first."""
    return tuple(rule for rule in TIME_RULES if rule.ladder == name)


def code_for(encounter: Encounter) -> BillingResult:
    """Return the codes, units, modifiers and place of service the session supports."""
    reasons: list[str] = []
    try:
        _refuse_pairings_with_em(encounter)
        lines = _CODERS[encounter.service](encounter, reasons)
        lines += _interactive_complexity(encounter, lines, reasons)
        place_of_service, modifiers = _place_of_service(encounter, reasons)
    except Refused as refused:
        reasons.append(str(refused))
        return BillingResult((), None, str(refused), tuple(reasons))
    lines = [replace(line, modifiers=modifiers) for line in lines]
    return BillingResult(tuple(lines), place_of_service, None, tuple(reasons))


def _refuse_pairings_with_em(encounter: Encounter) -> None:
    if encounter.em_minutes is None or encounter.service == Service.PSYCHOTHERAPY_WITH_EM:
        return
    if encounter.service == Service.PSYCHOTHERAPY:
        # NOVITAS_PSYCHOTHERAPY: with an E/M the same day only the add-ons 90833/90836/90838.
        raise Refused(
            "A stand-alone psychotherapy code cannot be reported with an E/M on the same day; "
            "code the session as psychotherapy with E/M to get the add-on."
        )
    # NGS_MENTAL_HEALTH: 90791/90792 are not reported with an E/M by the same clinician that day.
    raise Refused(
        f"{UNTIMED_CODES[encounter.service]} cannot be reported with an E/M by the same "
        "clinician on the same day."
    )


def _timed(name: str, minutes: int, reasons: list[str]) -> BillingLine:
    """Pick the row of a ladder that the minutes fall in, or refuse below its floor."""
    rows = ladder(name)
    what = _LADDER_WORDS[name]
    for row in rows:
        if row.covers(minutes):
            reasons.append(
                f"{minutes} minutes of {what} falls in the {row.band()} band ({row.code})."
            )
            return BillingLine(row.code, add_on=row.add_on)
    floor = rows[0]
    raise Refused(
        f"{minutes} minutes of {what} is under the {floor.from_minutes}-minute minimum "
        f"for {floor.code}."
    )


def _psychotherapy(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    return [_timed("psychotherapy", encounter.minutes, reasons)]


def _psychotherapy_with_em(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    if encounter.em_minutes is None:
        raise Refused(
            "Psychotherapy with an E/M needs the E/M's own total time (em_minutes) to pick its "
            "level; without it, choose the E/M level by medical decision-making."
        )
    reasons.append(
        "The E/M level is chosen by its own time; psychotherapy minutes do not count toward it."
    )
    em = _em_line(encounter, encounter.em_minutes, reasons)
    try:
        add_on = _timed("psychotherapy_add_on", encounter.minutes, reasons)
    except Refused as refused:
        raise Refused(f"{refused} Code the visit as an E/M alone.") from None
    return [em, add_on]


def _em(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    return [_em_line(encounter, encounter.minutes, reasons)]


def _em_line(encounter: Encounter, minutes: int, reasons: list[str]) -> BillingLine:
    if encounter.place == "home" and encounter.telehealth is None:
        raise Refused(
            "Office E/M codes (99202" + DASH + "99215) do not fit an in-person visit at the "
            "client's home; home visits have their own E/M codes, which are not suggested here."
        )
    return _timed("em_new" if encounter.new_patient else "em_established", minutes, reasons)


def _crisis(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    minutes = encounter.minutes
    first, *_ = ladder("crisis")
    if minutes < first.from_minutes:
        # CMS_CRISIS: under 30 minutes of crisis care is coded as ordinary psychotherapy.
        reasons.append(
            f"{minutes} minutes is under the {first.from_minutes}-minute floor for crisis "
            f"psychotherapy ({first.code}), so it is coded as psychotherapy."
        )
        return _psychotherapy(encounter, reasons)
    lines = [BillingLine(first.code)]
    (more,) = ladder("crisis_add_on")
    if not more.covers(minutes):
        reasons.append(
            f"{minutes} minutes of crisis psychotherapy falls in the "
            f"{first.from_minutes}{DASH}{more.from_minutes - 1} minute band ({first.code})."
        )
    else:
        units = more.units(minutes)
        lines.append(BillingLine(more.code, units=units, add_on=True))
        reasons.append(
            f"{minutes} minutes of crisis psychotherapy is {first.code} plus {units} "
            f"unit{'s' if units > 1 else ''} of {more.code} (one from {more.from_minutes} minutes "
            f"and another every further {more.unit_every})."
        )
    if encounter.telehealth is None and encounter.place != "office":
        reasons.append(
            "Medicare asks for G0017/G0018 instead of 90839/90840 when crisis care is given "
            "outside the office in a non-facility setting; check the payer."
        )
    return lines


def _family(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    return [_timed(encounter.service.value, encounter.minutes, reasons)]


def _untimed(encounter: Encounter, reasons: list[str]) -> list[BillingLine]:
    code = UNTIMED_CODES[encounter.service]
    reasons.append(f"{code} has no time threshold; it is reported once for the session.")
    return [BillingLine(code)]


_CODERS = {
    Service.INTAKE: _untimed,
    Service.INTAKE_MEDICAL: _untimed,
    Service.PSYCHOTHERAPY: _psychotherapy,
    Service.PSYCHOTHERAPY_WITH_EM: _psychotherapy_with_em,
    Service.CRISIS: _crisis,
    Service.FAMILY_WITHOUT_PATIENT: _family,
    Service.FAMILY_WITH_PATIENT: _family,
    Service.GROUP: _untimed,
    Service.EM: _em,
}


def _interactive_complexity(
    encounter: Encounter, lines: list[BillingLine], reasons: list[str]
) -> list[BillingLine]:
    if not encounter.interactive_complexity:
        return []
    if not any(line.code in INTERACTIVE_COMPLEXITY_GOES_WITH for line in lines):
        codes = " + ".join(line.code for line in lines)
        raise Refused(
            f"Interactive complexity ({INTERACTIVE_COMPLEXITY}) cannot be reported with {codes}; "
            "it goes only with an intake, individual or group psychotherapy code."
        )
    reasons.append(
        f"Interactive complexity adds {INTERACTIVE_COMPLEXITY}; the note must name the factor "
        "that made the session harder to conduct."
    )
    return [BillingLine(INTERACTIVE_COMPLEXITY, add_on=True)]


def _place_of_service(
    encounter: Encounter, reasons: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    if encounter.telehealth is not None:
        remote = TELEHEALTH_PLACE_OF_SERVICE[encounter.place]
        modifier = TELEHEALTH_MODIFIER[encounter.telehealth]
        where = "at home" if encounter.place == "home" else "away from home"
        reasons.append(
            f"Telehealth by {encounter.telehealth} with the client {where}: place of service "
            f"{remote}, modifier {modifier} (payers may ask for another)."
        )
        return remote, (modifier,)
    in_person = IN_PERSON_PLACE_OF_SERVICE.get(encounter.place)
    if in_person is None:
        reasons.append(
            "In person outside the office and the client's home: record the place of service "
            "for where the session happened."
        )
    return in_person, ()
