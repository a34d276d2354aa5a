"""Nothing lost: answers saved as they are ticked, and the "continue" cookie of the browser."""

import re
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from assessments import resume_cookie
from assessments.models import Assessment
from tests.answers import answers_for
from tests.test_views import MAX_QUERIES, answer_all, section_url, start

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"


def autosave_url(assessment, number=1):
    return reverse("assessments:autosave", kwargs={"token": assessment.token, "number": number})


def post_form(client, url, data):
    """A POST as the page's script sends it: an urlencoded form."""
    return client.post(url, urlencode(data), content_type=URLENCODED)


def test_the_section_page_names_its_autosave_address_and_loads_the_script(client, kesra_role):
    assessment = start(client, kesra_role)
    html = client.get(section_url(assessment, 1)).content.decode()
    assert f'data-autosave-url="{autosave_url(assessment, 1)}"' in html
    assert re.search(r'<script src="/static/js/careerfit\.js" defer></script>', html)


def test_ticked_answers_are_saved_one_by_one_without_a_section_time(
    client, kesra_role, django_assert_max_num_queries
):
    assessment = start(client, kesra_role)
    codes = assessment.snapshot["sections"][1]["items"]
    answers = answers_for(assessment.snapshot, level="middle")

    with django_assert_max_num_queries(MAX_QUERIES):
        response = post_form(client, autosave_url(assessment, 2), {codes[0]: answers[codes[0]]})
    post_form(client, autosave_url(assessment, 2), {codes[1]: answers[codes[1]]})

    assert response.status_code == HTTPStatus.NO_CONTENT
    assessment.refresh_from_db()
    assert assessment.answers == {code: answers[code] for code in codes[:2]}
    # Only a section sent whole counts for the response-time check.
    assert assessment.section_saved_at == {}
    html = client.get(section_url(assessment, 2)).content.decode()
    assert html.count("checked") == 2


def test_only_this_sections_questions_and_their_choices_are_saved(client, kesra_role):
    assessment = start(client, kesra_role)
    first, second = (section["items"] for section in assessment.snapshot["sections"][:2])
    answers = answers_for(assessment.snapshot)

    post_form(
        client,
        autosave_url(assessment, 1),
        {first[0]: answers[first[0]], first[1]: "not-a-choice", second[0]: answers[second[0]]},
    )

    assessment.refresh_from_db()
    assert assessment.answers == {first[0]: answers[first[0]]}


