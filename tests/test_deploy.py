"""Production configuration: deploy checks, static files, gunicorn, error pages, logging."""

import http.client
import json
import logging
import os
import runpy
import secrets
import socket
import string
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from assessments import views
from assessments.models import Assessment
from careerfit.log_filters import RedactAssessmentTokens
from tests.answers import answers_for
from tests.clients import FormClient
from tests.factories import make_complete_role

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "careerfit.example.org"

# Environment variables that choose how the app runs; a subprocess starts without them.
RUN_VARIABLES = ("DJANGO_", "CAREERFIT_", "GUNICORN_")
RUN_NAMES = {"DATABASE_URL", "REDIS_URL", "BIND", "PORT", "WEB_CONCURRENCY"}


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a real key, one host name."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(RUN_VARIABLES) and name not in RUN_NAMES
    }
    alphabet = string.ascii_letters + string.digits
    env |= {
        "DJANGO_SETTINGS_MODULE": "careerfit.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DJANGO_ALLOWED_HOSTS": HOST,
        # An existing, empty directory: whitenoise warns about a missing one.
        "DJANGO_STATIC_ROOT": str(tmp_path),
        "SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
    }
    return env | overrides


def run(args: list[str], env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


# --- Deploy checks ------------------------------------------------------------------------


def test_check_deploy_prints_no_warnings(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "no issues" in result.stdout


def test_check_deploy_prints_no_warnings_with_the_documented_environment(tmp_path):
    """docs/operations.md's Environment table, filled in: PostgreSQL, Redis, a TLS proxy."""
    documented = {
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": "postgres://careerfit:secret@db.internal:5432/careerfit",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_HSTS_PRELOAD": "0",
        "DJANGO_SECURE_COOKIES": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
    }
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, **documented),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in result.stdout


def test_check_deploy_would_catch_an_insecure_setting(tmp_path):
    """The check above can fail: plain-HTTP cookies are reported."""
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, DJANGO_SECURE_COOKIES="0"),
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


# --- Static files -------------------------------------------------------------------------

COLLECT_WITHOUT_BROTLI = (
    # Brotli at its best quality takes minutes over Bootstrap and the admin's files; gzip
    # goes through the same compression step of whitenoise's storage in seconds.
    "import sys; sys.modules['brotli'] = None\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', 'collectstatic', '--no-input'])\n"
)


# static_root (tests/conftest.py): STATIC_ROOT after collectstatic in production mode.


@pytest.mark.parametrize("name", ["css/careerfit.css", "bootstrap/css/bootstrap.min.css"])
def test_collectstatic_hashes_and_compresses_in_production(static_root, name):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"][name]
    assert hashed != name  # a content hash in the name: cacheable forever
    assert (static_root / hashed).is_file()
    assert (static_root / f"{hashed}.gz").is_file()


# --- Gunicorn -----------------------------------------------------------------------------


def gunicorn_config(monkeypatch, **env: str) -> dict:
    """The settings gunicorn.conf.py gives under ``env``; os.environ is restored afterwards."""
    for name in ("DJANGO_DEBUG", "BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG"):
        monkeypatch.setenv(name, "")  # so that monkeypatch restores it, set or not
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_defaults_to_production_on_the_loopback(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert os.environ["DJANGO_DEBUG"] == "0"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert config["accesslog"] is None


def test_gunicorn_reads_port_bind_and_concurrency(monkeypatch):
    assert gunicorn_config(monkeypatch, PORT="9000")["bind"] == ["127.0.0.1:9000"]
    config = gunicorn_config(monkeypatch, BIND="0.0.0.0:80, [::]:80", WEB_CONCURRENCY="3")
    assert config["bind"] == ["0.0.0.0:80", "[::]:80"]
    assert config["workers"] == 3


def test_gunicorn_keeps_an_explicit_debug_setting(monkeypatch):
    gunicorn_config(monkeypatch, DJANGO_DEBUG="1")
    assert os.environ["DJANGO_DEBUG"] == "1"


def test_gunicorn_access_log_format_leaves_out_path_query_and_referer(monkeypatch):
    config = gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG="-")
    assert config["accesslog"] == "-"
    # r: request line, U: path, q: query, f: Referer, i/{...}: any header.
    for atom in ("%(r)s", "%(U)s", "%(q)s", "%(f)s", "%({"):
        assert atom not in config["access_log_format"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} in {seconds} s")


def fetch(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_gunicorn_serves_the_app_and_static_files_in_production_mode(static_root):
    port = free_port()
    env = production_env(
        static_root,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DJANGO_BEHIND_TLS_PROXY="1",
    )
    del env["DJANGO_DEBUG"]  # gunicorn.conf.py makes it 0
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "careerfit.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, process)
        https = {"X-Forwarded-Proto": "https"}
        plain = fetch(port, "/")
        probe = fetch(port, "/healthz")  # a load balancer's, straight to the app server
        health = fetch(port, "/healthz", **https)
        stylesheet = json.loads((static_root / "staticfiles.json").read_text())["paths"][
            "css/careerfit.css"
        ]
        static = fetch(port, f"/static/{stylesheet}", **https, **{"Accept-Encoding": "gzip"})
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]

    assert plain.status == HTTPStatus.MOVED_PERMANENTLY
    assert plain.getheader("Location") == f"https://{HOST}/"
    assert probe.status == HTTPStatus.OK
    assert health.status == HTTPStatus.OK, output
    assert health.body == b"ok"
    assert "max-age=31536000" in health.getheader("Strict-Transport-Security")
    assert "default-src 'self'" in health.getheader("Content-Security-Policy")
    assert static.status == HTTPStatus.OK
    assert static.getheader("Content-Encoding") == "gzip"
    assert "immutable" in static.getheader("Cache-Control")
    assert "/healthz" not in output  # no access log unless asked for


