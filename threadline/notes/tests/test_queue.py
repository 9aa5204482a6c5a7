"""The work queue: each section's edges with a fixed `now`, bounded queries, and the page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from threadline.accounts.models import Practice, Role, User
from threadline.appointments.models import Appointment
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, make_person, signed_in
from threadline.notes.models import Note
from threadline.notes.queue import (
    QueueItem,
    Urgency,
    WorkQueue,
    practice_counts,
    work_queue,
)
from threadline.plans.models import PlanVersion, TreatmentPlan
from threadline.portal.tests.factories import client_account
from threadline.reviews.break_glass import unreviewed_count
from threadline.reviews.models import BreakGlassGrant
from threadline.reviews.views import REPORT_PAGE
from threadline.signatures.models import Meaning, Method, Signature

# 9:00 on a Tuesday in New York, two days after the clocks went forward: held in UTC so that
# `NOW - timedelta(hours=73)` is 73 real hours (arithmetic within one zone is wall-clock time).
NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
REVIEW_DAYS = 180  # the default pack's review interval
HOUR = timedelta(hours=1)


# --- builders -------------------------------------------------------------------------------


def _session(
    clinician: User,
    client: Client,
    *,
    ended_hours_ago: float | None = None,
    start: datetime | None = None,
    status: str = "attended",
    service: str = "psychotherapy",
    now: datetime = NOW,
) -> Appointment:
    """A session of 60 minutes, placed by when it ended (before `now`) or when it starts."""
    if start is None:
        assert ended_hours_ago is not None
        start = now - timedelta(hours=ended_hours_ago) - HOUR
    return Appointment.objects.create(
        client=client,
        clinician=clinician,
        scheduled_start=start,
        duration_minutes=60,
        service=service,
        status=status,
        created_by=clinician,
    )


def _note(
    author: User,
    client: Client,
    session: Appointment | None = None,
    *,
    signed: bool = False,
    kind: str = "progress",
) -> Note:
    return Note.objects.create(
        client=client,
        kind=kind,
        appointment=session,
        author=author,
        updated_by=author,
        content={"session": {"date_of_service": "2026-03-09", "stop": "10:00"}},
        status="signed" if signed else "draft",
        signed_at=NOW - HOUR if signed else None,
    )


def _version(
    author: User,
    client: Client,
    *,
    effective: date | None = None,
    signed: bool = True,
    plan: TreatmentPlan | None = None,
    number: int = 1,
) -> PlanVersion:
    plan = plan or TreatmentPlan.objects.create(client=client, created_by=author)
    effective = effective or TODAY - timedelta(days=10)
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        status="signed" if signed else "draft",
        content={"effective_date": effective.isoformat()},
        author=author,
        updated_by=author,
        signed_at=NOW - timedelta(days=1) if signed else None,
    )


def _review_in(days: int, today: date = TODAY) -> date:
    """The effective date that puts the default pack's review `days` after `today`."""
    return today + timedelta(days=days - REVIEW_DAYS)


def _sign(document: Any, meaning: str, signer: User | None = None) -> Signature:
    """A signature row as the queue reads it (the hashes are not what the queue checks)."""
    return Signature.objects.create(
        document_type=ContentType.objects.get_for_model(document),
        document_id=document.pk,
        meaning=meaning,
        signer=signer,
        printed_name=signer.full_name if signer else "Avery Testwell",
        signed_at=NOW,
        method=Method.ATTESTATION,
        attestation="",
        content_sha256="0" * 64,
        record_hmac="0" * 64,
    )


def _grant(
    user: User, client: Client, *, reviewed_by: User | None = None, now: datetime = NOW
) -> BreakGlassGrant:
    """An emergency access grant that ran its hour and ended yesterday, reviewed or not."""
    started = now - timedelta(days=1)
    return BreakGlassGrant.objects.create(
        practice_id=client.practice_id,
        user=user,
        client=client,
        reason="The client called in crisis and the treating clinician was away on leave.",
        started_at=started,
        expires_at=started + HOUR,
        reviewed_at=now if reviewed_by else None,
        reviewed_by=reviewed_by,
    )


