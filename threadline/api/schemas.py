"""What the API sends and receives. Translation only: no rule is decided here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from ninja import Field, Schema

Item = TypeVar("Item")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Far past any real list, and small enough for every database's OFFSET.
MAX_OFFSET = 1_000_000


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")


class Page(Schema, Generic[Item]):
    count: int = Field(description="items in the whole list, across pages")
    next: str | None = Field(description="URL of the next page, or null on the last")
    previous: str | None = Field(description="URL of the previous page, or null on the first")
    items: list[Item]


class ClientOut(Schema):
    id: int
    record_number: str
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    status: str
    primary_clinician: str
    payer: str | None
    member_id: str
    plan_type: str
    rule_pack: str


class ClientDetailOut(ClientOut):
    email: str
    phone: str
    address: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    care_team: list[str]


class SignatureOut(Schema):
    meaning: str
    printed_name: str
    credentials: str
    signed_at: datetime
    content_sha256: str


class AddendumOut(Schema):
    number: int
    text: str
    author: str
    created_at: datetime
    parent_sha256: str
    signatures: list[SignatureOut]


class PlanVersionOut(Schema):
    id: int
    plan_id: int
    number: int
    status: str
    author: str
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    effective_date: str | None
    revision_reason: str
    signed_by: list[str] = Field(description='each signature as "meaning: printed name"')


class PlanVersionDetailOut(PlanVersionOut):
    content: dict[str, Any]
    revision_note: str
    based_on: int | None = Field(description="the id of the version this one revised")
    signatures: list[SignatureOut]
    addenda: list[AddendumOut]


class NoteOut(Schema):
    id: int
    kind: str
    format: str | None
    status: str
    date_of_service: str | None
    session_id: int | None
    plan_version_id: int | None
    billed_codes: list[str]
    author: str
    created_at: datetime
    signed_at: datetime | None


class NoteDetailOut(NoteOut):
    content: dict[str, Any]
    signatures: list[SignatureOut]
    addenda: list[AddendumOut]


class SessionOut(Schema):
    id: int
    clinician: str
    scheduled_start: datetime
    duration_minutes: int
    service: str
    place: str
    telehealth: str
    status: str
    note_id: int | None


class MeasureOut(Schema):
    id: int
    instrument: str
    instrument_name: str
    channel: str
    state: str
    answered_on: date | None
    score: int | None
    band: str
    safety_alert: bool
    session_id: int | None


class FindingOut(Schema):
    code: str
    category: str
    severity: str
    message: str
    field: str
    rule_source: str


class FindingsOut(Schema):
    document: str
    pack: str
    today: date
    blocks_signing: bool
    summary: dict[str, int] = Field(description="counts by severity: error, warning, info")
    findings: list[FindingOut]


class BillingLineOut(Schema):
    code: str
    units: int
    modifiers: list[str]
    add_on: bool


class BillingOut(Schema):
    primary: str | None = Field(description="the main code, or null when no code fits")
    lines: list[BillingLineOut]
    place_of_service: str | None
    refusal: str | None = Field(description="why no code fits, when none does")
    reasons: list[str]
