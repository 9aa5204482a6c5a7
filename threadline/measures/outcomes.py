"""The practice's outcomes: per instrument and clinician, how many episodes reached response,
remission and reliable improvement. Counts only; no client is named."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from threadline.accounts.models import Practice
from threadline.measures.models import Administration, State
from threadline.rules.measures import INSTRUMENTS, OUTCOME_RULES, change


@dataclass
class OutcomeRow:
    clinician: str
    episodes: int = 0  # clients with a baseline and at least one later score
    response: int = 0
    remission: int = 0
    reliable_improvement: int = 0

    def _share(self, count: int) -> str:
        return f"{round(100 * count / self.episodes)}%" if self.episodes else "—"

    @property
    def share_response(self) -> str:
        return self._share(self.response)

    @property
    def share_remission(self) -> str:
        return self._share(self.remission)

    @property
    def share_improvement(self) -> str:
        return self._share(self.reliable_improvement)


@dataclass
class InstrumentOutcomes:
    form: Any
    rows: list[OutcomeRow]
    defined: dict[str, bool]  # which outcomes the instrument has a definition for


def practice_outcomes(practice: Practice) -> list[InstrumentOutcomes]:
    """Baseline is each client's first complete score, latest their last; an episode counts
    once it has both. The clinician is the client's primary clinician."""
    scores: dict[tuple[int, str], list[Administration]] = defaultdict(list)
    for given in (
        Administration.objects.filter(client__practice=practice, state=State.COMPLETE)
        .select_related("client__primary_clinician")
        .order_by("answered_at", "id")
    ):
        scores[(given.client_id, given.instrument)].append(given)
    tables: dict[str, dict[str, OutcomeRow]] = defaultdict(dict)
    for (_client, key), series in scores.items():
        if len(series) < 2:
            continue
        who = series[0].client.primary_clinician.full_name
        row = tables[key].setdefault(who, OutcomeRow(who))
        found = change(key, series[0].total or 0, series[-1].total or 0)
        row.episodes += 1
        row.response += bool(found.response)
        row.remission += bool(found.remission)
        row.reliable_improvement += bool(found.reliable_improvement)
    result = []
    for key, form in INSTRUMENTS.items():
        if key not in tables:
            continue
        rules = OUTCOME_RULES.get(key)
        rows = sorted(tables[key].values(), key=lambda r: r.clinician)
        total = OutcomeRow("All clinicians")
        for row in rows:
            total.episodes += row.episodes
            total.response += row.response
            total.remission += row.remission
            total.reliable_improvement += row.reliable_improvement
        result.append(
            InstrumentOutcomes(
                form,
                [*rows, total],
                {
                    "response": bool(rules and rules.response),
                    "remission": bool(rules and rules.remission),
                    "reliable_improvement": bool(rules and rules.reliable_change),
                },
            )
        )
    return result
