"""The HR admin: pages load, HR's permissions hold, and what cannot be published is refused."""

from http import HTTPStatus

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assessments import drafts
from assessments.models import Assessment, Duty, EducationField, Item, Option, Role, Trait
from assessments.publishing import (
    MIN_ITEMS_PER_TRAIT,
    item_problems,
    publication_problems,
    trait_problems,
)
from tests.factories import (
    HR_PERMISSIONS,
    make_assessment,
    make_complete_role,
    make_hr_group,
    make_item,
    make_option,
    make_role,
    make_section,
    make_trait,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def role():
    return make_complete_role()


# --- Helpers ------------------------------------------------------------------------------


def form_data(form: forms.BaseForm) -> dict:
    """What a browser would post for ``form`` as rendered, untouched."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data


def changeform_data(response) -> dict:
    """The POST data that saves an admin change page as it was served.

    Only the inline rows that exist are posted (no blank extra rows), with management forms
    to match.
    """
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        rows = formset.initial_forms
        data |= {
            f"{formset.prefix}-TOTAL_FORMS": len(rows),
            f"{formset.prefix}-INITIAL_FORMS": len(rows),
            f"{formset.prefix}-MIN_NUM_FORMS": 0,
            f"{formset.prefix}-MAX_NUM_FORMS": 1000,
        }
        for form in rows:
            data |= form_data(form)
    return data


def inline_rows(response, prefix: str) -> list[forms.BaseForm]:
    """The forms of the existing rows of the inline whose formset prefix is ``prefix``."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.initial_forms
    raise AssertionError(f"no inline {prefix!r}")


def errors_on_page(response) -> list[str]:
    """Every validation message of the page form and its inlines, as plain text."""
    forms = [response.context["adminform"].form]
    messages = []
    for inline in response.context["inline_admin_formsets"]:
        messages += inline.formset.non_form_errors()
        forms += inline.formset.forms
    for form in forms:
        messages += [message for errors in form.errors.values() for message in errors]
    return messages


def role_change_url(role: Role) -> str:
    return reverse("admin:assessments_role_change", args=[role.pk])


def item_add_data(client, role: Role, *, kind: str, options: list[dict], **fields) -> dict:
    """POST data for a new item of ``role`` with ``options``, built from the add page."""
    response = client.get(reverse("admin:assessments_item_add"))
    data = changeform_data(response)
    data |= {
        "role": role.pk,
        "section": role.sections.first().pk,
        "code": "baru",
        "kind": kind,
        "text": "Butir baru.",
        "order": 99,
        **fields,
    }
    data |= {"options-TOTAL_FORMS": len(options), "options-INITIAL_FORMS": 0}
    for number, option in enumerate(options):
        for name, value in ({"order": number + 1} | option).items():
            if value is not False:
                data[f"options-{number}-{name}"] = "on" if value is True else value
    return data


# --- Pages load ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "shows", "max_queries"),
    [
        ("admin:index", None, 5),
        ("admin:assessments_role_changelist", None, 7),
        ("admin:assessments_role_add", None, 6),
        # The page compares the draft with the live version: one snapshot's queries more.
        ("admin:assessments_role_change", "role", 20),
        ("admin:assessments_item_changelist", None, 10),
        ("admin:assessments_item_add", None, 9),
        ("admin:assessments_item_change", "item", 10),
        ("admin:assessments_trait_changelist", None, 9),
        ("admin:assessments_trait_change", "trait", 7),
        ("admin:assessments_section_changelist", None, 8),
        ("admin:assessments_belief_changelist", None, 8),
        ("admin:assessments_assessment_changelist", None, 11),
        ("admin:assessments_assessment_change", "assessment", 7),
    ],
)
def test_admin_page_loads(
    admin_client, django_assert_max_num_queries, url_name, shows, max_queries
):
    role = make_complete_role()
    make_complete_role()  # a second role, so that queries per row would show
    objects = {
        "role": role,
        "item": role.items.get(kind=Item.Kind.SCENARIO),
        "trait": role.traits.first(),
        "assessment": make_assessment(role),
    }
    args = [objects[shows].pk] if shows else []
    with django_assert_max_num_queries(max_queries):
        response = admin_client.get(reverse(url_name, args=args))
    assert response.status_code == HTTPStatus.OK


