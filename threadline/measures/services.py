"""Every write to measures: answers given in session or in the portal, schedules, and the
safety alerts a score raises and the clinician clears. Each write is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.measures.models import (
    Administration,
    Cadence,
    Channel,
    MeasureSchedule,
    SafetyAlert,
    State,
)
from threadline.rules.measures import INSTRUMENTS, AnswerError, Score, score

# A portal link is good for a week; long enough to find a quiet minute, short enough to go stale.
LINK_LIFETIME = timedelta(days=7)


class Refused(Exception):
    """The request cannot be done; the message says why, in words the person can act on."""


def _instrument(key: str) -> Any:
    if key not in INSTRUMENTS:
        raise ValidationError(f"{key!r} is not a questionnaire Threadline offers.")
    return INSTRUMENTS[key]


def read_answers(key: str, data: Mapping[str, str]) -> dict[int, int | None]:
    """The answers posted as item_<n> fields; blank means unanswered, anything else must be a
    whole number (its range is the scoring rules' to check)."""
    form = _instrument(key)
    answers: dict[int, int | None] = {}
    for item in form.items:
        raw = data.get(f"item_{item.number}", "").strip()
        if not raw:
            answers[item.number] = None
        elif raw.lstrip("-").isdigit():
            answers[item.number] = int(raw)
        else:
            raise ValidationError(f"Item {item.number}: choose one of the answers.")
    return answers


def _score(key: str, answers: Mapping[int, int | None], sex: str | None) -> Score:
    try:
        return score(key, answers, sex=sex)
    except AnswerError as error:
        raise ValidationError(str(error)) from error


def _store(
    administration: Administration,
    result: Score,
    answers: Mapping[int, int | None],
    at: datetime | None = None,
) -> None:
    administration.answers = {str(n): v for n, v in answers.items() if v is not None}
    administration.state = State.COMPLETE if result.complete else State.INCOMPLETE
    administration.total = result.total
    administration.band = result.band or ""
    administration.safety_alert = result.safety_alert
    administration.answered_at = at or timezone.now()


def _client_sex(client: Client) -> str | None:
    """The record keeps no sex field yet, so AUDIT-C applies its conservative cut-off (the
    scoring rules say so in the score's notes)."""
    del client
    return None


@transaction.atomic
def give_in_session(
    actor: Any,
    client: Client,
    key: str,
    answers: Mapping[int, int | None],
    *,
    appointment: Appointment | None = None,
    at: datetime | None = None,
) -> Administration:
    """The clinician enters the client's answers. A partly filled form is kept as incomplete,
    never scored as if complete. `at` (when answered) is only given by the demo loader, to
    build a history."""
    _instrument(key)
    result = _score(key, answers, _client_sex(client))
    administration = Administration(
        client=client,
        instrument=key,
        channel=Channel.SESSION,
        appointment=appointment,
        given_by=actor,
    )
    _store(administration, result, answers, at)
    administration.save()
    record(
        "measure.give",
        actor=actor,
        client=client,
        obj=administration,
        detail={"instrument": key, "state": administration.state, "total": administration.total},
    )
    _raise_alert(administration, actor)
    return administration


def _raise_alert(administration: Administration, actor: Any) -> None:
    if not administration.safety_alert:
        return
    alert = SafetyAlert.objects.create(client=administration.client, administration=administration)
    record(
        "measure.alert.raise",
        actor=actor,
        client=administration.client,
        obj=alert,
        detail={"instrument": administration.instrument, "administration": administration.pk},
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    administration: Administration
    token: str  # shown once, to be given to the client; only its hash is stored


@transaction.atomic
def send_to_portal(
    actor: Any, client: Client, key: str, *, now: datetime | None = None
) -> IssuedLink:
    """A questionnaire waiting in the client's portal, with its own expiring link."""
    _instrument(key)
    now = now or timezone.now()
    token = secrets.token_urlsafe(24)
    administration = Administration.objects.create(
        client=client,
        instrument=key,
        channel=Channel.PORTAL,
        state=State.PENDING,
        given_by=actor,
        link_sha256=_digest(token),
        link_expires_at=now + LINK_LIFETIME,
    )
    record(
        "measure.send", actor=actor, client=client, obj=administration, detail={"instrument": key}
    )
    return IssuedLink(administration, token)


LINK_NOT_VALID = "This questionnaire link is not valid. Ask your clinician for a new one."
ALREADY_ANSWERED = "You already answered this questionnaire. Thank you."
LINK_EXPIRED = "This questionnaire link has expired. Ask your clinician for a new one."


def _open(found: Administration | None, now: datetime | None) -> Administration:
    """A portal questionnaire that may still be answered, or the reason it may not."""
    if found is None:
        raise Refused(LINK_NOT_VALID)
    if found.state != State.PENDING:
        raise Refused(ALREADY_ANSWERED)
    if found.link_expires_at is not None and found.link_expires_at <= (now or timezone.now()):
        raise Refused(LINK_EXPIRED)
    return found


def _portal(client: Client) -> QuerySet[Administration]:
    return Administration.objects.filter(client=client, channel=Channel.PORTAL)


def pending_for(client: Client, token: str, *, now: datetime | None = None) -> Administration:
    """The administration a portal link opens; refused when unknown, used or expired."""
    return _open(_portal(client).filter(link_sha256=_digest(token)).first(), now)


def pending_by_id(
    client: Client, administration_id: int, *, now: datetime | None = None
) -> Administration:
    """The same, opened from the portal home, where the signed-in session stands in for the
    link: found by id, it must still be this client's, pending and not expired."""
    return _open(_portal(client).filter(pk=administration_id).first(), now)


def answer_in_portal(
    account_user: Any,
    client: Client,
    token: str,
    answers: Mapping[int, int | None],
    *,
    now: datetime | None = None,
) -> Administration:
    """The client's own answers, by the link."""
    found = pending_for(client, token, now=now)
    return _answer(account_user, client, found.pk, answers, now)


def answer_pending(
    account_user: Any,
    client: Client,
    administration_id: int,
    answers: Mapping[int, int | None],
    *,
    now: datetime | None = None,
) -> Administration:
    """The client's own answers, opened from the portal home."""
    return _answer(account_user, client, administration_id, answers, now)


@transaction.atomic
def _answer(
    account_user: Any,
    client: Client,
    administration_id: int,
    answers: Mapping[int, int | None],
    now: datetime | None,
) -> Administration:
    # Checked again under the row lock, so a double submission scores once.
    administration = _open(
        _portal(client).select_for_update().filter(pk=administration_id).first(), now
    )
    result = _score(administration.instrument, answers, _client_sex(client))
    _store(administration, result, answers)
    administration.save()
    record(
        "measure.portal.answer",
        actor=account_user,
        client=client,
        obj=administration,
        detail={"instrument": administration.instrument, "state": administration.state},
    )
    _raise_alert(administration, account_user)
    return administration


@transaction.atomic
def clear_alert(
    actor: Any, alert: SafetyAlert, *, assessment: str, assessed_on: date, today: date | None = None
) -> SafetyAlert:
    """Clear an alert with the safety assessment done on the day of the answer."""
    alert = (
        SafetyAlert.objects.select_for_update().select_related("administration").get(pk=alert.pk)
    )
    if not alert.is_open:
        raise Refused("This alert was already cleared.")
    assessment = assessment.strip()
    if len(assessment) < 20:
        raise ValidationError(
            "Document the safety assessment: ideation, plan, intent, protective factors, and "
            "what was done (at least a sentence)."
        )
    answered_on = alert.administration.answered_on
    today = today or timezone.localdate()
    if assessed_on > today:
        raise ValidationError("The assessment cannot be dated in the future.")
    if answered_on is not None and assessed_on != answered_on:
        raise ValidationError(
            f"The alert needs the safety assessment done on the day of the answer "
            f"({answered_on:%b %-d, %Y}). If it was not done that day, contact the client now "
            "and document today's assessment in a progress note; the alert stays until then."
        )
    alert.cleared_at = timezone.now()
    alert.cleared_by = actor
    alert.assessed_on = assessed_on
    alert.assessment = assessment
    alert.save(update_fields=["cleared_at", "cleared_by", "assessed_on", "assessment"])
    record(
        "measure.alert.clear",
        actor=actor,
        client=alert.client,
        obj=alert,
        detail={"assessed_on": assessed_on.isoformat()},
    )
    return alert


@transaction.atomic
def set_schedule(
    actor: Any, client: Client, key: str, *, cadence: str, every: int, active: bool = True
) -> MeasureSchedule:
    _instrument(key)
    if cadence not in Cadence.values:
        raise ValidationError(
            "Choose how often: before every session, every N sessions or N weeks."
        )
    if not 1 <= every <= 52:
        raise ValidationError("Choose a number from 1 to 52.")
    schedule, _ = MeasureSchedule.objects.update_or_create(
        client=client,
        instrument=key,
        defaults={"cadence": cadence, "every": every, "active": active, "created_by": actor},
    )
    record(
        "measure.schedule",
        actor=actor,
        client=client,
        obj=schedule,
        detail={"instrument": key, "cadence": cadence, "every": every, "active": active},
    )
    return schedule


@dataclass(frozen=True)
class Due:
    schedule: MeasureSchedule
    overdue: bool
    reason: str


def due_measures(client: Client, *, today: date) -> list[Due]:
    """The scheduled questionnaires due for this client, and whether they are overdue."""
    return due_for_clients([client.pk], today=today).get(client.pk, [])


def due_for_clients(client_ids: Iterable[int], *, today: date) -> dict[int, list[Due]]:
    """Due questionnaires for many clients in three queries (the work queue's caseload)."""
    ids = list(client_ids)
    schedules = list(
        MeasureSchedule.objects.filter(client_id__in=ids, active=True).order_by("instrument")
    )
    if not schedules:
        return {}
    last_given = {
        (row["client_id"], row["instrument"]): row["last"]
        for row in Administration.objects.filter(client_id__in=ids)
        .exclude(state=State.PENDING)
        .values("client_id", "instrument")
        .annotate(last=Max("answered_at"))
    }
    sessions: dict[int, list[datetime]] = defaultdict(list)
    for client_id, start in Appointment.objects.filter(
        client_id__in=ids, status=SessionStatus.ATTENDED
    ).values_list("client_id", "scheduled_start"):
        sessions[client_id].append(start)
    found: dict[int, list[Due]] = defaultdict(list)
    for schedule in schedules:
        since = last_given.get((schedule.client_id, schedule.instrument))
        count = sum(1 for start in sessions[schedule.client_id] if since is None or start > since)
        due = _is_due(schedule, since, count, today)
        if due is not None:
            found[schedule.client_id].append(due)
    return dict(found)


def _is_due(
    schedule: MeasureSchedule, since: datetime | None, sessions_since: int, today: date
) -> Due | None:
    name = schedule.get_instrument_display()
    if schedule.cadence == Cadence.EVERY_N_WEEKS:
        if since is None:
            return Due(schedule, False, f"{name} has not been given yet.")
        weeks = (today - timezone.localdate(since)).days / 7
        if weeks < schedule.every:
            return None
        overdue = weeks >= schedule.every + 1
        return Due(schedule, overdue, f"{name} was last given {weeks:.0f} weeks ago.")
    every = 1 if schedule.cadence == Cadence.EVERY_SESSION else schedule.every
    if since is None:
        return Due(schedule, sessions_since > 0, f"{name} has not been given yet.")
    if sessions_since < every:
        return None
    overdue = sessions_since > every
    return Due(schedule, overdue, f"{name} not given in the last {sessions_since} sessions.")


def view_measures(actor: Any, client: Client) -> None:
    record("measure.list.view", actor=actor, client=client)
