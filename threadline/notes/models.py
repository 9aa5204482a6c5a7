"""The documents of an episode of care besides the plan: the intake assessment, a progress note
per attended session, and the discharge summary that closes the episode.

As with plan versions, each document's clinical content is one JSON document in the rules'
schema (`threadline.rules.facts`), minus what comes from elsewhere at check time: the client,
the clinician, the plan cited and the signatures. A signed document never changes; what is
learned later goes in a signed addendum.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from threadline.plans.models import FrozenContentError


class Kind(models.TextChoices):
    INTAKE = "intake", "Intake assessment"
    PROGRESS = "progress", "Progress note"
    DISCHARGE = "discharge", "Discharge summary"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class Note(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The session documented; a discharge summary documents the episode, not one session.
    appointment = models.OneToOneField(
        "appointments.Appointment", models.PROTECT, null=True, blank=True, related_name="note"
    )
    # The signed plan version in force that a progress note or discharge summary reads against.
    plan_version = models.ForeignKey(
        "plans.PlanVersion", models.PROTECT, null=True, blank=True, related_name="notes"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", signed_at__isnull=True)
                | models.Q(status="signed", signed_at__isnull=False),
                name="note_signed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="discharge") | models.Q(appointment__isnull=False),
                name="note_session_documented",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.client} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Once signed, no ORM path may change the row; the database trigger backs this up.
        if self.pk is not None:
            stored = Note.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == Status.SIGNED:
                raise FrozenContentError("This document is signed and cannot change.")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def signable(self) -> dict[str, Any]:
        """What a signature binds to: the content and its place in the record."""
        return {
            "document": self.kind,
            "note": self.pk,
            "client": self.client_id,
            "session": self.appointment_id,
            "plan_version": self.plan_version_id,
            "content": self.content,
        }


class NoteAddendum(models.Model):
    """A dated, signed addition to a signed document, naming the SHA-256 it adds to."""

    note = models.ForeignKey(Note, models.PROTECT, related_name="addenda")
    number = models.PositiveIntegerField()
    text = models.TextField()
    parent_sha256 = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_addendum_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Addendum {self.number} to {self.note}"

    def signable(self) -> dict[str, Any]:
        return {
            "document": "note_addendum",
            "note": self.note_id,
            "number": self.number,
            "parent_sha256": self.parent_sha256,
            "text": self.text,
        }
