"""Releasing psychotherapy notes under the client's written authorization (45 CFR 164.508(a)(2)):
the author's own notes only, a frozen record of the authorization, a PDF that names the client
and the terms on every page, each download in the client's accounting of disclosures, and no
download once the authorization is revoked or has expired."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.notes.tests.factories import attended
from threadline.portal.tests.factories import client_account
from threadline.privacy.models import Disclosure, RecipientKind
from threadline.privacy.services import accounting_for
from threadline.psychotherapy_notes import releases, services
from threadline.psychotherapy_notes.models import (
    PsychotherapyNote,
    Release,
    ReleasedNote,
    ReleaseFrozenError,
)
from threadline.rules.measures.chart import day_label

pytestmark = pytest.mark.django_db

FIRST = "Quillon spoke of the lighthouse keeper dream again, circling the locked stair."
SECOND = "Quillon brought the drawing of the stair.\n\nWe stayed with the fear of the top step."
RECIPIENT = "Dr. Rowan Ashdown"
ADDRESS = "12 Alder Court, Springfield, IL 62704"
PURPOSE = "Evaluation for a disability claim"
HOW = "Signed authorization form for psychotherapy notes dated the same day"


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def notes(client_record: Client, owner: User) -> list[PsychotherapyNote]:
    session = attended(client_record, days_ago=2)
    return [
        services.write_note(
            owner, client_record, written_at=date(2026, 3, 2), body=FIRST, session=session
        ),
        services.write_note(owner, client_record, written_at=date(2026, 3, 9), body=SECOND),
    ]


@pytest.fixture
def teammate(client_record: Client, colleague: User) -> User:
    """A colleague on the client's care team: a treating clinician, but not the author."""
    client_record.care_team.add(colleague)
    return colleague


def release_of(owner: User, client: Client, notes: list[PsychotherapyNote], **over: Any) -> Release:
    fields: dict[str, Any] = {
        "notes": notes,
        "recipient_name": RECIPIENT,
        "recipient_address": ADDRESS,
        "purpose": PURPOSE,
        "given_on": today() - timedelta(days=1),
        "given_how": HOW,
        "expires_on": today() + timedelta(days=90),
        **over,
    }
    return releases.record_release(owner, client, **fields)


@pytest.fixture
def release(client_record: Client, owner: User, notes: list[PsychotherapyNote]) -> Release:
    return release_of(owner, client_record, notes)


def form_data(notes: list[PsychotherapyNote], **over: str) -> dict[str, Any]:
    return {
        "notes": [str(n.pk) for n in notes],
        "recipient_name": RECIPIENT,
        "recipient_address": ADDRESS,
        "purpose": PURPOSE,
        "given_on": (today() - timedelta(days=1)).isoformat(),
        "given_how": HOW,
        "expires_on": (today() + timedelta(days=90)).isoformat(),
        **over,
    }


def urls(release: Release) -> list[str]:
    args = [release.client_id, release.pk]
    return [
        reverse(name, args=args)
        for name in (
            "psychotherapy_note_release_view",
            "psychotherapy_note_release_pdf",
            "psychotherapy_note_release_revoke",
        )
    ]


def pages(data: bytes) -> list[str]:
    """Each page's text, NFC-normalised and with runs of spaces closed up."""
    reader = PdfReader(io.BytesIO(data))
    return [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in reader.pages
    ]


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("action", "detail", "object_type")))


# --- recording a release ----------------------------------------------------------------------


