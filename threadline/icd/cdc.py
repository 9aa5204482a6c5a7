"""Read the ICD-10-CM release files CDC/NCHS publish each year.

Two routes give the same codes:

- the order file (`icd10cm_order_YYYY.txt`) alone: fixed-width lines holding every category,
  subcategory and billable code with a 0/1 "valid for HIPAA transactions" (billable) flag;
- the codes file (`icd10cm_codes_YYYY.txt`: billable codes only, "code  description") plus the
  tabular XML (`icd10cm_tabular_YYYY.xml`), whose <diag> elements add the headers above them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from threadline.rules.codeset import IcdCode, normalize

# Order-file columns (0-based, end exclusive), from the layout the release's readme describes:
# order number, code without its dot, billable flag, short title, long title.
ORDER_NUMBER = slice(0, 5)
ORDER_CODE = slice(6, 13)
ORDER_BILLABLE = 14
ORDER_SHORT_TITLE = slice(16, 76)
ORDER_LONG_TITLE = slice(77, None)


def read_order(path: Path) -> list[IcdCode]:
    """Return every code of an order file with its long title and billable flag."""
    codes = []
    for number, line in _lines(path):
        flag = line[ORDER_BILLABLE : ORDER_BILLABLE + 1]
        if not line[ORDER_NUMBER].strip().isdigit() or flag not in ("0", "1"):
            raise ValueError(f"{path}:{number}: not an order-file line: {line!r}")
        code = normalize(line[ORDER_CODE])
        title = line[ORDER_LONG_TITLE].strip() or line[ORDER_SHORT_TITLE].strip()
        codes.append(IcdCode(code, title, flag == "1"))
    return codes


def read_codes(path: Path) -> list[IcdCode]:
    """Return the billable codes of a codes file ("A000    Cholera due to ...")."""
    codes = []
    for number, line in _lines(path):
        code, _, description = line.partition(" ")
        if not description.strip():
            raise ValueError(f"{path}:{number}: expected a code and its description: {line!r}")
        codes.append(IcdCode(normalize(code), description.strip(), billable=True))
    return codes


def read_tabular(path: Path) -> list[IcdCode]:
    """Return every <diag> of a tabular XML file, as headers (not billable)."""
    codes = []
    # The tabular file is the official release a practice admin downloaded, and the expat
    # bundled with Python 3.11 refuses entity-expansion bombs.
    for _, element in ET.iterparse(path):  # noqa: S314
        if element.tag == "diag":
            name, description = element.findtext("name"), element.findtext("desc")
            if not name or not description:
                raise ValueError(f"{path}: a <diag> without <name> or <desc>")
            codes.append(IcdCode(normalize(name), description, billable=False))
            element.clear()
    return codes


def codes_with_headers(codes: list[IcdCode], headers: list[IcdCode]) -> list[IcdCode]:
    """Merge billable codes with the tabular headers; a code in both is billable."""
    billable = {code.code for code in codes}
    return codes + [header for header in headers if header.code not in billable]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # not UTF-8: read it as Windows-1252 rather than refuse it
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line
