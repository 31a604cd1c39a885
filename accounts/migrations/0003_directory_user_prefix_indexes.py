"""Indexes for the people picker: a case-insensitive prefix of the name or the address, within
a tenant. PostgreSQL only: text_pattern_ops lets LIKE 'abc%' use them under any collation;
the embedded SQLite database is for demos and doesn't need them."""

from django.db import migrations

INDEXES = {
    "directory_user_name_prefix": "display_name",
    "directory_user_upn_prefix": "user_principal_name",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_directoryuser "
            f"(tenant_id, lower({column}) text_pattern_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_currency_codes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
