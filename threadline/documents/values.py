"""Values as clinicians write them: dates, clock times, credentials, codes, yes and no.

Every function returns None (or an empty value) for text it cannot read; the reader turns that
into a format finding that names the line. US conventions: 09/08/2026 is 8 September.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from threadline.rules.billing import Service
from threadline.rules.facts import (
    Diagnosis,
    DiagnosisRank,
    DiagnosisStatus,
    SignatureFacts,
    SignerRole,
    Telehealth,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})"
    r"|(?P<us_m>\d{1,2})[/.-](?P<us_d>\d{1,2})[/.-](?P<us_y>\d{4}|\d{2})"
    rf"|{_MONTH}\s+(?P<named_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<named_y>\d{{4}})"
    rf"|(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_after>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(?P<day_first_y>\d{4})"
    r")(?!\d)",
    re.IGNORECASE,
)
CLOCK = re.compile(
    r"(?<![\d:])(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?"
    r"(?:\s*(?P<meridiem>[ap])(?:\.?\s?m\b\.?|\.|\b))?(?![\d:])",
    re.IGNORECASE,
)
# Hyphen, en dash, em dash and minus sign all separate a range or a label from its value.
DASHES = "-\u2013\u2014\u2212"
_RANGE_SPLIT = re.compile(rf"\s*(?:[{DASHES}]|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*", re.I)
ICD_CODE = re.compile(
    r"(?<![A-Za-z0-9.])([A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?)(?![\w.])", re.IGNORECASE
)
CPT_CODE = re.compile(r"(?<![\w])\+?((?:9\d{4}|G\d{4}|H\d{4}))(?:[-\s]?(\d{2}|GT|FQ))?(?!\w)")
_NUMBER = re.compile(r"\d+")

# Credentials, written without dots. Pre-licensed ones mark work a supervisor co-signs;
# prescribers carry the stricter plan-review cycle.
LICENSED = frozenset(
    (
        "LCSW",
        "LICSW",
        "LISW",
        "LCSW-C",
        "LCSW-R",
        "LPC",
        "LPCC",
        "LCPC",
        "LMHC",
        "LCMHC",
        "LPCMH",
        "LMFT",
        "LCMFT",
        "MFT",
        "LP",
        "LCP",
        "LPA",
        "PhD",
        "PsyD",
        "EdD",
        "MD",
        "DO",
        "PMHNP",
        "PMHNP-BC",
        "NP",
        "APRN",
        "CNS",
        "PA",
        "PA-C",
        "RN",
        "LADC",
        "LCADC",
        "CADC",
        "LAC",
        "LCDC",
        "LMHP",
        "LISAC",
        "BCBA",
        "MSW",
        "MA",
        "MS",
        "MEd",
        "PMH-C",
    )
)
PRE_LICENSED = frozenset(
    (
        "LPC-A",
        "LPCA",
        "LAPC",
        "LPC-Intern",
        "LMFT-A",
        "AMFT",
        "LAMFT",
        "MFTI",
        "ASW",
        "ACSW",
        "APCC",
        "LCSW-A",
        "LCSWA",
        "LGSW",
        "LMSW",
        "LSW",
        "LMHC-A",
        "LMHCA",
        "MHC-LP",
        "LPC-MH",
        "LPE-I",
        "Associate",
        "Intern",
        "Resident",
        "Trainee",
    )
)
PRESCRIBERS = frozenset(("MD", "DO", "PMHNP", "PMHNP-BC", "NP", "APRN", "PA", "PA-C"))
_CREDENTIAL = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(word) for word in sorted(LICENSED | PRE_LICENSED, key=len, reverse=True))
    + r")(?![\w-])"
)
_SIGNED_BY = re.compile(
    r"^\s*(?:/s/|e-?signed|electronically signed|digitally signed|signed)(?:\s+by)?[:\s]*",
    re.IGNORECASE,
)
_BLANK = re.compile(rf"^[{DASHES}\s_./|x:]*$|^(?:none|n/?a|pending|unsigned|not signed)\b", re.I)
_YES = re.compile(r"^\s*(?:yes|y|true|present|positive|endorsed|flagged|x|\[x\])\b", re.I)


def parse_date(text: str) -> date | None:
    """The first date in a text, in any of the usual forms."""
    match = DATE.search(text)
    return None if match is None else _to_date(match)


def _to_date(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    try:
        if parts["iso_y"]:
            return date(int(parts["iso_y"]), int(parts["iso_m"]), int(parts["iso_d"]))
        if parts["us_y"]:
            year = int(parts["us_y"])
            if year < 100:
                # The POSIX pivot, as strptime's %y: 69-99 are 1900s, 00-68 are 2000s.
                year += 1900 if year >= 69 else 2000
            return date(year, int(parts["us_m"]), int(parts["us_d"]))
        if parts["named_y"]:
            month = _MONTHS[parts["month_name"].lower()]
            return date(int(parts["named_y"]), month, int(parts["named_d"]))
        month = _MONTHS[parts["month_after"].lower()]
        return date(int(parts["day_first_y"]), month, int(parts["day_first"]))
    except ValueError:
        return None


def _clock(match: re.Match[str]) -> tuple[int, int, str | None] | None:
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    meridiem = (match.group("meridiem") or "").lower() or None
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        return None
    return hour, minute, meridiem


def _resolve(hour: int, minute: int, meridiem: str | None) -> time:
    if meridiem == "p" and hour != 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    return time(hour, minute)


def parse_clock(text: str) -> time | None:
    """One clock time: "1:03 pm", "13:03", "1 pm"."""
    for match in CLOCK.finditer(text):
        if match.group("minute") is None and match.group("meridiem") is None:
            continue  # a bare number is not a time
        parts = _clock(match)
        if parts is not None:
            return _resolve(*_guess_afternoon(parts))
    return None


def _guess_afternoon(parts: tuple[int, int, str | None]) -> tuple[int, int, str | None]:
    # Without am or pm, 1:00 to 6:59 is read as afternoon: outpatient sessions are not held at
    # 3 in the morning.
    hour, minute, meridiem = parts
    if meridiem is None and 1 <= hour <= 6:
        return hour, minute, "p"
    return parts


def parse_time_range(text: str) -> tuple[time, time] | None:
    """Start and stop from "1:03 pm-1:55 pm" (any dash), "13:03-13:55", "1 to 2 pm"..."""
    pieces = _RANGE_SPLIT.split(text.strip(), maxsplit=1)
    if len(pieces) != 2:
        return None
    first, second = CLOCK.search(pieces[0]), CLOCK.search(pieces[1])
    if first is None or second is None:
        return None
    start, stop = _clock(first), _clock(second)
    if start is None or stop is None:
        return None
    if start[2] is None and stop[2] is None:
        start, stop = _guess_afternoon(start), _guess_afternoon(stop)
    elif start[2] is None and stop[2] is not None and 1 <= start[0] <= 12:
        # "1:03 - 1:55 pm": the first side shares the second's half of the day, unless that
        # would put it after the stop ("11:30 - 12:20 pm").
        stop_time = _resolve(*stop)
        start = _share(start, stop[2], lambda side: side < stop_time)
    elif stop[2] is None and start[2] is not None and 1 <= stop[0] <= 12:
        start_time = _resolve(*start)
        stop = _share(stop, start[2], lambda side: side > start_time)
    return _resolve(*start), _resolve(*stop)


def _share(
    side: tuple[int, int, str | None], meridiem: str, fits: Callable[[time], bool]
) -> tuple[int, int, str | None]:
    """Give one side of a range the other's am or pm, or the opposite one if that does not fit."""
    if fits(_resolve(side[0], side[1], meridiem)):
        return side[0], side[1], meridiem
    return side[0], side[1], "a" if meridiem == "p" else "p"