def test_a_release_records_the_authorization_and_the_chosen_notes(
    release: Release, notes: list[PsychotherapyNote], owner: User, client_record: Client
) -> None:
    assert set(releases.released_notes(release)) == set(notes)
    assert (release.author, release.recorded_by, release.client) == (owner, owner, client_record)
    assert release.recipient == f"{RECIPIENT}, {ADDRESS}"
    event = AuditEvent.objects.get(action="psychotherapy_note.release")
    assert event.client == client_record
    assert event.object_id == str(release.pk)
    assert event.detail["written_at"] == ["2026-03-02", "2026-03-09"]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"notes": []}, "notes", releases.NO_NOTES),
        ({"recipient_name": "  "}, "recipient_name", releases.NO_RECIPIENT),
        ({"purpose": ""}, "purpose", releases.NO_PURPOSE),
        ({"given_how": " "}, "given_how", releases.NO_AUTHORIZATION),
        ({"given_on": date.max - timedelta(days=400)}, "given_on", releases.SIGNED_LATER),
        ({"expires_on": date.min + timedelta(days=1)}, "expires_on", releases.ENDED),
    ],
)
def test_the_service_says_what_to_fix_and_records_nothing(
    over: dict[str, Any],
    field: str,
    message: str,
    client_record: Client,
    owner: User,
    notes: list[PsychotherapyNote],
) -> None:
    chosen = over.pop("notes", notes)
    with pytest.raises(ValidationError) as refused:
        release_of(owner, client_record, chosen, **over)
    assert refused.value.message_dict[field] == [message]
    assert not Release.objects.exists()
    assert not AuditEvent.objects.filter(action="psychotherapy_note.release").exists()


def test_an_authorization_that_ends_today_releases_nothing(
    client_record: Client, owner: User, notes: list[PsychotherapyNote]
) -> None:
    with pytest.raises(ValidationError) as refused:
        release_of(owner, client_record, notes, expires_on=today())
    assert refused.value.message_dict["expires_on"] == [releases.ENDED]


def test_only_the_authors_own_notes_about_this_client_can_be_released(
    client_record: Client, owner: User, teammate: User, notes: list[PsychotherapyNote]
) -> None:
    theirs = services.write_note(
        teammate, client_record, written_at=date(2026, 3, 4), body="The teammate's own notes."
    )
    other = make_client(client_record.practice, owner, "TL-00009", legal_first_name="Sasha")
    elsewhere = services.write_note(
        owner, other, written_at=date(2026, 3, 5), body="About another client."
    )
    for foreign in (theirs, elsewhere):
        with pytest.raises(ValidationError) as refused:
            release_of(owner, client_record, [notes[0], foreign])
        assert refused.value.message_dict["notes"] == [releases.NOT_YOURS]
    # Nor can the teammate release the owner's notes as theirs.
    with pytest.raises(ValidationError):
        release_of(teammate, client_record, notes)
    assert not Release.objects.exists()


def test_a_recorded_release_is_frozen_and_revoked_once(release: Release, owner: User) -> None:
    release.purpose = "Something else"
    with pytest.raises(ReleaseFrozenError):
        release.save()
    release.refresh_from_db()
    revoked = releases.revoke_release(owner, release, reason="The client revoked it in writing.")
    assert revoked.revoked_at is not None
    assert revoked.revoke_reason == "The client revoked it in writing."
    again = releases.revoke_release(owner, revoked, reason="Twice")
    assert again.revoked_at == revoked.revoked_at and again.revoke_reason == revoked.revoke_reason
    revoked.revoke_reason = "Rewritten"
    with pytest.raises(ReleaseFrozenError):
        revoked.save()
    assert AuditEvent.objects.filter(action="psychotherapy_note.release_revoke").count() == 1


def test_only_the_author_may_revoke(release: Release, teammate: User) -> None:
    with pytest.raises(PermissionError):
        releases.revoke_release(teammate, release)
    release.refresh_from_db()
    assert release.revoked_at is None


def test_a_released_note_stays_as_released(
    release: Release, notes: list[PsychotherapyNote], owner: User
) -> None:
    note = notes[0]
    with pytest.raises(services.KeptAsReleased):
        services.revise_note(owner, note, written_at=note.written_at, body="Changed.")
    with pytest.raises(services.KeptAsReleased):
        services.delete_note(owner, note)
    with pytest.raises(ProtectedError):
        note.delete()  # the database keeps it too
    note.refresh_from_db()
    assert note.body == FIRST


