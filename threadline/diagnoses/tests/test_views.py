"""The picker's search partial, the code browser, and the picker include."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.urls import reverse

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.conftest import signed_in
from threadline.diagnoses.models import IcdRelease
from threadline.diagnoses.services import load_release
from threadline.diagnoses.tests.codesets import FY2026, FY2027, fy2027

HTMX = {"HX-Request": "true"}


def picker_results(http: HttpClient, **params: str) -> str:
    response = http.get(reverse("icd_search"), {"picker": "dx", **params}, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def choice_codes(html: str) -> list[str]:
    return re.findall(r'data-icd-choice data-code="([^"]+)"', html)


def test_the_partial_offers_billable_codes_as_choices_under_their_heading(
    release: IcdRelease, owner: User
) -> None:
    html = picker_results(signed_in(owner), q="F41")
    assert "<html" not in html
    assert choice_codes(html) == ["F41.0", "F41.1", "F41.9"]
    assert '<span class="icd-code">F41</span> Other anxiety disorders' in html
    assert 'data-code="F41"' not in html
    assert (
        f'data-code="F41.1" data-description="Generalized anxiety disorder" data-release="{FY2026}"'
    ) in html


def test_the_partial_names_the_release_and_flags_one_not_in_force(
    release: IcdRelease, owner: User
) -> None:
    in_force = picker_results(signed_in(owner), q="F41", on="2026-05-01")
    assert FY2026 in in_force and "not in force" not in in_force
    after = picker_results(signed_in(owner), q="F41", on="2027-12-01")
    assert "not in force on Dec 1, 2027" in after


def test_the_date_of_service_picks_the_release(release: IcdRelease, owner: User) -> None:
    load_release(fy2027())
    html = picker_results(signed_in(owner), q="F41", on="2026-10-15")
    assert FY2027 in html
    assert choice_codes(html) == ["F41.0", "F41.1", "F41.9", "F41.A"]


def test_a_bad_date_of_service_means_today(release: IcdRelease, owner: User) -> None:
    html = picker_results(signed_in(owner), q="F41", on="last tuesday")
    assert choice_codes(html) == ["F41.0", "F41.1", "F41.9"]


def test_words_find_codes_and_a_found_heading_brings_its_codes(
    release: IcdRelease, owner: User
) -> None:
    html = picker_results(signed_in(owner), q="ptsd")
    assert choice_codes(html) == ["F43.10", "F43.11", "F43.12"]
    assert picker_results(signed_in(owner), q="generaliz anx").count("data-icd-choice") == 1


def test_an_empty_query_explains_what_to_type(release: IcdRelease, owner: User) -> None:
    html = picker_results(signed_in(owner), q="")
    assert "Search by a code such as F41" in html
    assert choice_codes(html) == []


def test_one_character_asks_for_two(release: IcdRelease, owner: User) -> None:
    assert "Type at least two characters" in picker_results(signed_in(owner), q="f")


def test_no_match_says_so_and_the_status_line_announces_it(
    release: IcdRelease, owner: User
) -> None:
    html = picker_results(signed_in(owner), q="xyzzy")
    assert "No code matches “xyzzy”" in html
    assert 'id="dx-status" role="status" hx-swap-oob="true">No code matches.</p>' in html


def test_the_status_line_counts_the_choices(release: IcdRelease, owner: User) -> None:
    html = picker_results(signed_in(owner), q="F41")
    assert 'id="dx-status" role="status" hx-swap-oob="true">3 codes to choose from.</p>' in html


def test_a_heading_shown_alone_offers_the_codes_under_it(release: IcdRelease, owner: User) -> None:
    http = signed_in(owner)
    response = http.get(reverse("icd_search"), {"q": "disorder", "picker": "dx"}, headers=HTMX)
    assert 'data-icd-under="F43"' not in response.content.decode()
    one = http.get(reverse("icd_search"), {"q": "adjustment"}, headers=HTMX).content.decode()
    assert "F43.10" in one


def test_a_picker_id_that_is_not_an_id_is_ignored(release: IcdRelease, owner: User) -> None:
    html = picker_results(signed_in(owner), q="F41", picker='x" onmouseover="alert(1)')
    assert "onmouseover" not in html
    assert "hx-swap-oob" not in html


def test_the_partial_carries_no_inline_script_or_handler(release: IcdRelease, owner: User) -> None:
    html = picker_results(signed_in(owner), q="anxiety")
    assert "<script" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert "hx-on" not in html


def test_without_a_release_loaded_the_partial_says_so(owner: User) -> None:
    assert "No ICD-10-CM release is loaded yet" in picker_results(signed_in(owner), q="F41")


def test_someone_from_another_practice_sees_the_same_codes(
    release: IcdRelease, owner: User, outsider: User
) -> None:
    mine = picker_results(signed_in(owner), q="anxiety")
    theirs = picker_results(signed_in(outsider), q="anxiety")
    assert choice_codes(theirs) == choice_codes(mine) == ["F41.0", "F41.1", "F41.9"]


def test_a_practice_admin_may_look_codes_up(release: IcdRelease, admin: User) -> None:
    assert choice_codes(picker_results(signed_in(admin), q="F41.1")) == ["F41.1"]


def test_signed_out_visitors_are_sent_to_sign_in(release: IcdRelease) -> None:
    for name in ("icd_search", "icd_browser"):
        response = HttpClient().get(reverse(name), {"q": "F41"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_signed_in_person_without_a_practice_gets_403(release: IcdRelease) -> None:
    loner = User.objects.create_user("loner@example.test", "a long enough passphrase")
    for name in ("icd_search", "icd_browser"):
        assert signed_in(loner).get(reverse(name), {"q": "F41"}).status_code == 403


def test_searching_writes_no_audit_event(release: IcdRelease, owner: User) -> None:
    http = signed_in(owner)  # signing in is audited; looking codes up is not
    before = AuditEvent.objects.count()
    picker_results(http, q="anxiety")
    http.get(reverse("icd_browser"), {"q": "anxiety", "code": "F41.1"})
    assert AuditEvent.objects.count() == before


def test_searching_answers_only_get(release: IcdRelease, owner: User) -> None:
    assert signed_in(owner).post(reverse("icd_search"), {"q": "F41"}).status_code == 405


def test_the_browser_shows_a_heading_as_not_billable_with_the_codes_under_it(
    release: IcdRelease, owner: User
) -> None:
    page = signed_in(owner).get(reverse("icd_browser"), {"code": "F43.1"}).content.decode()
    assert "Not billable: pick a more specific code." in page
    assert re.findall(r'<a class="icd-choice" href="\?code=([^"]+)"', page) == [
        "F43.10",
        "F43.11",
        "F43.12",
    ]
    assert '<a href="?code=F43"><span class="icd-code">F43</span>' in page
    assert f"As of {FY2026}." in page


def test_the_browser_shows_a_billable_code(release: IcdRelease, owner: User) -> None:
    page = signed_in(owner).get(reverse("icd_browser"), {"code": "f411"}).content.decode()
    assert '<span class="icd-code">F41.1</span> Generalized anxiety disorder</h2>' in page
    assert "Billable" in page and "Not billable" not in page


def test_the_browser_says_when_a_code_is_not_in_the_release(
    release: IcdRelease, owner: User
) -> None:
    page = signed_in(owner).get(reverse("icd_browser"), {"code": "F41.7"}).content.decode()
    assert f"“F41.7” is not a code in {FY2026}." in page


def test_the_browser_searches_as_a_page_and_as_a_partial(release: IcdRelease, owner: User) -> None:
    http = signed_in(owner)
    page = http.get(reverse("icd_browser"), {"q": "anxiety"}).content.decode()
    assert "<html" in page
    assert re.findall(r'<a class="icd-choice" href="/diagnoses/\?code=([^"]+)"', page) == [
        "F41.0",
        "F41.1",
        "F41.9",
    ]
    partial = http.get(reverse("icd_browser"), {"q": "anxiety"}, headers=HTMX).content.decode()
    assert "<html" not in partial and "F41.9" in partial
    assert 'id="icd-browser-status" role="status" hx-swap-oob="true"' in partial


def test_the_browser_without_a_query_names_the_release(release: IcdRelease, owner: User) -> None:
    page = signed_in(owner).get(reverse("icd_browser")).content.decode()
    assert FY2026 in page and "Search by a code such as F41" in page


def test_the_picker_include_posts_three_hidden_fields_and_loads_its_script() -> None:
    html = render_to_string(
        "diagnoses/_picker.html",
        {
            "field": "diagnosis_1",
            "label": "Primary diagnosis",
            "code": "F41.1",
            "description": "Generalized anxiety disorder",
            "release": FY2026,
            "service_date": "2026-05-01",
        },
    )
    assert re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html) == [
        ("diagnosis_1", "F41.1"),
        ("diagnosis_1_description", "Generalized anxiety disorder"),
        ("diagnosis_1_release", FY2026),
    ]
    assert '<label for="diagnosis_1-query">Primary diagnosis</label>' in html
    assert 'hx-get="/diagnoses/search/?picker=diagnosis_1&amp;on=2026-05-01"' in html
    assert 'hx-target="#diagnosis_1-results"' in html
    # Its one script is external and carries the page's CSP nonce (empty here: no request).
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/diagnoses-picker.js" nonce="" defer>'
    ]
    assert not re.search(r"\son[a-z]+=", html) and "hx-on" not in html
