"""Draft, then publish: an HR user stages a change, sees its impact, previews it as a
candidate, publishes it as the next version, or discards it; visitors see only the live
version meanwhile."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import drafts, history
from assessments.insights import impact
from assessments.models import (
    Assessment,
    Item,
    Option,
    ProfileVersion,
    Role,
    RoleTrait,
    Trait,
)
from assessments.publishing import (
    PublicationRefused,
    publication_problems,
    publish,
    translation_problems,
    withdraw,
)
from assessments.services import complete_assessment, start_assessment
from assessments.snapshots import build_snapshot, profile_from_snapshot, role_fingerprint
from assessments.verdicts import VERDICT_TEXTS
from tests.answers import answers_for, near_the_top
from tests.factories import make_complete_role, make_item, make_role, make_trait
from tests.test_admin import changeform_data, errors_on_page, inline_rows

pytestmark = pytest.mark.django_db

# +1: the comparison points counted for the completeness check. +5: the role weighs its item
# bank's traits: the draft, read twice (its state and its document), reads the role traits
# and the bank beside the role's own rows, and the role traits' English is checked too.
PAGE_QUERIES = 46


def publish_url(role):
    return reverse("admin:assessments_role_publish", args=[role.pk])


def edit_trait(client, trait, **changes):
    url = reverse("admin:assessments_trait_change", args=[trait.pk])
    response = client.post(url, changeform_data(client.get(url)) | changes)
    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)


def edit_role_trait(client, role, key, **changes):
    """Change what the bank's trait ``key`` means for ``role`` (its weight, level, ...), on
    the role's page, as HR does."""
    url = reverse("admin:assessments_role_change", args=[role.pk])
    page = client.get(url)
    [row] = [form for form in inline_rows(page, "role_traits") if form.instance.key == key]
    data = changeform_data(page) | {row.add_prefix(name): value for name, value in changes.items()}
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, errors_on_page(response)


def bank_trait(role, key):
    return role.bank.traits.get(key=key)


def completed(role, level, **kwargs):
    assessment = start_assessment(role=role, language="id", consent_version="test")
    if level == "near_the_top":
        answers = near_the_top(assessment.snapshot)
    else:
        answers = answers_for(assessment.snapshot, level=level, **kwargs)
    return complete_assessment(assessment, answers)


# --- Publishing ---------------------------------------------------------------------------


def test_hr_stages_a_change_and_publishes_it_as_the_next_version(hr_client, kesra_role):
    original = kesra_role.role_traits.get(trait__key="empati").weight
    new_weight = 1 if original != 1 else 2
    for weight in (1, 2, 3, 4, 5, new_weight):
        edit_role_trait(hr_client, kesra_role, "empati", weight=weight)
    kesra_role.refresh_from_db()
    live_traits = kesra_role.live_version.snapshot["traits"]
    assert kesra_role.version == 1
    assert next(t for t in live_traits if t["key"] == "empati")["weight"] == original

    page = hr_client.get(publish_url(kesra_role))
    response = hr_client.post(
        publish_url(kesra_role), {"action": "publish", "confirmed": "yes"}, follow=True
    )
    kesra_role.refresh_from_db()

    assert page.status_code == HTTPStatus.OK
    assert "Terbitkan sebagai versi 2" in page.content.decode()
    assert any("bobot" in change for change in page.context["changes"])
    assert "Versi 2 diterbitkan." in [str(m) for m in response.context["messages"]]
    assert (kesra_role.version, kesra_role.live_version.number) == (2, 2)
    assert kesra_role.live_version.fingerprint == role_fingerprint(kesra_role)
    assert not drafts.draft_state(kesra_role).changed
    record = kesra_role.history.latest()
    assert record.history_change_reason == "Versi 2 diterbitkan"


