"""The HR admin of an item bank and of a role that uses one.

A bank's page edits its traits and sections; a role's page edits its own parts and, per
bank trait it weighs, the role trait (weight, level, knockout, why it matters), and lists
the bank items it asks. Items of a role that uses a bank are written into the bank.
"""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments import drafts
from assessments.models import Belief, Item, Role, RoleTrait
from tests.factories import make_complete_role, make_role
from tests.test_admin import changeform_data, errors_on_page, inline_rows, item_add_data

pytestmark = pytest.mark.django_db


def role_url(role):
    return reverse("admin:assessments_role_change", args=[role.pk])


def inline_prefixes(response) -> list[str]:
    return [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]


def shown_fields(response) -> set[str]:
    return {
        name
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        for name in [field.field["name"] if isinstance(field.field, dict) else field.field.name]
    }


def test_the_bank_page_edits_its_traits_and_sections_only(hr_client, kesra_role):
    response = hr_client.get(role_url(kesra_role.bank))

    assert response.status_code == HTTPStatus.OK
    assert inline_prefixes(response) == ["traits", "sections"]
    assert shown_fields(response) == {"title", "title_en", "slug", "summary", "summary_en"}
    # The Kabag Kesra's nine, and the case work the pekerja sosial weighs.
    assert len(inline_rows(response, "traits")) == 10
    assert len(inline_rows(response, "sections")) == 11
    # No publishing, preview or results of its own: it names the roles whose drafts it is
    # in, and its own page says what its changes do to each of them.
    content = response.content.decode()
    for role in kesra_role.bank.roles.all():
        publish = reverse("admin:assessments_role_publish", args=[role.pk])
        assert f'href="{publish}"' in content and role.title in content
    bank_page = reverse("admin:assessments_role_publish", args=[kesra_role.bank.pk])
    assert f'href="{bank_page}">Dampak pada jabatan<' in content


def test_the_role_page_weighs_the_banks_traits_and_lists_the_items_it_uses(hr_client, kesra_role):
    response = hr_client.get(role_url(kesra_role))
    content = response.content.decode()

    assert inline_prefixes(response) == [
        "duties",
        "role_traits",
        "education_fields",
        "beliefs",
        "comparison_points",
    ]
    rows = inline_rows(response, "role_traits")
    assert [row.instance.key for row in rows] == list(
        kesra_role.bank.traits.filter(role_traits__role=kesra_role).values_list("key", flat=True)
    )
    # The trait is chosen among the bank's, each by its name.
    field = rows[0].fields["trait"]
    assert set(field.queryset) == set(kesra_role.bank.traits.all())
    assert "Pilihan dari bank butir" in field.help_text
    # The bank items it asks, by trait, each linked to its page.
    empati = kesra_role.bank.items.filter(trait__key="empati").order_by("pk").first()
    assert "Empati (bobot 4)" in content
    assert reverse("admin:assessments_item_change", args=[empati.pk]) in content
    assert "Tidak mengukur sifat" in content
    # Published from this bank: the bank stays, shown but not editable.
    assert "bank" not in response.context["adminform"].form.fields
    assert "kind" not in response.context["adminform"].form.fields


def test_a_role_trait_knockout_above_its_level_is_refused(hr_client, kesra_role):
    page = hr_client.get(role_url(kesra_role))
    [row] = [form for form in inline_rows(page, "role_traits") if form.instance.key == "empati"]
    data = changeform_data(page) | {
        row.add_prefix("required_level"): 60,
        row.add_prefix("knockout_below"): 70,
    }

    response = hr_client.post(role_url(kesra_role), data)

    assert response.status_code == HTTPStatus.OK
    assert any("tidak boleh di atas level" in error for error in errors_on_page(response))
    assert RoleTrait.objects.get(pk=row.instance.pk).required_level == 75


def test_a_role_weighs_one_more_bank_trait_on_its_page(hr_client, kesra_role):
    bank = kesra_role.bank
    # Case work, which only the pekerja sosial weighs so far.
    added = bank.traits.get(key="pendampingan_kasus")
    page = hr_client.get(role_url(kesra_role))
    data = changeform_data(page)
    count = int(data["role_traits-TOTAL_FORMS"])
    data |= {
        "role_traits-TOTAL_FORMS": count + 1,
        f"role_traits-{count}-trait": added.pk,
        f"role_traits-{count}-order": 99,
        f"role_traits-{count}-weight": 2,
        f"role_traits-{count}-required_level": 60,
        f"role_traits-{count}-why_it_matters": "Mengapa penting bagi jabatan ini.",
        f"role_traits-{count}-why_it_matters_en": "Why it matters for this role.",
    }

    response = hr_client.post(role_url(kesra_role), data)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert kesra_role.role_traits.get(trait=added).weight == 2
    assert drafts.draft_state(kesra_role).changed


