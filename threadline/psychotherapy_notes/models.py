"""Psychotherapy notes in the HIPAA sense (45 CFR 164.501): a clinician's own process notes about
what was said in a session, kept apart from the rest of the record.

They are a separate record type on purpose. Only their author ever reads them; they are left out
of the chart, the portal, the API, reviewer views and every export (the client's right of access
does not reach them, 164.524(a)(1)(i)), and releasing one needs the client's written
authorization (164.508(a)(2)). The foreign keys have no reverse accessors, so code that walks a
client's record cannot come upon them by accident.
"""

from __future__ import annotations

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
