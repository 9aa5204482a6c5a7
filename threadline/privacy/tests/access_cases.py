"""Who may open the rights pages (collected by threadline/tests/test_access_coverage.py).

The client's pages are `portal` cases: staff get 403, and another client gets 404 for a
request that is not theirs. The clinician's pages sit below a client and hold clinical content,
so a practice admin gets 403 and anyone outside the care team 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from threadline.clients.models import Client
from threadline.portal.tests.factories import signed_version
from threadline.privacy.tests.factories import (
    amendment_request,
    record_request,
    released_record_request,
)
from threadline.tests.access import Case


def _record_url(name: str, *, released: bool = False) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        made = released_record_request(client) if released else record_request(client)
        return reverse(name, args=[made.pk])

    return build


def _amendment_url(client: Client) -> str:
    return reverse("portal_amendment", args=[amendment_request(signed_version(client)).pk])


def _client_record_url(client: Client) -> str:
    return reverse("client_record_request", args=[client.pk, record_request(client).pk])


def _client_amendment_url(client: Client) -> str:
    made = amendment_request(signed_version(client))
    return reverse("client_amendment_request", args=[client.pk, made.pk])


CASES: dict[str, Case] = {
    "portal_rights": Case(portal=True),
    "portal_record_new": Case(portal=True),
    "portal_record": Case(portal=True, build_url=_record_url("portal_record")),
    "portal_record_pdf": Case(
        portal=True, build_url=_record_url("portal_record_pdf", released=True)
    ),
    "portal_record_fhir": Case(
        portal=True, build_url=_record_url("portal_record_fhir", released=True)
    ),
    "portal_amendment_new": Case(portal=True),
    "portal_amendment": Case(portal=True, build_url=_amendment_url),
    "portal_disclosures": Case(portal=True),
    "client_rights": Case(client_scoped=True, clinical=True),
    "client_record_request": Case(client_scoped=True, clinical=True, build_url=_client_record_url),
    "client_amendment_request": Case(
        client_scoped=True, clinical=True, build_url=_client_amendment_url
    ),
}
