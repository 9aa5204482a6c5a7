"""Make the database refuse any change to a signed plan version's row.

Signing flips a draft to signed (allowed: the old row is a draft); after that the row is frozen.
Someone able to drop the trigger can still change it, which `threadline verify` detects.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER plan_version_frozen BEFORE UPDATE ON plans_planversion
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed plan version cannot change'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS plan_version_frozen"]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION plan_version_frozen() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'signed' THEN
           RAISE EXCEPTION 'a signed plan version cannot change';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER plan_version_frozen BEFORE UPDATE ON plans_planversion
       FOR EACH ROW EXECUTE FUNCTION plan_version_frozen()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS plan_version_frozen ON plans_planversion",
    "DROP FUNCTION IF EXISTS plan_version_frozen()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
