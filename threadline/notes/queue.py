"""The work queue: what a clinician's morning asks of them, and the practice's counts of it.

Reads only (the page records the read in the audit log). Each section is a fixed number of
queries whatever the caseload: rows are fetched with what they show (client, payer, practice,
note) and the pack's hours and review dates are worked out in Python from what was fetched.

Sections (JOURNEYS.md §1, first morning):

- today's sessions, and whether each has its note;
- notes owed: attended sessions without a signed note, oldest first, by age since the session
  was scheduled to end against the payer pack's documentation hours;
- drafts to sign: the clinician's draft notes and draft plan versions;
- plans due for review: the caseload's signed plans in force due within `DUE_SOON_DAYS` or
  overdue, and active clients seen in session who have no signed plan yet;
- client agreements pending: the newest signed version of a client's plan, written by this
  clinician, with neither the client's agreement nor a telehealth attestation of it;
- co-signatures (supervisors): supervisees' signed plan versions and notes without the
  supervisor's co-signature.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from threadline.access import visible_clients
from threadline.accounts.models import CLINICAL_ROLES, Membership, Practice, Role, User
from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.appointments.services import day_bounds
from threadline.clients.models import Client, ClientStatus
from threadline.notes.models import Note
from threadline.notes.models import Status as NoteStatus
from threadline.notes.services import INTAKE_SERVICES
from threadline.plans.checks import pack_for, review_due
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.plans.services import waiting_for_cosign
from threadline.portal.services import AGREEMENTS
from threadline.rules.packs import Pack
from threadline.rules.review import ReviewState, review_state
from threadline.signatures.models import Meaning, Signature


class Urgency(StrEnum):
    """How a row is marked: always in words on the page, never by colour alone."""

    OK = "ok"
    LATE = "late"  # past the pack's warning hours
    OVERDUE = "overdue"  # past the pack's error hours, or a review date gone by


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue: what is owed, for whom, how urgent, and the one click to it."""

    what: str  # "Progress note", "Treatment plan, version 2"
    client: Client
    url: str
    # What the row is about, for the audit of the read: ("appointment" | "note" |
    # "plan_version" | "client", its id).
    ref: tuple[str, int]
    urgency: Urgency = Urgency.OK
    status: str = ""  # the state in words: "Late: over 24 h", "Review due in 12 days"
    when: datetime | None = None  # the session's start, or when the document was saved/signed
    due: date | None = None  # a plan's review date
    age_hours: float | None = None  # hours since the session was scheduled to end
    post: bool = False  # the click is a POST (it creates the note)
    action: str = "Open"

    @property
    def is_late(self) -> bool:
        return self.urgency is not Urgency.OK


@dataclass(frozen=True)
class TodaySession:
    """A session on today's schedule and where its note stands."""

    session: Appointment
    note: Note | None
    url: str
    post: bool
    action: str

    @property
    def client(self) -> Client:
        return self.session.client

    @property
    def has_note(self) -> bool:
        return self.note is not None

    @property
    def note_status(self) -> str:
        if self.note is None:
            return "No note" if self.session.status == SessionStatus.ATTENDED else "—"
        return "Note signed" if self.note.status == NoteStatus.SIGNED else "Draft note"


@dataclass(frozen=True)
class WorkQueue:
    clinician: User
    day: date
    sessions_today: list[TodaySession]
    notes_owed: list[QueueItem]
    drafts: list[QueueItem]
    reviews: list[QueueItem]
    agreements: list[QueueItem]
    # None for someone who supervises no one by role; a list (maybe empty) for supervisors.
    cosignatures: list[QueueItem] | None = None
    # Safety alerts first, then questionnaires due or overdue by each client's schedule.
    measures: list[QueueItem] = field(default_factory=list)

    @property
    def late_notes(self) -> int:
        return sum(1 for item in self.notes_owed if item.is_late)

    def shown(self) -> dict[str, list[int]]:
        """The ids this page shows, for the audit event of the read."""
        refs: dict[str, set[int]] = defaultdict(set)
        clients: set[int] = set()
        for entry in self.sessions_today:
            refs["appointment"].add(entry.session.pk)
            clients.add(entry.session.client_id)
        for item in self._items():
            refs[item.ref[0]].add(item.ref[1])
            clients.add(item.client.pk)
        return {
            "clients": sorted(clients),
            "sessions": sorted(refs["appointment"]),
            "notes": sorted(refs["note"]),
            "plan_versions": sorted(refs["plan_version"]),
        }

    def _items(self) -> Iterable[QueueItem]:
        yield from self.notes_owed
        yield from self.drafts
        yield from self.reviews
        yield from self.agreements
        yield from self.cosignatures or []
        yield from self.measures


