"""Edit history in the HR admin, reverting an edit, and the version of a published profile."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import drafts, scoring
from assessments.drafts import import_profile
from assessments.files.profiles import export_profile
from assessments.history import profile_rows
from assessments.models import Assessment, ItemSum, Option, RoleTrait, Trait
from assessments.publishing import publish
from assessments.services import complete_assessment, start_assessment
from assessments.snapshots import build_snapshot
from tests.answers import answers_for
from tests.factories import make_complete_role
from tests.test_admin import changeform_data, errors_on_page, form_data, inline_rows

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30


def role_url(role):
    return reverse("admin:assessments_role_change", args=[role.pk])


def save_role_page(client, role, *, trait_name=None, **changes):
    """Post the role page as served, with ``changes`` to the role and maybe a trait's name."""
    page = client.get(role_url(role))
    data = changeform_data(page) | changes
    if trait_name is not None:
        trait_form = inline_rows(page, "traits")[0]
        data[trait_form.add_prefix("name")] = trait_name
    response = client.post(role_url(role), data)
    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    role.refresh_from_db()
    return response


def edit_trait(client, trait, **changes):
    url = reverse("admin:assessments_trait_change", args=[trait.pk])
    data = changeform_data(client.get(url)) | changes
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    trait.refresh_from_db()


