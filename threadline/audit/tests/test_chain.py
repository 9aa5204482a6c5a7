from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from threadline.audit.models import AppendOnlyError, AuditEvent
from threadline.audit.services import record, verify_chain
from threadline.cli import main

pytestmark = pytest.mark.django_db


def _drop_triggers() -> None:
    """Play an attacker with database rights: the triggers go first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        else:
            # Until the test's transaction ends, this session fires no user triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")


def _three_events() -> list[AuditEvent]:
    return [record(f"test.event.{n}", detail={"n": n}) for n in range(3)]


def test_a_fresh_chain_verifies() -> None:
    _three_events()
    report = verify_chain()
    assert report.ok
    assert report.checked == 3


def test_each_entry_hashes_the_previous_one() -> None:
    first, second, third = _three_events()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.id for e in (first, second, third)] == [1, 2, 3]


def test_the_application_has_no_update_or_delete_path() -> None:
    event = record("test.event")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_change_an_event() -> None:
    event = record("test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_a_changed_entry_is_named() -> None:
    _three_events()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'client.forged' WHERE id = 2")
    report = verify_chain()
    assert (report.ok, report.broken_id) == (False, 2)
    assert "changed" in report.problem


def test_a_deleted_entry_is_named_by_the_one_after_it() -> None:
    _three_events()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = 2")
    report = verify_chain()
    assert report.broken_id == 3


def test_a_deleted_newest_entry_is_caught_by_the_head() -> None:
    _three_events()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = 3")
    report = verify_chain()
    assert not report.ok
    assert report.broken_id == 3


def test_reordered_entries_are_named() -> None:
    _three_events()
    _drop_triggers()
    with connection.cursor() as cursor:
        # Swap the content of entries 2 and 3 (ids keep their places).
        cursor.execute("UPDATE audit_auditevent SET id = 99 WHERE id = 2")
        cursor.execute("UPDATE audit_auditevent SET id = 2 WHERE id = 3")
        cursor.execute("UPDATE audit_auditevent SET id = 3 WHERE id = 99")
    assert verify_chain().broken_id == 2


def test_an_inserted_entry_is_named() -> None:
    first, second, _ = _three_events()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET id = id + 10 WHERE id >= 2")
    forged = AuditEvent(
        id=2,
        occurred_at=second.occurred_at,
        action="client.forged",
        prev_hash=first.hash,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    assert verify_chain().broken_id == 2


def test_audit_verify_command_exits_1_and_names_the_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _three_events()
    assert main(["audit", "verify"]) == 0
    assert "3 entries verified" in capsys.readouterr().out
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET ip = '10.0.0.9' WHERE id = 2")
    assert main(["audit", "verify"]) == 1
    assert "entry #2" in capsys.readouterr().out
