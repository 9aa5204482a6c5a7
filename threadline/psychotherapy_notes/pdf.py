"""The PDF of psychotherapy notes released under the client's authorization.

It is set on the record's own pages (`threadline.exports.pdf.document_pdf`): every page names
the client (legal name, date of birth, record number) and says "Page N of M", and carries, above
its footer, the terms of the release and a caution against passing the notes on, so a page that
comes loose still says whose notes these are and on what terms they left the practice.

First a page with the release itself, then each note from a new page, oldest first: its date,
its session if one is linked, its author with credentials, and its text. Like the record's
PDFs, this decides nothing and writes nothing: `releases.download_release` checks the release
and records the disclosure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Spacer

from threadline.accounts.models import ClinicianProfile
from threadline.exports.fonts import fonts
from threadline.exports.pdf import Identity, PageHead, Section, document_pdf
from threadline.psychotherapy_notes.models import PsychotherapyNote, Release
from threadline.rules.measures.chart import ACCENT, INK, MUTED, day_label

DOT = " \N{MIDDLE DOT} "
TITLE = "Psychotherapy notes released"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    # The same sizes and colours as the record's PDFs.
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=f.bold, fontSize=15, leading=19, spaceAfter=2
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=3,
            textColor=colors.HexColor(ACCENT),
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor(MUTED)
        ),
        "para": ParagraphStyle("para", parent=body, spaceAfter=6),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept, CJK in the fallback font."""
    return Paragraph(fonts().markup(text), _styles()[style])


def _field(label: str, value: str) -> Paragraph:
    markup = fonts().markup
    return Paragraph(f"<b>{markup(label)}:</b> {markup(value)}", _styles()["body"])


def _clinician(user: Any) -> str:
    profile = ClinicianProfile.objects.filter(user_id=user.pk).first()
    name = user.full_name or user.email
    return f"{name}, {profile.credentials}" if profile and profile.credentials else name


def notice(release: Release) -> str:
    """The terms printed on every page: the authorization, the recipient, the purpose, and a
    caution to the recipient against passing the notes on."""
    return (
        f"Released under the client's authorization of {day_label(release.given_on)} to "
        f"{release.recipient_name} for {release.purpose}. Confidential psychotherapy notes: "
        "use them only for this purpose, and do not disclose them to anyone else unless the "
        "client authorizes it in writing or the law requires it."
    )


def _session(note: PsychotherapyNote) -> str:
    if note.session is None:
        return ""
    start = timezone.localdate(note.session.scheduled_start)
    return f"Session of {day_label(start)}{DOT}{note.session.get_service_display()}"


def _cover(release: Release, notes: list[PsychotherapyNote], author: str) -> Section:
    given = day_label(release.given_on)
    body: list[Any] = [
        _p(TITLE, "title"),
        _p(f"Released by {author}", "small"),
        _p("The authorization", "h2"),
        _field("Recipient", release.recipient_name),
    ]
    if release.recipient_address:
        body.append(_field("Address", release.recipient_address))
    body += [
        _field("Purpose", release.purpose),
        _field("Signed by the client on", given),
        _field("Authorization", release.given_how),
        _field("Expires", day_label(release.expires_on)),
        _p("Notes released", "h2"),
    ]
    for note in notes:
        line = day_label(note.written_at)
        if note.session is not None:
            line += DOT + _session(note)
        body.append(_p(line))
    return Section(PageHead(TITLE, f"Authorization of {given}"), None, None, body)


def _note(note: PsychotherapyNote, author: str) -> Section:
    day = day_label(note.written_at)
    facts = [f"Date {day}"]
    if note.session is not None:
        facts.append(_session(note))
    facts.append(f"Written by {author}")
    body: list[Any] = [
        _p(f"Psychotherapy note of {day}", "title"),
        _p(DOT.join(facts), "small"),
        Spacer(0, 6),
    ]
    # A paragraph at a time, so a long note breaks across pages between paragraphs.
    body += [_p(part.strip(), "para") for part in re.split(r"\n\s*\n", note.body) if part.strip()]
    return Section(
        PageHead("Psychotherapy note", f"Date of note {day}"), note.written_at, None, body
    )


def release_pdf(release: Release, notes: list[PsychotherapyNote]) -> bytes:
    """The release page, then each of `notes` from a new page, every page carrying the terms."""
    identity = replace(Identity.of(release.client), notice=notice(release))
    author = _clinician(release.author)
    sections = [_cover(release, notes, author), *(_note(note, author) for note in notes)]
    return document_pdf(identity, sections, TITLE)
