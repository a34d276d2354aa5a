"""No log of the production stack keeps a private link or a visitor's address.

nginx (deploy/nginx.conf) in front of gunicorn, as tests/test_nginx.py runs them, with a
migrated database: a visitor from 127.0.0.2 starts an assessment, then nginx refuses an
oversized answer (413), a broken request (400), the app answers a page that does not exist
(404, which Django logs), and, with gunicorn stopped, nginx answers 502. Every log written
(nginx's own error log, the site's error and access logs, gunicorn's and Django's output) is
then searched for the assessment's token and the visitor's address.
"""

import http.client
import re
from http import HTTPStatus
from http.cookies import SimpleCookie

import pytest

from tests.test_logging import LINE
from tests.test_nginx import HOST, connect, running_stack, stop

VISITOR = "127.0.0.2"  # any loopback address but the one the servers bind to
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """Requests over TLS from ``VISITOR``, keeping cookies; redirects not followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, body: bytes = b"", **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        connection.sock = connect(self.port, tls=True, source=VISITOR, timeout=20)
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        headers = {"Host": HOST, "Cookie": cookie, "Origin": f"https://{HOST}"} | headers
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        response.body = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or ():
            self.cookies.load(value)
        connection.close()
        return response


def start_assessment(visitor: Visitor, slug: str) -> str:
    """The private path of a new assessment's first section."""
    consent = visitor.request("GET", f"/jabatan/{slug}/mulai/")
    assert consent.status == HTTPStatus.OK, consent.body[:500]
    csrf = CSRF_INPUT.search(consent.body).group(1)
    started = visitor.request(
        "POST",
        f"/jabatan/{slug}/mulai/",
        f"csrfmiddlewaretoken={csrf}&agree=on".encode(),
        Referer=f"https://{HOST}/jabatan/{slug}/mulai/",
    )
    assert started.status == HTTPStatus.FOUND, started.body[:500]
    return started.getheader("Location").removeprefix(f"https://{HOST}")


def provoke_errors(stack, visitor: Visitor, section_path: str) -> None:
    referer = {"Referer": f"https://{HOST}{section_path}"}
    assert visitor.request("GET", section_path).status == HTTPStatus.OK
    # nginx refuses an oversized answer (its 64 KB public limit).
    big = visitor.request("POST", section_path, b"a=" + b"x" * 70 * 1024, **referer)
    assert big.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    # nginx refuses a broken header line, after it has read the request line.
    with connect(stack["https"], tls=True, source=VISITOR) as sock:
        sock.sendall(
            f"GET {section_path} HTTP/1.1\r\nHost: {HOST}\r\nNo colon here\r\n\r\n".encode()
        )
        assert b" 400 " in sock.recv(100)
    # The app answers a 404 (logged by Django, the token cut out).
    missing = section_path.replace("/bagian/1/", "/bagian/99/")
    assert visitor.request("GET", missing, **referer).status == HTTPStatus.NOT_FOUND
    # No app server: nginx answers 502 with the site's page.
    stop(stack["gunicorn"])
    down = visitor.request("POST", section_path, b"a=1", **referer)
    assert down.status == HTTPStatus.BAD_GATEWAY
    assert "Maaf, layanan sedang terganggu sebentar" in down.body
    assert visitor.request("GET", section_path, **referer).status == HTTPStatus.BAD_GATEWAY


@pytest.mark.parametrize("error_level", ["emerg", "warn"], ids=["shipped", "nginx default"])
def test_no_log_keeps_a_private_link_or_the_visitors_address(
    tmp_path, sqlite_database, static_root, error_level
):
    database, role = sqlite_database
    app_log = tmp_path / "gunicorn.log"
    with (
        app_log.open("w") as output,
        running_stack(
            tmp_path,
            error_level,
            app_output=output,
            SQLITE_PATH=str(database),
            DJANGO_STATIC_ROOT=str(static_root),
        ) as stack,
    ):
        visitor = Visitor(stack["https"])
        section_path = start_assessment(visitor, role["slug"])
        token = section_path.split("/")[2]
        provoke_errors(stack, visitor, section_path)

    logs = {path.name: path.read_text() for path in tmp_path.glob("*.log")}
    assert set(logs) == {"error.log", "careerfit.error.log", "access.log", "gunicorn.log"}
    if error_level == "warn":
        # The same requests with nginx's usual error log: the token and the address are there.
        assert token in logs["careerfit.error.log"]
        assert VISITOR in logs["careerfit.error.log"]
        return
    for name, text in logs.items():
        assert token not in text, name
        assert VISITOR not in text, name
    # What the error log would have said is in the access log, without path or address.
    requests = [line.split('"')[1:3] for line in logs["access.log"].splitlines()]
    refused = {(method, rest.split()[0]) for method, rest in requests}
    assert {("POST", "413"), ("GET", "400"), ("GET", "404"), ("POST", "502")} <= refused, refused
    assert all(line.startswith("127.0.0.0 ") for line in logs["access.log"].splitlines())
    # gunicorn's and Django's lines share one format: UTC time, level, logger.
    lines = [line for line in logs["gunicorn.log"].splitlines() if line.strip()]
    assert lines and all(LINE.match(line) for line in lines), logs["gunicorn.log"]
    assert any(" INFO gunicorn.error Booting worker" in line for line in lines)
    assert any(" WARNING django.request Not Found: /a/[token]/bagian/99/" in line for line in lines)
