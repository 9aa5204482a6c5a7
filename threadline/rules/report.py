"""The collector every rule writes to: it applies the pack's severities and names the source."""

from __future__ import annotations

from threadline.rules.catalog import CATALOG
from threadline.rules.findings import Finding
from threadline.rules.packs import Pack


class Report:
    """Findings for one document under one pack."""

    __slots__ = ("findings", "pack")

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.findings: list[Finding] = []

    def runs(self, code: str) -> bool:
        return self.pack.severities[code] is not None

    def add(self, code: str, message: str, field: str) -> None:
        """Record a finding, unless the pack turns the rule off."""
        severity = self.pack.severities[code]
        if severity is None:
            return
        spec = CATALOG[code]
        source = f"{spec.source}; pack: {self.pack.name}"
        self.findings.append(Finding(code, spec.category, severity, message, field, source))