def revert(client, model_name, obj, record, max_queries=MAX_QUERIES):
    """Post the admin's revert page of ``record`` as served."""
    url = reverse(f"admin:assessments_{model_name}_simple_history", args=[obj.pk, record.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert len(queries) <= max_queries, len(queries)
    assert page.status_code == HTTPStatus.OK
    return client.post(url, form_data(page.context["adminform"].form))


# --- Who changed what ---------------------------------------------------------------------


def test_an_hr_edit_of_a_trait_is_recorded_with_the_user(hr_client, hr_user):
    role = make_complete_role()
    trait = role.traits.first()

    edit_trait(hr_client, trait, description="Mampu memahami warga tanpa larut.")

    record = trait.history.latest()
    assert record.history_user == hr_user
    assert record.history_type == "~"
    previous = record.prev_record
    changes = {change.field for change in record.diff_against(previous).changes}
    assert changes == {"description"}


def test_hr_user_reverts_an_edit_through_the_history_page(
    hr_client, hr_user, django_assert_max_num_queries
):
    role = make_complete_role()
    trait = role.traits.first()
    edit_trait(hr_client, trait, why_it_matters="Teks pertama.")
    first = trait.history.latest()
    edit_trait(hr_client, trait, why_it_matters="Teks yang salah.")

    with django_assert_max_num_queries(MAX_QUERIES):
        history = hr_client.get(reverse("admin:assessments_trait_history", args=[trait.pk]))
    response = revert(hr_client, "trait", trait, first)
    trait.refresh_from_db()

    assert history.status_code == HTTPStatus.OK
    assert "Teks yang salah." in history.content.decode()
    assert not re.search(r"\sstyle=", history.content.decode())
    assert response.status_code == HTTPStatus.FOUND
    assert trait.why_it_matters == "Teks pertama."
    assert trait.history.latest().history_user == hr_user


def test_an_option_edited_inline_can_be_reverted_from_its_own_history(hr_client):
    role = make_complete_role()
    option = Option.objects.filter(item__role=role, item__kind="scenario").first()
    original = option.text
    option.text = "Pilihan yang diubah."
    option.save()

    response = revert(hr_client, "option", option, option.history.earliest())
    option.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND
    assert option.text == original


def test_the_profile_history_lists_edits_of_every_part(
    hr_client, hr_user, django_assert_max_num_queries
):
    role = make_complete_role()
    save_role_page(hr_client, role, trait_name="Empati yang terarah", summary="Baru.")
    url = reverse("admin:assessments_role_profile_history", args=[role.pk])

    with django_assert_max_num_queries(MAX_QUERIES):
        response = hr_client.get(url)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Empati yang terarah" in content and "Baru." in content
    assert hr_user.username in content
    trait = role.traits.get(name="Empati yang terarah")
    assert reverse("admin:assessments_trait_history", args=[trait.pk]) in content
    assert not re.search(r"\sstyle=", content)


def test_assessments_and_their_scores_have_no_history():
    assert not hasattr(Assessment, "history")
    assert not hasattr(ItemSum, "history")


# --- Baselines, reasons, versions ----------------------------------------------------------


def edit_role_trait(client, role, key, **changes):
    """Change what the bank's trait ``key`` means for ``role``, on the role's page."""
    page = client.get(role_url(role))
    [row] = [form for form in inline_rows(page, "role_traits") if form.instance.key == key]
    data = changeform_data(page) | {row.add_prefix(name): value for name, value in changes.items()}
    response = client.post(role_url(role), data)
    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)
    return row.instance


def test_the_first_edit_of_a_fixture_row_can_be_undone(hr_client, kesra_role):
    role_trait = kesra_role.role_traits.get(trait__key="empati")
    original = role_trait.why_it_matters

    edit_role_trait(hr_client, kesra_role, "empati", why_it_matters="Teks baru.")
    latest = role_trait.history.latest()
    changes = {change.field for change in latest.diff_against(latest.prev_record).changes}
    revert(hr_client, "roletrait", role_trait, role_trait.history.earliest())
    role_trait.refresh_from_db()

    assert changes == {"why_it_matters"}
    assert role_trait.why_it_matters == original
    assert role_trait.history.earliest().history_change_reason.startswith("Catatan awal")


def test_the_first_edit_of_a_bank_row_can_be_undone(hr_client, kesra_role):
    trait = kesra_role.bank.traits.get(key="empati")
    original = trait.description

    edit_trait(hr_client, trait, description="Teks baru.")
    revert(hr_client, "trait", trait, trait.history.earliest())
    trait.refresh_from_db()

    assert trait.description == original
    assert trait.history.earliest().history_change_reason.startswith("Catatan awal")
    assert not drafts.draft_state(kesra_role).changed


def test_the_profile_history_of_a_role_lists_the_edits_of_its_bank(hr_client, kesra_role):
    trait = kesra_role.bank.traits.get(key="empati")
    edit_trait(hr_client, trait, description="Teks baru.")
    edit_role_trait(hr_client, kesra_role, "komunikasi", why_it_matters="Alasan baru.")

    url = reverse("admin:assessments_role_profile_history", args=[kesra_role.pk])
    changes = hr_client.get(url).context["changes"]

    edited = {(change.model_name, change.part) for change in changes if change.kind == "diubah"}
    assert ("sifat yang dibutuhkan", "Empati") in edited
    assert ("sifat yang dibutuhkan", "Komunikasi dengan berbagai pihak") in edited


def test_every_fixture_row_has_a_baseline_record(kesra_role):
    for model, objects in profile_rows(kesra_role):
        recorded = set(model.history.values_list("id", flat=True))
        assert {obj.pk for obj in objects} <= recorded, model.__name__


def test_an_import_leaves_a_created_record_for_every_row(kesra_role):
    data = export_profile(kesra_role)
    role = import_profile(data, slug="salinan", as_draft=True)

    rows = profile_rows(role)
    # An imported role holds its own questionnaire: it weighs no bank's traits.
    assert {model for model, objects in rows if not objects} == {RoleTrait}
    for model, objects in rows:
        if not objects:
            continue
        records = model.history.filter(id__in=[obj.pk for obj in objects], history_type="+")
        assert records.count() == len(objects), model.__name__
        assert set(records.values_list("history_change_reason", flat=True)) == {
            "Diimpor dari berkas profil"
        }


def test_history_pages_show_reason_version_and_headers_in_the_admin_language(hr_client, kesra_role):
    role_trait = edit_role_trait(hr_client, kesra_role, "empati", weight=5)
    url = reverse("admin:assessments_roletrait_history", args=[role_trait.pk])

    indonesian = hr_client.get(url).content.decode()
    hr_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = hr_client.get(url)

    assert "Diubah di admin" in indonesian
    assert "Catatan awal" in indonesian
    assert "versi 1" in indonesian
    assert ">None<" not in indonesian and "Change reason" not in indonesian
    assert "Alasan" in indonesian and "Versi yang tayang saat itu" in indonesian
    assert english.status_code == HTTPStatus.OK
    for header in ("Object", "Time", "Kind", "By", "Reason", "Live version then", "Fields changed"):
        assert f">{header}</th>" in english.content.decode()


def test_a_revert_says_when_it_goes_back_to(hr_client):
    role = make_complete_role()
    trait = role.traits.first()
    edit_trait(hr_client, trait, required_level=70)

    revert(hr_client, "trait", trait, trait.history.earliest())

    assert trait.history.latest().history_change_reason.startswith("Dikembalikan ke keadaan")


def test_edits_go_to_the_draft_and_never_raise_the_version(hr_client):
    role = make_complete_role()
    live = role.live_version

    for level in (61, 62, 63, 64, 65, 66):
        edit_trait(hr_client, role.traits.first(), required_level=level)
    save_role_page(hr_client, role, trait_name="Empati yang terarah", summary="Baru.")
    role.refresh_from_db()

    assert (role.version, role.live_version) == (1, live)
    assert role.live_version.snapshot["summary"] == "Ringkasan jabatan."


def test_reverting_an_edit_changes_the_draft_only(hr_client):
    role = make_complete_role()
    trait = role.traits.first()
    edit_trait(hr_client, trait, required_level=70)

    revert(hr_client, "trait", trait, trait.history.earliest())
    role.refresh_from_db()
    trait.refresh_from_db()

    assert trait.required_level == 60
    assert role.version == 1
    assert not drafts.draft_state(role).changed


def test_reverting_a_role_never_rewinds_its_version(hr_client):
    role = make_complete_role()
    first = role.history.earliest()
    save_role_page(hr_client, role, summary="Ringkasan kedua.")
    publish(role)
    role.refresh_from_db()
    assert role.version == 2

    revert(hr_client, "role", role, first)
    role.refresh_from_db()

    assert role.summary == "Ringkasan jabatan."
    assert role.version == 2 and role.is_published


def test_the_version_cannot_be_typed_in(hr_client):
    role = make_complete_role()
    page = hr_client.get(role_url(role))

    assert "version" not in page.context["adminform"].form.fields
    hr_client.post(role_url(role), changeform_data(page) | {"version": 9})
    role.refresh_from_db()
    assert role.version == 1


def test_an_old_assessment_keeps_the_version_it_was_scored_against(hr_client):
    role = make_complete_role()
    old = start_assessment(role=role, language="id", consent_version="test")

    edit_trait(hr_client, role.traits.first(), required_level=75)
    publish(role)
    role.refresh_from_db()
    new = start_assessment(role=role, language="id", consent_version="test")
    old = complete_assessment(old, answers_for(old.snapshot, level="middle"))

    assert role.version == 2
    assert (old.role_version, new.role_version) == (1, 2)
    assert old.snapshot["version"] == 1
    first_trait = scoring.result_from_dict(old.result).traits[0]
    assert first_trait.required_level == 60
    assert set(ItemSum.objects.filter(role=role).values_list("role_version", flat=True)) == {1}
    assert build_snapshot(role)["traits"][0]["required_level"] == 75


def test_a_trait_saved_unchanged_keeps_the_version(hr_client):
    role = make_complete_role()
    trait = role.traits.first()
    edit_trait(hr_client, trait)
    role.refresh_from_db()

    assert role.version == 1
    assert Trait.objects.get(pk=trait.pk).history.count() == 2