def parse_int(text: str) -> int | None:
    match = _NUMBER.search(text)
    return None if match is None else int(match.group(0)[:6])


def is_yes(text: str) -> bool:
    return bool(_YES.match(text))


@dataclass(frozen=True, slots=True)
class Credentials:
    text: str  # as written, joined: "LCSW" or "LPC-A, NCC"
    pre_licensed: bool
    prescriber: bool


def credentials(text: str) -> Credentials:
    found = [match.group(1) for match in _CREDENTIAL.finditer(text.replace(".", ""))]
    return Credentials(
        ", ".join(dict.fromkeys(found)),
        pre_licensed=any(word in PRE_LICENSED for word in found),
        prescriber=any(word in PRESCRIBERS for word in found),
    )


def person(text: str) -> tuple[str, Credentials]:
    """A name with credentials: "Sol Example, LCSW" -> ("Sol Example", LCSW)."""
    text = _SIGNED_BY.sub("", re.sub(r"\([^)]*\)", " ", text))
    found = credentials(text)
    name = _CREDENTIAL.split(text, maxsplit=1)[0]
    name = re.split(rf"[,;|]|\s[{DASHES}]\s", name, maxsplit=1)[0]
    return " ".join(name.split()).strip(f" ,.{DASHES}"), found


def signature(role: SignerRole, text: str) -> tuple[SignatureFacts | None, datetime | None]:
    """A signature line's signer and date, and the signing time if written after the date."""
    match = DATE.search(text)
    signed_on = None if match is None else _to_date(match)
    signed_at = None
    if match is not None and signed_on is not None:
        clock_time = parse_clock(text[match.end() : match.end() + 24])
        if clock_time is not None:
            signed_at = datetime.combine(signed_on, clock_time)
        text = text[: match.start()] + " " + text[match.end() :]
    text = re.sub(r"\b(?:date|dated|on|at)\b[:\s]*", " ", text, flags=re.IGNORECASE)
    text = CLOCK.sub(lambda m: "" if m.group("minute") else m.group(0), text)
    if _BLANK.match(text) and signed_on is None:
        return None, None
    name, found = person(text)
    if not name and not found.text and signed_on is None:
        return None, None
    return SignatureFacts(role, name, found.text, signed_on), signed_at