def test_admin_header_names_the_site(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "CareerFit — Admin HR" in response.content.decode()


def test_role_page_links_to_the_public_preview(admin_client, role):
    content_type = ContentType.objects.get_for_model(Role)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, role.pk])

    page = admin_client.get(role_change_url(role))
    response = admin_client.get(view_on_site)

    assert view_on_site in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(role.get_absolute_url())


# --- HR permissions -----------------------------------------------------------------------


def test_hr_group_has_exactly_the_listed_permissions():
    expected = sum(len(actions) for actions in HR_PERMISSIONS.values())
    assert make_hr_group().permissions.count() == expected


def test_hr_user_edits_a_trait_on_the_role_page(hr_client, role, django_assert_max_num_queries):
    url = role_change_url(role)
    # +1: the item banks HR may choose for the role.
    with django_assert_max_num_queries(22):
        page = hr_client.get(url)
    trait_form = inline_rows(page, "traits")[0]
    data = changeform_data(page) | {trait_form.add_prefix("name"): "Empati yang terarah"}

    response = hr_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert Trait.objects.get(pk=trait_form.instance.pk).name == "Empati yang terarah"


@pytest.mark.parametrize("url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist"])
def test_hr_user_cannot_see_users_or_groups(hr_client, url_name):
    response = hr_client.get(reverse(url_name))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_hr_user_cannot_delete_an_assessment(hr_client):
    assessment = make_assessment()
    url = reverse("admin:assessments_assessment_delete", args=[assessment.pk])

    assert hr_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert hr_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_hr_user_has_no_delete_action_on_assessments(hr_client, django_assert_max_num_queries):
    make_assessment()
    with django_assert_max_num_queries(13):
        response = hr_client.get(reverse("admin:assessments_assessment_changelist"))
    action_form = response.context["action_form"]
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert response.status_code == HTTPStatus.OK
    assert "delete_selected" not in actions


