"""The people and the session every clinical document names: client, clinician, time, place,
diagnoses and signatures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any

from threadline.rules import jsonfields as j
from threadline.rules.jsonfields import JsonObject

SCHEMA_VERSION = 1


class DocumentKind(StrEnum):
    PLAN = "plan"
    NOTE = "note"
    INTAKE = "intake"
    DISCHARGE = "discharge"


class Telehealth(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"  # audio-only, by telephone


class DiagnosisRank(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class DiagnosisStatus(StrEnum):
    CURRENT = "current"
    PAST = "past"


class SignerRole(StrEnum):
    CLINICIAN = "clinician"
    CLIENT = "client"
    # The clinician's statement, for telehealth, that the client reviewed and agreed to the plan.
    TELEHEALTH_ATTESTATION = "telehealth_attestation"
    SUPERVISOR = "supervisor"


class NoteFormat(StrEnum):
    SOAP = "soap"
    DAP = "dap"
    BIRP = "birp"
    GIRP = "girp"
    PIRP = "pirp"


# Places that mean the session was not face to face: the words clinicians write and CMS POS 02/10.
TELEHEALTH_PLACES = frozenset({"telehealth", "telehealth (home)", "virtual", "02", "10"})


@dataclass(frozen=True, slots=True)
class ClientFacts:
    name: str = ""
    date_of_birth: date | None = None
    record_number: str = ""
    payer_pack: str = ""  # the pack for this client's payer; "" means the practice default

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "client") -> ClientFacts:
        return cls(
            name=j.text(data, "name", path),
            date_of_birth=j.day(data, "date_of_birth", path),
            record_number=j.text(data, "record_number", path),
            payer_pack=j.text(data, "payer_pack", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "date_of_birth": j.iso(self.date_of_birth),
            "record_number": self.record_number,
            "payer_pack": self.payer_pack,
        }


@dataclass(frozen=True, slots=True)
class ClinicianFacts:
    name: str = ""
    credentials: str = ""  # "LCSW", "PhD", "PMHNP-BC"
    pre_licensed: bool = False  # an associate or intern whose documents a supervisor co-signs
    prescriber: bool = False

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "clinician") -> ClinicianFacts:
        return cls(
            name=j.text(data, "name", path),
            credentials=j.text(data, "credentials", path),
            pre_licensed=j.flag(data, "pre_licensed", path),
            prescriber=j.flag(data, "prescriber", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credentials": self.credentials,
            "pre_licensed": self.pre_licensed,
            "prescriber": self.prescriber,
        }


@dataclass(frozen=True, slots=True)
class SessionDetails:
    date_of_service: date | None = None
    start: time | None = None
    stop: time | None = None
    place_of_service: str = ""  # "office", "telehealth", "school", or a CMS POS code
    telehealth: Telehealth | None = None
    client_location: str = ""  # for telehealth: where the client was, e.g. "home"
    hipaa_platform_attested: bool = False

    @property
    def is_telehealth(self) -> bool:
        return self.telehealth is not None or self.place_of_service.lower() in TELEHEALTH_PLACES

    @property
    def minutes(self) -> int | None:
        """Minutes from start to stop; None when either is missing."""
        if self.start is None or self.stop is None:
            return None
        start = self.start.hour * 60 + self.start.minute
        return self.stop.hour * 60 + self.stop.minute - start

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "session") -> SessionDetails:
        return cls(
            date_of_service=j.day(data, "date_of_service", path),
            start=j.clock(data, "start", path),
            stop=j.clock(data, "stop", path),
            place_of_service=j.text(data, "place_of_service", path),
            telehealth=j.choice(data, "telehealth", path, Telehealth),
            client_location=j.text(data, "client_location", path),
            hipaa_platform_attested=j.flag(data, "hipaa_platform_attested", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "date_of_service": j.iso(self.date_of_service),
            "start": None if self.start is None else self.start.strftime("%H:%M"),
            "stop": None if self.stop is None else self.stop.strftime("%H:%M"),
            "place_of_service": self.place_of_service,
            "telehealth": None if self.telehealth is None else self.telehealth.value,
            "client_location": self.client_location,
            "hipaa_platform_attested": self.hipaa_platform_attested,
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str  # ICD-10-CM as written; the rules normalise it
    description: str = ""
    rank: DiagnosisRank = DiagnosisRank.SECONDARY
    status: DiagnosisStatus = DiagnosisStatus.CURRENT

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> Diagnosis:
        return cls(
            code=j.text(data, "code", path),
            description=j.text(data, "description", path),
            rank=j.choice(data, "rank", path, DiagnosisRank) or DiagnosisRank.SECONDARY,
            status=j.choice(data, "status", path, DiagnosisStatus) or DiagnosisStatus.CURRENT,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "rank": self.rank.value,
            "status": self.status.value,
        }


@dataclass(frozen=True, slots=True)
class SignatureFacts:
    role: SignerRole
    name: str = ""
    credentials: str = ""
    signed_on: date | None = None

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> SignatureFacts:
        role = j.choice(data, "role", path, SignerRole)
        if role is None:
            raise j.SchemaError(j.join(path, "role"), "a signature needs a role")
        return cls(
            role=role,
            name=j.text(data, "name", path),
            credentials=j.text(data, "credentials", path),
            signed_on=j.day(data, "signed_on", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role.value,
            "name": self.name,
            "credentials": self.credentials,
            "signed_on": j.iso(self.signed_on),
        }


def diagnoses_from(data: JsonObject, path: str) -> tuple[Diagnosis, ...]:
    return tuple(
        Diagnosis.from_dict(item, where) for item, where in j.objects(data, "diagnoses", path)
    )


def signature_from(data: JsonObject, key: str, path: str) -> SignatureFacts | None:
    value = j.optional_child(data, key, path)
    return None if value is None else SignatureFacts.from_dict(value, j.join(path, key))


def header(kind: DocumentKind) -> dict[str, Any]:
    return {"document": kind.value, "schema_version": SCHEMA_VERSION}


def client_from(data: JsonObject, path: str) -> ClientFacts:
    return ClientFacts.from_dict(j.child(data, "client", path), j.join(path, "client"))


def clinician_from(data: JsonObject, path: str) -> ClinicianFacts:
    return ClinicianFacts.from_dict(j.child(data, "clinician", path), j.join(path, "clinician"))


def session_from(data: JsonObject, path: str) -> SessionDetails:
    return SessionDetails.from_dict(j.child(data, "session", path), j.join(path, "session"))
