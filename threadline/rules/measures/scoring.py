"""Score one completed (or partly completed) questionnaire.

A questionnaire with an unanswered item gets no total, no band and no screening result: it is
reported as incomplete with the missing item numbers. It is never prorated, because a prorated
PHQ-9 of 10 and a real one look the same in the record and only the real one is validated.

Two results do not wait for a complete form. A non-zero answer on a safety item (PHQ-9 item 9)
raises `safety_alert` whatever else is blank, since the client told us something that needs a
same-day assessment. And a PCL-5 cluster whose own items are all answered gets its sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from threadline.rules.measures.instruments import DASH, Instrument, ScreenCutoff, instrument


class AnswerError(ValueError):
    """An answer that no version of the form allows: an unknown item or an out-of-range value."""

    def __init__(self, item: int, message: str) -> None:
        super().__init__(message)
        self.item = item
        self.message = message

    def __str__(self) -> str:
        return self.message


class Sex(StrEnum):
    # FHIR administrative gender, as the record stores it. Only male and female have their own
    # AUDIT-C cut-offs; "other" and "unknown" get the cut-off used when sex is not recorded.
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ClusterScore:
    key: str  # "B"
    label: str
    total: int | None  # None when any item of this cluster is unanswered
    symptoms: int | None  # items rated at or above the symptom threshold; None when incomplete
    met: bool | None  # this cluster's part of the DSM-5 rule; None when incomplete


@dataclass(frozen=True, slots=True)
class Score:
    instrument: str  # the instrument's key, "phq9"
    total: int | None  # None when incomplete
    band: str | None  # None when incomplete, or when the instrument has no severity bands
    complete: bool
    missing: tuple[int, ...]  # scored items left unanswered
    clusters: tuple[ClusterScore, ...] = ()  # PCL-5 only
    provisional_ptsd: bool | None = None  # PCL-5 only, by the DSM-5 cluster rule
    safety_alert: bool = False  # PHQ-9 item 9 answered above 0, complete or not
    positive: bool | None = None  # PHQ-2 and AUDIT-C screens; None when incomplete
    cutoff: int | None = None  # the screening cut-off applied, so the record can show it
    notes: tuple[str, ...] = ()  # sentences for the clinician explaining the result

    @property
    def cluster_totals(self) -> dict[str, int | None]:
        return {cluster.key: cluster.total for cluster in self.clusters}

    def cluster(self, key: str) -> ClusterScore:
        for cluster in self.clusters:
            if cluster.key == key:
                return cluster
        raise KeyError(f"This score has no cluster {key!r}.")


def score(
    measure: Instrument | str,
    answers: Mapping[int, int | None],
    *,
    sex: str | None = None,
) -> Score:
    """Score `answers` (item number → answer value, None for unanswered) on `measure`.

    `sex` matters only for the AUDIT-C cut-off: "male", "female", "other", "unknown" or None.
    Raises AnswerError for an item the form does not have or a value its item does not allow.
    """
    form = measure if isinstance(measure, Instrument) else instrument(measure)
    given = _checked(form, answers)
    client_sex = _sex(sex)
    missing = tuple(item.number for item in form.scored_items if item.number not in given)
    complete = not missing
    notes: list[str] = []

    total: int | None = None
    band: str | None = None
    if complete:
        total = sum(given[item.number] for item in form.scored_items)
        found = form.band_for(total)
        band = found.label if found else None
    else:
        notes.append(
            f"{_sentence_case(_items_phrase(missing))} unanswered, so the {form.name} has no "
            "total; an incomplete questionnaire is not prorated."
        )

    clusters = _clusters(form, given)
    provisional: bool | None = None
    if form.clusters and complete:
        provisional = all(cluster.met for cluster in clusters)

    alert = False
    if form.safety:
        for number in form.safety.items:
            value = given.get(number)
            if value:
                alert = True
                notes.append(
                    f"Item {number} ({_item_text(form, number)}) was answered "
                    f"\N{LEFT DOUBLE QUOTATION MARK}{_answer_label(form, number, value)}"
                    f"\N{RIGHT DOUBLE QUOTATION MARK}: a same-day safety assessment is needed."
                )

    positive: bool | None = None
    cutoff: int | None = None
    if form.screen:
        cutoff, cutoff_note = _cutoff(form.screen, client_sex)
        if cutoff_note:
            notes.append(cutoff_note)
        if total is not None:
            positive = total >= cutoff

    return Score(
        instrument=form.key,
        total=total,
        band=band,
        complete=complete,
        missing=missing,
        clusters=clusters,
        provisional_ptsd=provisional,
        safety_alert=alert,
        positive=positive,
        cutoff=cutoff,
        notes=tuple(notes),
    )


def completed_total(form: Instrument, value: Score | int, what: str) -> int | None:
    """Return the total of a score or a bare total, or None for an incomplete score.

    `what` names the value in messages ("The baseline PHQ-9 ..."). Raises ValueError for a score
    of another instrument or a total outside the instrument's range.
    """
    if isinstance(value, Score):
        if value.instrument != form.key:
            raise ValueError(
                f"The {what} score is for {_name_of(value.instrument)}, not the {form.name}."
            )
        return value.total
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"The {what} {form.name} total must be a whole number; got {value!r}.")
    if not form.min_total <= value <= form.max_total:
        raise ValueError(
            f"The {what} {form.name} total must be {form.min_total}{DASH}{form.max_total}; "
            f"got {value}."
        )
    return value


def _checked(form: Instrument, answers: Mapping[int, int | None]) -> dict[int, int]:
    """Return the answered items, after checking every item number and value against the form."""
    for number in answers:
        if isinstance(number, bool) or not isinstance(number, int):
            # A programming slip (a form field name passed through), not a clinical answer.
            raise TypeError(f"Item numbers must be whole numbers; got {number!r}.")
    given: dict[int, int] = {}
    # In item order, so that a form with several bad answers always reports the same one first.
    for number, value in sorted(answers.items()):
        item = form.item(number)
        if item is None:
            raise AnswerError(
                number,
                f"Item {number} does not exist on the {form.name}; its items are numbered "
                f"{form.numbering()}.",
            )
        if value is None:
            continue
        allowed = f"{item.lowest}{DASH}{item.highest}"
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(
                number, f"Item {number} must be a whole number from {allowed}; got {value!r}."
            )
        if not item.accepts(value):
            raise AnswerError(number, f"Item {number} must be {allowed}; got {value}.")
        if item.scored:
            given[number] = value
    return given


def _clusters(form: Instrument, given: dict[int, int]) -> tuple[ClusterScore, ...]:
    if form.cluster_rule is None:
        return ()
    threshold = form.cluster_rule.symptom_at_least
    out = []
    for cluster in form.clusters:
        values = [given.get(number) for number in cluster.items]
        if any(value is None for value in values):
            out.append(ClusterScore(cluster.key, cluster.label, None, None, None))
            continue
        answered = [value for value in values if value is not None]
        symptoms = sum(1 for value in answered if value >= threshold)
        out.append(
            ClusterScore(
                cluster.key, cluster.label, sum(answered), symptoms, symptoms >= cluster.needed
            )
        )
    return tuple(out)


def _cutoff(screen: ScreenCutoff, sex: Sex | None) -> tuple[int, str]:
    """Return the cut-off for this client's sex and, when it was a fallback, a note saying so."""
    if not screen.sex_specific:
        return screen.at_least, ""
    if sex == Sex.MALE and screen.male is not None:
        return screen.male, ""
    if sex == Sex.FEMALE and screen.female is not None:
        return screen.female, ""
    why = "Sex is not recorded" if sex in (None, Sex.UNKNOWN) else "No sex-specific cut-off applies"
    return screen.at_least, f"{why}, so the lower cut-off of {screen.at_least} was used."


def _sex(sex: str | None) -> Sex | None:
    if sex is None or not sex.strip():
        return None
    try:
        return Sex(sex.strip().lower())
    except ValueError:
        choices = ", ".join(repr(s.value) for s in Sex)
        raise ValueError(f"Sex must be one of {choices} or None; got {sex!r}.") from None


def _items_phrase(numbers: tuple[int, ...]) -> str:
    if len(numbers) == 1:
        return f"item {numbers[0]} is"
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"items {listed} are"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _answer_label(form: Instrument, number: int, value: int) -> str:
    item = form.item(number)
    options = item.options if item else ()
    return next((option.label for option in options if option.value == value), str(value))


def _item_text(form: Instrument, number: int) -> str:
    item = form.item(number)
    return item.text.lower() if item else ""


def _name_of(key: str) -> str:
    try:
        return instrument(key).name
    except LookupError:
        return repr(key)