def test_a_never_published_role_at_version_3_is_offered_and_published_as_version_3(hr_client):
    """One rule for the next number: the publish page and publishing agree."""
    role = make_complete_role(status=Role.Status.DRAFT)
    Role.objects.filter(pk=role.pk).update(version=3)
    role.refresh_from_db()

    page = hr_client.get(publish_url(role))
    hr_client.post(publish_url(role), {"action": "publish", "confirmed": "yes"})
    role.refresh_from_db()

    assert drafts.draft_state(role).next_number == 4
    assert "Terbitkan sebagai versi 3" in page.content.decode()
    assert "Terbitkan sebagai versi 1" not in page.content.decode()
    assert (role.version, role.live_version.number) == (3, 3)


def test_visitors_see_the_live_version_while_the_draft_changes(client, hr_user, kesra_role):
    live_title = kesra_role.title
    role_url = kesra_role.get_absolute_url()
    Role.objects.filter(pk=kesra_role.pk).update(summary="Ringkasan draf.")
    RoleTrait.objects.filter(role=kesra_role, trait__key="empati").update(weight=1)

    response = client.get(role_url)
    assessment = start_assessment(role=kesra_role, language="id", consent_version="test")

    assert response.context["profile"]["title"] == live_title
    assert response.context["profile"]["summary"] != "Ringkasan draf."
    assert assessment.profile_version_id == kesra_role.live_version_id
    assert next(t for t in assessment.snapshot["traits"] if t["key"] == "empati")["weight"] != 1


def test_the_publish_page_loads_for_hr_within_a_query_budget(
    hr_client, kesra_role, django_assert_max_num_queries
):
    for level in ("best", "worst", "middle"):
        completed(kesra_role, level)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = hr_client.get(publish_url(kesra_role))
    assert response.status_code == HTTPStatus.OK
    assert response.context["impact"].compared == 3


def test_publishing_lists_every_problem_and_missing_english_text(hr_client):
    role = make_complete_role(status=Role.Status.DRAFT)
    thin = role.traits.last()
    thin.items.first().delete()
    option = Option.objects.filter(item__role=role, item__kind=Item.Kind.SCENARIO).first()
    Option.objects.filter(pk=option.pk).update(text_en="")

    page = hr_client.get(publish_url(role))
    response = hr_client.post(
        publish_url(role), {"action": "publish", "confirmed": "yes"}, follow=True
    )
    role.refresh_from_db()

    content = page.content.decode()
    assert "baru diukur oleh 2 butir" in content
    assert f"pilihan {option.code}" in content and "belum ada terjemahan" in content
    assert 'id="publish-button"' not in content
    assert role.status == Role.Status.DRAFT and role.live_version is None
    assert any("belum ada terjemahan" in str(m) for m in response.context["messages"])


