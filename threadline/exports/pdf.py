"""PDFs of the record: a treatment plan version, a note, and the client's whole record set.

Every page carries the client's legal name, date of birth and record number, the date of service
of the document on it, "Page N of M" and the practice name, so a page that comes loose still
names its client (standards.md §5.2: the correct client). Signatures print as text with the
signer's name, credentials, meaning, time and the SHA-256 of what was signed: never as images,
which OIG counted against a practice (§5.3, §5.5). Addenda follow their document, marked and
signed, and the original stays as signed (§5.4). A draft says "DRAFT — not signed" on every page.

Text is set in DejaVu Sans, with a CJK font for the characters DejaVu lacks (`fonts`), so a name
in any script prints.

These functions translate the record into pages; they decide nothing and write nothing. The
caller checks access and records the export in the audit log.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from threadline.accounts.models import ClinicianProfile
from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client
from threadline.exports.fonts import fonts
from threadline.measures.models import Administration, State
from threadline.measures.progress import bound_objectives
from threadline.notes import history
from threadline.notes.checks import plan_objectives
from threadline.notes.models import Kind, Note
from threadline.notes.models import Status as NoteStatus
from threadline.plans.checks import review_due
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.plans.services import addendum_views, signature_views
from threadline.privacy.models import AmendmentRequest, AmendmentStatus
from threadline.privacy.services import describe as document_name
from threadline.rules.measures import INSTRUMENTS
from threadline.rules.measures.chart import (
    ACCENT,
    BAND_FILLS,
    INK,
    LINE,
    MUTED,
    OK,
    ChartSpec,
    Point,
    data_table,
    day_label,
    describe,
)

DRAFT_MARK = "DRAFT \N{EM DASH} not signed"
DASH = "\N{EM DASH}"
DOT = " \N{MIDDLE DOT} "

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 54.0  # 0.75 inch
TOP = 78.0  # the header sits in the top margin
BOTTOM = 60.0  # the footer in the bottom one
DRAFT_RED = colors.HexColor("#9b1c1c")


# --- Styles ----------------------------------------------------------------------------------


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=f.bold, fontSize=15, leading=19, spaceAfter=2
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=3,
            textColor=colors.HexColor(ACCENT),
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=f.bold, fontSize=10, leading=13, spaceBefore=6
        ),
        "item": ParagraphStyle(
            "item", parent=body, leftIndent=16, bulletIndent=2, bulletFontName=f.regular
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor(MUTED)
        ),
        "hash": ParagraphStyle(
            "hash", parent=body, fontSize=7.5, leading=10, textColor=colors.HexColor(MUTED)
        ),
        "draft": ParagraphStyle("draft", parent=body, fontName=f.bold, textColor=DRAFT_RED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
    }


# --- Pages: header and footer, drawn once the page count is known ----------------------------


@dataclass(frozen=True)
class Identity:
    """The client and practice, the same on every page of one file."""

    legal_name: str
    date_of_birth: str
    record_number: str
    practice: str
    # A statement every page of the file carries above its footer: the terms a document was
    # released under, for documents that leave the practice with conditions attached. The
    # record's own exports have none.
    notice: str = ""

    @classmethod
    def of(cls, client: Client) -> Identity:
        return cls(
            legal_name=client.legal_name,
            date_of_birth=day_label(client.date_of_birth),
            record_number=client.record_number,
            practice=client.practice.name,
        )


@dataclass(frozen=True)
class PageHead:
    """The document on a page: its title, its date of service, and whether it is a draft."""

    title: str
    date_line: str
    draft: bool = False


class _RecordCanvas(Canvas):  # type: ignore[misc, unused-ignore]
    """Keeps each finished page aside and draws the headers and footers in `save`, when the
    total is known, so every page can say "Page N of M"."""

    def __init__(self, *args: Any, identity: Identity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity = identity
        self.head = PageHead("", "")
        self._finished: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._finished.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._finished)
        for number, state in enumerate(self._finished, start=1):
            self.__dict__.update(state)
            _decorate(self, number, total)
            super().showPage()
        super().save()


def _text(
    c: Any, x: float, y: float, text: str, font: str, size: float, align: str = "left"
) -> None:
    """Draw one line in `font`, switching to the CJK fallback for the characters it lacks."""
    f = fonts()
    if align != "left":
        width = f.width(text, font, size)
        x -= width if align == "right" else width / 2
    # One text object, so the line reads back as one line.
    line = c.beginText(x, y)
    for run_font, run in f.runs(text, font):
        line.setFont(run_font, size)
        line.textOut(run)
    c.drawText(line)


def _decorate(c: Any, number: int, total: int) -> None:
    f, who, head = fonts(), c.identity, c.head
    left, right = MARGIN, PAGE_WIDTH - MARGIN
    c.saveState()
    if head.draft:
        c.saveState()
        c.setFillColor(DRAFT_RED, alpha=0.07)
        c.setFont(f.bold, 72)
        c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        c.rotate(35)
        c.drawCentredString(0, -24, "DRAFT")
        c.restoreState()
        c.setFillColor(DRAFT_RED)
        c.setFont(f.bold, 10)
        c.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 24, DRAFT_MARK)
    c.setFillColor(colors.HexColor(INK))
    _text(c, left, PAGE_HEIGHT - 42, who.legal_name, f.bold, 10.5)
    _text(c, right, PAGE_HEIGHT - 42, head.title, f.bold, 10.5, "right")
    c.setFillColor(colors.HexColor(MUTED))
    identity = f"DOB {who.date_of_birth}{DOT}Record no. {who.record_number}"
    _text(c, left, PAGE_HEIGHT - 55, identity, f.regular, 8.5)
    _text(c, right, PAGE_HEIGHT - 55, head.date_line, f.regular, 8.5, "right")
    c.setStrokeColor(colors.HexColor(LINE))
    c.setLineWidth(0.75)
    c.line(left, PAGE_HEIGHT - 62, right, PAGE_HEIGHT - 62)
    c.line(left, 44, right, 44)
    _text(c, left, 32, who.practice, f.regular, 8)
    _text(c, right, 32, f"Page {number} of {total}", f.regular, 8, "right")
    if who.notice:
        notice = _notice(who.notice)
        notice.wrap(right - left, PAGE_HEIGHT)
        notice.drawOn(c, left, 50)
    c.restoreState()


def _notice(text: str) -> Paragraph:
    return Paragraph(_markup(text), _styles()["small"])


def _notice_room(identity: Identity) -> float:
    """The height the page's notice takes above the footer (none without one)."""
    if not identity.notice:
        return 0.0
    _, height = _notice(identity.notice).wrap(PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT)
    return float(height) + 8


