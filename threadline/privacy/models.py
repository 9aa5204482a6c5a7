"""A disclosure is protected information leaving the care team: to an insurance reviewer, a
collaborating clinician, or anyone an export was made for. HIPAA gives the client the right to an
accounting of them for six years, so each one is a row of its own, never only an audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from threadline.notes.models import Note, NoteAddendum
    from threadline.plans.models import PlanAddendum, PlanVersion


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


# --- The one extension (45 CFR 164.524(b)(2)(ii), 164.526(b)(2)(ii)) ---------------------------


class Extendable(models.Model):
    """A request the clinic may take 30 more days over, once, with a written reason.

    `due_at` is always the date the clinic must answer by, extended or not, so every list and
    every overdue flag reads one field; `original_due_at` keeps the date the rule first set.
    """

    due_at = models.DateTimeField()  # when the clinic must answer by, extension included
    original_due_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reason = models.TextField(blank=True)  # the written notice the client reads

    class Meta:
        abstract = True

    @staticmethod
    def extension_complete(name: str) -> models.CheckConstraint:
        """Not extended, or extended with all of when, by whom, why and a later due date."""
        return models.CheckConstraint(
            condition=models.Q(
                original_due_at__isnull=True,
                extended_at__isnull=True,
                extended_by__isnull=True,
                extension_reason="",
            )
            | models.Q(
                original_due_at__isnull=False,
                extended_at__isnull=False,
                extended_by__isnull=False,
                due_at__gt=models.F("original_due_at"),
            )
            & ~models.Q(extension_reason=""),
            name=name,
        )

    @property
    def is_open(self) -> bool:
        raise NotImplementedError  # each request model says which of its states is open

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def can_extend(self) -> bool:
        """Open, never extended, and still inside the period: the notice has to reach the
        client before the original date runs out."""
        return self.is_open and not self.is_extended and timezone.now() <= self.due_at


# --- The right of access (45 CFR 164.524) ---------------------------------------------------


class RecordRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RELEASED = "released", "Released"
    DENIED = "denied", "Denied"


class RecordRequest(Extendable):
    """A client's request for a copy of their designated record set, as a PDF and as FHIR.

    The released files are kept here byte for byte, so what the client downloads is exactly
    what was released and its SHA-256 can be checked against the one recorded at release.
    Psychotherapy notes are not part of the designated record set; the exports never read them.
    """

    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="record_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RecordRequestStatus.choices, default=RecordRequestStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    denial_reason = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    fhir = models.BinaryField(null=True, blank=True)
    fhir_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request at a time: a second click or a second tab adds nothing.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="requested"),
                name="one_open_record_request",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status="requested",
                    decided_at__isnull=True,
                    decided_by__isnull=True,
                    denial_reason="",
                    pdf_sha256="",
                    fhir_sha256="",
                )
                | models.Q(
                    status="released",
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                    denial_reason="",
                    pdf__isnull=False,
                    fhir__isnull=False,
                )
                & ~models.Q(pdf_sha256="")
                & ~models.Q(fhir_sha256="")
                | models.Q(
                    status="denied",
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                    pdf_sha256="",
                    fhir_sha256="",
                )
                & ~models.Q(denial_reason=""),
                name="record_request_decision_complete",
            ),
            Extendable.extension_complete("record_request_extension_complete"),
        ]

    def __str__(self) -> str:
        return f"Record copy for {self.client} ({self.requested_at:%Y-%m-%d}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == RecordRequestStatus.REQUESTED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at


# --- The right to amend (45 CFR 164.526) ----------------------------------------------------


class AmendmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DENIED = "denied", "Denied"


class AmendmentRequest(Extendable):
    """A client's request to correct one signed document: one plan version or one note.

    The document itself never changes. An accepted request becomes a signed addendum to that
    exact version; a denied one keeps the denial, the client's statement of disagreement and
    the clinician's rebuttal linked to it, to go with the document from then on.
    """

    client = models.ForeignKey("clients.Client", models.PROTECT, related_name="amendment_requests")
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment_requests",
    )
    note = models.ForeignKey(
        "notes.Note", models.PROTECT, null=True, blank=True, related_name="amendment_requests"
    )
    requested_change = models.TextField()
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    denial_reason = models.TextField(blank=True)
    plan_addendum = models.OneToOneField(
        "plans.PlanAddendum",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment_request",
    )
    note_addendum = models.OneToOneField(
        "notes.NoteAddendum",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment_request",
    )
    disagreement = models.TextField(blank=True)
    disagreement_at = models.DateTimeField(null=True, blank=True)
    rebuttal = models.TextField(blank=True)
    rebuttal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    rebuttal_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_version__isnull=False, note__isnull=True)
                | models.Q(plan_version__isnull=True, note__isnull=False),
                name="amendment_has_one_document",
            ),
            # The addendum is to the same kind of document the request names.
            models.CheckConstraint(
                condition=(models.Q(plan_addendum__isnull=True) | models.Q(note__isnull=True))
                & (models.Q(note_addendum__isnull=True) | models.Q(plan_version__isnull=True)),
                name="amendment_addendum_matches_document",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status="open",
                    decided_at__isnull=True,
                    decided_by__isnull=True,
                    denial_reason="",
                    plan_addendum__isnull=True,
                    note_addendum__isnull=True,
                )
                | models.Q(
                    status="accepted",
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                    denial_reason="",
                )
                & (models.Q(plan_addendum__isnull=False) | models.Q(note_addendum__isnull=False))
                | models.Q(
                    status="denied",
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                    plan_addendum__isnull=True,
                    note_addendum__isnull=True,
                )
                & ~models.Q(denial_reason=""),
                name="amendment_decision_complete",
            ),
            # A statement of disagreement answers a denial; a rebuttal answers the statement.
            models.CheckConstraint(
                condition=models.Q(disagreement="", disagreement_at__isnull=True)
                | models.Q(status="denied", disagreement_at__isnull=False)
                & ~models.Q(disagreement=""),
                name="amendment_disagreement_after_denial",
            ),
            models.CheckConstraint(
                condition=models.Q(rebuttal="", rebuttal_at__isnull=True, rebuttal_by__isnull=True)
                | models.Q(rebuttal_at__isnull=False, rebuttal_by__isnull=False)
                & ~models.Q(rebuttal="")
                & ~models.Q(disagreement=""),
                name="amendment_rebuttal_after_disagreement",
            ),
            Extendable.extension_complete("amendment_extension_complete"),
        ]

    def __str__(self) -> str:
        return f"Amendment request of {self.client} ({self.requested_at:%Y-%m-%d}, {self.status})"

    @property
    def document(self) -> PlanVersion | Note:
        document = self.plan_version or self.note
        assert document is not None  # the check constraint holds one of the two
        return document

    @property
    def addendum(self) -> PlanAddendum | NoteAddendum | None:
        return self.plan_addendum or self.note_addendum

    @property
    def is_open(self) -> bool:
        return self.status == AmendmentStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at