def test_a_scenario_option_without_english_is_a_warning_when_saved(hr_client):
    role = make_complete_role()
    item = role.items.get(kind=Item.Kind.SCENARIO)
    url = reverse("admin:assessments_item_change", args=[item.pk])
    page = hr_client.get(url)
    data = changeform_data(page) | {"options-0-text_en": ""}

    response = hr_client.post(url, data, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("bahasa Inggris belum lengkap" in m and "pilihan A" in m for m in messages)
    assert any(f"Butir {item.code}, pilihan A" in p for p in translation_problems(role))


def test_a_complete_draft_role_is_published_as_version_1(hr_client):
    role = make_complete_role(status=Role.Status.DRAFT)

    hr_client.post(publish_url(role), {"action": "publish", "confirmed": "yes"})
    role.refresh_from_db()

    assert role.is_published and role.version == 1 and not role.live_version.is_draft


def test_publishing_unchanged_content_is_refused():
    role = make_complete_role()
    with pytest.raises(PublicationRefused, match="Tidak ada perubahan"):
        publish(role)


def test_a_withdrawn_role_is_shown_again_with_its_version(hr_client):
    role = make_complete_role()
    live = role.live_version

    hr_client.post(publish_url(role), {"action": "withdraw"})
    hidden = Client().get(role.get_absolute_url())
    hr_client.post(publish_url(role), {"action": "publish", "confirmed": "yes"})
    role.refresh_from_db()

    assert hidden.status_code == HTTPStatus.NOT_FOUND
    assert role.is_published and role.live_version == live and role.version == 1


def test_content_tried_out_as_a_draft_becomes_the_published_version():
    role = make_complete_role(status=Role.Status.DRAFT)
    tried = start_assessment(role=role, language="id", consent_version="test")
    assert tried.on_draft and tried.profile_version.is_draft

    version = publish(role)

    assert version.pk == tried.profile_version_id and not version.is_draft


# --- Discarding ---------------------------------------------------------------------------


def test_discarding_restores_the_live_version_in_place(hr_client, kesra_role):
    bank = kesra_role.bank
    trait = bank_trait(kesra_role, "empati")
    role_trait = kesra_role.role_traits.get(trait=trait)
    before = build_snapshot(kesra_role)
    item_pks = set(bank.items.values_list("pk", flat=True))
    edit_role_trait(hr_client, kesra_role, "empati", weight=1)
    edit_trait(hr_client, trait, name="Empati yang diubah")
    extra = make_item(bank, bank.sections.first(), code="baru", trait=trait)
    Item.objects.filter(pk=bank.items.get(code="L02").pk).delete()

    response = hr_client.post(
        publish_url(kesra_role), {"action": "discard", "confirmed": "yes"}, follow=True
    )
    kesra_role.refresh_from_db()
    trait.refresh_from_db()
    role_trait.refresh_from_db()

    assert "Draf dibuang" in " ".join(str(m) for m in response.context["messages"])
    assert not drafts.draft_state(kesra_role).changed
    assert role_fingerprint(kesra_role) == kesra_role.live_version.fingerprint
    assert build_snapshot(kesra_role)["traits"] == before["traits"]
    assert not Item.objects.filter(pk=extra.pk).exists()
    # Rows that were there all along keep their ids (and history); the deleted one is back.
    assert item_pks - set(bank.items.values_list("pk", flat=True)) == {
        pk for pk in item_pks if not Item.objects.filter(pk=pk).exists()
    }
    assert bank.items.filter(code="L02").exists()
    # The bank's trait and the role's weighing of it, each back with its own record.
    assert trait.name == "Empati"
    assert trait.history.latest().history_change_reason == "Draf dibuang: kembali ke versi 1"
    assert role_trait.weight == before["traits"][0]["weight"]
    assert role_trait.history.latest().history_change_reason == "Draf dibuang: kembali ke versi 1"


def test_a_discard_touches_only_the_rows_that_changed(kesra_role):
    RoleTrait.objects.filter(role=kesra_role, trait__key="empati").update(weight=1)
    counts = {model: model.history.count() for model, _rows in history.profile_rows(kesra_role)}

    drafts.discard_draft(kesra_role)

    after = {model: model.history.count() for model, _rows in history.profile_rows(kesra_role)}
    assert after[RoleTrait] == counts[RoleTrait] + 1
    assert all(after[model] == counts[model] for model in counts if model is not RoleTrait)


# --- Impact -------------------------------------------------------------------------------


def test_the_impact_table_counts_the_verdicts_a_threshold_change_flips(hr_client):
    role = make_complete_role()
    best = completed(role, "best")
    middle = [completed(role, "near_the_top") for _ in range(2)]
    before = middle[0].verdict
    assert best.verdict == "cocok" and before not in ("kurang_cocok", "tidak_dapat_disimpulkan")
    # Every trait now needed at 100, and a fit of 100 for either verdict: the answers
    # near the top fall to "kurang cocok", the best ones (100) stay "cocok".
    Role.objects.filter(pk=role.pk).update(fit_threshold=100, partial_threshold=100)
    Trait.objects.filter(role=role).update(required_level=100)

    response = hr_client.get(publish_url(role))
    result = response.context["impact"]

    assert result.compared == 3 and result.unscorable == 0
    assert result.transitions == {("cocok", "cocok"): 1, (before, "kurang_cocok"): 2}
    assert result.changed == 2
    content = response.content.decode()
    before_label = str(VERDICT_TEXTS[before].label)
    assert 'id="impact-table"' in content and before_label in content
    assert "Kurang cocok" in content
    assert "n &lt; 30" in content


def test_impact_rescores_without_a_new_item_and_counts_only_recent_real_results():
    role = make_complete_role()
    completed(role, "best")
    old = completed(role, "best")
    Assessment.objects.filter(pk=old.pk).update(
        completed_at=timezone.now() - timezone.timedelta(days=100)
    )
    make_item(role, role.sections.first(), code="baru", trait=role.traits.first())

    profile = profile_from_snapshot(build_snapshot(role))
    result = impact.draft_impact(role, profile, now=timezone.now(), days=90)
    longer = impact.draft_impact(role, profile, now=timezone.now(), days=365)

    assert (result.compared, result.partial, result.unscorable) == (1, 1, 0)
    assert result.left_out == ("baru",)
    assert result.transitions == {("cocok", "cocok"): 1}
    assert (longer.compared, longer.partial) == (2, 2)


def test_a_level_change_shows_in_the_same_draft_as_a_new_item(hr_client):
    role = make_complete_role()
    results = [completed(role, "near_the_top") for _ in range(2)]
    before = results[0].verdict
    make_item(role, role.sections.first(), code="baru", trait=role.traits.first())
    Role.objects.filter(pk=role.pk).update(fit_threshold=100, partial_threshold=100)
    Trait.objects.filter(role=role).update(required_level=100)

    response = hr_client.get(publish_url(role))
    result = response.context["impact"]

    assert (result.compared, result.partial, result.unscorable) == (2, 2, 0)
    assert result.transitions == {(before, "kurang_cocok"): 2}
    content = response.content.decode()
    assert 'id="impact-table"' in content
    assert "belum pernah menjawab butir baru" in content
    assert 'id="impact-unscorable"' not in content


def test_a_new_trait_that_no_answer_measures_cannot_be_judged(hr_client):
    role = make_complete_role()
    completed(role, "best")
    trait = make_trait(role)
    make_item(role, role.sections.first(), code="baru", trait=trait)

    response = hr_client.get(publish_url(role))
    result = response.context["impact"]

    assert (result.compared, result.unscorable) == (0, 1)
    assert 'id="impact-unscorable"' in response.content.decode()


def test_the_impact_period_is_chosen_on_the_page(hr_client):
    role = make_complete_role()
    old = completed(role, "best")
    Assessment.objects.filter(pk=old.pk).update(
        completed_at=timezone.now() - timezone.timedelta(days=100)
    )

    default = hr_client.get(publish_url(role)).context["impact"]
    longer = hr_client.get(publish_url(role), {"days": 365}).context["impact"]

    assert (default.days, default.compared) == (90, 0)
    assert (longer.days, longer.compared) == (365, 1)


# --- The role list and the names of roles ---------------------------------------------------


def test_the_role_list_shows_version_status_and_last_publication(hr_client):
    role = make_complete_role()
    copy = make_role(title=role.title, slug="salinan")

    response = hr_client.get(reverse("admin:assessments_role_changelist"))
    content = response.content.decode()

    assert "terakhir diterbitkan" in content.lower()
    assert "belum pernah" in content
    assert f"{role.title} ({role.slug}, Terbit)" == str(role)
    assert f"{copy.title} (salinan, Draf)" == str(copy)


def test_a_published_role_keeps_its_slug(hr_client):
    role = make_complete_role()
    page = hr_client.get(reverse("admin:assessments_role_change", args=[role.pk]))
    assert "slug" not in page.context["adminform"].form.fields


def test_versions_are_never_edited_by_publishing(kesra_role):
    first = ProfileVersion.objects.get(pk=kesra_role.live_version_id)
    RoleTrait.objects.filter(role=kesra_role, trait__key="empati").update(weight=1)

    publish(kesra_role)

    assert ProfileVersion.objects.get(pk=first.pk).snapshot == first.snapshot
    assert ProfileVersion.objects.filter(role=kesra_role, is_draft=False).count() == 2


def test_withdraw_keeps_the_live_version():
    role = make_complete_role()
    withdraw(role)
    role.refresh_from_db()
    assert not role.is_published and role.live_version is not None


# --- Confirmation before publishing or discarding -------------------------------------------


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("publish", "akan menjadi versi 2 dan langsung tampil untuk pengunjung"),
        ("discard", "kembali persis seperti versi 1"),
    ],
)
def test_publish_and_discard_ask_first_and_say_what_will_happen(
    hr_client, kesra_role, action, says
):
    weight = kesra_role.role_traits.get(trait__key="empati").weight
    edit_role_trait(hr_client, kesra_role, "empati", weight=1 if weight != 1 else 2)

    response = hr_client.post(publish_url(kesra_role), {"action": action})
    kesra_role.refresh_from_db()

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert says in content
    assert 'id="confirm-button"' in content and 'name="confirmed" value="yes"' in content
    assert "Sifat empati · bobot" in content  # the change being published or thrown away
    assert kesra_role.version == 1
    assert drafts.draft_state(kesra_role).changed


