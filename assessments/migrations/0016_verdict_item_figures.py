"""Profile versions hold the item figures their standard errors use (empty: the prior).

On SQLite, adding a column with a default rebuilds the table, which drops its triggers:
the trigger that keeps a version's content from changing (0007) is made again after it.
No stored version or result changes.
"""

from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER profileversion_immutable
BEFORE UPDATE OF number, fingerprint, snapshot ON assessments_profileversion
BEGIN
    SELECT RAISE(ABORT, 'a profile version never changes');
END;
"""


def keep_versions_immutable(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS profileversion_immutable;")
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0015_hr_admin_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="profileversion",
            name="item_figures",
            field=models.JSONField(blank=True, default=dict, verbose_name="angka butir"),
        ),
        migrations.RunPython(keep_versions_immutable, keep_versions_immutable),
    ]