def diagnoses(text: str) -> list[Diagnosis]:
    """One or more diagnoses from a line: "(F41.1) Generalized anxiety disorder; Z56.6 ..."."""
    found: list[Diagnosis] = []
    for part in re.split(r";|\s\|\s", text):
        part = part.strip(f" •*,{DASHES}")
        if not part:
            continue
        lowered = part.lower()
        rank = DiagnosisRank.PRIMARY if "primary" in lowered else DiagnosisRank.SECONDARY
        past = re.search(r"\b(past|previous|prior|historical|history of|resolved)\b", lowered)
        status = DiagnosisStatus.PAST if past else DiagnosisStatus.CURRENT
        codes = ICD_CODE.findall(part)
        description = ICD_CODE.sub(" ", part)
        description = re.sub(r"\b(?:primary|secondary)\b|[()\[\]]", " ", description, flags=re.I)
        description = " ".join(description.split()).strip(f" :,{DASHES}")
        if not codes:
            found.append(Diagnosis("", description, rank, status))
        found += [Diagnosis(code.upper(), description, rank, status) for code in codes]
    return found


def service(text: str) -> Service | None:
    """The service from how a note names it ("individual psychotherapy", "crisis session")."""
    words = text.lower()
    if re.search(r"intake|(?:diagnostic|initial|psychiatric) (?:evaluation|assessment)", words):
        return Service.INTAKE_MEDICAL if "medical" in words else Service.INTAKE
    if "crisis" in words:
        return Service.CRISIS
    if "family" in words or "couple" in words:
        without = re.search(r"without (the )?(client|patient)", words)
        return Service.FAMILY_WITHOUT_PATIENT if without else Service.FAMILY_WITH_PATIENT
    if "group" in words:
        return Service.GROUP
    em = re.search(r"\be/?m\b|evaluation and management|medication management", words)
    if em:
        therapy = "psychotherapy" in words or "therapy" in words.replace("e/m", "")
        return Service.PSYCHOTHERAPY_WITH_EM if therapy else Service.EM
    if re.search(r"psychotherapy|therapy|counsel+ing|individual", words):
        return Service.PSYCHOTHERAPY
    return None


# The service a billed code implies, for notes that give only the code.
SERVICE_OF_CODE: dict[str, Service] = {
    "90791": Service.INTAKE,
    "90792": Service.INTAKE_MEDICAL,
    "90832": Service.PSYCHOTHERAPY,
    "90834": Service.PSYCHOTHERAPY,
    "90837": Service.PSYCHOTHERAPY,
    "90833": Service.PSYCHOTHERAPY_WITH_EM,
    "90836": Service.PSYCHOTHERAPY_WITH_EM,
    "90838": Service.PSYCHOTHERAPY_WITH_EM,
    "90839": Service.CRISIS,
    "90846": Service.FAMILY_WITHOUT_PATIENT,
    "90847": Service.FAMILY_WITH_PATIENT,
    "90853": Service.GROUP,
}


def service_of_codes(codes: list[str]) -> Service | None:
    for code in codes:
        if code in SERVICE_OF_CODE:
            return SERVICE_OF_CODE[code]
    return Service.EM if any(code.startswith("992") for code in codes) else None


def telehealth(text: str) -> Telehealth | None:
    words = text.lower()
    if re.search(r"audio[- ]?only|telephone|phone|audio\b", words):
        return Telehealth.AUDIO
    if re.search(r"video|zoom|doxy|webex|teams", words):
        return Telehealth.VIDEO
    return None


def is_telehealth(text: str) -> bool:
    words = text.lower()
    remote = r"tele-?health|telemedicine|virtual|video|audio|phone|remote|\bpos\s*(?:02|10)\b"
    return bool(re.search(remote, words)) or words.strip() in {"02", "10"}


def client_location(text: str) -> str:
    """Where a telehealth client was, from "client at home" or "client located in their car"."""
    words = text.lower()
    match = re.search(
        r"(?:client|patient)(?:'s)?\s+(?:location\s*:?\s*|(?:is|was)\s+)?(?:located\s+)?"
        r"(?:at|in|from)\s+(?:their\s+|her\s+|his\s+)?([a-z' ]{2,40})",
        words,
    )
    if match:
        return match.group(1).strip()
    return "home" if re.search(r"\bhome\b", words) else ""


def hipaa_statement(text: str) -> bool:
    words = text.lower()
    return "hipaa" in words and bool(re.search(r"complian|secure|platform|approved", words))