# --- Error pages --------------------------------------------------------------------------

# The Indonesian heading of each page; in English the catalog decides the words.
HEADINGS = {
    HTTPStatus.BAD_REQUEST: "Permintaan tidak dapat diproses",
    HTTPStatus.FORBIDDEN: "Anda tidak punya akses ke halaman ini",
    HTTPStatus.NOT_FOUND: "Halaman tidak ditemukan",
    HTTPStatus.TOO_MANY_REQUESTS: "Mohon tunggu sebentar",
    HTTPStatus.INTERNAL_SERVER_ERROR: "Maaf, terjadi kesalahan di server",
}


def bad_request(client, role, settings, monkeypatch):
    return client.get(reverse("assessments:home"), HTTP_HOST="not-our-site.example")


def csrf_failure(client, role, settings, monkeypatch):
    client.handler.enforce_csrf_checks = True  # and no CSRF cookie: a page left open too long
    return client.post(reverse("assessments:consent", kwargs={"slug": role.slug}))


def permission_denied(client, role, settings, monkeypatch):
    client.force_login(get_user_model().objects.create_user("staf", is_staff=True))
    return client.get(reverse("admin:auth_user_changelist"))


def not_found(client, role, settings, monkeypatch):
    return client.get(reverse("assessments:result", kwargs={"token": "tidak-ada"}))


def too_many_requests(client, role, settings, monkeypatch):
    settings.RATE_START = "1/h"
    url = reverse("assessments:consent", kwargs={"slug": role.slug})
    client.post(url, {"agree": "on"})
    return client.post(url, {"agree": "on"})


def server_error(client, role, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(views, "visible_role", broken)
    client.raise_request_exception = False
    return client.get(role.get_absolute_url())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("trigger", "status"),
    [
        (bad_request, HTTPStatus.BAD_REQUEST),
        (csrf_failure, HTTPStatus.FORBIDDEN),
        (permission_denied, HTTPStatus.FORBIDDEN),
        (not_found, HTTPStatus.NOT_FOUND),
        (too_many_requests, HTTPStatus.TOO_MANY_REQUESTS),
        (server_error, HTTPStatus.INTERNAL_SERVER_ERROR),
    ],
    ids=["400", "403-csrf", "403", "404", "429", "500"],
)
def test_error_pages_are_ours_with_the_right_status_in_both_languages(
    client, settings, monkeypatch, trigger, status, language
):
    role = make_complete_role()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = trigger(client, role, settings, monkeypatch)

    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert f'<html lang="{language}">' in html
    assert 'class="brand"' in html  # our page, not Django's plain one
    if language == "id":
        assert HEADINGS[status] in html


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- Logging ------------------------------------------------------------------------------

SECRET_MARKERS = ("jawaban-rahasia-7f3a", "sangat-pribadi-19c2")


def logged_text(records: list[logging.LogRecord]) -> str:
    """Everything a handler could write from ``records``: messages, arguments, tracebacks."""
    formatter = logging.Formatter()
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
        parts += [repr(value) for value in vars(record).values()]
    return "\n".join(parts)


@pytest.mark.django_db
def test_answers_never_reach_the_logs(client, kesra_role, caplog, monkeypatch, settings):
    assert not settings.DEBUG
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    client.post(reverse("assessments:consent", kwargs={"slug": kesra_role.slug}), {"agree": "on"})
    assessment = Assessment.objects.latest("created_at")
    answers = answers_for(assessment.snapshot, level="middle")
    first, second = assessment.snapshot["sections"][:2]

    def section_url(number, token=assessment.token):
        return reverse("assessments:section", kwargs={"token": token, "number": number})

    posted = {code: answers[code] for code in first["items"]}
    client.post(section_url(1), {**posted, "action": "next"})  # saved
    tampered = dict.fromkeys(second["items"], SECRET_MARKERS[0])
    client.post(section_url(2), {**tampered, "note": SECRET_MARKERS[1]})  # form errors
    client.post(section_url(1, token="tidak-ada"), posted)  # 404, logged
    too_many = {f"{SECRET_MARKERS[0]}-{n}": SECRET_MARKERS[1] for n in range(2100)}
    client.post(section_url(2), too_many)  # 400, logged

    def failing_save(assessment, answers):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("assessments.services.save_answers", failing_save)
    broken = FormClient(raise_request_exception=False)
    broken.post(section_url(2), {**tampered, "action": "back"})  # 500, logged with traceback

    text = logged_text(caplog.records)
    assert "Internal Server Error" in text and "Not Found" in text  # the logs were captured
    for marker in SECRET_MARKERS:
        assert marker not in text
    for code, value in posted.items():
        for shape in (f"{code}={value}", f"'{code}': '{value}'", f'"{code}": "{value}"'):
            assert shape not in text


def test_logged_paths_leave_out_the_assessment_token():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactAssessmentTokens) for f in handler.filters)
    ]
    assert handlers, "the console handler has no token filter"
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", "/a/Xq3-fake_token9/bagian/2/"),
        None,
    )
    assert handlers[0].filter(record)
    assert record.getMessage() == "Not Found: /a/[token]/bagian/2/"
