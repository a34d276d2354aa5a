"""Fill the HR dashboard's score rows for the assessments completed before they existed."""

from django.db import migrations

BATCH = 500


def fill_score_rows(apps, schema_editor):
    from assessments.insights import item_rows, trait_rows
    from assessments.profiles import profile_from_snapshot
    from assessments.scoring import result_from_dict

    Assessment = apps.get_model("assessments", "Assessment")
    TraitScore = apps.get_model("assessments", "TraitScore")
    ItemScore = apps.get_model("assessments", "ItemScore")
    HeldMisconception = apps.get_model("assessments", "HeldMisconception")

    completed = Assessment.objects.filter(status="completed").order_by("pk")
    for assessment in completed.iterator(chunk_size=BATCH):
        try:
            result = result_from_dict(assessment.result)
            items = item_rows(profile_from_snapshot(assessment.snapshot), assessment.answers)
        except (KeyError, TypeError, ValueError, StopIteration):
            # A result that cannot be read again is left out of the statistics.
            continue
        common = {
            "assessment_id": assessment.pk,
            "role_id": assessment.role_id,
            "role_version": assessment.role_version,
        }
        TraitScore.objects.bulk_create(
            TraitScore(**common, started_at=assessment.created_at, **vars(row))
            for row in trait_rows(result)
        )
        ItemScore.objects.bulk_create(ItemScore(**common, **vars(row)) for row in items)
        HeldMisconception.objects.bulk_create(
            HeldMisconception(**common, started_at=assessment.created_at, item_code=code)
            for code in result.misconceptions
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            direct_service_share=result.direct_service_share
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_insights_and_history")]

    operations = [migrations.RunPython(fill_score_rows, migrations.RunPython.noop)]
