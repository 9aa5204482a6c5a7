"""Standardized questionnaires as data: items, answers, LOINC codes, totals and severity bands.

Every fact here comes from the research notes (shared/reference/standards.md §4 and
clinical-content.md §2 and §5, read on 2026-11-28) and names its source, so a reviewer can check
one row at a time and a unit test can pin each code to the literal value in the notes.

Item wording. The notes say the PHQ-9, PHQ-2 and GAD-7 are free to reproduce and display without
permission or charge (Pfizer, 2010), the PCL-5 is a US Government work in the public domain and
the AUDIT-C is a WHO instrument in the public domain (standards.md §4.3). So the items carry the
instruments' own wording. The notes do not quote that wording: it was written out from the
published forms, and the PCL-5's parenthesised examples are left out. The text labels items and
scores in the record; before a form is administered from it, check it against the distributor's
form (phqscreeners.com, ptsd.va.gov, the WHO AUDIT manual). The answer labels of PHQ-9 item 10,
the middle PCL-5 labels and all AUDIT-C labels likewise come from the published forms.

Licensed instruments are not shipped: C-SSRS (electronic use licensed to Clario), Y-BOCS and ISI
(licence needed for electronic records). `instrument()` says so when asked for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DASH = "\N{EN DASH}"

# The day the research notes were read; the `effective` date of a fact whose source gives none.
READ_ON = date(2026, 11, 28)


@dataclass(frozen=True, slots=True)
class Source:
    citation: str
    effective: date  # when the fact as encoded took effect, or the day it was last read
    verify: str = ""  # what the research notes could not confirm from a primary source

    def __str__(self) -> str:
        return f"{self.citation} (as of {self.effective.isoformat()})"


@dataclass(frozen=True, slots=True)
class AnswerOption:
    value: int
    label: str
    loinc: str | None = None  # the LOINC answer (LA) code, only where the notes give one


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    text: str
    loinc: str | None  # None where the notes record no item code (the PCL-5 items)
    options: tuple[AnswerOption, ...]
    scored: bool = True  # PHQ-9 item 10 (how difficult the problems made things) is not scored

    @property
    def lowest(self) -> int:
        return min(option.value for option in self.options)

    @property
    def highest(self) -> int:
        return max(option.value for option in self.options)

    def accepts(self, value: int) -> bool:
        return any(option.value == value for option in self.options)


@dataclass(frozen=True, slots=True)
class Band:
    low: int
    high: int
    label: str

    def contains(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True, slots=True)
class Cluster:
    """A DSM-5 symptom cluster of the PCL-5, and how many symptoms the provisional rule needs."""

    key: str
    label: str
    items: tuple[int, ...]
    needed: int  # items rated at or above the symptom threshold for a provisional diagnosis


@dataclass(frozen=True, slots=True)
class ClusterRule:
    """The DSM-5 way of reading a PCL-5: an item counts as a symptom when rated this high."""

    symptom_at_least: int
    source: Source


@dataclass(frozen=True, slots=True)
class ScreenCutoff:
    """The total at or above which a screen is positive."""

    at_least: int  # for everyone, or when sex is not recorded (then the lowest cut-off)
    source: Source
    male: int | None = None
    female: int | None = None

    @property
    def sex_specific(self) -> bool:
        return self.male is not None or self.female is not None


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """Items whose any non-zero answer needs a same-day safety assessment."""

    items: tuple[int, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Instrument:
    key: str  # "phq9": the stable identifier stored with each score
    name: str  # "PHQ-9": what clinicians call it
    title: str
    tracks: str
    stem: str  # the question every item answers, with its time frame
    items: tuple[Item, ...]
    loinc_panel: str
    loinc_total: str
    min_total: int
    max_total: int
    bands: tuple[Band, ...]  # empty where the notes give no validated severity bands
    codes_source: Source
    scoring_source: Source
    licence: str
    licence_source: Source
    clusters: tuple[Cluster, ...] = ()
    cluster_rule: ClusterRule | None = None
    screen: ScreenCutoff | None = None
    safety: SafetyRule | None = None

    def __post_init__(self) -> None:
        # The tables below are typed in by hand, so check at import that they add up: a slip
        # in a band edge would otherwise put a client in the wrong severity band without error.
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"{self.name} items must be numbered 1 upwards, not {numbers}")
        lowest = sum(item.lowest for item in self.scored_items)
        highest = sum(item.highest for item in self.scored_items)
        if (lowest, highest) != (self.min_total, self.max_total):
            raise ValueError(
                f"{self.name} totals run {lowest}{DASH}{highest} from its items, "
                f"not {self.min_total}{DASH}{self.max_total}"
            )
        if self.bands:
            edges = [self.min_total - 1]
            for band in self.bands:
                if band.low != edges[-1] + 1 or band.high < band.low:
                    raise ValueError(f"{self.name} band {band.label!r} leaves a gap or overlaps")
                edges.append(band.high)
            if edges[-1] != self.max_total:
                raise ValueError(f"{self.name} bands stop at {edges[-1]}, not {self.max_total}")
        scored = {item.number for item in self.scored_items}
        clustered = [n for cluster in self.clusters for n in cluster.items]
        if self.clusters and sorted(clustered) != sorted(scored):
            raise ValueError(f"{self.name} clusters must cover each scored item exactly once")
        if self.clusters and self.cluster_rule is None:
            raise ValueError(f"{self.name} has clusters but no rule for reading them")
        if self.safety and not set(self.safety.items) <= scored:
            raise ValueError(f"{self.name} safety items must be scored items")

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    def item(self, number: int) -> Item | None:
        return next((item for item in self.items if item.number == number), None)

    def band_for(self, total: int) -> Band | None:
        """Return the severity band holding `total`, or None when the instrument has none."""
        return next((band for band in self.bands if band.contains(total)), None)

    def numbering(self) -> str:
        """Describe the item numbers for messages: "1-9, plus item 10 (not scored)"."""
        scored = [item.number for item in self.scored_items]
        words = f"{scored[0]}{DASH}{scored[-1]}"
        for item in self.items:
            if not item.scored:
                words += f", plus item {item.number} (not scored)"
        return words


class UnknownInstrument(LookupError):
    """Raised for a measure key that Threadline does not ship."""

    def __str__(self) -> str:
        return str(self.args[0])


# --- Sources ---------------------------------------------------------------------------------

PFIZER_FREE = Source(
    "Pfizer, 2010: the PHQ screeners and GAD-7 are free to reproduce, translate, display and "
    "distribute without permission or charge (news-medical.net, 23 July 2010; phqscreeners.com)",
    date(2010, 7, 23),
)
VA_PUBLIC_DOMAIN = Source(
    "VA National Center for PTSD: the PCL-5 is a US Government work, not copyrighted "
    "(ptsd.va.gov; calculate.qxmd.com PCL-5 page)",
    READ_ON,
)
WHO_PUBLIC_DOMAIN = Source(
    "US Core Questionnaire AUDIT-C copyright note: WHO instrument, public domain",
    READ_ON,
    verify="AUDIT licence terms are an open item in clinical-content.md §6",
)
PHQ_CODES = Source(
    "LOINC via the US Core STU7 PHQ-9 QuestionnaireResponse example and the HL7 PHR IG "
    "scored-assessment value set (standards.md §4.1)",
    READ_ON,
)
GAD_CODES = Source(
    "LOINC via the HL7 PHR IG scored-assessment value set (standards.md §4.1); the panel "
    "69737-5 and the total 70274-6 are different codes, often mixed up",
    READ_ON,
)
PCL5_CODES = Source(
    "LOINC 2.75 via findacode.com (101697-1) and healthassure.in (101698-9), secondary sites",
    READ_ON,
    verify="seen on secondary sites only; the notes record no PCL-5 item codes",
)
AUDIT_C_CODES = Source(
    "US Core STU7 AUDIT-C Observation examples (total 75626-2; items 68519-8, 68520-6)",
    READ_ON,
    verify=(
        "item 1: the classic question (how often you drink) is 68518-0, used here; US Core's "
        "example questionnaire uses 68517-2 (times in the past year with X or more drinks)"
    ),
)
PHQ9_SCORING = Source(
    "Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613 "
    "(doi:10.1046/j.1525-1497.2001.016009606.x)",
    READ_ON,
)
PHQ2_SCORING = Source(
    "Kroenke, Spitzer & Williams, Med Care 2003: a PHQ-2 of 3 or more is a positive screen",
    READ_ON,
)
GAD7_SCORING = Source("Spitzer et al., Arch Intern Med 2006;166:1092-1097", READ_ON)
PCL5_SCORING = Source(
    "VA National Center for PTSD, PTSD Checklist for DSM-5 scoring: clusters B 1-5, C 6-7, "
    "D 8-14, E 15-20; an item rated 2 or more counts as a symptom; no validated severity bands "
    "(ptsd.va.gov; comorbidityguidelines.org.au)",
    READ_ON,
)
AUDIT_C_SCORING = Source(
    "US Core AUDIT-C example: positive at 4 or more for men, 3 or more for women",
    READ_ON,
)
SAME_DAY_SAFETY = Source(
    "Product rule (standards.md §4.2): any non-zero PHQ-9 item 9 needs a same-day safety "
    "assessment",
    READ_ON,
)

# --- Answer lists ----------------------------------------------------------------------------

# The PHQ-9, PHQ-2 and GAD-7 share one answer list and its LOINC answer codes.
OVER_TWO_WEEKS = (
    AnswerOption(0, "Not at all", "LA6568-5"),
    AnswerOption(1, "Several days", "LA6569-3"),
    AnswerOption(2, "More than half the days", "LA6570-1"),
    AnswerOption(3, "Nearly every day", "LA6571-9"),
)
# The notes give no LOINC answer codes for the lists below.
DIFFICULTY = (
    AnswerOption(0, "Not difficult at all"),
    AnswerOption(1, "Somewhat difficult"),
    AnswerOption(2, "Very difficult"),
    AnswerOption(3, "Extremely difficult"),
)
PCL5_BOTHERED = (
    AnswerOption(0, "Not at all"),
    AnswerOption(1, "A little bit"),
    AnswerOption(2, "Moderately"),
    AnswerOption(3, "Quite a bit"),
    AnswerOption(4, "Extremely"),
)
AUDIT_HOW_OFTEN = (
    AnswerOption(0, "Never"),
    AnswerOption(1, "Monthly or less"),
    AnswerOption(2, "2 to 4 times a month"),
    AnswerOption(3, "2 to 3 times a week"),
    AnswerOption(4, "4 or more times a week"),
)
AUDIT_HOW_MANY = (
    AnswerOption(0, "1 or 2"),
    AnswerOption(1, "3 or 4"),
    AnswerOption(2, "5 or 6"),
    AnswerOption(3, "7, 8 or 9"),
    AnswerOption(4, "10 or more"),
)
AUDIT_SIX_OR_MORE = (
    AnswerOption(0, "Never"),
    AnswerOption(1, "Less than monthly"),
    AnswerOption(2, "Monthly"),
    AnswerOption(3, "Weekly"),
    AnswerOption(4, "Daily or almost daily"),
)

# --- Instruments -----------------------------------------------------------------------------

PHQ_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)


def _items(rows: list[tuple[str, str | None]], options: tuple[AnswerOption, ...]) -> list[Item]:
    return [Item(n, text, loinc, options) for n, (text, loinc) in enumerate(rows, start=1)]


_PHQ9_ROWS: list[tuple[str, str | None]] = [
    ("Little interest or pleasure in doing things", "44250-9"),
    ("Feeling down, depressed, or hopeless", "44255-8"),
    ("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("Feeling tired or having little energy", "44254-1"),
    ("Poor appetite or overeating", "44251-7"),
    (
        "Feeling bad about yourself, or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed, or the opposite: "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    ("Thoughts that you would be better off dead, or of hurting yourself in some way", "44260-8"),
]
_PHQ9_ITEMS = _items(_PHQ9_ROWS, OVER_TWO_WEEKS)

PHQ9 = Instrument(
    key="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire-9",
    tracks="Depression",
    stem=PHQ_STEM,
    items=(
        *_PHQ9_ITEMS,
        Item(
            10,
            "If you checked off any problems, how difficult have these problems made it for you "
            "to do your work, take care of things at home, or get along with other people?",
            "69722-7",
            DIFFICULTY,
            scored=False,
        ),
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    min_total=0,
    max_total=27,
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 19, "Moderately severe"),
        Band(20, 27, "Severe"),
    ),
    codes_source=PHQ_CODES,
    scoring_source=PHQ9_SCORING,
    licence="Free to reproduce, display and distribute without permission or charge (Pfizer).",
    licence_source=PFIZER_FREE,
    safety=SafetyRule((9,), SAME_DAY_SAFETY),
)

PHQ2 = Instrument(
    key="phq2",
    name="PHQ-2",
    title="Patient Health Questionnaire-2",
    tracks="Depression (screen)",
    stem=PHQ_STEM,
    # The PHQ-2 is the first two PHQ-9 items, with the same item codes.
    items=tuple(_PHQ9_ITEMS[:2]),
    loinc_panel="55757-9",
    loinc_total="55758-7",
    min_total=0,
    max_total=6,
    bands=(),  # the notes give a screening cut-off, not severity bands
    codes_source=PHQ_CODES,
    scoring_source=PHQ2_SCORING,
    licence="Free to reproduce, display and distribute without permission or charge (Pfizer).",
    licence_source=PFIZER_FREE,
    # A positive screen means: give the PHQ-9.
    screen=ScreenCutoff(3, PHQ2_SCORING),
)

GAD7 = Instrument(
    key="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder-7",
    tracks="Anxiety",
    stem=PHQ_STEM,
    items=tuple(
        _items(
            [
                ("Feeling nervous, anxious, or on edge", "69725-0"),
                ("Not being able to stop or control worrying", "68509-9"),
                ("Worrying too much about different things", "69733-4"),
                ("Trouble relaxing", "69734-2"),
                ("Being so restless that it is hard to sit still", "69735-9"),
                ("Becoming easily annoyed or irritable", "69689-8"),
                ("Feeling afraid, as if something awful might happen", "69736-7"),
            ],
            OVER_TWO_WEEKS,
        )
    ),
    loinc_panel="69737-5",
    loinc_total="70274-6",
    min_total=0,
    max_total=21,
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
    codes_source=GAD_CODES,
    scoring_source=GAD7_SCORING,
    licence="Free to reproduce, display and distribute without permission or charge (Pfizer).",
    licence_source=PFIZER_FREE,
)

_PCL5_TEXTS = [
    "Repeated, disturbing, and unwanted memories of the stressful experience",
    "Repeated, disturbing dreams of the stressful experience",
    "Suddenly feeling or acting as if the stressful experience were actually happening again",
    "Feeling very upset when something reminded you of the stressful experience",
    "Having strong physical reactions when something reminded you of the stressful experience",
    "Avoiding memories, thoughts, or feelings related to the stressful experience",
    "Avoiding external reminders of the stressful experience",
    "Trouble remembering important parts of the stressful experience",
    "Having strong negative beliefs about yourself, other people, or the world",
    "Blaming yourself or someone else for the stressful experience or what happened after it",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame",
    "Loss of interest in activities that you used to enjoy",
    "Feeling distant or cut off from other people",
    "Trouble experiencing positive feelings",
    "Irritable behavior, angry outbursts, or acting aggressively",
    "Taking too many risks or doing things that could cause you harm",
    'Being "superalert" or watchful or on guard',
    "Feeling jumpy or easily startled",
    "Having difficulty concentrating",
    "Trouble falling or staying asleep",
]

PCL5 = Instrument(
    key="pcl5",
    name="PCL-5",
    title="PTSD Checklist for DSM-5",
    tracks="PTSD",
    stem=(
        "In the past month, how much were you bothered by the following problems, in response "
        "to a very stressful experience?"
    ),
    # The notes record no PCL-5 item codes, so each item has loinc=None.
    items=tuple(_items([(text, None) for text in _PCL5_TEXTS], PCL5_BOTHERED)),
    loinc_panel="101697-1",
    loinc_total="101698-9",
    min_total=0,
    max_total=80,
    # No validated severity bands (standards.md §4.2). The notes also give a probable-PTSD total
    # of "31-33"; a range is not a cut-off, so only the DSM-5 cluster rule is applied.
    bands=(),
    codes_source=PCL5_CODES,
    scoring_source=PCL5_SCORING,
    licence="US Government work (VA National Center for PTSD), in the public domain.",
    licence_source=VA_PUBLIC_DOMAIN,
    clusters=(
        Cluster("B", "Intrusion", (1, 2, 3, 4, 5), needed=1),
        Cluster("C", "Avoidance", (6, 7), needed=1),
        Cluster("D", "Negative alterations in cognitions and mood", tuple(range(8, 15)), needed=2),
        Cluster("E", "Alterations in arousal and reactivity", tuple(range(15, 21)), needed=2),
    ),
    cluster_rule=ClusterRule(symptom_at_least=2, source=PCL5_SCORING),
)

AUDIT_C = Instrument(
    key="auditc",
    name="AUDIT-C",
    title="Alcohol Use Disorders Identification Test - Consumption",
    tracks="Alcohol use (screen)",
    stem="About your drinking in the past year:",
    # The form skips items 2 and 3 when item 1 is "Never". The notes give no skip rule, so a
    # form that skips them must record 0 for each; a blank item leaves the score incomplete.
    items=(
        Item(1, "How often do you have a drink containing alcohol?", "68518-0", AUDIT_HOW_OFTEN),
        Item(
            2,
            "How many drinks containing alcohol do you have on a typical day when you are "
            "drinking?",
            "68519-8",
            AUDIT_HOW_MANY,
        ),
        Item(
            3,
            "How often do you have six or more drinks on one occasion?",
            "68520-6",
            AUDIT_SIX_OR_MORE,
        ),
    ),
    loinc_panel="72109-2",
    loinc_total="75626-2",
    min_total=0,
    max_total=12,
    bands=(),  # the notes give sex-specific screening cut-offs, not severity bands
    codes_source=AUDIT_C_CODES,
    scoring_source=AUDIT_C_SCORING,
    licence="WHO instrument, in the public domain.",
    licence_source=WHO_PUBLIC_DOMAIN,
    # When sex is not recorded the lower (women's) cut-off applies: a screen should rather send
    # one more person to a fuller assessment than miss one.
    screen=ScreenCutoff(3, AUDIT_C_SCORING, male=4, female=3),
)

INSTRUMENTS: dict[str, Instrument] = {
    measure.key: measure for measure in (PHQ9, PHQ2, GAD7, PCL5, AUDIT_C)
}

# Asked-for measures that are deliberately absent, and why (standards.md §4.3, clinical-content §2).
NOT_SHIPPED: dict[str, str] = {
    "cssrs": (
        "The C-SSRS is not included: electronic versions are licensed exclusively to Clario and "
        "need legal review. Record the clinician's risk level instead."
    ),
    "ybocs": (
        "The Y-BOCS is not included: its owners require a licence to use it in an electronic "
        "record."
    ),
    "isi": (
        "The ISI is not included: it is copyright Morin and distributed under licence by Mapi."
    ),
}


def instrument(key: str) -> Instrument:
    """Return the instrument stored under `key`, such as "phq9"."""
    if key in INSTRUMENTS:
        return INSTRUMENTS[key]
    if key in NOT_SHIPPED:
        raise UnknownInstrument(NOT_SHIPPED[key])
    known = ", ".join(f"{m.name} ({m.key})" for m in sorted(INSTRUMENTS.values(), key=_by_name))
    raise UnknownInstrument(f"There is no measure called {key!r}. The measures are: {known}.")


def _by_name(measure: Instrument) -> str:
    return measure.name
