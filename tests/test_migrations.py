"""Migrations on a database that holds real results: none of them changes.

``data/first_edition_assessments.json`` holds 25 assessments (two profile versions, every
verdict, one unfinished) exactly as the first edition's code stored them. They are written
at migration 0004, the last state that code knew, then the database is migrated to now.
"""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError

from assessments import scoring, snapshots
from assessments.models import Assessment, ProfileVersion

DATA = json.loads(
    (Path(__file__).parent / "data" / "first_edition_assessments.json").read_text("utf-8")
)
BEFORE = [("assessments", "0004_fill_score_rows")]
FIXTURES = Path(__file__).parent.parent / "fixtures"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("assessments")


@pytest.fixture
def migrated(transactional_db):
    """The first edition's assessments, stored at 0004 and migrated to the latest state."""
    old = migrate(BEFORE)
    Role = old.get_model("assessments", "Role")
    Assessment = old.get_model("assessments", "Assessment")
    first = DATA["snapshots"][0]
    role = Role.objects.create(
        title=first["title"],
        slug=first["slug"],
        summary=first["summary"],
        status="published",
        version=2,
        direct_service_threshold=67,
    )
    for row in DATA["assessments"]:
        fields = {key: value for key, value in row.items() if key != "snapshot"}
        Assessment.objects.create(role=role, snapshot=DATA["snapshots"][row["snapshot"]], **fields)
    migrate(latest())
    snapshots.clear_cache()
    yield
    snapshots.clear_cache()


def test_every_assessment_references_one_of_two_versions_stored_once(migrated):
    assert ProfileVersion.objects.count() == len(DATA["snapshots"]) == 2
    for assessment, row in zip(Assessment.objects.order_by("pk"), DATA["assessments"], strict=True):
        assert assessment.profile_version.snapshot == DATA["snapshots"][row["snapshot"]]
        assert assessment.profile_version.number == row["role_version"]


def test_no_stored_answer_or_result_changes(migrated):
    for assessment, row in zip(Assessment.objects.order_by("pk"), DATA["assessments"], strict=True):
        assert assessment.answers == row["answers"]
        assert (assessment.verdict, assessment.overall_fit) == (row["verdict"], row["overall_fit"])
        assert assessment.direct_service_share == row["direct_service_share"]
        if row["result"] is None:
            assert assessment.result is None
            continue
        # Every key the first edition stored is kept as it was; 0014 only adds the keys
        # today's results have, with the values the first edition's results meant.
        stored = row["result"]
        assert {key: assessment.result[key] for key in stored if key != "traits"} == {
            key: value for key, value in stored.items() if key != "traits"
        }
        for trait, was in zip(assessment.result["traits"], stored["traits"], strict=True):
            assert trait == {**was, "self_score": None, "behaviour_score": None}
        assert assessment.result["rules"] == 1
        assert assessment.result.keys() - stored.keys() == {
            "rules",
            "knowledge_choices",
            "quality_flags",
            "quality_warnings",
        }


def test_every_completed_result_reads_back_as_the_result_it_was(migrated):
    completed = Assessment.objects.completed().order_by("pk")
    rows = [row for row in DATA["assessments"] if row["result"] is not None]
    assert completed.count() == len(rows) == 23
    verdicts = set()
    for assessment, row in zip(completed, rows, strict=True):
        assert scoring.result_from_dict(assessment.result) == scoring.result_from_dict(
            row["result"]
        )
        verdicts.add(assessment.verdict)
    assert verdicts == {"cocok", "cukup_cocok", "kurang_cocok", "tidak_cocok"}


def test_the_direct_service_threshold_becomes_two_thirds(migrated):
    from assessments.models import Role

    role = Role.objects.roles().get()
    assert (role.direct_service_share_numerator, role.direct_service_share_denominator) == (2, 3)


