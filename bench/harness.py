"""What the benchmarks share: the site as production runs it, on loopback, on a throwaway
database, and a visitor that walks through it.

``Site`` collects the static files into a temporary STATIC_ROOT, migrates a scratch
database (an SQLite file, or a PostgreSQL database created on 127.0.0.1:5432 and dropped
afterwards), loads the reference data and serves ``careerfit.wsgi`` with gunicorn, DEBUG
off, exactly as the production settings do except plain http (no secure cookies, no TLS
redirect) and no rate limit (every simulated visitor shares one address).
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN_CONF = REPO / "gunicorn.conf.py"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ROLE_SLUG = "kabag-kesra"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def default_workers() -> int:
    """Gunicorn's rule of thumb for sync workers: 2 x cores + 1."""
    return 2 * cores() + 1


def command_line() -> str:
    """The command that ran this script, as typed from the repository root."""
    python = os.path.relpath(PYTHON, REPO) if PYTHON.startswith(str(REPO)) else PYTHON
    return shlex.join([python, os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]])


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cores()} cores{f' ({model})' if model else ''}, Python {sys.version.split()[0]}"


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (a gunicorn master's workers)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent:
            children.append(int(entry.name))
    return sorted(children)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def gunicorn_arguments(*, workers: int, port: int, control_socket: Path) -> list[str]:
    """What every benchmarked server runs with, ours and the peer's alike."""
    arguments = ["--config", str(GUNICORN_CONF)] if GUNICORN_CONF.exists() else []
    return arguments + [
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        # No recycling mid-run: at /healthz's rate a worker would restart (and import
        # Django again) every few seconds, which would skew the ratios.
        "--max-requests",
        "0",
        # Gunicorn's control socket has one default path per user: a second server (the
        # peer's, or another benchmark on this machine) would take it over.
        "--control-socket",
        str(control_socket),
    ]


def wait_until_serving(process: subprocess.Popen, url: str, workers: int, log_path: Path) -> None:
    """Until ``url`` answers 200 and every worker is up, then a few requests per worker."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and len(child_pids(process.pid)) == workers:
                    break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        raise RuntimeError(f"gunicorn did not answer:\n{log_path.read_text()}")
    # Let every worker import the app before measuring.
    for _ in range(workers * 4):
        urllib.request.urlopen(url, timeout=5).read()


def stop_process(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Scratch databases --------------------------------------------------------------------
def create_pg_database(name: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_pg_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def production_env(*, tmp: Path, db: str, database_url: str = "") -> dict[str, str]:
    """The environment of a production server on loopback, over plain http."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="careerfit.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        CAREERFIT_RATELIMIT="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if db == "postgres":
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    return env


class Site:
    """A gunicorn serving the app on a scratch database; a context manager."""

    def __init__(
        self,
        *,
        db: str = "sqlite",
        workers: int | None = None,
        static_root: str = "",
        quiet: bool = False,
        extra_env: dict[str, str] | None = None,
    ):
        if db not in {"sqlite", "postgres"}:
            raise ValueError(f"unknown database {db!r}")
        self.db = db
        self.workers = workers or default_workers()
        self.quiet = quiet
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.pg_name = ""
        self._tmp = tempfile.TemporaryDirectory(prefix="careerfit-bench-")
        self.tmp = Path(self._tmp.name)
        # collectstatic compresses every file (brotli): minutes on a busy machine. A kept
        # STATIC_ROOT, once collected, is reused.
        self.static_root = Path(static_root) if static_root else self.tmp / "static"
        self.env: dict[str, str] = {}
        self.extra_env = extra_env or {}
        self.gunicorn_command: list[str] = []

    def log(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def __enter__(self) -> Site:
        try:
            database_url = ""
            if self.db == "postgres":
                self.pg_name = f"careerfit_bench_{secrets.token_hex(4)}"
                database_url = create_pg_database(self.pg_name)
            self.env = production_env(tmp=self.tmp, db=self.db, database_url=database_url)
            self.env["DJANGO_STATIC_ROOT"] = str(self.static_root)
            self.env.update(self.extra_env)
            self.log(f"preparing a scratch {self.db} database in {self.tmp}")
            if not (self.static_root / "staticfiles.json").exists():
                self.log(f"collecting static files into {self.static_root}")
                self.manage("collectstatic", "--no-input", "--verbosity", "0")
            self.manage("migrate", "--no-input", "--verbosity", "0")
            self.manage("load_reference_data")
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self) -> None:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            *gunicorn_arguments(
                workers=self.workers, port=self.port, control_socket=self.tmp / "gunicorn.ctl"
            ),
            "careerfit.wsgi",
        ]
        self.gunicorn_command = command
        self.log_path = self.tmp / "gunicorn.log"
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_serving(self.process, self.url("/healthz"), self.workers, self.log_path)

    def shown_gunicorn_command(self) -> str:
        shown = [os.path.relpath(self.gunicorn_command[0], REPO), *self.gunicorn_command[1:]]
        shown = [
            os.path.relpath(part, REPO) if part == str(GUNICORN_CONF) else part for part in shown
        ]
        return shlex.join(shown)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.env["SQLITE_PATH"])

    def url(self, path: str) -> str:
        return self.base_url + path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master process."""
        return child_pids(self.process.pid) if self.process else []

    def workers_cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far.

        On a shared machine requests/s swing with the neighbours' load; the server's CPU time
        per request does much less, so it is the steadier measure of what a page costs.
        """
        return cpu_seconds(self.worker_pids())

    def server_cpu_seconds(self) -> float:
        """CPU time of the whole server so far: the master and its workers."""
        return cpu_seconds([self.process.pid, *self.worker_pids()]) if self.process else 0.0

    def stop(self) -> None:
        stop_process(self.process)

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.pg_name:
            drop_pg_database(self.pg_name)
        self._tmp.cleanup()

    def django_shell(self, code: str) -> str:
        """Run ``code`` in a Django shell against the scratch database; its output."""
        return self.manage("shell", "--no-imports", "--command", code)


