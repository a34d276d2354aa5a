"""HR works inside one role: dropdowns, filters and lists show that role's parts only, a
section's page lists and reorders its items, and a role never published can be deleted."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.models import Item, Role
from tests.factories import (
    make_assessment,
    make_complete_role,
    make_hr_user,
    make_item,
    make_role,
    make_section,
    make_trait,
)
from tests.test_admin import changeform_data, errors_on_page, item_add_data
from tests.test_history import edit_trait, revert

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_roles():
    """Two roles whose traits carry the same name, as a copied role's would."""
    role = make_complete_role()
    other = make_complete_role()
    for trait in other.traits.all():
        trait.name = role.traits.get(order=min(t.order for t in role.traits.all())).name
        trait.save()
    return role, other


def choices(response, field: str) -> dict[int, str]:
    form_field = response.context["adminform"].form.fields[field]
    return {int(value.value): label for value, label in form_field.choices if value}


def test_item_add_page_of_a_role_offers_only_its_traits_sections_and_beliefs(hr_client, two_roles):
    role, other = two_roles
    url = reverse("admin:assessments_item_add") + f"?role={role.pk}"

    response = hr_client.get(url)

    assert set(choices(response, "trait")) == set(role.traits.values_list("pk", flat=True))
    assert set(choices(response, "section")) == set(role.sections.values_list("pk", flat=True))
    assert set(choices(response, "belief")) == set(role.beliefs.values_list("pk", flat=True))
    assert set(choices(response, "role")) == {role.pk}
    assert f"Pilihan dari jabatan “{role.title}”" in response.content.decode()


def test_item_add_page_from_a_section_link_knows_role_section_and_next_place(hr_client):
    role = make_complete_role()
    section = role.sections.first()
    last = max(section.items.values_list("order", flat=True))
    url = reverse("admin:assessments_item_add") + f"?role={role.pk}&section={section.pk}"

    form = hr_client.get(url).context["adminform"].form

    assert int(form.initial["role"]) == role.pk
    assert int(form.initial["section"]) == section.pk
    assert form.initial["order"] == last + 1


def test_without_a_role_every_choice_names_its_role(hr_client, two_roles):
    role, other = two_roles

    labels = choices(hr_client.get(reverse("admin:assessments_item_add")), "trait")

    same_name = role.traits.order_by("order").first().name
    assert f"{same_name} — {role.title}" in labels.values()
    assert f"{same_name} — {other.title}" in labels.values()


def test_item_change_page_offers_its_own_roles_traits_and_keeps_the_role(hr_client, two_roles):
    role, other = two_roles
    item = role.items.filter(kind=Item.Kind.LIKERT).first()
    url = reverse("admin:assessments_item_change", args=[item.pk])

    response = hr_client.get(url)

    assert set(choices(response, "trait")) == set(role.traits.values_list("pk", flat=True))
    assert "role" not in response.context["adminform"].form.fields


def test_a_trait_of_another_role_is_refused_naming_both_roles(hr_client, two_roles):
    role, other = two_roles
    data = item_add_data(
        hr_client, role, kind=Item.Kind.LIKERT, options=[], trait=other.traits.first().pk
    )

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert response.status_code == HTTPStatus.OK
    errors = str(response.context["adminform"].form.non_field_errors())
    assert f"milik jabatan “{other.title}”" in errors
    assert f"pilih salah satu sifat jabatan “{role.title}”" in errors


def test_save_and_add_another_keeps_role_section_and_kind(hr_client):
    role = make_complete_role()
    section = role.sections.first()
    data = item_add_data(
        hr_client, role, kind=Item.Kind.LIKERT, options=[], trait=role.traits.first().pk
    ) | {"section": section.pk, "_addanother": "1"}

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    url = urlsplit(response.url)
    assert url.path == reverse("admin:assessments_item_add")
    query = parse_qs(url.query)
    assert query["role"] == [str(role.pk)]
    assert query["section"] == [str(section.pk)]
    assert query["kind"] == [Item.Kind.LIKERT]
    form = hr_client.get(response.url).context["adminform"].form
    assert int(form.initial["section"]) == section.pk
    assert form.initial["kind"] == Item.Kind.LIKERT


def test_item_list_filters_show_the_filtered_roles_sections_and_traits(hr_client, two_roles):
    role, other = two_roles
    url = reverse("admin:assessments_item_changelist") + f"?role__id__exact={role.pk}"

    response = hr_client.get(url)

    content = response.content.decode()
    for section in other.sections.all():
        assert f"section__id__exact={section.pk}" not in content
    for section in role.sections.all():
        assert f"section__id__exact={section.pk}" in content
    for trait in other.traits.all():
        assert f"trait__id__exact={trait.pk}" not in content
    # No editable order column: items are reordered on their section's page.
    assert 'name="form-0-order"' not in content


