"""Questionnaires given to a client: each administration's answers and scores, the schedule
that says when one is due, and the safety alerts a score raises.

Scoring is the pure rules' job (`threadline.rules.measures`); these rows keep what the client
answered and what the rules made of it, so a later change of rules never rewrites a past score.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from threadline.rules.measures import INSTRUMENTS, Instrument

INSTRUMENT_CHOICES = [(key, form.name) for key, form in INSTRUMENTS.items()]


class Channel(models.TextChoices):
    SESSION = "session", "In session"
    PORTAL = "portal", "Client portal"


class State(models.TextChoices):
    PENDING = "pending", "Waiting for the client"
    COMPLETE = "complete", "Complete"
    INCOMPLETE = "incomplete", "Incomplete"


class Administration(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="administrations")
    instrument = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=12, choices=State.choices)
    appointment = models.ForeignKey(
        "appointments.Appointment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
    )
    # Item number (as text, JSON keys) -> the answer's value; unanswered items are absent.
    answers = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField(null=True, blank=True)  # None unless complete
    band = models.CharField(max_length=40, blank=True)
    safety_alert = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A portal administration is reached by a one-time link; only its hash is stored.
    link_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "instrument", "answered_at", "id"]
        indexes = [models.Index(fields=["client", "instrument", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending", answered_at__isnull=True)
                | (~models.Q(state="pending") & models.Q(answered_at__isnull=False)),
                name="administration_answered_unless_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(state="complete", total__isnull=False)
                | (~models.Q(state="complete") & models.Q(total__isnull=True)),
                name="administration_total_only_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} for {self.client} ({self.state})"

    @property
    def form(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def answered_on(self) -> date | None:
        return timezone.localdate(self.answered_at) if self.answered_at else None


class Cadence(models.TextChoices):
    EVERY_SESSION = "every_session", "Before every session"
    EVERY_N_SESSIONS = "every_n_sessions", "Every few sessions"
    EVERY_N_WEEKS = "every_n_weeks", "Every few weeks"


class MeasureSchedule(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="measure_schedules")
    instrument = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES)
    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    every = models.PositiveSmallIntegerField(default=1)  # N sessions or N weeks
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument"], name="one_schedule_per_instrument"
            ),
            models.CheckConstraint(
                condition=models.Q(every__gte=1) & models.Q(every__lte=52),
                name="schedule_every_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.get_cadence_display().lower()}"


class SafetyAlert(models.Model):
    """Raised by an answer that signals risk (PHQ-9 item 9 above 0); it stays on the chart and
    the work queue until the clinician documents the safety assessment done that day."""

    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="safety_alerts")
    administration = models.OneToOneField(
        Administration, models.PROTECT, related_name="safety_alert_record"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField(null=True, blank=True)
    assessment = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"Safety alert for {self.client} ({'cleared' if self.cleared_at else 'open'})"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
