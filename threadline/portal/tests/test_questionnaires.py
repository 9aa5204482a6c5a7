"""Questionnaires in the portal: opened by the clinician's link or from the portal home, answered
once by the client they were sent to, never showing the client a score."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.measures import services as measures
from threadline.measures.models import Administration, SafetyAlert, State
from threadline.portal.measures_views import CRISIS_LINE
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account
from threadline.rules.measures import INSTRUMENTS

PHQ9 = INSTRUMENTS["phq9"]
KEPT_INCOMPLETE = "your answers were kept as incomplete"
WILL_CONTACT = "Your clinician will see this and contact you."


@pytest.fixture
def account(client_record: Client) -> ClientAccount:
    return client_account(client_record)


@pytest.fixture
def issued(owner: User, client_record: Client) -> measures.IssuedLink:
    return measures.send_to_portal(owner, client_record, "phq9")


def page(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def by_token(issued: measures.IssuedLink) -> str:
    return reverse("portal_questionnaire", args=[issued.token])


def by_id(issued: measures.IssuedLink) -> str:
    return reverse("portal_questionnaire_open", args=[issued.administration.pk])


Route = Callable[[measures.IssuedLink], str]
ROUTES: list[Route] = [by_token, by_id]


def answers(key: str = "phq9", value: int = 0, **overrides: str) -> dict[str, str]:
    """Every item answered `value`, then `item_<n>=...` overrides ("" leaves one blank)."""
    posted = {f"item_{item.number}": str(value) for item in INSTRUMENTS[key].items}
    posted.update(overrides)
    return posted


def answer_events() -> int:
    return AuditEvent.objects.filter(action="measure.portal.answer").count()


# --- the portal home -------------------------------------------------------------------------


def test_home_lists_the_waiting_questionnaires_linking_to_them_by_id(
    account: ClientAccount, owner: User, client_record: Client
) -> None:
    phq = measures.send_to_portal(owner, client_record, "phq9")
    gad = measures.send_to_portal(owner, client_record, "gad7")
    answered = measures.send_to_portal(owner, client_record, "pcl5")
    measures.answer_in_portal(account.user, client_record, answered.token, {1: 0})
    expired = measures.send_to_portal(
        owner, client_record, "auditc", now=timezone.now() - timedelta(days=8)
    )

    response = signed_in(account.user).get(reverse("portal_home"))

    assert list(response.context["questionnaires"]) == [phq.administration, gad.administration]
    text = page(response)
    assert "Questionnaires from your clinician" in text
    assert f'href="{by_id(phq)}">Answer the PHQ-9</a>' in text
    assert f'href="{by_id(gad)}">Answer the GAD-7</a>' in text
    due = timezone.localdate(phq.administration.link_expires_at)
    assert f"please answer by {due:%B} {due.day}, {due.year}" in text
    for gone in (answered, expired):
        assert by_id(gone) not in text
    assert phq.token not in text


def test_home_without_questionnaires_says_nothing_about_them(account: ClientAccount) -> None:
    text = page(signed_in(account.user).get(reverse("portal_home")))
    assert "Questionnaires from your clinician" not in text


# --- the questionnaire page ------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_the_page_shows_the_stem_and_every_item_as_a_radio_group(
    route: Route, account: ClientAccount, issued: measures.IssuedLink
) -> None:
    response = signed_in(account.user).get(route(issued))
    assert response.status_code == 200
    text = page(response)
    assert PHQ9.stem in text
    assert text.count("<fieldset>") == len(PHQ9.items) == 10
    for item in PHQ9.items:
        assert f"<legend>{item.text}</legend>" in text
        for option in item.options:
            assert (
                f'<input type="radio" name="item_{item.number}" value="{option.value}"> '
                f"{option.label}</label>"
            ) in text
    assert "Your answers go to your clinician" in text
    assert CRISIS_LINE in text


def test_a_questionnaire_without_a_self_harm_item_has_no_crisis_note(
    account: ClientAccount, owner: User, client_record: Client
) -> None:
    gad = measures.send_to_portal(owner, client_record, "gad7")
    text = page(signed_in(account.user).get(by_token(gad)))
    assert INSTRUMENTS["gad7"].stem in text
    assert CRISIS_LINE not in text


@pytest.mark.parametrize("route", ROUTES)
def test_the_client_answers_and_is_thanked_without_seeing_a_score(
    route: Route, account: ClientAccount, issued: measures.IssuedLink, client_record: Client
) -> None:
    response = signed_in(account.user).post(route(issued), answers(value=2, item_9="0"))

    assert response.status_code == 200
    administration = Administration.objects.get()
    assert (administration.state, administration.total, administration.band) == (
        State.COMPLETE,
        16,
        "Moderately severe",
    )
    text = page(response)
    assert "Thank you" in text
    assert "were sent to your clinician" in text
    for hidden in ("Moderately severe", "Severe", "score", "total"):
        assert hidden not in text
    assert WILL_CONTACT not in text
    event = AuditEvent.objects.get(action="measure.portal.answer")
    assert (event.actor, event.client, event.object_id) == (
        account.user,
        client_record,
        str(administration.pk),
    )
    assert not SafetyAlert.objects.exists()


# --- who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_another_clients_questionnaire_is_a_404_like_an_unknown_link(
    route: Route, issued: measures.IssuedLink, owner: User, client_record: Client
) -> None:
    other = client_account(make_client(client_record.practice, owner, "TL-00002"))
    http = signed_in(other.user)

    assert http.get(route(issued)).status_code == 404
    refused = http.post(route(issued), answers())
    assert refused.status_code == 404
    assert measures.LINK_NOT_VALID in page(refused)
    assert Administration.objects.get().state == State.PENDING
    assert AuditEvent.objects.filter(action="portal.measure.open", outcome="denied").count() == 2


def test_an_unknown_link_or_id_is_the_same_404(account: ClientAccount) -> None:
    http = signed_in(account.user)
    for url in (
        reverse("portal_questionnaire", args=["made-up-token"]),
        reverse("portal_questionnaire_open", args=[9999]),
    ):
        response = http.get(url)
        assert response.status_code == 404
        assert measures.LINK_NOT_VALID in page(response)


@pytest.mark.parametrize("route", ROUTES)
def test_staff_get_403(route: Route, issued: measures.IssuedLink, owner: User, admin: User) -> None:
    for person in (owner, admin):
        assert signed_in(person).get(route(issued)).status_code == 403
        assert signed_in(person).post(route(issued), answers()).status_code == 403
    assert Administration.objects.get().state == State.PENDING


@pytest.mark.parametrize("route", ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in_and_back(
    route: Route, issued: measures.IssuedLink
) -> None:
    url = route(issued)
    assert HttpClient().get(url)["Location"] == f"{reverse('login')}?next={url}"


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_an_expired_questionnaire_says_so_and_stores_nothing(
    route: Route, account: ClientAccount, issued: measures.IssuedLink
) -> None:
    Administration.objects.update(link_expires_at=timezone.now() - timedelta(minutes=1))
    http = signed_in(account.user)
    for response in (http.get(route(issued)), http.post(route(issued), answers())):
        assert response.status_code == 410
        assert measures.LINK_EXPIRED in page(response)
    assert Administration.objects.get().state == State.PENDING
    assert answer_events() == 0


@pytest.mark.parametrize("route", ROUTES)
def test_a_second_submission_is_refused_and_scores_once(
    route: Route, account: ClientAccount, issued: measures.IssuedLink
) -> None:
    http = signed_in(account.user)
    http.post(route(issued), answers(value=1, item_9="0"))
    first = Administration.objects.get()

    again = http.post(route(issued), answers(value=3))

    assert again.status_code == 410
    assert measures.ALREADY_ANSWERED in page(again)
    assert http.get(route(issued)).status_code == 410
    stored = Administration.objects.get()
    assert (stored.total, stored.answered_at) == (8, first.answered_at)
    assert answer_events() == 1
    assert not SafetyAlert.objects.exists()


def test_the_home_page_and_the_link_share_one_administration(
    account: ClientAccount, issued: measures.IssuedLink
) -> None:
    http = signed_in(account.user)
    http.post(by_id(issued), answers())
    again = http.post(by_token(issued), answers())
    assert again.status_code == 410
    assert measures.ALREADY_ANSWERED in page(again)
    assert answer_events() == 1


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("tampered", "message"),
    [
        ("7", "Item 3 must be 0\N{EN DASH}3; got 7."),
        ("often", "Item 3: choose one of the answers."),
    ],
)
def test_an_answer_the_form_does_not_offer_is_refused_and_nothing_is_stored(
    route: Route,
    tampered: str,
    message: str,
    account: ClientAccount,
    issued: measures.IssuedLink,
) -> None:
    response = signed_in(account.user).post(route(issued), answers(value=1, item_3=tampered))

    assert response.status_code == 200
    text = page(response)
    assert message in text
    assert "Nothing was saved." in text
    # What the client chose is kept, so they only fix the one answer.
    assert '<input type="radio" name="item_1" value="1" checked>' in text
    administration = Administration.objects.get()
    assert (administration.state, administration.answers) == (State.PENDING, {})
    assert answer_events() == 0


@pytest.mark.parametrize("route", ROUTES)
def test_a_blank_item_is_kept_as_incomplete_without_a_total(
    route: Route, account: ClientAccount, issued: measures.IssuedLink
) -> None:
    response = signed_in(account.user).post(route(issued), answers(value=1, item_4=""))

    administration = Administration.objects.get()
    assert (administration.state, administration.total, administration.band) == (
        State.INCOMPLETE,
        None,
        "",
    )
    assert "4" not in administration.answers
    assert KEPT_INCOMPLETE in page(response)


@pytest.mark.parametrize("route", ROUTES)
def test_item_9_above_zero_raises_a_safety_alert_and_the_client_sees_the_crisis_line(
    route: Route, account: ClientAccount, issued: measures.IssuedLink, client_record: Client
) -> None:
    response = signed_in(account.user).post(route(issued), answers(value=0, item_9="1"))

    administration = Administration.objects.get()
    assert administration.safety_alert
    alert = SafetyAlert.objects.get()
    assert (alert.client, alert.administration, alert.is_open) == (
        client_record,
        administration,
        True,
    )
    event = AuditEvent.objects.get(action="measure.alert.raise")
    assert (event.actor, event.client, event.object_id) == (
        account.user,
        client_record,
        str(alert.pk),
    )
    text = page(response)
    assert f"<strong>{CRISIS_LINE}</strong>" in text
    assert WILL_CONTACT in text
    assert administration.band not in text


def test_the_home_page_route_refuses_in_the_words_of_a_link(
    account: ClientAccount, owner: User, client_record: Client
) -> None:
    """`answer_pending` and the id page say what `pending_for` says to a link."""
    expired = measures.send_to_portal(
        owner, client_record, "gad7", now=timezone.now() - timedelta(days=8)
    )
    used = measures.send_to_portal(owner, client_record, "gad7")
    measures.answer_in_portal(account.user, client_record, used.token, {1: 0})
    for issued, message in (
        (expired, measures.LINK_EXPIRED),
        (used, measures.ALREADY_ANSWERED),
    ):
        with pytest.raises(measures.Refused) as by_link:
            measures.pending_for(client_record, issued.token)
        with pytest.raises(measures.Refused) as by_home:
            measures.answer_pending(account.user, client_record, issued.administration.pk, {})
        assert str(by_link.value) == str(by_home.value) == message
    with pytest.raises(measures.Refused) as unknown:
        measures.pending_for(client_record, "made-up-token")
    assert str(unknown.value) == measures.LINK_NOT_VALID