def test_discard_without_changes_is_refused_even_when_confirmed(hr_client, kesra_role):
    response = hr_client.post(publish_url(kesra_role), {"action": "discard"}, follow=True)

    assert "tidak tersedia" in " ".join(str(m) for m in response.context["messages"])


# --- English left behind ---------------------------------------------------------------------


def test_an_option_rewritten_in_indonesian_only_is_listed_as_needing_its_english(
    hr_client, kesra_role
):
    option = kesra_role.bank.items.get(code="S01").options.order_by("order").first()
    option.text = "Teks pilihan yang ditulis ulang."
    option.save()

    response = hr_client.get(publish_url(kesra_role))

    stale = response.context["stale_english"]
    assert stale == [
        f"Butir S01, pilihan {option.code}: “teks (Inggris)” perlu diperbarui: teks bahasa "
        "Indonesianya berubah, terjemahannya belum."
    ]
    content = response.content.decode()
    assert 'id="stale-english"' in content
    assert "semua teks punya terjemahan bahasa Inggris" not in content


def test_english_changed_with_its_original_is_not_listed(hr_client, kesra_role):
    trait = bank_trait(kesra_role, "empati")
    trait.description = "Deskripsi baru."
    trait.description_en = "A new description."
    trait.save()

    assert hr_client.get(publish_url(kesra_role)).context["stale_english"] == []


