"""The golden thread across a client's record: plan versions, the sessions given under them, and
the objectives each signed note cites.

An auditor reads a client's notes as one chain: every session under a plan that was current on
its date, every note citing objectives of that plan, every objective worked on now and then, each
note written for its own session (DOMAIN.md, The golden thread; mission-anchors.md §5.8, §7.1 and
§8.1). `golden_thread` reports that chain as coverage per objective plus findings; a finding's
`field` is the session's `session_ref` or the objective's id, so a page can link to it.
`due_objectives` and `previous_plan_for_session` are what a new note drafts from.

Decisions:

- The report is as of `today`: sessions dated after it are left out, and the current plan is the
  version in force on `today` (`plan_in_force`). Notes are read in date order; notes of the same
  day keep the order they were given in.
- "Notes" are signed notes (`note_ref` set). An attended session without one is reported as such
  and otherwise only counts for the plan-at-service check, because it was still a service.
- An objective's coverage counts from the day the plan version that introduced it took effect:
  walking back from the current version through the versions that list its id without a break.
  An objective dropped and later added again starts afresh. An objective is reported as never
  addressed only once at least one signed note was written since it was introduced: on the day a
  plan is signed, before any session under it, there is nothing to fix yet.
- The intake period: sessions dated before the first plan's effective date have no plan by
  design, so they are not checked for a plan, for citing objectives, or for interventions
  outside the plan. A session on or after that date always has a version in force; it is an error
  when that version had lapsed (`day > expires`; the expiry day itself is still covered).
- With no plan at all, the record has nothing to date an intake period by. The plan is written
  within the first few sessions, so the first `PLAN_DUE_WITHIN_SESSIONS` attended sessions are
  the intake period and each later one is reported as having no plan. Once a plan is signed its
  effective date takes over: the sessions before it become the intake period, since a plan cannot
  be backdated and the per-note check (`note.golden_thread.plan_missing`) already named them.
- Near-identical notes are a golden-thread finding, not a format one: the problem is not the
  shape of a document but that a note does not stand for its own session in the chain, and it can
  only be seen across two notes, which only this report reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from itertools import pairwise

from threadline.rules.findings import Finding
from threadline.rules.packs import Pack
from threadline.rules.report import Report

# Cloning: auditors flag notes carried forward nearly word for word (mission-anchors.md §5.8, §6).
# Notes of one client share phrases (the client's name, the plan's objectives, a method named the
# same way each time), so only near-identity counts: 90 % of the words in the same order leaves
# about one word in ten for what was new in the session.
CLONE_SIMILARITY = 0.90
# Below this many words a narrative is a stub ("Client cancelled late; no session."), and two stubs
# that match say nothing about cloning, so short narratives are not compared.
CLONE_MIN_WORDS = 20
# Without any plan, a plan is due within the first few sessions (DOMAIN.md); Headway, for one, wants
# it within the first two (mission-anchors.md §6). Later sessions without a plan are reported.
PLAN_DUE_WITHIN_SESSIONS = 2


@dataclass(frozen=True, slots=True)
class PlanPeriod:
    """One signed plan version, in force from `effective` until the next version takes over."""

    version: int
    effective: date
    expires: date | None  # after this day the plan has lapsed (its end date or review due date)
    objective_ids: tuple[str, ...]  # the active objectives
    objective_labels: Mapping[str, str] = field(default_factory=dict)  # id -> "1.2 Walk 20..."


@dataclass(frozen=True, slots=True)
class ThreadNote:
    """A signed progress note (or an attended session without one: note_ref == "")."""

    session_ref: str  # how pages link to the session, e.g. "appointment 12"
    day: date  # date of service
    note_ref: str = ""  # "" when the attended session has no signed note
    objective_ids: tuple[str, ...] = ()
    outside_interventions: tuple[str, ...] = ()  # interventions used that the plan does not list
    narrative: str = ""  # the note's text, for the cloning check
    next_session_plan: str = ""  # what the note planned for the next session


@dataclass(frozen=True, slots=True)
class ObjectiveThread:
    objective_id: str
    label: str  # the plan's label, or the id when the plan gives none
    times_addressed: int  # signed notes citing it since it was introduced
    last_addressed: date | None


@dataclass(frozen=True, slots=True)
class ThreadReport:
    objectives: tuple[ObjectiveThread, ...]  # the current plan's objectives, in plan order
    findings: tuple[Finding, ...]  # objectives first (plan order), then sessions (date order)


def plan_in_force(plans: Sequence[PlanPeriod], day: date) -> PlanPeriod | None:
    """The latest version whose effective date is on or before `day` (the higher version number
    when two take effect the same day), lapsed or not; None before the first plan."""
    started = [plan for plan in plans if plan.effective <= day]
    return max(started, key=_plan_order, default=None)


def golden_thread(
    plans: Sequence[PlanPeriod],
    notes: Sequence[ThreadNote],
    *,
    pack: Pack,
    recent: int = 4,
    today: date,
) -> ThreadReport:
    """Coverage of the current plan's objectives and what breaks the thread, as of `today`."""
    _check_recent(recent)
    history = sorted(plans, key=_plan_order)
    sessions = _in_date_order(note for note in notes if note.day <= today)
    signed = [note for note in sessions if note.note_ref]
    report = Report(pack)
    current = plan_in_force(history, today)
    objectives: tuple[ObjectiveThread, ...] = ()
    if current is not None:
        since = {
            objective_id: _introduced(history, current, objective_id)
            for objective_id in _unique(current.objective_ids)
        }
        objectives = tuple(
            _coverage(current, objective_id, signed, day) for objective_id, day in since.items()
        )
        _check_objectives(report, objectives, since, signed, recent)
    _check_sessions(report, history, sessions)
    _check_cloning(report, signed)
    return ThreadReport(objectives=objectives, findings=tuple(report.findings))


