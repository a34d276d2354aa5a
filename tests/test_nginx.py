"""deploy/nginx.conf in front of gunicorn: slow or oversized clients cannot stall /healthz.

Starts Debian's nginx (apt-get install nginx) with the shipped configuration on free
loopback ports, in a temporary prefix, in front of a gunicorn of its own with two sync
workers; the system's nginx, if any, is left alone.
"""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest

from tests.test_deploy import free_port, production_env, wait_for

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
ERROR_PAGES = ROOT / "deploy" / "error_pages"
HOST = "careerfit.example.go.id"
WORKERS = 2
# More slow clients than gunicorn has workers: straight to gunicorn, they take them all.
SLOW_CLIENTS = 3 * WORKERS
HEALTH_TIMEOUT = 3  # seconds; /healthz answers in milliseconds when a worker is free


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        reason = "the proxy tests need nginx (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def substitute(text: str, old: str, new: str) -> str:
    """Replace ``old``, which must be in the shipped file exactly once."""
    assert text.count(old) == 1, f"{old!r} is not in deploy/nginx.conf exactly once"
    return text.replace(old, new)


def nginx_configuration(
    tmp_path: Path, app_port: int, http_port: int, https_port: int, error_level: str = "emerg"
) -> Path:
    """deploy/nginx.conf with this test's ports and files, inside a minimal main file.

    ``error_level`` is the site's error log level (the shipped file's is "emerg").
    """
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-keyout", str(tmp_path / "tls.key")]
        + ["-out", str(tmp_path / "tls.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = CONFIG.read_text()
    site = substitute(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = substitute(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = substitute(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = substitute(site, "listen [::]:80;", "")
    site = substitute(site, "listen [::]:443 ssl;", "")
    site = substitute(
        site, "listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"
    )
    site = substitute(
        site, "listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"
    )
    site = substitute(site, "listen [::]:80 default_server;", "")
    site = substitute(site, "listen [::]:443 ssl default_server;", "")
    site = substitute(site, f"/etc/ssl/certs/{HOST}.pem", str(tmp_path / "tls.pem"))
    site = substitute(site, f"/etc/ssl/private/{HOST}.key", str(tmp_path / "tls.key"))
    site = substitute(site, "/srv/careerfit/deploy/error_pages/", f"{ERROR_PAGES}/")
    site = site.replace("/var/log/nginx/careerfit.access.log", str(tmp_path / "access.log"))
    site = site.replace(
        "/var/log/nginx/careerfit.error.log emerg;",
        f"{tmp_path / 'careerfit.error.log'} {error_level};",
    )
    (tmp_path / "careerfit.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as nobody, who cannot enter pytest's private tmp.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\nerror_log {tmp_path / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n{temp_paths}\n    include {tmp_path / 'careerfit.conf'};\n}}\n"
    )
    return main


@contextmanager
def running_stack(
    tmp_path: Path, error_level: str = "emerg", app_output=subprocess.PIPE, **app_env: str
):
    """gunicorn (2 sync workers) and nginx with deploy/nginx.conf in front, in ``tmp_path``.

    Yields the ports and gunicorn's process; gunicorn writes its log to ``app_output`` and
    runs with ``app_env`` added to a production environment.
    """
    nginx = nginx_binary()
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = production_env(
        tmp_path, BIND=f"127.0.0.1:{app_port}", DJANGO_BEHIND_TLS_PROXY="1", **app_env
    )
    env["DJANGO_ALLOWED_HOSTS"] = HOST
    del env["DJANGO_DEBUG"]  # gunicorn.conf.py makes it 0
    main = nginx_configuration(tmp_path, app_port, http_port, https_port, error_level)
    prefix = ["-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")]
    checked = subprocess.run(
        [nginx, "-t", *prefix, "-g", f"pid {tmp_path / 'test.pid'};"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    with ExitStack() as stack:
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS)]
            + ["--no-control-socket", "careerfit.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=app_output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stack.callback(stop, app)
        proxy = subprocess.Popen(
            [nginx, *prefix, "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stack.callback(stop, proxy)
        wait_for(app_port, app)
        wait_for(https_port, proxy)
        yield {"app": app_port, "http": http_port, "https": https_port, "gunicorn": app}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """gunicorn (2 sync workers) and nginx with deploy/nginx.conf in front; their ports."""
    with running_stack(tmp_path_factory.mktemp("nginx")) as ports:
        yield ports


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def connect(
    port: int, tls: bool, timeout: float = 5, name: str = HOST, source: str = "127.0.0.1"
) -> socket.socket:
    """A connection from ``source`` (any loopback address), over TLS naming ``name``."""
    sock = socket.create_connection(
        ("127.0.0.1", port), timeout=timeout, source_address=(source, 0)
    )
    return tls_context().wrap_socket(sock, server_hostname=name) if tls else sock


def health(port: int, tls: bool) -> http.client.HTTPResponse:
    """GET /healthz, failing with a timeout if nobody answers within HEALTH_TIMEOUT."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HEALTH_TIMEOUT)
    # Over TLS, with the site's name (SNI): nginx refuses a handshake without it.
    connection.sock = connect(port, tls, timeout=HEALTH_TIMEOUT)
    connection.request("GET", "/healthz", headers={"Host": HOST})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def status_of(port: int, head: str, tls: bool = True) -> int:
    """Send a request's head only (no body) and read the status the server answers with."""
    with connect(port, tls) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode())
        first_line = sock.makefile("rb").readline().decode()
    return int(first_line.split()[1])


def open_slow_clients(stack: ExitStack, port: int, tls: bool) -> None:
    """Half send a header that never ends (slowloris), half a body that never ends."""
    for n in range(SLOW_CLIENTS):
        sock = stack.enter_context(connect(port, tls))
        if n % 2:
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
        else:
            sock.sendall(
                f"POST /jabatan/x/mulai/ HTTP/1.1\r\nHost: {HOST}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 60000\r\n\r\nagree=".encode()
            )


def test_slow_clients_cannot_stall_healthz_behind_nginx(stack):
    with ExitStack() as slow:
        open_slow_clients(slow, stack["https"], tls=True)
        time.sleep(0.5)  # let nginx take them all in
        started = time.monotonic()
        answers = [health(stack["https"], tls=True) for _ in range(5)]
        elapsed = time.monotonic() - started

    assert [answer.status for answer in answers] == [HTTPStatus.OK] * 5
    assert answers[0].body == b"ok"
    assert elapsed < 5 * HEALTH_TIMEOUT


def test_without_nginx_the_same_slow_clients_do_stall_gunicorn(stack):
    """The test above can fail: straight to gunicorn, the slow clients hold every worker."""
    with ExitStack() as slow:
        open_slow_clients(slow, stack["app"], tls=False)
        with pytest.raises(TimeoutError):
            health(stack["app"], tls=False)
    # Once they are gone, gunicorn answers again.
    deadline = time.monotonic() + 20
    while True:
        try:
            assert health(stack["app"], tls=False).status == HTTPStatus.OK
            break
        except TimeoutError:
            assert time.monotonic() < deadline


@pytest.mark.parametrize(
    ("path", "length"),
    [("/jabatan/x/mulai/", 500 * 1024 * 1024), ("/jabatan/x/mulai/", 65 * 1024 + 1)]
    + [("/admin/assessments/role/import/", 7 * 1024 * 1024)],
    ids=["500 MB public", "65 KB public", "7 MB admin"],
)
def test_an_oversized_body_is_refused_by_nginx_before_it_is_sent(stack, path, length):
    head = (
        f"POST {path} HTTP/1.1\nHost: {HOST}\nContent-Type: multipart/form-data; boundary=x\n"
        f"Content-Length: {length}\nConnection: close\n\n"
    )
    assert status_of(stack["https"], head) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert health(stack["https"], tls=True).status == HTTPStatus.OK


def test_the_app_sees_https_and_plain_http_is_redirected(stack):
    answer = health(stack["https"], tls=True)
    # SecurityMiddleware sends HSTS only on a request it takes for HTTPS: the proxy's
    # X-Forwarded-Proto reached the app.
    assert "max-age=" in answer.getheader("Strict-Transport-Security")
    assert "nginx/" not in (answer.getheader("Server") or "")
    head = f"GET /jabatan/x/ HTTP/1.1\nHost: {HOST}\nConnection: close\n\n"
    assert status_of(stack["http"], head, tls=False) == HTTPStatus.MOVED_PERMANENTLY


def test_the_access_log_leaves_out_paths():
    log_format = re.search(r"log_format careerfit '([^']*)'", CONFIG.read_text()).group(1)
    for variable in ("$request ", "$request_uri", "$uri", "$args", "$http_referer"):
        assert variable not in log_format + " "
    # The visitor's network, not their address (tests/test_proxy_logs.py runs it).
    assert "$remote_addr" not in log_format
    assert "$careerfit_client_network" in log_format


# --- nginx's own error pages and unknown hosts --------------------------------------------


def exchange(port: int, head: str, *, tls: bool = True, body: bytes = b"", **where) -> bytes:
    """Send a request (its head ends the connection) and read the whole answer."""
    with connect(port, tls, **where) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_and_body(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


LANGUAGE_COOKIES = {"id": "", "en": "Cookie: a=1; __Host-language=en\n"}
# The heading of each page nginx serves, in both languages (deploy/error_pages/).
HEADINGS = {
    (400, "id"): "Permintaan tidak dapat diproses",
    (400, "en"): "The request could not be processed",
    (413, "id"): "Data yang dikirim terlalu besar",
    (413, "en"): "The data sent is too large",
    (414, "id"): "Alamat halaman terlalu panjang",
    (414, "en"): "The page address is too long",
    (502, "id"): "Maaf, layanan sedang terganggu sebentar",
    (502, "en"): "Sorry, the service is briefly disrupted",
}


def refused_request(status: int, cookie: str) -> tuple[str, bytes]:
    """A request (head, body) that nginx refuses itself with ``status``."""
    if status == HTTPStatus.BAD_REQUEST:
        return f"GET / HTTP/1.1\nHost: {HOST}\n{cookie}No colon in this line\n\n", b""
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        head = (
            f"POST /a/sometoken/bagian/1/ HTTP/1.1\nHost: {HOST}\n{cookie}"
            "Content-Type: application/x-www-form-urlencoded\n"
            f"Content-Length: {70 * 1024}\nConnection: close\n\n"
        )
        return head, b"x" * 70 * 1024
    assert status == HTTPStatus.REQUEST_URI_TOO_LONG
    return f"GET /{'x' * 9000} HTTP/1.1\nHost: {HOST}\n{cookie}Connection: close\n\n", b""


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("status", [400, 413, 414])
def test_nginx_refuses_with_the_apps_own_page_in_the_visitors_language(stack, status, language):
    head, body = refused_request(status, LANGUAGE_COOKIES[language])
    answer = exchange(stack["https"], head, body=body)
    got, html = status_and_body(answer)
    assert got == status
    if status == HTTPStatus.REQUEST_URI_TOO_LONG:
        # Refused before nginx reads the headers: no cookie, the site's default language.
        language = "id"
    assert HEADINGS[status, language] in html
    assert f'<html lang="{language}">' in html
    assert b"Content-Type: text/html; charset=utf-8" in answer
    assert "nginx" not in html


def test_the_error_pages_nginx_serves_are_those_the_templates_give():
    """deploy/error_pages/ is what manage.py write_error_pages writes today."""
    from assessments.management.commands.write_error_pages import error_pages

    for name, html in error_pages().items():
        assert (ERROR_PAGES / name).read_text(encoding="utf-8") == html, name
        status, language = int(name[3:6]), name[:2]
        if (status, language) in HEADINGS:
            assert HEADINGS[status, language] in html


@pytest.mark.parametrize("tls", [True, False], ids=["https", "http"])
def test_an_unknown_host_is_closed_without_an_answer(stack, tls):
    port = stack["https" if tls else "http"]
    # A known name in the TLS handshake, another in the Host header.
    head = "GET /healthz HTTP/1.1\nHost: attacker.example\nConnection: close\n\n"
    assert exchange(port, head, tls=tls) == b""
    # The same request with the site's name is answered.
    assert exchange(port, head.replace("attacker.example", HOST), tls=tls) != b""


def test_a_tls_handshake_without_the_sites_name_is_refused(stack):
    with pytest.raises(ssl.SSLError):
        exchange(stack["https"], f"GET /healthz HTTP/1.1\nHost: {HOST}\n\n", name="10.0.0.1")
