"""What every labelled document shares: the client, the session, the clinician, signatures.

A builder reads lines one at a time. A known label goes to its handler; a line without a known
label continues the last free-text field; a label nobody knows, outside free text, becomes an
information finding naming its line so the clinician sees what was not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time

from threadline.documents import values
from threadline.documents.lines import Labels, Line, dashed, heading
from threadline.documents.reading import format_finding
from threadline.rules.facts import (
    ClientFacts,
    ClinicianFacts,
    Facts,
    SessionDetails,
    SignatureFacts,
    SignerRole,
    Telehealth,
)
from threadline.rules.findings import Finding
from threadline.rules.packs import PACK_NAMES

HEADER_LABELS: list[tuple[str, str, bool]] = [
    ("client.dob", r"dob|d\.?o\.?b|date of birth|birth ?date|birthday", False),
    (
        "client.record",
        r"(?:medical |client |patient )?(?:record|chart|mrn|id|account)"
        r"(?: number| no| #| num)?|mrn|client id|patient id",
        False,
    ),
    ("client.payer", r"payer|payor|insurance|insurer|primary insurance|coverage|payer pack", False),
    (
        "client.name",
        r"(?:client|patient|consumer)(?:'s)?(?: full)? name|name|client|patient|consumer",
        False,
    ),
    (
        "session.date",
        r"(?:session |service |visit )?date(?: of (?:service|session|visit))?|dos|service date",
        False,
    ),
    (
        "session.time",
        r"(?:session |visit |service )?times?|time of (?:session|service)|"
        r"(?:session )?(?:start|begin)(?: and |/| - )(?:end|stop)(?: times?)?|"
        r"time in(?:/| and )out",
        False,
    ),
    (
        "session.start",
        r"(?:session )?start(?: time)?|time in|began|begin(?:ning)?(?: time)?",
        False,
    ),
    ("session.stop", r"(?:session )?(?:end|stop|finish)(?: time)?|time out|ended", False),
    (
        "session.client_location",
        r"client(?:'s)? location|location of (?:the )?client|patient(?:'s)? location|"
        r"client located",
        False,
    ),
    (
        "session.place",
        r"(?:session |service )?location|place(?: of service)?|pos|setting|session setting|"
        r"service location",
        False,
    ),
    (
        "session.telehealth",
        r"telehealth(?: modality| method| type| mode)?|telemedicine|session mode|mode",
        False,
    ),
    (
        "session.platform",
        r"(?:telehealth )?platform|hipaa(?: statement)?|technology|"
        r"telehealth (?:statement|consent)",
        False,
    ),
    (
        "sig.supervisor",
        r"supervisor(?:'s)? (?:signature|co-?signature)(?: and date)?|co-?sign(?:ature|ed by)?|"
        r"supervising (?:clinician|provider)(?: signature)?(?: and date)?|supervisor",
        False,
    ),
    (
        "sig.attestation",
        r"telehealth attestation|attestation|client agreement|verbal (?:consent|agreement)",
        False,
    ),
    (
        "sig.client",
        r"(?:client|patient|guardian|client/guardian|parent/guardian|client or guardian)(?:'s)? "
        r"signature(?: and date|/date)?|signature of (?:client|patient)|(?:client|patient) signed",
        False,
    ),
    (
        "sig.clinician",
        r"(?:clinician|therapist|provider|counselor|counsellor|practitioner|prescriber)(?:'s)? "
        r"signature(?: and date|/date)?(?: (?:with|and) credentials)?(?: and date)?|"
        r"signature of (?:clinician|provider|therapist)|(?:electronically )?signed(?: by)?|"
        r"signature(?: and date)?",
        False,
    ),
    (
        "clinician",
        r"(?:rendering |treating )?(?:provider|clinician|therapist|counselor|counsellor|"
        r"practitioner|prescriber|psychiatrist)(?: name)?(?: and credentials)?",
        False,
    ),
]
_SIGNER = {
    "sig.client": SignerRole.CLIENT,
    "sig.clinician": SignerRole.CLINICIAN,
    "sig.supervisor": SignerRole.SUPERVISOR,
    "sig.attestation": SignerRole.TELEHEALTH_ATTESTATION,
}
_BLANK = re.compile(r"^[\s_./|:\-]*$")
_LONGEST_HEADING = 60  # a longer line without a colon is prose, not a heading
_PAYERS = {"medicare": "medicare", "medicaid": "medicaid", "commercial": "default"}


def _attests(text: str) -> bool:
    """An attestation counts when it says the client reviewed or agreed, or is ticked yes."""
    if is_blank(text):
        return False
    return values.is_yes(text) or bool(re.search(r"review|agree|consent", text, re.IGNORECASE))


def is_blank(value: str) -> bool:
    return bool(_BLANK.match(value))


class TextBuilder:
    """Reads the shared header; subclasses add their own labels and handlers."""

    labels: Labels
    sections: frozenset[str] = frozenset()  # keys that may stand alone as a heading

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.client = ClientFacts()
        self.client_name = ""
        self.dob: date | None = None
        self.record = ""
        self.payer = ""
        self.clinician = ClinicianFacts()
        self.day: date | None = None
        self.start: time | None = None
        self.stop: time | None = None
        self.place = ""
        self.telehealth: Telehealth | None = None
        self.client_location = ""
        self.hipaa = False
        self.signatures: list[SignatureFacts] = []
        self.signed_at: datetime | None = None
        self.append_to: Callable[[str], None] | None = None
        self.in_free_text = False

    # Reading -----------------------------------------------------------------------------

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            self.take(line)

    def build(self) -> Facts:
        raise NotImplementedError

    def take(self, line: Line) -> None:
        if values.hipaa_statement(line.text):
            self.hipaa = True
        for candidate, standalone in self._candidates(line):
            found = self.labels.find(candidate.label) if candidate.label else None
            # A heading with no value ("## Background") counts only for a section.
            if found is not None and (not standalone or found[0] in self.sections):
                self.append_to = None
                self.handle(found[0], found[1], candidate)
                return
        if self.append_to is not None:
            self.append_to(line.text)
        elif self.take_loose(line):
            return
        elif line.label is not None and line.value and len(line.label.split()) <= 4:
            self.findings.append(
                format_finding(
                    "format.label_unknown",
                    f'Line {line.number}: "{line.label}" is not a label this reader knows; '
                    "its text was not read.",
                    f"line {line.number}",
                )
            )

    def _candidates(self, line: Line) -> Iterator[tuple[Line, bool]]:
        """The readings of a line to try in turn, each marked True when it is a bare heading."""
        if line.label is not None:
            yield line, False
        dashed_line = dashed(line)
        if dashed_line is not None:
            yield dashed_line, False
        if line.label is None and len(line.text) <= _LONGEST_HEADING:
            yield heading(line), True

    def take_loose(self, line: Line) -> bool:
        """A line with no known label and nothing to continue; True if the subclass used it."""
        del line
        return False

    def handle(self, key: str, number: str, line: Line) -> None:
        del number
        value = line.value
        if key == "client.name":
            self.client_name = value
        elif key == "client.dob":
            self.dob = self.date(line)
        elif key == "client.record":
            self.record = "" if is_blank(value) else value
        elif key == "client.payer":
            lowered = value.lower()
            self.payer = next((pack for word, pack in _PAYERS.items() if word in lowered), "")
            self.payer = self.payer or (lowered if lowered in PACK_NAMES else "")
        elif key.startswith("session."):
            self.handle_session(key, line)
        elif key in _SIGNER:
            self.handle_signature(_SIGNER[key], line)
        elif key == "clinician":
            self.set_clinician(value)

    def handle_session(self, key: str, line: Line) -> None:
        value = line.value
        if key == "session.date":
            self.day = self.date(line)
            if self.start is None:
                self._times_in(value, line, quiet=True)
        elif key == "session.time":
            self._times_in(value, line, quiet=False)
        elif key in {"session.start", "session.stop"}:
            clock_time = values.parse_clock(value)
            if clock_time is None and not is_blank(value):
                self.unreadable("format.time_unreadable", line, "a clock time such as 1:03 pm")
            if key == "session.start":
                self.start = clock_time or self.start
            else:
                self.stop = clock_time or self.stop
        elif key == "session.place":
            self.read_place(value)
        elif key == "session.client_location":
            self.client_location = "" if is_blank(value) else value
        elif key == "session.telehealth":
            self.telehealth = values.telehealth(value) or self.telehealth
            self.place = self.place or ("telehealth" if not is_blank(value) else "")
        elif key == "session.platform":
            self.hipaa = self.hipaa or values.hipaa_statement(value)

    def _times_in(self, value: str, line: Line, *, quiet: bool) -> None:
        found = values.parse_time_range(value)
        if found is None:
            # The range may follow a date on the same line: "09/08/2026, 1:03-1:55 pm".
            match = values.DATE.search(value)
            rest = value[match.end() :] if match else ""
            found = values.parse_time_range(rest) if rest else None
        if found is not None:
            self.start, self.stop = found
        elif not quiet and not is_blank(value):
            self.unreadable(
                "format.time_unreadable", line, "a start and stop such as 1:03 pm - 1:55 pm"
            )

    def read_place(self, value: str) -> None:
        if is_blank(value):
            return
        if values.is_telehealth(value):
            self.place = "telehealth"
            self.telehealth = values.telehealth(value) or self.telehealth
            self.client_location = self.client_location or values.client_location(value)
        else:
            self.place = value

    def handle_signature(self, role: SignerRole, line: Line) -> None:
        if role is SignerRole.TELEHEALTH_ATTESTATION and not _attests(line.value):
            return
        signature, signed_at = values.signature(role, line.value)
        if signature is None:
            return
        if signature.signed_on is None and values.DATE.search(line.value):
            self.unreadable("format.date_unreadable", line, "a date such as 09/08/2026")
        self.signatures.append(signature)
        if role is SignerRole.CLINICIAN:
            self.signed_at = signed_at or self.signed_at
            if not self.clinician.name or not self.clinician.credentials:
                self.set_clinician(line.value, keep=True)

    def set_clinician(self, text: str, *, keep: bool = False) -> None:
        name, found = values.person(values.DATE.sub(" ", text))
        current = self.clinician
        if keep:
            name = current.name or name
        self.clinician = ClinicianFacts(
            name=name,
            credentials=(current.credentials if keep and current.credentials else found.text),
            pre_licensed=current.pre_licensed or found.pre_licensed,
            prescriber=current.prescriber or found.prescriber,
        )

    # Helpers -----------------------------------------------------------------------------

    def date(self, line: Line, text: str | None = None) -> date | None:
        text = line.value if text is None else text
        found = values.parse_date(text)
        if found is None and not is_blank(text):
            self.unreadable("format.date_unreadable", line, "a date such as 09/08/2026")
        return found

    def unreadable(self, code: str, line: Line, wanted: str) -> None:
        self.findings.append(
            format_finding(
                code,
                f'Line {line.number}: could not read "{line.value[:60]}"; write {wanted}.',
                f"line {line.number}",
            )
        )

    def appender(self, read: Callable[[], str], write: Callable[[str], None]) -> None:
        """Let the next unlabelled lines continue a free-text field."""
        self.append_to = lambda more: write(f"{read()} {more}".strip())

    # Building ----------------------------------------------------------------------------

    def client_facts(self) -> ClientFacts:
        return ClientFacts(self.client_name, self.dob, self.record, self.payer)

    def session_facts(self) -> SessionDetails:
        place = self.place
        if self.telehealth is not None and not place:
            place = "telehealth"
        return SessionDetails(
            date_of_service=self.day,
            start=self.start,
            stop=self.stop,
            place_of_service=place,
            telehealth=self.telehealth,
            client_location=self.client_location if place == "telehealth" else "",
            hipaa_platform_attested=self.hipaa,
        )

    def signature_of(self, role: SignerRole) -> SignatureFacts | None:
        return next((s for s in self.signatures if s.role is role), None)
