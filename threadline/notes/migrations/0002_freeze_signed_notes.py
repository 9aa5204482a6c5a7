"""Make the database refuse any change to a signed note's row (as for plan versions)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER note_frozen BEFORE UPDATE ON notes_note
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed note cannot change'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS note_frozen"]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION note_frozen() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'signed' THEN
           RAISE EXCEPTION 'a signed note cannot change';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER note_frozen BEFORE UPDATE ON notes_note
       FOR EACH ROW EXECUTE FUNCTION note_frozen()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS note_frozen ON notes_note",
    "DROP FUNCTION IF EXISTS note_frozen()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
