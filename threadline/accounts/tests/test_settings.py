"""Settings come from the environment and stop start-up loudly on a bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "THREADLINE_ENV": "production",
    "THREADLINE_SECRET_KEY": "kq3-Vt9zR2pW7mYx4Lb8Nc6Hd1Jf5Gs0Ta2Ue7Io3Py9Qw4Er6",
    "THREADLINE_ALLOWED_HOSTS": "threadline.example.org",
    # Two keys, as while rotating: the new one in front.
    "THREADLINE_FIELD_KEYS": "Hx3aVt1u0cXn6CqJzYwR8m2LkP5oG9dS4eF7bN0iTqQ=, "
    "m9QvZ2rT6yW1uK4pX8sA3dF7gH0jL5nB2cV6xE9iRtY=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
}


def _settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THREADLINE_")}
    clean.pop("DATABASE_URL", None)
    clean.update({"THREADLINE_VAR_DIR": str(tmp_path), **env})
    code = "import threadline.settings as s; print(s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_embedded_default_needs_no_variables(tmp_path: Path) -> None:
    result = _settings({}, tmp_path)
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"THREADLINE_IDLE_TIMEOUT_MINUTES": "soon"}, "THREADLINE_IDLE_TIMEOUT_MINUTES"),
        ({"THREADLINE_HTTPS": "maybe"}, "THREADLINE_HTTPS"),
        ({"THREADLINE_ENV": "staging"}, "THREADLINE_ENV"),
        ({"THREADLINE_IDEL_TIMEOUT": "5"}, "THREADLINE_IDEL_TIMEOUT"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL"),
        ({"THREADLINE_ENV": "production"}, "THREADLINE_SECRET_KEY"),
        ({**PRODUCTION, "THREADLINE_ALLOWED_HOSTS": ""}, "THREADLINE_ALLOWED_HOSTS"),
        ({**PRODUCTION, "THREADLINE_FIELD_KEYS": ""}, "THREADLINE_FIELD_KEYS"),
        ({"THREADLINE_FIELD_KEYS": "too-short"}, "THREADLINE_FIELD_KEYS"),
        (
            {"THREADLINE_FIELD_KEYS": "not base64 at all, but 44 characters long!!"},
            "THREADLINE_FIELD_KEYS",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = _settings(env, tmp_path)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {named}:" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADLINE_")}
    env.update({**PRODUCTION, "THREADLINE_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "threadline.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