def _refs(items: list[QueueItem]) -> list[tuple[str, int]]:
    return [item.ref for item in items]


def _queue(user: User) -> WorkQueue:
    return work_queue(user, now=NOW)


# --- today's sessions -----------------------------------------------------------------------


def test_todays_sessions_are_the_local_day_of_this_clinician_with_their_note(
    owner: User, colleague: User, client_record: Client
) -> None:
    local = timezone.get_current_timezone()
    midnight = datetime(2026, 3, 10, 0, 0, tzinfo=local)
    _session(owner, client_record, start=midnight - timedelta(minutes=30))  # yesterday
    early = _session(owner, client_record, start=midnight + timedelta(minutes=30))
    noted = _session(owner, client_record, start=midnight + timedelta(hours=8))
    later = _session(owner, client_record, start=midnight + timedelta(hours=14), status="scheduled")
    _session(owner, client_record, start=midnight + timedelta(hours=24))  # tomorrow
    _session(colleague, client_record, start=midnight + timedelta(hours=10))
    note = _note(owner, client_record, noted)

    today = _queue(owner).sessions_today

    assert [entry.session for entry in today] == [early, noted, later]
    by_session = {entry.session: entry for entry in today}
    assert (by_session[early].has_note, by_session[early].post) == (False, True)
    assert by_session[early].url == reverse(
        "session_note", kwargs={"client_id": client_record.pk, "appointment_id": early.pk}
    )
    assert (by_session[noted].has_note, by_session[noted].note_status) == (True, "Draft note")
    assert by_session[noted].url == reverse(
        "note_view", kwargs={"client_id": client_record.pk, "note_id": note.pk}
    )
    assert (by_session[later].has_note, by_session[later].post) == (False, False)


# --- notes owed -----------------------------------------------------------------------------


def test_notes_owed_are_marked_by_age_since_the_scheduled_end_oldest_first(
    owner: User, client_record: Client
) -> None:
    fresh = _session(owner, client_record, ended_hours_ago=23)
    on_the_line = _session(owner, client_record, ended_hours_ago=24)
    late = _session(owner, client_record, ended_hours_ago=25)
    at_the_limit = _session(owner, client_record, ended_hours_ago=72)
    overdue = _session(owner, client_record, ended_hours_ago=73)

    owed = _queue(owner).notes_owed

    assert _refs(owed) == [
        ("appointment", s.pk) for s in (overdue, at_the_limit, late, on_the_line, fresh)
    ]
    assert [item.urgency for item in owed] == [
        Urgency.OVERDUE,
        Urgency.LATE,
        Urgency.LATE,
        Urgency.OK,
        Urgency.OK,
    ]
    assert owed[0].status.startswith("Overdue: over 72 h")
    assert owed[2].status.startswith("Late: over 24 h")
    assert owed[4].status.startswith("Within 24 h")
    assert owed[4].age_hours == pytest.approx(23)


def test_a_session_without_a_note_offers_to_write_it_and_a_draft_opens(
    owner: User, client_record: Client
) -> None:
    bare = _session(owner, client_record, ended_hours_ago=2)
    drafted = _session(owner, client_record, ended_hours_ago=30)
    draft = _note(owner, client_record, drafted)
    intake = _session(owner, client_record, ended_hours_ago=1, service="intake")

    owed = {item.ref: item for item in _queue(owner).notes_owed}

    assert set(owed) == {("appointment", bare.pk), ("note", draft.pk), ("appointment", intake.pk)}
    write = owed["appointment", bare.pk]
    assert (write.post, write.action, write.what) == (True, "Write note", "Progress note")
    assert write.url == reverse(
        "session_note", kwargs={"client_id": client_record.pk, "appointment_id": bare.pk}
    )
    open_draft = owed["note", draft.pk]
    assert (open_draft.post, open_draft.urgency) == (False, Urgency.LATE)
    assert open_draft.url == reverse(
        "note_view", kwargs={"client_id": client_record.pk, "note_id": draft.pk}
    )
    assert owed["appointment", intake.pk].what == "Intake assessment"


