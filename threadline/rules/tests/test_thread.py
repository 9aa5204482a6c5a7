"""The golden-thread report: each finding at its boundary, present and absent, and the drafting
helpers. Every plan, note and objective here is invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from threadline.rules.catalog import CATALOG
from threadline.rules.findings import Category, Finding, Severity, codes
from threadline.rules.packs import load_pack
from threadline.rules.thread import (
    CLONE_MIN_WORDS,
    CLONE_SIMILARITY,
    PLAN_DUE_WITHIN_SESSIONS,
    ObjectiveThread,
    PlanPeriod,
    ThreadNote,
    ThreadReport,
    due_objectives,
    golden_thread,
    narrative_similarity,
    plan_in_force,
    previous_plan_for_session,
)

A, B, C = "o-1a2b3c4d", "o-5e6f7a8b", "o-9c0d1e2f"
LABELS = {
    A: "1.1 Walk 20 minutes on three days a week",
    B: "1.2 Use a thought record when worry rises above 6/10",
    C: "2.1 Keep a regular bedtime on five nights a week",
}
START = date(2026, 1, 5)
PLAN = PlanPeriod(1, START, date(2026, 7, 4), (A, B), LABELS)
TODAY = date(2026, 6, 1)
THREAD_CODES = {code for code in CATALOG if code.startswith("thread.")}


def week(n: int) -> date:
    """The day of the n-th weekly session, counted from the plan's effective date."""
    return START + timedelta(weeks=n)


def note(n: int, cites: tuple[str, ...] = (A, B), **changes: Any) -> ThreadNote:
    """The signed note of the n-th weekly session."""
    base = ThreadNote(f"appointment {n}", week(n), f"note {n}", cites)
    return replace(base, **changes)


def attended(n: int) -> ThreadNote:
    """The n-th weekly session, attended, with no signed note."""
    return ThreadNote(f"appointment {n}", week(n))


def weekly(first: int, last: int) -> list[ThreadNote]:
    return [note(n) for n in range(first, last + 1)]


def words(count: int, changed: int = 0) -> str:
    """A narrative of `count` distinct words; the first `changed` of every fifth word replaced."""
    text = [f"word{i}" for i in range(count)]
    for k in range(changed):
        text[5 * k] = f"other{k}"
    return " ".join(text)


def run(
    notes: list[ThreadNote],
    plans: tuple[PlanPeriod, ...] = (PLAN,),
    recent: int = 4,
    today: date = TODAY,
) -> ThreadReport:
    return golden_thread(plans, notes, pack=load_pack("default"), recent=recent, today=today)


PLAN_2 = PlanPeriod(2, week(6), None, (A, B, C), LABELS)
DROPPED_C = PlanPeriod(1, START, None, (A, B, C), LABELS)
WITHOUT_C = PlanPeriod(2, week(2), None, (A, B), LABELS)
C_AGAIN = PlanPeriod(3, week(4), None, (A, B, C), LABELS)
LAPSING = PlanPeriod(1, START, week(3), (A, B), LABELS)
LATER_PLAN = PlanPeriod(1, week(3), None, (A, B), LABELS)
CLONE = words(40)

