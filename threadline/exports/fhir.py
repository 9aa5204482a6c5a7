"""A client's record as a FHIR R4 `collection` Bundle, and our own checks on such a bundle.

Built with the R4B models of `fhir.resources` (standards.md §1.1: R4B has R4's structure for
every resource used here, so R4 servers accept the JSON). The mapping follows standards.md §1:

- Patient, the practice as Organization, and a Practitioner for every clinician named;
- a Condition (ICD-10-CM, `problem-list-item`) per current diagnosis of the plan in force;
- a CarePlan (US Core profile, category `assess-plan`) per signed plan version, with a Goal per
  problem goal and per objective;
- an Encounter per attended session, a DocumentReference per signed note (its signed canonical
  JSON attached), a QuestionnaireResponse and an Observation per complete questionnaire;
- a DocumentReference per signed addendum: a note's `relatesTo` its note ("appends"); a plan
  version's names its CarePlan in `context.related`, since `relatesTo` may only target a
  DocumentReference and a plan version is a CarePlan;
- a Provenance per signature and a Consent per client agreement to a plan version;
- a DocumentReference per denied amendment request (45 CFR 164.526(d)(4)): the request, the
  denial, the client's statement of disagreement and any rebuttal as one text attachment, linked
  to the disputed document the way an addendum is. It is not a signed document (no Provenance).

References: every entry's `fullUrl` is a `urn:uuid:` (a UUID5 of the practice and the resource's
type and id), and every reference is that `urn:uuid:`, never a relative `Type/id`: a collection
bundle has no server base a relative reference could resolve against (FHIR R4 §Bundle, resolving
references). Resource ids are deterministic (`plan-<version pk>`) and unique within the practice (a
Condition's names its client), so exporting twice gives the same ids and the same fullUrls, and
the bundles of one practice's clients can be merged without two resources sharing an id.

`fhir.resources` checks structure only, not terminology bindings nor FHIRPath invariants
(standards.md §1.10), so `check_bundle` checks those we rely on.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from threadline.accounts.models import ClinicianProfile, Practice
from threadline.appointments.models import SERVICE_LABELS, Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client, ClientStatus
from threadline.icd import load_default
from threadline.measures.models import Administration, State
from threadline.measures.progress import key_of
from threadline.notes.checks import plan_reference
from threadline.notes.models import Kind, Note, NoteAddendum
from threadline.notes.models import Status as NoteStatus
from threadline.plans.models import PlanAddendum, PlanVersion, VersionStatus
from threadline.plans.services import signed_version_in_force
from threadline.privacy.models import AmendmentRequest, AmendmentStatus
from threadline.privacy.services import describe, shown_day
from threadline.rules.billing import Service
from threadline.rules.measures import INSTRUMENTS
from threadline.signatures import hashing
from threadline.signatures.models import Meaning, Signature
from threadline.signatures.services import signatures_of

Json = dict[str, Any]

# --- Code systems: the exact URIs of standards.md §1.2 ----------------------------------------

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"  # §1.2 says verify
UCUM = "http://unitsofmeasure.org"
NPI = "http://hl7.org/fhir/sid/us-npi"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ASTM_SIGNATURE = "urn:iso-astm:E1762-95:2013"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
# Two systems §1.2 does not list, both from the specifications themselves: US Core's
# DocumentReference category (`clinical-note`, §1.7) and HL7 v2 table 0203 (identifier type MR).
DOCUMENT_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
# Our own code system, for what no sourced code names. standards.md gives no LOINC document type
# for an amendment request and its denial, so rather than borrow a code that means something
# else, such a DocumentReference is typed with a code of ours (and a text), the way our own
# identifiers use `urn:threadline:` systems. A receiver that does not know it still reads the text.
THREADLINE_DOCUMENT_TYPE = "urn:threadline:document-type"
DENIED_AMENDMENT = ("denied-amendment-request", "Denied amendment request")

KNOWN_SYSTEMS = frozenset(
    {
        ICD10CM,
        SNOMED,
        LOINC,
        CPT,
        HCPCS,
        UCUM,
        CONDITION_CATEGORY,
        CONDITION_CLINICAL,
        CONDITION_VERIFICATION,
        OBSERVATION_CATEGORY,
        CAREPLAN_CATEGORY,
        GOAL_ACHIEVEMENT,
        ACT_CODE,
        ASTM_SIGNATURE,
        PROVENANCE_AGENT,
        CONSENT_SCOPE,
        DOCUMENT_CATEGORY,
        IDENTIFIER_TYPE,
        THREADLINE_DOCUMENT_TYPE,
    }
)

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
CAREPLAN_PROFILE = US_CORE + "us-core-careplan"
GOAL_PROFILE = US_CORE + "us-core-goal"
CONDITION_PROFILE = US_CORE + "us-core-condition-problems-health-concerns"
OBSERVATION_PROFILE = US_CORE + "us-core-observation-screening-assessment"
DOCUMENT_PROFILE = US_CORE + "us-core-documentreference"

# Note kind -> LOINC document type. 11506-3 is §1.7's progress note; the intake and the discharge
# summary take US Core's clinical-note types (History and physical note, Discharge summary). The
# HL7 BH IG's mental-health codes (78306-8, 78263-1, 34904-3) are flagged "verify" in §1.7.
NOTE_TYPES: dict[str, tuple[str, str]] = {
    Kind.INTAKE: ("34117-2", "History and physical note"),
    Kind.PROGRESS: ("11506-3", "Progress note"),
    Kind.DISCHARGE: ("18842-5", "Discharge summary"),
}
# LOINC "Addendum Document": the type of every addendum, whatever it adds to.
ADDENDUM_TYPE = ("55107-7", "Addendum Document")
PATIENT_CONSENT = "59284-0"  # §1.8: Consent.category, LOINC "Patient consent" (display: verify)

# HIPAA "psychotherapy notes" (45 CFR 164.501: a clinician's separate process notes) are kept out
# of every export (standards.md §5.7). Threadline keeps none yet; should it ever, they must never
# reach a bundle, so a DocumentReference typed or titled as one is refused by `check_bundle`.
RESERVED_NOTE_CODES = frozenset({"psychotherapy-note", "process-note"})
RESERVED_NOTE_WORDS = re.compile(r"psychotherapy\s+notes?|process\s+notes?", re.IGNORECASE)

# ASTM E1762-95 signature types (§1.2, §1.8).
AUTHOR_SIGNATURE = ("1.2.840.10065.1.12.1.1", "Author's Signature")
VERIFICATION_SIGNATURE = ("1.2.840.10065.1.12.1.5", "Verification Signature")
CONSENT_SIGNATURE = ("1.2.840.10065.1.12.1.7", "Consent Signature")
WITNESS_SIGNATURE = ("1.2.840.10065.1.12.1.8", "Signature Witness")

# Meaning -> (Provenance agent type, ASTM signature type). The client's own agreement is a consent
# signature; the clinician's telehealth attestation witnesses a verbal agreement.
SIGNATURE_ROLES: dict[str, tuple[str, tuple[str, str]]] = {
    Meaning.AUTHOR: ("author", AUTHOR_SIGNATURE),
    Meaning.SUPERVISOR: ("verifier", VERIFICATION_SIGNATURE),
    Meaning.CLIENT_AGREEMENT: ("attester", CONSENT_SIGNATURE),
    Meaning.TELEHEALTH_ATTESTATION: ("attester", WITNESS_SIGNATURE),
}
AGREEMENTS = (Meaning.CLIENT_AGREEMENT, Meaning.TELEHEALTH_ATTESTATION)

# Required bindings fhir.resources does not enforce (§1.10), for the elements we fill.
REQUEST_STATUS = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
GOAL_STATUS = frozenset(
    {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    }
)
ENCOUNTER_STATUS = frozenset(
    {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
OBSERVATION_STATUS = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "unknown"}
)
CONSENT_STATUS = frozenset(
    {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
)
ACTIVITY_STATUS = frozenset(
    {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    }
)
ENCOUNTER_CLASSES = frozenset({"AMB", "VR"})
SIGNED_TYPES = ("CarePlan", "DocumentReference")

UUID_URL = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ICD_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
CPT_SHAPE = re.compile(r"^[0-9]{4}[0-9FTU]$")
HCPCS_SHAPE = re.compile(r"^[A-V][0-9]{4}$")
LOINC_SHAPE = re.compile(r"^(LA|LP|LG)?[0-9]{1,7}-[0-9]$")  # LA: answer codes
# Where a Coding sits in the resources built here (CodeableConcept.coding, answers, class, types).
CODING_PATH = re.compile(
    r"(\.coding\[\d+\]|\.valueCoding|\.class|\.signature\[\d+\]\.type\[\d+\])$"
)

XHTML = "http://www.w3.org/1999/xhtml"


def record_number_system(practice: Practice | int) -> str:
    """The identifier system of a practice's record numbers."""
    pk = practice if isinstance(practice, int) else practice.pk
    return f"urn:threadline:practice:{pk}:record-number"


