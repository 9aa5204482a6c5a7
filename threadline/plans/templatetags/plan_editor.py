"""`{% plan_field %}`: one input of the plan editor, bound to a content path, with its findings."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def content_path(parts: tuple[Any, ...]) -> str:
    """("problems", 0, "goal", "statement") -> "problems[0].goal.statement"."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def value_at(content: Any, parts: tuple[Any, ...]) -> Any:
    node = content
    for part in parts:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


@register.inclusion_tag("plans/_field.html", takes_context=True)
def plan_field(
    context: template.Context,
    *parts: Any,
    label: str,
    kind: str = "text",
    choices: Any = None,
    help: str = "",
    readonly: bool = False,
) -> dict[str, Any]:
    path = content_path(parts)
    value = value_at(context.get("content"), parts)
    return {
        "path": path,
        "field_id": "f-" + path,
        "label": label,
        "kind": kind,
        "value": "" if value is None else value,
        "choices": choices or [],
        "help": help,
        "findings": (context.get("by_field") or {}).get(path, []),
        "readonly": readonly,
    }


@register.simple_tag
def path_of(*parts: Any) -> str:
    return content_path(parts)


@register.simple_tag
def picker_name(index: int) -> str:
    """The ICD picker's field name for diagnosis `index` (ids must stay CSS-selector safe)."""
    return f"dx{index}"


@register.inclusion_tag("plans/_inline_findings.html", takes_context=True)
def findings_at(context: template.Context, *parts: Any) -> dict[str, Any]:
    return {"findings": (context.get("by_field") or {}).get(content_path(parts), [])}