# (what the record shows, plans, sessions and notes, recent, the exact codes expected)
THREAD_CASES: list[tuple[str, tuple[PlanPeriod, ...], list[ThreadNote], int, set[str]]] = [
    ("every note cites both objectives", (PLAN,), weekly(0, 5), 4, set()),
    # Never addressed: from the plan version that introduced the objective.
    (
        "objective 1.2 never cited",
        (PLAN,),
        [note(n, (A,)) for n in range(4)],
        4,
        {"thread.objective_never_addressed"},
    ),
    ("a plan with no note under it yet", (PLAN,), [], 4, set()),
    (
        "objective 2.1 added by version 2 and cited after it",
        (PLAN, PLAN_2),
        [*weekly(0, 5), note(6, (A, B, C)), note(7)],
        4,
        set(),
    ),
    (
        "objective 2.1 added by version 2, only notes before it",
        (PLAN, PLAN_2),
        weekly(0, 5),
        4,
        set(),
    ),
    (
        "objective 2.1 added by version 2, not cited since",
        (PLAN, PLAN_2),
        weekly(0, 7),
        4,
        {"thread.objective_never_addressed"},
    ),
    (
        "objective 2.1 cited, dropped, then added again and not cited since",
        (DROPPED_C, WITHOUT_C, C_AGAIN),
        [note(0, (A, B, C)), note(1, (A, B, C)), *weekly(2, 5)],
        4,
        {"thread.objective_never_addressed"},
    ),
    (
        "objective 2.1 kept through a revision, cited under the first version",
        (DROPPED_C, replace(WITHOUT_C, objective_ids=(A, B, C))),
        [note(0, (A, B, C)), *weekly(1, 3)],
        4,
        set(),
    ),
    # Not recent: the boundary is exactly `recent` notes.
    (
        "objective 1.2 last cited exactly 4 notes ago",
        (PLAN,),
        [note(0), *[note(n, (A,)) for n in range(1, 4)]],
        4,
        set(),
    ),
    (
        "objective 1.2 last cited 5 notes ago",
        (PLAN,),
        [note(0), *[note(n, (A,)) for n in range(1, 5)]],
        4,
        {"thread.objective_not_recent"},
    ),
    (
        "objective 1.2 last cited 2 notes ago, recent = 2",
        (PLAN,),
        [note(0), note(1), note(2, (A,))],
        2,
        set(),
    ),
    (
        "objective 1.2 last cited 3 notes ago, recent = 2",
        (PLAN,),
        [note(0), note(1, (A,)), note(2, (A,))],
        2,
        {"thread.objective_not_recent"},
    ),
    (
        "sessions without a note do not count toward recent",
        (PLAN,),
        [note(0), attended(1), attended(2), note(3, (A,)), note(4, (A,)), note(5, (A,))],
        4,
        {"thread.session_without_note"},
    ),
    # A note that cites nothing.
    (
        "a signed note citing no objective",
        (PLAN,),
        [*weekly(0, 2), note(3, ())],
        4,
        {"thread.note_cites_nothing"},
    ),
    (
        "an intake note before the first plan citing no objective",
        (LATER_PLAN,),
        [note(0, ()), note(1, ()), note(2, ()), *weekly(3, 5)],
        4,
        set(),
    ),
    # Sessions without a note, in or after the intake period.
    (
        "an attended session with no signed note",
        (PLAN,),
        [*weekly(0, 2), attended(3), note(4)],
        4,
        {"thread.session_without_note"},
    ),
    (
        "an intake session with no signed note",
        (LATER_PLAN,),
        [attended(0), *weekly(3, 4)],
        4,
        {"thread.session_without_note"},
    ),
    # Interventions outside the plan.
    (
        "a note using an intervention the plan does not list",
        (PLAN,),
        [*weekly(0, 2), note(3, outside_interventions=("EMDR",))],
        4,
        {"thread.intervention_outside_plan"},
    ),
    (
        "only blank outside interventions",
        (PLAN,),
        [*weekly(0, 2), note(3, outside_interventions=(" ",))],
        4,
        set(),
    ),
    (
        "an intervention outside the plan during intake",
        (LATER_PLAN,),
        [note(0, (), outside_interventions=("EMDR",)), *weekly(3, 4)],
        4,
        set(),
    ),
    # Cloning: 40 words, 4 replaced is exactly 90 % alike, 5 replaced is 87.5 %.
    (
        "consecutive notes 90 % alike",
        (PLAN,),
        [note(0, narrative=CLONE), note(1, narrative=words(40, 4))],
        4,
        {"thread.notes_nearly_identical"},
    ),
    (
        "consecutive notes 87.5 % alike",
        (PLAN,),
        [note(0, narrative=CLONE), note(1, narrative=words(40, 5))],
        4,
        set(),
    ),
    (
        "consecutive notes differing only in case and spacing",
        (PLAN,),
        [note(0, narrative=CLONE), note(1, narrative="  " + CLONE.upper().replace(" ", "\n  "))],
        4,
        {"thread.notes_nearly_identical"},
    ),
    (
        f"identical notes of {CLONE_MIN_WORDS} words",
        (PLAN,),
        [note(0, narrative=words(CLONE_MIN_WORDS)), note(1, narrative=words(CLONE_MIN_WORDS))],
        4,
        {"thread.notes_nearly_identical"},
    ),
    (
        f"identical notes of {CLONE_MIN_WORDS - 1} words",
        (PLAN,),
        [note(0, narrative=words(CLONE_MIN_WORDS - 1))] * 2,
        4,
        set(),
    ),
    (
        "identical notes that are not consecutive",
        (PLAN,),
        [note(0, narrative=CLONE), note(1, narrative=words(40, 8)), note(2, narrative=CLONE)],
        4,
        set(),
    ),
    (
        "identical notes with only an unsigned session between them",
        (PLAN,),
        [note(0, narrative=CLONE), attended(1), note(2, narrative=CLONE)],
        4,
        {"thread.notes_nearly_identical", "thread.session_without_note"},
    ),
    # The plan at the date of service.
    ("the last session on the plan's expiry day", (LAPSING,), weekly(0, 3), 4, set()),
    (
        "a session the day after the plan lapsed",
        (LAPSING,),
        [*weekly(0, 3), replace(note(4), day=week(3) + timedelta(days=1))],
        4,
        {"thread.plan_expired_at_service"},
    ),
    (
        "an unsigned session after the plan lapsed",
        (LAPSING,),
        [*weekly(0, 3), attended(4)],
        4,
        {"thread.plan_expired_at_service", "thread.session_without_note"},
    ),
    (
        "a renewal in force the day after the lapse",
        (LAPSING, replace(PLAN, version=2, effective=week(3) + timedelta(days=1))),
        [*weekly(0, 3), replace(note(4), day=week(3) + timedelta(days=1))],
        4,
        set(),
    ),
    ("sessions before the first plan", (LATER_PLAN,), [note(0, ()), *weekly(1, 5)], 4, set()),
    (
        f"no plan at all after {PLAN_DUE_WITHIN_SESSIONS} sessions",
        (),
        [note(n, ()) for n in range(PLAN_DUE_WITHIN_SESSIONS)],
        4,
        set(),
    ),
    (
        f"no plan at all at session {PLAN_DUE_WITHIN_SESSIONS + 1}",
        (),
        [note(n, ()) for n in range(PLAN_DUE_WITHIN_SESSIONS + 1)],
        4,
        {"thread.no_plan_at_service"},
    ),
    (
        "no plan at all, unsigned sessions count as sessions",
        (),
        [attended(n) for n in range(PLAN_DUE_WITHIN_SESSIONS + 1)],
        4,
        {"thread.no_plan_at_service", "thread.session_without_note"},
    ),
]


