"""The public pages, driven through Django's test client on the Kabag Kesra fixture."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from assessments import scoring
from assessments.models import Assessment, Item, Option, Role
from assessments.texts import sentences, shared_ending
from tests.answers import answers_for
from tests.clients import FormClient
from tests.factories import make_hr_user

pytestmark = pytest.mark.django_db

# Generous enough for sessions and messages and for the item bank's other role (a query to
# find it, one to store or read its result), small enough to catch a query per item.
MAX_QUERIES = 14


def start(client, role):
    response = client.post(
        reverse("assessments:consent", kwargs={"slug": role.slug}), {"agree": "on"}
    )
    assert response.status_code == HTTPStatus.FOUND
    return Assessment.objects.latest("created_at")


def core_codes(snapshot, number):
    """The codes of section ``number``'s core items (reserve items wait for the second
    stage)."""
    reserve = {item["code"] for item in snapshot["items"] if item.get("reserve")}
    return [code for code in snapshot["sections"][number - 1]["items"] if code not in reserve]


def section_url(assessment, number):
    return reverse("assessments:section", kwargs={"token": assessment.token, "number": number})


def answer_all(client, assessment, answers, *, max_queries=None, assert_queries=None):
    """Submit every section in order; returns the last response."""
    response = None
    for number in range(1, len(assessment.snapshot["sections"]) + 1):
        data = {code: answers[code] for code in core_codes(assessment.snapshot, number)}
        data["action"] = "next"
        if assert_queries:
            with assert_queries(max_queries):
                response = client.post(section_url(assessment, number), data)
        else:
            response = client.post(section_url(assessment, number), data)
        assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    return response


def test_home_lists_published_roles_only(client, kesra_role, django_assert_max_num_queries):
    Role.objects.create(title="Draf rahasia", slug="draf", summary="x")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("assessments:home"))
    assert response.status_code == HTTPStatus.OK
    assert kesra_role.title in response.content.decode()
    assert "Draf rahasia" not in response.content.decode()


def test_role_preview_is_a_realistic_job_preview(client, kesra_role, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(kesra_role.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for duty in kesra_role.duties.all():
        assert escape(duty.text) in html
    # The quotation every knockout reason ends with is shown once, before the reasons.
    reasons = [
        role_trait.knockout_reason
        for role_trait in kesra_role.role_traits.exclude(knockout_below=None)
    ]
    shared, own_parts = shared_ending(reasons)
    assert shared and html.count(escape(shared)) == 1
    for part in own_parts:
        assert escape(part) in html
    # The corrections wait for the result: the belief items ask about them first.
    for belief in kesra_role.beliefs.all():
        assert escape(belief.correction) not in html
    for point in kesra_role.comparison_points.all():
        assert escape(point.other_role) in html
    assert reverse("assessments:consent", kwargs={"slug": kesra_role.slug}) in html


def test_role_preview_in_english(client, kesra_role):
    client.cookies["django_language"] = "en"
    html = client.get(kesra_role.get_absolute_url()).content.decode()
    assert escape(kesra_role.title_en) in html
    assert '<html lang="en">' in html
    assert escape(kesra_role.duties.first().text_en) in html


def test_a_kept_preview_is_the_page_rendered_afresh_and_costs_one_query(
    client, kesra_role, django_assert_num_queries
):
    url = kesra_role.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(1):  # the role: published, and which version
        kept = client.get(url)
    assert kept.content == first.content
    assert "no-cache" in kept["Cache-Control"] and "Expires" not in kept  # the server keeps it
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english and escape(kesra_role.title_en) in english


def test_a_new_version_is_shown_at_once(client, kesra_role):
    from assessments import publishing

    client.get(kesra_role.get_absolute_url())
    duty = kesra_role.duties.first()
    duty.text, duty.text_en = "Tugas yang baru saja ditulis ulang.", "A duty just rewritten."
    duty.save()
    publishing.publish(kesra_role)

    assert duty.text in client.get(kesra_role.get_absolute_url()).content.decode()


def test_a_withdrawn_role_is_gone_at_once_though_its_preview_was_kept(client, kesra_role):
    client.get(kesra_role.get_absolute_url())
    Role.objects.filter(pk=kesra_role.pk).update(status=Role.Status.DRAFT)
    assert client.get(kesra_role.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_staff_and_returning_visitors_get_the_preview_rendered_for_them(
    client, admin_client, kesra_role
):
    url = kesra_role.get_absolute_url()
    assert "no-cache" in FormClient().get(url)["Cache-Control"]  # kept, for visitors
    start(client, kesra_role)  # the continue cookie
    # Signed in (a session), or with the continue cookie: not through the kept page.
    assert "no-cache" not in admin_client.get(url).get("Cache-Control", "")
    assert "no-store" in client.get(url)["Cache-Control"]


def test_draft_role_is_hidden_from_visitors_but_previewable_by_staff(
    client, admin_client, kesra_role
):
    kesra_role.status = Role.Status.DRAFT
    kesra_role.save()
    assert client.get(kesra_role.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    response = admin_client.get(kesra_role.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "draf" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("who", "may_preview"),
    [("staff without permissions", False), ("HR", True), ("not staff, may change roles", False)],
)
def test_only_staff_who_may_change_roles_preview_and_start_a_draft(
    client, kesra_role, who, may_preview
):
    kesra_role.status = Role.Status.DRAFT
    kesra_role.save()
    if who == "HR":
        user = make_hr_user()
    else:
        user = get_user_model().objects.create_user(
            f"u-{len(who)}", is_staff=who.startswith("staff")
        )
        if who.startswith("not staff"):
            user.user_permissions.add(Permission.objects.get(codename="change_role"))
    client.force_login(user)
    consent = reverse("assessments:consent", kwargs={"slug": kesra_role.slug})

    preview = client.get(kesra_role.get_absolute_url())
    start = client.post(consent, {"agree": "on"})

    expected = (HTTPStatus.OK, HTTPStatus.FOUND) if may_preview else (HTTPStatus.NOT_FOUND,) * 2
    assert (preview.status_code, start.status_code) == expected
    assert Assessment.objects.exists() == may_preview
    # A trial run on a draft is marked as one.
    assert list(Assessment.objects.values_list("on_draft", flat=True)) == [True] * may_preview


def test_a_visitors_assessment_on_a_published_role_is_not_marked_as_a_draft(client, kesra_role):
    client.post(reverse("assessments:consent", kwargs={"slug": kesra_role.slug}), {"agree": "on"})
    assert Assessment.objects.get().on_draft is False


def test_consent_page_states_purpose_storage_retention_and_version(client, kesra_role, settings):
    settings.RETENTION_DAYS_COMPLETED = 123
    settings.CONSENT_NOTICE_VERSION = "v-test"
    html = client.get(
        reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    ).content.decode()
    assert "123" in html
    assert "v-test" in html
    assert "27 Tahun 2022" in html


def test_consent_is_required_to_start(client, kesra_role, django_assert_max_num_queries):
    url = reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(url, {})
    assert response.status_code == HTTPStatus.OK
    assert "Centang kotak ini" in response.content.decode()
    assert not Assessment.objects.exists()


def test_consent_starts_an_assessment_with_notice_version_and_snapshot(
    client, kesra_role, settings, django_assert_max_num_queries
):
    settings.CONSENT_NOTICE_VERSION = "v-test"
    with django_assert_max_num_queries(MAX_QUERIES + 10):
        response = client.post(
            reverse("assessments:consent", kwargs={"slug": kesra_role.slug}), {"agree": "on"}
        )
    assessment = Assessment.objects.get()
    assert response["Location"] == section_url(assessment, 1)
    assert assessment.consent_version == "v-test"
    assert assessment.consented_at is not None
    assert assessment.role_version == kesra_role.version
    # The bank's items, less the other role's belief checks.
    others = kesra_role.bank.roles.exclude(pk=kesra_role.pk)
    asked = Item.objects.filter(role=kesra_role.bank).exclude(belief__role__in=others)
    assert len(assessment.snapshot["items"]) == asked.count()
    assert len(assessment.token) >= 32  # 24 random bytes, url-safe: 192 bits


def test_section_page_shows_progress_and_fieldsets(
    client, kesra_role, django_assert_max_num_queries
):
    assessment = start(client, kesra_role)
    total = len(assessment.snapshot["sections"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(section_url(assessment, 2))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f"Bagian 2 dari {total}" in html
    assert html.count("<fieldset") == len(core_codes(assessment.snapshot, 2))
    assert html.count("<legend") == html.count("<fieldset")


def test_complete_flow_to_result(client, kesra_role, django_assert_max_num_queries):
    assessment = start(client, kesra_role)
    answers = answers_for(assessment.snapshot, level="best")
    response = answer_all(
        client,
        assessment,
        answers,
        max_queries=MAX_QUERIES,
        assert_queries=django_assert_max_num_queries,
    )
    result_url = reverse("assessments:result", kwargs={"token": assessment.token})
    assert response["Location"] == result_url
    assessment.refresh_from_db()
    assert assessment.is_completed
    assert assessment.verdict == scoring.FIT
    sections = range(1, len(assessment.snapshot["sections"]) + 1)
    core = {code for number in sections for code in core_codes(assessment.snapshot, number)}
    assert assessment.answers == {code: answers[code] for code in core}

    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(result_url)
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "Cocok" in html
    assert "bukan keputusan rekrutmen" in html
    assert "<svg" in html and "trait-table" in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_every_mismatch_is_explained_from_the_profile(client, kesra_role):
    assessment = start(client, kesra_role)
    answer_all(
        client,
        assessment,
        answers_for(
            assessment.snapshot, level="worst", direct_service=True, education_preferred=False
        ),
    )
    assessment.refresh_from_db()
    html = client.get(
        reverse("assessments:result", kwargs={"token": assessment.token})
    ).content.decode()

    result = assessment.result
    assert result["verdict"] == scoring.NOT_A_FIT
    assert "Tidak cocok" in html
    # Why it matters is the role's, how to develop it the bank trait's.
    traits = {trait.key: trait for trait in kesra_role.role_traits.select_related("trait")}
    assert result["mismatches"], "the worst answers must leave every trait short"
    mismatches = re.search(r'id="mismatches".*?</details>', html, re.S)[0]
    for key in result["mismatches"]:
        # Every sentence of why it matters, each once even where two traits share one.
        for sentence in sentences(traits[key].why_it_matters):
            assert mismatches.count(escape(sentence)) == 1, (key, sentence)
        assert escape(traits[key].how_to_develop) in html
    shared, own_parts = shared_ending([traits[key].knockout_reason for key in result["knockouts"]])
    assert html.count(escape(shared)) == 1
    for part in own_parts:
        assert escape(part) in html
    for belief in kesra_role.beliefs.filter(items__isnull=False).distinct():
        assert escape(belief.correction) in html
    # All preference choices were direct service: the social worker is suggested.
    assert result["suggested_role"] == kesra_role.similar_role_slug
    assert escape(kesra_role.similar_role_name) in html
    # Education outside the preferred fields is explained.
    assert escape(kesra_role.education_mismatch_text) in html
    # Feedback on every scenario option chosen in a situation of a trait the role weighs
    # (case work is on the pekerja sosial's result).
    weighed = set(kesra_role.role_traits.values_list("trait__key", flat=True))
    for code, option_code in result["scenario_choices"]:
        option = Option.objects.get(item__role=kesra_role.bank, item__code=code, code=option_code)
        if option.item.trait.key in weighed:
            assert escape(option.feedback) in html
        else:
            assert escape(option.feedback) not in html


def test_missing_answer_shows_the_error_and_keeps_the_others(client, kesra_role):
    assessment = start(client, kesra_role)
    codes = core_codes(assessment.snapshot, 1)
    answers = answers_for(assessment.snapshot, level="middle")
    data = {code: answers[code] for code in codes[1:]}
    data["action"] = "next"

    response = client.post(section_url(assessment, 1), data)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "belum dijawab" in html
    assert html.count("checked") == len(codes) - 1
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_back_saves_what_was_answered(client, kesra_role):
    assessment = start(client, kesra_role)
    codes = assessment.snapshot["sections"][1]["items"]
    answers = answers_for(assessment.snapshot, level="middle")

    response = client.post(
        section_url(assessment, 2), {codes[0]: answers[codes[0]], "action": "back"}
    )

    assert response["Location"] == section_url(assessment, 1)
    assessment.refresh_from_db()
    assert assessment.answers == {codes[0]: answers[codes[0]]}
    html = client.get(section_url(assessment, 2)).content.decode()
    assert html.count("checked") == 1


def test_resume_goes_to_the_first_open_section(client, kesra_role):
    assessment = start(client, kesra_role)
    answers = answers_for(assessment.snapshot)
    first = assessment.snapshot["sections"][0]["items"]
    client.post(section_url(assessment, 1), {**{c: answers[c] for c in first}, "action": "next"})

    response = client.get(reverse("assessments:resume", kwargs={"token": assessment.token}))

    assert response["Location"] == section_url(assessment, 2)


def test_completed_assessment_cannot_be_changed(client, kesra_role):
    assessment = start(client, kesra_role)
    answer_all(client, assessment, answers_for(assessment.snapshot, level="best"))
    assessment.refresh_from_db()
    stored = assessment.result

    codes = assessment.snapshot["sections"][0]["items"]
    worst = answers_for(assessment.snapshot, level="worst")
    response = client.post(
        section_url(assessment, 1), {**{c: worst[c] for c in codes}, "action": "next"}
    )

    assert response["Location"] == reverse("assessments:result", kwargs={"token": assessment.token})
    assessment.refresh_from_db()
    assert assessment.result == stored


@pytest.mark.parametrize("number", [0, 99])
def test_unknown_section_is_404(client, kesra_role, number):
    assessment = start(client, kesra_role)
    assert client.get(section_url(assessment, number)).status_code == HTTPStatus.NOT_FOUND


def test_unknown_token_is_404(client, db):
    for name in ("resume", "result", "delete"):
        response = client.get(reverse(f"assessments:{name}", kwargs={"token": "nope"}))
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_result_of_unfinished_assessment_redirects_to_resume(client, kesra_role):
    assessment = start(client, kesra_role)
    response = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))
    assert response["Location"] == reverse("assessments:resume", kwargs={"token": assessment.token})


def test_delete_asks_then_removes_everything(client, kesra_role, django_assert_max_num_queries):
    assessment = start(client, kesra_role)
    answer_all(client, assessment, answers_for(assessment.snapshot))
    url = reverse("assessments:delete", kwargs={"token": assessment.token})

    with django_assert_max_num_queries(MAX_QUERIES):
        confirm = client.get(url)
    assert confirm.status_code == HTTPStatus.OK
    assert Assessment.objects.filter(pk=assessment.pk).exists()

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(url)
    assert response["Location"] == reverse("assessments:home")
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert client.get(
        reverse("assessments:result", kwargs={"token": assessment.token})
    ).status_code == (HTTPStatus.NOT_FOUND)


def test_delete_requires_csrf(client, kesra_role):
    assessment = start(client, kesra_role)
    response = FormClient(enforce_csrf_checks=True).post(
        reverse("assessments:delete", kwargs={"token": assessment.token})
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Assessment.objects.filter(pk=assessment.pk).exists()