def _system(practice: Practice, what: str) -> str:
    return f"urn:threadline:practice:{practice.pk}:{what}"


def _coding(system: str, code: str, display: str | None = None) -> Json:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    concept: Json = {"coding": [_coding(system, code, display)]}
    if text:
        concept["text"] = text
    return concept


def _score(value: int) -> Json:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _narrative(*paragraphs: str, items: list[str] | None = None) -> Json:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    if items:
        body += "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _day(value: Any) -> str | None:
    """An ISO date from content, or None when it is missing or not a date."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _clock(day: str | None, value: Any) -> datetime | None:
    if day is None or not isinstance(value, str):
        return None
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(value))
    except ValueError:
        return None
    return timezone.make_aware(moment)


def _billed(line: str) -> tuple[str, list[str]]:
    """ "+90785" -> ("90785", []); "90834-95" -> ("90834", ["95"])."""
    code, *modifiers = line.strip().lstrip("+").split("-")
    return code.strip().upper(), [m.strip() for m in modifiers if m.strip()]


def _procedure_system(code: str) -> str:
    # Level II HCPCS codes start with a letter (G0017, H0004); CPT codes with a digit.
    return HCPCS if HCPCS_SHAPE.match(code) else CPT


def _instrument_total_names() -> dict[str, str]:
    return {form.loinc_total: form.name for form in INSTRUMENTS.values()}


class _Export:
    """One bundle being built: its entries, and who they name."""

    def __init__(self, client: Client, now: datetime) -> None:
        self.client = client
        self.practice: Practice = client.practice
        self.now = now
        self.namespace = uuid.uuid5(
            uuid.NAMESPACE_URL, f"urn:threadline:practice:{client.practice_id}"
        )
        self.body: list[Json] = []
        self.practitioners: dict[int, Any] = {}
        self.conditions: dict[str, str] = {}  # ICD-10-CM code -> Condition id
        self.careplans: dict[int, str] = {}  # plan version pk -> CarePlan id
        self.encounters: dict[int, str] = {}  # appointment pk -> Encounter id
        self.documents: dict[int, str] = {}  # note pk -> DocumentReference id
        self.addenda: list[tuple[PlanAddendum | NoteAddendum, str]] = []  # and their ids

    # --- references ---------------------------------------------------------------------------

    def url(self, resource_type: str, resource_id: str) -> str:
        return f"urn:uuid:{uuid.uuid5(self.namespace, f'{resource_type}/{resource_id}')}"

    def ref(self, resource_type: str, resource_id: str, display: str | None = None) -> Json:
        reference: Json = {"reference": self.url(resource_type, resource_id)}
        if display:
            reference["display"] = display
        return reference

    def patient(self) -> Json:
        return self.ref("Patient", f"client-{self.client.pk}", self.client.legal_name)

    def organization(self) -> Json:
        return self.ref("Organization", f"practice-{self.practice.pk}", self.practice.name)

    def practitioner(self, user: Any) -> Json:
        self.practitioners.setdefault(user.pk, user)
        return self.ref("Practitioner", f"practitioner-{user.pk}", user.full_name)

    def add(self, resource: Json) -> None:
        self.body.append(resource)

    # --- the whole bundle ---------------------------------------------------------------------

    def build(self) -> Bundle:
        versions = list(
            PlanVersion.objects.filter(plan__client=self.client, status=VersionStatus.SIGNED)
            .select_related("plan", "author")
            .order_by("plan__created_at", "plan_id", "number")
        )
        notes = list(
            Note.objects.filter(client=self.client, status=NoteStatus.SIGNED)
            .select_related("appointment", "author", "plan_version")
            .order_by("signed_at", "id")
        )
        self.add_conditions(versions, notes)
        for version in versions:
            self.add_careplan(version, versions)
        self.add_encounters(notes)
        for note in notes:
            self.add_document(note)
        self.add_addenda(versions, notes)
        self.add_denied_amendments()
        self.add_questionnaires()
        self.add_signatures(versions, notes)
        self.practitioner(self.client.primary_clinician)
        head = [self.organization_resource(), self.patient_resource()]
        head += [self.practitioner_resource(user) for _, user in sorted(self.practitioners.items())]
        entries = [
            {"fullUrl": self.url(r["resourceType"], r["id"]), "resource": r}
            for r in [*head, *self.body]
        ]
        return Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "id": f"client-{self.client.pk}-export",
                "identifier": {
                    "system": _system(self.practice, "export"),
                    "value": f"client-{self.client.pk}-{self.now:%Y%m%dT%H%M%S}",
                },
                "type": "collection",
                "timestamp": _instant(self.now),
                "entry": entries,
            }
        )

    # --- who ----------------------------------------------------------------------------------

    def organization_resource(self) -> Json:
        practice = self.practice
        resource: Json = {
            "resourceType": "Organization",
            "id": f"practice-{practice.pk}",
            "identifier": [{"system": "urn:threadline:practice", "value": str(practice.pk)}],
            "active": True,
            "name": practice.name,
        }
        if practice.phone:
            resource["telecom"] = [{"system": "phone", "value": practice.phone, "use": "work"}]
        if practice.address:
            resource["address"] = [{"text": practice.address}]
        return resource

    def patient_resource(self) -> Json:
        client = self.client
        names: list[Json] = [
            {
                "use": "official",
                "family": client.legal_last_name,
                "given": [client.legal_first_name],
                "text": client.legal_name,
            }
        ]
        if client.preferred_name:
            names.append({"use": "usual", "given": [client.preferred_name]})
        telecom = []
        if client.phone:
            telecom.append({"system": "phone", "value": client.phone})
        if client.email:
            telecom.append({"system": "email", "value": client.email})
        resource: Json = {
            "resourceType": "Patient",
            "id": f"client-{client.pk}",
            "identifier": [
                {
                    "use": "usual",
                    "type": _concept(IDENTIFIER_TYPE, "MR", "Medical record number"),
                    "system": record_number_system(client.practice_id),
                    "value": client.record_number,
                }
            ],
            "active": client.status == ClientStatus.ACTIVE,
            "name": names,
            "birthDate": client.date_of_birth.isoformat(),
            "managingOrganization": self.organization(),
            "generalPractitioner": [self.practitioner(client.primary_clinician)],
        }
        if telecom:
            resource["telecom"] = telecom
        if client.address:
            resource["address"] = [{"text": client.address}]
        return resource

    def practitioner_resource(self, user: Any) -> Json:
        profile = ClinicianProfile.objects.filter(user=user).first()
        resource: Json = {
            "resourceType": "Practitioner",
            "id": f"practitioner-{user.pk}",
            "active": bool(user.is_active),
            "name": [{"text": user.full_name}],
        }
        if profile is not None:
            if profile.npi:
                resource["identifier"] = [{"system": NPI, "value": profile.npi}]
            qualification: Json = {"code": {"text": profile.credentials}}
            if profile.license_number:
                # The licence number as recorded; its state (no system URI for state licences).
                licence: Json = {"value": profile.license_number}
                if profile.license_state:
                    licence["assigner"] = {"display": profile.license_state}
                qualification["identifier"] = [licence]
            resource["qualification"] = [qualification]
        return resource

    # --- diagnoses ----------------------------------------------------------------------------

    def add_conditions(self, versions: list[PlanVersion], notes: list[Note]) -> None:
        """The current diagnoses of the plan in force, else of the newest signed intake."""
        source: tuple[list[Any], datetime | None, Any] | None = None
        in_force = signed_version_in_force(self.client)
        if in_force is not None:
            source = (in_force.content.get("diagnoses") or [], in_force.signed_at, in_force.author)
        else:
            intakes = [n for n in notes if n.kind == Kind.INTAKE]
            if intakes:
                last = intakes[-1]
                source = (last.content.get("diagnoses") or [], last.signed_at, last.author)
        if source is None:
            return
        diagnoses, recorded, asserter = source
        for diagnosis in diagnoses:
            if not isinstance(diagnosis, dict) or diagnosis.get("status", "current") != "current":
                continue
            code = str(diagnosis.get("code") or "").strip()
            if not code or code in self.conditions:
                continue
            condition_id = f"condition-{self.client.pk}-{code}"
            self.conditions[code] = condition_id
            coding = _coding(ICD10CM, code, diagnosis.get("description") or None)
            if diagnosis.get("release"):
                coding["version"] = str(diagnosis["release"])
            resource: Json = {
                "resourceType": "Condition",
                "id": condition_id,
                "meta": {"profile": [CONDITION_PROFILE]},
                "clinicalStatus": _concept(CONDITION_CLINICAL, "active"),
                "verificationStatus": _concept(CONDITION_VERIFICATION, "confirmed"),
                "category": [
                    _concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")
                ],
                "code": {"coding": [coding], "text": diagnosis.get("description") or code},
                "subject": self.patient(),
                "asserter": self.practitioner(asserter),
            }
            if recorded is not None:
                resource["recordedDate"] = _instant(recorded)
            self.add(resource)

    def _diagnosis_refs(self, diagnoses: Any) -> list[tuple[str, int]]:
        """The exported Conditions among `diagnoses`, primary first, with their rank."""
        found = [
            d
            for d in diagnoses or []
            if isinstance(d, dict) and str(d.get("code") or "").strip() in self.conditions
        ]
        found.sort(key=lambda d: 0 if d.get("rank") == "primary" else 1)
        return [
            (self.conditions[str(d["code"]).strip()], rank) for rank, d in enumerate(found, start=1)
        ]

    # --- plans --------------------------------------------------------------------------------

    def add_careplan(self, version: PlanVersion, versions: list[PlanVersion]) -> None:
        content = version.content
        careplan_id = f"plan-{version.pk}"
        self.careplans[version.pk] = careplan_id
        in_force = signed_version_in_force(self.client)
        same_plan = [v for v in versions if v.plan_id == version.plan_id]
        later = [v for v in same_plan if v.number > version.number]
        earlier = [v for v in same_plan if v.number < version.number]
        if in_force is not None and in_force.pk == version.pk:
            discharged = self.client.status == ClientStatus.DISCHARGED
            status = "completed" if discharged else "active"
        else:
            # A version replaced by a newer one was revoked; the last of an older plan completed.
            status = "revoked" if later else "completed"
        activity_status = {"active": "in-progress", "revoked": "stopped"}.get(status, "completed")
        reference = plan_reference(version)
        period: Json = {}
        if _day(reference["effective_date"]):
            period["start"] = _day(reference["effective_date"])
        if _day(reference["end_date"]):
            period["end"] = _day(reference["end_date"])

        goals: list[Json] = []
        activities: list[Json] = []
        lines: list[str] = []
        for p, problem in enumerate(content.get("problems") or [], start=1):
            if not isinstance(problem, dict):
                continue
            problem_goals = self.add_goals(version, p, problem, period.get("start"))
            goals += problem_goals
            goal_text = (problem.get("goal") or {}).get("statement", "")
            lines.append(f"Problem {p}: {problem.get('statement', '')} Goal: {goal_text}")
            for intervention in problem.get("interventions") or []:
                if not isinstance(intervention, dict):
                    continue
                described = ": ".join(
                    filter(None, (intervention.get("modality"), intervention.get("description")))
                )
                if not described:
                    continue
                detail: Json = {
                    "kind": "ServiceRequest",
                    "status": activity_status,
                    "description": described,
                    "goal": problem_goals,
                    "performer": [
                        self.patient()
                        if intervention.get("who") == "client"
                        else self.practitioner(version.author)
                    ],
                }
                if intervention.get("frequency"):
                    detail["scheduledString"] = str(intervention["frequency"])
                activities.append({"detail": detail})

        recommendation = content.get("recommendation") or {}
        minutes = recommendation.get("session_minutes")
        description = "; ".join(
            str(part)
            for part in (
                recommendation.get("modality"),
                recommendation.get("service_type"),
                f"{minutes}-minute sessions" if minutes else None,
                recommendation.get("frequency"),
                f"for {recommendation['duration']}" if recommendation.get("duration") else None,
            )
            if part
        )
        diagnoses = [
            f"{d.get('code', '')} {d.get('description', '')}".strip()
            for d in content.get("diagnoses") or []
            if isinstance(d, dict)
        ]
        resource: Json = {
            "resourceType": "CarePlan",
            "id": careplan_id,
            "meta": {"versionId": str(version.number), "profile": [CAREPLAN_PROFILE]},
            "text": _narrative(
                f"Treatment plan, version {version.number} ({status}).",
                f"Diagnoses: {'; '.join(diagnoses)}." if diagnoses else "",
                f"Services: {description}." if description else "",
                items=lines,
            ),
            "identifier": [
                {"system": _system(self.practice, "plan"), "value": str(version.plan_id)},
                {
                    "system": _system(self.practice, "plan-version"),
                    "value": f"{version.plan_id}/{version.number}",
                },
            ],
            "status": status,
            "intent": "plan",
            "category": [
                _concept(CAREPLAN_CATEGORY, "assess-plan", "Assessment and Plan of Treatment")
            ],
            "title": f"Treatment plan v{version.number}",
            "subject": self.patient(),
            "created": _instant(version.created_at),
            "author": self.practitioner(version.author),
            "contributor": [self.practitioner(version.author)],
            "goal": goals,
        }
        if description:
            resource["description"] = description
        if period:
            resource["period"] = period
        if earlier:
            resource["replaces"] = [self.ref("CarePlan", f"plan-{earlier[-1].pk}")]
        addressed = self._diagnosis_refs(content.get("diagnoses"))
        if addressed:
            resource["addresses"] = [self.ref("Condition", cid) for cid, _ in addressed]
        if activities:
            resource["activity"] = activities
        if any(s.meaning in AGREEMENTS for s in signatures_of(version)):
            resource["contributor"].append(self.patient())
        if not resource["goal"]:
            del resource["goal"]
        self.add(resource)

    def add_goals(
        self, version: PlanVersion, number: int, problem: Json, start: str | None
    ) -> list[Json]:
        """A Goal for the problem's goal and one per objective; their references, in order."""
        refs = []
        goal = problem.get("goal") or {}
        objectives = [o for o in problem.get("objectives") or [] if isinstance(o, dict)]
        problem_key = str(problem.get("id") or f"p{number}")
        if goal.get("statement"):
            statuses = {o.get("status", "active") for o in objectives}
            lifecycle = "completed" if statuses == {"met"} else "active"
            goal_id = f"goal-{version.pk}-{problem_key}"
            resource = self._goal(
                goal_id,
                description=goal["statement"],
                lifecycle=lifecycle,
                identifier=(_system(self.practice, "problem"), problem_key),
                start=start,
                due=_day(goal.get("target_date")),
                notes=[
                    f"Problem {number}: {problem.get('statement', '')}".strip(),
                    f"Target: within {goal['target_sessions']} sessions."
                    if goal.get("target_sessions")
                    else "",
                ],
            )
            self.add(resource)
            refs.append(self.ref("Goal", goal_id))
        for o, objective in enumerate(objectives, start=1):
            objective_key = str(objective.get("id") or f"o{number}.{o}")
            goal_id = f"goal-{version.pk}-{objective_key}"
            status = objective.get("status", "active")
            lifecycle = {"met": "completed", "discontinued": "cancelled"}.get(status, "active")
            measure = (
                objective.get("measure") if isinstance(objective.get("measure"), dict) else None
            )
            notes = [f"Objective {number}.{o} of problem {number}: {problem.get('statement', '')}"]
            target: Json = {}
            key = key_of(str(measure.get("instrument") or "")) if measure else None
            if measure and key:
                form = INSTRUMENTS[key]
                target["measure"] = _concept(
                    LOINC, form.loinc_total, text=f"{form.name} total score"
                )
                if isinstance(measure.get("target"), int):
                    # Met at or below the target (threadline.rules.measures.target).
                    target["detailRange"] = {"high": _score(measure["target"])}
                if isinstance(measure.get("baseline"), int):
                    notes.append(f"Baseline {form.name} {measure['baseline']}.")
            due = _day(objective.get("target_date"))
            if due:
                target["dueDate"] = due
            resource = self._goal(
                goal_id,
                description=objective.get("statement", "") or f"Objective {number}.{o}",
                lifecycle=lifecycle,
                identifier=(_system(self.practice, "objective"), objective_key),
                start=start,
                due=None,
                notes=notes,
            )
            if target:
                resource["target"] = [target]
            if status == "met":
                resource["achievementStatus"] = _concept(GOAL_ACHIEVEMENT, "achieved", "Achieved")
            self.add(resource)
            refs.append(self.ref("Goal", goal_id))
        return refs

    def _goal(
        self,
        goal_id: str,
        *,
        description: str,
        lifecycle: str,
        identifier: tuple[str, str],
        start: str | None,
        due: str | None,
        notes: list[str],
    ) -> Json:
        resource: Json = {
            "resourceType": "Goal",
            "id": goal_id,
            "meta": {"profile": [GOAL_PROFILE]},
            "identifier": [{"system": identifier[0], "value": identifier[1]}],
            "lifecycleStatus": lifecycle,
            "description": {"text": description},
            "subject": self.patient(),
        }
        if start:
            resource["startDate"] = start
        if due:
            resource["target"] = [{"dueDate": due}]
        written = [{"text": n} for n in notes if n]
        if written:
            resource["note"] = written
        return resource

    # --- sessions and notes -------------------------------------------------------------------

    def add_encounters(self, notes: list[Note]) -> None:
        by_session = {n.appointment_id: n for n in notes if n.appointment_id is not None}
        sessions = Appointment.objects.filter(
            client=self.client, status=SessionStatus.ATTENDED
        ).select_related("clinician")
        for session in sessions.order_by("scheduled_start", "id"):
            self.add(self._encounter(session, by_session.get(session.pk)))

    def _encounter(self, session: Appointment, note: Note | None) -> Json:
        encounter_id = f"session-{session.pk}"
        self.encounters[session.pk] = encounter_id
        content = note.content if note is not None else {}
        details = content.get("session") or {}
        telehealth = session.telehealth or details.get("telehealth")
        label = SERVICE_LABELS.get(Service(session.service), session.service)
        types = []
        for line in content.get("billed_codes") or []:
            code, _ = _billed(str(line))
            if code:
                types.append(_concept(_procedure_system(code), code, text=str(line).strip()))
        if not types:
            types = [{"text": label}]
        day = (
            _day(details.get("date_of_service"))
            or timezone.localdate(session.scheduled_start).isoformat()
        )
        start, stop = _clock(day, details.get("start")), _clock(day, details.get("stop"))
        resource: Json = {
            "resourceType": "Encounter",
            "id": encounter_id,
            "identifier": [{"system": _system(self.practice, "session"), "value": str(session.pk)}],
            "status": "finished",
            "class": _coding(ACT_CODE, "VR", "virtual")
            if telehealth
            else _coding(ACT_CODE, "AMB", "ambulatory"),
            "type": types,
            "serviceType": {"text": label},
            "subject": self.patient(),
            "participant": [{"individual": self.practitioner(session.clinician)}],
            "serviceProvider": self.organization(),
        }
        if start is not None and stop is not None and stop > start:
            resource["period"] = {"start": _instant(start), "end": _instant(stop)}
            minutes = int((stop - start).total_seconds() // 60)
            resource["length"] = {"value": minutes, "unit": "min", "system": UCUM, "code": "min"}
        else:
            # Without the clock times the session ran, say only the day: never the booking.
            resource["period"] = {"start": day, "end": day}
        if note is not None:
            if note.kind == Kind.INTAKE:
                diagnoses = content.get("diagnoses")
            else:
                diagnoses = (note.plan_version.content if note.plan_version else {}).get(
                    "diagnoses"
                )
            ranked = self._diagnosis_refs(diagnoses)
            if ranked:
                resource["diagnosis"] = [
                    {"condition": self.ref("Condition", cid), "rank": rank} for cid, rank in ranked
                ]
        return resource

    def add_document(self, note: Note) -> None:
        document_id = f"note-{note.pk}"
        self.documents[note.pk] = document_id
        code, display = NOTE_TYPES[note.kind]
        signed = hashing.canonical_json(note.signable())
        resource: Json = {
            "resourceType": "DocumentReference",
            "id": document_id,
            "meta": {"profile": [DOCUMENT_PROFILE]},
            "masterIdentifier": {
                "system": "urn:threadline:content-sha256",
                "value": hashlib.sha256(signed).hexdigest(),
            },
            "identifier": [{"system": _system(self.practice, "note"), "value": str(note.pk)}],
            "status": "current",
            "docStatus": "final",
            "type": _concept(LOINC, code, display, text=note.get_kind_display()),
            "category": [_concept(DOCUMENT_CATEGORY, "clinical-note", "Clinical Note")],
            "subject": self.patient(),
            "author": [self.practitioner(note.author)],
            "authenticator": self.practitioner(note.author),
            "custodian": self.organization(),
            "description": f"{note.get_kind_display()}, signed",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/json",
                        "data": base64.b64encode(signed).decode("ascii"),
                        # FHIR R4 Attachment.hash is the base64 of the SHA-1 of the data; the
                        # SHA-256 every signature binds to is the masterIdentifier above.
                        "hash": base64.b64encode(hashlib.sha1(signed).digest()).decode("ascii"),  # noqa: S324
                        "size": len(signed),
                        "title": f"{note.get_kind_display()} (signed canonical JSON)",
                    }
                }
            ],
        }
        if note.signed_at is not None:
            resource["date"] = _instant(note.signed_at)
            resource["content"][0]["attachment"]["creation"] = _instant(note.signed_at)
        context: Json = {}
        if note.appointment_id is not None and note.appointment_id in self.encounters:
            context["encounter"] = [self.ref("Encounter", self.encounters[note.appointment_id])]
        if note.kind == Kind.DISCHARGE:
            first = _day(note.content.get("first_session"))
            last = _day(note.content.get("last_session"))
            if first or last:
                context["period"] = {k: v for k, v in (("start", first), ("end", last)) if v}
        if note.plan_version_id in self.careplans:
            context["related"] = [self.ref("CarePlan", self.careplans[note.plan_version_id])]
        if context:
            resource["context"] = context
        self.add(resource)

    # --- addenda -----------------------------------------------------------------------------

    def add_addenda(self, versions: list[PlanVersion], notes: list[Note]) -> None:
        by_version = {v.pk: v for v in versions}
        plan_addenda = PlanAddendum.objects.filter(version__in=versions).select_related("author")
        for addendum in plan_addenda.order_by("version_id", "number"):
            parent = f"treatment plan version {by_version[addendum.version_id].number}"
            document = self._addendum(addendum, f"plan-addendum-{addendum.pk}", parent)
            document["context"] = {
                "related": [self.ref("CarePlan", self.careplans[addendum.version_id])]
            }
            self.add(document)
        by_note = {n.pk: n for n in notes}
        note_addenda = NoteAddendum.objects.filter(note__in=notes).select_related("author")
        for note_addendum in note_addenda.order_by("note_id", "number"):
            note = by_note[note_addendum.note_id]
            parent = note.get_kind_display().lower()
            document = self._addendum(note_addendum, f"note-addendum-{note_addendum.pk}", parent)
            target = self.ref("DocumentReference", self.documents[note.pk])
            document["relatesTo"] = [{"code": "appends", "target": target}]
            if note.appointment_id is not None and note.appointment_id in self.encounters:
                encounter = self.ref("Encounter", self.encounters[note.appointment_id])
                document["context"] = {"encounter": [encounter]}
            self.add(document)

    def _addendum(
        self, addendum: PlanAddendum | NoteAddendum, document_id: str, parent: str
    ) -> Json:
        """The addendum's own signed document; the one it adds to stays as it was signed."""
        self.addenda.append((addendum, document_id))
        signed = hashing.canonical_json(addendum.signable())
        kind = "plan-addendum" if isinstance(addendum, PlanAddendum) else "note-addendum"
        code, display = ADDENDUM_TYPE
        title = f"Addendum {addendum.number} to the {parent}"
        return {
            "resourceType": "DocumentReference",
            "id": document_id,
            "meta": {"profile": [DOCUMENT_PROFILE]},
            "masterIdentifier": {
                "system": "urn:threadline:content-sha256",
                "value": hashlib.sha256(signed).hexdigest(),
            },
            "identifier": [{"system": _system(self.practice, kind), "value": str(addendum.pk)}],
            "status": "current",
            "docStatus": "final",
            "type": _concept(LOINC, code, display, text="Addendum"),
            "category": [_concept(DOCUMENT_CATEGORY, "clinical-note", "Clinical Note")],
            "subject": self.patient(),
            "date": _instant(addendum.created_at),
            "author": [self.practitioner(addendum.author)],
            "authenticator": self.practitioner(addendum.author),
            "custodian": self.organization(),
            # The signed JSON names the SHA-256 of the content it adds to (`parent_sha256`).
            "description": f"{title}, signed",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/json",
                        "data": base64.b64encode(signed).decode("ascii"),
                        "hash": base64.b64encode(hashlib.sha1(signed).digest()).decode("ascii"),  # noqa: S324
                        "size": len(signed),
                        "title": f"{title} (signed canonical JSON)",
                        "creation": _instant(addendum.created_at),
                    }
                }
            ],
        }

    # --- denied amendment requests -------------------------------------------------------------

    def add_denied_amendments(self) -> None:
        """45 CFR 164.526(d)(4)-(5): a denied request, the denial, the client's statement of
        disagreement and any rebuttal are linked to the disputed document and go with it
        whenever it is disclosed, as they do in the record PDF. (An accepted request is already
        in the bundle, as the addendum it became.)"""
        denied = (
            AmendmentRequest.objects.filter(client=self.client, status=AmendmentStatus.DENIED)
            .select_related("plan_version", "note__appointment", "decided_by", "rebuttal_by")
            .order_by("requested_at", "id")
        )
        for request in denied:
            self.add(self._denied_amendment(request))

    def _denied_amendment(self, request: AmendmentRequest) -> Json:
        document = describe(request.document)
        asked = shown_day(request.requested_at)
        text = _dispute_text(request, document).encode()
        moments = [request.requested_at, request.decided_at, request.disagreement_at]
        moments.append(request.rebuttal_at)
        latest = max(m for m in moments if m is not None)
        authors = [self.patient()]  # the request and the statement are the client's own words
        for user in (request.decided_by, request.rebuttal_by):
            if user is not None and self.practitioner(user) not in authors:
                authors.append(self.practitioner(user))
        code, display = DENIED_AMENDMENT
        title = f"Denied amendment request of {asked}"
        resource: Json = {
            "resourceType": "DocumentReference",
            "id": f"amendment-request-{request.pk}",
            # No US Core profile: it requires a LOINC document type and category, which a
            # request and its denial do not have. Nor a docStatus: the client may still answer
            # the denial, and the clinician the client, so the text may grow.
            "identifier": [
                {"system": _system(self.practice, "amendment-request"), "value": str(request.pk)}
            ],
            "status": "current",
            "type": _concept(THREADLINE_DOCUMENT_TYPE, code, display, text=display),
            "subject": self.patient(),
            "date": _instant(latest),
            "author": authors,
            "custodian": self.organization(),
            "description": f"{title}, about the {document[0].lower()}{document[1:]}",
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(text).decode("ascii"),
                        "hash": base64.b64encode(hashlib.sha1(text).digest()).decode("ascii"),  # noqa: S324
                        "size": len(text),
                        "title": title,
                        "creation": _instant(latest),
                    }
                }
            ],
        }
        # Linked to the disputed document the way an addendum is: a note's DocumentReference
        # by `relatesTo` ("appends": 164.526(d)(4) says append or otherwise link), a plan
        # version's CarePlan in `context.related`, since `relatesTo` may only target a
        # DocumentReference. The ids are the ones those resources are exported under.
        if request.plan_version_id is not None:
            resource["context"] = {
                "related": [self.ref("CarePlan", f"plan-{request.plan_version_id}")]
            }
        else:
            note = request.note
            assert note is not None  # the check constraint holds one of the two
            target = self.ref("DocumentReference", f"note-{note.pk}")
            resource["relatesTo"] = [{"code": "appends", "target": target}]
            if note.appointment_id is not None and note.appointment_id in self.encounters:
                encounter = self.ref("Encounter", self.encounters[note.appointment_id])
                resource["context"] = {"encounter": [encounter]}
        return resource

    # --- questionnaires -----------------------------------------------------------------------

    def add_questionnaires(self) -> None:
        done = Administration.objects.filter(client=self.client, state=State.COMPLETE)
        for administration in done.select_related("given_by").order_by("answered_at", "id"):
            self._questionnaire(administration)

    def _questionnaire(self, administration: Administration) -> None:
        form = administration.form
        qr_id = f"answers-{administration.pk}"
        obs_id = f"score-{administration.pk}"
        answered = administration.answered_at or administration.created_at
        who = (
            self.practitioner(administration.given_by)
            if administration.given_by is not None
            else self.patient()
        )
        items = []
        for item in form.items:
            value = administration.answers.get(str(item.number))
            if not isinstance(value, int):
                continue
            option = next((o for o in item.options if o.value == value), None)
            if option is not None and option.loinc:
                answer: Json = {"valueCoding": _coding(LOINC, option.loinc, option.label)}
            else:
                answer = {"valueInteger": value}
            items.append(
                {"linkId": item.loinc or str(item.number), "text": item.text, "answer": [answer]}
            )
        encounter = None
        if administration.appointment_id in self.encounters:
            encounter = self.ref("Encounter", self.encounters[administration.appointment_id])
        response: Json = {
            "resourceType": "QuestionnaireResponse",
            "id": qr_id,
            "identifier": {
                "system": _system(self.practice, "administration"),
                "value": str(administration.pk),
            },
            "status": "completed",
            "subject": self.patient(),
            "authored": _instant(answered),
            "author": who,
            "source": self.patient(),
            "item": [{"linkId": form.loinc_panel, "text": form.name, "item": items}],
        }
        if encounter:
            response["encounter"] = encounter
        self.add(response)
        observation: Json = {
            "resourceType": "Observation",
            "id": obs_id,
            "meta": {"profile": [OBSERVATION_PROFILE]},
            "status": "final",
            "category": [_concept(OBSERVATION_CATEGORY, "survey", "Survey")],
            "code": _concept(LOINC, form.loinc_total, text=f"{form.name} total score"),
            "subject": self.patient(),
            "effectiveDateTime": _instant(answered),
            "performer": [who],
            "valueInteger": administration.total,
            "derivedFrom": [self.ref("QuestionnaireResponse", qr_id)],
        }
        if encounter:
            observation["encounter"] = encounter
        if administration.band:
            observation["interpretation"] = [{"text": administration.band}]
        self.add(observation)

    # --- signatures and agreements ------------------------------------------------------------

    def add_signatures(self, versions: list[PlanVersion], notes: list[Note]) -> None:
        in_force = signed_version_in_force(self.client)
        signed: list[tuple[Model, str, str]] = [
            (v, "CarePlan", self.careplans[v.pk]) for v in versions
        ] + [(n, "DocumentReference", self.documents[n.pk]) for n in notes]
        signed += [(a, "DocumentReference", document_id) for a, document_id in self.addenda]
        for document, target_type, target_id in signed:
            for signature in signatures_of(document):
                self.add(self._provenance(signature, target_type, target_id))
                if isinstance(document, PlanVersion) and signature.meaning in AGREEMENTS:
                    current = in_force is not None and in_force.pk == document.pk
                    self.add(self._consent(signature, target_id, current=current))

    def _signer(self, signature: Signature) -> Json:
        if signature.meaning == Meaning.CLIENT_AGREEMENT:
            return self.patient()
        if signature.signer is not None:
            return self.practitioner(signature.signer)
        return {"display": signature.printed_name}

    def _provenance(self, signature: Signature, target_type: str, target_id: str) -> Json:
        agent_type, (sig_code, sig_display) = SIGNATURE_ROLES[signature.meaning]
        who = self._signer(signature)
        return {
            "resourceType": "Provenance",
            "id": f"signature-{signature.pk}",
            "target": [self.ref(target_type, target_id)],
            "recorded": _instant(signature.signed_at),
            "agent": [{"type": _concept(PROVENANCE_AGENT, agent_type), "who": who}],
            "signature": [
                {
                    "type": [_coding(ASTM_SIGNATURE, sig_code, sig_display)],
                    "when": _instant(signature.signed_at),
                    "who": who,
                    # The signed canonical JSON; `data` is the SHA-256 it hashed to (§1.8: the
                    # base64 of the signed hash), as raw bytes.
                    "targetFormat": "application/json",
                    "data": base64.b64encode(bytes.fromhex(signature.content_sha256)).decode(),
                }
            ],
        }

    def _consent(self, signature: Signature, careplan_id: str, *, current: bool) -> Json:
        text = (
            f"{signature.attestation} ({signature.get_meaning_display()}, {signature.printed_name})"
        )
        return {
            "resourceType": "Consent",
            "id": f"agreement-{signature.pk}",
            # A later version replaced the plan this agreement was given to.
            "status": "active" if current else "inactive",
            "scope": _concept(CONSENT_SCOPE, "treatment", "Treatment"),
            "category": [_concept(LOINC, PATIENT_CONSENT, text="Agreement to the treatment plan")],
            "patient": self.patient(),
            "dateTime": _instant(signature.signed_at),
            "performer": [self.patient()],
            "organization": [self.organization()],
            "sourceAttachment": {
                "contentType": "text/plain",
                "data": base64.b64encode(text.encode()).decode(),
                "title": signature.get_meaning_display(),
            },
            "policyRule": _concept(ACT_CODE, "OPTIN", "opt-in", text="Treatment plan agreement"),
            "provision": {
                "type": "permit",
                "period": {"start": _instant(signature.signed_at)},
                "data": [{"meaning": "related", "reference": self.ref("CarePlan", careplan_id)}],
            },
        }