# --- downloading ------------------------------------------------------------------------------


def test_a_download_is_a_disclosure_named_by_the_notes_dates(
    release: Release, client_record: Client, owner: User
) -> None:
    data = releases.download_release(owner, release)
    assert data.startswith(b"%PDF")
    disclosure = Disclosure.objects.get()
    assert disclosure.client == client_record
    assert disclosure.recipient == f"{RECIPIENT}, {ADDRESS}"
    assert disclosure.recipient_kind == RecipientKind.EXPORT
    assert disclosure.purpose == PURPOSE
    assert disclosure.by == owner
    given = day_label(release.given_on)
    assert disclosure.description == (
        f"Psychotherapy notes of Mar 2, 2026; Mar 9, 2026, released under the client's "
        f"authorization of {given}"
    )
    assert (disclosure.object_type, disclosure.object_id) == (
        "psychotherapy_notes.release",
        str(release.pk),
    )
    assert list(accounting_for(client_record)) == [disclosure]
    download = AuditEvent.objects.get(action="psychotherapy_note.release_download")
    assert download.outcome == Outcome.ALLOWED
    assert "lighthouse" not in audit_text()


def test_the_disclosure_shows_in_the_clients_accounting_without_the_text(
    release: Release, client_record: Client, owner: User
) -> None:
    releases.download_release(owner, release)
    page = signed_in(client_account(client_record).user).get(reverse("portal_disclosures"))
    text = page.content.decode()
    assert "Psychotherapy notes of Mar 2, 2026; Mar 9, 2026" in text
    assert RECIPIENT in text and PURPOSE in text
    assert "Quillon" not in text


def test_a_revoked_release_refuses_the_download(release: Release, owner: User) -> None:
    releases.revoke_release(owner, release)
    with pytest.raises(releases.ReleaseRefused, match="was revoked on"):
        releases.download_release(owner, release)
    assert not Disclosure.objects.exists()
    denied = AuditEvent.objects.get(action="psychotherapy_note.release_download")
    assert (denied.outcome, denied.detail) == (Outcome.DENIED, {"reason": "revoked"})


def test_an_expired_release_refuses_the_download(release: Release, owner: User) -> None:
    # Through the last day it still works; the day after, it does not.
    last_day = timezone.now() + timedelta(days=90)
    assert releases.download_release(owner, release, now=last_day).startswith(b"%PDF")
    with pytest.raises(releases.ReleaseRefused, match="expired on"):
        releases.download_release(owner, release, now=last_day + timedelta(days=1))
    assert Disclosure.objects.count() == 1
    denied = AuditEvent.objects.get(
        action="psychotherapy_note.release_download", outcome=Outcome.DENIED
    )
    assert denied.detail == {"reason": "expired"}


def test_the_pdf_names_the_client_and_the_terms_on_every_page(
    release: Release, client_record: Client, owner: User
) -> None:
    # A long note, so the text runs onto more pages and each of them is checked.
    long = services.write_note(
        owner,
        client_record,
        written_at=date(2026, 3, 16),
        body="\n\n".join(f"Paragraph {n}: " + "the stair again. " * 40 for n in range(12)),
    )
    longer = release_of(owner, client_record, [*releases.released_notes(release), long])
    texts = pages(releases.download_release(owner, longer))
    assert len(texts) >= 5  # the release page, the three notes, the long one's second page
    terms = (
        f"Released under the client's authorization of {day_label(longer.given_on)} to "
        f"{RECIPIENT} for {PURPOSE}."
    )
    for number, text in enumerate(texts, start=1):
        expected = [
            client_record.legal_name,
            f"DOB {day_label(client_record.date_of_birth)}",
            f"Record no. {client_record.record_number}",
            f"Page {number} of {len(texts)}",
            terms,
            "do not disclose them to anyone else unless the client authorizes it in writing",
        ]
        missing = [n for n in expected if n not in text]
        assert not missing, f"page {number} lacks {missing}"
    cover, first, second = texts[0], texts[1], texts[2]
    assert ADDRESS in cover and HOW in cover
    assert "Psychotherapy note of Mar 2, 2026" in first
    assert "Session of " in first and "Written by Owner, APC" in first
    assert FIRST in first
    assert "Quillon brought the drawing of the stair." in second
    assert "We stayed with the fear of the top step." in second
    assert "Session of " not in second


