"""The second factor: authenticator apps (TOTP, RFC 6238) and single-use backup codes.

Who must have one: everyone who works in a practice (every role), operators of the Django admin
and readers from outside the practice (insurance reviewers, collaborating clinicians). Client
accounts may add one. Every check of a code is audited, allowed or denied; a code from a time
step already used is refused (`Authenticator.last_t`) and repeated wrong codes are slowed down.
The authenticator's seed is stored sealed (`threadline.accounts.sealing`), never in the clear.
"""

from __future__ import annotations

import re
import secrets
from base64 import b32encode
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.oath import hotp

from threadline.accounts import sealing
from threadline.accounts.models import (
    Authenticator,
    BackupCode,
    BackupCodeDevice,
    User,
    authenticator_context,
    backup_code_digest,
)
from threadline.audit.models import Outcome
from threadline.audit.services import record

# Shown in the authenticator app beside the account's email.
ISSUER = "Threadline"
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODE_COUNT = 10
# 12 characters from 31 letters and digits that cannot be mistaken for one another: about 59
# random bits per code, which is what lets `BackupCodeDevice` keep a plain SHA-256 of it.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 12
TOTP_CODE = re.compile(r"^\d{6}$")

WRONG_CODE = (
    "That code is not right. Enter the 6-digit code your authenticator app shows for "
    "Threadline now, or one of your unused backup codes."
)
REUSED_CODE = "That code has already been used. Wait for the next code in your app."
NO_BACKUP_CODES = "That is not a 6-digit code, and this account has no backup codes."


def _is_outside_reader(user: Any) -> bool:
    """Insurance reviewers and collaborating clinicians have a `reviews.OutsideReader` row."""
    try:
        user.outside_reader  # noqa: B018  (the lookup is the question)
    except (AttributeError, ObjectDoesNotExist):
        return False
    return True


def requires_mfa(user: Any) -> bool:
    """Staff of a practice, admin operators and outside readers; not client accounts."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    try:
        user.membership  # noqa: B018
    except ObjectDoesNotExist:
        return _is_outside_reader(user)
    return True


def has_device(user: Any) -> bool:
    """Whether sign-in and signing ask this person for a code."""
    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user)


def authenticator_of(user: Any) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed=True).first()


def backup_codes_left(user: Any) -> int:
    return BackupCode.objects.filter(
        device__user=user, device__confirmed=True, used_at=None
    ).count()


# --- enrolment ---------------------------------------------------------------------------


def pending_authenticator(user: User) -> Authenticator:
    """The unconfirmed authenticator this person is setting up; one at a time, kept across
    page loads so the QR code they scanned stays the one that is checked."""
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = Authenticator.new(user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def provisioning_uri(device: Authenticator) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{device.user.email}")
    params = urlencode(
        {
            "secret": b32encode(device.seed).decode(),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element: a path, no styles or scripts (strict CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


def secret_for_typing(device: Authenticator) -> str:
    """The secret in groups of four, for an app that cannot scan."""
    secret = b32encode(device.seed).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: the device that accepted it, or what went wrong."""

    device: Device | None
    problem: str = ""

    @property
    def accepted(self) -> bool:
        return self.device is not None


def confirm_enrolment(user: User, device: Authenticator, code: str) -> tuple[CodeCheck, list[str]]:
    """Confirm a new authenticator with a code it shows now; on success, issue backup codes."""
    with transaction.atomic():
        check = _check(user, device, _compact(code), purpose="enrolment", kind="authenticator")
        if not check.accepted:
            return check, []
        Authenticator.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _issue_backup_codes(user)
        record("mfa.enrol", actor=user, obj=user, detail={"device": "authenticator"})
    return check, codes


# --- checking codes -------------------------------------------------------------------------


def _compact(code: str) -> str:
    return "".join(code.split())


