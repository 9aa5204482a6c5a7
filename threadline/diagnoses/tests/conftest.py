from __future__ import annotations

import pytest

from threadline.diagnoses.models import IcdRelease
from threadline.diagnoses.services import load_release
from threadline.diagnoses.tests.codesets import fy2026


@pytest.fixture
def release(db: None) -> IcdRelease:
    return load_release(fy2026())
