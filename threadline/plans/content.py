"""The plan version's content document: a blank one, reading it back from the editor's form,
the editor's structural edits (add, move, remove), and flattening it for a diff.

Form field names are the same dotted paths the findings use ("problems[1].goal.target_date"),
so a finding links straight to its input and the form maps one-to-one onto the document.
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

Content = dict[str, Any]

OBJECTIVE_STATUSES = ("active", "met", "discontinued")
# Checkboxes are absent from a form post when unticked, so these read as False when missing.
FLAGS = ("session.hipaa_platform_attested", "medication_management")
# Whole numbers in the schema; anything else typed there is kept as text for the rules to flag.
NUMBERS = re.compile(
    r"^(recommendation\.session_minutes|problems\[\d+\]\.goal\.target_sessions"
    r"|problems\[\d+\]\.objectives\[\d+\]\.measure\.(baseline|target))$"
)
ROOTS = (
    "session",
    "diagnoses",
    "background",
    "recommendation",
    "problems",
    "effective_date",
    "end_date",
    "medication_management",
)
_PATH = re.compile(r"[a-z_]+(?:\.[a-z_]+|\[\d{1,3}\])*")
_STEP = re.compile(r"([a-z_]+)|\[(\d+)\]")
MAX_INDEX = 50  # a form that claims more items than this is not from our editor


def new_part_id(prefix: str) -> str:
    """A stable id for a problem or objective: short, unique, never reused across versions."""
    return f"{prefix}-{secrets.token_hex(4)}"


def blank_objective() -> Content:
    return {
        "id": new_part_id("o"),
        "statement": "",
        "target_date": None,
        "measure": None,
        "status": "active",
    }


def blank_intervention() -> Content:
    return {"modality": "", "description": "", "frequency": "", "who": "clinician"}


def blank_problem() -> Content:
    return {
        "id": new_part_id("p"),
        "statement": "",
        "goal": {"statement": "", "target_date": None, "target_sessions": None},
        "objectives": [blank_objective()],
        "interventions": [blank_intervention()],
    }


def blank_content(date_of_service: date) -> Content:
    return {
        "session": {
            "date_of_service": date_of_service.isoformat(),
            "start": None,
            "stop": None,
            "place_of_service": "office",
            "telehealth": None,
            "client_location": "",
            "hipaa_platform_attested": False,
        },
        "diagnoses": [],
        "background": {"presenting_problem": "", "symptoms": "", "functional_impact": ""},
        "recommendation": {
            "modality": "",
            "service_type": "individual psychotherapy",
            "session_minutes": None,
            "frequency": "",
            "duration": "",
            "medication_evaluation": "",
            "referrals": "",
        },
        "problems": [blank_problem(), blank_problem()],
        "effective_date": None,
        "end_date": None,
        "medication_management": False,
    }


def _steps(path: str) -> list[str | int]:
    """Split "problems[1].goal.statement" into ["problems", 1, "goal", "statement"]."""
    if not _PATH.fullmatch(path):
        raise ValueError(f"not a content path: {path!r}")
    return [name or int(index) for name, index in _STEP.findall(path)]


def _put(target: Any, steps: list[str | int], value: Any) -> None:
    for here, after in itertools.pairwise(steps):
        empty: Any = [] if isinstance(after, int) else {}
        if isinstance(here, int):
            if here > MAX_INDEX:
                raise ValueError("index too large")
            while len(target) <= here:
                target.append(None)
            if target[here] is None:
                target[here] = empty
            target = target[here]
        else:
            target = target.setdefault(here, empty)
    last = steps[-1]
    if isinstance(last, int):
        while len(target) <= last:
            target.append(None)
    target[last] = value


def _value(path: str, raw: str) -> Any:
    text = raw.strip()
    if NUMBERS.match(path):
        return int(text) if text.isdigit() else (text or None)
    if path.endswith(("_date", "date_of_service", ".start", ".stop", ".telehealth")):
        return text or None
    return text


def from_form(data: Mapping[str, str], flags: Iterable[str] = FLAGS) -> Content:
    """Rebuild the content document from the editor's fields; unknown fields are ignored."""
    content: Content = {}
    for path, raw in data.items():
        if not path.startswith(ROOTS):
            continue
        try:
            steps = _steps(path)
        except ValueError:
            continue
        _put(content, steps, _value(path, raw) if path not in flags else raw == "on")
    for path in flags:
        if path not in data:
            _put(content, _steps(path), False)
    _drop_holes(content)
    _drop_empty_measures(content)
    _take_picked_diagnoses(content, data)
    return content