@pytest.mark.parametrize(
    ("plans", "notes", "recent", "expected"),
    [case[1:] for case in THREAD_CASES],
    ids=[case[0] for case in THREAD_CASES],
)
def test_golden_thread_reports_exactly_the_expected_codes(
    plans: tuple[PlanPeriod, ...], notes: list[ThreadNote], recent: int, expected: set[str]
) -> None:
    assert set(codes(run(notes, plans, recent).findings)) == expected


def test_every_thread_code_in_the_catalog_is_exercised_by_a_case() -> None:
    exercised = set().union(*(case[-1] for case in THREAD_CASES))
    assert exercised == THREAD_CODES
    assert len(THREAD_CODES) == 8


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("thread.objective_never_addressed", Severity.ERROR),
        ("thread.objective_not_recent", Severity.WARNING),
        ("thread.note_cites_nothing", Severity.ERROR),
        ("thread.session_without_note", Severity.WARNING),
        ("thread.intervention_outside_plan", Severity.WARNING),
        ("thread.notes_nearly_identical", Severity.WARNING),
        ("thread.plan_expired_at_service", Severity.ERROR),
        ("thread.no_plan_at_service", Severity.ERROR),
    ],
)
def test_thread_codes_are_golden_thread_findings_with_their_severity(
    code: str, severity: Severity
) -> None:
    assert CATALOG[code].category is Category.GOLDEN_THREAD
    assert load_pack("default").severity(code) is severity


def _only(report: ThreadReport, code: str) -> Finding:
    (finding,) = [finding for finding in report.findings if finding.code == code]
    return finding


def test_objective_findings_name_the_label_and_link_to_the_objective() -> None:
    report = run(
        [note(0), *[note(n, (A,)) for n in range(1, 5)]], (replace(PLAN, objective_ids=(A, B, C)),)
    )
    never = _only(report, "thread.objective_never_addressed")
    assert never.field == C
    assert LABELS[C] in never.message and START.isoformat() in never.message
    stale = _only(report, "thread.objective_not_recent")
    assert stale.field == B
    assert LABELS[B] in stale.message and week(0).isoformat() in stale.message
    assert "last 4 notes" in stale.message
    assert "pack: default" in stale.rule_source


