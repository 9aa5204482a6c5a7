"""Measurement-based care: standardized questionnaires as data, and pure scoring rules.

`instruments` holds the questionnaires (items, LOINC codes, bands, sources), `scoring` scores one
filled form, `change` compares a latest score with the baseline, and `target` checks a score
against an objective such as "GAD-7 below 10". Nothing here imports Django.
"""

from threadline.rules.measures.change import (
    OUTCOME_RULES,
    Change,
    OutcomeRules,
    ReliableChangeRule,
    RemissionRule,
    ResponseRule,
    change,
)
from threadline.rules.measures.instruments import (
    INSTRUMENTS,
    AnswerOption,
    Band,
    Cluster,
    ClusterRule,
    Instrument,
    Item,
    SafetyRule,
    ScreenCutoff,
    Source,
    UnknownInstrument,
    instrument,
)
from threadline.rules.measures.scoring import AnswerError, ClusterScore, Score, Sex, score
from threadline.rules.measures.target import Direction, target_reached

__all__ = [
    "INSTRUMENTS",
    "OUTCOME_RULES",
    "AnswerError",
    "AnswerOption",
    "Band",
    "Change",
    "Cluster",
    "ClusterRule",
    "ClusterScore",
    "Direction",
    "Instrument",
    "Item",
    "OutcomeRules",
    "ReliableChangeRule",
    "RemissionRule",
    "ResponseRule",
    "SafetyRule",
    "Score",
    "ScreenCutoff",
    "Sex",
    "Source",
    "UnknownInstrument",
    "change",
    "instrument",
    "score",
    "target_reached",
]