class _Head(Flowable):  # type: ignore[misc, unused-ignore]
    """Takes no room: the pages from here on carry this document's title and date."""

    def __init__(self, head: PageHead) -> None:
        super().__init__()
        self.head = head

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.head = self.head


@dataclass
class Section:
    """One document of the record as it prints: its page head and its flowables."""

    head: PageHead
    day: date | None
    signed_at: datetime | None
    body: list[Any] = field(default_factory=list)


def _render(identity: Identity, sections: Iterable[Section], title: str) -> bytes:
    story: list[Any] = []
    for section in sections:
        if story:
            story.append(PageBreak())  # each document starts on a page of its own
        story += [_Head(section.head), *section.body]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM + _notice_room(identity),
        title=title,
        author=identity.practice,
    )
    doc.build(story, canvasmaker=functools.partial(_RecordCanvas, identity=identity))
    return buffer.getvalue()


# --- Text helpers ----------------------------------------------------------------------------


def _markup(value: Any) -> str:
    """Plain text as paragraph markup: escaped, line breaks kept, CJK in the fallback font."""
    return fonts().markup(str(value))


def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(_markup(text), _styles()[style])


def _field(label: str, value: Any) -> Paragraph:
    shown = value if value not in (None, "") else DASH
    return Paragraph(f"<b>{_markup(label)}:</b> {_markup(shown)}", _styles()["body"])


def _item(markup: str) -> Paragraph:
    return Paragraph(markup, _styles()["item"], bulletText="\N{BULLET}")


def _words(value: Any) -> str:
    return str(value or "").replace("_", " ")


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _shown_day(value: Any) -> str:
    day = value if isinstance(value, date) else _day(value)
    return day_label(day) if day else DASH


def _moment(when: datetime) -> str:
    """ "Sep 8, 2026 1:03 PM EDT", in the practice's time zone."""
    local = timezone.localtime(when)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{day_label(local.date())} {hour}:{local.minute:02d} {noon} {local.tzname()}"


def _date_line(day: date | None, label: str = "Date of service") -> str:
    return f"{label} {day_label(day)}" if day else f"{label} not recorded"


def _clinician(user: Any) -> str:
    profile = ClinicianProfile.objects.filter(user_id=user.pk).first()
    name = user.full_name or user.email
    return f"{name}, {profile.credentials}" if profile and profile.credentials else name


