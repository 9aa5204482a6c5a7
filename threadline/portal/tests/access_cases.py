"""Who may open the portal's pages (collected by threadline/tests/test_access_coverage.py).

Client pages are `portal` cases: a client account opens them, staff get 403, and the pages of
one signed plan version or one questionnaire sent to the portal (built here for the test client)
are a 404 to another client. Accepting an invitation is public: the link, or the code with the
date of birth, is the credential.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from threadline.clients.models import Client
from threadline.measures import services as measure_services
from threadline.portal import services
from threadline.portal.tests.factories import signed_version
from threadline.tests.access import Case


def _version_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        return reverse(name, args=[signed_version(client).pk])

    return build


def _invitation_url(client: Client) -> str:
    issued = services.invite(client.primary_clinician, client, now=timezone.now())
    return reverse("portal_accept", args=[issued.link_token])


def _questionnaire_url(client: Client) -> str:
    issued = measure_services.send_to_portal(client.primary_clinician, client, "phq9")
    return reverse("portal_questionnaire", args=[issued.token])


def _questionnaire_open_url(client: Client) -> str:
    issued = measure_services.send_to_portal(client.primary_clinician, client, "phq9")
    return reverse("portal_questionnaire_open", args=[issued.administration.pk])


CASES: dict[str, Case] = {
    "portal_home": Case(portal=True),
    "portal_plan": Case(portal=True, build_url=_version_url("portal_plan")),
    "portal_agree": Case(method="post", portal=True, build_url=_version_url("portal_agree")),
    "portal_print": Case(portal=True, build_url=_version_url("portal_print")),
    "portal_plan_pdf": Case(portal=True, build_url=_version_url("portal_plan_pdf")),
    "portal_join": Case(public=True),
    "portal_accept": Case(public=True, build_url=_invitation_url),
    "portal_invite": Case(method="post", client_scoped=True, clinical=True),
    "portal_questionnaire": Case(portal=True, build_url=_questionnaire_url),
    "portal_questionnaire_open": Case(portal=True, build_url=_questionnaire_open_url),
}
