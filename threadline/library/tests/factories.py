"""Plain factories for library entries; content is synthetic and passes the shipped checks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from threadline.accounts.models import Practice
from threadline.clients.models import Client
from threadline.icd import load_default
from threadline.library.checks import read_entry
from threadline.library.models import LibraryEntry


def entry_data(**overrides: Any) -> dict[str, Any]:
    """A practice entry in the shape of a data file."""
    data: dict[str, Any] = {
        "title": "Exam worry",
        "summary": "Worry before exams that keeps the student from revising or sitting papers.",
        "population": "Students",
        "icd10cm": ["F41.1"],
        "keywords": ["exams", "students"],
        "cautions": [],
        "goal": {
            "statement": "Sit every exam this term, revising at least 4 days a week.",
            "target_days": 90,
            "target_sessions": 8,
        },
        "objectives": [
            {
                "statement": "GAD-7 total falls from the baseline to below 10 within 8 weeks.",
                "target_weeks": 8,
                "checked_by": "GAD-7 every 2 weeks",
                "measure": {"instrument": "GAD-7", "target": 9, "threshold": "below 10"},
            },
        ],
        "interventions": [
            {
                "modality": "cbt",
                "description": "Cognitive restructuring of catastrophic predictions about exams.",
                "frequency": "Weekly",
                "who": "clinician",
                "evidence": "",
                "evidence_check": "",
                "licence_note": "",
            },
        ],
    }
    data.update(overrides)
    return data


def make_entry(practice: Practice | None = None, **overrides: Any) -> LibraryEntry:
    data = entry_data(**overrides)
    data.setdefault("slug", "" if practice is not None else "exam-worry")
    content = read_entry(data, "factory", shipped=False)
    entry = LibraryEntry(practice=practice)
    entry.apply(content, load_default())
    entry.save()
    return entry


def practice_entry_url(name: str) -> Any:
    """For access cases: an entry of the test client's practice, and the named URL for it."""

    def build(client: Client) -> str:
        return reverse(name, args=[make_entry(client.practice).pk])

    return build