# --- Visitors -----------------------------------------------------------------------------
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
SECTION_PATH = re.compile(r"^/a/([^/]+)/bagian/(\d+)/$")
RESULT_PATH = re.compile(r"^/a/([^/]+)/hasil/$")
# A page of questions: a section, or a page of the second stage (for whoever sits near a line).
QUESTION_PATH = re.compile(r"^/a/([^/]+)/(?:bagian|tambahan)/(\d+)/$")


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise ValueError("no CSRF token in the page")
    return match.group(1)


def radio_choices(html: str) -> dict[str, list[str]]:
    """The radio groups of a questionnaire page: name -> the values offered."""
    groups: dict[str, list[str]] = {}
    for tag in RADIO.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "radio":
            groups.setdefault(attributes["name"], []).append(unescape(attributes["value"]))
    return groups


def pick_answers(html: str, rng: random.Random) -> dict[str, str]:
    return {name: rng.choice(values) for name, values in radio_choices(html).items()}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal cookie-keeping client (standard library only) for setting up data."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": self.base_url + path} if data is not None else {}
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def start(self, slug: str = ROLE_SLUG) -> str:
        """Consent to a new assessment; its token."""
        consent = f"/jabatan/{slug}/mulai/"
        _status, _location, html = self.request(consent)
        status, location, _html = self.request(
            consent, {"csrfmiddlewaretoken": csrf_token(html), "agree": "on"}
        )
        match = SECTION_PATH.match(urllib.parse.urlsplit(location).path)
        if status != 302 or not match:
            raise RuntimeError(f"consent gave {status} {location!r}")
        return match.group(1)

    def complete(self, token: str, rng: random.Random) -> None:
        """Answer every section (and second-stage page) at random, up to the result."""
        path = f"/a/{token}/bagian/1/"
        while True:
            status, _location, html = self.request(path)
            if status != 200:
                raise RuntimeError(f"GET {path} gave {status}")
            data = {**pick_answers(html, rng), "action": "next"}
            data["csrfmiddlewaretoken"] = csrf_token(html)
            status, location, _html = self.request(path, data)
            location = urllib.parse.urlsplit(location).path
            if status == 302 and RESULT_PATH.match(location):
                return
            if status != 302 or not QUESTION_PATH.match(location) or location == path:
                raise RuntimeError(f"POST {path} gave {status} {location!r}")
            path = location


