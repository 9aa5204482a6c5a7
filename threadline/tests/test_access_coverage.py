"""Every URL pattern goes through the access policy, and this file proves it.

A new URL fails `test_every_url_pattern_has_an_access_case` until a case says who may not open
it, so no route can ship without its access test. Apps keep their cases beside their tests in
`threadline/<app>/tests/access_cases.py` (a `CASES` dict), collected here.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from threadline.accounts.models import Membership, User
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.portal.tests.factories import client_account
from threadline.tests.access import Case, collected_cases

ACCESS_CASES: dict[str, Case] = {
    "home": Case(),
    "login": Case(public=True),
    "logout": Case(method="post", public=True),
    "caseload": Case(),
    "client_new": Case(),
    "client_chart": Case(client_scoped=True),
    "client_edit": Case(client_scoped=True),
    "practice_settings": Case(practice_admin_only=True),
    "people": Case(practice_admin_only=True),
    "person_new": Case(practice_admin_only=True),
    "person_role": Case(method="post", member_scoped=True, practice_admin_only=True),
    "person_active": Case(method="post", member_scoped=True, practice_admin_only=True),
    "audit_log": Case(practice_admin_only=True),
    "cosign_queue": Case(supervisor_only=True),
    **collected_cases(),
}
# Staff pages and the portal, checked by the tests below; API and outside-reader routes have
# their own tests beside their apps (see the `api` and `outside` flags).
PAGE_CASES: dict[str, Case] = {
    name: case for name, case in ACCESS_CASES.items() if not case.api and not case.outside
}
# The Django admin is for operators with is_staff; Django itself guards it.
ADMIN_NAMESPACE = "admin"


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == ADMIN_NAMESPACE:
                continue
            names |= _names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_has_an_access_case() -> None:
    assert _names(get_resolver()) == set(ACCESS_CASES)


def _url(name: str, case: Case, client: Client, membership: Membership) -> str:
    if case.build_url is not None:
        return case.build_url(client)
    if case.client_scoped:
        return reverse(name, args=[client.pk])
    if case.member_scoped:
        return reverse(name, args=[membership.pk])
    return reverse(name)


def _call(http: HttpClient, case: Case, url: str) -> int:
    return (http.post(url) if case.method == "post" else http.get(url)).status_code


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_signed_out_visitors_are_sent_to_sign_in(
    name: str, client_record: Client, colleague: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, colleague.membership)
    response = (HttpClient().post if case.method == "post" else HttpClient().get)(url)
    if case.public:
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", sorted(n for n, c in PAGE_CASES.items() if not c.public and not c.portal)
)
def test_another_practice_sees_only_its_own(
    name: str, client_record: Client, colleague: User, outsider: User, outsider_admin: User
) -> None:
    """Objects of another practice are 404 even to that practice's admin; the rest is theirs."""
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, colleague.membership)
    person = outsider_admin if case.practice_admin_only else outsider
    status = _call(signed_in(person), case, url)
    if case.client_scoped or case.member_scoped:
        assert status == 404
    elif case.supervisor_only:
        assert status == 403
    else:
        assert status in {200, 302}


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.practice_admin_only))
def test_clinicians_get_403_on_practice_admin_pages(
    name: str, client_record: Client, colleague: User, owner: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, colleague.membership)
    assert _call(signed_in(owner), case, url) == 403


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.client_scoped))
def test_a_colleague_outside_the_care_team_gets_404(
    name: str, client_record: Client, colleague: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, colleague.membership)
    assert _call(signed_in(colleague), case, url) == 404


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.client_scoped))
def test_the_owning_clinician_may_open_client_pages(
    name: str, client_record: Client, owner: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, owner.membership)
    assert _call(signed_in(owner), case, url) in {200, 302}


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.clinical))
def test_a_practice_admin_gets_403_on_clinical_content(
    name: str, client_record: Client, admin: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, admin.membership)
    assert _call(signed_in(admin), case, url) == 403


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.supervisor_only))
def test_supervisor_pages_are_403_to_others_and_open_to_supervisors(
    name: str, client_record: Client, owner: User, admin: User, supervisor: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, supervisor.membership)
    assert _call(signed_in(owner), case, url) == 403
    assert _call(signed_in(admin), case, url) == 403
    assert _call(signed_in(supervisor), case, url) == 200


PORTAL_CASES = sorted(n for n, c in PAGE_CASES.items() if c.portal)


@pytest.mark.parametrize("name", PORTAL_CASES)
def test_staff_get_403_on_portal_pages(
    name: str, client_record: Client, owner: User, admin: User, outsider: User
) -> None:
    """The portal is the client's; staff read the same plan in the chart."""
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, owner.membership)
    assert [_call(signed_in(person), case, url) for person in (owner, admin, outsider)] == [
        403,
        403,
        403,
    ]


@pytest.mark.parametrize("name", PORTAL_CASES)
def test_the_client_may_open_their_own_portal_pages(
    name: str, client_record: Client, owner: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, owner.membership)
    assert _call(signed_in(client_account(client_record).user), case, url) in {200, 302}


@pytest.mark.parametrize(
    "name", sorted(n for n in PORTAL_CASES if ACCESS_CASES[n].build_url is not None)
)
def test_another_client_gets_404_on_portal_pages_of_a_plan(
    name: str, client_record: Client, owner: User
) -> None:
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, owner.membership)
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    assert _call(signed_in(client_account(other).user), case, url) == 404


@pytest.mark.parametrize(
    "name",
    sorted(n for n, c in PAGE_CASES.items() if not c.public and not c.portal and n != "home"),
)
def test_a_client_account_is_refused_every_staff_page(
    name: str, client_record: Client, colleague: User
) -> None:
    """A client account has no practice membership, so the staff policy refuses it everything."""
    case = ACCESS_CASES[name]
    url = _url(name, case, client_record, colleague.membership)
    assert _call(signed_in(client_account(client_record).user), case, url) in {403, 404}


def test_home_sends_a_client_account_to_the_portal(client_record: Client) -> None:
    http = signed_in(client_account(client_record).user)
    assert http.get(reverse("home"))["Location"] == reverse("portal_home")
