"""Running item sums in place of one score row per item and result (ItemSum).

The sums are written from the existing ItemScore rows, grouped, so that the item
statistics read what they read before; ItemScore is dropped in 0020, a migration of its
own, so that PostgreSQL does not drop a table in the transaction that wrote rows referring
to the same tables. No assessment, result or version row is read or changed.

Going back, the ItemScore rows are written anew from the stored answers (0020's reverse
recreates the table first), as ``insights.rows.item_rows`` scores them.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum

BATCH = 2000


def sums_from_item_scores(apps, schema_editor):
    ItemScore = apps.get_model("assessments", "ItemScore")
    ItemSum = apps.get_model("assessments", "ItemSum")
    groups = (
        ItemScore.objects.filter(role__isnull=False)
        .values_list("role_id", "role_version", "item_code", "score")
        .annotate(n=Count("*"), total=Sum("trait_total"))
        .order_by()
    )
    ItemSum.objects.bulk_create(
        (
            ItemSum(
                role_id=role_id,
                role_version=version,
                item_code=code,
                score=score,
                n=n,
                trait_total=total,
            )
            for role_id, version, code, score, n, total in groups.iterator()
        ),
        batch_size=BATCH,
    )


def item_scores_from_answers(apps, schema_editor):
    # The app's own scoring of an item (a pure function of the answer and the version's
    # snapshot): the rows as store_score_rows wrote them before this migration.
    from assessments.insights.rows import item_rows
    from assessments.snapshots import profile_from_snapshot

    Assessment = apps.get_model("assessments", "Assessment")
    ItemScore = apps.get_model("assessments", "ItemScore")
    profiles = {}
    rows = []
    kept = Assessment.objects.filter(status="completed", on_draft=False).select_related(
        "profile_version"
    )
    for assessment in kept.iterator(chunk_size=BATCH):
        version_id = assessment.profile_version_id
        if version_id not in profiles:
            profiles[version_id] = profile_from_snapshot(assessment.profile_version.snapshot)
        rows += [
            ItemScore(
                assessment_id=assessment.pk,
                role_id=assessment.role_id,
                role_version=assessment.role_version,
                item_code=row.item_code,
                trait_key=row.trait_key,
                score=row.score,
                trait_total=row.trait_total,
            )
            for row in item_rows(profiles[version_id], assessment.answers)
        ]
        if len(rows) >= BATCH:
            ItemScore.objects.bulk_create(rows)
            rows = []
    ItemScore.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0018_item_bank_content"),
    ]

    operations = [
        migrations.CreateModel(
            name="ItemSum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role_version", models.PositiveIntegerField()),
                ("item_code", models.SlugField(db_index=False, max_length=30)),
                ("score", models.FloatField()),
                ("n", models.PositiveIntegerField()),
                ("trait_total", models.FloatField()),
                (
                    "role",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.role",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("role", "role_version", "item_code", "score"),
                        name="itemsum_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(sums_from_item_scores, item_scores_from_answers),
    ]