# --- nginx in front ------------------------------------------------------------------------
PROXY_HOST = "careerfit.example.go.id"  # deploy/nginx.conf's server_name


class Proxy:
    """nginx with the project's deploy/nginx.conf in front of a ``Site``, over TLS.

    The shipped file as it is, but for what a loopback run must change: the ports, a
    self-signed certificate for its host name, the logs and error pages under a scratch
    directory (as tests/test_nginx.py runs it). Clients reach it at ``https_port`` with
    ``PROXY_HOST`` as the TLS server name and the Host header.
    """

    def __init__(self, app_port: int, tmp: Path):
        self.app_port = app_port
        self.https_port = free_port()
        self.http_port = free_port()
        self.tmp = tmp / "nginx"
        self.process: subprocess.Popen | None = None

    def configuration(self) -> Path:
        import shutil

        tmp = self.tmp
        tmp.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
            + ["-subj", f"/CN={PROXY_HOST}", "-keyout", str(tmp / "tls.key")]
            + ["-out", str(tmp / "tls.pem")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        site = (REPO / "deploy" / "nginx.conf").read_text()
        for old, new in (
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.app_port};"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;"),
            ("listen 80 default_server;", f"listen 127.0.0.1:{self.http_port} default_server;"),
            (
                "listen 443 ssl default_server;",
                f"listen 127.0.0.1:{self.https_port} ssl default_server;",
            ),
            ("listen [::]:80;", ""),
            ("listen [::]:443 ssl;", ""),
            ("listen [::]:80 default_server;", ""),
            ("listen [::]:443 ssl default_server;", ""),
            (f"/etc/ssl/certs/{PROXY_HOST}.pem", str(tmp / "tls.pem")),
            (f"/etc/ssl/private/{PROXY_HOST}.key", str(tmp / "tls.key")),
            ("/srv/careerfit/deploy/error_pages/", f"{REPO / 'deploy' / 'error_pages'}/"),
        ):
            if site.count(old) != 1:
                raise RuntimeError(f"{old!r} is not in deploy/nginx.conf exactly once")
            site = site.replace(old, new)
        site = site.replace("/var/log/nginx/careerfit.access.log", str(tmp / "access.log"))
        site = site.replace("/var/log/nginx/careerfit.error.log", str(tmp / "careerfit.error.log"))
        (tmp / "careerfit.conf").write_text(site)
        temp_paths = "\n".join(
            f"    {kind}_temp_path {tmp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, nginx's workers would run as nobody, who may not enter a private tmp.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = tmp / "nginx.conf"
        main.write_text(
            f"{user}worker_processes 1;\nerror_log {tmp / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n{temp_paths}\n    include {tmp / 'careerfit.conf'};\n}}\n"
        )
        self.binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
        if self.binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        return main

    def __enter__(self) -> Proxy:
        main = self.configuration()
        prefix = ["-p", str(self.tmp), "-c", str(main), "-e", str(self.tmp / "error.log")]
        checked = subprocess.run(
            [self.binary, "-t", *prefix, "-g", f"pid {self.tmp / 'test.pid'};"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if checked.returncode:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        self.process = subprocess.Popen(
            [self.binary, *prefix, "-g", f"daemon off; pid {self.tmp / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.https_port)) == 0:
                    return self
            time.sleep(0.05)
        self.__exit__()
        raise RuntimeError("nginx did not start listening")

    def __exit__(self, *exc) -> None:
        stop_process(self.process)

    def cpu_seconds(self) -> float:
        """nginx's master and worker processes."""
        if not self.process:
            return 0.0
        return cpu_seconds([self.process.pid, *child_pids(self.process.pid)])
