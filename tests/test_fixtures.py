"""The reference-data fixtures: the Kabag Kesra profile and questionnaire, and the HR group.

These tests hold the fixture to the content bar of DESIGN.md sections 3 and 4: every
sentence of the seed text is visible in the profile, the questionnaire has enough items of
each kind, and every text has its English translation.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from assessments import scoring, snapshots
from assessments.models import Assessment, Belief, Item, Role
from tests.answers import answers_for
from tests.factories import HR_PERMISSIONS

SEED_PATH = Path(__file__).parent / "data" / "seed_kabag_kesra.txt"
SEED_SENTENCES = [
    line.strip() for line in SEED_PATH.read_text(encoding="utf-8").splitlines() if line.strip()
]

KNOCKOUT_TRAITS = {"empati", "komunikasi", "motivasi_membantu"}
TRAIT_KEYS = KNOCKOUT_TRAITS | {
    "kepemimpinan",
    "perencanaan",
    "koordinasi",
    "pemantauan_evaluasi",
    "pengambilan_keputusan",
    "wawasan_kesejahteraan",
}

# Rough answering times in seconds, for the "about ten minutes" bar.
SECONDS_PER_ITEM = {"likert": 7, "scenario": 35, "belief": 8, "preference": 10, "background": 10}

# What HR may do, as the test factories grant it: the fixture must agree.
HR_CODENAMES = {
    ("assessments", f"{action}_{model}")
    for model, actions in HR_PERMISSIONS.items()
    for action in actions
}

NEGATIONS = {"tidak", "tak", "bukan", "tanpa", "belum", "jangan"}


def content_models():
    """Every model of the role profile and questionnaire.

    Not the assessments taken, nor their score rows (which point to an assessment), nor the
    edit history (django-simple-history's models, which have an ``instance_type``).
    """
    return [
        model
        for model in apps.get_app_config("assessments").get_models()
        if model._meta.model_name not in ("assessment", "profileversion")
        and not hasattr(model, "instance_type")
        and not any(
            field.is_relation and field.related_model is Assessment
            for field in model._meta.concrete_fields
        )
    ]


def row_counts():
    counts = {model._meta.label: model.objects.count() for model in content_models()}
    counts["auth.Group"] = Group.objects.count()
    counts["auth.Group.permissions"] = Group.permissions.through.objects.count()
    return counts


def hr_permission_keys():
    return set(
        Permission.objects.filter(group__name="HR").values_list(
            "content_type__app_label", "codename"
        )
    )


def profile_texts(role):
    """All Indonesian texts of the role's profile (not of its questionnaire)."""
    texts = [
        role.summary,
        role.similar_role_summary,
        role.education_match_text,
        role.education_mismatch_text,
    ]
    texts += [duty.text for duty in role.duties.all()]
    for trait in role.traits.all():
        texts += [trait.description, trait.why_it_matters, trait.knockout_reason]
    for belief in role.beliefs.all():
        texts += [belief.belief, belief.correction]
    for point in role.comparison_points.all():
        texts += [point.aspect, point.this_role, point.other_role]
    return "\n".join(texts)


def items_of(role, kind):
    return list(role.items.filter(kind=kind).select_related("trait").prefetch_related("options"))


@pytest.fixture
def kesra(db):
    call_command("loaddata", "kabag_kesra", "hr_group", verbosity=0)
    return Role.objects.get(slug="kabag-kesra")


def test_seed_copy_has_the_nine_sentences():
    assert len(SEED_SENTENCES) == 9
    assert all(sentence.endswith(".") for sentence in SEED_SENTENCES)


@pytest.mark.parametrize(
    "sentence", SEED_SENTENCES, ids=[f"seed-{n}" for n in range(1, len(SEED_SENTENCES) + 1)]
)
def test_every_seed_sentence_appears_verbatim_in_the_profile(kesra, sentence):
    assert sentence.rstrip(".") in profile_texts(kesra)


def test_role_is_published_with_its_thresholds(kesra):
    assert list(Role.objects.published()) == [kesra]
    assert kesra.version == 1
    assert (kesra.fit_threshold, kesra.partial_threshold) == (80, 68)
    assert (
        kesra.direct_service_share_numerator,
        kesra.direct_service_share_denominator,
    ) == (2, 3)
    assert kesra.duties.count() >= 3
    assert kesra.education_match_text and kesra.education_mismatch_text


def test_every_row_passes_model_validation(kesra):
    checked = 0
    for model in content_models():
        for row in model.objects.all():
            row.full_clean()
            checked += 1
    assert checked > 100


def test_every_text_is_filled_in_both_languages(kesra):
    """Only a trait that is no disqualifier may leave its knockout reason empty, in both."""
    missing = []
    for model in content_models():
        en_fields = [f.name for f in model._meta.get_fields() if f.name.endswith("_en")]
        assert en_fields, model
        for row in model.objects.all():
            for en_field in en_fields:
                field = en_field.removesuffix("_en")
                optional = field == "knockout_reason" and row.knockout_below is None
                if optional and not (getattr(row, field) or getattr(row, en_field)):
                    continue
                if not (getattr(row, field) and getattr(row, en_field)):
                    missing.append(f"{model.__name__} {row.pk}.{field}")
    assert missing == []


def test_traits_and_the_three_disqualifiers(kesra):
    traits = {trait.key: trait for trait in kesra.traits.all()}
    assert set(traits) == TRAIT_KEYS
    knockouts = {key for key, trait in traits.items() if trait.knockout_below is not None}
    assert knockouts == KNOCKOUT_TRAITS
    for key in KNOCKOUT_TRAITS:
        trait = traits[key]
        assert 35 <= trait.knockout_below <= 45 < trait.required_level
        assert trait.knockout_reason and trait.knockout_reason_en
    for trait in traits.values():
        assert 1 <= trait.weight <= 5
        assert 60 <= trait.required_level <= 75
        assert trait.why_it_matters and trait.how_to_develop
        assert trait.asn_level == (3 if trait.asn_competency else None)
        if trait.key not in KNOCKOUT_TRAITS:
            assert trait.knockout_reason == ""


def test_likert_items_per_trait_with_about_a_third_reverse_keyed(kesra):
    likert = items_of(kesra, Item.Kind.LIKERT)
    per_trait = Counter(item.trait.key for item in likert)
    reversed_per_trait = Counter(item.trait.key for item in likert if item.reverse_keyed)
    assert set(per_trait) == TRAIT_KEYS
    for key, count in per_trait.items():
        assert count >= 4, key
        assert 1 / 4 <= reversed_per_trait[key] / count <= 1 / 2, key
    assert 0.25 <= sum(reversed_per_trait.values()) / len(likert) <= 0.45


def test_statements_are_first_person_without_double_negatives(kesra):
    likert = items_of(kesra, Item.Kind.LIKERT)
    for item in likert:
        assert "saya" in re.findall(r"\w+", item.text.lower()), item.code
        assert re.search(r"\b(I|me|my)\b", item.text_en), item.code
    for item in likert + items_of(kesra, Item.Kind.BELIEF):
        words = re.findall(r"\w+", item.text.lower())
        assert sum(word in NEGATIONS for word in words) <= 1, item.code


def test_scenarios_have_scored_options_with_feedback(kesra):
    scenarios = items_of(kesra, Item.Kind.SCENARIO)
    assert len(scenarios) >= 6
    assert len({item.trait.key for item in scenarios}) >= 6
    best_letters = set()
    for item in scenarios:
        options = list(item.options.all())
        assert 3 <= len(options) <= 5, item.code
        scores = [option.score for option in options]
        assert all(score is not None and 0 <= score <= 4 for score in scores), item.code
        assert max(scores) == 4 and min(scores) < 2, item.code
        assert all(option.feedback and option.feedback_en for option in options), item.code
        best_letters |= {option.code for option in options if option.score == 4}
    # The best answer is not always in the same place.
    assert len(best_letters) >= 3


def test_belief_items_include_the_seed_misconception_and_expectation(kesra):
    items = items_of(kesra, Item.Kind.BELIEF)
    assert len(items) >= 4
    assert all(item.belief_id and item.trait_id is None for item in items)
    assert all(item.keyed_answer in Item.KeyedAnswer.values for item in items)
    tested = Belief.objects.filter(items__in=items)
    misconception, expectation = SEED_SENTENCES[6].rstrip("."), SEED_SENTENCES[7].rstrip(".")
    assert tested.filter(kind=Belief.Kind.MISCONCEPTION, correction__contains=misconception)
    assert tested.filter(kind=Belief.Kind.EXPECTATION, correction__contains=expectation)
    assert set(kesra.beliefs.all()) == set(tested)


def test_preferences_pair_one_direct_service_task_with_one_policy_task(kesra):
    items = items_of(kesra, Item.Kind.PREFERENCE)
    assert len(items) >= 6
    direct_letters = set()
    for item in items:
        options = list(item.options.all())
        assert sorted(option.code for option in options) == ["A", "B"], item.code
        assert [option.score for option in options] == [None, None], item.code
        direct = [option.code for option in options if option.direct_service]
        assert len(direct) == 1, item.code
        direct_letters |= set(direct)
        assert item.trait_id is None
    assert direct_letters == {"A", "B"}


def test_background_item_asks_the_education_field(kesra):
    (item,) = items_of(kesra, Item.Kind.BACKGROUND)
    assert item.code == "E01"
    assert item.trait_id is None and not item.options.exists()
    preferred = dict(kesra.education_fields.values_list("code", "preferred"))
    assert preferred["kesejahteraan_sosial"] and preferred["ilmu_sosial"]
    assert not all(preferred.values())


def test_sections_are_short_pages_for_about_ten_minutes(kesra):
    sections = list(kesra.sections.all())
    assert len(sections) == 5
    for section in sections:
        assert 10 <= section.items.count() <= 13, section.title
        assert section.title and section.intro
    assert all(item.section.role_id == kesra.pk for item in kesra.items.all())
    seconds = sum(SECONDS_PER_ITEM[item.kind] for item in kesra.items.all())
    assert 9 * 60 <= seconds <= 13 * 60


def test_item_codes_follow_their_kind(kesra):
    prefix = {"likert": "L", "scenario": "S", "belief": "B", "preference": "P", "background": "E"}
    for item in kesra.items.all():
        assert re.fullmatch(rf"{prefix[item.kind]}\d\d", item.code), item.code


def test_comparison_with_the_social_worker(kesra):
    assert kesra.similar_role_slug == "pekerja-sosial"
    assert kesra.similar_role_name == "Pekerja sosial"
    assert SEED_SENTENCES[8].rstrip(".") in kesra.similar_role_summary
    points = list(kesra.comparison_points.all())
    assert len(points) >= 3
    assert all(point.this_role != point.other_role for point in points)


def test_the_fixture_scores_end_to_end(kesra):
    snapshot = snapshots.build_snapshot(kesra)
    best = answers_for(snapshot, level="best")
    result = snapshots.score_snapshot(snapshot=snapshot, answers=best)
    assert (result.verdict, result.knockouts, result.misconceptions) == (scoring.FIT, (), ())
    assert result.suggested_role == ""

    worst = answers_for(snapshot, level="worst")
    empathy_codes = [item["code"] for item in snapshot["items"] if item["trait"] == "empati"]
    no_empathy = best | {code: worst[code] for code in empathy_codes}
    result = snapshots.score_snapshot(snapshot=snapshot, answers=no_empathy)
    assert (result.verdict, result.knockouts) == (scoring.NOT_A_FIT, ("empati",))

    helper = answers_for(snapshot, level="best", direct_service=True)
    result = snapshots.score_snapshot(snapshot=snapshot, answers=helper)
    assert result.suggested_role == "pekerja-sosial"


def test_hr_group_has_least_privilege(kesra):
    group = Group.objects.get(name="HR")
    perms = hr_permission_keys()
    assert perms == HR_CODENAMES
    assert {app_label for app_label, _ in perms} == {"assessments"}
    assert ("assessments", "view_assessment") in perms
    for codename in ("change_assessment", "delete_assessment", "delete_role"):
        assert ("assessments", codename) not in perms
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_loading_the_hr_group_twice_keeps_one_group(kesra):
    call_command("loaddata", "hr_group", verbosity=0)
    assert Group.objects.filter(name="HR").count() == 1
    assert hr_permission_keys() == HR_CODENAMES


@pytest.mark.django_db(transaction=True)
def test_dumpdata_flush_loaddata_round_trip_keeps_every_row(tmp_path):
    call_command("loaddata", "kabag_kesra", "hr_group", verbosity=0)
    role = Role.objects.get(slug="kabag-kesra")
    counts = row_counts()
    texts = {
        "summary": role.summary,
        "knockout": role.traits.get(key="empati").knockout_reason,
        "item": role.items.get(code="S08").text,
        "feedback": list(role.items.get(code="S08").options.values_list("feedback", flat=True)),
        "perms": hr_permission_keys(),
    }
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "assessments",
        "auth.group",
        natural_foreign=True,
        output=str(dump),
        verbosity=0,
    )

    call_command("flush", interactive=False, verbosity=0)
    assert not Role.objects.exists() and not Group.objects.exists()

    call_command("loaddata", str(dump), verbosity=0)
    role = Role.objects.get(slug="kabag-kesra")
    assert row_counts() == counts
    assert texts == {
        "summary": role.summary,
        "knockout": role.traits.get(key="empati").knockout_reason,
        "item": role.items.get(code="S08").text,
        "feedback": list(role.items.get(code="S08").options.values_list("feedback", flat=True)),
        "perms": hr_permission_keys(),
    }
    assert len(texts["perms"]) == len(HR_CODENAMES)
