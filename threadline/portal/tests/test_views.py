from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, make_client, signed_in
from threadline.plans import services as plan_services
from threadline.plans.models import PlanVersion
from threadline.portal import services, tokens
from threadline.portal.models import ClientAccount, Invitation
from threadline.portal.services import MESSAGES, IssuedInvitation, Refusal
from threadline.portal.tests.factories import client_account, signed_version
from threadline.signatures.models import Meaning, Signature

NEW_PASSWORD = "river stones and quiet tea"
SET_PASSWORD = reverse("portal_accept", args=["set-password"])


@pytest.fixture
def issued(owner: User, client_record: Client) -> IssuedInvitation:
    return services.invite(owner, client_record, now=timezone.now())


@pytest.fixture
def version(client_record: Client) -> PlanVersion:
    return signed_version(client_record)


@pytest.fixture
def account(client_record: Client) -> ClientAccount:
    return client_account(client_record)


def page(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


# --- accepting an invitation ----------------------------------------------------------------


def test_the_link_leaves_the_address_and_the_client_sets_a_password_and_is_signed_in(
    issued: IssuedInvitation, client_record: Client
) -> None:
    http = HttpClient()
    opened = http.get(reverse("portal_accept", args=[issued.link_token]))
    assert (opened.status_code, opened["Location"]) == (302, SET_PASSWORD)

    form = http.get(SET_PASSWORD)
    assert form.status_code == 200
    assert "Set up your account" in page(form)
    done = http.post(
        SET_PASSWORD,
        {"email": "avery@example.test", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert (done.status_code, done["Location"]) == (302, reverse("portal_home"))
    account = ClientAccount.objects.get()
    assert http.session["_auth_user_id"] == str(account.user.pk)
    assert [e.action for e in AuditEvent.objects.filter(actor=account.user)] == [
        "portal.invite.accept",
        "auth.login",
        "portal.login",
    ]
    assert AuditEvent.objects.get(action="portal.login").client == client_record


def test_an_expired_link_says_so_and_creates_nothing(issued: IssuedInvitation) -> None:
    Invitation.objects.update(link_expires_at=timezone.now() - timedelta(minutes=1))
    response = HttpClient().get(reverse("portal_accept", args=[issued.link_token]))
    assert response.status_code == 410
    assert MESSAGES[Refusal.EXPIRED] in page(response)
    assert not ClientAccount.objects.exists()


def test_an_unknown_link_is_a_404_with_a_message(db: None) -> None:
    response = HttpClient().get(reverse("portal_accept", args=["made-up-token"]))
    assert response.status_code == 404
    assert MESSAGES[Refusal.UNKNOWN] in page(response)


def test_the_password_page_without_an_opened_invitation_is_refused(db: None) -> None:
    response = HttpClient().post(
        SET_PASSWORD, {"email": "x@example.test", "password": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="x@example.test").exists()


def test_a_used_link_is_refused_on_the_second_visit(issued: IssuedInvitation) -> None:
    http = HttpClient()
    http.get(reverse("portal_accept", args=[issued.link_token]))
    http.post(
        SET_PASSWORD,
        {"email": "avery@example.test", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    again = HttpClient().get(reverse("portal_accept", args=[issued.link_token]))
    assert again.status_code == 410
    assert MESSAGES[Refusal.USED] in page(again)
    assert ClientAccount.objects.count() == 1


def test_a_weak_password_is_shown_next_to_the_field_and_the_email_is_kept(
    issued: IssuedInvitation,
) -> None:
    http = HttpClient()
    http.get(reverse("portal_accept", args=[issued.link_token]))
    response = http.post(
        SET_PASSWORD,
        {
            "email": "avery@example.test",
            "password": "password1234",
            "password_again": "password1234",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["This password is too common."]
    assert 'value="avery@example.test"' in page(response)
    assert not ClientAccount.objects.exists()


def test_the_code_route_asks_for_the_date_of_birth(issued: IssuedInvitation) -> None:
    http = HttpClient()
    wrong = http.post(reverse("portal_join"), {"code": issued.code, "date_of_birth": "1990-04-03"})
    assert wrong.status_code == 200
    assert wrong.context["form"].non_field_errors() == [MESSAGES[Refusal.MISMATCH]]

    right = http.post(
        reverse("portal_join"),
        {"code": tokens.shown_code(issued.code), "date_of_birth": "1990-04-02"},
    )
    assert (right.status_code, right["Location"]) == (302, SET_PASSWORD)
    http.post(
        SET_PASSWORD,
        {"email": "avery@example.test", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert ClientAccount.objects.get().user.email == "avery@example.test"


def test_an_existing_account_chooses_a_new_password_instead_of_a_second_account(
    account: ClientAccount, owner: User, client_record: Client
) -> None:
    again = services.invite(owner, client_record, now=timezone.now())
    http = HttpClient()
    http.get(reverse("portal_accept", args=[again.link_token]))
    form = http.get(SET_PASSWORD)
    assert "email" not in form.context["form"].fields
    assert account.user.email in page(form)
    http.post(SET_PASSWORD, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    account.user.refresh_from_db()
    assert account.user.check_password(NEW_PASSWORD)
    assert ClientAccount.objects.count() == 1


def test_a_signed_in_clinician_opening_a_link_changes_nothing(
    issued: IssuedInvitation, owner: User
) -> None:
    response = signed_in(owner).get(reverse("portal_accept", args=[issued.link_token]))
    assert response.status_code == 409
    assert Invitation.objects.get().accepted_at is None


# --- the client's pages ---------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in_and_back(version: PlanVersion) -> None:
    url = reverse("portal_plan", args=[version.pk])
    response = HttpClient().get(url)
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_client_signs_in_on_the_login_page_and_lands_in_the_portal(
    account: ClientAccount, client_record: Client
) -> None:
    http = HttpClient()
    signed = http.post(reverse("login"), {"username": account.user.email, "password": PASSWORD})
    assert http.get(signed["Location"])["Location"] == reverse("portal_home")
    assert [(e.action, e.client) for e in AuditEvent.objects.filter(actor=account.user)] == [
        ("auth.login", None),
        ("portal.login", client_record),
    ]


def test_staff_get_403_on_the_portal(owner: User) -> None:
    assert signed_in(owner).get(reverse("portal_home")).status_code == 403
    assert AuditEvent.objects.filter(action="access.portal", outcome="denied").count() == 1


def test_home_shows_the_plan_waiting_for_agreement(
    account: ClientAccount, version: PlanVersion
) -> None:
    response = signed_in(account.user).get(reverse("portal_home"))
    assert response.context["plan"].version == version
    assert "Waiting for your agreement." in page(response)
    assert reverse("portal_print", args=[version.pk]) in page(response)


def test_home_without_a_signed_plan_says_so(account: ClientAccount, client_record: Client) -> None:
    plan_services.start_plan(
        client_record.primary_clinician, client_record, today=timezone.localdate()
    )
    response = signed_in(account.user).get(reverse("portal_home"))
    assert "Your clinician has not shared a plan with you yet." in page(response)


def test_the_plan_is_shown_in_plain_language_without_codes_or_staff_fields(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    response = signed_in(account.user).get(reverse("portal_plan", args=[version.pk]))
    text = page(response)

    for shown in (
        "Get through a full week at work without leaving early",
        "What you will do",
        "Practised in session and daily at home.",
        "What your clinician will do",
        "Cognitive behavioral therapy (CBT), weekly",
        "Your clinician: Owner, APC",
        "We check this with the GAD-7 anxiety questionnaire",
        "I have reviewed this plan and agree",
    ):
        assert shown in text
    for hidden in (
        "F41.1",
        "13:03",
        "DSM-5-TR",
        "Left four shifts early",
        client_record.record_number,
    ):
        assert hidden not in text
    event = AuditEvent.objects.get(action="portal.plan.view")
    assert (event.actor, event.client, event.detail) == (
        account.user,
        client_record,
        {"version": version.number, "how": "view"},
    )


def test_another_clients_plan_is_a_404_and_audited_as_denied(
    version: PlanVersion, owner: User, client_record: Client
) -> None:
    other = client_account(make_client(client_record.practice, owner, "TL-00002"))
    http = signed_in(other.user)
    for name in ("portal_plan", "portal_print"):
        assert http.get(reverse(name, args=[version.pk])).status_code == 404
    assert http.post(reverse("portal_agree", args=[version.pk])).status_code == 404
    denied = AuditEvent.objects.filter(action="portal.plan.view", outcome="denied")
    assert [e.object_id for e in denied] == [str(version.pk)] * 3


def test_a_draft_is_a_404_to_the_client(account: ClientAccount, version: PlanVersion) -> None:
    draft = plan_services.revise(version.author, version, reason="scheduled_review", note="")
    assert signed_in(account.user).get(reverse("portal_plan", args=[draft.pk])).status_code == 404


def test_the_client_ticks_agree_types_their_name_and_signs(
    account: ClientAccount, version: PlanVersion
) -> None:
    http = signed_in(account.user)
    url = reverse("portal_agree", args=[version.pk])
    response = http.post(
        url, {"esign_consent": "on", "reviewed": "on", "typed_name": "avery testwell"}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("portal_plan", args=[version.pk]),
    )
    signature = Signature.objects.get(meaning=Meaning.CLIENT_AGREEMENT)
    assert (signature.printed_name, signature.ip) == ("avery testwell", "127.0.0.1")
    after = page(http.get(response["Location"]))
    assert "Thank you. Your agreement to this plan is signed." in after
    assert "You signed your agreement to this plan as “avery testwell”" in after
    assert "Sign my agreement" not in after


def test_the_box_must_be_ticked(account: ClientAccount, version: PlanVersion) -> None:
    response = signed_in(account.user).post(
        reverse("portal_agree", args=[version.pk]), {"typed_name": "Avery Testwell"}
    )
    assert response.context["form"].errors["reviewed"] == [
        "Tick the box to say you have reviewed the plan and agree."
    ]
    assert not Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).exists()


def test_a_mismatched_name_is_shown_next_to_the_name_field(
    account: ClientAccount, version: PlanVersion
) -> None:
    response = signed_in(account.user).post(
        reverse("portal_agree", args=[version.pk]),
        {"esign_consent": "on", "reviewed": "on", "typed_name": "A. T."},
    )
    assert response.context["form"].errors["typed_name"] == [
        "Type your full name as your clinic has it (Avery Testwell); "
        "the name you typed does not match."
    ]
    assert not Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).exists()


def test_a_second_request_to_sign_shows_why_it_was_refused(
    account: ClientAccount, version: PlanVersion
) -> None:
    http = signed_in(account.user)
    url = reverse("portal_agree", args=[version.pk])
    http.post(url, {"esign_consent": "on", "reviewed": "on", "typed_name": "Avery Testwell"})
    second = http.post(
        url, {"esign_consent": "on", "reviewed": "on", "typed_name": "Avery Testwell"}
    )
    assert second.status_code == 200
    assert "Your agreement to this version is already recorded." in page(second)
    assert Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).count() == 1


def test_the_printable_copy_carries_both_identifiers_and_every_signature(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    services.agree(
        account, version, typed_name="Avery Testwell", now=timezone.now(), esign_consent=True
    )
    response = signed_in(account.user).get(reverse("portal_print", args=[version.pk]))
    text = page(response)
    assert "Date of birth April 2, 1990 · Record TL-00001" in text
    assert "Owner, APC</strong> — Signed by your clinician" in text
    assert "Avery Testwell</strong> — Your agreement" in text
    assert AuditEvent.objects.get(action="portal.plan.view").detail["how"] == "print"


# --- staff: the invitation and the agreement on the version page -----------------------------


def test_the_version_page_offers_an_invitation_until_the_client_agrees(
    owner: User, account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    url = reverse("plan_version", args=[client_record.pk, version.pk])
    before = page(signed_in(owner).get(url))
    assert "Client agreement pending; has a portal account" in before
    assert f"{reverse('portal_invite', args=[client_record.pk])}?version={version.pk}" in before

    services.agree(
        account, version, typed_name="Avery Testwell", now=timezone.now(), esign_consent=True
    )
    after = page(signed_in(owner).get(url))
    assert "Client agreement: Avery Testwell" in after
    assert "Invite to the portal" not in after


def test_an_invitation_is_shown_once_with_its_expiry(
    owner: User, version: PlanVersion, client_record: Client
) -> None:
    url = reverse("portal_invite", args=[client_record.pk])
    http = signed_in(owner)
    confirm = http.get(f"{url}?version={version.pk}")
    assert "Create the invitation" in page(confirm)
    assert not Invitation.objects.exists()

    response = http.post(url, {"version": version.pk})
    issued = response.context["issued"]
    text = page(response)
    assert f"http://testserver/portal/invitation/{issued.link_token}/" in text
    assert tokens.shown_code(issued.code) in text
    assert "Valid until" in text
    assert AuditEvent.objects.get(action="portal.invite").detail["version"] == version.number
    assert issued.link_token not in page(http.get(f"{url}?version={version.pk}"))


def test_a_colleague_outside_the_care_team_cannot_invite(
    colleague: User, client_record: Client
) -> None:
    response = signed_in(colleague).post(reverse("portal_invite", args=[client_record.pk]))
    assert response.status_code == 404
    assert not Invitation.objects.exists()
