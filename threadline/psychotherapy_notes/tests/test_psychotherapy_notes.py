"""Psychotherapy notes: the author's alone, audited without their text, and never in the record."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from threadline.accounts.models import Role, User
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import make_client, make_person, signed_in
from threadline.notes.tests.factories import attended
from threadline.psychotherapy_notes import services
from threadline.psychotherapy_notes.models import PsychotherapyNote

SENTENCE = "Quillon spoke of the lighthouse keeper dream again, circling the locked stair."


@pytest.fixture
def note(client_record: Client, owner: User) -> PsychotherapyNote:
    return services.write_note(
        owner,
        client_record,
        written_at=date(2026, 3, 2),
        body=SENTENCE,
        session=attended(client_record),
    )


@pytest.fixture
def teammate(client_record: Client, colleague: User) -> User:
    """A colleague on the client's care team: a treating clinician, but not the author."""
    client_record.care_team.add(colleague)
    return colleague


def note_urls(note: PsychotherapyNote) -> list[str]:
    args = [note.client_id, note.pk]
    return [
        reverse(name, args=args)
        for name in (
            "psychotherapy_note_view",
            "psychotherapy_note_edit",
            "psychotherapy_note_delete",
        )
    ]


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("action", "detail", "object_type")))


def test_the_author_writes_a_note_from_the_form(client_record: Client, owner: User) -> None:
    session = attended(client_record)
    http = signed_in(owner)
    url = reverse("psychotherapy_note_new", args=[client_record.pk])
    assert http.get(url).status_code == 200
    response = http.post(
        url, {"written_at": "2026-03-02", "session": str(session.pk), "body": SENTENCE}
    )
    note = PsychotherapyNote.objects.get()
    assert response["Location"] == reverse(
        "psychotherapy_note_view", args=[client_record.pk, note.pk]
    )
    assert (note.author, note.client, note.session, note.body) == (
        owner,
        client_record,
        session,
        SENTENCE,
    )
    event = AuditEvent.objects.get(action="psychotherapy_note.create")
    assert event.detail == {"written_at": "2026-03-02", "session": session.pk}
    assert event.client == client_record


def test_an_empty_note_is_refused_and_nothing_is_saved(client_record: Client, owner: User) -> None:
    response = signed_in(owner).post(
        reverse("psychotherapy_note_new", args=[client_record.pk]),
        {"written_at": "2026-03-02", "body": "   "},
    )
    assert response.status_code == 200
    assert "Write the note before saving it." in response.content.decode()
    assert not PsychotherapyNote.objects.exists()


def test_a_session_of_another_client_cannot_be_linked(
    client_record: Client, owner: User, practice: object
) -> None:
    other = make_client(client_record.practice, owner, "TL-00009", legal_first_name="Sasha")
    with pytest.raises(ValidationError):
        services.write_note(
            owner,
            client_record,
            written_at=date(2026, 3, 2),
            body=SENTENCE,
            session=attended(other),
        )
    response = signed_in(owner).post(
        reverse("psychotherapy_note_new", args=[client_record.pk]),
        {"written_at": "2026-03-02", "session": str(attended(other).pk), "body": SENTENCE},
    )
    assert response.status_code == 200
    assert not PsychotherapyNote.objects.exists()


def test_the_author_reads_changes_and_deletes_their_note(
    note: PsychotherapyNote, owner: User
) -> None:
    http = signed_in(owner)
    view, edit, delete = note_urls(note)
    assert SENTENCE in http.get(view).content.decode()
    assert http.get(edit).status_code == 200
    response = http.post(edit, {"written_at": "2026-03-03", "body": "A shorter note."})
    assert response["Location"] == view
    note.refresh_from_db()
    assert (note.written_at, note.body, note.session) == (date(2026, 3, 3), "A shorter note.", None)
    edited = AuditEvent.objects.get(action="psychotherapy_note.edit")
    assert edited.detail["changed"] == ["written_at", "session", "body"]

    assert http.get(delete).status_code == 200
    response = http.post(delete)
    assert response["Location"] == reverse("client_psychotherapy_notes", args=[note.client_id])
    assert not PsychotherapyNote.objects.exists()
    assert AuditEvent.objects.filter(
        action="psychotherapy_note.delete", object_id=str(note.pk)
    ).exists()


