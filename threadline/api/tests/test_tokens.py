"""Personal API tokens: made on a page, shown once, stored as a hash, refused once spent."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.api import tokens
from threadline.api.models import ApiToken
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.portal.tests.factories import client_account


def _call(secret: str) -> int:
    response = HttpClient().get(
        reverse("api:client_list"), headers={"Authorization": f"Bearer {secret}"}
    )
    return response.status_code


def test_the_page_shows_a_new_token_once_and_stores_only_its_hash(owner: User) -> None:
    http = signed_in(owner)
    response = http.post(reverse("api_tokens"), {"name": "billing export", "days": "30"})
    assert response.status_code == 200
    issued = response.context["issued"]
    secret = issued.secret
    assert secret.startswith("tl_") and len(secret) >= 40
    assert secret in response.content.decode()

    token = ApiToken.objects.get(user=owner)
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.secret_sha256}
    assert token.prefix == secret[: tokens.PREFIX_LENGTH]
    assert token.expires_at - token.created_at == timedelta(days=30)

    listing = http.get(reverse("api_tokens")).content.decode()
    assert secret not in listing
    assert token.prefix in listing and "billing export" in listing
    assert AuditEvent.objects.filter(action="api.token.create", actor=owner).count() == 1


def test_a_token_expires_in_90_days_unless_told(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    assert issued.token.expires_at - issued.token.created_at == timedelta(days=90)


@pytest.mark.parametrize(("name", "days"), [("", "30"), ("reports", "0"), ("reports", "366")])
def test_the_page_refuses_a_blank_name_or_an_expiry_past_a_year(
    owner: User, name: str, days: str
) -> None:
    response = signed_in(owner).post(reverse("api_tokens"), {"name": name, "days": days})
    assert response.status_code == 200
    assert response.context["issued"] is None
    assert not ApiToken.objects.exists()


def test_the_service_refuses_an_expiry_past_a_year(owner: User) -> None:
    with pytest.raises(ValidationError):
        tokens.create_token(owner, name="reports", days=tokens.MAX_DAYS + 1)


def test_a_client_account_gets_no_tokens(client_record: Client) -> None:
    http = signed_in(client_account(client_record).user)
    assert http.get(reverse("api_tokens")).status_code == 403
    assert http.post(reverse("api_tokens"), {"name": "x", "days": "5"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_works_and_records_when_it_was_last_used(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    assert issued.token.last_used_at is None
    assert _call(issued.secret) == 200
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    start = timezone.now()
    assert tokens.user_for(issued.secret, now=start) == owner
    assert tokens.user_for(issued.secret, now=start + timedelta(seconds=30)) == owner
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start
    later = start + tokens.LAST_USED_RESOLUTION
    tokens.user_for(issued.secret, now=later)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == later


def test_a_revoked_token_gets_401_and_the_revocation_is_audited(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    response = signed_in(owner).post(reverse("api_token_revoke", args=[issued.token.pk]))
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert _call(issued.secret) == 401
    assert AuditEvent.objects.filter(action="api.token.revoke", actor=owner).count() == 1
    refused = AuditEvent.objects.get(action="api.token.refused")
    assert (refused.outcome, refused.detail) == (Outcome.DENIED, {"reason": "revoked"})


def test_revoking_twice_is_audited_once(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    tokens.revoke_token(owner, issued.token)
    tokens.revoke_token(owner, issued.token)
    assert AuditEvent.objects.filter(action="api.token.revoke").count() == 1


def test_someone_else_cannot_revoke_my_token(owner: User, colleague: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    response = signed_in(colleague).post(reverse("api_token_revoke", args=[issued.token.pk]))
    assert response.status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_an_expired_token_gets_401(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports", days=1)
    later = timezone.now() + timedelta(days=1, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _call(issued.secret) == 401


@pytest.mark.parametrize("secret", ["tl_not-a-real-token", "", "Bearer", "tl_" + "x" * 500, "é"])
def test_an_unknown_token_gets_401(owner: User, secret: str) -> None:
    tokens.create_token(owner, name="reports")
    assert _call(secret) == 401


def test_a_deactivated_membership_ends_its_tokens(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    owner.membership.is_active = False
    owner.membership.save()
    assert _call(issued.secret) == 401


def test_a_deactivated_user_ends_their_tokens(owner: User) -> None:
    issued = tokens.create_token(owner, name="reports")
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert _call(issued.secret) == 401


def test_a_token_never_acts_for_another_person(owner: User, colleague: User) -> None:
    mine = tokens.create_token(owner, name="mine")
    theirs = tokens.create_token(colleague, name="theirs")
    assert tokens.user_for(mine.secret) == owner
    assert tokens.user_for(theirs.secret) == colleague
