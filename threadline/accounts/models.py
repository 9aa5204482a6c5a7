"""Practices and the people who work in them."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from threadline.accounts import sealing

# Mirrors threadline.rules.packs.PACK_NAMES; the rules package owns the packs themselves.
PAYER_PACKS = [
    ("default", "Commercial (default)"),
    ("medicare", "Medicare"),
    ("medicaid", "Medicaid (generic)"),
]


class Practice(models.Model):
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    tax_id = models.CharField(
        "tax id",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{2}-?\d{7}$", "Enter the EIN as 12-3456789.")],
    )
    default_pack = models.CharField(
        "default payer rule pack", max_length=30, choices=PAYER_PACKS, default="default"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Payer(models.Model):
    """An insurer the practice bills; its rule pack overrides the practice default."""

    practice = models.ForeignKey(Practice, models.CASCADE, related_name="payers")
    name = models.CharField(max_length=200)
    pack = models.CharField("rule pack", max_length=30, choices=PAYER_PACKS, default="default")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="payer_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


# django-otp ships no type information, so the stubs cannot see BackupCodeDevice.user's reverse.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """One account per person: HIPAA wants every action traced to an individual."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May open the Django admin (operators, not clinicians)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    PRESCRIBER = "prescriber", "Prescriber"
    SUPERVISOR = "supervisor", "Supervisor"
    PRACTICE_ADMIN = "practice_admin", "Practice admin"


CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.PRESCRIBER, Role.SUPERVISOR})


class Membership(models.Model):
    """A person's role in one practice. Threadline works within one practice per person."""

    user = models.OneToOneField(User, models.CASCADE, related_name="membership")
    practice = models.ForeignKey(Practice, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES


class Credential(models.TextChoices):
    LCSW = "LCSW", "LCSW"
    LMSW = "LMSW", "LMSW"
    LPC = "LPC", "LPC"
    LPCC = "LPCC", "LPCC"
    LMHC = "LMHC", "LMHC"
    LMFT = "LMFT", "LMFT"
    AMFT = "AMFT", "AMFT (associate)"
    APC = "APC", "APC (associate)"
    ASW = "ASW", "ASW (associate)"
    PSYD = "PsyD", "PsyD"
    PHD = "PhD", "PhD"
    MD = "MD", "MD"
    DO = "DO", "DO"
    PMHNP = "PMHNP", "PMHNP"
    NP = "NP", "NP"


class ClinicianProfile(models.Model):
    user = models.OneToOneField(User, models.CASCADE, related_name="clinician_profile")
    credentials = models.CharField(max_length=10, choices=Credential.choices)
    license_number = models.CharField("licence number", max_length=40, blank=True)
    license_state = models.CharField(
        "licence state",
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, such as NY.")],
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", "An NPI has exactly 10 digits.")],
    )
    pre_licensed = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="supervisees"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pre_licensed=False) | models.Q(supervisor__isnull=False),
                name="pre_licensed_needs_supervisor",
                violation_error_message="A pre-licensed clinician needs a supervisor.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name}, {self.credentials}"

    @property
    def signature_name(self) -> str:
        return f"{self.user.full_name}, {self.credentials}"


# 160 bits, the size RFC 4226 recommends for an HMAC-SHA1 secret (and django-otp's default).
AUTHENTICATOR_SEED_BYTES = 20
# The delay after the n-th wrong code is factor * 2**(n-1) seconds: 1, 2, 4, 8...
AUTHENTICATOR_THROTTLE_FACTOR = 1


def authenticator_context(user_id: int) -> str:
    """What a sealed seed is bound to: its owner, so it opens on no one else's row."""
    return f"accounts.authenticator of user {user_id}"


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose shared seed is sealed at rest.

    django-otp's own TOTPDevice keeps the seed as clear hex, so a copy of the database would
    let anyone compute everyone's codes; here only AES-GCM ciphertext is stored
    (`threadline.accounts.sealing`). Checking a code works as TOTPDevice's does: within
    `tolerance` steps of the clock (corrected by the app's `drift`), never a step at or before
    `last_t` (a code works once), with throttling after wrong codes.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="authenticators")
    sealed_seed = models.CharField(max_length=200, editable=False)
    step = models.PositiveSmallIntegerField(default=30, help_text="Seconds per code.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time when steps start.")
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(
        default=1, help_text="Steps before or after now that are still accepted."
    )
    drift = models.SmallIntegerField(
        default=0, help_text="Steps the app's clock is known to be off from ours."
    )
    last_t = models.BigIntegerField(
        default=-1, help_text="The step of the last accepted code; later codes must be newer."
    )

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @classmethod
    def new(cls, user: User, *, name: str, confirmed: bool) -> Authenticator:
        """A saved authenticator with a fresh random seed."""
        device = cls(user=user, name=name, confirmed=confirmed)
        device.seal(secrets.token_bytes(AUTHENTICATOR_SEED_BYTES))
        device.save()
        return device

    def seal(self, seed: bytes) -> None:
        self.sealed_seed = sealing.seal(seed, authenticator_context(self.user_id))

    @property
    def seed(self) -> bytes:
        """The shared secret, opened for this one use; never kept on the instance."""
        return sealing.unseal(self.sealed_seed, authenticator_context(self.user_id))

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.sealed_seed:
            raise ValueError("An authenticator needs a sealed seed: use Authenticator.new().")
        super().save(*args, **kwargs)

    def totp(self) -> TOTP:
        """The code generator at the current time, corrected by the known drift."""
        totp = TOTP(self.seed, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(token)
        except (TypeError, ValueError):
            code = None
        totp = self.totp()
        if code is not None and totp.verify(code, self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            # Follow a phone whose clock wanders, as django-otp does (OTP_TOTP_SYNC).
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return AUTHENTICATOR_THROTTLE_FACTOR


class BackupCodeDevice(ThrottlingMixin, Device):
    """Single-use backup codes for when the authenticator app is out of reach.

    django-otp's own StaticDevice keeps its codes as plain text; these keep only a SHA-256
    digest, so a copy of the database does not hand out second factors. A fast hash is enough
    because every code is 60 random bits (`mfa.new_backup_code`), not a word a person chose.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="backup_code_devices")

    class Meta(Device.Meta):
        verbose_name = "backup code set"

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # One UPDATE marks the code used, so two requests racing with the same code cannot
        # both succeed.
        used = self.codes.filter(digest=backup_code_digest(str(token)), used_at=None).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return BACKUP_CODE_THROTTLE_FACTOR

    @property
    def remaining(self) -> int:
        return self.codes.filter(used_at=None).count()


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="backup_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Backup code {self.pk} ({'used' if self.used_at else 'unused'})"


# The delay after the n-th wrong backup code is factor * 2**(n-1) seconds, as for TOTP codes.
BACKUP_CODE_THROTTLE_FACTOR = 1


def normalise_backup_code(token: str) -> str:
    """Codes are shown as `abcd-efgh-jkmn`; people type them with or without dashes or spaces."""
    return "".join(character for character in token.lower() if character.isalnum())


def backup_code_digest(token: str) -> str:
    return hashlib.sha256(normalise_backup_code(token).encode()).hexdigest()