def check_code(user: User, code: str, *, purpose: str) -> CodeCheck:
    """Check a 6-digit authenticator code or a backup code against the person's devices.

    `purpose` (sign-in, signing, security) goes into the audit event.
    """
    token = _compact(code)
    with transaction.atomic():
        if TOTP_CODE.match(token):
            device: Device | None = (
                Authenticator.objects.devices_for_user(user, confirmed=True)
                .select_for_update()
                .first()
            )
            kind = "authenticator"
        else:
            device = (
                BackupCodeDevice.objects.devices_for_user(user, confirmed=True)
                .select_for_update()
                .first()
            )
            kind = "backup_code"
        return _check(user, device, token, purpose=purpose, kind=kind)


def _check(user: User, device: Device | None, token: str, *, purpose: str, kind: str) -> CodeCheck:
    reason = ""
    if device is None:
        problem, reason = (NO_BACKUP_CODES if kind == "backup_code" else WRONG_CODE), "no_device"
    else:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            problem, reason = _throttled(info), "throttled"
        elif device.verify_token(token):
            problem = ""
        elif isinstance(device, Authenticator) and _was_just_used(device, token):
            problem, reason = REUSED_CODE, "reused"
        else:
            problem, reason = WRONG_CODE, "wrong"
    detail = {"purpose": purpose, "device": kind}
    if reason:
        detail["reason"] = reason
    record(
        "mfa.verify",
        actor=user,
        obj=user,
        outcome=Outcome.DENIED if problem else Outcome.ALLOWED,
        detail=detail,
    )
    return CodeCheck(None if problem else device, problem)


def _throttled(info: dict[str, Any] | None) -> str:
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return "Too many wrong codes. Wait a little, then try again."
    seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit}, then try again."


def _was_just_used(device: Authenticator, token: str) -> bool:
    """Whether `token` is the code of a time step this device has already accepted."""
    if device.last_t < 0 or not token.isdigit():
        return False
    seed = device.seed
    steps = range(max(0, device.last_t - device.tolerance), device.last_t + 1)
    return any(int(token) == hotp(seed, t, digits=device.digits) for t in steps)


# --- backup codes, reset --------------------------------------------------------------------


def new_backup_code() -> str:
    code = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, BACKUP_CODE_LENGTH, 4))


def _issue_backup_codes(user: User) -> list[str]:
    """Replace this person's backup codes; the plain codes exist only in the return value."""
    BackupCodeDevice.objects.filter(user=user).delete()
    device = BackupCodeDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = new_backup_code()
        if code not in codes:
            codes.append(code)
    BackupCode.objects.bulk_create(
        BackupCode(device=device, digest=backup_code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def regenerate_backup_codes(user: User) -> list[str]:
    codes = _issue_backup_codes(user)
    record("mfa.backup_codes.regenerate", actor=user, obj=user)
    return codes


@transaction.atomic
def reset(user: User, *, actor: User) -> None:
    """Remove every second factor of `user`. Someone who must have one enrols again at their
    next request; their sessions lose their verification with the device."""
    removed = sorted({type(device).__name__ for device in devices_for_user(user, confirmed=None)})
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    record(
        "mfa.reset",
        actor=actor,
        obj=user,
        detail={"by": "self" if actor.pk == user.pk else "practice_admin", "removed": removed},
    )


# --- key rotation ---------------------------------------------------------------------------


@transaction.atomic
def reseal_authenticators() -> int:
    """Seal every authenticator's seed again under the first key of THREADLINE_FIELD_KEYS.

    Run after putting a new key in front: once it has, the old keys can be removed. Returns
    how many seeds were still sealed under an older key.
    """
    moved = 0
    for device in Authenticator.objects.select_for_update().order_by("pk"):
        context = authenticator_context(device.user_id)
        seed, key_number = sealing.unseal_with_key_number(device.sealed_seed, context)
        if key_number:
            device.seal(seed)
            device.save(update_fields=["sealed_seed"])
            moved += 1
    record("mfa.reseal", detail={"resealed": moved})
    return moved
