"""Signatures: the clinician with credentials and a date, never dated before the service."""

from __future__ import annotations

from datetime import date

from threadline.rules.facts import SignatureFacts, SignerRole
from threadline.rules.report import Report

_WHO = {
    "clinician": "The clinician's signature",
    "client": "The client's signature",
    "telehealth_attestation": "The telehealth attestation",
    "supervisor": "The supervisor's signature",
}


def check_clinician_signature(
    report: Report, prefix: str, signature: SignatureFacts | None, field: str, day: date | None
) -> None:
    code = f"{prefix}.signature."
    if signature is None:
        report.add(
            code + "clinician_missing",
            "The clinician must sign with their name, credentials and the date; a signature "
            "image or stamp does not count.",
            field,
        )
        return
    if not signature.credentials:
        report.add(
            code + "clinician_credentials_missing",
            "Add the clinician's credentials to the signature (e.g. LCSW, LPC, PhD).",
            f"{field}.credentials",
        )
    check_signature_date(report, prefix, signature, field, day)


def check_signature_date(
    report: Report, prefix: str, signature: SignatureFacts, field: str, day: date | None
) -> None:
    """Every signature is dated, and not before the date of service it attests."""
    code = f"{prefix}.signature."
    who = _WHO[signature.role.value]
    if signature.signed_on is None:
        # The attestation is the clinician's statement inside a document they sign and date.
        if signature.role is not SignerRole.TELEHEALTH_ATTESTATION:
            report.add(code + "date_missing", f"{who} needs its date.", f"{field}.signed_on")
    elif day is not None and signature.signed_on < day:
        report.add(
            code + "dated_before_service",
            f"{who} is dated {signature.signed_on.isoformat()}, before the date of service "
            f"{day.isoformat()}; a document cannot be signed before the service it records.",
            f"{field}.signed_on",
        )
