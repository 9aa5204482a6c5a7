"""Treatment plans and their numbered versions.

A version's clinical content is one JSON document in the schema the rules read
(`threadline.rules.facts.PlanFacts`), minus the parts that come from elsewhere at check time:
the client, the clinician and the signatures. Keeping the content as one document is what lets
a signature bind to it (the SHA-256 of its canonical JSON) and lets `threadline check` read an
exported version exactly as the editor does. Problems and objectives carry stable ids inside it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class RevisionReason(models.TextChoices):
    GOAL_MET = "goal_met", "A goal or objective was met"
    NEW_PROBLEM = "new_problem", "A new problem to work on"
    MODALITY_CHANGE = "modality_change", "A change of modality or approach"
    SCHEDULED_REVIEW = "scheduled_review", "Scheduled review"
    OTHER = "other", "Other"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class FrozenContentError(RuntimeError):
    """A signed version was about to change: signed content never changes."""


class TreatmentPlan(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="plans")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Treatment plan of {self.client}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(TreatmentPlan, models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=VersionStatus.choices)
    content = models.JSONField(default=dict)
    based_on = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    revision_reason = models.CharField(max_length=20, choices=RevisionReason.choices, blank=True)
    revision_note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # Optimistic locking: each save of a draft bumps it; a save from a stale page is refused.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft", signed_at__isnull=True)
                | models.Q(status="signed", signed_at__isnull=False),
                name="plan_version_signed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The model-level guard: once signed, the stored row may not change by any path that
        # goes through the ORM's save (pages, API, admin). Signing itself flips a draft.
        if self.pk is not None:
            stored = PlanVersion.objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored.first() == VersionStatus.SIGNED:
                raise FrozenContentError(f"Version {self.number} is signed and cannot change.")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def signable(self) -> dict[str, Any]:
        """What a signature binds to: this version's content and its place in the record."""
        return {
            "document": "treatment_plan",
            "plan": self.plan_id,
            "version": self.number,
            "client": self.plan.client_id,
            "content": self.content,
        }


class PlanAddendum(models.Model):
    """A dated, signed addition to a signed version, which itself never changes.

    It names the SHA-256 of the version it adds to, so it cannot be read against other content.
    """

    version = models.ForeignKey(PlanVersion, models.PROTECT, related_name="addenda")
    number = models.PositiveIntegerField()
    text = models.TextField()
    parent_sha256 = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="addendum_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Addendum {self.number} to {self.version}"

    def signable(self) -> dict[str, Any]:
        return {
            "document": "plan_addendum",
            "version": self.version_id,
            "number": self.number,
            "parent_sha256": self.parent_sha256,
            "text": self.text,
        }
