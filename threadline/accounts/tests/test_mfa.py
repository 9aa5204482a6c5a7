"""The second factor: enrolment, the second step of signing in, the gate that keeps a
password-only session to those pages, signing with a code, and the security page."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp

from threadline.accounts import mfa
from threadline.accounts.models import Authenticator, BackupCode, BackupCodeDevice, User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, authenticator, current_code, signed_in
from threadline.plans import services as plan_services
from threadline.plans.forms import PasswordAgainForm
from threadline.plans.models import PlanVersion
from threadline.plans.samples import complete_plan
from threadline.portal.tests.factories import client_account
from threadline.signatures.models import Signature

CODE_FIELD = 'name="code"'


def code_now(device: Authenticator, offset: int = 0) -> str:
    """What the person's app shows now (or `offset` steps away)."""
    t = TOTP(device.seed, device.step, device.t0, device.digits, device.drift).t() + offset
    return f"{hotp(device.seed, t, digits=device.digits):06d}"


def not_the_code(device: Authenticator) -> str:
    """A 6-digit code that none of the steps the device accepts now would show."""
    accepted = {code_now(device, offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def password_step(user: User) -> HttpClient:
    """A browser that has given the right password and nothing more."""
    http = HttpClient()
    response = http.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return http


def verify_events(outcome: str) -> list[dict[str, str]]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(action="mfa.verify", outcome=outcome).order_by("id")
    ]


# --- enrolment --------------------------------------------------------------------------------


def test_staff_without_an_authenticator_reach_only_enrolment(owner: User) -> None:
    http = password_step(owner)
    caseload = http.get(reverse("caseload"))
    assert caseload.status_code == 302
    assert caseload["Location"] == f"{reverse('mfa_enrol')}?next=%2Fclients%2F"
    for name in ("home", "work_queue", "account_security", "mfa_verify"):
        assert http.get(reverse(name))["Location"].startswith(reverse("mfa_enrol"))
    assert http.post(reverse("client_new"))["Location"] == reverse("mfa_enrol")
    assert http.get(reverse("mfa_enrol")).status_code == 200
    assert http.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in http.session


def test_an_htmx_request_before_the_second_factor_is_sent_to_the_page_itself(
    owner: User,
) -> None:
    response = password_step(owner).get(reverse("caseload"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("mfa_enrol"))


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_for_typing(owner: User) -> None:
    page = password_step(owner).get(reverse("mfa_enrol")).content.decode()
    device = Authenticator.objects.get(user=owner)
    assert not device.confirmed
    assert re.search(r"<svg [^>]*viewBox=[^>]*><path d=\"M", page)
    assert mfa.secret_for_typing(device) in page
    assert len(mfa.secret_for_typing(device).replace(" ", "")) == 32
    uri = mfa.provisioning_uri(device)
    assert uri.startswith("otpauth://totp/Threadline%3Aowner%40riverbend.test?secret=")
    assert "issuer=Threadline" in uri and "digits=6" in uri and "period=30" in uri


def test_the_same_pending_authenticator_is_shown_until_it_is_confirmed(owner: User) -> None:
    http = password_step(owner)
    http.get(reverse("mfa_enrol"))
    http.get(reverse("mfa_enrol"))
    assert Authenticator.objects.filter(user=owner).count() == 1


def test_a_wrong_code_does_not_confirm_the_authenticator(owner: User) -> None:
    http = password_step(owner)
    http.get(reverse("mfa_enrol"))
    device = Authenticator.objects.get(user=owner)
    response = http.post(reverse("mfa_enrol"), {"code": not_the_code(device)})
    assert response.status_code == 200
    assert mfa.WRONG_CODE in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not BackupCode.objects.exists()
    assert verify_events("denied") == [
        {"purpose": "enrolment", "device": "authenticator", "reason": "wrong"}
    ]
    assert http.get(reverse("caseload"))["Location"].startswith(reverse("mfa_enrol"))


def test_the_right_code_confirms_and_the_backup_codes_are_shown_once(owner: User) -> None:
    http = password_step(owner)
    http.get(reverse("mfa_enrol"))
    device = Authenticator.objects.get(user=owner)
    response = http.post(reverse("mfa_enrol"), {"code": code_now(device), "next": "/clients/"})
    assert response.status_code == 200
    codes = re.findall(r"<code class=\"secret\">([a-z0-9-]+)</code>", response.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert 'href="/clients/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="mfa.enrol", actor=owner).count() == 1
    # Only digests are kept, and no later page shows the codes again.
    stored = set(BackupCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert http.get(reverse("mfa_enrol"))["Location"] == reverse("account_security")
    security = http.get(reverse("account_security")).content.decode()
    assert not any(code in security for code in codes)
    assert "Backup codes left: 10 of 10" in security
    # The session has passed its second factor.
    assert http.get(reverse("caseload")).status_code == 200


# --- the second step of signing in ------------------------------------------------------------


def test_after_the_password_a_person_with_an_authenticator_enters_a_code(owner: User) -> None:
    device = authenticator(owner)
    http = password_step(owner)
    before = http.session.session_key
    assert http.get(reverse("caseload"))["Location"] == (
        f"{reverse('mfa_verify')}?next=%2Fclients%2F"
    )
    assert http.get(reverse("mfa_enrol"))["Location"].startswith(reverse("mfa_verify"))
    assert CODE_FIELD in http.get(reverse("mfa_verify")).content.decode()
    response = http.post(reverse("mfa_verify"), {"code": code_now(device), "next": "/clients/"})
    assert response["Location"] == "/clients/"
    assert http.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert http.session.session_key != before
    assert http.get(reverse("caseload")).status_code == 200
    assert verify_events("allowed") == [{"purpose": "sign-in", "device": "authenticator"}]


def test_the_next_address_after_the_code_stays_on_this_site(owner: User) -> None:
    device = authenticator(owner)
    response = password_step(owner).post(
        reverse("mfa_verify"), {"code": code_now(device), "next": "https://elsewhere.test/"}
    )
    assert response["Location"] == reverse("home")


def test_a_used_code_is_refused_at_the_next_sign_in(owner: User) -> None:
    device = authenticator(owner)
    code = code_now(device)
    assert password_step(owner).post(reverse("mfa_verify"), {"code": code}).status_code == 302
    again = password_step(owner)
    response = again.post(reverse("mfa_verify"), {"code": code})
    assert response.status_code == 200
    assert mfa.REUSED_CODE in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in again.session
    assert verify_events("denied")[-1]["reason"] == "reused"


def test_a_backup_code_signs_in_once(owner: User) -> None:
    authenticator(owner)
    codes = mfa.regenerate_backup_codes(owner)
    typed = codes[3].upper().replace("-", " ")
    first = password_step(owner)
    assert first.post(reverse("mfa_verify"), {"code": typed})["Location"] == reverse("home")
    assert first.get(reverse("caseload")).status_code == 200
    assert mfa.backup_codes_left(owner) == 9
    second = password_step(owner)
    response = second.post(reverse("mfa_verify"), {"code": codes[3]})
    assert mfa.WRONG_CODE in response.content.decode()
    assert second.get(reverse("caseload")).status_code == 302
    assert [e["device"] for e in verify_events("allowed")] == ["backup_code"]
    assert [e["device"] for e in verify_events("denied")] == ["backup_code"]


def test_wrong_codes_slow_down_further_tries_and_are_audited(owner: User) -> None:
    device = authenticator(owner)
    http = password_step(owner)
    http.post(reverse("mfa_verify"), {"code": not_the_code(device)})
    http.post(reverse("mfa_verify"), {"code": "not-a-backup-code"})
    right_away = http.post(reverse("mfa_verify"), {"code": code_now(device)})
    assert "Too many wrong codes. Wait 1 second, then try again." in right_away.content.decode()
    assert DEVICE_ID_SESSION_KEY not in http.session
    assert [e.get("reason") for e in verify_events("denied")] == [
        "wrong",
        "no_device",
        "throttled",
    ]
    later = timezone.now() + timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = http.post(reverse("mfa_verify"), {"code": code_now(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_backup_codes_are_throttled_too(owner: User) -> None:
    authenticator(owner)
    codes = mfa.regenerate_backup_codes(owner)
    http = password_step(owner)
    http.post(reverse("mfa_verify"), {"code": "aaaa-bbbb-cccc"})
    response = http.post(reverse("mfa_verify"), {"code": codes[0]})
    assert "Too many wrong codes" in response.content.decode()
    assert mfa.backup_codes_left(owner) == 10


# --- who must have a second factor ------------------------------------------------------------


def test_a_client_account_is_offered_a_second_factor_but_not_made_to_have_one(
    client_record: Client,
) -> None:
    user = client_account(client_record).user
    assert not mfa.requires_mfa(user)
    http = password_step(user)
    assert http.get(reverse("portal_home")).status_code == 200
    page = http.get(reverse("mfa_enrol")).content.decode()
    assert "keeps your account safe" in page
    device = Authenticator.objects.get(user=user)
    assert http.post(reverse("mfa_enrol"), {"code": code_now(device)}).status_code == 200
    # Once added, the client's next sign-in asks for a code too.
    later = password_step(user)
    assert later.get(reverse("portal_home"))["Location"].startswith(reverse("mfa_verify"))


@pytest.mark.parametrize("persona", ["owner", "supervisor", "admin", "colleague"])
def test_every_practice_role_must_have_a_second_factor(
    persona: str, request: pytest.FixtureRequest
) -> None:
    assert mfa.requires_mfa(request.getfixturevalue(persona))


def test_an_outside_reader_must_have_a_second_factor(practice: object) -> None:
    reader = User.objects.create_user("reviewer@payer.test", PASSWORD, full_name="Rene Viewer")
    assert not mfa.requires_mfa(reader)
    # The reviews app links an OutsideReader row to the user as `user.outside_reader`.
    with mock.patch.object(User, "outside_reader", create=True, new=object()):
        assert mfa.requires_mfa(reader)


def test_an_operator_of_the_django_admin_must_have_a_second_factor(db: None) -> None:
    operator = User.objects.create_user("ops@threadline.test", PASSWORD, is_staff=True)
    assert mfa.requires_mfa(operator)


# --- signing with the second factor -----------------------------------------------------------


@pytest.fixture
def draft(owner: User, client_record: Client) -> PlanVersion:
    today = timezone.localdate()
    draft = plan_services.start_plan(owner, client_record, today=today)
    return plan_services.save_draft(
        owner, draft, complete_plan(draft.content, today), lock_version=draft.lock_version
    )


def _sign(owner: User, draft: PlanVersion, **data: str) -> str:
    url = reverse("plan_sign", args=[draft.plan.client_id, draft.pk])
    response = signed_in(owner).post(url, {"password": PASSWORD, "attest": "on", **data})
    return response.content.decode() if response.status_code == 200 else ""


def test_signing_with_the_password_and_a_current_code_signs(
    owner: User, draft: PlanVersion
) -> None:
    assert _sign(owner, draft, code=current_code(owner)) == ""
    draft.refresh_from_db()
    assert draft.status == "signed"
    assert Signature.objects.count() == 1
    assert verify_events("allowed") == [{"purpose": "signing", "device": "authenticator"}]


def _nothing_signed(draft: PlanVersion) -> bool:
    draft.refresh_from_db()
    return draft.status == "draft" and not Signature.objects.exists()


def test_signing_with_a_wrong_code_signs_nothing(owner: User, draft: PlanVersion) -> None:
    page = _sign(owner, draft, code=not_the_code(authenticator(owner)))
    assert f"{mfa.WRONG_CODE} Nothing was signed." in page
    assert _nothing_signed(draft)
    assert verify_events("denied") == [
        {"purpose": "signing", "device": "authenticator", "reason": "wrong"}
    ]


def test_signing_with_the_code_just_used_to_sign_in_signs_nothing(
    owner: User, draft: PlanVersion
) -> None:
    device = authenticator(owner)
    code = code_now(device)
    assert mfa.check_code(owner, code, purpose="sign-in").accepted
    page = _sign(owner, draft, code=code)
    assert f"{mfa.REUSED_CODE} Nothing was signed." in page
    assert _nothing_signed(draft)


def test_signing_without_a_code_signs_nothing(owner: User, draft: PlanVersion) -> None:
    page = _sign(owner, draft)
    assert "Enter the 6-digit code from your app, or a backup code." in page
    assert _nothing_signed(draft)


def test_a_backup_code_signs_once(owner: User, draft: PlanVersion) -> None:
    code = mfa.regenerate_backup_codes(owner)[0]
    assert _sign(owner, draft, code=code) == ""
    assert Signature.objects.count() == 1
    assert mfa.backup_codes_left(owner) == 9


def test_a_wrong_password_spends_no_code(owner: User, draft: PlanVersion) -> None:
    code = current_code(owner)
    page = _sign(owner, draft, code=code, password="not my password at all")
    assert "That password is not right. Nothing was signed." in page
    assert _sign(owner, draft, code=code) == ""


def test_the_signing_form_asks_for_a_code_only_from_someone_with_a_device(
    owner: User, client_record: Client
) -> None:
    assert "code" not in PasswordAgainForm(user=client_account(client_record).user).fields
    authenticator(owner)
    assert list(PasswordAgainForm(user=owner).fields) == ["password", "code"]


# --- the security page ------------------------------------------------------------------------


def test_the_security_page_asks_for_the_password_and_a_code(owner: User) -> None:
    page = signed_in(owner).get(reverse("account_security")).content.decode()
    assert page.count('name="password-password"') == 1
    for prefix in ("password", "email", "codes", "reset"):
        assert f'name="{prefix}-code"' in page


def test_changing_the_password_needs_a_current_code(owner: User) -> None:
    http = signed_in(owner)
    new = {"password-new_password": "harbour lantern morning", "password-password": PASSWORD}
    new["password-new_password_again"] = new["password-new_password"]
    refused = http.post(reverse("account_password"), {**new, "password-code": "123"})
    assert refused.status_code == 400
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    response = http.post(reverse("account_password"), {**new, "password-code": current_code(owner)})
    assert response["Location"] == reverse("account_security")
    owner.refresh_from_db()
    assert owner.check_password("harbour lantern morning")
    assert AuditEvent.objects.filter(action="auth.password.change", actor=owner).exists()
    # This session stays signed in.
    assert http.get(reverse("caseload")).status_code == 200


def test_a_new_password_is_checked_before_a_code_is_spent(owner: User) -> None:
    code = current_code(owner)
    response = signed_in(owner).post(
        reverse("account_password"),
        {
            "password-new_password": "password1234",
            "password-new_password_again": "password1234",
            "password-password": PASSWORD,
            "password-code": code,
        },
    )
    assert "too common" in response.content.decode()
    assert mfa.check_code(owner, code, purpose="test").accepted


def test_changing_the_email_needs_the_password_and_a_code(owner: User, colleague: User) -> None:
    http = signed_in(owner)
    taken = http.post(
        reverse("account_email"),
        {
            "email-email": "COLLEAGUE@riverbend.test",
            "email-password": PASSWORD,
            "email-code": current_code(owner),
        },
    )
    assert "An account with this email already exists." in taken.content.decode()
    wrong = http.post(
        reverse("account_email"),
        {"email-email": "new@riverbend.test", "email-password": "wrong", "email-code": "1"},
    )
    assert wrong.status_code == 400
    done = http.post(
        reverse("account_email"),
        {
            "email-email": "New@Riverbend.test",
            "email-password": PASSWORD,
            "email-code": current_code(owner),
        },
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "new@riverbend.test"
    event = AuditEvent.objects.get(action="auth.email.change")
    assert event.detail == {"from": "owner@riverbend.test", "to": "new@riverbend.test"}


def test_new_backup_codes_replace_the_old_ones(owner: User) -> None:
    old = mfa.regenerate_backup_codes(owner)
    http = signed_in(owner)
    refused = http.post(
        reverse("account_backup_codes"), {"codes-password": PASSWORD, "codes-code": "000"}
    )
    assert refused.status_code == 400
    response = http.post(
        reverse("account_backup_codes"),
        {"codes-password": PASSWORD, "codes-code": current_code(owner)},
    )
    new = re.findall(r"<code class=\"secret\">([a-z0-9-]+)</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not mfa.check_code(owner, old[0], purpose="test").accepted
    assert BackupCodeDevice.objects.filter(user=owner).count() == 1
    assert AuditEvent.objects.filter(action="mfa.backup_codes.regenerate").count() == 2


def test_resetting_the_authenticator_sends_staff_to_set_up_a_new_one(owner: User) -> None:
    http = signed_in(owner)
    mfa.regenerate_backup_codes(owner)
    response = http.post(
        reverse("account_reset_mfa"),
        {"reset-password": PASSWORD, "reset-code": current_code(owner)},
    )
    assert response["Location"] == reverse("mfa_enrol")
    assert not mfa.has_device(owner)
    assert not BackupCode.objects.exists()
    assert http.get(reverse("caseload"))["Location"].startswith(reverse("mfa_enrol"))
    event = AuditEvent.objects.get(action="mfa.reset")
    assert event.detail == {"by": "self", "removed": ["Authenticator", "BackupCodeDevice"]}


def test_a_practice_admin_resets_a_colleagues_authenticator(admin: User, colleague: User) -> None:
    colleagues_session = signed_in(colleague)
    url = reverse("person_mfa_reset", args=[colleague.membership.pk])
    assert signed_in(admin).post(url)["Location"] == reverse("people")
    assert not mfa.has_device(colleague)
    event = AuditEvent.objects.get(action="mfa.reset")
    assert (event.actor, event.object_id, event.detail["by"]) == (
        admin,
        str(colleague.pk),
        "practice_admin",
    )
    # The colleague's open session lost its second factor with the device.
    assert colleagues_session.get(reverse("caseload"))["Location"].startswith(reverse("mfa_enrol"))


def test_a_practice_admin_does_not_reset_their_own_authenticator_from_people(
    admin: User,
) -> None:
    signed_in(admin).post(reverse("person_mfa_reset", args=[admin.membership.pk]))
    assert mfa.has_device(admin)
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_a_client_without_an_authenticator_changes_the_password_with_the_password_alone(
    client_record: Client,
) -> None:
    user = client_account(client_record).user
    http = signed_in(user)
    page = http.get(reverse("account_security")).content.decode()
    assert 'name="password-code"' not in page
    assert reverse("mfa_enrol") in page
    response = http.post(
        reverse("account_password"),
        {
            "password-new_password": "harbour lantern morning",
            "password-new_password_again": "harbour lantern morning",
            "password-password": PASSWORD,
        },
    )
    assert response["Location"] == reverse("account_security")
    user.refresh_from_db()
    assert user.check_password("harbour lantern morning")