# --- Signatures and addenda ------------------------------------------------------------------


def _signature_block(view: Any) -> Table:
    s = _styles()
    name = view.printed_name + (f", {view.credentials}" if view.credentials else "")
    rows = [
        Paragraph(f"<b>Electronically signed by {_markup(name)}</b>", s["body"]),
        Paragraph(
            f"Meaning: {_markup(view.label)}{DOT}Signed {_markup(_moment(view.signed_at))}",
            s["body"],
        ),
        Paragraph(f"Content SHA-256: {_markup(view.content_sha256)}", s["hash"]),
    ]
    if view.problem:
        rows.append(Paragraph(f"<b>Signature invalid:</b> {_markup(view.problem)}.", s["draft"]))
    block = Table([[row] for row in rows], colWidths=[PAGE_WIDTH - 2 * MARGIN])
    block.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 2, colors.HexColor(ACCENT)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return block


def _signatures(views: list[Any], *, draft: bool) -> list[Any]:
    out: list[Any] = [_p("Signatures", "h2")]
    if draft:
        out.append(_p(f"{DRAFT_MARK}: this is not a signed document of record.", "draft"))
    elif not views:
        out.append(_p("Not signed."))
    for view in views:
        out += [KeepTogether([_signature_block(view)]), Spacer(0, 5)]
    return out


def _addenda(items: list[tuple[Any, list[Any]]]) -> list[Any]:
    out: list[Any] = []
    for addendum, views in items:
        added = f"Added {_moment(addendum.created_at)} by {_clinician(addendum.author)}"
        out += [
            _p(f"Addendum {addendum.number}", "h2"),
            _p(added, "small"),
            _p(addendum.text),
            _p(
                "Adds to the document signed with content SHA-256 "
                f"{addendum.parent_sha256}, which stays as signed.",
                "hash",
            ),
            Spacer(0, 3),
        ]
        for view in views:
            out += [KeepTogether([_signature_block(view)]), Spacer(0, 5)]
    return out


# --- Treatment plan --------------------------------------------------------------------------


def plan_day(version: PlanVersion) -> date | None:
    """The plan's effective date: set explicitly, or the date of the session that made it."""
    content = version.content
    return _day(content.get("effective_date")) or _day(
        (content.get("session") or {}).get("date_of_service")
    )


