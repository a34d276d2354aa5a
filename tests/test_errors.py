"""Database trouble said plainly: a 503 page in the visitor's language, never a 500; /readyz."""

import json
import re
import secrets
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from django.urls import reverse

from assessments.models import Assessment
from tests.answers import answers_for
from tests.clients import FormClient
from tests.factories import make_complete_role
from tests.test_deploy import free_port, production_env, wait_for

ROOT = Path(__file__).resolve().parent.parent
KEPT = {
    "id": "Jawaban yang sudah Anda kirim sebelumnya tetap tersimpan",
    "en": "The answers you sent before are kept",
}


def assert_unavailable_page(response, language="id"):
    html = response.content.decode()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, html[:500]
    assert response["Retry-After"] == "10"
    assert f'<html lang="{language}">' in html
    assert KEPT[language] in html


def consent_url(role):
    return reverse("assessments:consent", kwargs={"slug": role.slug})


def section_url(assessment, number):
    return reverse("assessments:section", kwargs={"token": assessment.token, "number": number})


# --- In the process: a view, a middleware, a read-only database ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_locked_database_in_a_view_gets_the_503_page_and_the_answers_stay(
    client, settings, monkeypatch, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    role = make_complete_role()
    client.post(consent_url(role), {"agree": "on"})
    assessment = Assessment.objects.get()
    answers = answers_for(assessment.snapshot)
    first = {code: answers[code] for code in assessment.snapshot["sections"][0]["items"]}
    client.post(section_url(assessment, 1), first | {"action": "next"})

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("assessments.services.save_answers", locked)
    response = client.post(section_url(assessment, 2), {"action": "back"})

    assert_unavailable_page(response, language)
    assessment.refresh_from_db()
    assert assessment.answers == first


@pytest.mark.django_db
def test_database_trouble_outside_a_view_gets_the_503_page_too(monkeypatch):
    def unreachable(self, request):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", unreachable)
    response = FormClient(raise_request_exception=False).get(reverse("assessments:home"))
    assert_unavailable_page(response)


@pytest.mark.django_db
def test_other_database_errors_are_still_server_errors(client, monkeypatch):
    """A broken query is a bug to fix, not an outage to wait out."""

    def broken(*args, **kwargs):
        raise IntegrityError("NOT NULL constraint failed")

    monkeypatch.setattr("assessments.services.start_assessment", broken)
    client.raise_request_exception = False
    response = client.post(consent_url(make_complete_role()), {"agree": "on"})
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR


def terminate_own_connection():
    """End this process's PostgreSQL connection from another one, as an operator would."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("terminations", [1, 2, 3])
def test_a_postgresql_connection_terminated_mid_request_is_run_again_up_to_three_times(
    client, monkeypatch, terminations
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL only (run with DATABASE_URL)")
    from assessments import services

    role = make_complete_role()
    client.post(consent_url(role), {"agree": "on"})
    assessment = Assessment.objects.get()
    answers = answers_for(assessment.snapshot)
    first = {code: answers[code] for code in assessment.snapshot["sections"][0]["items"]}
    save_answers, calls = services.save_answers, []

    def terminated(*args, **kwargs):
        calls.append(1)
        if len(calls) <= terminations:
            terminate_own_connection()
        return save_answers(*args, **kwargs)

    monkeypatch.setattr(services, "save_answers", terminated)
    response = client.post(section_url(assessment, 1), first | {"action": "next"})

    # Once, then again on a new connection while it is terminated, three times at most.
    assert len(calls) == min(terminations + 1, 3)
    assessment.refresh_from_db()
    if terminations < 3:
        assert response.status_code == HTTPStatus.FOUND
        assert assessment.answers == first
    else:
        assert_unavailable_page(response)
        assert assessment.answers == {}


@contextmanager
def read_only_database():
    """The connection refuses every write, as a read-only file or a hot standby does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET SESSION default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET SESSION default_transaction_read_only = off")
            else:
                cursor.execute("PRAGMA query_only = OFF")


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_gets_the_503_page_and_readyz_says_not_ready(client):
    role = make_complete_role()
    with read_only_database():
        page = client.get(consent_url(role))
        start = client.post(consent_url(role), {"agree": "on"})
        ready = client.get(reverse("assessments:ready"))
        alive = client.get(reverse("assessments:health"))

    assert page.status_code == HTTPStatus.OK  # reading still works
    assert_unavailable_page(start)
    assert ready.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert ready["Retry-After"]
    assert alive.status_code == HTTPStatus.OK  # liveness does not touch the database
    assert Assessment.objects.count() == 0
    assert client.get(reverse("assessments:ready")).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_readyz_reads_and_writes_and_changes_nothing(client, django_assert_max_num_queries):
    before = list(MigrationRecorder.Migration.objects.order_by("pk").values())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessments:ready"))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().splitlines()[:2] == ["ok", "database: ok"]
    assert response["Cache-Control"].startswith("max-age=0")
    assert list(MigrationRecorder.Migration.objects.order_by("pk").values()) == before


