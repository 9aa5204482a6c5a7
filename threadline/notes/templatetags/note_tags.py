"""`|words`: a stored key as words ("substance_use" -> "substance use", "some_progress")."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    return str(value or "").replace("_", " ")