def _plan_section(version: PlanVersion) -> Section:
    content = version.content
    day = plan_day(version)
    title = f"Treatment plan, version {version.number}"
    head = PageHead(title, _date_line(day, "Effective / date of service"), version.is_draft)
    session = content.get("session") or {}
    rec = content.get("recommendation") or {}
    background = content.get("background") or {}
    body: list[Any] = [_p(title, "title")]
    status = f"Signed {_moment(version.signed_at)}" if version.signed_at else "Draft"
    facts = [f"Effective {_shown_day(day)}", status]
    due = review_due(version)
    if content.get("end_date"):
        facts.append(f"Through {_shown_day(content['end_date'])}")
    if due:
        facts.append(f"Next review due {day_label(due)}")
    body.append(_p(DOT.join(facts), "small"))
    if version.based_on_id and version.based_on is not None:
        reason = version.get_revision_reason_display() or DASH
        note = f". {version.revision_note}" if version.revision_note else ""
        body.append(_p(f"Revises version {version.based_on.number}: {reason}{note}", "small"))

    body.append(_p("Session details", "h2"))
    place = str(session.get("place_of_service") or DASH).capitalize()
    if session.get("telehealth"):
        place += f"; telehealth ({session['telehealth']}), client at "
        place += session.get("client_location") or DASH
        if session.get("hipaa_platform_attested"):
            place += "; a HIPAA-compliant platform was used"
    body += [
        _field("Date of service", _shown_day(session.get("date_of_service"))),
        _field("Time", f"{session.get('start') or DASH} to {session.get('stop') or DASH}"),
        _field("Place", place),
        _field("Clinician", _clinician(version.author)),
    ]

    body.append(_p("Diagnoses", "h2"))
    for d in content.get("diagnoses") or []:
        past = ", past" if d.get("status") == "past" else ""
        text = f"({d.get('code', '')}) {d.get('description', '')} {DASH} {d.get('rank', '')}"
        body.append(_item(_markup(text + past)))
    if not content.get("diagnoses"):
        body.append(_p("None recorded"))

    body += [
        _p("Background", "h2"),
        _field("Presenting problem", background.get("presenting_problem")),
        _field("Symptoms", background.get("symptoms")),
        _field("Functional impact", background.get("functional_impact")),
        _p("Recommendation", "h2"),
        _field("Type of therapy", rec.get("service_type")),
        _field("Modality", rec.get("modality")),
        _field("Amount", f"{rec['session_minutes']} minutes" if rec.get("session_minutes") else ""),
        _field("Frequency", rec.get("frequency")),
        _field("Duration", rec.get("duration")),
    ]
    if rec.get("medication_evaluation"):
        body.append(_field("Medication evaluation", rec["medication_evaluation"]))
    if rec.get("referrals"):
        body.append(_field("Referrals", rec["referrals"]))

    for n, problem in enumerate(content.get("problems") or [], start=1):
        body.append(_p(f"Problem {n}: {problem.get('statement') or DASH}", "h2"))
        goal = problem.get("goal") or {}
        when = f" (by {_shown_day(goal['target_date'])})" if goal.get("target_date") else ""
        if goal.get("target_sessions"):
            when += f" (within {goal['target_sessions']} sessions)"
        body.append(_field("Goal", f"{goal.get('statement') or DASH}{when}"))
        for o, objective in enumerate(problem.get("objectives") or [], start=1):
            text = objective.get("statement") or DASH
            if objective.get("target_date"):
                text += f" (by {_shown_day(objective['target_date'])})"
            measure = objective.get("measure") or {}
            if measure.get("instrument"):
                text += (
                    f" {DASH} {measure['instrument']} from {measure.get('baseline', '?')} "
                    f"to {measure.get('target', '?')} or below"
                )
            if objective.get("status", "active") != "active":
                text += f" [{objective['status']}]"
            body.append(_field(f"Objective {n}.{o}", text))
        for i, intervention in enumerate(problem.get("interventions") or [], start=1):
            text = (
                f"{intervention.get('modality', '')} {DASH} {intervention.get('description', '')}"
            )
            if intervention.get("frequency"):
                text += f", {intervention['frequency']}"
            if intervention.get("who"):
                text += f" ({intervention['who']})"
            body.append(_field(f"Intervention {n}-{i}", text))

    body += _signatures(signature_views(version), draft=version.is_draft)
    body += _addenda([(a.addendum, a.signatures) for a in addendum_views(version)])
    return Section(head, day, version.signed_at, body)


# --- Notes -----------------------------------------------------------------------------------


def note_day(note: Note) -> date | None:
    """The date of service: the session's, or for a discharge summary the discharge date."""
    content = note.content
    if note.kind == Kind.DISCHARGE:
        return _day(content.get("discharge_date")) or _day(content.get("last_session"))
    day = _day((content.get("session") or {}).get("date_of_service"))
    if day is None and note.appointment is not None:
        day = timezone.localdate(note.appointment.scheduled_start)
    return day


def _session_fields(note: Note) -> list[Any]:
    content = note.content
    session = content.get("session") or {}
    place = str(session.get("place_of_service") or DASH)
    if session.get("telehealth"):
        place += f"{DOT}{session['telehealth']}, client at {session.get('client_location') or DASH}"
    out = [
        _p("Session", "h2"),
        _field("Date of service", _shown_day(session.get("date_of_service"))),
        _field("Time", f"{session.get('start') or DASH} to {session.get('stop') or DASH}"),
        _field("Place", place),
    ]
    if content.get("participants"):
        out.append(_field("Participants", content["participants"]))
    out.append(_field("Service", content.get("service")))
    if note.kind == Kind.PROGRESS:
        billed = " + ".join(content.get("billed_codes") or []) or DASH
        if content.get("billing_override_reason"):
            billed += (
                f" (instead of the suggested code, because: {content['billing_override_reason']})"
            )
        out.append(_field("Billed", billed))
    return out