@dataclass(frozen=True)
class ClinicianCounts:
    """A practice admin's view of one clinician's queue: numbers only, nothing clinical."""

    clinician: User
    notes_within: int = 0
    notes_late: int = 0
    notes_overdue: int = 0
    drafts: int = 0
    plans_due: int = 0
    plans_overdue: int = 0
    no_plan: int = 0
    agreements_pending: int = 0

    @property
    def notes_owed(self) -> int:
        return self.notes_within + self.notes_late + self.notes_overdue


# --- shared pieces ------------------------------------------------------------------------


def documentation_urgency(hours: float, pack: Pack) -> Urgency:
    """Past the warning hours is late, past the error hours overdue (as the note rules say)."""
    if hours > pack.documentation_error_hours:
        return Urgency.OVERDUE
    if hours > pack.documentation_warn_hours:
        return Urgency.LATE
    return Urgency.OK


def _band_words(urgency: Urgency, pack: Pack) -> str:
    if urgency is Urgency.OVERDUE:
        return f"Overdue: over {pack.documentation_error_hours} h"
    if urgency is Urgency.LATE:
        return f"Late: over {pack.documentation_warn_hours} h"
    return f"Within {pack.documentation_warn_hours} h"


def _age_words(hours: float) -> str:
    if hours < 1:
        return "ended under an hour ago"
    if hours < 48:
        whole = int(hours)
        return f"ended {whole} hour{'s' if whole != 1 else ''} ago"
    return f"ended {int(hours // 24)} days ago"


def _hours_since_end(session: Appointment, now: datetime) -> float:
    # In UTC: between two times of one zone Python subtracts wall-clock times, which is an hour
    # out across a change of the clocks.
    return (now.astimezone(UTC) - session.scheduled_end.astimezone(UTC)).total_seconds() / 3600


def _session_document(session: Appointment) -> str:
    return "Intake assessment" if session.service in INTAKE_SERVICES else "Progress note"


def _write_action(session: Appointment) -> str:
    return "Write intake" if session.service in INTAKE_SERVICES else "Write note"


def _note_of(session: Appointment) -> Note | None:
    """The session's note, from `select_related("note")` (no query; None when there is none)."""
    try:
        return session.note
    except Note.DoesNotExist:
        return None


def _note_url(note: Note) -> str:
    return reverse("note_view", kwargs={"client_id": note.client_id, "note_id": note.pk})


def _write_note_url(session: Appointment) -> str:
    return reverse(
        "session_note", kwargs={"client_id": session.client_id, "appointment_id": session.pk}
    )


def _plan_url(name: str, version: PlanVersion) -> str:
    return reverse(name, kwargs={"client_id": version.plan.client_id, "version_id": version.pk})


def _signed_in_force() -> Subquery:
    """The client's signed version in force, ordered as `plans.services.signed_version_in_force`."""
    return Subquery(
        PlanVersion.objects.filter(plan__client=OuterRef("pk"), status=VersionStatus.SIGNED)
        .order_by("-plan__created_at", "-number")
        .values("pk")[:1]
    )


def _signed_with(meanings: Iterable[str], model: type[Any]) -> QuerySet[Signature, Any]:
    return Signature.objects.filter(
        document_type=ContentType.objects.get_for_model(model), meaning__in=list(meanings)
    ).values("document_id")


# --- the sections, each over a queryset the caller scoped ----------------------------------


def _owed(sessions: QuerySet[Appointment], now: datetime) -> list[tuple[Appointment, float, Pack]]:
    """Attended sessions with no signed note (none, or a draft), oldest first."""
    rows = (
        sessions.filter(status=SessionStatus.ATTENDED)
        .filter(Q(note__isnull=True) | Q(note__status=NoteStatus.DRAFT))
        .select_related("client__payer", "client__practice", "note")
        .order_by("scheduled_start", "id")
    )
    return [(s, _hours_since_end(s, now), pack_for(s.client)) for s in rows]


