"""The PDFs, read back as text page by page: who and when on every page, the signatures, the
marks on drafts and addenda, one section per document, and names in any script."""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from threadline.accounts.models import Role, User
from threadline.clients.models import Client
from threadline.conftest import make_client, make_person, signed_in
from threadline.exports import fonts, pdf
from threadline.measures import services as measures
from threadline.notes import checks
from threadline.notes import services as notes
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, progress_form, signed_plan
from threadline.plans import services as plans
from threadline.plans.models import PlanVersion
from threadline.rules.measures.chart import day_label
from threadline.signatures.models import Meaning
from threadline.signatures.services import signatures_of

pytestmark = pytest.mark.django_db


def pages(data: bytes) -> list[str]:
    """Each page's text, NFC-normalised and with runs of spaces closed up."""
    reader = PdfReader(io.BytesIO(data))
    return [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in reader.pages
    ]


def assert_on_every_page(texts: list[str], client: Client, *needles: str) -> None:
    for number, text in enumerate(texts, start=1):
        expected = [
            client.legal_name,
            f"DOB {day_label(client.date_of_birth)}",
            f"Record no. {client.record_number}",
            f"Page {number} of {len(texts)}",
            client.practice.name,
            *needles,
        ]
        missing = [n for n in expected if n not in text]
        assert not missing, f"page {number} lacks {missing}"


def gad7(actor: User, client: Client, day: date, total: int) -> None:
    """A complete GAD-7 answered at noon on `day` with the given total (seven items, 0-3)."""
    answers = {n: min(3, max(0, total - 3 * (n - 1))) for n in range(1, 8)}
    at = timezone.make_aware(datetime.combine(day, time(12)))
    measures.give_in_session(actor, client, "gad7", answers, at=at)


@pytest.fixture
def clinician(practice: object) -> User:
    return make_person(practice, "licensed@riverbend.test", Role.CLINICIAN, "LCSW")  # type: ignore[arg-type]


@pytest.fixture
def plan(client_record: Client) -> PlanVersion:
    return signed_plan(client_record)


def signed_progress_note(client: Client, plan: PlanVersion, *, days_ago: int = 1) -> Note:
    clinician = client.primary_clinician
    note = notes.start_note(clinician, attended(client, days_ago=days_ago))
    ids = [o.id for o in checks.plan_objectives(plan)][:2]
    response = signed_in(clinician).post(
        reverse("note_view", args=[client.pk, note.pk]), progress_form(note.content, ids)
    )
    assert response.status_code == 302
    return notes.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())


def test_a_signed_plan_names_the_client_and_date_of_service_on_every_page(
    plan: PlanVersion, client_record: Client
) -> None:
    texts = pages(pdf.plan_pdf(plan))
    effective = day_label(pdf.plan_day(plan))  # type: ignore[arg-type]
    assert len(texts) >= 2
    date_line = f"Effective / date of service {effective}"
    assert_on_every_page(texts, client_record, "Treatment plan, version 1", date_line)
    assert not any("DRAFT" in text for text in texts)


def test_the_signature_block_shows_name_credentials_meaning_time_and_hash(
    plan: PlanVersion, client_record: Client, supervisor: User
) -> None:
    plans.cosign_version(supervisor, plan, meaning=Meaning.SUPERVISOR, stepped_up_at=timezone.now())
    author, cosign = signatures_of(plan)
    text = " ".join(pages(pdf.plan_pdf(plan)))
    assert f"Electronically signed by {author.printed_name}, APC" in text
    assert f"Electronically signed by {cosign.printed_name}, PhD" in text
    assert "Meaning: Author" in text and "Meaning: Supervisor co-signature" in text
    assert f"Content SHA-256: {author.content_sha256}" in text
    assert f"Content SHA-256: {cosign.content_sha256}" in text
    signed = timezone.localtime(author.signed_at)
    assert f"Signed {day_label(signed.date())} " in text
    assert f" {signed.tzname()}" in text  # the practice's time zone, EST or EDT


