"""A disclosure is protected information leaving the care team: to an insurance reviewer, a
collaborating clinician, or anyone an export was made for. HIPAA gives the client the right to an
accounting of them for six years, so each one is a row of its own, never only an audit event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RecipientKind(models.TextChoices):
    REVIEWER = "reviewer", "Insurance reviewer"
    COLLABORATOR = "collaborator", "Collaborating clinician"
    EXPORT = "export", "Export to an outside party"
    OTHER = "other", "Other"


class Disclosure(models.Model):
    practice = models.ForeignKey("accounts.Practice", models.PROTECT, related_name="disclosures")
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="disclosures")
    disclosed_at = models.DateTimeField(default=timezone.now)
    recipient = models.CharField(max_length=200)  # a person or organization, as the client reads it
    recipient_kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    purpose = models.CharField(max_length=300)
    description = models.TextField()  # what was disclosed, in words: "Progress note of 3 March"
    # Who made it happen: the reader themselves (a reviewer) or the staff member who exported.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["client", "disclosed_at"])]

    def __str__(self) -> str:
        return f"{self.description} to {self.recipient} ({self.disclosed_at:%Y-%m-%d})"