def test_saving_an_indonesian_text_without_its_english_warns_at_once(hr_client, kesra_role):
    item = kesra_role.bank.items.get(code="L01")
    url = reverse("admin:assessments_item_change", args=[item.pk])
    data = changeform_data(hr_client.get(url)) | {"text": "Pernyataan yang ditulis ulang."}

    response = hr_client.post(url, data, follow=True)

    texts = [str(message) for message in response.context["messages"]]
    assert any("perlu diperbarui" in text and "Teks" in text for text in texts), texts
    assert any("belum terlihat pengunjung" in text for text in texts)


# --- A role complete enough to publish ------------------------------------------------------


def test_a_role_without_education_question_misconception_or_comparison_cannot_publish():
    role = make_complete_role(status=Role.Status.DRAFT)
    assert publication_problems(role) == []
    role.items.filter(kind=Item.Kind.BACKGROUND).delete()
    role.items.filter(kind=Item.Kind.BELIEF).delete()
    role.comparison_points.all().delete()

    problems = " ".join(publication_problems(role))

    assert "pertanyaan pendidikan" in problems
    assert "anggapan keliru jenis “Miskonsepsi”" in problems
    assert "minimal satu poin perbandingan" in problems


def test_the_publish_page_says_where_the_questionnaire_is_below_the_content_bar(
    hr_client, kesra_role
):
    small = make_complete_role()

    # The fixture meets the core, the beliefs and the preferences (its reserve is to come).
    kesra_below = hr_client.get(publish_url(kesra_role)).context["below_bar"]
    assert all("inti 4 pernyataan (2 dibalik) dan" in line for line in kesra_below)
    below = hr_client.get(publish_url(small)).context["below_bar"]
    assert any("standar: inti 4 pernyataan" in line for line in below)
    assert any("pasangan preferensi; standar: minimal 6" in line for line in below)
