"""Database-level wall for the audit log: UPDATE and DELETE on activity rows fail,
whatever code path (raw SQL, a queryset, a shell) tries."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION channelhub_activity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'channelhub_activity is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER channelhub_activity_no_update BEFORE UPDATE OR DELETE ON channelhub_activity
    FOR EACH ROW EXECUTE FUNCTION channelhub_activity_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS channelhub_activity_no_update ON channelhub_activity;
DROP FUNCTION IF EXISTS channelhub_activity_append_only();
"""
SQLITE_UP = [
    "CREATE TRIGGER channelhub_activity_no_update BEFORE UPDATE ON channelhub_activity "
    "BEGIN SELECT RAISE(ABORT, 'channelhub_activity is append-only'); END;",
]
# No DELETE trigger on SQLite: Django's test flush empties tables with DELETE there
# (PostgreSQL's TRUNCATE does not fire row triggers). The model refuses deletes anyway.
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS channelhub_activity_no_update;",
    "DROP TRIGGER IF EXISTS channelhub_activity_no_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("channelhub", "0003_mechanisms")]
    operations = [migrations.RunPython(up, down)]
