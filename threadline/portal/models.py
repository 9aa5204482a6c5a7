"""Client accounts and the invitations that create them.

A client account is a `User` with no practice `Membership`, so the staff policy
(`threadline.access`) denies it every staff page; the portal's own helpers
(`threadline.portal.access`) let it see one client's signed plans and nothing else.

An invitation carries two secrets, made together and handed over separately: a long link token
for a message and a short code to read out in session (which also needs the client's date of
birth). Only keyed hashes of them are stored; the secrets are shown to staff once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ClientAccount(models.Model):
    """A client's own sign-in: one user, one client, and no practice membership."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="client_account"
    )
    client = models.OneToOneField("clients.Client", models.PROTECT, related_name="portal_account")
    created_at = models.DateTimeField(default=timezone.now)
    # ESIGN §7001(c): the client consents to electronic records and signatures before the first
    # electronic signature; when, and to which wording (its version), is kept.
    esign_consent_at = models.DateTimeField(null=True, blank=True)
    esign_consent_version = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"Portal account of {self.client}"


class Closed(models.TextChoices):
    REPLACED = "replaced", "Replaced by a newer invitation"
    TOO_MANY_ATTEMPTS = "too_many_attempts", "Too many wrong dates of birth"


class Invitation(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="portal_invitations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # HMAC-SHA256 under a key derived from the server secret: a copy of the database alone
    # cannot turn an 8-character code back into the code by trying them all.
    link_digest = models.CharField(max_length=64, unique=True)
    link_expires_at = models.DateTimeField()
    # Not unique: across years of invitations two codes may coincide; the lookup takes the
    # newest, and the date of birth must match too.
    code_digest = models.CharField(max_length=64, db_index=True)
    code_expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(
        ClientAccount, models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=20, choices=Closed.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True, account__isnull=True)
                | models.Q(accepted_at__isnull=False, account__isnull=False),
                name="invitation_accepted_has_account",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_reason="")
                | models.Q(closed_at__isnull=False, accepted_at__isnull=True)
                & ~models.Q(closed_reason=""),
                name="invitation_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Portal invitation for {self.client} ({self.created_at:%Y-%m-%d})"