# --- A section's page --------------------------------------------------------------------


def section_url(section) -> str:
    return reverse("admin:assessments_section_change", args=[section.pk])


def move(client, section, item, direction):
    url = reverse("admin:assessments_section_move_item", args=[section.pk])
    return client.post(url, {"move": f"{item.pk}:{direction}"})


def test_section_page_lists_its_items_in_order_with_edit_and_add_links(
    hr_client, django_assert_max_num_queries
):
    role = make_complete_role()
    section = role.sections.first()
    items = list(section.items.order_by("order"))

    with django_assert_max_num_queries(20):
        response = hr_client.get(section_url(section))

    content = response.content.decode()
    links = [reverse("admin:assessments_item_change", args=[item.pk]) for item in items]
    positions = [content.index(link) for link in links]
    assert positions == sorted(positions)
    add_url = reverse("admin:assessments_item_add") + f"?role={role.pk}&amp;section={section.pk}"
    assert add_url in content
    # The move buttons are a plain form: no script needed.
    assert f'value="{items[1].pk}:up"' in content
    assert f'value="{items[0].pk}:up"' not in content
    assert f'value="{items[-1].pk}:down"' not in content


def test_moving_an_item_up_swaps_it_with_the_one_above_and_says_it_is_a_draft(hr_client):
    role = make_complete_role()
    section = role.sections.first()
    first, second, *rest = section.items.order_by("order")

    response = move(hr_client, section, second, "up")

    assert response.status_code == HTTPStatus.FOUND
    assert list(section.items.order_by("order"))[:2] == [second, first]
    # Only the two items that moved changed (and are recorded in the history).
    assert [item.order for item in rest] == [
        item.order for item in section.items.order_by("order")[2:]
    ]
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(f"{second.code} dipindah satu tempat ke atas" in text for text in texts)
    assert any("belum terlihat pengunjung" in text for text in texts)
    assert second.history.latest().history_change_reason


