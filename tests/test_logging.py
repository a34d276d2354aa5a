"""Log lines: time, level and logger on each; suspicious requests as one line, no traceback."""

import io
import logging
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from careerfit.log_format import LogFormatter
from tests.factories import make_complete_role

# 2026-12-03T08:15:02.114Z WARNING careerfit.cache Redis at ...
LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ "
)


@pytest.fixture
def console():
    """What Django's console handler (settings.LOGGING) writes during the test."""
    handlers = [h for h in logging.root.handlers if isinstance(h.formatter, LogFormatter)]
    assert len(handlers) == 1, logging.root.handlers
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


def test_a_line_has_the_time_in_utc_the_level_and_the_logger(console):
    logging.getLogger("careerfit.cache").warning("Redis at %s unreachable", "redis://x")
    line = console.getvalue()
    assert LINE.match(line), line
    assert line.endswith(" WARNING careerfit.cache Redis at redis://x unreachable\n")


def test_the_time_is_utc_whatever_the_process_time_zone(monkeypatch):
    record = logging.LogRecord("x", logging.INFO, "", 0, "m", (), None)
    record.created = 0.0
    record.msecs = 0.0
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    assert LogFormatter().format(record) == "1970-01-01T00:00:00.000Z INFO x m"


@pytest.mark.django_db
def test_an_unknown_host_is_one_warning_line(client, console):
    response = client.get("/healthz", headers={"host": "attacker.example"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    lines = console.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert LINE.match(lines[0])
    assert " WARNING django.security.DisallowedHost Invalid HTTP_HOST header: " in lines[0]
    assert "Traceback" not in console.getvalue()


@pytest.mark.django_db
def test_too_many_form_fields_is_one_warning_line(client, console, settings):
    role = make_complete_role()
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    url = reverse("assessments:consent", kwargs={"slug": role.slug})
    console.truncate(0)
    response = client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    lines = console.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert " WARNING django.security.TooManyFieldsSent " in lines[0]


def test_other_errors_keep_their_level_and_traceback(console):
    try:
        raise ValueError("a bug")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /a/tok/hasil/")
    output = console.getvalue()
    assert " ERROR django.request Internal Server Error: /a/[token]/hasil/" in output
    assert "Traceback" in output