def test_a_signed_note_or_a_session_that_did_not_happen_owes_nothing(
    owner: User, client_record: Client
) -> None:
    signed = _session(owner, client_record, ended_hours_ago=30)
    _note(owner, client_record, signed, signed=True)
    for status in ("scheduled", "no_show", "cancelled"):
        _session(owner, client_record, ended_hours_ago=30, status=status)

    assert _queue(owner).notes_owed == []


def test_another_clinicians_sessions_never_appear(
    owner: User, colleague: User, client_record: Client, practice: Practice
) -> None:
    theirs = make_client(practice, colleague, "TL-00002")
    _session(colleague, theirs, ended_hours_ago=80)
    _session(colleague, client_record, ended_hours_ago=80)  # even for the owner's client
    _session(colleague, client_record, start=NOW + HOUR, status="scheduled")

    queue = _queue(owner)

    assert (queue.sessions_today, queue.notes_owed) == ([], [])
    assert len(_queue(colleague).notes_owed) == 2


# --- drafts to sign -------------------------------------------------------------------------


def test_drafts_to_sign_are_the_clinicians_own_draft_notes_and_plan_versions(
    owner: User, colleague: User, client_record: Client
) -> None:
    session = _session(owner, client_record, ended_hours_ago=5)
    draft_note = _note(owner, client_record, session)
    discharge = _note(owner, client_record, kind="discharge")
    _note(owner, client_record, _session(owner, client_record, ended_hours_ago=9), signed=True)
    _note(colleague, client_record, _session(colleague, client_record, ended_hours_ago=9))
    draft_plan = _version(owner, client_record, signed=False)
    _version(colleague, client_record, signed=False)

    drafts = {item.ref: item for item in _queue(owner).drafts}

    assert set(drafts) == {
        ("note", draft_note.pk),
        ("note", discharge.pk),
        ("plan_version", draft_plan.pk),
    }
    assert drafts["plan_version", draft_plan.pk].url == reverse(
        "plan_edit", kwargs={"client_id": client_record.pk, "version_id": draft_plan.pk}
    )
    assert drafts["note", discharge.pk].what == "Discharge summary"


# --- plans due for review -------------------------------------------------------------------


def test_a_plan_is_due_for_review_within_30_days_not_31(
    owner: User, client_record: Client, practice: Practice
) -> None:
    in_30 = _version(owner, client_record, effective=_review_in(30))
    later = make_client(practice, owner, "TL-00002")
    _version(owner, later, effective=_review_in(31))
    late = make_client(practice, owner, "TL-00003")
    overdue = _version(owner, late, effective=_review_in(-1))

    reviews = _queue(owner).reviews

    assert _refs(reviews) == [("plan_version", overdue.pk), ("plan_version", in_30.pk)]
    assert (reviews[0].urgency, reviews[0].status) == (
        Urgency.OVERDUE,
        "Overdue: review was due 1 day ago",
    )
    assert (reviews[1].urgency, reviews[1].status, reviews[1].due) == (
        Urgency.OK,
        "Review due in 30 days",
        TODAY + timedelta(days=30),
    )
    assert reviews[1].url == reverse(
        "plan_version", kwargs={"client_id": client_record.pk, "version_id": in_30.pk}
    )


def test_only_the_signed_version_in_force_counts(owner: User, client_record: Client) -> None:
    first = _version(owner, client_record, effective=_review_in(-20))
    _version(owner, client_record, effective=_review_in(90), plan=first.plan, number=2)
    _version(owner, client_record, signed=False, plan=first.plan, number=3)

    assert _queue(owner).reviews == []


