"""A signature binds a person, a meaning and a moment to the exact content of one document
version: it stores the SHA-256 of the version's canonical JSON, and an HMAC (keyed by the
server's secret, which lives outside the database) over the signature record itself, so
neither the content nor the signature row can be changed or moved without `verify` noticing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Meaning(models.TextChoices):
    AUTHOR = "author", "Author"
    SUPERVISOR = "supervisor", "Supervisor co-signature"
    CLIENT_AGREEMENT = "client_agreement", "Client agreement"
    TELEHEALTH_ATTESTATION = "telehealth_attestation", "Telehealth attestation of agreement"


class Method(models.TextChoices):
    PASSWORD = "password", "Password re-entered"
    PASSWORD_TOTP = "password_totp", "Password and one-time code"
    PORTAL = "portal", "Client portal, typed name"
    ATTESTATION = "attestation", "Clinician attestation"


class Signature(models.Model):
    document_type = models.ForeignKey(ContentType, models.PROTECT)
    document_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("document_type", "document_id")
    meaning = models.CharField(max_length=30, choices=Meaning.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied at signing, so a later change of name or credentials does not rewrite history.
    printed_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=20, blank=True)
    signed_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=Method.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    attestation = models.TextField()
    content_sha256 = models.CharField(max_length=64)
    record_hmac = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_id", "meaning"],
                name="one_signature_per_meaning",
            ),
        ]
        indexes = [models.Index(fields=["document_type", "document_id"])]

    def __str__(self) -> str:
        return f"{self.get_meaning_display()} by {self.printed_name}"
