"""Assessments reference their profile version; versions never change (a trigger)."""

import django.db.models.deletion
from django.db import migrations, models


SQLITE_TRIGGER = """
CREATE TRIGGER profileversion_immutable
BEFORE UPDATE OF number, fingerprint, snapshot ON assessments_profileversion
BEGIN
    SELECT RAISE(ABORT, 'a profile version never changes');
END;
"""

POSTGRESQL_TRIGGER = """
CREATE FUNCTION assessments_profileversion_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.number IS DISTINCT FROM OLD.number
       OR NEW.fingerprint IS DISTINCT FROM OLD.fingerprint
       OR NEW.snapshot IS DISTINCT FROM OLD.snapshot THEN
        RAISE EXCEPTION 'a profile version never changes'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER profileversion_immutable
BEFORE UPDATE ON assessments_profileversion
FOR EACH ROW EXECUTE FUNCTION assessments_profileversion_immutable();
"""

DROP = {
    "sqlite": "DROP TRIGGER IF EXISTS profileversion_immutable;",
    "postgresql": (
        "DROP TRIGGER IF EXISTS profileversion_immutable ON assessments_profileversion;"
        "DROP FUNCTION IF EXISTS assessments_profileversion_immutable();"
    ),
}


def create_trigger(apps, schema_editor):
    sql = {"sqlite": SQLITE_TRIGGER, "postgresql": POSTGRESQL_TRIGGER}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    sql = DROP.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_fold_snapshots_into_versions'),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RemoveField(
            model_name='assessment',
            name='snapshot',
        ),
        migrations.RemoveField(
            model_name='historicalrole',
            name='direct_service_threshold',
        ),
        migrations.RemoveField(
            model_name='role',
            name='direct_service_threshold',
        ),
        migrations.AlterField(
            model_name='assessment',
            name='profile_version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='assessments.profileversion', verbose_name='versi profil'),
        ),
    ]