def test_autosave_needs_the_csrf_token(client, kesra_role):
    assessment = start(client, kesra_role)
    code = assessment.snapshot["sections"][0]["items"][0]
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    refused = post_form(strict, autosave_url(assessment), {code: "3"})
    html = strict.get(section_url(assessment, 1)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    accepted = post_form(
        strict, autosave_url(assessment), {code: "3", "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert accepted.status_code == HTTPStatus.NO_CONTENT
    assessment.refresh_from_db()
    assert assessment.answers == {code: "3"}


def test_autosave_takes_posts_only_and_knows_its_sections(client, kesra_role):
    assessment = start(client, kesra_role)
    assert client.get(autosave_url(assessment)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert post_form(client, autosave_url(assessment, 99), {}).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("assessments:autosave", kwargs={"token": "nope", "number": 1})
    assert post_form(client, missing, {}).status_code == HTTPStatus.NOT_FOUND


def test_a_completed_assessment_is_not_changed_by_a_late_autosave(client, kesra_role):
    assessment = start(client, kesra_role)
    answers = answers_for(assessment.snapshot, level="best")
    answer_all(client, assessment, answers)
    code = assessment.snapshot["sections"][0]["items"][0]

    response = post_form(client, autosave_url(assessment), {code: "3"})

    assert response.status_code == HTTPStatus.CONFLICT
    assessment.refresh_from_db()
    # The core's answers, as sent (the reserve items were not asked: the verdict was sure).
    assert assessment.answers == {
        code: value for code, value in answers.items() if code in assessment.answers
    }
    assert assessment.answers[code] == answers[code]


def test_autosave_is_rate_limited_like_the_section_post(client, kesra_role, settings):
    settings.RATE_SUBMIT = "2/h"
    assessment = start(client, kesra_role)
    code = assessment.snapshot["sections"][0]["items"][0]

    statuses = [post_form(client, autosave_url(assessment), {code: "3"}).status_code]
    statuses.append(post_form(client, autosave_url(assessment), {code: "4"}).status_code)
    limited = post_form(client, autosave_url(assessment), {code: "5"})

    assert statuses == [HTTPStatus.NO_CONTENT, HTTPStatus.NO_CONTENT]
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assessment.refresh_from_db()
    assert assessment.answers == {code: "4"}


# --- The "continue where you left off" cookie -----------------------------------------------


def test_starting_sets_the_continue_cookie_as_a_private_first_party_cookie(client, kesra_role):
    response = client.post(
        reverse("assessments:consent", kwargs={"slug": kesra_role.slug}), {"agree": "on"}
    )
    assessment = Assessment.objects.get()
    cookie = response.cookies[resume_cookie.cookie_name()]
    assert cookie.value == assessment.token
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) > 0


@pytest.mark.parametrize("page", ["home", "role"])
def test_home_and_role_pages_offer_to_continue(client, kesra_role, page):
    url = reverse("assessments:home") if page == "home" else kesra_role.get_absolute_url()
    assert "continue-prompt" not in client.get(url).content.decode()
    assessment = start(client, kesra_role)

    html = client.get(url).content.decode()

    assert "continue-prompt" in html
    assert f'href="{assessment.private_url()}"' in html
    assert "Lanjutkan dari yang terakhir" in html


def test_after_the_result_the_prompt_offers_the_result(client, kesra_role):
    assessment = start(client, kesra_role)
    answer_all(client, assessment, answers_for(assessment.snapshot))
    assessment.refresh_from_db()

    html = client.get(reverse("assessments:home")).content.decode()

    assert f'href="{assessment.private_url()}"' in html
    assert "Lihat hasil Anda" in html


def test_deleting_the_assessment_deletes_the_cookie_and_the_prompt(client, kesra_role):
    assessment = start(client, kesra_role)

    response = client.post(reverse("assessments:delete", kwargs={"token": assessment.token}))

    cookie = response.cookies[resume_cookie.cookie_name()]
    assert cookie.value == "" and int(cookie["max-age"]) == 0
    assert "continue-prompt" not in client.get(reverse("assessments:home")).content.decode()


def test_a_cookie_naming_a_purged_assessment_is_dropped(client, kesra_role):
    assessment = start(client, kesra_role)
    Assessment.objects.filter(pk=assessment.pk).delete()

    response = client.get(reverse("assessments:home"))

    assert "continue-prompt" not in response.content.decode()
    assert response.cookies[resume_cookie.cookie_name()].value == ""


def test_the_privacy_notice_states_the_cookie(client, kesra_role):
    html = client.get(
        reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    ).content.decode()
    assert "cookie" in html and "dihapus bersama hasil Anda" in html


def test_autosave_and_the_section_form_share_one_counter(client, kesra_role, settings):
    settings.RATE_SUBMIT = "3/h"
    assessment = start(client, kesra_role)
    first = assessment.snapshot["sections"][0]["items"]
    section = reverse("assessments:section", kwargs={"token": assessment.token, "number": 1})

    statuses = [post_form(client, autosave_url(assessment), {first[0]: "3"}).status_code]
    statuses.append(post_form(client, autosave_url(assessment), {first[0]: "4"}).status_code)
    statuses.append(post_form(client, section, {"action": "back"}).status_code)
    # The third request used up the address's answers: either way is refused now.
    statuses.append(post_form(client, section, {"action": "back"}).status_code)
    statuses.append(post_form(client, autosave_url(assessment), {first[0]: "5"}).status_code)

    assert (
        statuses
        == [HTTPStatus.NO_CONTENT, HTTPStatus.NO_CONTENT, HTTPStatus.FOUND]
        + [HTTPStatus.TOO_MANY_REQUESTS] * 2
    )
