"""The intake that seeds a plan, the discharge that closes the episode, the thread report, and
wording proposals accepted piece by piece."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import Role, User
from threadline.assist import wording
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, current_code, make_client, make_person, signed_in
from threadline.notes import checks, services
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, progress_form, signed_plan
from threadline.plans.models import PlanVersion
from threadline.rules.intake_rules import HISTORY_AREAS, MENTAL_STATUS_DOMAINS


@pytest.fixture
def clinician(practice: Any) -> User:
    return make_person(practice, "licensed@riverbend.test", Role.CLINICIAN, "LCSW")


@pytest.fixture
def client_(practice: Any, clinician: User) -> Client:
    return make_client(practice, clinician, "TL-00200")


def _intake_form(note: Note, **extra: str) -> dict[str, str]:
    form = {
        "lock_version": str(note.lock_version),
        "session.date_of_service": note.content["session"]["date_of_service"],
        "session.start": "09:00",
        "session.stop": "10:00",
        "session.place_of_service": "office",
        "presenting_problem": "“I can't stop worrying about losing my job.”",
        "risk.ideation": "no",
        "risk.plan": "no",
        "risk.intent": "no",
        "risk.protective_factors": "Sister nearby; plans for the summer",
        "risk.level": "low",
        "dx0": "F41.1",
        "dx0_description": "Generalized anxiety disorder",
        "dx0_rank": "primary",
        "recommendation.summary": "Weekly individual CBT",
        "recommendation.modality": "CBT",
        "recommendation.frequency": "weekly",
        "recommendation.duration": "16 sessions",
        "recommendation.referrals": "Primary care for a sleep review",
    }
    form.update({f"history_areas.{a}": "Nothing of note reported." for a in HISTORY_AREAS})
    form.update(
        {f"mental_status_exam.{d}": "Observed and described." for d in MENTAL_STATUS_DOMAINS}
    )
    form.update(extra)
    return form


def test_an_intake_session_opens_a_structured_intake_with_nothing_assumed_normal(
    client_: Client, clinician: User
) -> None:
    note = services.start_note(clinician, attended(client_, service="intake"))
    assert note.kind == "intake"
    assert set(note.content["mental_status_exam"].values()) == {""}
    codes = {f.code for f in checks.check(note).findings}
    assert "intake.background.mental_status_domain_missing" in codes
    assert "intake.risk.question_unanswered" in codes


def test_risk_without_a_safety_plan_blocks_signing_the_intake(
    client_: Client, clinician: User
) -> None:
    note = services.start_note(clinician, attended(client_, service="intake"))
    http = signed_in(clinician)
    http.post(
        reverse("note_view", args=[client_.pk, note.pk]),
        _intake_form(note, **{"risk.ideation": "yes"}),
    )
    note.refresh_from_db()
    blocking = {f.code for f in checks.check(note, prospective_signer=clinician).blocking}
    assert blocking == {"intake.risk.safety_plan_missing"}


def test_start_treatment_plan_carries_the_intake_forward(client_: Client, clinician: User) -> None:
    note = services.start_note(clinician, attended(client_, service="intake"))
    http = signed_in(clinician)
    http.post(reverse("note_view", args=[client_.pk, note.pk]), _intake_form(note))
    note.refresh_from_db()
    assert checks.check(note, prospective_signer=clinician).blocking == []
    response = http.post(reverse("intake_plan", args=[client_.pk, note.pk]))
    version = PlanVersion.objects.get(plan__client=client_)
    assert response["Location"] == reverse("plan_edit", args=[client_.pk, version.pk])
    assert version.content["diagnoses"][0]["code"] == "F41.1"
    assert version.content["diagnoses"][0]["rank"] == "primary"
    assert "losing my job" in version.content["background"]["presenting_problem"]
    assert version.content["recommendation"]["modality"] == "CBT"
    assert version.content["recommendation"]["duration"] == "16 sessions"
    # A second press opens the same draft instead of forking another plan.
    http.post(reverse("intake_plan", args=[client_.pk, note.pk]))
    assert PlanVersion.objects.filter(plan__client=client_).count() == 1


def _signed_note(client: Client, clinician: User, plan: PlanVersion, rating: str) -> Note:
    note = services.start_note(clinician, attended(client, days_ago=3))
    ids = [o.id for o in checks.plan_objectives(plan)]
    form = progress_form(note.content, ids)
    form.update({f"rating.{i}": rating for i in ids})
    signed_in(clinician).post(reverse("note_view", args=[client.pk, note.pk]), form)
    return services.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())


def test_a_signed_discharge_summary_closes_the_episode(client_: Client, clinician: User) -> None:
    plan = signed_plan(client_)
    _signed_note(client_, clinician, plan, "met")
    http = signed_in(clinician)
    http.post(reverse("discharge_start", args=[client_.pk]))
    discharge = Note.objects.get(kind="discharge")
    ids = [o.id for o in checks.plan_objectives(plan)]
    # The outcomes start from the notes' last ratings, for the clinician to confirm.
    assert {o["status"] for o in discharge.content["outcomes"]} == {"met"}
    form = {
        "lock_version": str(discharge.lock_version),
        "discharge_date": timezone.localdate().isoformat(),
        "reason": "Goals met; the client chose to end treatment.",
        "aftercare": "Relapse-prevention plan given; call the front desk to return.",
    }
    form.update({f"outcome.{i}": "met" for i in ids})
    http.post(reverse("note_view", args=[client_.pk, discharge.pk]), form)
    response = http.post(
        reverse("note_sign", args=[client_.pk, discharge.pk]),
        {
            "password": PASSWORD,
            "code": current_code(clinician),
            "attest": "on",
            "lock_version": discharge.lock_version + 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    client_.refresh_from_db()
    assert client_.status == "discharged"
    assert AuditEvent.objects.filter(action="client.episode.close", client=client_).exists()
    with pytest.raises(services.NotAvailable):
        services.start_discharge(clinician, client_, today=timezone.localdate())
    # A new intake opens the next episode.
    services.start_note(clinician, attended(client_, service="intake", days_ago=1))
    client_.refresh_from_db()
    assert client_.status == "active"


def test_the_thread_report_names_an_objective_never_addressed(
    client_: Client, clinician: User
) -> None:
    plan = signed_plan(client_)
    ids = [o.id for o in checks.plan_objectives(plan)]
    note = services.start_note(clinician, attended(client_, days_ago=3))
    signed_in(clinician).post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, ids[:1])
    )
    services.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())
    page = signed_in(clinician).get(reverse("thread_report", args=[client_.pk])).content.decode()
    assert 'data-code="thread.objective_never_addressed"' in page
    assert AuditEvent.objects.filter(action="note.thread.view", client=client_).exists()


def test_wording_proposals_are_accepted_piece_by_piece_and_keep_their_source(
    client_: Client, clinician: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    plan = signed_plan(client_)
    settings.ASSIST_URL = "http://127.0.0.1:9/v1"
    sent: list[wording.Piece] = []

    def propose(pieces: list[wording.Piece], **_: Any) -> list[wording.Proposal]:
        sent.extend(pieces)
        return [wording.Proposal(p, f"Worded: {p.text}") for p in pieces[:2]]

    monkeypatch.setattr(wording, "propose", propose)
    note = services.start_note(clinician, attended(client_))
    ids = [o.id for o in checks.plan_objectives(plan)]
    url = reverse("note_view", args=[client_.pk, note.pk])
    http = signed_in(clinician)
    used = {"intervention.0": "CBT: cognitive restructuring of work worries"}
    http.post(url, progress_form(note.content, ids[:1], action="assist", **used))
    note.refresh_from_db()
    assert [(p.source_kind, p.source_ref) for p in sent] == [
        ("objective", ids[0]),
        ("intervention", ""),
    ]
    assert len(note.content["proposals"]) == 2
    first = note.content["proposals"][0]
    form = progress_form(
        note.content, ids[:1], action="accept:0", lock_version=str(note.lock_version)
    )
    http.post(url, form)
    note.refresh_from_db()
    assert first["wording"] in note.content["sections"][first["section"]]
    assert note.content["accepted_wording"][0]["source_ref"] == first["source_ref"]
    assert len(note.content["proposals"]) == 1


def test_nothing_is_sent_when_no_provider_is_configured(
    client_: Client, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = signed_plan(client_)

    def refuse(*_: Any, **__: Any) -> list[wording.Proposal]:
        raise AssertionError("nothing may be sent")

    monkeypatch.setattr(wording, "propose", refuse)
    note = services.start_note(clinician, attended(client_))
    ids = [o.id for o in checks.plan_objectives(plan)]
    response = signed_in(clinician).post(
        reverse("note_view", args=[client_.pk, note.pk]),
        progress_form(note.content, ids, action="assist"),
        follow=True,
    )
    assert "No wording assistant is configured" in response.content.decode()
