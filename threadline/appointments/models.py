"""Sessions: one row per appointment, whether it happened or not.

Named "appointments" because Django already has a `sessions` app; the pages call them sessions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from threadline.accounts.models import CLINICAL_ROLES, Membership
from threadline.rules.billing import Service

MIN_MINUTES = 1
MAX_MINUTES = 480
DEFAULT_MINUTES = 53

SERVICE_LABELS = {
    Service.INTAKE: "Intake assessment",
    Service.INTAKE_MEDICAL: "Intake assessment with medical services",
    Service.PSYCHOTHERAPY: "Psychotherapy",
    Service.PSYCHOTHERAPY_WITH_EM: "Psychotherapy with E/M",
    Service.CRISIS: "Crisis psychotherapy",
    Service.FAMILY_WITHOUT_PATIENT: "Family psychotherapy without the client",
    Service.FAMILY_WITH_PATIENT: "Family psychotherapy with the client",
    Service.GROUP: "Group psychotherapy",
    Service.EM: "Evaluation and management",
}
SERVICE_CHOICES = [(service.value, SERVICE_LABELS[service]) for service in Service]


class Place(models.TextChoices):
    OFFICE = "office", "Office"
    HOME = "home", "Client's home"
    ELSEWHERE = "elsewhere", "Elsewhere"


class Telehealth(models.TextChoices):
    IN_PERSON = "", "In person"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio only"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(models.Model):
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="appointments")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="appointments"
    )
    scheduled_start = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_MINUTES,
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
    )
    service = models.CharField(
        max_length=30, choices=SERVICE_CHOICES, default=Service.PSYCHOTHERAPY.value
    )
    place = models.CharField(max_length=12, choices=Place.choices, default=Place.OFFICE)
    telehealth = models.CharField(
        max_length=8, choices=Telehealth.choices, blank=True, default=Telehealth.IN_PERSON
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="appointments_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_start", "id"]
        indexes = [models.Index(fields=["clinician", "scheduled_start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_MINUTES)
                & models.Q(duration_minutes__lte=MAX_MINUTES),
                name="appointment_duration_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(telehealth="") | ~models.Q(place=Place.OFFICE),
                name="appointment_telehealth_not_in_office",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.scheduled_start)
        return f"{self.get_service_display()} on {start:%Y-%m-%d %H:%M}"

    @property
    def scheduled_end(self) -> datetime:
        return self.scheduled_start + timedelta(minutes=self.duration_minutes)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.telehealth and self.place == Place.OFFICE:
            errors["place"] = (
                "A telehealth session happens where the client is: choose home or elsewhere."
            )
        if self.clinician_id is not None and self.client_id is not None:
            clinical_member = Membership.objects.filter(
                user_id=self.clinician_id,
                practice_id=self.client.practice_id,
                is_active=True,
                role__in=CLINICAL_ROLES,
            ).exists()
            if not clinical_member:
                errors["clinician"] = "The clinician must be a clinical member of this practice."
        if errors:
            raise ValidationError(errors)
