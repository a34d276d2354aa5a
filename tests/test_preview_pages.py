"""The pages before and between the questions: home, role preview, similar role, the counter."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments import reading_time, resume_cookie, snapshots
from assessments.models import Role
from tests.answers import answers_for
from tests.public_pages import completed_assessment
from tests.test_views import MAX_QUERIES, section_url, start

pytestmark = pytest.mark.django_db


def live_snapshot(role):
    return snapshots.version_data(snapshots.live_version(role).pk).snapshot


def test_home_has_a_start_button_and_the_visit_time_per_role(
    client, kesra_role, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get(reverse("assessments:home")).content.decode()
    consent = reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    assert re.search(rf'<a class="btn btn-primary" href="{consent}">Mulai kuesioner', html)
    snapshot = live_snapshot(kesra_role)
    visit = reading_time.minutes(
        reading_time.questionnaire_seconds(snapshot) + reading_time.preview_seconds(snapshot)
    )
    assert f"Sekitar {visit} menit" in html
    assert "10–12 menit" not in html


def test_the_preview_starts_with_what_the_post_is_the_time_and_the_start_button(client, kesra_role):
    html = client.get(kesra_role.get_absolute_url()).content.decode()
    main = html[html.index("<main") :]
    first_fold = main.index("<details")
    top = main[:first_fold]
    snapshot = live_snapshot(kesra_role)
    questions = reading_time.minutes(reading_time.questionnaire_seconds(snapshot))
    visit = reading_time.minutes(
        reading_time.questionnaire_seconds(snapshot) + reading_time.preview_seconds(snapshot)
    )
    assert f"sekitar {visit} menit" in top
    # The core's questions (reserve items wait for a second stage).
    core = sum(not item.get("reserve") for item in snapshot["items"])
    assert core < len(snapshot["items"])
    assert f"{core} pertanyaan (sekitar {questions} menit)" in top
    assert reverse("assessments:consent", kwargs={"slug": kesra_role.slug}) in top
    lead = top[top.index('<p class="lead">') :].split("</p>")[0]
    assert 0 < len(re.sub(r"<[^>]+>", "", lead).split()) <= 40
    # Everything else is folded, each text once.
    assert escape(kesra_role.summary) not in html
    for duty in kesra_role.duties.all():
        assert html.count(escape(duty.text)) == 1
        assert escape(duty.text) in main[first_fold:]


def test_the_preview_shows_how_one_gets_there_and_no_stray_separator(client, kesra_role):
    html = client.get(kesra_role.get_absolute_url()).content.decode()
    assert escape(kesra_role.entry_path) in html
    preferred = [field.name for field in kesra_role.education_fields.filter(preferred=True)]
    assert escape(", ".join(preferred)) + "." in html
    assert not re.search(r";\s*</p>", html)


def test_the_similar_role_page_says_what_it_is_how_it_differs_and_how_to_get_there(
    client, kesra_role, django_assert_max_num_queries
):
    url = reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug})
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'<h1 class="h2">{escape(kesra_role.similar_role_name)}</h1>' in html
    assert escape(kesra_role.similar_role_summary) in html
    assert escape(kesra_role.similar_role_entry_path) in html
    # Each point once for the eye: as a card on a phone, in the table on wider screens.
    cards = re.search(r'<div class="comparison-cards.*?<div class="comparison-wide', html, re.S)[0]
    table = re.search(r'<div class="comparison-wide.*?</table>', html, re.S)[0]
    for point in kesra_role.comparison_points.all():
        for part in (cards, table):
            assert part.count(escape(point.other_role)) == 1
            assert part.count(escape(point.this_role)) == 1
        assert html.count(escape(point.other_role)) == 2
    # A step outside the app: where to read about the profession.
    assert "Ikatan Pekerja Sosial Profesional Indonesia (IPSPI)" in html
    assert "Kementerian Sosial" in html
    # Without a result in this browser, the way back is the role preview.
    assert "Kembali ke hasil Anda" not in html
    client.cookies["django_language"] = "en"
    assert escape(kesra_role.similar_role_entry_path_en) in client.get(url).content.decode()


def test_the_similar_role_page_leads_back_to_the_visitors_result(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    client.cookies[resume_cookie.cookie_name()] = assessment.token
    url = reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug})
    html = client.get(url).content.decode()
    result = reverse("assessments:result", kwargs={"token": assessment.token})
    assert f'<a href="{result}">Kembali ke hasil Anda</a>' in html


def test_a_role_without_its_own_outside_steps_gets_general_ones(client, kesra_role):
    Role.objects.filter(pk=kesra_role.pk).update(similar_role_slug="penyuluh", live_version=None)
    kesra_role.refresh_from_db()
    kesra_role.version += 1
    kesra_role.save()
    url = reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug})
    html = client.get(url).content.decode()
    assert "IPSPI" not in html
    assert "asosiasi profesinya" in html


def test_the_home_page_does_not_call_the_questionnaire_short(client, kesra_role):
    assert "singkat" not in client.get(reverse("assessments:home")).content.decode()


def test_the_preview_links_the_similar_role_page(client, kesra_role):
    html = client.get(kesra_role.get_absolute_url()).content.decode()
    assert reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug}) in html


def test_a_role_without_a_comparison_has_no_similar_role_page(client, kesra_role):
    Role.objects.filter(pk=kesra_role.pk).update(similar_role_name="", live_version=None)
    kesra_role.refresh_from_db()
    kesra_role.version += 1
    kesra_role.save()
    url = reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_section_shows_which_questions_of_how_many_and_the_time_left(client, kesra_role):
    assessment = start(client, kesra_role)
    snapshot = assessment.snapshot
    # The core's questions only: reserve items come on the second stage's pages, if at all.
    reserve = {item["code"] for item in snapshot["items"] if item.get("reserve")}
    total = len(snapshot["items"]) - len(reserve)
    first = len(set(snapshot["sections"][0]["items"]) - reserve)
    last = first + len(set(snapshot["sections"][1]["items"]) - reserve)

    html = client.get(section_url(assessment, 2)).content.decode()

    assert f"pertanyaan {first + 1}–{last} dari {total}" in html
    left = reading_time.minutes(reading_time.questionnaire_seconds(snapshot, from_section=2))
    assert f"sekitar {left} menit lagi" in html
    # The bar shows the questions before this page, so it is never full before the end.
    assert f'max="{total}" value="{first}"' in html


def test_the_private_link_is_at_the_top_of_section_one_with_copy_and_share(client, kesra_role):
    assessment = start(client, kesra_role)
    html = client.get(section_url(assessment, 1)).content.decode()
    link = html.index('class="private-link')
    assert link < html.index('<form method="post" novalidate class="questionnaire"')
    assert "data-copy=" in html and "data-share=" in html
    assert 'href="https://wa.me/?text=' in html
    resume = f"http://testserver{assessment.private_url()}"
    assert f'value="{resume}"' in html


def test_the_error_summary_links_each_unanswered_question(client, kesra_role):
    assessment = start(client, kesra_role)
    codes = assessment.snapshot["sections"][0]["items"]
    answers = answers_for(assessment.snapshot)
    data = {code: answers[code] for code in codes if code not in codes[1:3]}

    html = client.post(section_url(assessment, 1), {**data, "action": "next"}).content.decode()

    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)[0]
    assert re.findall(r'href="#div_id_(\w+)">Pertanyaan (\d+)<', summary) == [
        (codes[1], "2"),
        (codes[2], "3"),
    ]
    assert html.count("autofocus") == 1
    assert re.search(rf'id="id_{codes[1]}_0"[^>]* autofocus', html)
