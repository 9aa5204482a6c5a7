"""Hand-made ICD-10-CM releases for tests: a few real codes, and one made for the word index."""

from __future__ import annotations

from datetime import date

from threadline.diagnoses.indexing import index_words, query_words
from threadline.rules.codeset import CodeSet, CodeTable, IcdCode

FY2026 = "ICD-10-CM FY2026 (April 1, 2026 update)"
FY2027 = "ICD-10-CM FY2027"

CODES = [
    ("F32", "Depressive episode", False),
    ("F32.0", "Major depressive disorder, single episode, mild", True),
    ("F32.9", "Major depressive disorder, single episode, unspecified", True),
    ("F32.A", "Depression, unspecified", True),
    ("F41", "Other anxiety disorders", False),
    ("F41.0", "Panic disorder [episodic paroxysmal anxiety]", True),
    ("F41.1", "Generalized anxiety disorder", True),
    ("F41.9", "Anxiety disorder, unspecified", True),
    ("F43", "Reaction to severe stress, and adjustment disorders", False),
    ("F43.1", "Post-traumatic stress disorder (PTSD)", False),
    ("F43.10", "Post-traumatic stress disorder, unspecified", True),
    ("F43.11", "Post-traumatic stress disorder, acute", True),
    ("F43.12", "Post-traumatic stress disorder, chronic", True),
    ("F99", "Mental disorder, not otherwise specified", True),
    ("T40.1", "Poisoning by heroin", False),
    ("T40.1X1", "Poisoning by heroin, accidental (unintentional)", False),
    ("T40.1X1A", "Poisoning by heroin, accidental (unintentional), initial encounter", True),
    ("Z63", "Other problems related to primary support group", False),
    ("Z63.3", "Absence of family member", False),
    ("Z63.31", "Absence of family member due to military deployment", True),
    ("Z63.32", "Other absence of family member", True),
    ("Z63.4", "Disappearance and death of family member", True),
]


def fy2026(extra: list[tuple[str, str, bool]] | None = None) -> CodeSet:
    codes = [IcdCode(*row) for row in CODES + (extra or [])]
    return CodeSet(FY2026, date(2026, 4, 1), date(2026, 9, 30), CodeTable.from_codes(codes))


def fy2027() -> CodeSet:
    codes = [IcdCode(*row) for row in CODES]
    codes.append(IcdCode("F41.A", "Anxiety disorder new in FY2027", True))
    return CodeSet(FY2027, date(2026, 10, 1), date(2027, 9, 30), CodeTable.from_codes(codes))


def crowded(count: int = 200) -> CodeSet:
    """Billable codes A00, A01, ... whose words are common, late or rare in known places.

    "alpha" is in every code; "beta" from the 100th on; "delta" in the first 80; "omega" from
    the 71st on; "rare" in every 50th. With HEAD_SIZE 64, "delta omega" finds nothing in the
    heads (delta's 64th code is before omega's first) and must read all of delta's codes.
    """
    codes = []
    for position in range(count):
        code = f"{chr(ord('A') + position // 100)}{position % 100:02d}"
        found = ["alpha", f"item{position}"]
        if position >= 100:
            found.append("beta")
        if position < 80:
            found.append("delta")
        if position >= 70:
            found.append("omega")
        if position % 50 == 0:
            found.append("rare")
        codes.append(IcdCode(code, " ".join(found).capitalize(), True))
    return CodeSet("Crowded", date(2026, 1, 1), date(2026, 12, 31), CodeTable.from_codes(codes))


class Scan:
    """The reference the index must agree with: every code read in code order, no index."""

    def __init__(self, codeset: CodeSet) -> None:
        self.codes = [
            (code, index_words(codeset.codes[code].description)) for code in sorted(codeset.codes)
        ]

    def search(self, query: str) -> list[str]:
        """Codes whose indexed words start with every query word, in code order."""
        wanted = query_words(query)
        return [
            code
            for code, found in self.codes
            if all(any(word.startswith(prefix) for word in found) for prefix in wanted)
        ]
