"""Bounded input: public pages take small urlencoded forms only, refused before any read."""

import io
import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import make_assessment, make_complete_role, make_hr_user

pytestmark = pytest.mark.django_db

HALF_A_GIGABYTE = 500 * 1024 * 1024


@pytest.fixture
def no_multipart_parsing(monkeypatch):
    """Fails the test if Django starts parsing a multipart body (and so spooling files)."""

    def refuse(self):
        raise AssertionError("a multipart body was parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)


def public_post_urls():
    role = make_complete_role()
    assessment = make_assessment(role)
    return {
        "consent": reverse("assessments:consent", kwargs={"slug": role.slug}),
        "section": reverse("assessments:section", kwargs={"token": assessment.token, "number": 1}),
        "delete": reverse("assessments:delete", kwargs={"token": assessment.token}),
        "switch_language": reverse("switch_language", args=["en"]),
    }


@pytest.mark.parametrize("endpoint", ["consent", "section", "delete", "switch_language"])
def test_a_multipart_post_with_a_file_is_refused_unparsed(endpoint, no_multipart_parsing):
    url = public_post_urls()[endpoint]
    upload = SimpleUploadedFile("big.bin", b"x" * 4096, "application/octet-stream")

    response = Client().post(url, {"agree": "on", "file": upload})  # multipart, as sent

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Permintaan tidak dapat diproses" in response.content.decode()
    assert Assessment.objects.count() == 1  # none started, none deleted


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x", ""]
)
def test_other_content_types_are_refused(client, content_type):
    url = public_post_urls()["consent"]
    response = client.generic("POST", url, json.dumps({"agree": "on"}), content_type)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Assessment.objects.count() == 1


def test_a_huge_content_length_is_refused_without_reading_the_body(client):
    url = public_post_urls()["consent"]
    # The test client's payload refuses to be read past its few bytes: a read would fail.
    response = client.generic(
        "POST",
        url,
        "agree=on",
        "application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(HALF_A_GIGABYTE),
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Data yang dikirim terlalu besar" in response.content.decode()
    assert response.content.decode().startswith("<!DOCTYPE html>")


def test_the_public_limit_is_just_above_what_a_form_needs(client, settings):
    url = public_post_urls()["consent"]
    fits = {"agree": "on", "pad": "x" * (settings.PUBLIC_MAX_BODY_BYTES - 100)}
    too_long = {"agree": "on", "pad": "x" * settings.PUBLIC_MAX_BODY_BYTES}
    assert client.post(url, fits).status_code == HTTPStatus.FOUND
    assert client.post(url, too_long).status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_a_chunked_body_is_refused(client):
    url = public_post_urls()["consent"]
    response = client.generic(
        "POST",
        url,
        b"",
        "application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_refusal_speaks_the_visitors_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = public_post_urls()["consent"]
    response = client.generic("POST", url, "{}", "application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<html lang="en">' in response.content.decode()


def test_get_requests_are_untouched(client):
    response = client.get(public_post_urls()["consent"], CONTENT_TYPE="application/json")
    assert response.status_code == HTTPStatus.OK


# --- The admin keeps its file upload, with a limit of its own -------------------------------


def test_the_admin_still_takes_a_multipart_profile_import(kesra_role):
    hr = Client()
    hr.force_login(make_hr_user())
    document = reverse("admin:assessments_role_profile", args=[kesra_role.pk])
    content = hr.get(document).content
    upload = SimpleUploadedFile("profil.json", content, "application/json")

    response = hr.post(
        reverse("admin:assessments_role_import"), {"file": upload, "slug": "salinan"}
    )

    assert response.status_code == HTTPStatus.FOUND, response.content[:1000]


def test_the_admin_refuses_a_body_beyond_its_own_limit(settings):
    hr = Client()
    hr.force_login(make_hr_user())
    response = hr.generic(
        "POST",
        reverse("admin:assessments_role_import"),
        b"--x--",
        "multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.ADMIN_MAX_BODY_BYTES + 1),
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_uploaded_files_are_held_in_memory_never_in_a_temporary_file(settings):
    from django.core.files.uploadhandler import load_handler

    handlers = [load_handler(path) for path in settings.FILE_UPLOAD_HANDLERS]
    assert [type(handler).__name__ for handler in handlers] == ["MemoryFileUploadHandler"]
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.ADMIN_MAX_BODY_BYTES
    handler = handlers[0]
    handler.handle_raw_input(io.BytesIO(), {}, settings.ADMIN_MAX_BODY_BYTES, "x")
    assert handler.activated  # every body the admin accepts stays in memory
