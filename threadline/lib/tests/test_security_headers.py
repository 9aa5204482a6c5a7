"""Every page carries a strict CSP whose nonce its scripts hold, and the other security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpResponseBase
from django.test import Client as HttpClient
from django.urls import reverse

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.lib.security import CLEAR_SITE_DATA, PERMISSIONS_POLICY
from threadline.notes import services as note_services
from threadline.notes.tests.factories import attended
from threadline.plans import services as plan_services
from threadline.portal.tests.factories import client_account, signed_version

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


class ScriptTags(HTMLParser):
    """Collect the attributes of every <script> tag on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_styles = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self.scripts.append(names)
        if tag == "style" or "style" in names:
            self.inline_styles += 1
        self.handlers += [name for name in names if name.startswith("on")]


def directives(response: HttpResponseBase) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def page_nonce(response: HttpResponseBase) -> str:
    found = NONCE.findall(response["Content-Security-Policy"])
    assert len(found) == 1, response["Content-Security-Policy"]
    return str(found[0])


@pytest.fixture
def pages(client_record: Client, owner: User) -> list[str]:
    """The main pages of a clinician's day, for a client with a plan, notes and measures."""
    draft = plan_services.revise(
        owner, signed_version(client_record), reason="scheduled_review", note="Review."
    )
    intake = note_services.start_note(owner, attended(client_record, service="intake"))
    progress = note_services.start_note(owner, attended(client_record, days_ago=2))
    pk = client_record.pk
    return [
        reverse("work_queue"),
        reverse("caseload"),
        reverse("client_chart", args=[pk]),
        reverse("plan_home", args=[pk]),
        reverse("plan_edit", args=[pk, draft.pk]),
        reverse("client_notes", args=[pk]),
        reverse("note_view", args=[pk, intake.pk]),
        reverse("note_view", args=[pk, progress.pk]),
        reverse("measures_home", args=[pk]),
        reverse("client_psychotherapy_notes", args=[pk]),
        reverse("psychotherapy_note_new", args=[pk]),
        reverse("library_index"),
    ]


def test_every_main_page_has_a_nonce_csp_that_its_scripts_carry(
    pages: list[str], owner: User
) -> None:
    http = signed_in(owner)
    for url in pages:
        response = http.get(url)
        assert response.status_code == 200, url
        nonce = page_nonce(response)
        parser = ScriptTags()
        parser.feed(response.content.decode())
        assert parser.scripts, url  # htmx and the page script at least
        assert [tag.get("nonce") for tag in parser.scripts] == [nonce] * len(parser.scripts), url
        assert all(tag.get("src") for tag in parser.scripts), f"inline script on {url}"
        assert parser.inline_styles == 0, f"inline style on {url}"
        assert parser.handlers == [], f"inline event handler on {url}"


def test_the_editors_load_their_scripts_with_the_nonce(pages: list[str], owner: User) -> None:
    http = signed_in(owner)
    plan_editor = http.get(pages[4]).content.decode()
    note_editor = http.get(pages[7]).content.decode()
    assert "js/plan-editor.js" in plan_editor
    assert "js/diagnoses-picker.js" in plan_editor
    assert "js/plan-editor.js" in note_editor


def test_the_portal_page_has_the_csp_and_nonce_too(client_record: Client) -> None:
    version = signed_version(client_record)
    http = signed_in(client_account(client_record).user)
    for url in (reverse("portal_home"), reverse("portal_plan", args=[version.pk])):
        response = http.get(url)
        assert response.status_code == 200, url
        nonce = page_nonce(response)
        parser = ScriptTags()
        parser.feed(response.content.decode())
        assert parser.scripts
        assert {tag.get("nonce") for tag in parser.scripts} == {nonce}


def test_the_sign_in_page_has_the_csp_and_nonce(db: None) -> None:
    response = HttpClient().get(reverse("login"))
    nonce = page_nonce(response)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_the_nonce_is_new_for_every_response(client_record: Client, owner: User) -> None:
    http = signed_in(owner)
    url = reverse("client_chart", args=[client_record.pk])
    first, second = http.get(url), http.get(url)
    assert page_nonce(first) != page_nonce(second)


def test_the_policy_is_strict(client_record: Client, owner: User) -> None:
    response = signed_in(owner).get(reverse("client_chart", args=[client_record.pk]))
    policy = directives(response)
    nonce = page_nonce(response)
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


def test_security_headers_are_on_every_response(client_record: Client, owner: User) -> None:
    http = signed_in(owner)
    for url in (
        reverse("client_chart", args=[client_record.pk]),
        reverse("login"),
        "/static/js/page.js",
    ):
        response = http.get(url)
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
    assert http.get(reverse("login"))["X-Frame-Options"] == "DENY"


def test_an_htmx_partial_carries_the_policy_too(owner: User) -> None:
    """A fragment swapped into a page is refused inline script as strictly as a page is."""
    response = signed_in(owner).get(reverse("icd_search") + "?q=anx", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert directives(response)["script-src"][0] == "'self'"
    assert directives(response)["object-src"] == ["'none'"]


def test_signing_out_clears_the_site_data_and_is_audited(owner: User) -> None:
    http = signed_in(owner)
    response = http.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA
    assert CLEAR_SITE_DATA == '"cache", "cookies", "storage"'
    assert AuditEvent.objects.filter(action="auth.logout", actor=owner).exists()
    assert http.get(reverse("caseload")).status_code == 302  # signed out for real


def test_signing_out_stays_post_only(owner: User) -> None:
    http = signed_in(owner)
    response = http.get(reverse("logout"))
    assert response.status_code == 405
    assert "Clear-Site-Data" not in response
    assert http.get(reverse("caseload")).status_code == 200


def test_other_pages_do_not_clear_site_data(client_record: Client, owner: User) -> None:
    response = signed_in(owner).get(reverse("client_chart", args=[client_record.pk]))
    assert "Clear-Site-Data" not in response


TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style\b", re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_code_or_styles_the_policy_would_refuse(path: Path) -> None:
    """Scripts come from files with the page's nonce; no inline handlers or style attributes."""
    text = path.read_text()
    for tag in SCRIPT_TAG.findall(text):
        assert 'nonce="{{ request.csp_nonce }}"' in tag and "src=" in tag, tag
    assert INLINE_HANDLER.findall(text) == []
    assert INLINE_STYLE.findall(text) == []