def test_reviews_cover_the_caseload_and_care_team_and_only_active_clients(
    owner: User, colleague: User, client_record: Client, practice: Practice
) -> None:
    shared = make_client(practice, colleague, "TL-00002")
    shared.care_team.add(owner)
    on_team = _version(colleague, shared, effective=_review_in(5))
    not_mine = make_client(practice, colleague, "TL-00003")
    _version(colleague, not_mine, effective=_review_in(5))
    gone = make_client(practice, owner, "TL-00004", status="discharged")
    _version(owner, gone, effective=_review_in(-5))

    assert _refs(_queue(owner).reviews) == [("plan_version", on_team.pk)]


def test_a_client_seen_in_session_without_a_signed_plan_has_no_plan_yet(
    owner: User, client_record: Client, practice: Practice
) -> None:
    _session(owner, client_record, ended_hours_ago=200)
    _version(owner, client_record, signed=False)  # a draft is not a plan in force
    not_seen = make_client(practice, owner, "TL-00002")
    _session(owner, not_seen, start=NOW + HOUR, status="scheduled")

    reviews = _queue(owner).reviews

    assert [(item.ref, item.status) for item in reviews] == [
        (("client", client_record.pk), "No plan yet")
    ]
    assert reviews[0].url == reverse("plan_home", kwargs={"client_id": client_record.pk})


# --- client agreements pending --------------------------------------------------------------


def test_agreements_pending_are_the_newest_signed_versions_without_agreement(
    owner: User, colleague: User, client_record: Client, practice: Practice
) -> None:
    pending = _version(owner, client_record)
    agreed = make_client(practice, owner, "TL-00002")
    _sign(_version(owner, agreed), Meaning.CLIENT_AGREEMENT)
    attested = make_client(practice, owner, "TL-00003")
    _sign(_version(owner, attested), Meaning.TELEHEALTH_ATTESTATION, owner)
    revised = make_client(practice, owner, "TL-00004")
    old = _version(owner, revised)
    _sign(old, Meaning.CLIENT_AGREEMENT)
    newer = _version(owner, revised, plan=old.plan, number=2)
    superseded = make_client(practice, owner, "TL-00005")
    first = _version(owner, superseded)
    _sign(_version(owner, superseded, plan=first.plan, number=2), Meaning.CLIENT_AGREEMENT)
    _version(owner, client_record, signed=False, plan=pending.plan, number=2)
    by_colleague = make_client(practice, colleague, "TL-00006")
    _version(colleague, by_colleague)

    agreements = _queue(owner).agreements

    assert sorted(_refs(agreements)) == sorted(
        [("plan_version", pending.pk), ("plan_version", newer.pk)]
    )
    assert agreements[0].url == reverse(
        "plan_version",
        kwargs={"client_id": agreements[0].client.pk, "version_id": agreements[0].ref[1]},
    )


# --- co-signatures --------------------------------------------------------------------------


def test_a_supervisor_sees_supervisees_signed_documents_without_the_cosignature(
    owner: User, supervisor: User, colleague: User, client_record: Client, practice: Practice
) -> None:
    plan = _version(owner, client_record)
    note = _note(
        owner, client_record, _session(owner, client_record, ended_hours_ago=3), signed=True
    )
    cosigned = _note(
        owner, client_record, _session(owner, client_record, ended_hours_ago=4), signed=True
    )
    _sign(cosigned, Meaning.SUPERVISOR, supervisor)
    _note(owner, client_record, _session(owner, client_record, ended_hours_ago=5))  # a draft
    theirs = make_client(practice, colleague, "TL-00002")
    _note(colleague, theirs, _session(colleague, theirs, ended_hours_ago=3), signed=True)
    _version(colleague, theirs)

    waiting = _queue(supervisor).cosignatures

    assert waiting is not None
    assert sorted(_refs(waiting)) == sorted([("plan_version", plan.pk), ("note", note.pk)])
    urls = {item.ref: item.url for item in waiting}
    assert urls["note", note.pk] == reverse(
        "note_sign", kwargs={"client_id": client_record.pk, "note_id": note.pk}
    )
    assert urls["plan_version", plan.pk] == reverse(
        "plan_sign", kwargs={"client_id": client_record.pk, "version_id": plan.pk}
    )
    assert _queue(owner).cosignatures is None