# --- the pages --------------------------------------------------------------------------------


def test_the_author_releases_from_the_list_and_downloads_the_pdf(
    notes: list[PsychotherapyNote], client_record: Client, owner: User
) -> None:
    http = signed_in(owner)
    listing = http.get(reverse("client_psychotherapy_notes", args=[client_record.pk]))
    new = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    assert new in listing.content.decode()
    form = http.get(new).content.decode()
    assert "Note of Mar 2, 2026" in form and "Note of Mar 9, 2026" in form
    assert "lighthouse" not in form  # the choices name notes by date, not by their text
    assert "combined only with another authorization for psychotherapy notes" in form

    response = http.post(new, form_data(notes[:1]))
    release = Release.objects.get()
    view, pdf, _ = urls(release)
    assert response["Location"] == view
    assert [n.pk for n in releases.released_notes(release)] == [notes[0].pk]

    page = http.get(view).content.decode()
    assert RECIPIENT in page and ADDRESS in page and PURPOSE in page and HOW in page
    assert pdf in page and "Not downloaded yet." in page
    download = http.get(pdf)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert FIRST in " ".join(pages(download.content))
    assert "Not downloaded yet." not in http.get(view).content.decode()

    listing = http.get(reverse("client_psychotherapy_notes", args=[client_record.pk]))
    assert view in listing.content.decode()
    # The released note now says so, and offers no change or delete.
    note_page = http.get(reverse("psychotherapy_note_view", args=[client_record.pk, notes[0].pk]))
    assert "it can no longer be changed or deleted" in note_page.content.decode()
    edit = reverse("psychotherapy_note_edit", args=[client_record.pk, notes[0].pk])
    assert edit not in note_page.content.decode()
    assert http.get(edit)["Location"] == reverse(
        "psychotherapy_note_view", args=[client_record.pk, notes[0].pk]
    )
    http.post(reverse("psychotherapy_note_delete", args=[client_record.pk, notes[0].pk]))
    assert PsychotherapyNote.objects.filter(pk=notes[0].pk).exists()


