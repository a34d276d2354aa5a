"""Small factory functions for tests: a role, its parts, its questionnaire, HR users.

Each ``make_*`` saves and returns one object with valid defaults; keyword arguments override
any field. Codes, keys and slugs come from one counter, so they never collide.
``make_complete_role()`` builds a small role that passes ``publication_problems``.
"""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from assessments.models import (
    Assessment,
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    ProfileVersion,
    Role,
    Section,
    Trait,
)
from assessments.snapshots import content_fingerprint, live_version, version_for_visit

_numbers = itertools.count(1)

HR_GROUP_NAME = "HR"

# What the HR group may do, per model of the assessments app (as in fixtures/hr_group.json):
# edit all content, not delete a role, only look at results, nothing on users and groups.
HR_PERMISSIONS = {
    "duty": ["add", "change", "view", "delete"],
    "trait": ["add", "change", "view", "delete"],
    "roletrait": ["add", "change", "view", "delete"],
    "educationfield": ["add", "change", "view", "delete"],
    "belief": ["add", "change", "view", "delete"],
    "comparisonpoint": ["add", "change", "view", "delete"],
    "section": ["add", "change", "view", "delete"],
    "item": ["add", "change", "view", "delete"],
    "option": ["add", "change", "view", "delete"],
    "role": ["add", "change", "view"],
    "assessment": ["view"],
    # Not a model: the custom permission assessments.view_insights (declared on Role) for
    # the results dashboard, the item statistics and the results export.
    "insights": ["view"],
}


def _next() -> int:
    return next(_numbers)


def make_role(**kwargs) -> Role:
    n = _next()
    fields = {
        "title": f"Jabatan {n}",
        "title_en": f"Post {n}",
        "slug": f"jabatan-{n}",
        "summary": "Ringkasan jabatan.",
        "summary_en": "Summary of the post.",
        "similar_role_name": "Pekerja sosial",
        "similar_role_name_en": "Social worker",
    }
    return Role.objects.create(**(fields | kwargs))


def make_duty(role: Role, **kwargs) -> Duty:
    n = _next()
    fields = {"order": n, "text": f"Tugas {n}.", "text_en": f"Duty {n}."}
    return Duty.objects.create(role=role, **(fields | kwargs))


def make_trait(role: Role, **kwargs) -> Trait:
    n = _next()
    fields = {
        "order": n,
        "key": f"sifat-{n}",
        "name": f"Sifat {n}",
        "name_en": f"Trait {n}",
        "description": "Deskripsi sifat.",
        "description_en": "What the trait is.",
        "why_it_matters": "Mengapa sifat ini penting.",
        "why_it_matters_en": "Why the trait matters.",
        "how_to_develop": "Cara mengembangkan sifat ini.",
        "how_to_develop_en": "How to develop the trait.",
        "weight": 3,
        "required_level": 60,
    }
    return Trait.objects.create(role=role, **(fields | kwargs))


def make_section(role: Role, **kwargs) -> Section:
    n = _next()
    fields = {"order": n, "title": f"Bagian {n}", "title_en": f"Section {n}"}
    return Section.objects.create(role=role, **(fields | kwargs))


def make_belief(role: Role, **kwargs) -> Belief:
    n = _next()
    fields = {
        "order": n,
        "kind": Belief.Kind.MISCONCEPTION,
        "belief": f"Anggapan keliru {n}.",
        "belief_en": f"Misconception {n}.",
        "correction": f"Koreksi {n}.",
        "correction_en": f"Correction {n}.",
    }
    return Belief.objects.create(role=role, **(fields | kwargs))


def make_education_field(role: Role, **kwargs) -> EducationField:
    n = _next()
    fields = {"order": n, "code": f"bidang-{n}", "name": f"Bidang {n}", "preferred": False}
    fields |= kwargs
    fields.setdefault("name_en", f"Field {fields['name']}")
    return EducationField.objects.create(role=role, **fields)


def make_comparison_point(role: Role, **kwargs) -> ComparisonPoint:
    n = _next()
    fields = {
        "order": n,
        "aspect": f"Aspek {n}",
        "aspect_en": f"Aspect {n}",
        "this_role": "Merencanakan dan mengoordinasikan program.",
        "this_role_en": "Plans and coordinates programmes.",
        "other_role": "Melayani klien secara langsung.",
        "other_role_en": "Serves clients directly.",
    }
    return ComparisonPoint.objects.create(role=role, **(fields | kwargs))


def make_item(role: Role, section: Section | None = None, **kwargs) -> Item:
    """An item, a likert statement by default.

    A likert or scenario item gets a new trait and a belief item a new belief unless given
    one; options are not made here (see ``make_option``, ``make_scenario``,
    ``make_preference``).
    """
    n = _next()
    fields = {"order": n, "code": f"b{n}", "kind": Item.Kind.LIKERT, "text": f"Pernyataan {n}."}
    fields |= kwargs
    fields.setdefault("text_en", f"English: {fields['text']}")
    if section is None:
        section = make_section(role)
    if fields["kind"] in {Item.Kind.LIKERT, Item.Kind.SCENARIO} and "trait" not in fields:
        fields["trait"] = make_trait(role)
    if fields["kind"] == Item.Kind.BELIEF:
        if "belief" not in fields:
            fields["belief"] = make_belief(role)
        fields.setdefault("keyed_answer", Item.KeyedAnswer.DISAGREE)
    return Item.objects.create(role=role, section=section, **fields)


