"""Readers from outside the practice, what they may read, and emergency access from inside it.

An outside reader is a `User` with no practice `Membership`, so the staff policy
(`threadline.access`) refuses them every staff page. What they may read comes only from a live
review case (an insurance reviewer) or a live client authorization (a collaborating clinician);
`threadline.reviews.policy` answers those questions. A break-glass grant is the one way a member
of the practice reads a record outside their caseload; `threadline.access` honours it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReaderKind(models.TextChoices):
    REVIEWER = "reviewer", "Insurance reviewer"
    COLLABORATOR = "collaborator", "Collaborating clinician"


class OutsideReader(models.Model):
    """An insurance reviewer or a collaborating clinician, invited by one practice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="outside_reader"
    )
    kind = models.CharField(max_length=20, choices=ReaderKind.choices)
    organization = models.CharField(max_length=200)
    practice = models.ForeignKey(
        "accounts.Practice", models.PROTECT, related_name="outside_readers"
    )
    # The payer a reviewer reviews for, so the next case for that payer can pick them again.
    payer = models.ForeignKey(
        "accounts.Payer", models.PROTECT, null=True, blank=True, related_name="reviewers"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__full_name", "id"]

    def __str__(self) -> str:
        return self.recipient

    @property
    def recipient(self) -> str:
        """How the accounting of disclosures names them: "Name, Organization"."""
        return f"{self.user.full_name}, {self.organization}"


class ReaderInvitation(models.Model):
    """A one-time link to set a password; only its keyed hash is stored (as for the portal)."""

    reader = models.ForeignKey(OutsideReader, models.PROTECT, related_name="invitations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    link_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # A newer invitation replaces an unused one, so only the newest link ever works.
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation for {self.reader} ({self.created_at:%Y-%m-%d})"


class ReviewCase(models.Model):
    """A payer's review of one client: the documents attached, the reviewer, and how long."""

    practice = models.ForeignKey("accounts.Practice", models.PROTECT, related_name="review_cases")
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="review_cases")
    payer = models.ForeignKey("accounts.Payer", models.PROTECT, related_name="review_cases")
    reviewer = models.ForeignKey(OutsideReader, models.PROTECT, related_name="cases")
    purpose = models.CharField(max_length=300)
    # The note range asked for, kept for the record; the notes themselves are in `documents`.
    notes_from = models.DateField(null=True, blank=True)
    notes_to = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["reviewer", "closed_at", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_by__isnull=True)
                | models.Q(closed_at__isnull=False, closed_by__isnull=False),
                name="review_case_closed_by_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("opened_at")),
                name="review_case_expires_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.client} for {self.payer}"

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.expires_at

    def ended_at(self) -> datetime:
        """When access ended or will end: the closure, or else the expiry."""
        return self.closed_at if self.closed_at is not None else self.expires_at


class CaseDocument(models.Model):
    """One document under review: those resolved when the case opened, and any the practice
    attached while it was open (a payer asking for more). Later notes never join on their own.

    Detaching marks the row instead of deleting it, so the case keeps who shared what and why it
    stopped; the reviewer's reads stay in the audit log and the accounting of disclosures.
    """

    case = models.ForeignKey(ReviewCase, models.CASCADE, related_name="documents")
    plan_version = models.ForeignKey(
        "plans.PlanVersion", models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey("notes.Note", models.PROTECT, null=True, blank=True, related_name="+")
    # Empty for the documents resolved when the case opened; set for those attached later.
    attached_at = models.DateTimeField(null=True, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    detached_at = models.DateTimeField(null=True, blank=True)
    detached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    detach_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_version__isnull=False, note__isnull=True)
                | models.Q(plan_version__isnull=True, note__isnull=False),
                name="case_document_is_one_document",
            ),
            # Once while attached; a document detached by mistake can be attached again.
            models.UniqueConstraint(
                fields=["case", "plan_version"],
                condition=models.Q(detached_at__isnull=True),
                name="case_document_plan_once",
            ),
            models.UniqueConstraint(
                fields=["case", "note"],
                condition=models.Q(detached_at__isnull=True),
                name="case_document_note_once",
            ),
            models.CheckConstraint(
                condition=models.Q(attached_at__isnull=True, attached_by__isnull=True)
                | models.Q(attached_at__isnull=False, attached_by__isnull=False),
                name="case_document_attached_by_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(detached_at__isnull=True, detached_by__isnull=True)
                | (
                    models.Q(detached_at__isnull=False, detached_by__isnull=False)
                    & ~models.Q(detach_reason="")
                ),
                name="case_document_detached_by_someone_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_version or self.note} in {self.case}"

    @property
    def is_attached(self) -> bool:
        return self.detached_at is None


class Scope(models.TextChoices):
    """Record types a client may authorize. Psychotherapy notes are never among them: they need
    their own authorization (45 CFR 164.508(a)(2)) and are not offered here."""

    PLANS = "plans", "Treatment plans"
    PROGRESS = "progress", "Progress notes"  # the values of the note kinds, to filter by them
    INTAKE = "intake", "Intake assessment"
    DISCHARGE = "discharge", "Discharge summary"
    MEASURES = "measures", "Measures (questionnaire scores)"


NOTE_SCOPES = frozenset({Scope.PROGRESS, Scope.INTAKE, Scope.DISCHARGE})


class ClientAuthorization(models.Model):
    """The client's permission for a collaborating clinician to read some of their record."""

    practice = models.ForeignKey(
        "accounts.Practice", models.PROTECT, related_name="client_authorizations"
    )
    client = models.ForeignKey(
        "clients.Client", models.PROTECT, related_name="outside_authorizations"
    )
    collaborator = models.ForeignKey(OutsideReader, models.PROTECT, related_name="authorizations")
    scope = models.JSONField(default=list)  # Scope values
    purpose = models.CharField(max_length=300)
    given_on = models.DateField()
    given_how = models.CharField(max_length=300)  # "Signed release form dated ...", as typed
    expires_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["collaborator", "revoked_at", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="authorization_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Authorization for {self.collaborator} to read {self.client}"

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def covers(self, scope: str) -> bool:
        return scope in self.scope

    def scope_labels(self) -> list[str]:
        return [label for value, label in Scope.choices if value in self.scope]


class BreakGlassDesignation(models.Model):
    """A member the practice admin has named for emergency access (ONC 170.315(d)(6))."""

    membership = models.OneToOneField(
        "accounts.Membership", models.CASCADE, related_name="break_glass"
    )
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Emergency access for {self.membership.user}"


class BreakGlassGrant(models.Model):
    """One emergency opening of a record: who, which client, why, and for how long."""

    practice = models.ForeignKey(
        "accounts.Practice", models.PROTECT, related_name="break_glass_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="break_glass_grants"
    )
    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)  # ended early, on request
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "client", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="break_glass_reviewed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} to {self.client}"

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and self.started_at <= now < self.expires_at

    def ended(self) -> datetime:
        """When the access stopped (or will stop): ended early, or else at expiry."""
        if self.ended_at is not None and self.ended_at < self.expires_at:
            return self.ended_at
        return self.expires_at
