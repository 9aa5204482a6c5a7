"""The client's questionnaires in the portal.

A questionnaire is opened from the one-time link the clinician gave the client, or from the
portal home, where the signed-in session stands in for the link. Either way the same page shows
it, and `threadline.measures.services` scores, stores and audits the answers, once. Only the
client it was sent to opens it: another client gets the 404 an unknown link gets, staff the 403
of every portal page. The client never sees a score or a severity band.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.measures import services as measures
from threadline.measures.models import Administration, State
from threadline.portal.access import require_client_account
from threadline.portal.models import ClientAccount
from threadline.rules.measures import Instrument

CRISIS_LINE = (
    "If you are in danger now, call or text 988 in the US, or your local emergency number."
)

Answer = Callable[[Mapping[int, int | None]], Administration]


@dataclass(frozen=True)
class Choice:
    value: int
    label: str
    checked: bool


@dataclass(frozen=True)
class Question:
    name: str  # the form field, item_<n>
    text: str
    choices: tuple[Choice, ...]


def _questions(form: Instrument, posted: Mapping[str, Any]) -> list[Question]:
    """Every item with its answers as radio choices, keeping what was chosen on a form sent
    back with an error."""
    questions = []
    for item in form.items:
        name = f"item_{item.number}"
        chosen = str(posted.get(name, "")).strip()
        choices = tuple(
            Choice(option.value, option.label, chosen == str(option.value))
            for option in item.options
        )
        questions.append(Question(name, item.text, choices))
    return questions


def _crisis_line(form: Instrument) -> str:
    """The crisis sentence, for a questionnaire that asks about self-harm (the PHQ-9)."""
    return CRISIS_LINE if form.safety is not None else ""


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    status = 404 if message == measures.LINK_NOT_VALID else 410
    return render(
        request,
        "portal/questionnaire_refused.html",
        {"message": message, "crisis_line": CRISIS_LINE},
        status=status,
    )


def _not_found(request: HttpRequest, account: ClientAccount, object_id: int | str) -> HttpResponse:
    """Unknown, or another client's: the same 404 either way, audited as denied."""
    record(
        "portal.measure.open",
        actor=account.user,
        practice=account.client.practice,
        object_type="measures.administration",
        object_id=object_id,
        outcome=Outcome.DENIED,
        detail={"reason": "not visible"},
    )
    return _refused(request, measures.LINK_NOT_VALID)


def _questionnaire(
    request: HttpRequest, account: ClientAccount, administration: Administration, answer: Answer
) -> HttpResponse:
    """The questionnaire page, by link or from the portal home; `answer` stores the answers."""
    form = administration.form
    error = ""
    if request.method == "POST":
        try:
            answers = measures.read_answers(administration.instrument, request.POST)
            answered = answer(answers)
        except measures.Refused as refusal:
            return _refused(request, str(refusal))
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            return render(
                request,
                "portal/questionnaire_done.html",
                {
                    "account": account,
                    "administration": answered,
                    "form": form,
                    "incomplete": answered.state == State.INCOMPLETE,
                    "crisis_line": _crisis_line(form),
                },
            )
    return render(
        request,
        "portal/questionnaire.html",
        {
            "account": account,
            "administration": administration,
            "form": form,
            "questions": _questions(form, request.POST if request.method == "POST" else {}),
            "error": error,
            "crisis_line": _crisis_line(form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: Request, token: str) -> HttpResponse:
    """A questionnaire opened from the link the clinician gave the client."""
    account = require_client_account(request.user)
    try:
        administration = measures.pending_for(account.client, token)
    except measures.Refused as refusal:
        if str(refusal) == measures.LINK_NOT_VALID:
            return _not_found(request, account, "")
        return _refused(request, str(refusal))

    def answer(answers: Mapping[int, int | None]) -> Administration:
        return measures.answer_in_portal(request.user, account.client, token, answers)

    return _questionnaire(request, account, administration, answer)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_open(request: Request, administration_id: int) -> HttpResponse:
    """A questionnaire opened from the portal home: the client's session stands in for the
    link, so its id is enough, for the client it was sent to, while it waits."""
    account = require_client_account(request.user)
    try:
        administration = measures.pending_by_id(account.client, administration_id)
    except measures.Refused as refusal:
        if str(refusal) == measures.LINK_NOT_VALID:
            return _not_found(request, account, administration_id)
        return _refused(request, str(refusal))

    def answer(answers: Mapping[int, int | None]) -> Administration:
        return measures.answer_pending(request.user, account.client, administration_id, answers)

    return _questionnaire(request, account, administration, answer)