def test_a_supervisor_on_the_care_team_treats_rather_than_cosigns(
    owner: User, supervisor: User, client_record: Client
) -> None:
    """The access policy gives a treating supervisor no co-signing on that client."""
    client_record.care_team.add(supervisor)
    _version(owner, client_record)

    assert _queue(supervisor).cosignatures == []


# --- practice counts ------------------------------------------------------------------------


def test_practice_counts_are_numbers_per_clinician(
    owner: User, colleague: User, supervisor: User, admin: User, client_record: Client
) -> None:
    for hours in (5, 30, 80, 90):
        _session(owner, client_record, ended_hours_ago=hours)
    _note(owner, client_record, kind="discharge")
    _version(owner, client_record, effective=_review_in(-3))  # overdue, agreement pending
    _version(colleague, make_client(client_record.practice, colleague, "TL-00002"), signed=False)

    counts = {row.clinician: row for row in practice_counts(client_record.practice, now=NOW)}

    assert set(counts) == {owner, colleague, supervisor}  # clinical members only
    mine = counts[owner]
    assert (mine.notes_within, mine.notes_late, mine.notes_overdue, mine.notes_owed) == (
        1,
        1,
        2,
        4,
    )
    assert (mine.drafts, mine.plans_due, mine.plans_overdue, mine.agreements_pending) == (
        1,
        0,
        1,
        1,
    )
    assert (counts[colleague].drafts, counts[colleague].notes_owed) == (1, 0)
    assert counts[supervisor].notes_owed == 0


# --- bounded queries ------------------------------------------------------------------------


def _caseload_of(owner: User, practice: Practice, first: int, count: int) -> None:
    """Clients with something in every section: a session today, notes owed, drafts, plans
    due, agreements pending and documents to co-sign."""
    for number in range(first, first + count):
        client = make_client(practice, owner, f"TL-{number:05d}")
        _session(owner, client, start=NOW + HOUR * 2, status="scheduled")
        _session(owner, client, ended_hours_ago=30)
        _note(owner, client, _session(owner, client, ended_hours_ago=80))
        _note(owner, client, _session(owner, client, ended_hours_ago=90), signed=True)
        _version(owner, client, effective=_review_in(10))
        _version(owner, client, signed=False)
        seen_only = make_client(practice, owner, f"TL-{number + 500:05d}")
        _session(owner, seen_only, ended_hours_ago=400)
        _grant(owner, seen_only)  # emergency access waiting for the admin's review


def _queries(user: User, practice: Practice) -> int:
    with CaptureQueriesContext(connection) as captured:
        _queue(user)
        practice_counts(practice, now=NOW)
        unreviewed_count(practice)
    return len(captured.captured_queries)


