"""Pages and questions kept in the cache: the same HTML as rendering afresh, never stale."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments import caching, publishing
from assessments.models import Assessment, Item
from tests.answers import answers_for
from tests.clients import FormClient as Client

pytestmark = pytest.mark.django_db

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def same_tokens(html: str) -> str:
    """The page with its CSRF tokens (masked afresh for every request) made equal."""
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


def uncached(client, url, monkeypatch) -> str:
    """The page as Django renders it, with the page cache out of the way."""
    with monkeypatch.context() as patch:
        patch.setattr(caching, "is_cacheable", lambda request: False)
        patch.setattr(caching, "_question_key", lambda *args: None)
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def start(client, role):
    client.post(reverse("assessments:consent", kwargs={"slug": role.slug}), {"agree": "on"})
    return Assessment.objects.latest("created_at")


def section_url(assessment, number):
    return reverse("assessments:section", kwargs={"token": assessment.token, "number": number})


def result_url(assessment):
    return reverse("assessments:result", kwargs={"token": assessment.token})


def complete(client, assessment):
    answers = answers_for(assessment.snapshot, level="middle")
    for number, section in enumerate(assessment.snapshot["sections"], start=1):
        data = {code: answers[code] for code in section["items"]}
        response = client.post(section_url(assessment, number), {**data, "action": "next"})
        assert response.status_code == HTTPStatus.FOUND
    assessment.refresh_from_db()
    return assessment


def kept_keys() -> list[str]:
    return list(caching.pages()._cache)  # the local-memory backend of the tests


def test_kept_preview_is_the_page_rendered_afresh(client, kesra_role, monkeypatch):
    url = kesra_role.get_absolute_url()
    first = client.get(url).content.decode()
    kept = client.get(url)
    assert kept.status_code == HTTPStatus.OK
    assert any(":preview:" in key for key in kept_keys())
    assert same_tokens(kept.content.decode()) == same_tokens(first)
    assert same_tokens(kept.content.decode()) == same_tokens(uncached(client, url, monkeypatch))


@pytest.mark.parametrize("answered", [False, True])
def test_kept_section_is_the_page_rendered_afresh(client, kesra_role, monkeypatch, answered):
    assessment = start(client, kesra_role)
    if answered:
        answers = answers_for(assessment.snapshot, level="middle")
        codes = assessment.snapshot["sections"][0]["items"][:5]
        assessment.answers = {code: answers[code] for code in codes}
        assessment.save()
    url = section_url(assessment, 1)
    first = client.get(url).content.decode()
    kept = client.get(url).content.decode()
    assert any(key.startswith(":1:q:") for key in kept_keys())
    assert any(":section:" in key for key in kept_keys())  # the page around them too
    assert same_tokens(kept) == same_tokens(first)
    assert same_tokens(kept) == same_tokens(uncached(client, url, monkeypatch))
    assert kept.count(" checked") == (5 if answered else 0)


def test_kept_result_is_the_page_rendered_afresh(client, kesra_role, monkeypatch):
    assessment = complete(client, start(client, kesra_role))
    url = result_url(assessment)
    first = client.get(url).content.decode()
    kept = client.get(url).content.decode()
    assert any(":result:" in key for key in kept_keys())
    assert same_tokens(kept) == same_tokens(first)
    assert same_tokens(kept) == same_tokens(uncached(client, url, monkeypatch))
    assert escape(f"http://testserver{url}") in kept


def test_questions_with_errors_are_rendered_not_kept(client, kesra_role):
    assessment = start(client, kesra_role)
    response = client.post(section_url(assessment, 1), {"action": "next"})
    assert response.status_code == HTTPStatus.OK
    assert "question-invalid" in response.content.decode()
    assert not [key for key in kept_keys() if key.startswith(":1:q:")]
    clean = client.get(section_url(assessment, 1)).content.decode()
    assert "question-invalid" not in clean


def test_each_visitor_gets_their_own_working_csrf_token(kesra_role):
    url = kesra_role.get_absolute_url()
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(url).content.decode()
        token = CSRF_TOKEN.search(html).group(1)
        tokens.append(token)
        switched = visitor.post(
            reverse("set_language"),
            {"csrfmiddlewaretoken": token, "language": "en", "next": url},
        )
        assert switched.status_code == HTTPStatus.FOUND
    assert tokens[0] != tokens[1]


def test_each_result_page_shows_its_own_private_link(client, kesra_role):
    first = complete(client, start(client, kesra_role))
    second = complete(client, start(client, kesra_role))
    pages = {a.token: client.get(result_url(a)).content.decode() for a in (first, second)}
    for token, html in pages.items():
        other = second.token if token == first.token else first.token
        assert token in html
        assert other not in html


def test_a_new_version_is_shown_at_once(client, kesra_role):
    old = start(client, kesra_role)
    client.get(kesra_role.get_absolute_url())
    client.get(section_url(old, 1))
    duty = kesra_role.duties.first()
    item = Item.objects.get(role=kesra_role, code=old.snapshot["sections"][0]["items"][0])
    old_text = item.text
    duty.text, duty.text_en = "Tugas yang baru saja ditulis ulang.", "A duty just rewritten."
    duty.save()
    item.text, item.text_en = "Pertanyaan yang baru saja ditulis ulang.", "A question rewritten."
    item.save()
    publishing.publish(kesra_role)

    assert duty.text in client.get(kesra_role.get_absolute_url()).content.decode()
    new = start(client, kesra_role)
    assert item.text in client.get(section_url(new, 1)).content.decode()
    # Started before the edit: still answered and shown on the version it began with.
    assert escape(old_text) in client.get(section_url(old, 1)).content.decode()


def test_a_deleted_assessments_kept_result_is_gone(client, kesra_role):
    assessment = complete(client, start(client, kesra_role))
    client.get(result_url(assessment))
    client.cookies["django_language"] = "en"
    client.get(result_url(assessment))
    keys = [caching.result_key(assessment, code) for code in ("id", "en")]
    assert all(caching.pages().get(key) for key in keys)

    response = client.post(reverse("assessments:delete", kwargs={"token": assessment.token}))
    assert response.status_code == HTTPStatus.FOUND
    assert not any(caching.pages().get(key) for key in keys)
    assert client.get(result_url(assessment)).status_code == HTTPStatus.NOT_FOUND


def test_a_result_saved_again_is_rendered_again(client, kesra_role):
    assessment = complete(client, start(client, kesra_role))
    client.get(result_url(assessment))
    assessment.save()  # a new updated_at
    client.get(result_url(assessment))
    kept = caching.pages().get(caching.result_key(assessment, "id"))
    assert kept[0] == caching.result_version(assessment)


@pytest.mark.parametrize("page", ["preview", "section", "result"])
def test_switching_language_gives_the_other_language(client, kesra_role, page):
    if page == "preview":
        url = kesra_role.get_absolute_url()
    elif page == "section":
        url = section_url(start(client, kesra_role), 1)
    else:
        url = result_url(complete(client, start(client, kesra_role)))
    indonesian = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    client.cookies["django_language"] = "id"
    again = client.get(url).content.decode()

    assert '<html lang="id">' in indonesian
    assert '<html lang="en">' in english
    assert same_tokens(again) == same_tokens(indonesian)
    if page == "preview":
        assert escape(kesra_role.title_en) in english
        assert escape(kesra_role.title_en) not in indonesian
    if page == "section":
        assert "Strongly agree" in english and "Sangat setuju" not in english
        assert "Sangat setuju" in indonesian


def test_staff_and_query_strings_get_the_page_rendered_afresh(admin_client, kesra_role):
    admin_client.get(kesra_role.get_absolute_url())
    Client().get(kesra_role.get_absolute_url() + "?from=poster")
    assert not [key for key in kept_keys() if ":preview:" in key]


def test_each_assessment_keeps_its_own_order_of_situation_options(client, kesra_role):
    from assessments.forms import shuffled_options

    first, second = start(client, kesra_role), start(client, kesra_role)
    snapshot = first.snapshot
    number, item = next(
        (number, item)
        for number, section in enumerate(snapshot["sections"], start=1)
        for item in (i for i in snapshot["items"] if i["code"] in section["items"])
        if item["kind"] == "scenario"
    )
    for assessment in (first, second, first, second):
        html = client.get(section_url(assessment, number)).content.decode()
        shown = re.findall(rf'name="{item["code"]}" value="([^"]+)"', html)
        expected = [option["code"] for option in shuffled_options(item, assessment.token)]
        assert shown == expected