def test_session_findings_name_the_date_and_link_to_the_session() -> None:
    report = run(
        [
            *weekly(0, 2),
            attended(3),
            note(4, (), outside_interventions=("EMDR", "hypnosis", "EMDR")),
            note(5, narrative=CLONE),
            note(6, narrative=CLONE),
        ]
    )
    missing = _only(report, "thread.session_without_note")
    assert missing.field == "appointment 3"
    assert week(3).isoformat() in missing.message and "appointment 3" in missing.message
    nothing = _only(report, "thread.note_cites_nothing")
    assert nothing.field == "appointment 4" and week(4).isoformat() in nothing.message
    outside = _only(report, "thread.intervention_outside_plan")
    assert outside.field == "appointment 4"
    assert "EMDR and hypnosis" in outside.message and "revising" in outside.message
    clone = _only(report, "thread.notes_nearly_identical")
    assert clone.field == "appointment 6"
    assert week(6).isoformat() in clone.message and week(5).isoformat() in clone.message
    assert "100%" in clone.message


def test_plan_findings_name_the_version_and_the_lapse() -> None:
    lapsed = run([*weekly(0, 3), note(4)], (LAPSING,))
    finding = _only(lapsed, "thread.plan_expired_at_service")
    assert finding.field == "appointment 4"
    assert "version 1" in finding.message and week(3).isoformat() in finding.message
    no_plan = run([note(n, ()) for n in range(4)], ())
    assert [f.field for f in no_plan.findings] == ["appointment 2", "appointment 3"]
    assert no_plan.objectives == ()


def test_every_message_is_one_sentence() -> None:
    report = run(
        [note(0), *[note(n, (A,)) for n in range(1, 5)], attended(5), note(6, ())],
        (replace(PLAN, objective_ids=(A, B, C), expires=week(5)),),
    )
    assert len(set(codes(report.findings))) == 5
    for finding in report.findings:
        assert finding.message.endswith(".") and finding.message.count(". ") == 0


def test_findings_come_objectives_first_then_sessions_in_date_order() -> None:
    notes = [note(3, ()), attended(1), note(0), note(2, (A,))]
    report = run(notes, (replace(PLAN, objective_ids=(A, B, C)),))
    assert [f.field for f in report.findings] == [C, "appointment 1", "appointment 3"]


def test_objective_coverage_counts_citations_since_the_objective_entered_the_plan() -> None:
    report = run(
        [note(0, (A, B, C)), note(1, (A,)), note(2, (A, B)), attended(3), note(6, (A, C))],
        (DROPPED_C, replace(WITHOUT_C, effective=week(1)), replace(C_AGAIN, effective=week(5))),
        today=week(7),
    )
    assert report.objectives == (
        ObjectiveThread(A, LABELS[A], 4, week(6)),
        ObjectiveThread(B, LABELS[B], 2, week(2)),
        ObjectiveThread(C, LABELS[C], 1, week(6)),
    )


def test_the_report_is_as_of_today() -> None:
    notes = [note(0, (A,)), note(1, (A, B))]
    before = run(notes, today=week(0))
    assert codes(before.findings) == ["thread.objective_never_addressed"]
    assert before.objectives[1] == ObjectiveThread(B, LABELS[B], 0, None)
    assert run(notes, today=week(1)).findings == ()
    assert run(notes, (LATER_PLAN,), today=week(2)).objectives == ()


def test_a_missing_label_falls_back_to_the_objective_id() -> None:
    report = run([note(0, (A,))], (replace(PLAN, objective_labels={A: LABELS[A], B: " "}),))
    assert report.objectives[1].label == B
    assert f'"{B}"' in _only(report, "thread.objective_never_addressed").message


def test_a_pack_can_turn_a_thread_rule_off() -> None:
    default = load_pack("default")
    pack = replace(default, severities={**default.severities, "thread.session_without_note": None})
    report = golden_thread([PLAN], [note(0), attended(1)], pack=pack, today=TODAY)
    assert report.findings == ()