def make_option(item: Item, **kwargs) -> Option:
    """An option; codes run A, B, C... within the item, and scenario options score 2."""
    position = item.options.count()
    fields = {
        "code": chr(ord("A") + position),
        "order": position + 1,
        "text": f"Pilihan {position + 1}.",
        "score": 2 if item.kind == Item.Kind.SCENARIO else None,
    }
    fields |= kwargs
    fields.setdefault("text_en", f"English: {fields['text']}")
    if fields.get("feedback"):
        fields.setdefault("feedback_en", f"English: {fields['feedback']}")
    return Option.objects.create(item=item, **fields)


def make_scenario(
    role: Role, section: Section | None = None, *, scores=(4, 2, 0), **kwargs
) -> Item:
    """A scenario item with one scored option per entry of ``scores``."""
    item = make_item(role, section, kind=Item.Kind.SCENARIO, **kwargs)
    for score in scores:
        make_option(item, score=score, feedback=f"Umpan balik untuk skor {score}.")
    return item


def make_preference(role: Role, section: Section | None = None, **kwargs) -> Item:
    """A preference pair: A a policy or planning task, B a direct-service task."""
    item = make_item(role, section, kind=Item.Kind.PREFERENCE, **kwargs)
    make_option(item, code="A", text="Menyusun rencana program.", direct_service=False)
    make_option(item, code="B", text="Mendampingi warga secara langsung.", direct_service=True)
    return item


def make_complete_role(traits: int = 2, items_per_trait: int = 3, **kwargs) -> Role:
    """A small role with everything publication needs, published unless ``status`` says not.

    Each trait is measured by ``items_per_trait`` items (the first trait's first one a
    scenario with three options, the rest likert, every third reverse-keyed), in a first
    section; a second section holds a belief item, two preference items and the background
    item. Two duties, two comparison points, one preferred and one other education field.
    With fewer than three items per trait, the role is not publishable.
    """
    role = make_role(**({"status": Role.Status.PUBLISHED} | kwargs))
    make_duty(role)
    make_duty(role)
    make_comparison_point(role)
    make_comparison_point(role)
    make_education_field(role, code="ilmu-sosial", name="Ilmu sosial", preferred=True)
    make_education_field(role, code="teknik", name="Teknik")
    trait_section = make_section(role, order=1)
    other_section = make_section(role, order=2)
    for trait_number in range(traits):
        trait = make_trait(role)
        for item_number in range(items_per_trait):
            if trait_number == 0 and item_number == 0:
                make_scenario(role, trait_section, trait=trait)
            else:
                make_item(role, trait_section, trait=trait, reverse_keyed=item_number % 3 == 2)
    make_item(role, other_section, kind=Item.Kind.BELIEF)
    make_preference(role, other_section)
    make_preference(role, other_section)
    make_item(role, other_section, kind=Item.Kind.BACKGROUND, text="Bidang pendidikan Anda?")
    if role.is_published:
        # As publishing leaves it: visitors see a stored version of this content.
        live_version(role)
    return role


def make_assessment(role: Role | None = None, **kwargs) -> Assessment:
    """An assessment in progress; pass ``status``, ``result`` etc. for a completed one."""
    role = role or make_complete_role()
    snapshot = kwargs.pop("snapshot", None)
    if "profile_version" not in kwargs:
        kwargs["profile_version"] = (
            make_version(role, snapshot) if snapshot is not None else version_for_visit(role)
        )
    fields = {
        "role": role,
        "role_version": kwargs["profile_version"].number,
        "consent_version": "test",
    }
    return Assessment.objects.create(**(fields | kwargs))


def make_version(role: Role | None, snapshot: dict) -> ProfileVersion:
    """A stored profile version holding ``snapshot`` as it is (e.g. an older schema's)."""
    return ProfileVersion.objects.create(
        role=role,
        number=snapshot.get("version", 1),
        fingerprint=content_fingerprint(snapshot) if "beliefs" in snapshot else f"t{_next()}",
        snapshot=snapshot,
    )


def make_hr_group() -> Group:
    """The HR group with ``HR_PERMISSIONS``, made if missing."""
    group, _created = Group.objects.get_or_create(name=HR_GROUP_NAME)
    codenames = [
        f"{action}_{model}" for model, actions in HR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="assessments", codename__in=codenames
    )
    group.permissions.add(*permissions)
    return group


def make_hr_user(username: str | None = None, **kwargs):
    """A staff user, not a superuser, in the HR group."""
    username = username or f"hr{_next()}"
    user = get_user_model().objects.create_user(username=username, is_staff=True, **kwargs)
    user.groups.add(make_hr_group())
    return user