def test_assessments_are_read_only_even_for_a_superuser(admin_client):
    assessment = make_assessment(verdict="cocok")
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])

    response = admin_client.post(url, {"verdict": "kurang cocok"})
    assessment.refresh_from_db()

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert assessment.verdict == "cocok"
    assert admin_client.get(reverse("admin:assessments_assessment_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_assessment_token_is_shown_nowhere(admin_client):
    assessment = make_assessment()
    pages = [
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert assessment.token not in response.content.decode()


def test_the_admin_redirect_does_not_reveal_an_assessment_link(hr_client):
    assessment = make_assessment()
    content_type = ContentType.objects.get_for_model(Assessment)
    url = reverse("admin:view_on_site", args=[content_type.pk, assessment.pk])

    response = hr_client.get(url)

    assert assessment.token not in response.get("Location", "")


def test_assessments_cannot_be_filtered_by_token(admin_client):
    assessment = make_assessment()
    url = reverse("admin:assessments_assessment_changelist")
    response = admin_client.get(url, {"token__startswith": assessment.token[0]})
    assert response.status_code == HTTPStatus.BAD_REQUEST


# --- Publishing a role --------------------------------------------------------------------


def post_role_page(client, role: Role, **changes):
    """Post the role's change page as served, with ``changes`` to the role's own fields."""
    url = role_change_url(role)
    data = changeform_data(client.get(url)) | changes
    return client.post(url, data)


def test_the_status_and_version_cannot_be_set_on_the_role_page(hr_client):
    role = make_complete_role(status=Role.Status.DRAFT)
    page = hr_client.get(role_change_url(role))

    assert "status" not in page.context["adminform"].form.fields
    response = post_role_page(hr_client, role, status=Role.Status.PUBLISHED, version=9)
    role.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert (role.status, role.version, role.live_version) == (Role.Status.DRAFT, 1, None)


def test_a_published_role_page_says_the_draft_is_unpublished(hr_client, role):
    post_role_page(hr_client, role, summary="Ringkasan baru.")

    response = hr_client.get(role_change_url(role))

    assert "Ada perubahan yang belum terbit." in response.content.decode()
    assert reverse("admin:assessments_role_publish", args=[role.pk]) in response.content.decode()


@pytest.mark.parametrize("part", ["duties", "education_fields"])
def test_a_published_role_draft_may_be_incomplete_but_not_published(hr_client, role, part):
    url = role_change_url(role)
    page = hr_client.get(url)
    data = changeform_data(page)
    for form in inline_rows(page, part):
        if part == "duties":
            data[form.add_prefix("DELETE")] = "on"
        else:
            data.pop(form.add_prefix("preferred"), None)
    live = role.live_version

    response = hr_client.post(url, data)
    role.refresh_from_db()
    problems = publication_problems(role)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert role.live_version == live and role.is_published
    assert any(("tugas" if part == "duties" else "diutamakan") in p for p in problems), problems


def test_a_draft_role_may_be_incomplete(hr_client):
    role = make_role()

    response = post_role_page(hr_client, role, summary="Ringkasan baru.")
    role.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert role.summary == "Ringkasan baru."


def test_knockout_above_the_required_level_is_a_form_error(hr_client, role):
    trait = role.traits.first()
    url = reverse("admin:assessments_trait_change", args=[trait.pk])
    data = changeform_data(hr_client.get(url)) | {
        "required_level": 50,
        "knockout_below": 60,
        "knockout_reason": "Tanpa ini pekerjaan tidak berjalan.",
    }

    response = hr_client.post(url, data)
    trait.refresh_from_db()

    assert response.status_code == HTTPStatus.OK
    assert "batas gugur (60)" in str(response.context["adminform"].form.errors["knockout_below"])
    assert trait.knockout_below is None


@pytest.mark.parametrize("status", ["published", "draft"])
def test_a_new_trait_joins_the_draft_of_any_role(hr_client, status):
    role = make_complete_role(status=status)
    url = reverse("admin:assessments_trait_add")
    data = changeform_data(hr_client.get(url)) | {
        "role": role.pk,
        "key": "baru",
        "name": "Sifat baru",
        "description": "Deskripsi.",
        "why_it_matters": "Penting.",
        "how_to_develop": "Berlatih.",
        "required_level": 60,
    }

    response = hr_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert role.traits.filter(key="baru").exists()
    # Not measured by any item yet: the draft cannot be published like this.
    assert any("Sifat baru" in problem for problem in publication_problems(role))


def test_a_trait_stays_with_its_role(hr_client, role):
    trait = role.traits.first()
    url = reverse("admin:assessments_trait_change", args=[trait.pk])
    data = changeform_data(hr_client.get(url)) | {"role": make_role().pk}

    hr_client.post(url, data)
    trait.refresh_from_db()

    assert trait.role == role


def test_partial_threshold_above_fit_threshold_is_a_form_error(hr_client, role):
    response = post_role_page(hr_client, role, fit_threshold=70, partial_threshold=75)
    role.refresh_from_db()

    assert response.status_code == HTTPStatus.OK
    assert "partial_threshold" in response.context["adminform"].form.errors
    assert role.partial_threshold == 68


# --- Editing items ------------------------------------------------------------------------


def test_a_scenario_without_options_is_refused(hr_client, role):
    data = item_add_data(
        hr_client, role, kind=Item.Kind.SCENARIO, options=[], trait=role.traits.first().pk
    )

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert response.status_code == HTTPStatus.OK
    assert any("3 sampai 5 pilihan jawaban; sekarang 0" in e for e in errors_on_page(response))
    assert not role.items.filter(code="baru").exists()


def test_a_scenario_with_scored_options_is_saved(hr_client, role):
    options = [{"code": code, "text": f"Pilihan {code}.", "score": 3} for code in "ABC"]
    data = item_add_data(
        hr_client, role, kind=Item.Kind.SCENARIO, options=options, trait=role.traits.first().pk
    )

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert role.items.get(code="baru").options.count() == 3


def test_a_scenario_option_without_a_score_is_refused(hr_client, role):
    options = [{"code": "A", "text": "A.", "score": 3}, {"code": "B", "text": "B."}]
    data = item_add_data(
        hr_client, role, kind=Item.Kind.SCENARIO, options=options, trait=role.traits.first().pk
    )

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert any("pilihan B belum" in error for error in errors_on_page(response))
    assert not role.items.filter(code="baru").exists()


@pytest.mark.parametrize(
    ("direct_service", "saved"), [((True, True), False), ((False, True), True)]
)
def test_a_preference_needs_exactly_one_direct_service_option(
    hr_client, role, direct_service, saved
):
    options = [
        {"code": code, "text": f"Tugas {code}.", "direct_service": flag}
        for code, flag in zip("AB", direct_service, strict=True)
    ]
    data = item_add_data(hr_client, role, kind=Item.Kind.PREFERENCE, options=options)

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert role.items.filter(code="baru").exists() is saved
    if not saved:
        assert any("layanan langsung; sekarang 2" in e for e in errors_on_page(response))


def test_an_item_cannot_use_a_section_of_another_role(hr_client, role):
    other_role = make_role()
    other_section = make_section(other_role)
    data = item_add_data(
        hr_client,
        role,
        kind=Item.Kind.LIKERT,
        options=[],
        trait=role.traits.first().pk,
        section=other_section.pk,
    )

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    expected = f"milik jabatan “{other_role.title}”; pilih salah satu bagian jabatan “{role.title}”"
    assert any(expected in error for error in errors_on_page(response))
    assert not role.items.filter(code="baru").exists()


def test_moving_an_item_to_another_trait_changes_only_the_draft(hr_client, role):
    first_trait, second_trait = role.traits.all()
    item = first_trait.items.filter(kind=Item.Kind.LIKERT).first()
    url = reverse("admin:assessments_item_change", args=[item.pk])
    data = changeform_data(hr_client.get(url)) | {"trait": second_trait.pk}
    live = role.live_version.snapshot

    response = hr_client.post(url, data)
    item.refresh_from_db()
    role.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert item.trait == second_trait
    assert role.live_version.snapshot == live
    assert any(first_trait.name in problem for problem in publication_problems(role))


def test_deleting_an_item_changes_only_the_draft(hr_client, role):
    item = role.items.filter(kind=Item.Kind.LIKERT).first()
    url = reverse("admin:assessments_item_delete", args=[item.pk])
    live = role.live_version

    response = hr_client.post(url, {"post": "yes"})
    role.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND
    assert not Item.objects.filter(pk=item.pk).exists()
    assert role.live_version == live
    assert item.code in [i["code"] for i in live.snapshot["items"]]


# --- publication_problems -----------------------------------------------------------------


def test_a_complete_role_has_no_publication_problems():
    assert publication_problems(make_complete_role()) == []


def test_an_empty_role_lacks_duties_sections_traits_and_what_a_result_needs():
    problems = publication_problems(make_role())
    assert len(problems) == 6
    assert any("tugas" in problem for problem in problems)
    assert any("bagian" in problem for problem in problems)
    assert any("sifat" in problem for problem in problems)
    assert any("pertanyaan pendidikan" in problem for problem in problems)
    assert any("Miskonsepsi" in problem for problem in problems)
    assert any("poin perbandingan" in problem for problem in problems)


def test_an_unsaved_role_can_be_checked():
    assert len(publication_problems(Role(title="Baru", slug="baru"))) == 6


def break_thin_trait(role):
    role.traits.first().items.filter(kind=Item.Kind.LIKERT).first().delete()


def break_scenario_without_options(role):
    Option.objects.filter(item__role=role, item__kind=Item.Kind.SCENARIO).delete()


def break_unscored_option(role):
    Option.objects.filter(item__role=role, item__kind=Item.Kind.SCENARIO).update(score=None)


def break_six_options(role):
    scenario = role.items.get(kind=Item.Kind.SCENARIO)
    for _ in range(3):
        make_option(scenario, score=1)


def break_two_direct_service_options(role):
    Option.objects.filter(item__role=role, item__kind=Item.Kind.PREFERENCE).update(
        direct_service=True
    )


def break_third_preference_option(role):
    make_option(role.items.filter(kind=Item.Kind.PREFERENCE).first(), code="C")


def break_second_background(role):
    make_item(role, role.sections.last(), kind=Item.Kind.BACKGROUND)


def break_no_preferred_field(role):
    EducationField.objects.filter(role=role).update(preferred=False)


def break_no_duties(role):
    Duty.objects.filter(role=role).delete()


def break_foreign_section(role):
    role.items.filter(kind=Item.Kind.BELIEF).update(section=make_section(make_role()))


def break_foreign_trait(role):
    item = role.items.filter(kind=Item.Kind.LIKERT).last()
    Item.objects.filter(pk=item.pk).update(trait=make_trait(make_role()))


def break_likert_options(role):
    make_option(role.items.filter(kind=Item.Kind.LIKERT).first())


@pytest.mark.parametrize(
    ("break_role", "expected"),
    [
        (break_thin_trait, f"minimal {MIN_ITEMS_PER_TRAIT}"),
        (break_scenario_without_options, "3 sampai 5 pilihan jawaban; sekarang 0"),
        (break_unscored_option, "harus punya skor 0 sampai 4"),
        (break_six_options, "3 sampai 5 pilihan jawaban; sekarang 6"),
        (break_two_direct_service_options, "layanan langsung; sekarang 2"),
        (break_third_preference_option, "tepat dua pilihan (A dan B); sekarang 3"),
        (break_second_background, "hanya boleh punya satu butir latar belakang"),
        (break_no_preferred_field, "diutamakan"),
        (break_no_duties, "minimal satu tugas"),
        (break_foreign_section, "bagian “"),
        (break_foreign_trait, "sifat “"),
        (break_likert_options, "tidak memakai pilihan jawaban"),
    ],
)
def test_a_broken_role_has_publication_problems(break_role, expected):
    role = make_complete_role()
    break_role(role)
    problems = publication_problems(role)
    assert len(problems) >= 1
    assert any(expected in problem for problem in problems), problems


def test_a_belief_item_needs_its_belief_and_keyed_answer():
    role = make_complete_role()
    item = role.items.get(kind=Item.Kind.BELIEF)
    item.keyed_answer = ""
    assert any("jawaban yang benar" in problem for problem in item_problems(item))


def test_only_scored_items_measure_a_trait():
    role = make_complete_role()
    item = role.items.get(kind=Item.Kind.BACKGROUND)
    item.trait = role.traits.first()
    assert any("kosongkan sifatnya" in problem for problem in item_problems(item))


def test_knockout_above_the_required_level_is_a_publication_problem():
    role = make_complete_role()
    trait = role.traits.first()
    trait.required_level, trait.knockout_below = 50, 60
    problems = trait_problems([trait], role.items.all())
    assert problems == [
        f"Sifat “{trait.name}”: batas gugur (60) tidak boleh di atas level yang dibutuhkan (50)."
    ]


def test_a_trait_not_yet_saved_has_no_items():
    role = make_complete_role()
    problems = trait_problems([*role.traits.all(), Trait(name="Baru", required_level=50)], [])
    assert len(problems) == 3
    assert all("minimal 3" in problem for problem in problems)


def test_the_kesra_role_saves_unchanged_as_the_fixture_hr_group(
    fixture_hr_client, kesra_role, django_assert_max_num_queries
):
    client = fixture_hr_client
    url = role_change_url(kesra_role)

    # The role weighs its bank's traits: its draft is read with the bank's rows (whose
    # fingerprint the document names), the bank's traits are the choices of its role
    # traits, and the bank items it uses are listed.
    with django_assert_max_num_queries(28):
        page = client.get(url)
    response = client.post(url, changeform_data(page))
    kesra_role.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert kesra_role.status == Role.Status.PUBLISHED
    assert publication_problems(kesra_role) == []
    assert not drafts.draft_state(kesra_role).changed
