"""Review cases: opening one from the chart, what the reviewer sees (exactly the documents
attached, with contact details masked), and every read in the accounting of disclosures."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.notes.models import Kind
from threadline.privacy.models import Disclosure, RecipientKind
from threadline.privacy.services import accounting_for
from threadline.reviews import services
from threadline.reviews.models import CaseDocument, OutsideReader, ReaderInvitation, ReviewCase
from threadline.reviews.tests.factories import (
    outside_reader,
    payer_of,
    review_case,
    signed_note,
    signed_plan_version,
)

pytestmark = pytest.mark.django_db

# Contact details the reviewer must never see (reliability-security.md §8, §9 B4, F4).
MASKED = {
    "address": "41 Heron Marsh Lane, Brookfield",
    "phone": "555-0199",
    "email": "avery.private@example.test",
    "emergency_contact_name": "Jordan Quillfeather",
    "emergency_contact_phone": "555-0123",
}


@pytest.fixture
def masked_client(client_record: Client) -> Client:
    for field, value in MASKED.items():
        setattr(client_record, field, value)
    client_record.member_id = "BVH-448812"
    client_record.payer = payer_of(client_record)
    client_record.save()
    return client_record


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def form_data(client: Client, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "payer": payer_of(client).pk,
        "purpose": "Medical necessity review for continued sessions",
        "expires_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "note_kinds": [Kind.PROGRESS.value],
        "email": "casey.reviewer@bluevalley.test",
        "full_name": "Casey Reviewer",
        "organization": "Blue Valley Health",
    }
    data.update(extra)
    return data


def test_opening_a_case_attaches_the_chosen_plan_and_the_notes_in_range_only(
    masked_client: Client, owner: User
) -> None:
    plan = signed_plan_version(masked_client)
    signed_plan_version(masked_client)  # a second version, not chosen
    inside = [signed_note(masked_client, days_ago(20)), signed_note(masked_client, days_ago(10))]
    signed_note(masked_client, days_ago(40))  # before the range
    signed_note(masked_client, days_ago(12), kind=Kind.INTAKE)  # a kind not ticked
    data = form_data(
        masked_client,
        plan_versions=[plan.pk],
        notes_from=days_ago(25).isoformat(),
        notes_to=days_ago(5).isoformat(),
    )
    response = signed_in(owner).post(reverse("review_case_new", args=[masked_client.pk]), data)
    assert response.status_code == 200  # the page with the one-time link
    link = re.search(r"/reviewer/invitation/([\w-]+)/", response.content.decode())
    assert link is not None
    case = ReviewCase.objects.get()
    attached = CaseDocument.objects.filter(case=case)
    assert {d.plan_version_id for d in attached if d.plan_version_id} == {plan.pk}
    assert {d.note_id for d in attached if d.note_id} == {n.pk for n in inside}
    # A note signed later, inside the range, does not join the case.
    signed_note(masked_client, days_ago(8))
    assert CaseDocument.objects.filter(case=case).count() == 3
    assert AuditEvent.objects.filter(action="review_case.open", client=masked_client).count() == 1
    invitation = ReaderInvitation.objects.get()
    assert link.group(1) not in invitation.link_digest  # only a keyed hash is stored
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_a_case_needs_documents_and_a_reviewer(masked_client: Client, owner: User) -> None:
    data = form_data(masked_client, email="", full_name="", organization="")
    response = signed_in(owner).post(reverse("review_case_new", args=[masked_client.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "full_name", "organization"}
    response = signed_in(owner).post(
        reverse("review_case_new", args=[masked_client.pk]), form_data(masked_client)
    )
    assert "Nothing to review yet" in response.content.decode()
    assert not ReviewCase.objects.exists() and not OutsideReader.objects.exists()


def test_an_existing_reviewer_of_another_payer_cannot_be_picked(
    masked_client: Client, owner: User
) -> None:
    plan = signed_plan_version(masked_client)
    other = outside_reader(
        masked_client, "pat@elsewhere.test", payer=payer_of(masked_client, "Acme")
    )
    data = form_data(masked_client, plan_versions=[plan.pk], reviewer=other.pk)
    response = signed_in(owner).post(reverse("review_case_new", args=[masked_client.pk]), data)
    assert "reviews for another payer" in response.content.decode()
    same = outside_reader(masked_client, "casey.reviewer@bluevalley.test")
    data = form_data(masked_client, plan_versions=[plan.pk], reviewer=same.pk)
    response = signed_in(owner).post(reverse("review_case_new", args=[masked_client.pk]), data)
    case = ReviewCase.objects.get()
    assert response["Location"] == reverse("review_case_detail", args=[masked_client.pk, case.pk])
    assert case.reviewer == same


def test_the_practice_admin_may_open_a_case_and_a_supervisor_may_not(
    masked_client: Client, admin: User, supervisor: User
) -> None:
    url = reverse("review_case_new", args=[masked_client.pk])
    assert signed_in(admin).get(url).status_code == 200
    assert signed_in(supervisor).get(url).status_code == 403


def test_the_invited_reviewer_sets_a_password_and_lands_on_their_cases(
    masked_client: Client, owner: User
) -> None:
    plan = signed_plan_version(masked_client)
    reader, issued = services.new_reader(
        owner,
        masked_client.practice,
        kind="reviewer",
        email="Casey.Reviewer@bluevalley.test",
        full_name="Casey Reviewer",
        organization="Blue Valley Health",
        payer=payer_of(masked_client),
        now=timezone.now(),
    )
    case = review_case(masked_client, reader, documents=[plan])
    browser = HttpClient()
    opened = browser.get(reverse("reviewer_accept", args=[issued.link_token]))
    assert opened["Location"] == reverse("reviewer_accept", args=["set-password"])
    new = "heron marsh lantern quietly"
    done = browser.post(opened["Location"], {"password": new, "password_again": new})
    assert done["Location"] == reverse("reviewer_home")
    # Signed in; the second factor comes next (threadline.accounts.mfa), then the case list.
    assert browser.session["_auth_user_id"] == str(reader.user.pk)
    home = signed_in(User.objects.get(pk=reader.user.pk)).get(done["Location"]).content.decode()
    assert reverse("reviewer_case", args=[case.pk]) in home
    # The link is used up.
    again = HttpClient().get(reverse("reviewer_accept", args=[issued.link_token]))
    assert again.status_code == 404
    assert "already been used" in again.content.decode()
    assert User.objects.get(email="casey.reviewer@bluevalley.test").check_password(new)


def test_an_expired_or_replaced_invitation_is_refused(masked_client: Client, owner: User) -> None:
    now = timezone.now()
    reader, first = services.new_reader(
        owner,
        masked_client.practice,
        kind="collaborator",
        email="dr.rivera@eastside.test",
        full_name="Dana Rivera",
        organization="Eastside Psychiatry",
        now=now,
    )
    with pytest.raises(services.InvitationRefused, match="expired"):
        services.verify_link(first.link_token, now=now + timedelta(days=7))
    second = services.reissue_invitation(owner, reader, now=now)
    with pytest.raises(services.InvitationRefused, match="replaced"):
        services.verify_link(first.link_token, now=now)
    assert services.verify_link(second.link_token, now=now).reader == reader
    with pytest.raises(services.InvitationRefused, match="not valid"):
        services.verify_link("made-up", now=now)


def test_the_reviewer_sees_exactly_the_attached_documents(masked_client: Client) -> None:
    plan = signed_plan_version(masked_client, days_ago(60))
    unattached_plan = signed_plan_version(masked_client, days_ago(30))
    note = signed_note(masked_client, days_ago(9), text="Attached session narrative.")
    unattached = signed_note(masked_client, days_ago(4), text="Unattached session narrative.")
    case = review_case(masked_client, documents=[plan, note])
    page = signed_in(case.reviewer.user).get(reverse("reviewer_case", args=[case.pk]))
    html = page.content.decode()
    linked = set(re.findall(r'href="(/reviewer/cases/\d+/(?:plans|notes)/\d+/)"', html))
    assert linked == {
        reverse("reviewer_plan", args=[case.pk, plan.pk]),
        reverse("reviewer_note", args=[case.pk, note.pk]),
    }
    assert f"/plans/{unattached_plan.pk}/" not in html
    assert f"/notes/{unattached.pk}/" not in html


def test_masked_fields_never_reach_the_reviewer(masked_client: Client) -> None:
    plan = signed_plan_version(masked_client)
    note = signed_note(masked_client, days_ago(3))
    case = review_case(masked_client, documents=[plan, note])
    http = signed_in(case.reviewer.user)
    pages = [
        reverse("reviewer_home"),
        reverse("reviewer_case", args=[case.pk]),
        reverse("reviewer_plan", args=[case.pk, plan.pk]),
        reverse("reviewer_note", args=[case.pk, note.pk]),
    ]
    for url in pages:
        html = http.get(url).content.decode()
        leaked = [value for value in MASKED.values() if value in html]
        assert not leaked, f"{url} shows {leaked}"
    header = http.get(reverse("reviewer_case", args=[case.pk])).content.decode()
    for shown in (masked_client.legal_name, "TL-00001", "BVH-448812", "Apr 2, 1990"):
        assert shown in header
    for url in (
        reverse("reviewer_plan_pdf", args=[case.pk, plan.pk]),
        reverse("reviewer_note_pdf", args=[case.pk, note.pk]),
    ):
        response = http.get(url)
        assert response["Content-Disposition"].startswith("attachment;")
        data = response.content
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert "TL-00001" in text
        assert not [value for value in MASKED.values() if value in text]


def test_each_read_and_download_is_one_disclosure_in_the_accounting(
    masked_client: Client,
) -> None:
    plan = signed_plan_version(masked_client)
    note = signed_note(masked_client, days_ago(3))
    case = review_case(masked_client, documents=[plan, note])
    http = signed_in(case.reviewer.user)
    http.get(reverse("reviewer_case", args=[case.pk]))  # the list itself discloses no document
    assert not Disclosure.objects.exists()
    for url in (
        reverse("reviewer_plan", args=[case.pk, plan.pk]),
        reverse("reviewer_plan_pdf", args=[case.pk, plan.pk]),
        reverse("reviewer_note", args=[case.pk, note.pk]),
        reverse("reviewer_note_pdf", args=[case.pk, note.pk]),
    ):
        before = Disclosure.objects.count()
        assert http.get(url).status_code == 200
        assert Disclosure.objects.count() == before + 1
    accounting = list(accounting_for(masked_client))
    assert len(accounting) == 4
    reviewer = case.reviewer
    assert {d.recipient for d in accounting} == {f"{reviewer.user.full_name}, Blue Valley Health"}
    assert {d.recipient_kind for d in accounting} == {RecipientKind.REVIEWER}
    assert {d.purpose for d in accounting} == {case.purpose}
    descriptions = sorted(d.description for d in accounting)
    assert descriptions[0].startswith("Progress note of ")
    assert any(
        d.startswith("Treatment plan, version 1") and "downloaded as PDF" in d for d in descriptions
    )
    actions = AuditEvent.objects.filter(actor=reviewer.user, client=masked_client).values_list(
        "action", flat=True
    )
    assert {"reviewer.plan.view", "reviewer.plan.download", "reviewer.note.view"} <= set(actions)


def test_staff_see_the_reviewers_reads_and_can_close_the_case(
    masked_client: Client, owner: User
) -> None:
    plan = signed_plan_version(masked_client)
    case = review_case(masked_client, documents=[plan])
    signed_in(case.reviewer.user).get(reverse("reviewer_plan", args=[case.pk, plan.pk]))
    http = signed_in(owner)
    detail = reverse("review_case_detail", args=[masked_client.pk, case.pk])
    assert "viewed in a payer review" in http.get(detail).content.decode()
    assert (
        http.post(reverse("review_case_close", args=[masked_client.pk, case.pk])).status_code == 302
    )
    case.refresh_from_db()
    assert case.closed_by == owner and case.closed_at is not None
    assert AuditEvent.objects.filter(action="review_case.close", client=masked_client).count() == 1


def test_a_reader_account_is_refused_every_staff_page(masked_client: Client) -> None:
    case = review_case(masked_client)
    http = signed_in(case.reviewer.user)
    for url in (
        reverse("client_chart", args=[masked_client.pk]),
        reverse("client_access", args=[masked_client.pk]),
    ):
        assert http.get(url).status_code in {403, 404}, url
