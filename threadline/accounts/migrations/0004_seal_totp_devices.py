"""Move django-otp's TOTPDevice rows, whose seeds are clear hex, into sealed Authenticators.

The otp_totp app is no longer installed, so its table is read with plain SQL when it exists (a
database made before this change) and skipped when it does not (a new one). The old rows' seeds
are blanked before the rows are deleted, so no clear seed stays behind in the table.
"""

from django.core.management.color import no_style
from django.db import migrations

from threadline.accounts.models import authenticator_context
from threadline.accounts.sealing import seal

OLD_TABLE = "otp_totp_totpdevice"
# Every column of otp_totp 0003 except the seed, copied as they are so times keep their type.
COPIED = (
    "id",
    "user_id",
    "name",
    "confirmed",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
)


def seal_totp_devices(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
    Authenticator = apps.get_model("accounts", "Authenticator")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in COPIED)
    old, new, key = quote(OLD_TABLE), quote(Authenticator._meta.db_table), quote("key")
    # The statements below are built from fixed, quoted table and column names only (S608).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, user_id, {key} FROM {old} ORDER BY id")  # noqa: S608
        devices = cursor.fetchall()
        if not devices:
            return
        # The row is copied with an empty seed first, then sealed from Python.
        cursor.execute(
            f"INSERT INTO {new} ({columns}, {quote('sealed_seed')}) SELECT {columns}, '' FROM {old}"  # noqa: S608
        )
        for device_id, user_id, hex_seed in devices:
            sealed = seal(bytes.fromhex(hex_seed), authenticator_context(user_id))
            Authenticator.objects.filter(pk=device_id).update(sealed_seed=sealed)
        cursor.execute(f"UPDATE {old} SET {key} = ''")  # noqa: S608
        cursor.execute(f"DELETE FROM {old}")  # noqa: S608
        # The ids were kept, so PostgreSQL's sequence must move past them.
        for statement in connection.ops.sequence_reset_sql(no_style(), [Authenticator]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_authenticator"),
    ]

    operations = [
        migrations.RunPython(seal_totp_devices, migrations.RunPython.noop),
    ]