def test_readyz_is_exempt_from_the_https_redirect(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SECURE_REDIRECT_EXEMPT)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "readyz" in done.stdout, done.stderr


@override_settings(DEBUG=False)
def test_the_unavailable_page_reads_no_session_or_messages(rf):
    """It is shown when the database is away: nothing on it may need the database."""
    from careerfit.errors import database_unavailable

    request = rf.get("/")

    class Unreadable:
        def __getattr__(self, name):
            raise OperationalError("no database")

        def __iter__(self):
            raise OperationalError("no database")

        def __len__(self):
            raise OperationalError("no database")

    request.session = Unreadable()
    request._messages = Unreadable()
    response = database_unavailable(request, OperationalError("no database"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


# --- Through gunicorn: a locked SQLite file, a read-only one, PostgreSQL refusing ---------


# sqlite_database: tests/conftest.py.


@contextmanager
def gunicorn(static_root, **env):
    """The app under gunicorn (one worker, plain HTTP) with ``env``; its base URL."""
    port = free_port()
    environment = production_env(
        static_root,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        CAREERFIT_RATELIMIT="0",
        **env,
    )
    del environment["DJANGO_DEBUG"]
    if "DATABASE_URL" in env:
        del environment["SQLITE_PATH"]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "careerfit.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
        assert "Traceback" not in output, output


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser in miniature: cookies, forms with their CSRF token, no redirects followed."""

    CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base_url: str, language: str = "id"):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(NoRedirect())
        self.cookies = {"django_language": language}
        self.csrf = ""

    def request(self, path, data=None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self.csrf}).encode()
            headers["Referer"] = self.base_url + path
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, headers, html = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, html = error.code, error.headers, error.read()
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _equals, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        html = html.decode()
        if match := self.CSRF.search(html):
            self.csrf = match.group(1)
        return status, headers, html


@contextmanager
def write_lock(path: Path):
    """Hold SQLite's write lock from another connection, as a long job or a backup would."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def stored_answers(path: Path, token: str) -> dict:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT answers FROM assessments_assessment WHERE token = ?", [token])
        return json.loads(row.fetchone()[0])


def test_a_sqlite_lock_held_past_the_busy_timeout_gets_the_503_page(sqlite_database, static_root):
    path, role = sqlite_database
    consent = f"/jabatan/{role['slug']}/mulai/"
    with gunicorn(static_root, SQLITE_PATH=str(path), SQLITE_BUSY_TIMEOUT="0.5") as base_url:
        visitor, english = Visitor(base_url), Visitor(base_url, "en")
        visitor.request(consent)
        _status, headers, _html = visitor.request(consent, {"agree": "on"})
        token = headers["Location"].split("/")[2]
        section = f"/a/{token}/bagian/"
        visitor.request(f"{section}1/")
        saved = visitor.request(f"{section}1/", role["first"] | {"action": "next"})
        visitor.request(f"{section}2/")
        english.request(consent)
        with write_lock(path):
            locked_section = visitor.request(f"{section}2/", {"action": "back"})
            locked_start = english.request(consent, {"agree": "on"})
            ready = visitor.request("/readyz")
            alive = visitor.request("/healthz")
            reading = visitor.request(f"/jabatan/{role['slug']}/")
        after = visitor.request(f"{section}2/", {"action": "back"})
        ready_after = visitor.request("/readyz")

    assert saved[0] == HTTPStatus.FOUND
    for (status, headers, html), language in ((locked_section, "id"), (locked_start, "en")):
        assert status == HTTPStatus.SERVICE_UNAVAILABLE, html[:300]
        assert headers["Retry-After"] == "10"
        assert KEPT[language] in html
    assert ready[0] == HTTPStatus.SERVICE_UNAVAILABLE
    assert alive[0] == reading[0] == HTTPStatus.OK  # WAL: reading goes on beside the lock
    assert after[0] == HTTPStatus.FOUND and ready_after[0] == HTTPStatus.OK
    assert stored_answers(path, token) == role["first"]  # the earlier answers were kept


def test_a_read_only_sqlite_file_gets_the_503_page(sqlite_database, static_root):
    path, role = sqlite_database
    consent = f"/jabatan/{role['slug']}/mulai/"
    # Opened read-only (a file the server may not write, a read-only mount): as root, file
    # permissions would not stop the writes.
    read_only = f"file:{path}?mode=ro"
    with gunicorn(static_root, SQLITE_PATH=read_only) as base_url:
        visitor = Visitor(base_url)
        page = visitor.request(consent)
        start = visitor.request(consent, {"agree": "on"})
        ready = visitor.request("/readyz")
        alive = visitor.request("/healthz")

    assert page[0] == HTTPStatus.OK
    assert start[0] == HTTPStatus.SERVICE_UNAVAILABLE, start[2][:300]
    assert KEPT["id"] in start[2]
    assert ready[0] == HTTPStatus.SERVICE_UNAVAILABLE
    assert alive[0] == HTTPStatus.OK


def test_postgresql_refusing_connections_gets_the_503_page(static_root):
    closed = free_port()  # nothing listens: every connection is refused at once
    database_url = f"postgres://postgres@127.0.0.1:{closed}/careerfit"
    with gunicorn(static_root, DATABASE_URL=database_url) as base_url:
        visitor, english = Visitor(base_url), Visitor(base_url, "en")
        # As if the consent form had been loaded before the outage: its CSRF cookie and
        # token (the error pages have no form, so they bring none).
        english.cookies["csrftoken"] = english.csrf = secrets.token_hex(16)
        home = visitor.request("/")
        page = english.request("/jabatan/kabag-kesra/mulai/")
        start = english.request("/jabatan/kabag-kesra/mulai/", {"agree": "on"})
        ready = visitor.request("/readyz")
        alive = visitor.request("/healthz")

    for (status, headers, html), language in ((home, "id"), (page, "en"), (start, "en")):
        assert status == HTTPStatus.SERVICE_UNAVAILABLE, html[:300]
        assert headers["Retry-After"] == "10"
        assert KEPT[language] in html
    assert ready[0] == HTTPStatus.SERVICE_UNAVAILABLE
    assert alive[0] == HTTPStatus.OK


# --- Pages for the statuses Django answers without a body ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_get_on_a_post_only_address_gets_a_page_in_the_visitors_language(
    client, settings, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("assessments:autosave", kwargs={"token": "sometoken", "number": 1})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    assert int(response["Content-Length"]) == len(response.content)
    assert f'<html lang="{language}">' in html
    heading = {"id": "Cara membuka halaman ini tidak didukung", "en": "cannot be opened this way"}
    assert heading[language] in html
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_a_late_answer_to_a_completed_assessment_gets_a_409_page(client):
    role = make_complete_role()
    client.post(consent_url(role), {"agree": "on"})
    assessment = Assessment.objects.get()
    answers = answers_for(assessment.snapshot, level="middle")
    for number, section in enumerate(assessment.snapshot["sections"], start=1):
        data = {code: answers[code] for code in section["items"]} | {"action": "next"}
        client.post(
            reverse("assessments:section", kwargs={"token": assessment.token, "number": number}),
            data,
        )
    url = reverse("assessments:autosave", kwargs={"token": assessment.token, "number": 1})
    response = client.post(url, {})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "Kuesioner ini sudah selesai" in response.content.decode()


def test_a_response_with_a_body_keeps_it(rf):
    from django.http import HttpResponse

    from careerfit.errors import ErrorPageBodyMiddleware

    middleware = ErrorPageBodyMiddleware(lambda request: HttpResponse("own", status=409))
    assert middleware(rf.get("/")).content == b"own"