def item_sums_from_answers():
    """{(role id, version, item, score): (results, sum of trait totals)} worked out from the
    stored answers, as the item sums must hold them."""
    from assessments.insights.rows import item_rows

    sums = {}
    for assessment in Assessment.objects.completed().filter(on_draft=False):
        profile = snapshots.version_data(assessment.profile_version_id).profile
        for row in item_rows(profile, assessment.answers):
            key = (assessment.role_id, assessment.role_version, row.item_code, row.score)
            n, total = sums.get(key, (0, 0.0))
            sums[key] = (n + 1, total + row.trait_total)
    return sums


def test_the_item_score_rows_become_item_sums_and_come_back(migrated):
    from assessments.models import ItemSum

    def stored_sums():
        return {
            (role_id, version, code, score): (n, total)
            for role_id, version, code, score, n, total in ItemSum.objects.values_list(
                "role_id", "role_version", "item_code", "score", "n", "trait_total"
            )
        }

    expected = item_sums_from_answers()
    assert sum(n for n, _total in expected.values()) == 23 * 45  # 45 scored items each
    assessments = list(Assessment.objects.order_by("pk").values())

    # Back to one row per item and result, written anew from the answers (the first
    # edition's results were stored at 0004 without any), then forward to the sums.
    old = migrate([("assessments", "0018_item_bank_content")])
    ItemScore = old.get_model("assessments", "ItemScore")
    assert ItemScore.objects.count() == 23 * 45
    assert ItemScore.objects.values("assessment_id").distinct().count() == 23
    migrate(latest())

    assert stored_sums() == expected  # quarters: exact in binary
    assert list(Assessment.objects.order_by("pk").values()) == assessments


@pytest.mark.django_db
def test_a_version_cannot_be_changed_by_the_database():
    version = ProfileVersion.objects.create(number=1, fingerprint="f", snapshot={"title": "A"})
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileVersion.objects.filter(pk=version.pk).update(snapshot={"title": "B"})
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileVersion.objects.filter(pk=version.pk).update(number=2)
    version.refresh_from_db()
    assert (version.number, version.snapshot) == (1, {"title": "A"})


@pytest.mark.django_db
def test_a_version_in_use_cannot_be_deleted(kesra_role):
    from tests.factories import make_assessment

    assessment = make_assessment(kesra_role)
    with pytest.raises(ProtectedError):
        assessment.profile_version.delete()
    # Nor behind the ORM's back: the foreign key itself refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Django's foreign keys are deferred to the commit; check now instead.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "DELETE FROM assessments_profileversion WHERE id = %s",
                [assessment.profile_version_id],
            )
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_key_check")
                if cursor.fetchall():
                    raise IntegrityError("foreign key violated")
    assert ProfileVersion.objects.filter(pk=assessment.profile_version_id).exists()


def test_profile_rows_loaded_without_history_get_a_baseline(transactional_db):
    from assessments.models import Option, Role, RoleTrait, Trait

    old = migrate([("assessments", "0007_drop_assessment_snapshot")])
    # The edition that was current at that migration, saved through the models of that
    # state (loaddata would use today's models, whose later columns do not exist yet).
    for row in json.loads((FIXTURES / "editions" / "kabag_kesra_2.json").read_text("utf-8")):
        model = old.get_model(row["model"])
        values = {
            model._meta.get_field(name).attname: value for name, value in row["fields"].items()
        }
        model.objects.create(pk=row["pk"], **values)
    assert not Trait.history.exists()

    migrate(latest())

    # The item bank the Kabag Kesra's questionnaire moved into, and the role's role traits,
    # made by a later migration, have their baseline too.
    for model in (Role, Trait, RoleTrait, Option):
        records = model.history.filter(history_type="+")
        assert records.count() == model.objects.count(), model.__name__
        assert set(records.values_list("history_change_reason", flat=True)) == {
            "Catatan awal: isi profil saat dimuat"
        }
    trait = Trait.objects.get(key="empati")
    assert trait.history.get().why_it_matters == trait.why_it_matters