def _notes_owed(sessions: QuerySet[Appointment], now: datetime) -> list[QueueItem]:
    items = []
    for session, hours, pack in _owed(sessions, now):
        urgency = documentation_urgency(hours, pack)
        draft = _note_of(session)
        items.append(
            QueueItem(
                what=_session_document(session),
                client=session.client,
                url=_note_url(draft) if draft else _write_note_url(session),
                ref=("note", draft.pk) if draft else ("appointment", session.pk),
                urgency=urgency,
                status=f"{_band_words(urgency, pack)} (session {_age_words(hours)})",
                when=session.scheduled_start,
                age_hours=hours,
                post=draft is None,
                action="Continue draft" if draft else _write_action(session),
            )
        )
    return items


def _sessions_today(sessions: QuerySet[Appointment], day: date) -> list[TodaySession]:
    start, end = day_bounds(day, 1)
    rows = (
        sessions.filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .select_related("client", "note")
        .order_by("scheduled_start", "id")
    )
    today = []
    for session in rows:
        note = _note_of(session)
        if note is not None:
            url, post, action = _note_url(note), False, "Open note"
        elif session.status == SessionStatus.ATTENDED:
            url, post, action = _write_note_url(session), True, _write_action(session)
        else:
            url = reverse("appointment_list", kwargs={"client_id": session.client_id})
            post, action = False, "Sessions"
        today.append(TodaySession(session, note, url, post, action))
    return today


def _drafts(
    notes: QuerySet[Note], versions: QuerySet[PlanVersion], now: datetime
) -> list[QueueItem]:
    items = []
    for note in notes.filter(status=NoteStatus.DRAFT).select_related(
        "client__payer", "client__practice", "appointment"
    ):
        urgency, status = Urgency.OK, "Draft"
        if note.appointment is not None:
            pack = pack_for(note.client)
            urgency = documentation_urgency(_hours_since_end(note.appointment, now), pack)
            band = _band_words(urgency, pack)
            status = f"Draft, {band[0].lower()}{band[1:]}"
        items.append(
            QueueItem(
                what=note.get_kind_display(),
                client=note.client,
                url=_note_url(note),
                ref=("note", note.pk),
                urgency=urgency,
                status=status,
                when=note.appointment.scheduled_start if note.appointment else note.updated_at,
                action="Open draft",
            )
        )
    for version in versions.filter(status=VersionStatus.DRAFT).select_related("plan__client"):
        items.append(
            QueueItem(
                what=f"Treatment plan, version {version.number}",
                client=version.plan.client,
                url=_plan_url("plan_edit", version),
                ref=("plan_version", version.pk),
                status="Draft",
                when=version.updated_at,
                action="Open draft",
            )
        )
    # Oldest first, so what has waited longest is at the top.
    items.sort(key=lambda item: (item.when or now, item.ref))
    return items


@dataclass(frozen=True)
class _Review:
    client: Client
    version: PlanVersion | None  # None: no signed plan yet
    due: date | None
    state: ReviewState | None


def _reviews(clients: QuerySet[Client], today: date) -> list[_Review]:
    """Active clients whose signed plan in force is due soon or overdue, or who were seen in
    session and have no signed plan at all."""
    rows = list(
        clients.filter(status=ClientStatus.ACTIVE)
        .annotate(
            in_force_id=_signed_in_force(),
            seen=Exists(
                Appointment.objects.filter(client=OuterRef("pk"), status=SessionStatus.ATTENDED)
            ),
        )
        .select_related("payer", "practice")
    )
    ids = [row.in_force_id for row in rows if row.in_force_id is not None]
    versions = PlanVersion.objects.filter(pk__in=ids).select_related(
        "plan__client__payer", "plan__client__practice", "author__membership"
    )
    in_force = {version.pk: version for version in versions}
    found = []
    for client in rows:
        version = in_force.get(client.in_force_id)
        if version is None:
            if client.seen:
                found.append(_Review(client, None, None, None))
            continue
        due = review_due(version)
        if due is None:
            continue
        state = review_state(due, today)
        if state is not ReviewState.CURRENT:
            found.append(_Review(client, version, due, state))
    return found