def test_the_form_says_what_to_fix(
    notes: list[PsychotherapyNote], client_record: Client, owner: User
) -> None:
    url = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    response = signed_in(owner).post(
        url,
        form_data(
            [],
            recipient_name="",
            purpose="",
            given_how="",
            given_on=(today() + timedelta(days=1)).isoformat(),
            expires_on=today().isoformat(),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["notes"] == [releases.NO_NOTES]
    assert errors["recipient_name"] == [releases.NO_RECIPIENT]
    assert errors["purpose"] == [releases.NO_PURPOSE]
    assert errors["given_how"] == [releases.NO_AUTHORIZATION]
    assert errors["given_on"] == [releases.SIGNED_LATER]
    assert errors["expires_on"] == [releases.ENDED]
    assert not Release.objects.exists()


def test_the_form_refuses_a_teammates_note(
    notes: list[PsychotherapyNote], client_record: Client, owner: User, teammate: User
) -> None:
    theirs = services.write_note(
        teammate, client_record, written_at=date(2026, 3, 4), body="The teammate's own notes."
    )
    url = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    http = signed_in(owner)
    assert "Mar 4, 2026" not in http.get(url).content.decode()
    response = http.post(url, form_data([notes[0], theirs]))
    assert response.context["form"].errors["notes"] == [releases.NOT_YOURS]
    assert not Release.objects.exists()


def test_a_refused_download_says_why(release: Release, owner: User) -> None:
    http = signed_in(owner)
    view, pdf, revoke = urls(release)
    response = http.post(revoke, {"reason": "The client wrote to revoke it."})
    assert response["Location"] == view
    page = http.get(view).content.decode()
    assert "was revoked on" in page and pdf not in page
    refused = http.get(pdf)
    assert refused.status_code == 410
    assert refused["Content-Type"].startswith("text/html")
    assert "can no longer be downloaded under it" in refused.content.decode()
    assert not Disclosure.objects.exists()


def test_an_expired_release_page_says_so(release: Release, owner: User) -> None:
    Release.objects.filter(pk=release.pk).update(
        given_on=today() - timedelta(days=60), expires_on=today() - timedelta(days=1)
    )
    http = signed_in(owner)
    view, pdf, _ = urls(release)
    assert "expired on" in http.get(view).content.decode()
    assert http.get(pdf).status_code == 410
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("who", ["teammate", "supervisor", "admin", "outsider", "the client"])
def test_anyone_but_the_author_gets_404_on_a_release(
    who: str, release: Release, client_record: Client, request: pytest.FixtureRequest
) -> None:
    person: User = (
        client_account(client_record).user if who == "the client" else request.getfixturevalue(who)
    )
    http = signed_in(person)
    view, pdf, revoke = urls(release)
    assert http.get(view).status_code == 404
    assert http.get(pdf).status_code == 404
    assert http.post(revoke, {"reason": "Not theirs."}).status_code == 404
    release.refresh_from_db()
    assert release.revoked_at is None
    assert not Disclosure.objects.exists()
    denied = AuditEvent.objects.filter(
        action="psychotherapy_note.release_open", actor=person, outcome=Outcome.DENIED
    )
    assert denied.count() == 3
    assert RECIPIENT not in audit_text()


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_readers_who_do_not_treat_the_client_cannot_start_a_release(
    who: str, client_record: Client, request: pytest.FixtureRequest
) -> None:
    http = signed_in(request.getfixturevalue(who))
    url = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    assert http.get(url).status_code == 403


def test_a_release_url_under_another_client_is_404_to_its_author(
    release: Release, client_record: Client, owner: User
) -> None:
    other = make_client(client_record.practice, owner, "TL-00009", legal_first_name="Sasha")
    url = reverse("psychotherapy_note_release_view", args=[other.pk, release.pk])
    assert signed_in(owner).get(url).status_code == 404


def test_every_step_is_audited_without_the_text_recipient_or_purpose(
    notes: list[PsychotherapyNote], client_record: Client, owner: User
) -> None:
    http = signed_in(owner)
    new = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    http.get(new)
    http.post(new, form_data(notes))
    view, pdf, revoke = urls(Release.objects.get())
    http.get(view)
    http.get(pdf)
    http.post(revoke, {"reason": "The client wrote to revoke it."})
    http.get(pdf)
    actions = list(
        AuditEvent.objects.filter(action__startswith="psychotherapy_note.release").values_list(
            "action", "outcome"
        )
    )
    assert actions == [
        ("psychotherapy_note.release_start", Outcome.ALLOWED),
        ("psychotherapy_note.release", Outcome.ALLOWED),
        ("psychotherapy_note.release_view", Outcome.ALLOWED),
        ("psychotherapy_note.release_download", Outcome.ALLOWED),
        ("psychotherapy_note.release_revoke", Outcome.ALLOWED),
        ("psychotherapy_note.release_download", Outcome.DENIED),
        ("psychotherapy_note.release_view", Outcome.ALLOWED),  # the page saying why
    ]
    logged = audit_text()
    for private in ("Quillon", "lighthouse", RECIPIENT, PURPOSE, "wrote to revoke"):
        assert private not in logged, private
    assert not ReleasedNote.objects.exclude(note__in=notes).exists()
