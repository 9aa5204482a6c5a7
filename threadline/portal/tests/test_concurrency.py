"""Two agreement requests at the same moment give exactly one signature (ASVS 2.3.3, E8).

This needs two real database connections that wait on each other's row lock, so it runs on
PostgreSQL; SQLite serialises every writing transaction (IMMEDIATE mode) before it starts.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from threadline.accounts.models import Practice, Role
from threadline.conftest import make_client, make_person
from threadline.portal import services
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account, signed_version
from threadline.signatures.models import Meaning, Signature
from threadline.signatures.services import SigningRefused

TRIGGERS = importlib.import_module("threadline.audit.migrations.0002_append_only_triggers")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two PostgreSQL connections racing"
)


def _run(statements: list[str]) -> None:
    with connection.schema_editor() as editor:
        for statement in statements:
            editor.execute(statement)


@pytest.fixture
def audit_triggers_restored(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Put the append-only triggers back once the database has been emptied after the test."""
    yield
    with django_db_blocker.unblock():
        _run(TRIGGERS.POSTGRESQL)


@pytest.fixture
def committed_db(audit_triggers_restored: None, transactional_db: None) -> Iterator[None]:
    """Real commits, so two connections see the same rows; emptying the database afterwards
    deletes audit rows, which the triggers rightly refuse, so they are lifted for that moment."""
    yield
    _run(TRIGGERS.POSTGRESQL_REVERSE)


def test_two_agreements_at_once_give_exactly_one_signature(committed_db: None) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    client = make_client(practice, clinician, "TL-00077")
    version = signed_version(client)
    account = client_account(client)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_once() -> None:
        try:
            mine = ClientAccount.objects.select_related("client", "user").get(pk=account.pk)
            start.wait()
            services.agree(
                mine, version, typed_name="Avery Testwell", now=timezone.now(), esign_consent=True
            )
            outcomes.append("signed")
        except SigningRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["Your agreement to this version is already recorded.", "signed"]
    assert Signature.objects.filter(meaning=Meaning.CLIENT_AGREEMENT).count() == 1