def _progress_fields(note: Note) -> list[Any]:
    content = note.content
    objectives = plan_objectives(note.plan_version)
    known = {o.id for o in objectives}
    recorded = {o.get("objective_id"): o for o in content.get("objectives") or []}
    out: list[Any] = [_p("Objectives addressed", "h2")]
    for objective in objectives:
        row = recorded.get(objective.id)
        if row is None:
            continue
        rating = _words(row.get("rating")) or "not rated"
        comment = f". {_markup(row['comment'])}" if row.get("comment") else ""
        out.append(
            _item(
                f"<b>{_markup(objective.number)}</b> {_markup(objective.statement)}: "
                f"<i>{_markup(rating)}</i>{comment}"
            )
        )
    for unknown in recorded:
        if unknown not in known:
            out.append(_item(f"{_markup(unknown)} (not in the plan cited)"))
    out.append(_p("Interventions", "h2"))
    for intervention in content.get("interventions") or []:
        outside = "" if intervention.get("in_plan", True) else " (outside the plan)"
        out.append(_item(_markup(f"{intervention.get('description', '')}{outside}")))
    if not content.get("interventions"):
        out.append(_p("None recorded"))
    sections = content.get("sections") or {}
    for heading in history.headings(content.get("format")):
        out += [_p(heading.capitalize(), "h2"), _p(sections.get(heading) or DASH)]
    out.append(_p("Measures given", "h2"))
    for m in content.get("measures_given") or []:
        score = f"{m.get('total')} ({m.get('band') or DASH})" if m.get("complete") else "incomplete"
        out.append(_item(_markup(f"{m.get('instrument')}: {score}")))
    if not content.get("measures_given"):
        out.append(_p("None"))
    out.append(_p("Risk", "h2"))
    concern = "<b>Safety concern raised.</b> " if content.get("risk_flag") else ""
    out.append(
        Paragraph(concern + _markup(content.get("risk_assessment") or DASH), _styles()["body"])
    )
    return out


def _intake_fields(note: Note) -> list[Any]:
    content = note.content
    out: list[Any] = [
        _p("Presenting problem", "h2"),
        _p(content.get("presenting_problem") or DASH),
    ]
    for heading, key in (
        ("History", "history_areas"),
        ("Mental status exam", "mental_status_exam"),
        ("Risk assessment", "risk"),
    ):
        out.append(_p(heading, "h2"))
        for name, value in (content.get(key) or {}).items():
            out.append(_field(_words(name).capitalize(), _words(value) if key == "risk" else value))
    out.append(_p("Diagnostic impressions", "h2"))
    for d in content.get("diagnoses") or []:
        out.append(
            _item(_markup(f"{d.get('code', '')} {d.get('description', '')} ({d.get('rank', '')})"))
        )
    if not content.get("diagnoses"):
        out.append(_p("None"))
    out.append(_p("Recommendation", "h2"))
    for name, value in (content.get("recommendation") or {}).items():
        if value:
            out.append(_field(_words(name).capitalize(), value))
    return out


def _discharge_fields(note: Note) -> list[Any]:
    content = note.content
    first, last = content.get("first_session"), content.get("last_session")
    out: list[Any] = [
        _field("Discharged", _shown_day(content.get("discharge_date"))),
        _field("Episode", f"{_shown_day(first)} to {_shown_day(last)}"),
        _field("Reason", _words(content.get("reason"))),
        _p("Outcomes", "h2"),
    ]
    outcomes = {o.get("objective_id"): o for o in content.get("outcomes") or []}
    for objective in plan_objectives(note.plan_version):
        outcome = outcomes.get(objective.id)
        if outcome is None:
            continue
        summary = f". {_markup(outcome['summary'])}" if outcome.get("summary") else ""
        status = _words(outcome.get("status")) or "no status"
        out.append(
            _item(
                f"<b>{_markup(objective.number)}</b> {_markup(objective.statement)}: "
                f"<i>{_markup(status)}</i>{summary}"
            )
        )
    out.append(_p("Measures", "h2"))
    for m in content.get("measures") or []:
        text = f"{m.get('instrument')}: {m.get('first')} on {_shown_day(m.get('first_on'))}, "
        text += f"{m.get('last')} on {_shown_day(m.get('last_on'))}"
        out.append(_item(_markup(text)))
    if not content.get("measures"):
        out.append(_p("None given"))
    out += [_p("Aftercare and referrals", "h2"), _p(content.get("aftercare") or DASH)]
    return out


def _note_section(note: Note, *, charts: bool) -> Section:
    day = note_day(note)
    title = note.get_kind_display()
    head = PageHead(title, _date_line(day), note.is_draft)
    status = f"Signed {_moment(note.signed_at)}" if note.signed_at else "Draft"
    facts = [f"Date of service {_shown_day(day)}", status, f"Clinician {_clinician(note.author)}"]
    body: list[Any] = [_p(title, "title"), _p(DOT.join(facts), "small")]
    if note.plan_version is not None:
        plan = note.plan_version
        body.append(
            _p(
                f"Treatment plan in force: version {plan.number}, effective "
                f"{_shown_day(plan_day(plan))}",
                "small",
            )
        )
    if note.kind in (Kind.INTAKE, Kind.PROGRESS):
        body += _session_fields(note)
    if note.kind == Kind.PROGRESS:
        body += _progress_fields(note)
    elif note.kind == Kind.INTAKE:
        body += _intake_fields(note)
    else:
        body += _discharge_fields(note)
    if charts:
        body += measures(note.client, through=day, plan=note.plan_version)
    views = signature_views(note)
    body += _signatures(views, draft=note.is_draft)
    body += _addenda([(a, signature_views(a)) for a in note.addenda.select_related("author")])
    return Section(head, day, note.signed_at, body)