def _take_picked_diagnoses(content: Content, data: Mapping[str, str]) -> None:
    """The ICD picker posts `dx<N>`, `dx<N>_description` and `dx<N>_release` for diagnosis N."""
    for index, diagnosis in enumerate(content.get("diagnoses") or []):
        if not isinstance(diagnosis, dict) or f"dx{index}" not in data:
            continue
        diagnosis["code"] = data[f"dx{index}"].strip()
        diagnosis["description"] = data.get(f"dx{index}_description", "").strip()
        diagnosis["release"] = data.get(f"dx{index}_release", "").strip()


def _drop_empty_measures(content: Content) -> None:
    """An objective with no instrument chosen has no measure binding, not an empty one."""
    for problem in content.get("problems") or []:
        for objective in (problem or {}).get("objectives") or []:
            measure = objective.get("measure") if isinstance(objective, dict) else None
            if (
                isinstance(measure, dict)
                and not measure.get("instrument")
                and (measure.get("baseline") is None and measure.get("target") is None)
            ):
                objective["measure"] = None


def _drop_holes(node: Any) -> None:
    """Remove list slots the form never filled (a removed row leaves a gap in the indexes)."""
    if isinstance(node, dict):
        for value in node.values():
            _drop_holes(value)
    elif isinstance(node, list):
        node[:] = [item for item in node if item is not None]
        for item in node:
            _drop_holes(item)


def blank_diagnosis() -> Content:
    return {"code": "", "description": "", "rank": "secondary", "status": "current"}


BLANKS = {
    "diagnosis": blank_diagnosis,
    "problem": blank_problem,
    "objective": blank_objective,
    "intervention": blank_intervention,
}


def apply(content: Content, action: str) -> Content:
    """Apply one structural edit: "add:problem", "add:objective:1", "remove:objective:1.0",
    "up:intervention:0.2", "down:problem:1". An edit that names no existing part does nothing."""
    content = copy.deepcopy(content)
    op, _, rest = action.partition(":")
    kind, _, where = rest.partition(":")
    try:
        at = [int(part) for part in where.split(".")] if where else []
    except ValueError:
        return content
    if kind not in BLANKS or op not in {"add", "remove", "up", "down"}:
        return content
    if kind in {"objective", "intervention"}:
        problems = content.get("problems") or []
        if not at or not 0 <= at[0] < len(problems):
            return content
        items = problems[at[0]].setdefault(kind + "s", [])
        at = at[1:]
    else:
        items = content.setdefault("diagnoses" if kind == "diagnosis" else "problems", [])
    if op == "add":
        items.append(BLANKS[kind]())
    elif len(at) == 1 and 0 <= at[0] < len(items):
        index = at[0]
        if op == "remove":
            del items[index]
        elif op == "up" and index > 0:
            items[index - 1], items[index] = items[index], items[index - 1]
        elif op == "down" and index < len(items) - 1:
            items[index + 1], items[index] = items[index], items[index + 1]
    return content


def add_problem_from(content: Content, problem: Content) -> Content:
    """Append a library problem as a starting point, giving it and its objectives fresh ids."""
    content = copy.deepcopy(content)
    problem = copy.deepcopy(problem)
    problem["id"] = new_part_id("p")
    for objective in problem.get("objectives") or []:
        objective["id"] = new_part_id("o")
        objective.setdefault("status", "active")
    content.setdefault("problems", []).append(problem)
    return content


def flatten(content: Content) -> dict[str, str]:
    """Label each leaf by stable ids where there are any, so a diff follows a moved objective."""
    rows: dict[str, str] = {}

    def walk(node: Any, label: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "id":
                    walk(value, f"{label}.{key}" if label else key)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                ident = item.get("id") if isinstance(item, dict) else None
                walk(item, f"{label}[{ident or index + 1}]")
        elif node not in (None, "", False):
            rows[label] = str(node)

    walk(content, "")
    return rows


def to_form(content: Content) -> dict[str, str]:
    """The fields the editor would post for `content` (the inverse of `from_form`)."""
    fields: dict[str, str] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")
        elif isinstance(node, bool):
            if node:
                fields[path] = "on"
        elif node is not None:
            fields[path] = str(node)

    walk(content, "")
    return fields