def test_a_trait_of_another_role_cannot_be_weighed(hr_client, kesra_role):
    other = make_complete_role()
    page = hr_client.get(role_url(kesra_role))
    data = changeform_data(page)
    [row] = [form for form in inline_rows(page, "role_traits") if form.instance.key == "empati"]
    data[row.add_prefix("trait")] = other.traits.first().pk

    response = hr_client.post(role_url(kesra_role), data)

    assert response.status_code == HTTPStatus.OK
    assert errors_on_page(response)


def test_the_role_list_shows_and_filters_the_kind(hr_client, kesra_role):
    url = reverse("admin:assessments_role_changelist")

    listed = hr_client.get(url)
    banks = hr_client.get(url, {"kind__exact": Role.Kind.BANK})

    assert "Bank butir" in listed.content.decode()
    assert list(banks.context["cl"].result_list) == [kesra_role.bank]


def test_a_bank_is_offered_only_to_a_role_with_no_questionnaire_of_its_own(hr_client, kesra_role):
    own = make_complete_role(status=Role.Status.DRAFT)
    empty = make_role()
    page = hr_client.get(role_url(own))
    assert set(page.context["adminform"].form.fields["bank"].queryset) == {kesra_role.bank}

    refused = hr_client.post(role_url(own), changeform_data(page) | {"bank": kesra_role.bank.pk})
    empty_page = hr_client.get(role_url(empty))
    taken = hr_client.post(
        role_url(empty), changeform_data(empty_page) | {"bank": kesra_role.bank.pk}
    )

    assert refused.status_code == HTTPStatus.OK
    assert any("dipindah ke bank butir dulu" in error for error in errors_on_page(refused))
    assert taken.status_code == HTTPStatus.FOUND, errors_on_page(taken)
    empty.refresh_from_db()
    assert empty.bank == kesra_role.bank
    # Its page now weighs the bank's traits instead of holding its own.
    assert "role_traits" in inline_prefixes(hr_client.get(role_url(empty)))


def test_an_item_added_from_the_role_goes_into_its_bank(hr_client, kesra_role):
    bank = kesra_role.bank
    url = reverse("admin:assessments_item_add") + f"?role={kesra_role.pk}"

    page = hr_client.get(url)
    fields = page.context["adminform"].form.fields

    assert set(fields["role"].queryset) == {bank}
    assert set(fields["trait"].queryset) == set(bank.traits.all())
    assert set(fields["section"].queryset) == set(bank.sections.all())
    # A belief check of the bank tests a belief of one of the roles that use it.
    assert set(fields["belief"].queryset) == set(Belief.objects.filter(role__in=bank.roles.all()))
    data = item_add_data(
        hr_client, bank, kind=Item.Kind.LIKERT, options=[], trait=bank.traits.first().pk
    )
    response = hr_client.post(reverse("admin:assessments_item_add"), data, follow=True)
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))

    assert bank.items.filter(code="baru").exists()
    assert "bank butir" in messages and kesra_role.title in messages
    assert drafts.draft_state(kesra_role).changed


def test_a_banks_trait_is_edited_without_what_it_means_for_a_role(hr_client, kesra_role):
    bank = kesra_role.bank
    trait = bank.traits.get(key="empati")
    trait_page = hr_client.get(reverse("admin:assessments_trait_change", args=[trait.pk]))
    bank_page = hr_client.get(role_url(bank))
    assert "weight" not in trait_page.context["adminform"].form.fields
    assert "why_it_matters" not in trait_page.context["adminform"].form.fields
    assert "weight" not in inline_rows(bank_page, "traits")[0].fields

    data = changeform_data(bank_page)
    count = int(data["traits-TOTAL_FORMS"])
    data |= {
        "traits-TOTAL_FORMS": count + 1,
        f"traits-{count}-name": "Advokasi",
        f"traits-{count}-name_en": "Advocacy",
        f"traits-{count}-key": "advokasi",
        f"traits-{count}-order": 11,
        f"traits-{count}-description": "Memperjuangkan hak orang yang didampingi.",
        f"traits-{count}-description_en": "Standing up for the rights of the people supported.",
        f"traits-{count}-how_to_develop": "Ikut mendampingi warga mengurus haknya.",
        f"traits-{count}-how_to_develop_en": "Help residents claim their rights.",
    }
    response = hr_client.post(role_url(bank), data)

    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    assert bank.traits.filter(key="advokasi").exists()
    # Weighed by no role yet: the roles' drafts are as they were.
    for role in bank.roles.all():
        assert not drafts.draft_state(role).changed
