"""The models: every CheckConstraint refuses what it is there to refuse, at the database."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Item, Option, ProfileVersion, Role, RoleTrait, Trait
from tests.factories import (
    make_assessment,
    make_belief,
    make_complete_role,
    make_item,
    make_option,
    make_role,
    make_section,
    make_trait,
)

pytestmark = pytest.mark.django_db


def refused(model, pk, **fields):
    """Whether the database refuses to store ``fields`` on the row ``pk`` of ``model``."""
    try:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(**fields)
    except IntegrityError:
        return True
    return False


def assert_refused(model, pk, **fields):
    assert refused(model, pk, **fields), f"{model.__name__} accepted {fields}"


@pytest.fixture
def role():
    return make_role()


def test_every_check_constraint_has_a_test_here():
    from django.apps import apps
    from django.db.models import CheckConstraint

    names = {
        constraint.name
        for model in apps.get_app_config("assessments").get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert names <= tested, names - tested


def test_role_thresholds_ordered(role):
    assert_refused(Role, role.pk, partial_threshold=90, fit_threshold=80)
    assert_refused(Role, role.pk, fit_threshold=101, partial_threshold=50)


def test_role_direct_service_share_fraction(role):
    assert_refused(Role, role.pk, direct_service_share_numerator=4)
    assert_refused(
        Role, role.pk, direct_service_share_numerator=0, direct_service_share_denominator=0
    )


def test_role_behaviour_share_0_1(role):
    assert_refused(Role, role.pk, behaviour_share=1.5)
    assert_refused(Role, role.pk, behaviour_share=-0.1)


def test_role_min_matches_ordered(role):
    assert_refused(Role, role.pk, min_match_partial=0.9, min_match_fit=0.8)
    assert_refused(Role, role.pk, min_match_fit=1.2)
    assert_refused(Role, role.pk, min_match_partial=-0.1)


def test_role_version_positive(role):
    assert_refused(Role, role.pk, version=0)


def test_trait_weight_1_5(role):
    trait = make_trait(role)
    assert_refused(Trait, trait.pk, weight=0)
    assert_refused(Trait, trait.pk, weight=6)


def test_trait_required_level_0_100(role):
    trait = make_trait(role, knockout_below=None)
    assert_refused(Trait, trait.pk, required_level=101)


def test_trait_knockout_below_required(role):
    trait = make_trait(role, required_level=70, knockout_below=40)
    assert_refused(Trait, trait.pk, knockout_below=75)


def test_trait_asn_level_1_5(role):
    trait = make_trait(role)
    assert_refused(Trait, trait.pk, asn_level=0)
    assert_refused(Trait, trait.pk, asn_level=6)


@pytest.fixture
def role_trait(role):
    """A role that weighs one trait of an item bank."""
    bank = make_role(kind=Role.Kind.BANK)
    role.bank = bank
    role.save()
    return RoleTrait.objects.create(
        role=role,
        trait=make_trait(bank),
        why_it_matters="Mengapa penting.",
        weight=3,
        required_level=70,
        knockout_below=40,
    )


def test_roletrait_weight_1_5(role_trait):
    assert_refused(RoleTrait, role_trait.pk, weight=0)
    assert_refused(RoleTrait, role_trait.pk, weight=6)
    assert not refused(RoleTrait, role_trait.pk, weight=5)


def test_roletrait_required_level_0_100(role_trait):
    assert_refused(RoleTrait, role_trait.pk, required_level=101, knockout_below=None)
    assert not refused(RoleTrait, role_trait.pk, required_level=100)


def test_roletrait_knockout_below_required(role_trait):
    assert_refused(RoleTrait, role_trait.pk, knockout_below=75)
    assert not refused(RoleTrait, role_trait.pk, knockout_below=70)


def test_item_scored_kinds_have_trait(role):
    section = make_section(role)
    for kind in (Item.Kind.LIKERT, Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE):
        item = make_item(role, section, kind=kind, trait=make_trait(role))
        assert_refused(Item, item.pk, trait=None)
    check = make_item(role, section, kind=Item.Kind.CHECK, trait=None)
    assert not refused(Item, check.pk, text="Saya tidak pernah lupa apa pun.")


def test_item_belief_has_belief_and_key(role):
    belief = make_belief(role)
    item = make_item(
        role,
        make_section(role),
        kind=Item.Kind.BELIEF,
        trait=None,
        belief=belief,
        keyed_answer=Item.KeyedAnswer.DISAGREE,
    )
    assert_refused(Item, item.pk, keyed_answer="")
    assert_refused(Item, item.pk, belief=None)


def test_option_score_0_4(role):
    item = make_item(role, make_section(role), kind=Item.Kind.SCENARIO, trait=make_trait(role))
    option = make_option(item, score=2)
    assert_refused(Option, option.pk, score=5)


def test_profileversion_number_1():
    version = ProfileVersion.objects.create(number=1, fingerprint="x", snapshot={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileVersion.objects.create(number=0, fingerprint="y", snapshot={})
    assert version.pk


def test_assessment_completed_has_result():
    assessment = make_assessment(make_complete_role())
    assert_refused(Assessment, assessment.pk, status=Assessment.Status.COMPLETED)


def test_item_kinds_and_verdicts_are_scorings_each_defined_once():
    from assessments import scoring
    from assessments.verdicts import VERDICT_TEXTS

    assert tuple(Item.Kind.values) == scoring.ITEM_KINDS
    assert set(Item.KeyedAnswer.values) == {scoring.AGREE, scoring.DISAGREE}
    assert tuple(Assessment.Verdict.values) == scoring.VERDICTS
    assert [str(label) for label in Assessment.Verdict.labels] == [
        str(VERDICT_TEXTS[verdict].label) for verdict in scoring.VERDICTS
    ]
