from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from threadline.accounts.models import Membership, User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client
from threadline.plans import services as plan_services
from threadline.plans.models import PlanVersion
from threadline.portal import services, tokens
from threadline.portal.models import ClientAccount, Closed, Invitation
from threadline.portal.services import (
    InvitationRefused,
    IssuedInvitation,
    NameMismatch,
    Refusal,
    Route,
)
from threadline.portal.tests.factories import client_account, signed_version
from threadline.signatures.models import Meaning, Method, Signature
from threadline.signatures.services import SigningRefused

DOB = date(1990, 4, 2)  # the date of birth of the `client_record` persona
NEW_PASSWORD = "river stones and quiet tea"


@pytest.fixture
def issued(owner: User, client_record: Client) -> IssuedInvitation:
    return services.invite(owner, client_record, now=timezone.now())


def refusals(reason: Refusal) -> list[tuple[str, str]]:
    return [
        (e.outcome, e.detail["route"])
        for e in AuditEvent.objects.filter(action="portal.invite.refused")
        if e.detail["reason"] == reason
    ]


def accept_by_link(issued: IssuedInvitation, email: str = "avery@example.test") -> ClientAccount:
    now = timezone.now()
    invitation = services.verify_link(issued.link_token, now=now)
    return services.accept(invitation.pk, Route.LINK, email=email, password=NEW_PASSWORD, now=now)


# --- invitations --------------------------------------------------------------------------