def due_objectives(
    plan: PlanPeriod, notes: Sequence[ThreadNote], *, recent: int = 4
) -> tuple[str, ...]:
    """The plan's objectives not cited in the last `recent` signed notes, longest unaddressed
    first: never cited (in plan order), then by the oldest last citation (ties in plan order)."""
    _check_recent(recent)
    signed = [note for note in _in_date_order(notes) if note.note_ref]
    window = _cited(signed[-recent:])
    last: dict[str, date] = {}
    for note in signed:
        for objective_id in note.objective_ids:
            last[objective_id] = note.day
    due = [
        objective_id for objective_id in _unique(plan.objective_ids) if objective_id not in window
    ]
    never = [objective_id for objective_id in due if objective_id not in last]
    stale = sorted(
        (objective_id for objective_id in due if objective_id in last), key=last.__getitem__
    )
    return (*never, *stale)


def previous_plan_for_session(notes: Sequence[ThreadNote]) -> str:
    """What the latest signed note planned for the next session ("" when there is none)."""
    signed = [note for note in _in_date_order(notes) if note.note_ref]
    return signed[-1].next_session_plan if signed else ""


def _plan_order(plan: PlanPeriod) -> tuple[date, int]:
    return (plan.effective, plan.version)


def _in_date_order(notes: Iterable[ThreadNote]) -> list[ThreadNote]:
    return sorted(notes, key=lambda note: note.day)  # stable: same-day notes keep their order


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item.strip()))


def _cited(notes: Iterable[ThreadNote]) -> set[str]:
    return {objective_id for note in notes for objective_id in note.objective_ids}


def _check_recent(recent: int) -> None:
    if recent < 1:
        raise ValueError(f"recent must be at least 1 note, not {recent}.")


def _label(plan: PlanPeriod, objective_id: str) -> str:
    return plan.objective_labels.get(objective_id, "").strip() or objective_id


def _introduced(history: Sequence[PlanPeriod], current: PlanPeriod, objective_id: str) -> date:
    """When the objective entered the plan: the earliest version of the unbroken run of versions
    listing it that ends at the current one."""
    position = next(index for index, plan in enumerate(history) if plan is current)
    start = current.effective
    for plan in reversed(history[:position]):
        if objective_id not in plan.objective_ids:
            break
        start = plan.effective
    return start