def test_a_draft_says_draft_not_signed_on_every_page(client_record: Client) -> None:
    draft = plans.start_plan(client_record.primary_clinician, client_record, today=date(2026, 9, 8))
    texts = pages(pdf.plan_pdf(draft))
    assert_on_every_page(texts, client_record, "DRAFT \N{EM DASH} not signed")
    assert "Electronically signed" not in " ".join(texts)


def test_an_addendum_follows_its_plan_marked_and_signed(
    plan: PlanVersion, client_record: Client
) -> None:
    clinician = client_record.primary_clinician
    long_text = "Client asked that the sleep objective count weekends too. " * 60
    addendum = plans.add_addendum(clinician, plan, long_text, stepped_up_at=timezone.now())
    (signature,) = signatures_of(addendum)
    texts = pages(pdf.plan_pdf(plan))
    effective = day_label(pdf.plan_day(plan))  # type: ignore[arg-type]
    assert_on_every_page(texts, client_record, f"Effective / date of service {effective}")
    whole = " ".join(texts)
    assert whole.index("Signatures") < whole.index("Addendum 1")
    assert f"Content SHA-256: {signature.content_sha256}" in whole
    assert f"signed with content SHA-256 {addendum.parent_sha256}" in whole


def test_a_progress_note_shows_its_session_scores_chart_and_table(
    clinician: User, practice: object
) -> None:
    client = make_client(practice, clinician, "TL-00100")  # type: ignore[arg-type]
    plan = signed_plan(client)
    today = timezone.localdate()
    for weeks_ago, total in ((4, 16), (2, 12)):
        gad7(clinician, client, today - timedelta(weeks=weeks_ago), total)
    note = signed_progress_note(client, plan)
    gad7(clinician, client, today, 5)  # after the session: not on this note's chart
    texts = pages(pdf.note_pdf(note))
    day = pdf.note_day(note)
    assert day is not None
    assert_on_every_page(texts, client, "Progress note", f"Date of service {day_label(day)}")
    whole = " ".join(texts)
    assert "GAD-7 scores" in whole and "Baseline 16" in whole and "Target 9" in whole
    assert "2 scores from" in whole  # the chart's description, from `describe`
    assert "Moderate" in whole and "Mild" in whole  # the table's band labels
    assert "Meaning: Author" in whole and "Some progress" not in whole
    assert "some progress" in whole


def test_the_record_set_has_one_section_per_signed_document_in_date_order(
    clinician: User, practice: object
) -> None:
    client = make_client(practice, clinician, "TL-00100")  # type: ignore[arg-type]
    plan = signed_plan(client, days_ago=30)
    first = signed_progress_note(client, plan, days_ago=8)
    second = signed_progress_note(client, plan, days_ago=1)
    # A draft from an hour ago (not 10 am today, which may not have come yet): never in the record.
    notes.start_note(clinician, attended(client, start=timezone.now() - timedelta(hours=1)))
    gad7(clinician, client, timezone.localdate() - timedelta(days=8), 14)
    texts = pages(pdf.record_pdf(client))
    assert_on_every_page(texts, client)
    titles = ("Treatment plan, version 1 Effective", "Progress note Date of service")
    starts = [t for t in texts if t.startswith(titles)]  # the body comes before the header
    assert len(starts) == 3
    effective = day_label(pdf.plan_day(plan))  # type: ignore[arg-type]
    expected = [
        f"Effective / date of service {effective}",
        f"Date of service {day_label(pdf.note_day(first))}",  # type: ignore[arg-type]
        f"Date of service {day_label(pdf.note_day(second))}",  # type: ignore[arg-type]
    ]
    for start, date_line in zip(starts, expected, strict=True):
        assert date_line in start
    assert "Clinical record" in texts[0] and "Contents" in texts[0]
    assert "Measures" in texts[-1] and "GAD-7 scores" in texts[-1]
    assert not any(t.startswith("Progress note") and "DRAFT" in t for t in texts)