def test_every_read_and_write_is_audited_without_the_text(
    note: PsychotherapyNote, owner: User
) -> None:
    http = signed_in(owner)
    view, edit, delete = note_urls(note)
    http.get(reverse("client_psychotherapy_notes", args=[note.client_id]))
    http.get(view)
    http.get(edit)
    http.post(edit, {"written_at": "2026-03-02", "body": SENTENCE + " More."})
    http.post(delete)
    actions = list(
        AuditEvent.objects.filter(action__startswith="psychotherapy_note.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "psychotherapy_note.create",
        "psychotherapy_note.list",
        "psychotherapy_note.release_list",  # the list page also lists the author's releases
        "psychotherapy_note.view",
        "psychotherapy_note.open_for_edit",
        "psychotherapy_note.edit",
        "psychotherapy_note.delete",
    ]
    assert "lighthouse" not in audit_text()


def test_the_list_shows_only_the_signed_in_clinicians_own_notes(
    note: PsychotherapyNote, client_record: Client, teammate: User
) -> None:
    theirs = services.write_note(
        teammate, client_record, written_at=date(2026, 3, 4), body="The teammate's own notes."
    )
    url = reverse("client_psychotherapy_notes", args=[client_record.pk])
    page = signed_in(teammate).get(url).content.decode()
    assert "The teammate" in page
    assert "lighthouse" not in page
    assert reverse("psychotherapy_note_view", args=[client_record.pk, note.pk]) not in page
    assert reverse("psychotherapy_note_view", args=[client_record.pk, theirs.pk]) in page
    assert "not released without the client's written authorization" in page


@pytest.mark.parametrize("who", ["teammate", "supervisor", "admin", "outsider"])
def test_anyone_but_the_author_gets_404_on_a_note(
    who: str, note: PsychotherapyNote, request: pytest.FixtureRequest
) -> None:
    person: User = request.getfixturevalue(who)
    http = signed_in(person)
    for url in note_urls(note):
        assert http.get(url).status_code == 404, url
        assert (
            http.post(url, {"written_at": "2026-03-02", "body": "Overwritten."}).status_code == 404
        )
    note.refresh_from_db()
    assert note.body == SENTENCE
    denied = AuditEvent.objects.filter(
        action="psychotherapy_note.open", actor=person, outcome=Outcome.DENIED
    )
    assert denied.count() == 6
    assert "lighthouse" not in audit_text()


def test_a_note_url_under_another_client_is_404_to_its_author(
    note: PsychotherapyNote, client_record: Client, owner: User
) -> None:
    other = make_client(client_record.practice, owner, "TL-00009", legal_first_name="Sasha")
    url = reverse("psychotherapy_note_view", args=[other.pk, note.pk])
    assert signed_in(owner).get(url).status_code == 404


def test_an_author_who_no_longer_treats_the_client_cannot_open_their_note(
    note: PsychotherapyNote, client_record: Client, practice: object
) -> None:
    successor = make_person(client_record.practice, "next@riverbend.test", Role.CLINICIAN)
    author = client_record.primary_clinician
    client_record.primary_clinician = successor
    client_record.save()
    view = note_urls(note)[0]
    assert signed_in(author).get(view).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_readers_who_do_not_treat_the_client_cannot_keep_notes(
    who: str, client_record: Client, request: pytest.FixtureRequest
) -> None:
    http = signed_in(request.getfixturevalue(who))
    for name in ("client_psychotherapy_notes", "psychotherapy_note_new"):
        assert http.get(reverse(name, args=[client_record.pk])).status_code == 403


def test_the_chart_links_to_the_notes_for_treating_clinicians_only(
    note: PsychotherapyNote, client_record: Client, owner: User, supervisor: User
) -> None:
    link = reverse("client_psychotherapy_notes", args=[client_record.pk])
    chart = reverse("client_chart", args=[client_record.pk])
    page = signed_in(owner).get(chart).content.decode()
    assert link in page
    assert "Psychotherapy notes — visible only to you" in page
    assert link not in signed_in(supervisor).get(chart).content.decode()


def test_services_refuse_a_change_by_anyone_but_the_author(
    note: PsychotherapyNote, teammate: User
) -> None:
    with pytest.raises(PermissionError):
        services.revise_note(teammate, note, written_at=note.written_at, body="Changed.")
    with pytest.raises(PermissionError):
        services.delete_note(teammate, note)
    note.refresh_from_db()
    assert note.body == SENTENCE
