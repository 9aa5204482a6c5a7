"""Session details every clinical document carries: when, where, who and by whom."""

from __future__ import annotations

from datetime import time

from threadline.rules.facts import ClientFacts, ClinicianFacts, SessionDetails
from threadline.rules.report import Report


def clock(value: time) -> str:
    """A time as clinicians write it: "1:03 pm"."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def check_session(
    report: Report,
    prefix: str,
    session: SessionDetails,
    client: ClientFacts,
    clinician: ClinicianFacts,
) -> None:
    """Date, exact start and stop, place (and telehealth details), client and provider."""
    code = f"{prefix}.session."
    if session.date_of_service is None:
        report.add(code + "date_missing", "Add the date of service.", "session.date_of_service")
    if session.start is None:
        report.add(
            code + "start_time_missing",
            "Add the clock time the session started (e.g. 1:03 pm); auditors recompute the "
            "minutes from the start and stop times, never from the appointment length.",
            "session.start",
        )
    if session.stop is None:
        report.add(
            code + "stop_time_missing",
            "Add the clock time the session stopped; missing session time is the most common "
            "psychotherapy audit finding.",
            "session.stop",
        )
    if session.start is not None and session.stop is not None and session.stop <= session.start:
        report.add(
            code + "stop_before_start",
            f"The stop time {clock(session.stop)} is not after the start time "
            f"{clock(session.start)}; correct the times.",
            "session.stop",
        )
    _check_place(report, code, session)
    check_identity(report, prefix, client, clinician)


def _check_place(report: Report, code: str, session: SessionDetails) -> None:
    if not session.place_of_service and not session.is_telehealth:
        report.add(
            code + "place_missing",
            "Say where the session took place: the office, or telehealth with where the client "
            "was.",
            "session.place_of_service",
        )
    if not session.is_telehealth:
        return
    if session.telehealth is None:
        report.add(
            code + "telehealth_modality_missing",
            "Say whether this telehealth session was by video or by audio only.",
            "session.telehealth",
        )
    if not session.client_location:
        report.add(
            code + "telehealth_location_missing",
            "Say where the client was during the telehealth session (home, work, school...); "
            "it sets the place of service: 10 at home, 02 elsewhere.",
            "session.client_location",
        )
    if not session.hipaa_platform_attested:
        report.add(
            code + "telehealth_platform_statement_missing",
            "State that the session was held on a HIPAA-compliant video or audio platform.",
            "session.hipaa_platform_attested",
        )


def check_identity(
    report: Report, prefix: str, client: ClientFacts, clinician: ClinicianFacts
) -> None:
    """The client's name plus a second identifier, the provider's name and credentials."""
    code = f"{prefix}.session."
    if not client.name:
        report.add(code + "client_name_missing", "Add the client's name.", "client.name")
    if client.date_of_birth is None and not client.record_number:
        report.add(
            code + "client_second_identifier_missing",
            "Add a second identifier for the client beside the name: date of birth or record "
            "number.",
            "client.date_of_birth",
        )
    if not clinician.name:
        report.add(
            code + "provider_name_missing",
            "Add the name of the clinician who provided the service.",
            "clinician.name",
        )
    if not clinician.credentials:
        report.add(
            code + "provider_credentials_missing",
            "Add the clinician's credentials after their name (e.g. LCSW, LPC, PhD, PMHNP-BC).",
            "clinician.credentials",
        )
