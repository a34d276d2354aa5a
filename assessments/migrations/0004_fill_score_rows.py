"""Fill the HR dashboard's score rows for the assessments completed before they existed.

The scoring it needs is frozen here, as it was when this migration was written, so that
later changes to the app's scoring and snapshot code cannot change what it does.
"""

from collections import defaultdict
from types import SimpleNamespace

from django.db import migrations

BATCH = 500


def item_score(item, value):
    if item["kind"] == "likert":
        v = int(value)
        if item["reverse_keyed"]:
            v = 6 - v
        return (v - 1) / 4
    option = next(option for option in item["options"] if option["code"] == value)
    return option["score"] / 4


def item_rows(snapshot, answers):
    scores_by_trait = defaultdict(list)
    for item in snapshot["items"]:
        if item["kind"] in ("likert", "scenario"):
            score = item_score(item, str(answers[item["code"]]))
            scores_by_trait[item["trait"]].append((item["code"], score))
    rows = []
    for trait_key, scores in scores_by_trait.items():
        trait_total = sum(score for _code, score in scores)
        rows += [
            SimpleNamespace(
                item_code=code, trait_key=trait_key, score=score, trait_total=trait_total
            )
            for code, score in scores
        ]
    return rows


def trait_rows(result):
    return [
        SimpleNamespace(
            trait_key=trait["key"],
            score=trait["score"],
            required_level=trait["required_level"],
            knocked_out=trait["knocked_out"],
        )
        for trait in result["traits"]
    ]


def fill_score_rows(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    TraitScore = apps.get_model("assessments", "TraitScore")
    ItemScore = apps.get_model("assessments", "ItemScore")
    HeldMisconception = apps.get_model("assessments", "HeldMisconception")

    completed = Assessment.objects.filter(status="completed").order_by("pk")
    for assessment in completed.iterator(chunk_size=BATCH):
        try:
            result = assessment.result
            traits = trait_rows(result)
            items = item_rows(assessment.snapshot, assessment.answers)
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
            for row in traits
        )
        ItemScore.objects.bulk_create(ItemScore(**common, **vars(row)) for row in items)
        HeldMisconception.objects.bulk_create(
            HeldMisconception(**common, started_at=assessment.created_at, item_code=code)
            for code in result["misconceptions"]
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            direct_service_share=result["direct_service_share"]
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_insights_and_history")]

    operations = [migrations.RunPython(fill_score_rows, migrations.RunPython.noop)]