# --- Measures --------------------------------------------------------------------------------


def measures(client: Client, *, through: date | None, plan: PlanVersion | None) -> list[Any]:
    """Each instrument's scores up to `through` (all when None): chart, words and table.

    Baseline and target come from the first objective of `plan` bound to the instrument, as on
    the measures page.
    """
    given = [
        (a.instrument, Point(day, a.total))
        for a in Administration.objects.filter(client=client, state=State.COMPLETE).order_by(
            "answered_at", "id"
        )
        if a.total is not None
        and (day := a.answered_on) is not None
        and (through is None or day <= through)
    ]
    if not given:
        return []
    bound: dict[str, Any] = {}
    for binding in bound_objectives(client, plan):
        bound.setdefault(binding.instrument, binding)
    sessions = tuple(
        timezone.localdate(start)
        for start in client.appointments.filter(status=SessionStatus.ATTENDED).values_list(
            "scheduled_start", flat=True
        )
    )
    out: list[Any] = []
    for key, form in INSTRUMENTS.items():
        points = tuple(point for instrument, point in given if instrument == key)
        if not points:
            continue
        objective = bound.get(key)
        spec = ChartSpec(
            instrument=form,
            points=points,
            baseline=_in_range(form, objective.baseline if objective else None),
            target=_in_range(form, objective.target if objective else None),
            session_days=sessions,
            title=f"{form.name} for {client.legal_name}",
        )
        heading = [] if out else [_p("Measures", "h2")]  # kept with the first chart
        out.append(
            KeepTogether(
                [
                    *heading,
                    _p(f"{form.name} scores", "h3"),
                    chart(spec, PAGE_WIDTH - 2 * MARGIN),
                    _p(describe(spec), "small"),
                    Spacer(0, 3),
                    _score_table(spec),
                ]
            )
        )
    return out


def _in_range(form: Any, value: int | None) -> int | None:
    # A baseline or target outside the instrument's range is the SMART lint's finding; the chart
    # leaves it out rather than drawing off the scale.
    return value if value is not None and form.min_total <= value <= form.max_total else None


