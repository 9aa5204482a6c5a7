"""The work queue page: a clinician's home, or the practice admin's counts of everyone's queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from threadline import access
from threadline.access import Action
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.notes.queue import QueueItem, WorkQueue, practice_counts, work_queue
from threadline.reviews import break_glass
from threadline.rules.review import DUE_SOON_DAYS


@dataclass(frozen=True)
class Section:
    """One table of the queue, as the page shows it."""

    anchor: str
    title: str
    items: list[QueueItem]
    empty: str
    when: str  # the heading of the date column


def sections(queue: WorkQueue) -> list[Section]:
    shown = [
        Section(
            "measures",
            "Safety alerts and questionnaires due",
            queue.measures,
            "No safety alerts, and no questionnaire is due.",
            "Raised",
        ),
        Section(
            "notes-owed",
            "Notes owed",
            queue.notes_owed,
            "No notes owed. Nice work.",
            "Session",
        ),
        Section(
            "drafts",
            "Drafts to sign",
            queue.drafts,
            "No drafts waiting for your signature.",
            "Session or last saved",
        ),
        Section(
            "reviews",
            "Plans due for review",
            queue.reviews,
            f"No plan on your caseload is due for review in the next {DUE_SOON_DAYS} days.",
            "Review date",
        ),
        Section(
            "agreements",
            "Client agreements pending",
            queue.agreements,
            "Every plan you signed has the client's agreement.",
            "Signed",
        ),
    ]
    if queue.cosignatures is not None:
        shown.append(
            Section(
                "cosignatures",
                "Waiting for your co-signature",
                queue.cosignatures,
                "Nothing waits for your co-signature.",
                "Signed",
            )
        )
    return shown


@login_required
def work_queue_page(request: Request) -> HttpResponse:
    """Clinical members see their own queue; a practice admin sees counts per clinician, with no
    client named; anyone without a membership in a practice is refused."""
    member = access.require_membership(request.user)
    now = timezone.now()
    if member.is_clinical:
        queue = work_queue(request.user, now=now)
        record("queue.view", actor=request.user, detail={"view": "clinician", **queue.shown()})
        return render(
            request,
            "notes/queue.html",
            {"queue": queue, "sections": sections(queue), "counts": None},
        )
    access.require(request.user, Action.PRACTICE_MANAGE)
    counts = practice_counts(member.practice, now=now)
    # Emergency access is reviewed by the admin; without this line a new use would wait
    # unseen until someone thought to open the report. A number only: the admin's queue names
    # no client.
    break_glass_to_review = break_glass.unreviewed_count(member.practice)
    record(
        "queue.view",
        actor=request.user,
        detail={
            "view": "practice",
            "clinicians": [row.clinician.pk for row in counts],
            "break_glass_to_review": break_glass_to_review,
        },
    )
    return render(
        request,
        "notes/queue.html",
        {"queue": None, "counts": counts, "break_glass_to_review": break_glass_to_review},
    )