def test_moving_items_with_equal_numbers_renumbers_the_section(hr_client):
    role = make_role()
    section = make_section(role)
    trait = make_trait(role)
    items = [make_item(role, section, trait=trait, order=1) for _ in range(3)]

    move(hr_client, section, items[2], "up")

    assert list(section.items.order_by("order")) == [items[0], items[2], items[1]]
    assert sorted(section.items.values_list("order", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("move_value", ["", "x:up", "999999:up", "{first}:up", "{first}:left"])
def test_a_move_that_cannot_be_done_changes_nothing(hr_client, move_value):
    role = make_complete_role()
    section = role.sections.first()
    before = list(section.items.order_by("order").values_list("pk", "order"))
    first = before[0][0]
    url = reverse("admin:assessments_section_move_item", args=[section.pk])

    response = hr_client.post(url, {"move": move_value.format(first=first)})

    assert response.status_code == HTTPStatus.FOUND
    assert list(section.items.order_by("order").values_list("pk", "order")) == before


def test_moving_needs_a_post_and_the_right_to_change_items(client, hr_client):
    role = make_complete_role()
    section = role.sections.first()
    url = reverse("admin:assessments_section_move_item", args=[section.pk])
    assert hr_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED

    viewer = make_hr_user()
    viewer.groups.clear()
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_section", "view_item"])
    )
    client.force_login(viewer)
    item = section.items.order_by("order")[1]
    assert move(client, section, item, "up").status_code == HTTPStatus.FORBIDDEN


def test_role_page_links_each_section_and_trait_to_its_own_page(hr_client):
    role = make_complete_role()

    content = hr_client.get(reverse("admin:assessments_role_change", args=[role.pk])).content

    for section in role.sections.all():
        assert section_url(section).encode() in content
    for trait in role.traits.all():
        assert reverse("admin:assessments_trait_change", args=[trait.pk]).encode() in content


# --- Draft status in every edit message ----------------------------------------------------


def test_saving_a_trait_says_it_is_in_the_draft_and_not_yet_seen(hr_client):
    role = make_complete_role()
    trait = role.traits.first()
    url = reverse("admin:assessments_trait_change", args=[trait.pk])
    data = changeform_data(hr_client.get(url)) | {"name": "Nama baru"}

    response = hr_client.post(url, data, follow=True)

    content = response.content.decode()
    assert f"Tersimpan di draf jabatan “{role.title}”; belum terlihat pengunjung" in content
    assert reverse("admin:assessments_role_publish", args=[role.pk]) in content


# --- Deleting a role never published -------------------------------------------------------


def test_hr_can_delete_a_draft_role_that_was_never_published(hr_client):
    role = make_complete_role(status=Role.Status.DRAFT)
    url = reverse("admin:assessments_role_delete", args=[role.pk])

    assert hr_client.get(url).status_code == HTTPStatus.OK
    response = hr_client.post(url, {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not Item.objects.filter(role_id=role.pk).exists()


def test_hr_cannot_delete_a_draft_role_with_real_results(hr_client):
    role = make_complete_role()
    make_assessment(role)
    role.status = Role.Status.DRAFT
    role.save()
    url = reverse("admin:assessments_role_delete", args=[role.pk])

    assert hr_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_revert_from_the_history_says_it_still_needs_publishing(hr_client):
    role = make_complete_role()
    trait = role.traits.first()
    first = trait.history.earliest()
    edit_trait(hr_client, trait, name="Nama sementara")

    response = revert(hr_client, "trait", trait, first)

    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(
        f"Dikembalikan di draf jabatan “{role.title}”; belum terlihat pengunjung" in text
        for text in texts
    ), texts


# --- Plain errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"trait": ""}, "harus mengukur satu sifat"),
        ({"code": "L-DUPLICATE"}, "sudah punya butir dengan kode ini"),
    ],
)
def test_item_errors_are_plain_indonesian_naming_the_field(hr_client, fields, expected):
    role = make_complete_role()
    Item.objects.filter(pk=role.items.filter(kind=Item.Kind.LIKERT).first().pk).update(
        code="L-DUPLICATE"
    )
    data = item_add_data(
        hr_client, role, kind=Item.Kind.LIKERT, options=[], trait=role.traits.first().pk
    )
    data.update(fields)

    response = hr_client.post(reverse("admin:assessments_item_add"), data)

    errors = " ".join(errors_on_page(response))
    assert expected in errors
    assert "Batasan" not in errors and "dilanggar" not in errors
    assert not role.items.filter(code="baru").exists()


# --- Copying an item to another role's draft --------------------------------------------------


def copy_url(item) -> str:
    return reverse("admin:assessments_item_copy", args=[item.pk])


def test_an_item_is_copied_with_its_options_into_another_roles_draft(hr_client, two_roles):
    role, other = two_roles
    scenario = role.items.get(kind=Item.Kind.SCENARIO)
    other_trait = other.traits.create(
        key=scenario.trait.key,
        name=scenario.trait.name,
        description="D.",
        why_it_matters="W.",
        how_to_develop="H.",
        required_level=60,
    )
    section = other.sections.order_by("order").first()
    page = hr_client.get(copy_url(scenario))
    offered = {int(v.value) for v, _label in page.context["form"].fields["section"].choices if v}
    assert offered == set(other.sections.values_list("pk", flat=True))

    response = hr_client.post(copy_url(scenario), {"section": section.pk, "code": "S-COPY"})

    copy = other.items.get(code="S-COPY")
    assert response.status_code == HTTPStatus.FOUND
    assert copy.trait == other_trait and copy.section == section
    assert [(o.code, o.text, o.score) for o in copy.options.all()] == [
        (o.code, o.text, o.score) for o in scenario.options.all()
    ]
    assert copy.order == max(section.items.values_list("order", flat=True))
    assert role.items.filter(pk=scenario.pk).exists()


def test_a_copy_needs_the_same_trait_key_and_a_free_code(hr_client, two_roles):
    role, other = two_roles
    item = role.items.filter(kind=Item.Kind.LIKERT).first()
    taken = other.items.first().code
    section = other.sections.first()

    response = hr_client.post(copy_url(item), {"section": section.pk, "code": taken})

    errors = str(response.context["form"].errors)
    assert f"sudah punya butir {taken}" in errors
    assert f"tidak punya sifat dengan kunci “{item.trait.key}”" in errors
    assert not other.items.filter(text=item.text).exists()


def test_a_dragged_order_is_saved_whole_and_a_wrong_one_refused(hr_client):
    role = make_complete_role()
    section = role.sections.order_by("order").first()
    items = list(section.items.order_by("order"))
    url = reverse("admin:assessments_section_reorder_items", args=[section.pk])
    wanted = [items[-1], *items[:-1]]

    refused = hr_client.post(url, {"order": ",".join(str(i.pk) for i in items[1:])})
    assert list(section.items.order_by("order")) == items
    assert any("tidak cocok" in str(m) for m in get_messages(refused.wsgi_request))

    hr_client.post(url, {"order": ",".join(str(item.pk) for item in wanted)})
    assert list(section.items.order_by("order")) == wanted
    assert hr_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_section_page_carries_the_drag_script_and_the_order_address(hr_client):
    role = make_complete_role()
    section = role.sections.order_by("order").first()

    content = hr_client.get(section_url(section)).content.decode()

    assert "js/section-items.js" in content
    url = reverse("admin:assessments_section_reorder_items", args=[section.pk])
    assert f'data-reorder-url="{url}"' in content