def _score_table(spec: ChartSpec) -> Table:
    s = _styles()
    rows = [[Paragraph(f"<b>{h}</b>", s["cell"]) for h in ("Date", "Score", "Band")]]
    rows += [
        [
            Paragraph(day_label(day), s["cell"]),
            Paragraph(str(score), s["cell"]),
            Paragraph(_markup(band or DASH), s["cell"]),
        ]
        for day, score, band in data_table(spec)
    ]
    table = Table(rows, colWidths=[90, 45, 150], hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor(LINE)),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def chart(spec: ChartSpec, width: float, height: float = 150.0) -> Drawing:
    """The scores as a small line chart, from the same spec as the SVG on the measures page:
    shaded bands labelled in words, the baseline (dashed) and target (dotted), scores, and
    attended sessions as ticks under the time axis."""
    f, form = fonts(), spec.instrument
    ink, muted, accent = colors.HexColor(INK), colors.HexColor(MUTED), colors.HexColor(ACCENT)
    size, small = 8.0, 7.0
    left, right, top, bottom = 30.0, width - 2.0, height - 14.0, 26.0
    lines: list[tuple[str, int, list[float], Any, float]] = []
    if spec.baseline is not None:
        lines.append((f"Baseline {spec.baseline}", spec.baseline, [4, 3], muted, 1.2))
    if spec.target is not None:
        lines.append((f"Target {spec.target}", spec.target, [1, 2.5], colors.HexColor(OK), 1.6))
    band_room = max(
        (pdfmetrics.stringWidth(b.label, f.regular, small) for b in form.bands), default=0
    )
    line_room = max((pdfmetrics.stringWidth(t, f.regular, size) for t, *_ in lines), default=0)
    data_left = left + line_room + 14
    data_right = right - band_room - 14
    low, high = form.min_total - 0.5, form.max_total + 0.5
    points = sorted(spec.points, key=lambda p: (p.day, p.score))
    first, last = points[0].day, points[-1].day

    def y(value: float) -> float:
        return bottom + (value - low) / (high - low) * (top - bottom)

    def x(day: date) -> float:
        if first == last:
            return (data_left + data_right) / 2
        share = (day - first).days / (last - first).days
        return data_left + share * (data_right - data_left)

    d = Drawing(width, height)
    for i, band in enumerate(form.bands):
        fill = colors.HexColor(BAND_FILLS[min(i, len(BAND_FILLS) - 1)])
        lo, hi = y(band.low - 0.5), y(band.high + 0.5)
        d.add(Rect(left, lo, right - left, hi - lo, fillColor=fill, strokeColor=None))
        if i:
            d.add(Line(left, lo, right, lo, strokeColor=colors.HexColor(LINE), strokeWidth=0.75))
        d.add(
            String(
                right - 4,
                (lo + hi) / 2 - 2.5,
                band.label,
                fontName=f.regular,
                fontSize=small,
                fillColor=muted,
                textAnchor="end",
            )
        )
    ticks = [b.low for b in form.bands] or list(
        range(form.min_total, form.max_total, max(1, (form.max_total - form.min_total) // 4))
    )
    ticks = [t for t in ticks if y(form.max_total) - y(t) >= size + 1] + [form.max_total]
    for tick in ticks:
        d.add(Line(left - 3, y(tick), left, y(tick), strokeColor=muted, strokeWidth=0.75))
        d.add(
            String(
                left - 5,
                y(tick) - 2.8,
                str(tick),
                fontName=f.regular,
                fontSize=size,
                fillColor=muted,
                textAnchor="end",
            )
        )
    d.add(Line(left, bottom, left, top, strokeColor=muted, strokeWidth=0.75))
    d.add(Line(left, bottom, right, bottom, strokeColor=muted, strokeWidth=0.75))
    d.add(
        String(
            left, height - 9, f"{form.name} score", fontName=f.bold, fontSize=size, fillColor=ink
        )
    )
    for label, value, dash, colour, weight in lines:
        d.add(
            Line(
                left,
                y(value),
                data_right + 6,
                y(value),
                strokeColor=colour,
                strokeWidth=weight,
                strokeDashArray=dash,
            )
        )
        d.add(
            String(
                left + 4, y(value) + 2.5, label, fontName=f.regular, fontSize=size, fillColor=colour
            )
        )
    for day in sorted({s for s in spec.session_days if first <= s <= last}):
        d.add(Line(x(day), bottom - 1, x(day), bottom - 5, strokeColor=muted, strokeWidth=1))
    for day, text in _x_labels([p.day for p in points], x, f.regular, size):
        d.add(
            String(
                x(day),
                bottom - 14,
                text,
                fontName=f.regular,
                fontSize=size,
                fillColor=muted,
                textAnchor="middle",
            )
        )
    coords = [(x(p.day), y(p.score)) for p in points]
    if len(coords) > 1:
        flat = [v for xy in coords for v in xy]
        d.add(
            PolyLine(flat, strokeColor=accent, strokeWidth=1.6, strokeLineJoin=1, strokeLineCap=1)
        )
    for cx, cy in coords:
        d.add(Circle(cx, cy, 2.8, fillColor=accent, strokeColor=colors.white, strokeWidth=1))
    return d


def _x_labels(days: list[date], x: Any, font: str, size: float) -> list[tuple[date, str]]:
    """The first and last dates, and the ones between that fit without touching."""
    first, last = days[0], days[-1]
    if first == last:
        return [(first, day_label(first))]

    def span(day: date, text: str) -> tuple[float, float]:
        half = pdfmetrics.stringWidth(text, font, size) / 2
        return x(day) - half, x(day) + half

    end = (last, day_label(last))
    chosen = [(first, day_label(first, year=first.year != last.year))]
    for day in sorted(set(days) - {first, last}):
        text = day_label(day, year=False)
        start, stop = span(day, text)
        if start >= span(*chosen[-1])[1] + 8 and stop + 8 <= span(*end)[0]:
            chosen.append((day, text))
    return [*chosen, end]


# --- Public API ------------------------------------------------------------------------------


def plan_pdf(version: PlanVersion) -> bytes:
    """A treatment plan version, signed or draft, with its signatures and addenda."""
    client = version.plan.client
    return _render(Identity.of(client), [_plan_section(version)], "Treatment plan")


def note_pdf(note: Note) -> bytes:
    """An intake assessment, progress note or discharge summary, with the client's scores up
    to its date of service, its signatures and addenda."""
    return _render(
        Identity.of(note.client), [_note_section(note, charts=True)], note.get_kind_display()
    )


def document_pdf(identity: Identity, sections: list[Section], title: str) -> bytes:
    """Documents another app lays out (psychotherapy notes released under an authorization),
    set on the same pages as the record: header, footer, "Page N of M", fonts, and the
    identity's notice on every page if it has one."""
    return _render(identity, sections, title)


def record_pdf(client: Client) -> bytes:
    """The client's record set: a list of contents, then every signed plan version and every
    signed note in date-of-service order, each from a new page, then every instrument's scores.

    Notes here carry no charts of their own; the scores they were written with are in their text
    and all scores are charted once at the end.
    """
    # Psychotherapy notes (a clinician's separate process notes, 45 CFR 164.501) must never be
    # included here: they are outside the client's right of access and need their own
    # authorization to disclose (standards.md §5.7). They live in their own app, which nothing
    # here reads.
    versions = PlanVersion.objects.filter(
        plan__client=client, status=VersionStatus.SIGNED
    ).select_related("plan__client", "author", "based_on")
    notes = Note.objects.filter(
        client=client,
        status=NoteStatus.SIGNED,
        kind__in=[Kind.INTAKE, Kind.PROGRESS, Kind.DISCHARGE],
    ).select_related("client", "appointment", "plan_version__plan", "author")
    sections = [_plan_section(v) for v in versions]
    sections += [_note_section(n, charts=False) for n in notes]
    sections.sort(key=_in_date_order)
    latest_plan = max(versions, key=lambda v: (plan_day(v) or date.min, v.number), default=None)
    scores = measures(client, through=None, plan=latest_plan)
    newest = (
        Administration.objects.filter(client=client, state=State.COMPLETE)
        .order_by("-answered_at")
        .first()
    )
    if scores and newest is not None:
        last = newest.answered_on
        head = PageHead("Measures", _date_line(last, "Scores through"))
        sections.append(Section(head, last, None, scores))
    disputed = _denied_amendments(client)
    if disputed is not None:
        sections.append(disputed)
    return _render(Identity.of(client), [_contents(sections), *sections], "Clinical record")


def _denied_amendments(client: Client) -> Section | None:
    """Denied amendment requests travel with the record (45 CFR 164.526(d)(4)): what the client
    asked to change, why it was denied, their statement of disagreement and any rebuttal.
    Accepted requests are already in it, as addenda on the exact version."""
    denied = list(
        AmendmentRequest.objects.filter(client=client, status=AmendmentStatus.DENIED)
        .select_related("plan_version", "note__appointment")
        .order_by("requested_at", "id")
    )
    if not denied:
        return None
    body: list[Any] = [_p("Amendment requests denied", "title")]
    for request in denied:
        asked = day_label(timezone.localdate(request.requested_at))
        body += [
            _p(f"Request of {asked}, about: {document_name(request.document)}", "h2"),
            _field("Change asked for", request.requested_change),
            _field("The client's reason", request.reason),
        ]
        if request.decided_at is not None:
            body.append(_field(f"Denied {_moment(request.decided_at)}", request.denial_reason))
        if request.disagreement:
            body.append(_field("The client's statement of disagreement", request.disagreement))
        if request.rebuttal:
            body.append(_field("The clinician's rebuttal", request.rebuttal))
    last = timezone.localdate(denied[-1].requested_at)
    head = PageHead("Amendment requests denied", _date_line(last, "Latest request"))
    return Section(head, last, None, body)


def _in_date_order(section: Section) -> tuple[date, float]:
    signed = section.signed_at.timestamp() if section.signed_at else float("inf")
    return section.day or date.max, signed


def _contents(sections: list[Section]) -> Section:
    days = [s.day for s in sections if s.day]
    span = f"{day_label(min(days))} to {day_label(max(days))}" if days else "none recorded"
    body: list[Any] = [
        _p("Clinical record", "title"),
        _p(f"Dates of service: {span}", "small"),
        _p("Contents", "h2"),
    ]
    for number, section in enumerate(sections, start=1):
        line = _markup(f"{section.head.title} {DASH} {section.head.date_line}")
        body.append(Paragraph(line, _styles()["item"], bulletText=f"{number}."))
    if not sections:
        body.append(_p("No signed documents."))
    return Section(PageHead("Clinical record", f"Dates of service {span}"), None, None, body)
