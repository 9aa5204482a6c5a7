"""Psychotherapy notes in the HIPAA sense (45 CFR 164.501): a clinician's own process notes about
what was said in a session, kept apart from the rest of the record.

They are a separate record type on purpose. Only their author ever reads them; they are left out
of the chart, the portal, the API, reviewer views and every export (the client's right of access
does not reach them, 164.524(a)(1)(i)), and releasing one needs the client's written
authorization (164.508(a)(2)). The foreign keys have no reverse accessors, so code that walks a
client's record cannot come upon them by accident.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class PsychotherapyNote(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateField("date")
    # The session the note is about, if the clinician links one. Cancelling or removing the
    # appointment leaves the note in place.
    session = models.ForeignKey(
        "appointments.Appointment", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["client", "author"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="psychotherapy_note_has_body"
            ),
        ]

    def __str__(self) -> str:
        # Never the body: this string can reach logs and error pages.
        return f"Psychotherapy note {self.pk} of {self.written_at}"


class ReleaseFrozenError(RuntimeError):
    """A recorded release was about to change: only its revocation may be added."""


class Release(models.Model):
    """The author's release of some of their psychotherapy notes under the client's written
    authorization (45 CFR 164.508(a)(2)): who receives them, for what, and until when.

    Once recorded it does not change; it can only be revoked, which stops further downloads.
    Each download is a disclosure in the client's accounting (privacy.Disclosure).
    """

    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="+")
    # Only the author of the notes releases them; the release is theirs alone to see.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    notes = models.ManyToManyField(PsychotherapyNote, through="ReleasedNote", related_name="+")
    # Name and address together fit the accounting's recipient (privacy.Disclosure, 200).
    recipient_name = models.CharField(max_length=100)
    recipient_address = models.CharField(max_length=98, blank=True)
    purpose = models.CharField(max_length=300)
    given_on = models.DateField("authorization signed on")
    given_how = models.CharField(max_length=300)  # "Signed authorization form dated ...", as typed
    expires_on = models.DateField("authorization expires on")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)

    # What revoking may set, once; everything else is fixed when the release is recorded.
    REVOCATION_FIELDS = frozenset({"revoked_at", "revoke_reason"})

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "author"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient_name="") & ~models.Q(purpose=""),
                name="psychotherapy_release_has_recipient_and_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("given_on")),
                name="psychotherapy_release_expires_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(recorded_by=models.F("author")),
                name="psychotherapy_release_by_its_author",
            ),
        ]

    def __str__(self) -> str:
        # No recipient or purpose: this string can reach logs and error pages.
        return f"Release {self.pk} of psychotherapy notes"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The model-level guard: a recorded release may only gain its revocation, once.
        if self.pk is not None:
            stored = Release.objects.filter(pk=self.pk).first()
            if stored is not None:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if getattr(stored, f.attname) != getattr(self, f.attname)
                }
                if stored.revoked_at is not None or not changed <= self.REVOCATION_FIELDS:
                    raise ReleaseFrozenError("A recorded release cannot change.")
        super().save(*args, **kwargs)

    @property
    def recipient(self) -> str:
        """The recipient as the client's accounting of disclosures names them."""
        if self.recipient_address:
            return f"{self.recipient_name}, {self.recipient_address}"
        return self.recipient_name

    def is_live(self, today: date) -> bool:
        """Whether notes may be downloaded under it: not revoked, and through its expiry day."""
        return self.revoked_at is None and today <= self.expires_on


class ReleasedNote(models.Model):
    """One note in a release. A released note stays as it was released: it can no longer be
    changed or deleted, so the release always shows what left the practice."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="+")
    note = models.ForeignKey(PsychotherapyNote, models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "note"], name="psychotherapy_release_note"),
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} in release {self.release_id}"
