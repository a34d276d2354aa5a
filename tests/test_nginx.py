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
from contextlib import ExitStack
from http import HTTPStatus
from pathlib import Path

import pytest

from tests.test_deploy import free_port, production_env, wait_for

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
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


def nginx_configuration(tmp_path: Path, app_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx.conf with this test's ports and files, inside a minimal main file."""
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
    site = substitute(site, f"/etc/ssl/certs/{HOST}.pem", str(tmp_path / "tls.pem"))
    site = substitute(site, f"/etc/ssl/private/{HOST}.key", str(tmp_path / "tls.key"))
    site = site.replace("/var/log/nginx/careerfit.access.log", str(tmp_path / "access.log"))
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


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """gunicorn (2 sync workers) and nginx with deploy/nginx.conf in front; their ports."""
    nginx = nginx_binary()
    tmp_path = tmp_path_factory.mktemp("nginx")
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = production_env(tmp_path, BIND=f"127.0.0.1:{app_port}", DJANGO_BEHIND_TLS_PROXY="1")
    env["DJANGO_ALLOWED_HOSTS"] = HOST
    del env["DJANGO_DEBUG"]  # gunicorn.conf.py makes it 0
    main = nginx_configuration(tmp_path, app_port, http_port, https_port)
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
            stdout=subprocess.PIPE,
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
        yield {"app": app_port, "http": http_port, "https": https_port}


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


def connect(port: int, tls: bool, timeout: float = 5) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return tls_context().wrap_socket(sock, server_hostname=HOST) if tls else sock


def health(port: int, tls: bool) -> http.client.HTTPResponse:
    """GET /healthz, failing with a timeout if nobody answers within HEALTH_TIMEOUT."""
    if tls:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=HEALTH_TIMEOUT, context=tls_context()
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HEALTH_TIMEOUT)
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