@pytest.mark.parametrize("recent", [0, -1])
def test_recent_must_be_at_least_one_note(recent: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run([], recent=recent)
    with pytest.raises(ValueError, match="at least 1"):
        due_objectives(PLAN, [], recent=recent)


PLAN_IN_FORCE_CASES: list[tuple[str, date, int | None]] = [
    ("the day before the first plan", START - timedelta(days=1), None),
    ("the first plan's effective day", START, 1),
    ("the day before version 2", week(6) - timedelta(days=1), 1),
    ("version 2's effective day", week(6), 2),
    ("versions 3 and 4 take effect the same day: the higher", week(9), 4),
    ("long after version 1 lapsed, with no later version", date(2030, 1, 1), 4),
]


@pytest.mark.parametrize(
    ("day", "version"),
    [case[1:] for case in PLAN_IN_FORCE_CASES],
    ids=[case[0] for case in PLAN_IN_FORCE_CASES],
)
def test_plan_in_force_is_the_latest_version_effective_on_the_day(
    day: date, version: int | None
) -> None:
    plans = [
        replace(PLAN, version=4, effective=week(9)),
        PLAN_2,
        replace(PLAN, version=3, effective=week(9)),
        PLAN,
    ]
    found = plan_in_force(plans, day)
    assert (found.version if found else None) == version


def test_plan_in_force_with_no_plans() -> None:
    assert plan_in_force([], TODAY) is None


def test_narrative_similarity_on_word_lists() -> None:
    assert narrative_similarity(CLONE, words(40, 4)) == pytest.approx(CLONE_SIMILARITY)
    assert narrative_similarity(CLONE, words(40, 5)) == pytest.approx(0.875)
    assert narrative_similarity(CLONE, " ".join(reversed(CLONE.split()))) == pytest.approx(0.025)
    assert narrative_similarity("Client\tCALM  today " * 7, "client calm today\n" * 7) == 1.0
    assert narrative_similarity(words(CLONE_MIN_WORDS - 1), CLONE) is None
    assert narrative_similarity(CLONE, "") is None


DUE = PlanPeriod(1, START, None, (A, B, C), LABELS)
# (what the notes show, the notes, recent, the objectives due in order)
DUE_CASES: list[tuple[str, list[ThreadNote], int, tuple[str, ...]]] = [
    ("no notes: every objective, in plan order", [], 4, (A, B, C)),
    ("all cited in the window", [note(0, (A, B, C))], 4, ()),
    (
        "never cited first, then the oldest last citation",
        [note(0, (C,)), note(1, (A,)), *[note(n, ("o-other",)) for n in range(2, 6)]],
        4,
        (B, C, A),
    ),
    (
        "same last citation keeps plan order",
        [note(0, (C, A)), *[note(n, ("o-other",)) for n in range(1, 5)]],
        4,
        (B, A, C),
    ),
    ("cited exactly `recent` notes ago", [note(0, (A, B, C)), *weekly(1, 3)], 4, ()),
    ("cited `recent` + 1 notes ago", [note(0, (A, B, C)), *weekly(1, 4)], 4, (C,)),
    ("cited `recent` + 1 notes ago, recent = 5", [note(0, (A, B, C)), *weekly(1, 4)], 5, ()),
    (
        "unsigned sessions are not notes",
        [note(0, (C,)), attended(1), attended(2), attended(3), attended(4)],
        1,
        (A, B),
    ),
    (
        "notes given out of date order",
        [note(5, (A,)), note(0, (B,)), note(3, (C,))],
        1,
        (B, C),
    ),
]


@pytest.mark.parametrize(
    ("notes", "recent", "expected"),
    [case[1:] for case in DUE_CASES],
    ids=[case[0] for case in DUE_CASES],
)
def test_due_objectives_longest_unaddressed_first(
    notes: list[ThreadNote], recent: int, expected: tuple[str, ...]
) -> None:
    assert due_objectives(DUE, notes, recent=recent) == expected


PREVIOUS_CASES: list[tuple[str, list[ThreadNote], str]] = [
    ("no notes", [], ""),
    ("only an unsigned session", [attended(0)], ""),
    (
        "the latest signed note's plan",
        [
            note(0, next_session_plan="Review the thought record."),
            note(1, next_session_plan="Plan a walk."),
        ],
        "Plan a walk.",
    ),
    (
        "notes given out of date order",
        [note(1, next_session_plan="Plan a walk."), note(0, next_session_plan="Review.")],
        "Plan a walk.",
    ),
    (
        "an unsigned session after the latest note",
        [note(0, next_session_plan="Plan a walk."), attended(1)],
        "Plan a walk.",
    ),
    (
        "the latest note planned nothing: no older plan is carried forward",
        [note(0, next_session_plan="Plan a walk."), note(1)],
        "",
    ),
    (
        "two notes the same day: the later given",
        [note(0, next_session_plan="First."), note(0, next_session_plan="Second.")],
        "Second.",
    ),
]


@pytest.mark.parametrize(
    ("notes", "expected"),
    [case[1:] for case in PREVIOUS_CASES],
    ids=[case[0] for case in PREVIOUS_CASES],
)
def test_previous_plan_for_session(notes: list[ThreadNote], expected: str) -> None:
    assert previous_plan_for_session(notes) == expected
