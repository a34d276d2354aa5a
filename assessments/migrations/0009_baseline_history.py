"""A baseline history record for every profile row that has none.

Rows loaded from the fixtures were saved without history, so their first edit could not
be undone. This writes one "created" record for each such row, as it is now; it reads the
profile tables and writes only their history tables: no result, version or score changes.
"""

from django.db import migrations
from django.utils import timezone

MODELS = (
    "Role",
    "Duty",
    "Trait",
    "EducationField",
    "Belief",
    "ComparisonPoint",
    "Section",
    "Item",
    "Option",
)
REASON = "Catatan awal: isi profil saat dimuat"


def write_baselines(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("assessments", name)
        history = apps.get_model("assessments", f"Historical{name}")
        recorded = set(history.objects.values_list("id", flat=True).distinct())
        fields = [
            field
            for field in history._meta.concrete_fields
            if not field.name.startswith("history_")
        ]
        records = [
            history(
                **{field.attname: getattr(row, field.attname) for field in fields},
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
                history_user_id=None,
            )
            for row in model.objects.exclude(pk__in=recorded).iterator()
        ]
        history.objects.bulk_create(records, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_traitscore_flagged")]

    operations = [migrations.RunPython(write_baselines, migrations.RunPython.noop)]
