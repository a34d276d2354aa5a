"""The assessment's answers and result, and another role's result, written as compact JSON.

The encoder is Python's alone: the columns do not change, and rows stored before keep their
text as it is. SQLite's schema editor would rebuild the assessment table for each field (a
copy of every row), so only the migration state changes.
"""

from django.db import migrations, models

import assessments.models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0020_remove_itemscore"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="answers",
                    field=models.JSONField(
                        blank=True,
                        default=dict,
                        encoder=assessments.models.CompactJSONEncoder,
                        verbose_name="jawaban",
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="result",
                    field=models.JSONField(
                        blank=True,
                        encoder=assessments.models.CompactJSONEncoder,
                        null=True,
                        verbose_name="hasil",
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="section_saved_at",
                    field=models.JSONField(
                        blank=True,
                        default=dict,
                        encoder=assessments.models.CompactJSONEncoder,
                        verbose_name="waktu simpan per bagian",
                    ),
                ),
                migrations.AlterField(
                    model_name="roleresult",
                    name="result",
                    field=models.JSONField(
                        encoder=assessments.models.CompactJSONEncoder, verbose_name="hasil"
                    ),
                ),
            ],
        )
    ]