def test_the_queue_takes_the_same_queries_whatever_the_caseload(
    owner: User,
    supervisor: User,
    practice: Practice,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    _caseload_of(owner, practice, 1, 1)
    _queries(owner, practice)  # warm the content-type cache, as any earlier request would
    _queries(supervisor, practice)
    small = (_queries(owner, practice), _queries(supervisor, practice))

    _caseload_of(owner, practice, 2, 12)
    large = (_queries(owner, practice), _queries(supervisor, practice))

    assert large == small
    queue = _queue(owner)
    assert len(queue.notes_owed) == 13 * 3 and len(queue.reviews) == 13 * 2
    # Today, notes owed, draft notes, draft plans, caseload, plans in force, agreements, and
    # for measures the active clients, open alerts and schedules (two more when any schedule
    # exists); a supervisor adds the supervised clients, plans and notes to co-sign.
    with django_assert_max_num_queries(10):
        _queue(owner)
    with django_assert_max_num_queries(13):
        _queue(supervisor)
    with django_assert_max_num_queries(8):
        practice_counts(practice, now=NOW)
    # The admin's line of emergency access to review is one count, whatever the number.
    assert unreviewed_count(practice) == 13
    with django_assert_max_num_queries(1):
        unreviewed_count(practice)


def test_the_admin_page_takes_the_same_queries_whatever_the_practice_holds(
    owner: User, admin: User, practice: Practice
) -> None:
    browser = signed_in(admin)
    url = reverse("work_queue")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        return len(captured.captured_queries)

    _caseload_of(owner, practice, 1, 1)
    page_queries()  # warm the caches, as any earlier request would
    small = page_queries()
    _caseload_of(owner, practice, 2, 12)

    assert page_queries() == small


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def queue_url() -> str:
    return reverse("work_queue")


def test_a_clinician_sees_their_queue_and_the_read_is_audited(
    owner: User, client_record: Client, queue_url: str
) -> None:
    late = _session(owner, client_record, ended_hours_ago=30, now=timezone.now())
    version = _version(owner, client_record, effective=_review_in(3, timezone.localdate()))

    response = signed_in(owner).get(queue_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Avery Testwell" in page and "TL-00001" in page
    assert "Late: over 24 h" in page
    assert reverse("session_note", args=[client_record.pk, late.pk]) in page
    assert reverse("plan_version", args=[client_record.pk, version.pk]) in page
    assert "No sessions today." in page
    assert "Drafts to sign" in page and "Co-signature" not in page
    event = AuditEvent.objects.get(action="queue.view")
    assert event.actor == owner
    assert event.detail == {
        "view": "clinician",
        "clients": [client_record.pk],
        "sessions": [late.pk],
        "notes": [],
        "plan_versions": [version.pk],
    }


def test_an_empty_queue_says_so(colleague: User, queue_url: str) -> None:
    page = signed_in(colleague).get(queue_url).content.decode()
    assert "No notes owed. Nice work." in page
    assert "No drafts waiting for your signature." in page


def test_a_supervisor_has_the_cosignature_section(
    owner: User, supervisor: User, client_record: Client, queue_url: str
) -> None:
    _version(owner, client_record)
    page = signed_in(supervisor).get(queue_url).content.decode()
    assert "Waiting for your co-signature" in page and "Review and co-sign" in page


def test_a_practice_admin_sees_counts_and_no_client(
    owner: User, admin: User, client_record: Client, queue_url: str
) -> None:
    _session(owner, client_record, ended_hours_ago=80, now=timezone.now())
    _version(owner, client_record, effective=_review_in(-1, timezone.localdate()))

    response = signed_in(admin).get(queue_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Owner" in page and "1 overdue" in page
    for shown in ("Avery", "Testwell", "TL-00001"):
        assert shown not in page
    event = AuditEvent.objects.get(action="queue.view")
    assert event.detail["view"] == "practice"
    assert owner.pk in event.detail["clinicians"]


def test_another_practice_sees_only_its_own_queue(
    owner: User, outsider: User, client_record: Client, queue_url: str
) -> None:
    _session(owner, client_record, ended_hours_ago=30, now=timezone.now())
    response = signed_in(outsider).get(queue_url)
    assert response.status_code == 200
    assert "Testwell" not in response.content.decode()


def test_those_without_a_membership_are_refused(client_record: Client, queue_url: str) -> None:
    assert signed_in(client_account(client_record).user).get(queue_url).status_code == 403
    anonymous = HttpClient().get(queue_url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_an_inactive_member_is_refused(practice: Practice, queue_url: str) -> None:
    person = make_person(practice, "gone@riverbend.test", Role.CLINICIAN)
    person.membership.is_active = False
    person.membership.save()
    assert signed_in(person).get(queue_url).status_code == 403


def test_safety_alerts_and_questionnaires_due_are_on_the_queue(
    owner: User, client_record: Client
) -> None:
    from threadline.measures import services as measures

    assert _queue(owner).measures == []
    measures.set_schedule(owner, client_record, "gad7", cadence="every_n_weeks", every=2)
    measures.give_in_session(owner, client_record, "phq9", {9: 1})
    items = _queue(owner).measures
    assert [item.what for item in items] == ["Safety alert: PHQ-9", "GAD-7"]
    assert items[0].urgency is Urgency.OVERDUE
    assert items[1].status == "Due: GAD-7 has not been given yet."


# --- emergency access on the admin's queue --------------------------------------------------


def test_the_admin_is_told_of_emergency_access_to_review_without_a_client_named(
    owner: User,
    colleague: User,
    admin: User,
    outsider: User,
    client_record: Client,
    queue_url: str,
) -> None:
    now = timezone.now()
    _grant(colleague, client_record, now=now)
    _grant(colleague, client_record, now=now - HOUR)
    _grant(colleague, client_record, reviewed_by=admin, now=now)  # already reviewed
    elsewhere = make_client(outsider.membership.practice, outsider, "TL-09999")
    _grant(outsider, elsewhere, now=now)  # another practice's

    page = signed_in(admin).get(queue_url).content.decode()

    assert "Emergency access to review: 2" in page
    assert f'href="{reverse("break_glass_report")}?show=unreviewed"' in page
    for shown in ("Avery", "Testwell", "TL-00001", "TL-09999", "crisis"):
        assert shown not in page
    event = AuditEvent.objects.get(action="queue.view")
    assert (event.detail["view"], event.detail["break_glass_to_review"]) == ("practice", 2)


def test_no_emergency_access_line_when_everything_was_reviewed(
    colleague: User, admin: User, client_record: Client, queue_url: str
) -> None:
    _grant(colleague, client_record, reviewed_by=admin, now=timezone.now())

    page = signed_in(admin).get(queue_url).content.decode()

    assert "Emergency access to review" not in page
    assert AuditEvent.objects.get(action="queue.view").detail["break_glass_to_review"] == 0


def test_a_clinicians_queue_never_shows_emergency_access_to_review(
    owner: User, colleague: User, client_record: Client, queue_url: str
) -> None:
    _grant(colleague, client_record, now=timezone.now())
    for user in (owner, colleague):
        assert "Emergency access to review" not in signed_in(user).get(queue_url).content.decode()


def test_the_report_puts_what_waits_for_review_first(
    colleague: User, admin: User, client_record: Client
) -> None:
    now = timezone.now()
    waiting = _grant(colleague, client_record, now=now - timedelta(days=2))  # the older one
    reviewed = _grant(colleague, client_record, reviewed_by=admin, now=now)

    page = signed_in(admin).get(reverse("break_glass_report")).content.decode()

    assert page.index(f'id="grant-{waiting.pk}"') < page.index(f'id="grant-{reviewed.pk}"')
    assert page.count("Not reviewed") == 1
    only_waiting = signed_in(admin).get(f"{reverse('break_glass_report')}?show=unreviewed")
    page = only_waiting.content.decode()
    assert f'id="grant-{waiting.pk}"' in page and f'id="grant-{reviewed.pk}"' not in page


def test_a_grant_waiting_for_review_leads_the_first_page_however_old(
    colleague: User, admin: User, client_record: Client
) -> None:
    now = timezone.now()
    waiting = _grant(colleague, client_record, now=now - timedelta(days=90))
    for days in range(REPORT_PAGE):  # a full page of newer grants, all reviewed
        _grant(colleague, client_record, reviewed_by=admin, now=now - timedelta(days=days))

    page = signed_in(admin).get(reverse("break_glass_report")).content.decode()

    assert f'id="grant-{waiting.pk}"' in page
