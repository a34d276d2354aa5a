"""Stored results are the record: give each result stored by the first edition's code the
keys today's results have, with the values that code's results meant (the rules it was
scored by, 1; no knowledge choices or response-quality patterns; no self-report and
behaviour split per trait). Nothing a result says changes: read back, it is the same
result; its verdict and figures are untouched. Results that have the keys are left alone.
"""

from django.db import migrations

FIRST_RULES = 1
ADDED = {"knowledge_choices": [], "quality_flags": [], "quality_warnings": []}
ADDED_PER_TRAIT = {"self_score": None, "behaviour_score": None}
BATCH = 500


def complete_stored_results(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    first_edition = (
        Assessment.objects.filter(result__isnull=False)
        .exclude(result__has_key="rules")
        .only("pk", "result")
    )
    batch = []
    for assessment in first_edition.iterator(chunk_size=BATCH):
        result = dict(assessment.result)
        result["rules"] = FIRST_RULES
        for key, value in ADDED.items():
            result.setdefault(key, list(value))
        result["traits"] = [{**ADDED_PER_TRAIT, **trait} for trait in result["traits"]]
        assessment.result = result
        batch.append(assessment)
        if len(batch) == BATCH:
            Assessment.objects.bulk_update(batch, ["result"])
            batch = []
    if batch:
        Assessment.objects.bulk_update(batch, ["result"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0013_merge_share_and_item_restrict"),
    ]

    operations = [
        migrations.RunPython(complete_stored_results, migrations.RunPython.noop, elidable=True),
    ]