@pytest.mark.parametrize(
    ("first", "last"),
    [("Zoë", "Ångström-Nguyễn"), ("Αλέξης", "Петров")],
)
def test_names_in_any_script_come_back_from_the_text(
    practice: object, owner: User, first: str, last: str
) -> None:
    client = make_client(
        practice,  # type: ignore[arg-type]
        owner,
        "TL-00200",
        legal_first_name=first,
        legal_last_name=last,
    )
    texts = pages(pdf.plan_pdf(signed_plan(client)))
    assert_on_every_page(texts, client)
    assert f"{first} {last}" in texts[0]


CJK_NAMES = [("花子", "山田"), ("민준", "김"), ("静", "陈"), ("ひなた", "佐藤")]


@pytest.mark.parametrize(("first", "last"), CJK_NAMES)
def test_names_in_chinese_japanese_and_korean_come_back_from_every_page(
    practice: object, owner: User, first: str, last: str
) -> None:
    client = make_client(
        practice,  # type: ignore[arg-type]
        owner,
        "TL-00300",
        legal_first_name=first,
        legal_last_name=last,
    )
    plan = signed_plan(client)
    text = f"Prefers to be called {first} {last}."
    plans.add_addendum(owner, plan, text, stepped_up_at=timezone.now())
    texts = pages(pdf.plan_pdf(plan))
    assert_on_every_page(texts, client)  # the header, drawn on the canvas
    assert f"{first} {last}" in texts[0]
    assert text in " ".join(texts)  # the addendum, set as a paragraph


@pytest.fixture
def without_cjk_file() -> Iterator[None]:
    """The fonts as on a machine without fonts-wqy-microhei, for the length of one test."""
    fonts.fonts.cache_clear()
    pdf._styles.cache_clear()
    with mock.patch.object(fonts, "CJK_FILES", ()):
        yield
    fonts.fonts.cache_clear()
    pdf._styles.cache_clear()


@pytest.mark.parametrize(("first", "last"), CJK_NAMES)
def test_without_a_cjk_font_file_names_print_in_reportlabs_cid_fonts(
    practice: object, owner: User, first: str, last: str, without_cjk_file: None
) -> None:
    loaded = fonts.fonts()
    assert [f.name for f in loaded.fallbacks] == [fonts.CID_HANGUL, fonts.CID_KANA, fonts.CID_HAN]
    client = make_client(
        practice,  # type: ignore[arg-type]
        owner,
        "TL-00300",
        legal_first_name=first,
        legal_last_name=last,
    )
    texts = pages(pdf.plan_pdf(signed_plan(client)))
    assert_on_every_page(texts, client)


def test_each_character_falls_back_only_when_dejavu_lacks_it() -> None:
    loaded = fonts.fonts()
    assert loaded.runs("Avery Testwell", loaded.bold) == [(loaded.bold, "Avery Testwell")]
    cjk = loaded.fallbacks[0].name
    assert loaded.runs("Zoë 山田 Ann", loaded.regular) == [
        (loaded.regular, "Zoë "),
        (cjk, "山田 "),
        (loaded.regular, "Ann"),
    ]
    assert loaded.runs("山田 花子", loaded.bold) == [(cjk, "山田 花子")]
    assert loaded.markup("a<b 陈\nc") == f'a&lt;b <font face="{cjk}">陈</font><br/>c'


def test_without_dejavu_the_pdf_falls_back_to_helvetica_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="threadline.exports.pdf"):
        loaded = fonts.load_fonts(tmp_path, cjk=[])
    assert loaded == fonts.Fonts("Helvetica", "Helvetica-Bold")
    assert "fonts-dejavu-core" in caplog.text
    assert "fonts-wqy-microhei" in caplog.text
    assert [r[0] for r in loaded.runs("Zoë 김", loaded.regular)] == ["Helvetica", fonts.CID_HANGUL]