def _dispute_text(request: AmendmentRequest, document: str) -> str:
    """The linked items of a denied amendment request, in the order they were written."""
    parts = [
        "Request to amend a document of the record, denied (45 CFR 164.526).",
        f"Document: {document}.",
        f"Asked on {shown_day(request.requested_at)}. The change asked for:\n"
        f"{request.requested_change}",
        f"The client's reason:\n{request.reason}",
    ]
    denied_by = f" by {request.decided_by.full_name}" if request.decided_by else ""
    if request.decided_at is not None:
        parts.append(
            f"Denied on {shown_day(request.decided_at)}{denied_by}. The reason:\n"
            f"{request.denial_reason}"
        )
    if request.disagreement and request.disagreement_at is not None:
        parts.append(
            f"The client's statement of disagreement, sent {shown_day(request.disagreement_at)}:"
            f"\n{request.disagreement}"
        )
    if request.rebuttal and request.rebuttal_at is not None:
        rebutted_by = f" by {request.rebuttal_by.full_name}" if request.rebuttal_by else ""
        parts.append(
            f"The clinician's rebuttal, written {shown_day(request.rebuttal_at)}{rebutted_by}:"
            f"\n{request.rebuttal}"
        )
    return "\n\n".join(parts) + "\n"


def client_bundle(client: Client, *, now: datetime | None = None) -> Bundle:
    """The client's record as a FHIR R4 `collection` Bundle (R4B models), drafts left out."""
    return _Export(client, now or timezone.now()).build()