def test_an_invitation_stores_only_keyed_hashes_of_its_link_and_code(
    issued: IssuedInvitation, client_record: Client
) -> None:
    invitation = Invitation.objects.get()
    assert invitation.link_digest == tokens.digest("link", issued.link_token)
    assert invitation.code_digest == tokens.digest("code", issued.code)
    stored = " ".join(str(value) for value in Invitation.objects.values().get().values())
    assert issued.link_token not in stored
    assert issued.code not in stored
    assert len(issued.code) == 8
    assert set(issued.code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    assert invitation.link_expires_at - invitation.created_at == timedelta(days=7)
    assert invitation.code_expires_at - invitation.created_at == timedelta(hours=24)
    event = AuditEvent.objects.get(action="portal.invite")
    assert (event.client, event.object_id) == (client_record, str(invitation.pk))


def test_a_new_invitation_replaces_the_open_one(
    issued: IssuedInvitation, owner: User, client_record: Client
) -> None:
    services.invite(owner, client_record, now=timezone.now())
    first = Invitation.objects.get(link_digest=tokens.digest("link", issued.link_token))
    assert first.closed_reason == Closed.REPLACED
    with pytest.raises(InvitationRefused) as refused:
        services.verify_link(issued.link_token, now=timezone.now())
    assert refused.value.reason == Refusal.REPLACED
    assert (
        AuditEvent.objects.get(action="portal.invite", object_id=str(first.pk + 1)).detail[
            "replaced"
        ]
        == 1
    )


def test_an_expired_link_is_refused_and_audited(issued: IssuedInvitation) -> None:
    later = timezone.now() + timedelta(days=7, seconds=1)
    with pytest.raises(InvitationRefused) as refused:
        services.verify_link(issued.link_token, now=later)
    assert refused.value.reason == Refusal.EXPIRED
    assert str(refused.value) == "This invitation has expired. Ask your clinic for a new one."
    assert refusals(Refusal.EXPIRED) == [("denied", "link")]


def test_the_code_expires_after_a_day_while_the_link_still_works(
    issued: IssuedInvitation,
) -> None:
    tomorrow = timezone.now() + timedelta(hours=24, seconds=1)
    with pytest.raises(InvitationRefused) as refused:
        services.verify_code(issued.code, DOB, now=tomorrow)
    assert refused.value.reason == Refusal.EXPIRED
    assert services.verify_link(issued.link_token, now=tomorrow).pk == Invitation.objects.get().pk


def test_an_unknown_link_is_refused_and_audited(db: None) -> None:
    with pytest.raises(InvitationRefused) as refused:
        services.verify_link("not-a-token", now=timezone.now())
    assert refused.value.reason == Refusal.UNKNOWN
    assert refusals(Refusal.UNKNOWN) == [("denied", "link")]


def test_the_code_is_read_in_any_case_with_or_without_its_dash(issued: IssuedInvitation) -> None:
    typed = tokens.shown_code(issued.code).lower()
    assert services.verify_code(f" {typed} ", DOB, now=timezone.now()) == Invitation.objects.get()


def test_a_wrong_date_of_birth_is_refused_like_an_unknown_code(issued: IssuedInvitation) -> None:
    with pytest.raises(InvitationRefused) as wrong_date:
        services.verify_code(issued.code, date(1990, 4, 3), now=timezone.now())
    with pytest.raises(InvitationRefused) as unknown:
        services.verify_code("ZZZZ-ZZZZ", DOB, now=timezone.now())
    assert wrong_date.value.reason == unknown.value.reason == Refusal.MISMATCH
    assert str(wrong_date.value) == str(unknown.value)
    assert Invitation.objects.get().failed_attempts == 1
    assert refusals(Refusal.MISMATCH) == [("denied", "code"), ("denied", "code")]


def test_five_wrong_dates_of_birth_close_the_code_for_good(issued: IssuedInvitation) -> None:
    for day in range(3, 8):
        with pytest.raises(InvitationRefused):
            services.verify_code(issued.code, date(1990, 4, day), now=timezone.now())
    with pytest.raises(InvitationRefused) as refused:
        services.verify_code(issued.code, DOB, now=timezone.now())
    assert refused.value.reason == Refusal.LOCKED
    invitation = Invitation.objects.get()
    assert (invitation.failed_attempts, invitation.closed_reason) == (5, Closed.TOO_MANY_ATTEMPTS)


def test_accepting_makes_one_client_account_without_a_membership(
    issued: IssuedInvitation, client_record: Client
) -> None:
    account = accept_by_link(issued, email="Avery@Example.test")

    assert (account.client, account.user.email) == (client_record, "avery@example.test")
    assert account.user.full_name == "Avery Testwell"
    assert account.user.password.startswith("argon2")
    assert account.user.check_password(NEW_PASSWORD)
    assert not Membership.objects.filter(user=account.user).exists()
    invitation = Invitation.objects.get()
    assert (invitation.account, invitation.accepted_at is not None) == (account, True)
    event = AuditEvent.objects.get(action="portal.invite.accept")
    assert (event.actor, event.client, event.detail) == (
        account.user,
        client_record,
        {"route": "link", "account": "new"},
    )


def test_a_used_invitation_is_refused_and_makes_no_second_account(
    issued: IssuedInvitation,
) -> None:
    account = accept_by_link(issued)
    with pytest.raises(InvitationRefused) as refused:
        services.verify_link(issued.link_token, now=timezone.now())
    assert refused.value.reason == Refusal.USED
    with pytest.raises(InvitationRefused):
        services.accept(
            account.invitations.get().pk,
            Route.LINK,
            email="second@example.test",
            password=NEW_PASSWORD,
            now=timezone.now(),
        )
    assert ClientAccount.objects.count() == 1
    assert not User.objects.filter(email="second@example.test").exists()


def test_the_code_route_accepts_after_the_date_of_birth(issued: IssuedInvitation) -> None:
    now = timezone.now()
    invitation = services.verify_code(issued.code, DOB, now=now)
    services.accept(
        invitation.pk, Route.CODE, email="a@example.test", password=NEW_PASSWORD, now=now
    )
    assert AuditEvent.objects.get(action="portal.invite.accept").detail["route"] == "code"


def test_acceptance_after_the_link_expired_is_refused_and_creates_nothing(
    issued: IssuedInvitation,
) -> None:
    invitation = services.verify_link(issued.link_token, now=timezone.now())
    with pytest.raises(InvitationRefused) as refused:
        services.accept(
            invitation.pk,
            Route.LINK,
            email="a@example.test",
            password=NEW_PASSWORD,
            now=timezone.now() + timedelta(days=8),
        )
    assert refused.value.reason == Refusal.EXPIRED
    assert not ClientAccount.objects.exists()
    assert not User.objects.filter(email="a@example.test").exists()


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("a@example.test", "short", "password"),
        ("a@example.test", "password1234", "password"),
        ("OWNER@riverbend.test", NEW_PASSWORD, "email"),
    ],
)
def test_a_refused_password_or_a_taken_email_creates_nothing(
    issued: IssuedInvitation, email: str, password: str, field: str
) -> None:
    invitation = services.verify_link(issued.link_token, now=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.accept(
            invitation.pk, Route.LINK, email=email, password=password, now=timezone.now()
        )
    assert list(refused.value.message_dict) == [field]
    assert not ClientAccount.objects.exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_a_client_again_resets_their_password_and_keeps_one_account(
    issued: IssuedInvitation, owner: User, client_record: Client
) -> None:
    account = accept_by_link(issued)
    again = services.invite(owner, client_record, now=timezone.now())
    assert AuditEvent.objects.filter(action="portal.invite").latest("id").detail["existing_account"]
    invitation = services.verify_link(again.link_token, now=timezone.now())
    same = services.accept(
        invitation.pk,
        Route.LINK,
        email="ignored@example.test",
        password="a different long passphrase",
        now=timezone.now(),
    )
    assert same == account
    assert ClientAccount.objects.count() == 1
    same.user.refresh_from_db()
    assert (same.user.email, same.user.check_password("a different long passphrase")) == (
        "avery@example.test",
        True,
    )
    assert AuditEvent.objects.filter(action="portal.invite.accept").latest("id").detail == {
        "route": "link",
        "account": "existing",
    }


# --- agreement ----------------------------------------------------------------------------


@pytest.fixture
def version(client_record: Client) -> PlanVersion:
    return signed_version(client_record)


@pytest.fixture
def account(client_record: Client) -> ClientAccount:
    return client_account(client_record)


def agree(
    account: ClientAccount, version: PlanVersion, typed_name: str = "Avery Testwell"
) -> Signature:
    return services.agree(
        account,
        version,
        typed_name=typed_name,
        now=timezone.now(),
        ip="10.0.0.9",
        esign_consent=True,
    )


def test_the_client_signs_the_version_in_force_with_their_typed_name(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    signature = agree(account, version)

    author = Signature.objects.get(meaning=Meaning.AUTHOR)
    assert (signature.meaning, signature.method, signature.printed_name, signature.signer) == (
        Meaning.CLIENT_AGREEMENT,
        Method.PORTAL,
        "Avery Testwell",
        account.user,
    )
    assert signature.content_sha256 == author.content_sha256
    assert signature.attestation == "I have reviewed this plan and I agree to it."
    assert signature.ip == "10.0.0.9"
    event = AuditEvent.objects.get(action="signature.client_agreement")
    assert (event.actor, event.client, event.practice) == (
        account.user,
        client_record,
        client_record.practice,
    )


def test_the_preferred_name_in_any_case_is_accepted_and_kept_as_typed(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    client_record.preferred_name = "Ave"
    client_record.save()
    account.refresh_from_db()
    assert agree(account, version, "  ave   TESTWELL ").printed_name == "ave TESTWELL"


def test_a_name_that_does_not_match_is_refused_and_signs_nothing(
    account: ClientAccount, version: PlanVersion
) -> None:
    with pytest.raises(NameMismatch) as refused:
        agree(account, version, "Someone Else")
    assert str(refused.value) == (
        "Type your full name as your clinic has it (Avery Testwell); "
        "the name you typed does not match."
    )
    assert not Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).exists()


def test_a_version_takes_one_client_agreement(account: ClientAccount, version: PlanVersion) -> None:
    agree(account, version)
    with pytest.raises(
        SigningRefused, match=r"^Your agreement to this version is already recorded"
    ):
        agree(account, version)
    assert Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).count() == 1


def test_a_new_version_needs_a_new_agreement(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    agree(account, version)
    second = signed_version(client_record)

    assert services.client_plan(second).agreement is None
    assert services.client_plan(second).can_agree
    assert not services.client_plan(version).in_force
    with pytest.raises(SigningRefused, match=r"^A newer version of your plan has replaced"):
        services.agree(
            account, version, typed_name="Avery Testwell", now=timezone.now(), esign_consent=True
        )
    agree(account, second)
    agreed = Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT)
    assert sorted(agreed.values_list("document_id", flat=True)) == [version.pk, second.pk]


def test_a_telehealth_attestation_already_settles_the_agreement(
    account: ClientAccount, version: PlanVersion, owner: User
) -> None:
    plan_services.cosign_version(
        owner, version, meaning=Meaning.TELEHEALTH_ATTESTATION, stepped_up_at=timezone.now()
    )
    assert services.client_plan(version).agreement is not None
    with pytest.raises(SigningRefused, match="already recorded"):
        agree(account, version)


def test_a_client_cannot_agree_to_another_clients_version(
    version: PlanVersion, owner: User
) -> None:
    other = client_account(make_client(version.plan.client.practice, owner, "TL-00002"))
    with pytest.raises(PlanVersion.DoesNotExist):
        agree(other, version)
    assert not Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).exists()


def test_the_first_signature_needs_consent_to_electronic_records_and_it_is_kept(
    account: ClientAccount, version: PlanVersion
) -> None:
    with pytest.raises(SigningRefused, match="electronic records"):
        services.agree(account, version, typed_name="Avery Testwell", now=timezone.now())
    agree(account, version)
    account.refresh_from_db()
    assert account.esign_consent_version == services.ESIGN_CONSENT_VERSION
    assert AuditEvent.objects.filter(action="portal.esign_consent").count() == 1
