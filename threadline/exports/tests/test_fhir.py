"""The FHIR export: a client with a revised plan, agreements, a signed progress note, a telehealth
session and GAD-7 scores becomes a bundle that validates, passes our own checks and carries the
right codes; each of our checks fires on a bundle broken on purpose; the demo practice exports
clean for every client."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from threadline import demo
from threadline.accounts.models import Practice, Role, User
from threadline.appointments import services as appointments
from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client
from threadline.conftest import make_client, make_person
from threadline.exports.fhir import (
    ACT_CODE,
    ADDENDUM_TYPE,
    CAREPLAN_CATEGORY,
    CAREPLAN_PROFILE,
    CONSENT_SCOPE,
    CPT,
    DENIED_AMENDMENT,
    ICD10CM,
    LOINC,
    THREADLINE_DOCUMENT_TYPE,
    check_bundle,
    client_bundle,
    record_number_system,
)
from threadline.exports.practice import describe_record
from threadline.measures import services as measures
from threadline.notes import checks
from threadline.notes import services as notes
from threadline.notes.content import progress_from_form
from threadline.notes.models import Note, NoteAddendum
from threadline.notes.tests.factories import attended, progress_form, signed_plan
from threadline.plans import services as plans
from threadline.plans.models import PlanAddendum, PlanVersion
from threadline.plans.samples import complete_plan
from threadline.portal import services as portal
from threadline.portal.tests.factories import client_account
from threadline.privacy import services as privacy
from threadline.privacy.models import AmendmentRequest
from threadline.privacy.tests.factories import amendment_request, requester
from threadline.signatures.models import Meaning, Signature
from threadline.signatures.services import signatures_of

Json = dict[str, Any]
GAD7 = dict.fromkeys(range(1, 8), 2)  # total 14, "moderate"


@dataclass(frozen=True)
class Record:
    client: Client
    clinician: User
    first: PlanVersion  # signed, telehealth attestation, then replaced
    second: PlanVersion  # signed, in force, agreed by the client in the portal
    note: Note  # a signed progress note for an in-person session
    video: int  # the pk of an attended video session (no note)


def _sign_note(clinician: User, client: Client, plan: PlanVersion, days_ago: int) -> Note:
    note = notes.start_note(clinician, attended(client, days_ago=days_ago))
    ids = [o.id for o in checks.plan_objectives(plan)]
    form = progress_form(note.content, ids[:2])
    body = progress_from_form(form, note.content, ids)
    note = notes.save_draft(clinician, note, body, lock_version=note.lock_version)
    return notes.sign_note(clinician, note, stepped_up_at=timezone.now())


@pytest.fixture
def record(practice: Practice) -> Record:
    clinician = make_person(
        practice,
        "licensed@riverbend.test",
        Role.CLINICIAN,
        "LCSW",
        npi="1234567893",
        license_number="LC-1234",
        license_state="NY",
    )
    client = make_client(practice, clinician, "TL-00200", preferred_name="Ave")
    first = signed_plan(client, days_ago=30)
    plans.cosign_version(
        clinician, first, meaning=Meaning.TELEHEALTH_ATTESTATION, stepped_up_at=timezone.now()
    )
    draft = plans.revise(clinician, first, reason="scheduled_review", note="Review.")
    day = timezone.localdate() - timedelta(days=10)
    draft = plans.save_draft(
        clinician, draft, complete_plan(draft.content, day), lock_version=draft.lock_version
    )
    second = plans.sign_version(clinician, draft, stepped_up_at=timezone.now())
    account = client_account(client)
    portal.agree(
        account, second, typed_name=client.legal_name, now=timezone.now(), esign_consent=True
    )
    note = _sign_note(clinician, client, second, days_ago=3)
    assert note.appointment is not None
    measures.give_in_session(clinician, client, "gad7", GAD7, appointment=note.appointment)
    when = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=2), time(15)))
    video = appointments.schedule(
        clinician,
        client,
        {
            "clinician": clinician,
            "scheduled_start": when,
            "service": "psychotherapy",
            "place": "home",
            "telehealth": "video",
        },
    )
    appointments.set_status(clinician, video, SessionStatus.ATTENDED)
    measures.give_in_session(clinician, client, "gad7", {**GAD7, 1: 1}, appointment=video)
    return Record(client, clinician, first, second, note, video.pk)


def _data(bundle: Bundle) -> Json:
    return bundle.model_dump(mode="json", exclude_none=True)


def _resources(data: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def _one(data: Json, kind: str, resource_id: str) -> Json:
    return next(r for r in _resources(data, kind) if r["id"] == resource_id)


def _url(data: Json, kind: str, resource_id: str) -> str:
    return next(
        e["fullUrl"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == kind and e["resource"]["id"] == resource_id
    )


def _codes(concept: Json, system: str) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c.get("system") == system]


# --- the export of one client ------------------------------------------------------------------


def test_the_bundle_round_trips_and_passes_our_checks(record: Record) -> None:
    bundle = client_bundle(record.client)
    again = Bundle.model_validate(json.loads(bundle.model_dump_json()))
    assert again == bundle
    assert Bundle.model_validate_json(bundle.model_dump_json()) == bundle
    assert bundle.type == "collection"
    assert check_bundle(bundle) == []
    assert check_bundle(again) == []


def test_ids_and_full_urls_are_deterministic(record: Record) -> None:
    now = timezone.now()
    assert client_bundle(record.client, now=now) == client_bundle(record.client, now=now)
    data = _data(client_bundle(record.client))
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in data["entry"])
    assert _one(data, "CarePlan", f"plan-{record.second.pk}")


def test_every_resource_type_is_there(record: Record) -> None:
    data = _data(client_bundle(record.client))
    kinds = {e["resource"]["resourceType"] for e in data["entry"]}
    assert kinds == {
        "Organization",
        "Patient",
        "Practitioner",
        "Condition",
        "CarePlan",
        "Goal",
        "Encounter",
        "DocumentReference",
        "QuestionnaireResponse",
        "Observation",
        "Provenance",
        "Consent",
    }


def test_patient_and_organization(record: Record) -> None:
    data = _data(client_bundle(record.client))
    (patient,) = _resources(data, "Patient")
    identifier = patient["identifier"][0]
    assert identifier["system"] == record_number_system(record.client.practice)
    assert (
        identifier["system"] == f"urn:threadline:practice:{record.client.practice_id}:record-number"
    )
    assert identifier["value"] == "TL-00200"
    assert patient["name"][0] == {
        "use": "official",
        "family": "Testwell",
        "given": ["Avery"],
        "text": "Avery Testwell",
    }
    assert patient["birthDate"] == "1990-04-02"
    (organization,) = _resources(data, "Organization")
    assert organization["name"] == "Riverbend Counseling"
    assert patient["managingOrganization"]["reference"] == _url(
        data, "Organization", organization["id"]
    )
    (practitioner,) = _resources(data, "Practitioner")
    assert practitioner["name"] == [{"text": record.clinician.full_name}]
    assert practitioner["identifier"] == [
        {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
    ]
    assert practitioner["qualification"][0]["code"] == {"text": "LCSW"}


def test_conditions_are_the_current_icd_10_cm_diagnoses(record: Record) -> None:
    data = _data(client_bundle(record.client))
    (condition,) = _resources(data, "Condition")
    assert _codes(condition["code"], ICD10CM) == ["F41.1"]
    assert condition["category"][0]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
        "code": "problem-list-item",
        "display": "Problem List Item",
    }
    assert _codes(
        condition["clinicalStatus"], "http://terminology.hl7.org/CodeSystem/condition-clinical"
    ) == ["active"]


def test_a_careplan_per_signed_version(record: Record) -> None:
    data = _data(client_bundle(record.client))
    careplans = {c["id"]: c for c in _resources(data, "CarePlan")}
    assert set(careplans) == {f"plan-{record.first.pk}", f"plan-{record.second.pk}"}
    old, new = careplans[f"plan-{record.first.pk}"], careplans[f"plan-{record.second.pk}"]
    assert (old["status"], new["status"]) == ("revoked", "active")
    condition_url = _url(data, "Condition", f"condition-{record.client.pk}-F41.1")
    for careplan in (old, new):
        assert careplan["meta"]["profile"] == [CAREPLAN_PROFILE]
        assert _codes(careplan["category"][0], CAREPLAN_CATEGORY) == ["assess-plan"]
        assert careplan["intent"] == "plan"
        assert careplan["text"]["status"] == "generated"
        assert [a["reference"] for a in careplan["addresses"]] == [condition_url]
        assert careplan["period"]["start"] < careplan["period"]["end"]
        assert len(careplan["goal"]) == 5  # two problem goals and three objectives
    assert new["replaces"] == [{"reference": _url(data, "CarePlan", old["id"])}]
    assert new["period"]["start"] == (timezone.localdate() - timedelta(days=10)).isoformat()
    assert new["activity"][0]["detail"]["status"] == "in-progress"
    assert old["activity"][0]["detail"]["status"] == "stopped"


def test_goals_carry_the_objective_ids_and_the_measure(record: Record) -> None:
    data = _data(client_bundle(record.client))
    version = record.second
    objectives = version.content["problems"][0]["objectives"]
    measured = _one(data, "Goal", f"goal-{version.pk}-{objectives[0]['id']}")
    assert measured["identifier"][0]["value"] == objectives[0]["id"]
    assert measured["lifecycleStatus"] == "active"
    (target,) = measured["target"]
    assert _codes(target["measure"], LOINC) == ["70274-6"]  # GAD-7 total, not the panel
    assert target["detailRange"]["high"]["value"] == 9
    assert target["detailRange"]["high"]["code"] == "{score}"
    assert target["dueDate"] == objectives[0]["target_date"]
    unmeasured = _one(data, "Goal", f"goal-{version.pk}-{objectives[1]['id']}")
    assert unmeasured["target"] == [{"dueDate": objectives[1]["target_date"]}]


def test_encounters_carry_cpt_class_and_clock_times(record: Record) -> None:
    data = _data(client_bundle(record.client))
    assert record.note.appointment_id is not None
    office = _one(data, "Encounter", f"session-{record.note.appointment_id}")
    assert office["status"] == "finished"
    assert office["class"] == {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
    assert [_codes(t, CPT) for t in office["type"]] == [["90834"]]  # 48 minutes
    day = record.note.content["session"]["date_of_service"]
    assert office["period"]["start"].startswith(f"{day}T10:02:00")
    assert office["period"]["end"].startswith(f"{day}T10:50:00")
    assert office["length"] == {
        "value": 48,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert office["diagnosis"][0]["condition"]["reference"] == _url(
        data, "Condition", f"condition-{record.client.pk}-F41.1"
    )
    video = _one(data, "Encounter", f"session-{record.video}")
    assert video["class"]["code"] == "VR"
    assert "length" not in video  # no note, so no clock times: only the day
    assert video["period"]["start"] == video["period"]["end"]


def test_the_signed_note_is_a_document_reference_with_its_signed_json(record: Record) -> None:
    data = _data(client_bundle(record.client))
    document = _one(data, "DocumentReference", f"note-{record.note.pk}")
    assert _codes(document["type"], LOINC) == ["11506-3"]
    attachment = document["content"][0]["attachment"]
    raw = base64.b64decode(attachment["data"])
    assert json.loads(raw) == record.note.signable()
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(raw).digest()).decode()  # noqa: S324
    (signature,) = signatures_of(record.note)
    assert document["masterIdentifier"]["value"] == signature.content_sha256
    assert hashlib.sha256(raw).hexdigest() == signature.content_sha256
    assert record.note.appointment_id is not None
    encounter = _url(data, "Encounter", f"session-{record.note.appointment_id}")
    assert document["context"]["encounter"] == [{"reference": encounter}]
    assert document["docStatus"] == "final"


def test_scores_are_a_questionnaire_response_and_an_observation(record: Record) -> None:
    data = _data(client_bundle(record.client))
    observations = _resources(data, "Observation")
    responses = _resources(data, "QuestionnaireResponse")
    assert len(observations) == len(responses) == 2
    first = observations[0]
    assert _codes(first["code"], LOINC) == ["70274-6"]
    assert first["valueInteger"] == 14
    assert first["interpretation"] == [{"text": "Moderate"}]
    assert first["category"][0]["coding"][0]["code"] == "survey"
    assert first["derivedFrom"][0]["reference"] == _url(
        data, "QuestionnaireResponse", responses[0]["id"]
    )
    assert first["effectiveDateTime"]
    (group,) = responses[0]["item"]
    assert group["linkId"] == "69737-5"  # the GAD-7 panel
    assert [i["linkId"] for i in group["item"]][:2] == ["69725-0", "68509-9"]
    assert group["item"][0]["answer"] == [
        {"valueCoding": {"system": LOINC, "code": "LA6570-1", "display": "More than half the days"}}
    ]


def test_a_provenance_per_signature_and_a_consent_per_agreement(record: Record) -> None:
    data = _data(client_bundle(record.client))
    signatures = [
        *signatures_of(record.first),
        *signatures_of(record.second),
        *signatures_of(record.note),
    ]
    provenance = {p["id"]: p for p in _resources(data, "Provenance")}
    assert set(provenance) == {f"signature-{s.pk}" for s in signatures}
    by_meaning: dict[str, Signature] = {s.meaning: s for s in signatures_of(record.second)}
    agreed = provenance[f"signature-{by_meaning[Meaning.CLIENT_AGREEMENT].pk}"]
    assert agreed["target"] == [{"reference": _url(data, "CarePlan", f"plan-{record.second.pk}")}]
    assert agreed["agent"][0]["who"]["reference"] == _url(
        data, "Patient", f"client-{record.client.pk}"
    )
    assert agreed["signature"][0]["type"][0]["code"] == "1.2.840.10065.1.12.1.7"
    author = provenance[f"signature-{by_meaning[Meaning.AUTHOR].pk}"]
    assert author["agent"][0]["type"]["coding"][0]["code"] == "author"
    assert author["signature"][0]["type"][0]["code"] == "1.2.840.10065.1.12.1.1"
    digest = base64.b64decode(author["signature"][0]["data"]).hex()
    assert digest == by_meaning[Meaning.AUTHOR].content_sha256
    consents = {c["id"]: c for c in _resources(data, "Consent")}
    assert len(consents) == 2  # the telehealth attestation and the portal agreement
    current = consents[f"agreement-{by_meaning[Meaning.CLIENT_AGREEMENT].pk}"]
    assert current["status"] == "active"
    assert _codes(current["scope"], CONSENT_SCOPE) == ["treatment"]
    assert _codes(current["category"][0], LOINC) == ["59284-0"]
    assert current["patient"]["reference"] == _url(data, "Patient", f"client-{record.client.pk}")
    (replaced,) = [c for c in consents.values() if c is not current]
    assert replaced["status"] == "inactive"  # given to the version a newer one replaced


def test_drafts_are_not_exported(record: Record) -> None:
    draft = plans.revise(record.clinician, record.second, reason="scheduled_review", note="x")
    data = _data(client_bundle(record.client))
    assert f"plan-{draft.pk}" not in {c["id"] for c in _resources(data, "CarePlan")}


# --- each check fires on a broken bundle -------------------------------------------------------


def _first(data: Json, kind: str) -> Json:
    return _resources(data, kind)[0]


def _dangling(data: Json) -> None:
    _first(data, "CarePlan")["subject"]["reference"] = (
        "urn:uuid:00000000-0000-4000-8000-000000000000"
    )


def _relative(data: Json) -> None:
    _first(data, "Goal")["subject"]["reference"] = "Patient/client-1"


def _wrong_system(data: Json) -> None:
    _first(data, "Condition")["code"]["coding"][0]["system"] = "http://hl7.org/fhir/sid/icd-10"


def _no_system(data: Json) -> None:
    del _first(data, "Observation")["category"][0]["coding"][0]["system"]


def _bad_icd(data: Json) -> None:
    _first(data, "Condition")["code"]["coding"][0]["code"] = "F411"


def _header_icd(data: Json) -> None:
    _first(data, "Condition")["code"]["coding"][0]["code"] = "F41"


def _panel_as_total(data: Json) -> None:
    _first(data, "Observation")["code"]["coding"][0]["code"] = "69737-5"


def _wrong_item(data: Json) -> None:
    _first(data, "QuestionnaireResponse")["item"][0]["item"][0]["linkId"] = "44250-9"


def _wrong_answer(data: Json) -> None:
    answer = _first(data, "QuestionnaireResponse")["item"][0]["item"][0]["answer"][0]
    answer["valueCoding"]["code"] = "LA9999-9"


def _wrong_note_type(data: Json) -> None:
    _first(data, "DocumentReference")["type"]["coding"][0]["code"] = "34109-9"


def _no_profile(data: Json) -> None:
    _first(data, "CarePlan")["meta"]["profile"] = []


def _no_category(data: Json) -> None:
    _first(data, "CarePlan")["category"] = [{"text": "Plan"}]


def _bogus_status(data: Json) -> None:
    _first(data, "CarePlan")["status"] = "bogus"


def _orphan_provenance(data: Json) -> None:
    _first(data, "Provenance")["target"] = [
        {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"}
    ]


def _provenance_on_patient(data: Json) -> None:
    patient = _first(data, "Patient")
    url = next(e["fullUrl"] for e in data["entry"] if e["resource"] is patient)
    _first(data, "Provenance")["target"] = [{"reference": url}]


def _unsigned(data: Json) -> None:
    data["entry"] = [e for e in data["entry"] if e["resource"]["resourceType"] != "Provenance"]


def _psychotherapy_note(data: Json) -> None:
    _first(data, "DocumentReference")["type"]["text"] = "Psychotherapy notes"


def _detail_without_measure(data: Json) -> None:
    goal = next(g for g in _resources(data, "Goal") if "measure" in (g.get("target") or [{}])[0])
    del goal["target"][0]["measure"]


def _consent_without_policy(data: Json) -> None:
    del _first(data, "Consent")["policyRule"]


def _bad_cpt(data: Json) -> None:
    encounter = next(e for e in _resources(data, "Encounter") if "coding" in e["type"][0])
    encounter["type"][0]["coding"][0]["code"] = "9083"


def _bad_class(data: Json) -> None:
    _first(data, "Encounter")["class"]["code"] = "IMP"


def _duplicate_url(data: Json) -> None:
    data["entry"][1]["fullUrl"] = data["entry"][0]["fullUrl"]


BREAKS: list[tuple[str, Callable[[Json], None], str]] = [
    ("dangling reference", _dangling, "does not resolve"),
    ("relative reference", _relative, "does not resolve"),
    ("inexact code system", _wrong_system, "exact code system URIs"),
    ("code without system", _no_system, "without its system"),
    ("malformed ICD-10-CM code", _bad_icd, "written with its dot"),
    ("ICD-10-CM header", _header_icd, "category header"),
    ("panel code as total", _panel_as_total, "LOINC total score"),
    ("wrong item code", _wrong_item, "not an item code"),
    ("wrong answer code", _wrong_answer, "not an answer code"),
    ("wrong note type", _wrong_note_type, "not one of the note types"),
    ("no US Core profile", _no_profile, "US Core CarePlan profile"),
    ("no assess-plan category", _no_category, "assess-plan"),
    ("status outside its binding", _bogus_status, "status 'bogus'"),
    ("provenance of nothing", _orphan_provenance, "not in the bundle"),
    ("provenance of a patient", _provenance_on_patient, "not a signed document"),
    ("signed without provenance", _unsigned, "no Provenance"),
    ("psychotherapy note", _psychotherapy_note, "psychotherapy (process) note"),
    ("gol-1", _detail_without_measure, "detail without its measure"),
    ("ppc-1", _consent_without_policy, "neither a policy nor a policyRule"),
    ("malformed CPT code", _bad_cpt, "not a CPT code"),
    ("encounter class", _bad_class, "not AMB or VR"),
    ("duplicate fullUrl", _duplicate_url, "is used by 2 entries"),
]


@pytest.mark.parametrize(("name", "brake", "expected"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_check_fires_on_a_broken_bundle(
    record: Record, name: str, brake: Callable[[Json], None], expected: str
) -> None:
    data = copy.deepcopy(_data(client_bundle(record.client)))
    brake(data)
    broken = Bundle.model_validate(data)  # fhir.resources accepts every one of these
    problems = check_bundle(broken)
    assert any(expected in problem for problem in problems), (name, problems)


# --- addenda -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addenda:
    record: Record
    plan: PlanAddendum
    note: NoteAddendum


@pytest.fixture
def addenda(record: Record) -> Addenda:
    plan = plans.add_addendum(
        record.clinician, record.second, "Weekend sleep counts too.", stepped_up_at=timezone.now()
    )
    note = notes.add_addendum(
        record.clinician,
        record.note,
        "Late entry: spoke with the school.",
        stepped_up_at=timezone.now(),
    )
    return Addenda(record, plan, note)


def test_addenda_are_signed_documents_that_point_at_what_they_add_to(addenda: Addenda) -> None:
    record = addenda.record
    bundle = client_bundle(record.client)
    assert check_bundle(Bundle.model_validate(json.loads(bundle.model_dump_json()))) == []
    data = _data(bundle)
    note_addendum = _one(data, "DocumentReference", f"note-addendum-{addenda.note.pk}")
    assert _codes(note_addendum["type"], LOINC) == [ADDENDUM_TYPE[0]]
    assert note_addendum["relatesTo"] == [
        {
            "code": "appends",
            "target": {"reference": _url(data, "DocumentReference", f"note-{record.note.pk}")},
        }
    ]
    raw = base64.b64decode(note_addendum["content"][0]["attachment"]["data"])
    assert json.loads(raw) == addenda.note.signable()
    (note_signature,) = signatures_of(addenda.note)
    assert note_addendum["masterIdentifier"]["value"] == note_signature.content_sha256
    plan_addendum = _one(data, "DocumentReference", f"plan-addendum-{addenda.plan.pk}")
    assert "relatesTo" not in plan_addendum  # relatesTo may only target a DocumentReference
    assert plan_addendum["context"]["related"] == [
        {"reference": _url(data, "CarePlan", f"plan-{record.second.pk}")}
    ]
    provenance = {p["id"]: p for p in _resources(data, "Provenance")}
    for addendum, document_id in (
        (addenda.plan, f"plan-addendum-{addenda.plan.pk}"),
        (addenda.note, f"note-addendum-{addenda.note.pk}"),
    ):
        (signature,) = signatures_of(addendum)
        signed = provenance[f"signature-{signature.pk}"]
        assert signed["target"] == [{"reference": _url(data, "DocumentReference", document_id)}]
        assert base64.b64decode(signed["signature"][0]["data"]).hex() == signature.content_sha256


def _note_addendum(data: Json) -> Json:
    return next(d for d in _resources(data, "DocumentReference") if d.get("relatesTo"))


def _plan_addendum(data: Json) -> Json:
    return next(d for d in _resources(data, "DocumentReference") if d["id"].startswith("plan-ad"))


def _note_left_out(data: Json) -> None:
    target = _note_addendum(data)["relatesTo"][0]["target"]["reference"]
    data["entry"] = [e for e in data["entry"] if e["fullUrl"] != target]


def _appends_to_a_careplan(data: Json) -> None:
    careplan = _first(data, "CarePlan")
    url = next(e["fullUrl"] for e in data["entry"] if e["resource"] is careplan)
    _note_addendum(data)["relatesTo"][0]["target"]["reference"] = url


def _plan_left_out(data: Json) -> None:
    _plan_addendum(data)["context"]["related"][0]["reference"] = (
        "urn:uuid:00000000-0000-4000-8000-000000000002"
    )


def _addendum_of_nothing(data: Json) -> None:
    del _plan_addendum(data)["context"]


def _appends_untyped(data: Json) -> None:
    _note_addendum(data)["type"]["coding"][0]["code"] = "11506-3"


ADDENDUM_BREAKS: list[tuple[str, Callable[[Json], None], str]] = [
    ("note addendum without its note", _note_left_out, "which is not in the bundle"),
    ("note addendum appending to a plan", _appends_to_a_careplan, "not a DocumentReference"),
    ("plan addendum without its plan", _plan_left_out, "which is not in the bundle"),
    ("addendum to nothing", _addendum_of_nothing, "names no document it adds to"),
    ("appends without the addendum type", _appends_untyped, "not typed as an addendum"),
]


@pytest.mark.parametrize(
    ("name", "brake", "expected"), ADDENDUM_BREAKS, ids=[b[0] for b in ADDENDUM_BREAKS]
)
def test_each_addendum_check_fires_on_a_broken_bundle(
    addenda: Addenda, name: str, brake: Callable[[Json], None], expected: str
) -> None:
    data = copy.deepcopy(_data(client_bundle(addenda.record.client)))
    brake(data)
    problems = check_bundle(Bundle.model_validate(data))
    assert any(expected in problem for problem in problems), (name, problems)


# --- denied amendment requests ------------------------------------------------------------------

STATEMENT = "I never said I drive; my sister drives me to every session."
REBUTTAL = "The session of that day records the client's own words about driving."


@dataclass(frozen=True)
class Disputes:
    record: Record
    note: AmendmentRequest  # denied, with the client's statement and the clinician's rebuttal
    plan: AmendmentRequest  # denied, nothing further yet
    open: AmendmentRequest  # not decided: not exported


@pytest.fixture
def disputes(record: Record) -> Disputes:
    now = timezone.now()
    note = amendment_request(record.note)
    note = privacy.deny_amendment(record.clinician, note, "The note is accurate.", now=now)
    note = privacy.file_disagreement(requester(record.client), note, STATEMENT, now=now)
    note = privacy.add_rebuttal(record.clinician, note, REBUTTAL, now=now)
    plan = amendment_request(record.first)
    plan = privacy.deny_amendment(record.clinician, plan, "Version 1 was as agreed.", now=now)
    return Disputes(record, note, plan, amendment_request(record.second))


def _text(document: Json) -> str:
    return base64.b64decode(document["content"][0]["attachment"]["data"]).decode()


def test_denied_amendment_requests_go_with_the_disputed_documents(disputes: Disputes) -> None:
    record = disputes.record
    bundle = client_bundle(record.client)
    again = Bundle.model_validate(json.loads(bundle.model_dump_json()))
    assert again == bundle
    assert check_bundle(again) == []
    data = _data(bundle)
    for entry in data["entry"]:  # each resource validates on its own too
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    disputed = [d for d in _resources(data, "DocumentReference") if d["id"].startswith("amend")]
    assert {d["id"] for d in disputed} == {
        f"amendment-request-{disputes.note.pk}",
        f"amendment-request-{disputes.plan.pk}",
    }

    of_note = _one(data, "DocumentReference", f"amendment-request-{disputes.note.pk}")
    assert _codes(of_note["type"], THREADLINE_DOCUMENT_TYPE) == [DENIED_AMENDMENT[0]]
    assert _codes(of_note["type"], LOINC) == []
    assert of_note["relatesTo"] == [
        {
            "code": "appends",
            "target": {"reference": _url(data, "DocumentReference", f"note-{record.note.pk}")},
        }
    ]
    assert of_note["subject"]["reference"] == _url(data, "Patient", f"client-{record.client.pk}")
    assert [a["reference"] for a in of_note["author"]] == [
        _url(data, "Patient", f"client-{record.client.pk}"),
        _url(data, "Practitioner", f"practitioner-{record.clinician.pk}"),
    ]
    text = _text(of_note)
    assert disputes.note.requested_change in text
    assert disputes.note.reason in text
    assert "The note is accurate." in text
    assert STATEMENT in text and REBUTTAL in text
    attachment = of_note["content"][0]["attachment"]
    assert attachment["size"] == len(text.encode())
    assert attachment["contentType"].startswith("text/plain")

    of_plan = _one(data, "DocumentReference", f"amendment-request-{disputes.plan.pk}")
    assert "relatesTo" not in of_plan  # relatesTo may only target a DocumentReference
    assert of_plan["context"]["related"] == [
        {"reference": _url(data, "CarePlan", f"plan-{record.first.pk}")}
    ]
    assert "Version 1 was as agreed." in _text(of_plan)
    assert "statement of disagreement" not in _text(of_plan)

    # Not signed documents: no Provenance claims a signature on them.
    urls = {_url(data, "DocumentReference", d["id"]) for d in disputed}
    targets = {t["reference"] for p in _resources(data, "Provenance") for t in p["target"]}
    assert not urls & targets


def _of_note(data: Json) -> Json:
    return next(d for d in _resources(data, "DocumentReference") if d.get("relatesTo"))


def _of_plan(data: Json) -> Json:
    return next(
        d
        for d in _resources(data, "DocumentReference")
        if d["id"].startswith("amendment-request-") and "related" in d.get("context", {})
    )


def _disputed_note_left_out(data: Json) -> None:
    # The dispute is the only resource that appends here; the note it disputes goes missing.
    target = _of_note(data)["relatesTo"][0]["target"]["reference"]
    data["entry"] = [e for e in data["entry"] if e["fullUrl"] != target]


def _disputed_plan_dangling(data: Json) -> None:
    _of_plan(data)["context"]["related"][0]["reference"] = (
        "urn:uuid:00000000-0000-4000-8000-000000000003"
    )


def _disputes_the_patient(data: Json) -> None:
    _of_plan(data)["context"]["related"][0] = dict(_of_plan(data)["subject"])


def _disputes_nothing(data: Json) -> None:
    del _of_plan(data)["context"]


def _dispute_without_text(data: Json) -> None:
    del _of_plan(data)["content"][0]["attachment"]["data"]


DISPUTE_BREAKS: list[tuple[str, Callable[[Json], None], str]] = [
    ("dispute of a note left out", _disputed_note_left_out, "disputes urn:uuid:"),
    ("dispute of a plan not in the bundle", _disputed_plan_dangling, "disputes urn:uuid:"),
    ("dispute of a plan, dangling", _disputed_plan_dangling, "does not resolve"),
    ("dispute of the patient", _disputes_the_patient, "not a signed plan or note"),
    ("dispute of nothing", _disputes_nothing, "names no document"),
    ("dispute without its text", _dispute_without_text, "carries no text"),
]


@pytest.mark.parametrize(
    ("name", "brake", "expected"), DISPUTE_BREAKS, ids=[b[0] for b in DISPUTE_BREAKS]
)
def test_each_dispute_check_fires_on_a_broken_bundle(
    disputes: Disputes, name: str, brake: Callable[[Json], None], expected: str
) -> None:
    data = copy.deepcopy(_data(client_bundle(disputes.record.client)))
    assert check_bundle(Bundle.model_validate(data)) == []
    brake(data)
    problems = check_bundle(Bundle.model_validate(data))
    assert any(expected in problem for problem in problems), (name, problems)


def test_the_released_record_copy_carries_the_denied_requests(disputes: Disputes) -> None:
    record = disputes.record
    made = privacy.request_record_copy(requester(record.client), now=timezone.now())
    released = privacy.release_record_copy(record.clinician, made, now=timezone.now())
    data = json.loads(bytes(released.fhir or b""))
    assert f"amendment-request-{disputes.note.pk}" in {
        d["id"] for d in _resources(data, "DocumentReference")
    }


def test_an_export_disclosure_counts_the_denied_requests(disputes: Disputes) -> None:
    description = describe_record(disputes.record.client, "FHIR bundle", fhir=True)
    assert "2 denied amendment requests" in description  # the open one is not among them


# --- the demo practice -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_practice(django_db_setup: None, django_db_blocker: Any) -> Iterator[Practice]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.load(seed=7)
        transaction.set_rollback(True)


def test_every_demo_client_exports_clean(demo_practice: Practice) -> None:
    exported = 0
    kinds: set[str] = set()
    for client in Client.objects.filter(practice=demo_practice).order_by("record_number"):
        bundle = client_bundle(client)
        again = Bundle.model_validate(json.loads(bundle.model_dump_json()))
        assert again == bundle, client.record_number
        assert check_bundle(again) == [], client.record_number
        kinds |= {e["resource"]["resourceType"] for e in _data(bundle)["entry"]}
        exported += 1
    assert exported == Client.objects.filter(practice=demo_practice).count() > 0
    assert {
        "Condition",
        "CarePlan",
        "Goal",
        "Encounter",
        "DocumentReference",
        "QuestionnaireResponse",
        "Observation",
        "Provenance",
    } <= kinds