# --- Our own checks ------------------------------------------------------------------------------


def _walk(node: Any, path: str) -> Iterator[tuple[str, Json]]:
    """Every JSON object under `node`, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def _codes(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [
        str(c.get("code"))
        for c in concept.get("coding") or []
        if isinstance(c, dict) and c.get("system") == system
    ]


def _name(resource: Json) -> str:
    return f"{resource.get('resourceType')} {resource.get('id')}"


def _is_denied_amendment(resource: Json) -> bool:
    return resource.get("resourceType") == "DocumentReference" and DENIED_AMENDMENT[0] in _codes(
        resource.get("type"), THREADLINE_DOCUMENT_TYPE
    )


Check = Callable[[list[Json], dict[str, Json]], list[str]]


def _check_entries(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    urls = Counter(str(e.get("fullUrl")) for e in entries)
    for url, count in sorted(urls.items()):
        if count > 1:
            problems.append(f"The fullUrl {url} is used by {count} entries.")
        if not UUID_URL.match(url):
            problems.append(f"The fullUrl {url} is not a urn:uuid: like the others.")
    ids = Counter(_name(e["resource"]) for e in entries)
    problems += [f"{name} appears {n} times." for name, n in sorted(ids.items()) if n > 1]
    return problems


def _check_references(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    for entry in entries:
        resource = entry["resource"]
        for path, node in _walk(resource, resource["resourceType"]):
            reference = node.get("reference")
            if isinstance(reference, str) and reference not in by_url:
                problems.append(
                    f"{_name(resource)} refers at {path} to {reference}, which does not resolve "
                    "inside the bundle."
                )
    return problems


def _check_systems(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    for entry in entries:
        resource = entry["resource"]
        for path, node in _walk(resource, resource["resourceType"]):
            system = node.get("system")
            if "code" in node and isinstance(system, str) and system not in KNOWN_SYSTEMS:
                problems.append(
                    f"{_name(resource)} codes {node.get('code')!r} at {path} in {system!r}, which "
                    "is not one of the exact code system URIs (standards.md §1.2)."
                )
            if "code" in node and "system" not in node and CODING_PATH.search(path):
                problems.append(f"{_name(resource)} has a code at {path} without its system.")
    return problems


def _check_icd(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    release = load_default()
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] == "Condition" and not _codes(resource.get("code"), ICD10CM):
            problems.append(f"{_name(resource)} has no ICD-10-CM code.")
        for _, node in _walk(resource, resource["resourceType"]):
            if node.get("system") != ICD10CM:
                continue
            code = str(node.get("code") or "")
            known = release.get(code) if ICD_SHAPE.match(code) else None
            if known is None or known.code != code:
                problems.append(
                    f"{_name(resource)} has the ICD-10-CM code {code!r}, which is not a code of "
                    f"{release.release} written with its dot."
                )
            elif not known.billable:
                problems.append(
                    f"{_name(resource)} has the ICD-10-CM code {code}, a category header rather "
                    "than a billable code."
                )
    return problems


def _check_procedures(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] != "Encounter":
            continue
        for concept in resource.get("type") or []:
            for code in _codes(concept, CPT):
                if not CPT_SHAPE.match(code):
                    problems.append(f"{_name(resource)} has {code!r}, which is not a CPT code.")
            for code in _codes(concept, HCPCS):
                if not HCPCS_SHAPE.match(code):
                    problems.append(f"{_name(resource)} has {code!r}, which is not a HCPCS code.")
        klass = resource.get("class") or {}
        if klass.get("system") != ACT_CODE or klass.get("code") not in ENCOUNTER_CLASSES:
            problems.append(
                f"{_name(resource)} has the class {klass.get('code')!r}, not AMB or VR."
            )
    return problems


def _check_loinc(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    forms = {form.loinc_panel: form for form in INSTRUMENTS.values()}
    totals = _instrument_total_names()
    note_codes = {code for code, _ in NOTE_TYPES.values()} | {ADDENDUM_TYPE[0]}
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        for _, node in _walk(resource, kind):
            if node.get("system") == LOINC and not LOINC_SHAPE.match(str(node.get("code"))):
                problems.append(
                    f"{_name(resource)} has the malformed LOINC code {node.get('code')!r}."
                )
        if kind == "Observation":
            codes = _codes(resource.get("code"), LOINC)
            if not codes or any(c not in totals for c in codes):
                problems.append(
                    f"{_name(resource)} is coded {codes}, not a questionnaire's LOINC total score."
                )
            if "survey" not in [
                c
                for cat in resource.get("category") or []
                for c in _codes(cat, OBSERVATION_CATEGORY)
            ]:
                problems.append(f"{_name(resource)} lacks the survey category.")
        elif kind == "QuestionnaireResponse":
            for group in resource.get("item") or []:
                form = forms.get(group.get("linkId"))
                if form is None:
                    problems.append(
                        f"{_name(resource)} groups its answers under {group.get('linkId')!r}, "
                        "not a questionnaire's LOINC panel code."
                    )
                    continue
                items = {i.loinc or str(i.number) for i in form.items}
                answers = {o.loinc for i in form.items for o in i.options if o.loinc}
                for item in group.get("item") or []:
                    if item.get("linkId") not in items:
                        problems.append(
                            f"{_name(resource)} has the item {item.get('linkId')!r}, not an item "
                            f"code of the {form.name}."
                        )
                    for answer in item.get("answer") or []:
                        coding = answer.get("valueCoding")
                        if coding and coding.get("code") not in answers:
                            problems.append(
                                f"{_name(resource)} answers with {coding.get('code')!r}, not an "
                                f"answer code of the {form.name}."
                            )
        elif kind == "DocumentReference":
            codes = _codes(resource.get("type"), LOINC)
            if not codes and _is_denied_amendment(resource):
                continue  # typed with our own code; no LOINC code names it
            if not codes or any(c not in note_codes for c in codes):
                problems.append(
                    f"{_name(resource)} is typed {codes}, not one of the note types "
                    f"{sorted(note_codes)}."
                )
        elif kind == "Goal":
            for target in resource.get("target") or []:
                codes = _codes(target.get("measure"), LOINC)
                if target.get("measure") and any(c not in totals for c in codes):
                    problems.append(
                        f"{_name(resource)} measures {codes}, not a questionnaire's total score."
                    )
        elif kind == "Consent" and PATIENT_CONSENT not in [
            c for cat in resource.get("category") or [] for c in _codes(cat, LOINC)
        ]:
            problems.append(f"{_name(resource)} lacks the LOINC category {PATIENT_CONSENT}.")
    return problems


def _check_careplans(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] != "CarePlan":
            continue
        name = _name(resource)
        if CAREPLAN_PROFILE not in (resource.get("meta") or {}).get("profile", []):
            problems.append(f"{name} does not claim the US Core CarePlan profile.")
        categories = [
            c for cat in resource.get("category") or [] for c in _codes(cat, CAREPLAN_CATEGORY)
        ]
        if "assess-plan" not in categories:
            problems.append(f"{name} lacks the US Core category assess-plan.")
        if (resource.get("text") or {}).get("status") not in {"generated", "additional"}:
            problems.append(f"{name} lacks the narrative US Core requires.")
        if resource.get("status") not in REQUEST_STATUS:
            problems.append(f"{name} has the status {resource.get('status')!r}.")
        if resource.get("intent") != "plan":
            problems.append(f"{name} has the intent {resource.get('intent')!r}, not plan.")
        for index, activity in enumerate(resource.get("activity") or []):
            if activity.get("reference") and activity.get("detail"):  # cpl-3
                problems.append(f"{name} activity {index} has both a reference and a detail.")
            status = (activity.get("detail") or {}).get("status")
            if activity.get("detail") and status not in ACTIVITY_STATUS:
                problems.append(f"{name} activity {index} has the status {status!r}.")
    return problems


def _check_statuses(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    required = {
        "Goal": ("lifecycleStatus", GOAL_STATUS),
        "Encounter": ("status", ENCOUNTER_STATUS),
        "Observation": ("status", OBSERVATION_STATUS),
        "Consent": ("status", CONSENT_STATUS),
    }
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind in required:
            element, allowed = required[kind]
            if resource.get(element) not in allowed:
                problems.append(f"{_name(resource)} has the {element} {resource.get(element)!r}.")
        if kind == "Goal":
            for target in resource.get("target") or []:
                details = [k for k in target if k.startswith("detail")]
                if details and not target.get("measure"):  # gol-1
                    problems.append(f"{_name(resource)} has a target detail without its measure.")
        if kind == "Consent":
            if not resource.get("policy") and not resource.get("policyRule"):  # ppc-1
                problems.append(f"{_name(resource)} has neither a policy nor a policyRule.")
            if "treatment" in _codes(resource.get("scope"), CONSENT_SCOPE) and not resource.get(
                "patient"
            ):  # ppc-5
                problems.append(f"{_name(resource)} is a treatment consent without its patient.")
    return problems


def _check_provenance(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    problems = []
    signed: set[str] = set()
    astm = {code for _, (code, _) in SIGNATURE_ROLES.values()}
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] != "Provenance":
            continue
        name = _name(resource)
        if not resource.get("target"):
            problems.append(f"{name} has no target.")
        for target in resource.get("target") or []:
            found = by_url.get(str(target.get("reference")))
            if found is None:
                problems.append(
                    f"{name} targets {target.get('reference')}, which is not in the bundle."
                )
            elif found["resourceType"] not in SIGNED_TYPES:
                problems.append(f"{name} targets a {found['resourceType']}, not a signed document.")
            else:
                signed.add(str(target.get("reference")))
        for signature in resource.get("signature") or []:
            codes = [
                c.get("code")
                for c in signature.get("type") or []
                if c.get("system") == ASTM_SIGNATURE
            ]
            if not codes or any(c not in astm for c in codes):
                problems.append(f"{name} has a signature typed {codes}, not an ASTM E1762 type.")
            if not signature.get("data"):
                problems.append(f"{name} has a signature without the signed content hash.")
    for entry in entries:
        resource = entry["resource"]
        if _is_denied_amendment(resource):
            continue  # the request and its answers are kept as written, not signed
        if resource["resourceType"] in SIGNED_TYPES and entry["fullUrl"] not in signed:
            problems.append(f"{_name(resource)} is signed but no Provenance records its signature.")
    return problems


def _check_addenda(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    """An addendum names the document it adds to, and that document is in the bundle: read
    alone, an addendum could be taken for the whole of what was signed."""
    problems = []
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] != "DocumentReference":
            continue
        name = _name(resource)
        addendum = ADDENDUM_TYPE[0] in _codes(resource.get("type"), LOINC)
        appends = [r for r in resource.get("relatesTo") or [] if r.get("code") == "appends"]
        for relation in appends:
            reference = str((relation.get("target") or {}).get("reference"))
            found = by_url.get(reference)
            if found is None:
                problems.append(f"{name} appends to {reference}, which is not in the bundle.")
            elif found["resourceType"] != "DocumentReference":
                problems.append(
                    f"{name} appends to a {found['resourceType']}, not a DocumentReference."
                )
        if appends and not addendum and not _is_denied_amendment(resource):
            problems.append(f"{name} appends to a document but is not typed as an addendum.")
        if not addendum or appends:
            continue
        related = [
            str(r.get("reference")) for r in (resource.get("context") or {}).get("related") or []
        ]
        plans = [r for r in related if by_url.get(r, {}).get("resourceType") == "CarePlan"]
        if not plans:
            missing = [r for r in related if r not in by_url]
            problems.append(
                f"{name} adds to {', '.join(missing)}, which is not in the bundle."
                if missing
                else f"{name} is an addendum that names no document it adds to."
            )
    return problems


def _check_denied_amendments(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    """A denied amendment request names the document it disputes, and that document is in the
    bundle (45 CFR 164.526(d)(4)): read alone, it would not say what it goes with. Where it
    appends, `_check_addenda` has checked the target is a DocumentReference in the bundle."""
    problems = []
    for entry in entries:
        resource = entry["resource"]
        if not _is_denied_amendment(resource):
            continue
        name = _name(resource)
        targets = [
            str((r.get("target") or {}).get("reference"))
            for r in resource.get("relatesTo") or []
            if r.get("code") == "appends"
        ]
        targets += [
            str(r.get("reference")) for r in (resource.get("context") or {}).get("related") or []
        ]
        if not targets:
            problems.append(f"{name} is a denied amendment request that names no document.")
        for reference in targets:
            found = by_url.get(reference)
            if found is None:
                problems.append(f"{name} disputes {reference}, which is not in the bundle.")
            elif found["resourceType"] not in SIGNED_TYPES or _is_denied_amendment(found):
                problems.append(
                    f"{name} disputes a {found['resourceType']}, not a signed plan or note."
                )
        attachments = [c.get("attachment") or {} for c in resource.get("content") or []]
        if not any(a.get("data") for a in attachments):
            problems.append(f"{name} carries no text of the request and its denial.")
    return problems


def _check_psychotherapy_notes(entries: list[Json], by_url: dict[str, Json]) -> list[str]:
    """HIPAA psychotherapy notes never leave in an export (45 CFR 164.501; standards.md §5.7):
    no DocumentReference may be typed, titled or described as one."""
    problems = []
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] != "DocumentReference":
            continue
        kind = resource.get("type") or {}
        words = [str(kind.get("text") or ""), str(resource.get("description") or "")]
        words += [str(c.get("display") or "") for c in kind.get("coding") or []]
        words += [
            str(c.get("attachment", {}).get("title") or "") for c in resource.get("content") or []
        ]
        codes = {str(c.get("code")) for c in kind.get("coding") or []}
        if codes & RESERVED_NOTE_CODES or any(RESERVED_NOTE_WORDS.search(w) for w in words):
            problems.append(
                f"{_name(resource)} is a psychotherapy (process) note, which is never exported."
            )
    return problems


CHECKS: tuple[Check, ...] = (
    _check_entries,
    _check_references,
    _check_systems,
    _check_icd,
    _check_procedures,
    _check_loinc,
    _check_careplans,
    _check_statuses,
    _check_provenance,
    _check_addenda,
    _check_denied_amendments,
    _check_psychotherapy_notes,
)


def check_bundle(bundle: Bundle) -> list[str]:
    """What `fhir.resources` does not check (standards.md §1.10), as sentences; empty when sound."""
    data = bundle.model_dump(mode="json", exclude_none=True)
    entries = [e for e in data.get("entry") or [] if isinstance(e.get("resource"), dict)]
    by_url = {str(e.get("fullUrl")): e["resource"] for e in entries}
    problems: list[str] = []
    if data.get("type") != "collection":
        problems.append(f"The bundle is a {data.get('type')!r}, not a collection.")
    for check in CHECKS:
        problems += check(entries, by_url)
    return problems
