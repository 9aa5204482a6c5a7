"""Giving questionnaires, the safety alert and its clearing, schedules, and objectives bound to
a measure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.measures import services
from threadline.measures.models import Administration, SafetyAlert
from threadline.measures.progress import bound_objectives
from threadline.notes.tests.factories import attended, signed_plan

PHQ9_MILD = dict.fromkeys(range(1, 9), 1) | {9: 0}  # total 8: mild


def _form(answers: Mapping[int, int | None]) -> dict[str, str]:
    return {f"item_{n}": "" if v is None else str(v) for n, v in answers.items()}


def test_a_complete_questionnaire_is_scored_and_audited(client_record: Client, owner: User) -> None:
    response = signed_in(owner).post(
        reverse("measure_give", args=[client_record.pk, "phq9"]), _form(PHQ9_MILD)
    )
    assert response.status_code == 302
    given = Administration.objects.get()
    assert (given.state, given.total, given.band) == ("complete", 8, "Mild")
    assert not given.safety_alert
    assert AuditEvent.objects.filter(action="measure.give", client=client_record).exists()


def test_a_missing_item_keeps_it_incomplete_and_unscored(
    client_record: Client, owner: User
) -> None:
    answers = PHQ9_MILD | {3: None}
    signed_in(owner).post(reverse("measure_give", args=[client_record.pk, "phq9"]), _form(answers))
    given = Administration.objects.get()
    assert (given.state, given.total, given.band) == ("incomplete", None, "")


@pytest.mark.parametrize("bad", ["7", "-1", "two"])
def test_an_answer_out_of_range_is_refused_and_nothing_is_stored(
    client_record: Client, owner: User, bad: str
) -> None:
    form = _form(PHQ9_MILD) | {"item_2": bad}
    response = signed_in(owner).post(reverse("measure_give", args=[client_record.pk, "phq9"]), form)
    assert response.status_code == 400
    assert "Item 2" in response.content.decode()
    assert not Administration.objects.exists()


def test_an_unknown_instrument_is_not_found(client_record: Client, owner: User) -> None:
    response = signed_in(owner).get(reverse("measure_give", args=[client_record.pk, "cssrs"]))
    assert response.status_code == 404


def test_item_9_raises_an_alert_that_only_a_same_day_assessment_clears(
    client_record: Client, owner: User
) -> None:
    given = services.give_in_session(owner, client_record, "phq9", PHQ9_MILD | {9: 1})
    alert = SafetyAlert.objects.get(administration=given)
    http = signed_in(owner)
    chart = http.get(reverse("client_chart", args=[client_record.pk])).content.decode()
    assert "Safety alert" in chart
    url = reverse("alert_clear", args=[client_record.pk, alert.pk])
    assessment = "Passive thoughts, no plan or intent; safety plan reviewed; follow up Friday."
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    http.post(url, {"assessment": assessment, "assessed_on": yesterday})
    http.post(url, {"assessment": "ok", "assessed_on": timezone.localdate().isoformat()})
    alert.refresh_from_db()
    assert alert.is_open
    http.post(url, {"assessment": assessment, "assessed_on": timezone.localdate().isoformat()})
    alert.refresh_from_db()
    assert not alert.is_open and alert.cleared_by == owner
    assert AuditEvent.objects.filter(action="measure.alert.raise").exists()
    assert AuditEvent.objects.filter(action="measure.alert.clear").exists()
    chart = http.get(reverse("client_chart", args=[client_record.pk])).content.decode()
    assert "Safety alert" not in chart


def test_an_alert_is_raised_even_when_the_form_is_incomplete(
    client_record: Client, owner: User
) -> None:
    given = services.give_in_session(owner, client_record, "phq9", {9: 2})
    assert given.state == "incomplete"
    assert SafetyAlert.objects.filter(administration=given).exists()


def test_a_portal_link_is_single_use_and_expires(client_record: Client, owner: User) -> None:
    issued = services.send_to_portal(owner, client_record, "gad7")
    later = timezone.now() + services.LINK_LIFETIME + timedelta(minutes=1)
    with pytest.raises(services.Refused, match="expired"):
        services.pending_for(client_record, issued.token, now=later)
    answers = dict.fromkeys(range(1, 8), 1)
    services.answer_in_portal(owner, client_record, issued.token, answers)
    with pytest.raises(services.Refused, match="already answered"):
        services.answer_in_portal(owner, client_record, issued.token, answers)
    assert Administration.objects.get().total == 7
    with pytest.raises(services.Refused, match="not valid"):
        services.pending_for(client_record, "not-a-token")


@pytest.mark.parametrize(
    ("cadence", "every", "sessions", "due", "overdue"),
    [
        ("every_session", 1, 0, False, False),
        ("every_session", 1, 1, True, False),
        ("every_session", 1, 2, True, True),
        ("every_n_sessions", 3, 2, False, False),
        ("every_n_sessions", 3, 3, True, False),
        ("every_n_sessions", 3, 4, True, True),
    ],
)
def test_a_schedule_by_sessions_says_when_a_measure_is_due(
    client_record: Client,
    owner: User,
    cadence: str,
    every: int,
    sessions: int,
    due: bool,
    overdue: bool,
) -> None:
    services.set_schedule(owner, client_record, "gad7", cadence=cadence, every=every)
    services.give_in_session(owner, client_record, "gad7", dict.fromkeys(range(1, 8), 1))
    Administration.objects.update(answered_at=timezone.now() - timedelta(days=30))
    for n in range(sessions):
        attended(client_record, days_ago=20 - n)
    found = services.due_measures(client_record, today=timezone.localdate())
    assert bool(found) == due
    assert (found[0].overdue if found else False) == overdue


def test_a_schedule_by_weeks(client_record: Client, owner: User) -> None:
    services.set_schedule(owner, client_record, "phq9", cadence="every_n_weeks", every=2)
    today = timezone.localdate()
    assert services.due_measures(client_record, today=today)[0].reason.endswith(
        "not been given yet."
    )
    services.give_in_session(owner, client_record, "phq9", PHQ9_MILD)
    assert services.due_measures(client_record, today=today) == []
    assert services.due_measures(client_record, today=today + timedelta(days=14))
    assert services.due_measures(client_record, today=today + timedelta(days=21))[0].overdue


def test_a_bad_schedule_is_refused(client_record: Client, owner: User) -> None:
    with pytest.raises(ValidationError):
        services.set_schedule(owner, client_record, "gad7", cadence="hourly", every=1)
    with pytest.raises(ValidationError):
        services.set_schedule(owner, client_record, "gad7", cadence="every_n_weeks", every=0)


def test_an_objective_bound_to_a_measure_shows_its_progress(
    client_record: Client, owner: User
) -> None:
    plan = signed_plan(client_record)
    bound = bound_objectives(client_record, plan)
    assert bound, "the sample plan binds an objective to a measure"
    first = bound[0]
    assert first.status == "no score yet"
    form = first.instrument
    high = first.target + 3 if first.target is not None else 10
    n_items = len([i for i in services.INSTRUMENTS[form].items if i.scored])

    def answers_for(total: int) -> dict[int, int | None]:
        values = [0] * n_items
        for i in range(total):
            values[i % n_items] += 1
        return dict(zip(range(1, n_items + 1), values, strict=True))

    services.give_in_session(owner, client_record, form, answers_for(high))
    again = bound_objectives(client_record, plan)[0]
    assert (again.latest, again.status, again.proposes_met) == (
        high,
        "working toward the target",
        False,
    )
    services.give_in_session(owner, client_record, form, answers_for(first.target or 0))
    met = bound_objectives(client_record, plan)[0]
    assert met.status == "target reached" and met.proposes_met
    page = signed_in(owner).get(reverse("measures_home", args=[client_record.pk])).content.decode()
    assert "Target reached" in page and "<svg" in page


def test_the_outcomes_page_counts_episodes_without_naming_clients(
    client_record: Client, owner: User, admin: User
) -> None:
    services.give_in_session(owner, client_record, "gad7", dict.fromkeys(range(1, 8), 2))  # 14
    services.give_in_session(owner, client_record, "gad7", dict.fromkeys(range(1, 8), 0))  # 0
    page = signed_in(admin).get(reverse("practice_outcomes")).content.decode()
    assert "GAD-7" in page
    assert client_record.legal_last_name not in page and client_record.record_number not in page
    from threadline.measures.outcomes import practice_outcomes

    (table,) = practice_outcomes(client_record.practice)
    mine = table.rows[0]
    assert (mine.episodes, mine.response, mine.remission, mine.reliable_improvement) == (1, 1, 1, 1)


def test_sending_to_the_portal_shows_the_clients_link_once(
    client_record: Client, owner: User
) -> None:
    response = signed_in(owner).post(
        reverse("measure_send", args=[client_record.pk, "gad7"]), follow=True
    )
    page = response.content.decode()
    link = page.split("Their own link, shown once: ")[1].split("<")[0].strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert reverse("portal_questionnaire", args=[token]) in link
    assert services.pending_for(client_record, token).instrument == "gad7"
