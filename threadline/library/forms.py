"""The form for a practice's own entry: the entry, its objectives and its interventions.

Without JavaScript the form shows a fixed number of rows (4 objectives, 5 interventions); blank
rows are ignored and a filled row can be removed with its checkbox. The checks are those of the
shipped data files (`threadline.library.checks`), so messages match what a data file would get.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from threadline.icd import load_default
from threadline.library.checks import code_problem, measure_problem, statement_problem
from threadline.library.content import (
    EVIDENCE_CHECKS,
    INSTRUMENTS,
    MAX_INTERVENTIONS,
    MAX_OBJECTIVES,
    EntryContent,
)
from threadline.rules import modalities
from threadline.rules.codeset import normalize

_SEPARATORS = re.compile(r"[,;\s]+")


def _items(text: str, pattern: str = ",") -> list[str]:
    return [item.strip() for item in re.split(pattern, text) if item.strip()]


class EntryForm(forms.Form):
    title = forms.CharField(max_length=120)
    summary = forms.CharField(
        label="Problem",
        max_length=800,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The problem as a plan states it; clinicians add the client's own details.",
    )
    population = forms.CharField(
        max_length=120,
        required=False,
        help_text="Who it is for, e.g. adults, or children with a caregiver.",
    )
    codes = forms.CharField(
        label="ICD-10-CM codes",
        max_length=300,
        help_text="Billable codes, separated by commas or spaces, e.g. F41.1, F43.22.",
    )
    keywords = forms.CharField(
        max_length=300,
        required=False,
        help_text="Other words people search with, separated by commas.",
    )
    goal_statement = forms.CharField(
        label="Goal",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A long-term aim a client could say in their own words, with what will show it.",
    )
    goal_target_days = forms.IntegerField(
        label="Typical target (days)", min_value=1, max_value=730, required=False
    )
    goal_target_sessions = forms.IntegerField(
        label="Typical target (sessions)", min_value=1, max_value=100, required=False
    )
    cautions = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: safety notes, licence notes, payer notes.",
    )

    def clean_codes(self) -> list[str]:
        codes = load_default()
        found = [normalize(code) for code in _SEPARATORS.split(self.cleaned_data["codes"]) if code]
        problems = [problem for code in found if (problem := code_problem(code, codes))]
        if problems:
            raise ValidationError(problems)
        if not found:
            raise ValidationError("List at least one billable ICD-10-CM code.")
        return list(dict.fromkeys(found))

    def clean_goal_statement(self) -> str:
        statement: str = self.cleaned_data["goal_statement"]
        problem = statement_problem(statement, objective=False)
        if problem:
            raise ValidationError(problem)
        return statement

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if not data.get("goal_target_days") and not data.get("goal_target_sessions"):
            self.add_error(
                "goal_target_days", "Give a typical target: a number of days, of sessions, or both."
            )
        return data


class ObjectiveForm(forms.Form):
    statement = forms.CharField(
        label="Objective",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the objective, or tick Remove to drop this row."},
    )
    target_weeks = forms.IntegerField(
        label="Typical target (weeks)",
        min_value=1,
        max_value=104,
        error_messages={"required": "Give the typical number of weeks to reach it."},
    )
    instrument = forms.ChoiceField(
        label="Measure",
        choices=[("", "No standard measure"), *((name, name) for name in INSTRUMENTS)],
        required=False,
    )
    measure_target = forms.IntegerField(label="Target score", required=False)
    threshold = forms.CharField(
        label="Target as said", max_length=80, required=False, help_text='e.g. "below 10"'
    )
    checked_by = forms.CharField(
        label="Checked by", max_length=200, required=False, help_text="The log, diary or rating."
    )

    def clean_statement(self) -> str:
        statement: str = " ".join(self.cleaned_data["statement"].split())
        problem = statement_problem(statement, objective=True)
        if problem:
            raise ValidationError(problem)
        return statement

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        instrument = data.get("instrument") or ""
        if instrument:
            problem = measure_problem(instrument, data.get("measure_target"))
            if problem:
                self.add_error("measure_target", problem)
            statement = data.get("statement") or ""
            if statement and instrument.casefold() not in statement.casefold():
                self.add_error("statement", f"Name the measure ({instrument}) in the objective.")
        elif data.get("measure_target") is not None:
            self.add_error("instrument", "Choose the measure this target score is on.")
        return data

    def objective(self) -> dict[str, Any]:
        data = self.cleaned_data
        measure = None
        if data.get("instrument"):
            measure = {
                "instrument": data["instrument"],
                "target": data.get("measure_target"),
                "threshold": data.get("threshold", ""),
            }
        return {
            "statement": data["statement"],
            "target_weeks": data["target_weeks"],
            "checked_by": data.get("checked_by", ""),
            "measure": measure,
        }


class InterventionForm(forms.Form):
    modality = forms.ChoiceField(
        choices=[("", "Choose a modality"), *((m.key, m.name) for m in modalities.MODALITIES)],
        error_messages={"required": "Choose the modality from the list, or tick Remove."},
    )
    description = forms.CharField(
        label="What is done",
        max_length=800,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the clinician does, e.g. cognitive restructuring."},
    )
    frequency = forms.CharField(
        max_length=200,
        error_messages={"required": 'Say how often, e.g. "weekly, about 12 sessions".'},
    )
    who = forms.CharField(label="Who delivers it", max_length=120, initial="clinician")
    evidence = forms.CharField(
        label="Evidence source",
        max_length=800,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Guideline or review and its strength wording, e.g. NICE CG113: offer.",
    )
    evidence_check = forms.ChoiceField(
        label="How firmly checked",
        choices=[("", "Not stated"), *((key, key.capitalize()) for key in EVIDENCE_CHECKS)],
        required=False,
    )
    licence_note = forms.CharField(max_length=400, required=False)

    def intervention(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in self.fields
            if name != forms.formsets.DELETION_FIELD_NAME
        }


class _Rows(forms.BaseFormSet[Any]):
    """Rows where blank ones are skipped, and at least one must be filled."""

    missing = ""

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.kept():
            raise ValidationError(self.missing)

    def kept(self) -> list[Any]:
        """Rows to save: every prefilled row not removed, and every extra row filled in."""
        initial = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < initial or form.has_changed())
            and form.is_valid()
            and not form.cleaned_data.get(forms.formsets.DELETION_FIELD_NAME)
        ]


class _ObjectiveRows(_Rows):
    missing = "Add at least one objective: what the client will do, how much, and by when."


class _InterventionRows(_Rows):
    missing = "Add at least one intervention: the modality, what is done and how often."


def _rows(form: type[forms.Form], rows: type[_Rows], most: int, filled: int) -> Any:
    return forms.formset_factory(
        form,
        formset=rows,
        extra=max(most - filled, 0),
        max_num=most,
        validate_max=True,
        can_delete=True,
        can_delete_extra=False,
    )


class EntryForms:
    """The entry form and its two row sets, bound or prefilled from existing content."""

    def __init__(self, data: Any = None, content: EntryContent | None = None) -> None:
        entry, objectives, interventions = _initial(content) if content else ({}, [], [])
        self.entry = EntryForm(data, initial=entry)
        self.objectives = _rows(ObjectiveForm, _ObjectiveRows, MAX_OBJECTIVES, len(objectives))(
            data, initial=objectives, prefix="objectives"
        )
        self.interventions = _rows(
            InterventionForm, _InterventionRows, MAX_INTERVENTIONS, len(interventions)
        )(data, initial=interventions, prefix="interventions")

    def is_valid(self) -> bool:
        results = [self.entry.is_valid(), self.objectives.is_valid(), self.interventions.is_valid()]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return self.entry.is_bound and not self.is_valid()

    def content_data(self) -> dict[str, Any]:
        """The entry in the shape of a data file, for `read_entry`."""
        data = self.entry.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "population": data["population"],
            "icd10cm": data["codes"],
            "keywords": _items(data["keywords"]),
            "cautions": _items(data["cautions"], r"[\r\n]+"),
            "goal": {
                "statement": data["goal_statement"],
                "target_days": data["goal_target_days"],
                "target_sessions": data["goal_target_sessions"],
            },
            "objectives": [form.objective() for form in self.objectives.kept()],
            "interventions": [form.intervention() for form in self.interventions.kept()],
        }


def _initial(content: EntryContent) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    entry = {
        "title": content.title,
        "summary": content.summary,
        "population": content.population,
        "codes": ", ".join(content.icd10cm),
        "keywords": ", ".join(content.keywords),
        "goal_statement": content.goal.statement,
        "goal_target_days": content.goal.target_days,
        "goal_target_sessions": content.goal.target_sessions,
        "cautions": "\n".join(content.cautions),
    }
    objectives = [
        {
            "statement": item.statement,
            "target_weeks": item.target_weeks,
            "checked_by": item.checked_by,
            "instrument": item.measure.instrument if item.measure else "",
            "measure_target": item.measure.target if item.measure else None,
            "threshold": item.measure.threshold if item.measure else "",
        }
        for item in content.objectives
    ]
    interventions = [
        {
            "modality": item.modality,
            "description": item.description,
            "frequency": item.frequency,
            "who": item.who,
            "evidence": item.evidence,
            "evidence_check": item.evidence_check,
            "licence_note": item.licence_note,
        }
        for item in content.interventions
    ]
    return entry, objectives, interventions