def _review_items(reviews: list[_Review], today: date) -> list[QueueItem]:
    items = []
    for review in reviews:
        client, version, due = review.client, review.version, review.due
        if version is None or due is None:
            items.append(
                QueueItem(
                    what="Treatment plan",
                    client=client,
                    url=reverse("plan_home", kwargs={"client_id": client.pk}),
                    ref=("client", client.pk),
                    status="No plan yet",
                    action="Start plan",
                )
            )
            continue
        days = (due - today).days
        if review.state is ReviewState.OVERDUE:
            status = f"Overdue: review was due {-days} day{'s' if days != -1 else ''} ago"
        elif days == 0:
            status = "Review due today"
        else:
            status = f"Review due in {days} day{'s' if days != 1 else ''}"
        items.append(
            QueueItem(
                what=f"Treatment plan, version {version.number}",
                client=client,
                url=_plan_url("plan_version", version),
                ref=("plan_version", version.pk),
                urgency=Urgency.OVERDUE if review.state is ReviewState.OVERDUE else Urgency.OK,
                status=status,
                due=due,
                action="Review plan",
            )
        )
    # Overdue first, then by review date; "no plan yet" after those with a date.
    items.sort(key=lambda item: (item.due is None, item.due or today, item.client.pk))
    return items


def _pending_agreements(versions: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    """The newest signed version of each active client's plan, with no agreement recorded."""
    newest_signed = (
        PlanVersion.objects.filter(
            plan__client=OuterRef("plan__client"), status=VersionStatus.SIGNED
        )
        .order_by("-plan__created_at", "-number")
        .values("pk")[:1]
    )
    return (
        versions.filter(status=VersionStatus.SIGNED, plan__client__status=ClientStatus.ACTIVE)
        .filter(pk=Subquery(newest_signed))
        .exclude(pk__in=_signed_with(AGREEMENTS, PlanVersion))
        .select_related("plan__client__payer", "plan__client__practice")
        .order_by("signed_at", "id")
    )


def _agreement_items(versions: QuerySet[PlanVersion]) -> list[QueueItem]:
    items = []
    for version in _pending_agreements(versions):
        required = pack_for(version.plan.client).client_signature_required
        items.append(
            QueueItem(
                what=f"Treatment plan, version {version.number}",
                client=version.plan.client,
                url=_plan_url("plan_version", version),
                ref=("plan_version", version.pk),
                status="Agreement required by the payer" if required else "No agreement yet",
                when=version.signed_at,
                action="Get agreement",
            )
        )
    return items


def _cosignatures(supervisor: User, practice_id: int, now: datetime) -> list[QueueItem]:
    """Supervisees' signed documents without the co-signature, for clients whose record the
    supervisor opens as supervisor (a treating supervisor signs as clinician, not co-signer,
    as `access.client_actions` has it)."""
    supervising = set(
        visible_clients(supervisor)
        .exclude(Q(primary_clinician=supervisor) | Q(care_team=supervisor))
        .values_list("pk", flat=True)
    )
    items = [
        QueueItem(
            what=f"Treatment plan, version {version.number}",
            client=version.plan.client,
            url=_plan_url("plan_sign", version),
            ref=("plan_version", version.pk),
            status=f"Signed by {version.author.full_name}",
            when=version.signed_at,
            action="Review and co-sign",
        )
        for version in waiting_for_cosign(supervisor)
        if version.plan.client_id in supervising
    ]
    notes = (
        Note.objects.filter(
            status=NoteStatus.SIGNED,
            client__practice_id=practice_id,
            client_id__in=supervising,
            author__clinician_profile__supervisor=supervisor,
            author__clinician_profile__pre_licensed=True,
        )
        .exclude(pk__in=_signed_with([Meaning.SUPERVISOR], Note))
        .select_related("client", "author")
    )
    items += [
        QueueItem(
            what=note.get_kind_display(),
            client=note.client,
            url=reverse("note_sign", kwargs={"client_id": note.client_id, "note_id": note.pk}),
            ref=("note", note.pk),
            status=f"Signed by {note.author.full_name}",
            when=note.signed_at,
            action="Review and co-sign",
        )
        for note in notes
    ]
    items.sort(key=lambda item: (item.when or now, item.ref))
    return items


# --- the public functions -----------------------------------------------------------------


def _caseload(clinician: User, practice_id: int) -> QuerySet[Client]:
    return (
        Client.objects.filter(practice_id=practice_id)
        .filter(Q(primary_clinician=clinician) | Q(care_team=clinician))
        .distinct()
    )


def work_queue(clinician: User, *, now: datetime) -> WorkQueue:
    """Everything waiting for this clinician on the local day of `now`."""
    member: Membership = clinician.membership
    practice_id = member.practice_id
    day = timezone.localtime(now).date()
    sessions = Appointment.objects.filter(clinician=clinician, client__practice_id=practice_id)
    return WorkQueue(
        clinician=clinician,
        day=day,
        sessions_today=_sessions_today(sessions, day),
        notes_owed=_notes_owed(sessions, now),
        drafts=_drafts(
            Note.objects.filter(author=clinician, client__practice_id=practice_id),
            PlanVersion.objects.filter(author=clinician, plan__client__practice_id=practice_id),
            now,
        ),
        reviews=_review_items(_reviews(_caseload(clinician, practice_id), day), day),
        agreements=_agreement_items(
            PlanVersion.objects.filter(author=clinician, plan__client__practice_id=practice_id)
        ),
        cosignatures=(
            _cosignatures(clinician, practice_id, now) if member.role == Role.SUPERVISOR else None
        ),
        measures=_measure_items(_caseload(clinician, practice_id), day),
    )


def _measure_items(caseload: QuerySet[Client], day: date) -> list[QueueItem]:
    """Open safety alerts (they stay until the same-day assessment is documented), then the
    questionnaires the clients' schedules say are due."""
    from threadline.measures.models import SafetyAlert
    from threadline.measures.services import due_for_clients

    clients = {c.pk: c for c in caseload.filter(status=ClientStatus.ACTIVE)}
    items = [
        QueueItem(
            what=f"Safety alert: {alert.administration.get_instrument_display()}",
            client=clients[alert.client_id],
            url=reverse("measures_home", kwargs={"client_id": alert.client_id}),
            ref=("client", alert.client_id),
            urgency=Urgency.OVERDUE,
            status="Assess safety and document it",
            when=alert.raised_at,
            action="Open",
        )
        for alert in SafetyAlert.objects.filter(
            client_id__in=list(clients), cleared_at__isnull=True
        ).select_related("administration")
    ]
    for client_id, found in due_for_clients(clients, today=day).items():
        items += [
            QueueItem(
                what=due.schedule.get_instrument_display(),
                client=clients[client_id],
                url=reverse("measures_home", kwargs={"client_id": client_id}),
                ref=("client", client_id),
                urgency=Urgency.OVERDUE if due.overdue else Urgency.OK,
                status=("Overdue: " if due.overdue else "Due: ") + due.reason,
                action="Give it",
            )
            for due in found
        ]
    return items


def practice_counts(practice: Practice, *, now: datetime) -> list[ClinicianCounts]:
    """Per active clinical member of the practice, how much waits: counts, never content."""
    members = list(
        Membership.objects.filter(practice=practice, is_active=True, role__in=CLINICAL_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    tally: dict[int, Counter[str]] = defaultdict(Counter)

    sessions = Appointment.objects.filter(client__practice=practice)
    for session, hours, pack in _owed(sessions, now):
        band = documentation_urgency(hours, pack)
        key = {Urgency.OK: "notes_within", Urgency.LATE: "notes_late"}.get(band, "notes_overdue")
        tally[session.clinician_id][key] += 1

    for author_id in Note.objects.filter(
        client__practice=practice, status=NoteStatus.DRAFT
    ).values_list("author_id", flat=True):
        tally[author_id]["drafts"] += 1
    for author_id in PlanVersion.objects.filter(
        plan__client__practice=practice, status=VersionStatus.DRAFT
    ).values_list("author_id", flat=True):
        tally[author_id]["drafts"] += 1

    clients = Client.objects.filter(practice=practice)
    reviews = _reviews(clients, timezone.localtime(now).date())
    team: dict[int, set[int]] = defaultdict(set)
    for client_id, user_id in Client.care_team.through.objects.filter(
        client__practice=practice
    ).values_list("client_id", "user_id"):
        team[client_id].add(user_id)
    for review in reviews:
        key = (
            "no_plan"
            if review.version is None
            else "plans_overdue"
            if review.state is ReviewState.OVERDUE
            else "plans_due"
        )
        for user_id in {review.client.primary_clinician_id} | team[review.client.pk]:
            tally[user_id][key] += 1

    agreements = _pending_agreements(PlanVersion.objects.filter(plan__client__practice=practice))
    for author_id in agreements.values_list("author_id", flat=True):
        tally[author_id]["agreements_pending"] += 1

    return [ClinicianCounts(member.user, **tally[member.user_id]) for member in members]
