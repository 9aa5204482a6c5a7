"""Clients of a practice: who they are, how to reach them, who pays and who treats them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class PlanType(models.TextChoices):
    COMMERCIAL = "commercial", "Commercial"
    MEDICARE = "medicare", "Medicare"
    MEDICAID = "medicaid", "Medicaid"
    SELF_PAY = "self_pay", "Self-pay"
    OTHER = "other", "Other"


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class ClientQuerySet(models.QuerySet["Client"]):
    def search(self, query: str) -> ClientQuerySet:
        """Match every word against the names, or the whole query against the record number."""
        query = query.strip()
        if not query:
            return self
        by_record = models.Q(record_number__iexact=query)
        by_name = models.Q()
        for word in query.split():
            by_name &= (
                models.Q(legal_first_name__icontains=word)
                | models.Q(legal_last_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
            )
        return self.filter(by_record | by_name)


class Client(models.Model):
    practice = models.ForeignKey("accounts.Practice", models.PROTECT, related_name="clients")
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    # The second identifier on every document, beside the name.
    record_number = models.CharField(max_length=20)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    payer = models.ForeignKey(
        "accounts.Payer", models.PROTECT, null=True, blank=True, related_name="clients"
    )
    member_id = models.CharField("member id", max_length=40, blank=True)
    plan_type = models.CharField(max_length=20, choices=PlanType.choices, blank=True)
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="primary_clients"
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="care_team_clients"
    )
    status = models.CharField(
        max_length=12, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "practice", Lower("record_number"), name="client_record_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    @property
    def rule_pack(self) -> str:
        """The payer's pack when the client has one, else the practice default."""
        return self.payer.pack if self.payer_id and self.payer else self.practice.default_pack