def _coverage(
    plan: PlanPeriod, objective_id: str, signed: Sequence[ThreadNote], since: date
) -> ObjectiveThread:
    citing = [n for n in signed if n.day >= since and objective_id in n.objective_ids]
    return ObjectiveThread(
        objective_id=objective_id,
        label=_label(plan, objective_id),
        times_addressed=len(citing),
        last_addressed=citing[-1].day if citing else None,
    )


def _check_objectives(
    report: Report,
    objectives: Sequence[ObjectiveThread],
    introduced: Mapping[str, date],
    signed: Sequence[ThreadNote],
    recent: int,
) -> None:
    window = _cited(signed[-recent:])
    for thread in objectives:
        since = introduced[thread.objective_id]
        if thread.last_addressed is None:
            if any(note.day >= since for note in signed):
                report.add(
                    "thread.objective_never_addressed",
                    f'Objective "{thread.label}" has not been cited by any note since it entered '
                    f"the plan on {since.isoformat()}; work on it in a session or revise the "
                    "plan.",
                    thread.objective_id,
                )
        elif thread.objective_id not in window:
            report.add(
                "thread.objective_not_recent",
                f'Objective "{thread.label}" was last addressed on '
                f"{thread.last_addressed.isoformat()}, not in the last {recent} notes; return to "
                "it or revise the plan if it is no longer a focus.",
                thread.objective_id,
            )


def _check_sessions(
    report: Report, history: Sequence[PlanPeriod], sessions: Sequence[ThreadNote]
) -> None:
    for number, session in enumerate(sessions, start=1):
        when = f"{session.day.isoformat()} ({session.session_ref})"
        if not session.note_ref:
            report.add(
                "thread.session_without_note",
                f"The session on {when} was attended but has no signed progress note; write and "
                "sign one.",
                session.session_ref,
            )
        plan = plan_in_force(history, session.day)
        if plan is None:
            if not history and number > PLAN_DUE_WITHIN_SESSIONS:
                report.add(
                    "thread.no_plan_at_service",
                    f"The session on {when} was given with no treatment plan in force, and a "
                    f"plan is due within the first {PLAN_DUE_WITHIN_SESSIONS} sessions; write "
                    "and sign the plan.",
                    session.session_ref,
                )
            continue  # the intake period, or no plan yet: nothing to cite or to list
        if plan.expires is not None and session.day > plan.expires:
            report.add(
                "thread.plan_expired_at_service",
                f"The session on {when} was given under plan version {plan.version}, which "
                f"lapsed on {plan.expires.isoformat()}; review and renew the plan.",
                session.session_ref,
            )
        if not session.note_ref:
            continue
        if not session.objective_ids:
            report.add(
                "thread.note_cites_nothing",
                f"The note of the session on {when} cites no plan objective; name the "
                "objectives it worked on and the client's progress toward them.",
                session.session_ref,
            )
        outside = _unique(session.outside_interventions)
        if outside:
            report.add(
                "thread.intervention_outside_plan",
                f"The note of the session on {when} used {_and(outside)}, which the plan does "
                "not list; if this is now part of the care, the plan may need revising.",
                session.session_ref,
            )


def _check_cloning(report: Report, signed: Sequence[ThreadNote]) -> None:
    for earlier, later in pairwise(signed):
        similarity = narrative_similarity(earlier.narrative, later.narrative)
        if similarity is not None and similarity >= CLONE_SIMILARITY:
            report.add(
                "thread.notes_nearly_identical",
                f"The note of the session on {later.day.isoformat()} ({later.session_ref}) is "
                f"{similarity:.0%} the same as the note of {earlier.day.isoformat()}; describe "
                "what happened in this session.",
                later.session_ref,
            )


def narrative_similarity(first: str, second: str) -> float | None:
    """How alike two narratives are, word by word (0 to 1), ignoring case and spacing; None when
    either is shorter than `CLONE_MIN_WORDS` words."""
    a, b = first.casefold().split(), second.casefold().split()
    if len(a) < CLONE_MIN_WORDS or len(b) < CLONE_MIN_WORDS:
        return None
    # No autojunk: in a long note it would ignore the commonest words ("the", "client"), which
    # would make a copied note look less alike than it is.
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
