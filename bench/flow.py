"""Concurrent visitors through the whole flow, then a check that no acknowledged result is lost.

Serves the app as bench/throughput.py does (harness.Site: gunicorn, DEBUG off, a scratch
SQLite or PostgreSQL database) and lets locust's simulated visitors each go, again and again:
role preview, consent page, consent, then every section (GET, answer at random, POST), then
the result; with ``--nginx`` through deploy/nginx.conf over TLS, with ``--redis`` with its
rate limits and page cache in Redis, as deployed. A visitor pauses ("thinks") between
requests, ``--think`` seconds on average (0 for none: a saturation test), and arrives after
such a pause too, so that 50 visitors do not all knock in the same instant. Reported:
requests/s, latency percentiles, errors, and whether every acknowledged submission is
stored: each final POST that got its 302 to the result must have a completed Assessment
with that token and a result in the database.
With ``--kill-worker`` one gunicorn worker is killed (SIGKILL) halfway through. The other
faults, one at a time:

- ``--kill-redis``: the app counts its rate limits (switched on, at rates no visitor
  reaches) in a redis-server of this script's own, which is SIGKILLed halfway through and
  started again (empty) at three quarters.
- ``--drop-postgres`` (with ``--db postgres``): halfway through, every connection of the
  app to its database is ended with pg_terminate_backend, every 0.2 s for
  ``--fault-seconds``.
- ``--lock-sqlite`` (with ``--db sqlite``): at a third of the run, another process holds
  SQLite's write lock for the busy timeout (20 s) plus ``--fault-seconds``.

Errors are counted by status (0: no response at all), with the requests they hit.

locust runs in this process and uses about a core itself: on a 2-core machine its
requests/s are a lower bound of the server's.

    .venv/bin/python bench/flow.py --db sqlite
    .venv/bin/python bench/flow.py --db postgres --nginx --redis     # as deployed
    .venv/bin/python bench/flow.py --db postgres --kill-worker
    .venv/bin/python bench/flow.py --db sqlite --kill-redis
    .venv/bin/python bench/flow.py --db postgres --drop-postgres
    .venv/bin/python bench/flow.py --db sqlite --lock-sqlite
"""

from gevent import monkey

# Before anything imports ssl or socket: locust runs its visitors on gevent.
monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

import gevent  # noqa: E402
from harness import (  # noqa: E402
    PG_ADMIN_URL,
    PROXY_HOST,
    QUESTION_PATH,
    RESULT_PATH,
    ROLE_SLUG,
    SECTION_PATH,
    Browser,
    Proxy,
    Site,
    command_line,
    csrf_token,
    default_workers,
    free_port,
    load_average,
    machine,
    pick_answers,
)
from locust import HttpUser, task  # noqa: E402
from locust.env import Environment  # noqa: E402

P99_TARGET_MS = 150
# The app's own warnings about a fault, as they begin in the server's log.
LOG_MARKERS = (
    "Redis at",
    "Database unavailable",
    "Database connection terminated",
    "Not ready",
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# HttpUser (requests) rather than FastHttpUser: geventhttpclient silently sends a request
# again, even a POST, when the server drops the connection before answering, which would
# hide exactly the errors --kill-worker is about.

acknowledged: set[str] = set()
completed_flows = 0
flow_problems: Counter = Counter()


class Visitor(HttpUser):
    """One job seeker: preview, consent, every section, result; then starts again."""

    think = 1.0  # set from --think
    # With --nginx: the address the pages are asked for (the Host header, the Referer).
    site_host = ""

    def on_start(self) -> None:
        if self.site_host:
            self.client.headers["Host"] = self.site_host
            self.client.verify = False  # the proxy's self-signed certificate
        # Visitors arrive at moments of their own, not all in the same instant: each
        # begins after a pause like the others. (Without it, 50 visitors asked for the
        # preview, over 50 new TLS connections, in the same millisecond at the start.)
        self.pause()

    def pause(self) -> None:
        if self.think:
            gevent.sleep(random.uniform(0.5 * self.think, 1.5 * self.think))

    def post(self, path: str, data: dict[str, str], name: str):
        origin = f"https://{self.site_host}" if self.site_host else self.host
        headers = {**FORM, "Referer": origin + path}
        return self.client.post(
            path, data=urlencode(data), headers=headers, name=name, allow_redirects=False
        )

    def expect_redirect(self, response, pattern: re.Pattern, what: str) -> re.Match | None:
        location = urlsplit(response.headers.get("Location") or "").path
        match = pattern.match(location) if response.status_code == 302 else None
        # Status 0 (no response at all) and 4xx/5xx are already locust's failures.
        if match is None and 0 < response.status_code < 400:
            flow_problems[f"{what}: {response.status_code} {location or '(no Location)'}"] += 1
        return match

    @task
    def complete_flow(self) -> None:
        global completed_flows
        rng = random.Random()
        self.client.get(f"/jabatan/{ROLE_SLUG}/", name="GET preview")
        self.pause()
        consent = f"/jabatan/{ROLE_SLUG}/mulai/"
        page = self.client.get(consent, name="GET consent")
        if page.status_code != 200:
            return
        self.pause()
        response = self.post(
            consent, {"csrfmiddlewaretoken": csrf_token(page.text), "agree": "on"}, "POST consent"
        )
        match = self.expect_redirect(response, SECTION_PATH, "POST consent")
        if match is None:
            return
        token = match.group(1)
        path = f"/a/{token}/bagian/1/"
        while True:
            self.pause()
            page = self.client.get(path, name="GET section")
            if page.status_code != 200:
                return
            answers = {**pick_answers(page.text, rng), "action": "next"}
            answers["csrfmiddlewaretoken"] = csrf_token(page.text)
            self.pause()
            response = self.post(path, answers, "POST section")
            location = urlsplit(response.headers.get("Location") or "").path
            if response.status_code == 302 and RESULT_PATH.match(location):
                acknowledged.add(token)
                break
            # The next section, or a page of the second stage (counted with the sections).
            if self.expect_redirect(response, QUESTION_PATH, "POST section") is None:
                return
            path = location
        self.pause()
        if self.client.get(f"/a/{token}/hasil/", name="GET result").status_code == 200:
            completed_flows += 1
        self.pause()


def check_stored(site: Site, tokens: set[str]) -> dict:
    """Which acknowledged tokens have a completed assessment with a result."""
    path = site.tmp / "acknowledged.json"
    path.write_text(json.dumps(sorted(tokens)))
    code = f"""
import json
from assessments.models import Assessment
tokens = set(json.load(open({str(path)!r})))
stored = set(
    Assessment.objects.completed()
    .filter(token__in=tokens, result__isnull=False)
    .values_list("token", flat=True)
)
print(json.dumps({{
    "acknowledged": len(tokens),
    "stored": len(stored),
    "missing": sorted(tokens - stored),
    "completed_in_database": Assessment.objects.completed().count(),
    "in_progress_in_database": Assessment.objects.in_progress().count(),
}}))
"""
    return json.loads(site.django_shell(code).strip().splitlines()[-1])


def open_sockets(pid: int) -> int:
    """How many sockets a worker holds: an accepted client connection adds one."""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return 0
    return sum(link.startswith("socket:") for link in links)


def kill_one_worker(site: Site, record: dict) -> None:
    """SIGKILL a worker, preferably one caught holding a client connection (mid-request)."""
    workers = site.worker_pids()
    victim, busy = random.choice(workers), False
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        sockets = {pid: open_sockets(pid) for pid in workers}
        idle = min(sockets.values())
        serving = [pid for pid, count in sockets.items() if count > idle]
        if serving:
            victim, busy = serving[0], True
            record["sockets"] = sockets
            break
        gevent.sleep(0.001)
    os.kill(victim, signal.SIGKILL)
    record.update(
        pid=victim, busy=busy, at=time.monotonic(), wall=time.time(), workers_before=len(workers)
    )
    gevent.sleep(5)
    record["workers_after_5s"] = len(site.worker_pids())
    record["respawned"] = victim not in site.worker_pids()


# --- Faults -------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of this script's own on a free port; never the shared one."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == "True":
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def command(self, *words: str) -> str:
        """One Redis command's reply as text, or "" if Redis does not answer."""
        import redis

        try:
            client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
            return str(client.execute_command(*words))
        except redis.RedisError:
            return ""

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def kill_redis(redis_server: RedisServer, record: dict, duration: float) -> None:
    record["keys_before"] = redis_server.command("DBSIZE")
    redis_server.kill()
    record["killed_at"] = time.monotonic()
    gevent.sleep(duration / 4)
    redis_server.start()
    record["restarted_at"] = time.monotonic()


def drop_postgres(site: Site, record: dict, seconds: float) -> None:
    """End every connection of the app to its database, every 0.2 s for ``seconds``."""
    import psycopg

    record["started_at"] = time.monotonic()
    terminated = rounds = 0
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [site.pg_name],
            ).fetchall()
            terminated += sum(1 for (done,) in rows if done)
            rounds += 1
            gevent.sleep(0.2)
    record.update(terminated=terminated, rounds=rounds, ended_at=time.monotonic())


def lock_sqlite(site: Site, record: dict, seconds: float) -> None:
    """Hold SQLite's write lock from another connection for ``seconds``."""
    holder = sqlite3.connect(site.sqlite_path, isolation_level=None, timeout=0)
    while True:  # a worker may hold the lock for a moment: never block the event loop
        try:
            holder.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError:
            gevent.sleep(0.01)
    record["locked_at"] = time.monotonic()
    gevent.sleep(seconds)
    holder.execute("ROLLBACK")
    holder.close()
    record["released_at"] = time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=50, help="concurrent visitors")
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--workers", type=int, default=default_workers())
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker mid-run")
    faults.add_argument(
        "--kill-redis", action="store_true", help="SIGKILL the rate limits' Redis mid-run"
    )
    faults.add_argument(
        "--drop-postgres", action="store_true", help="terminate the app's connections mid-run"
    )
    faults.add_argument(
        "--lock-sqlite", action="store_true", help="hold the write lock past the busy timeout"
    )
    parser.add_argument(
        "--fault-seconds",
        type=float,
        default=5,
        help="how long connections are dropped, or the lock is held past the busy timeout",
    )
    parser.add_argument(
        "--static-root", default="", help="keep collected static files here and reuse them"
    )
    parser.add_argument(
        "--nginx", action="store_true", help="visitors go through deploy/nginx.conf, over TLS"
    )
    parser.add_argument(
        "--redis",
        action="store_true",
        help="rate limits and the page cache in a Redis of this script's own (as production)",
    )
    args = parser.parse_args()
    if args.drop_postgres and args.db != "postgres":
        parser.error("--drop-postgres needs --db postgres")
    if args.lock_sqlite and args.db != "sqlite":
        parser.error("--lock-sqlite needs --db sqlite")
    if (args.kill_redis or args.redis) and shutil.which("redis-server") is None:
        parser.error("--kill-redis needs redis-server (apt-get install redis-server)")
    Visitor.think = args.think

    load_before = load_average()
    kill: dict = {}
    fault: dict = {}
    extra_env: dict[str, str] = {}
    redis_server = None
    if args.kill_redis or args.redis:
        redis_tmp = Path(os.environ.get("TMPDIR", "/tmp"))
        redis_server = RedisServer(redis_tmp)
        redis_server.start()
        # Rate limits on, so every start and page sent goes through the cache, at rates
        # the 50 visitors on one address never reach.
        extra_env = {
            "REDIS_URL": redis_server.url,
            "CAREERFIT_RATELIMIT": "1",
            "CAREERFIT_RATE_START": "1000000/10m",
            "CAREERFIT_RATE_SUBMIT": "1000000/10m",
        }
    if args.nginx:
        extra_env["DJANGO_BEHIND_TLS_PROXY"] = "1"
        # The proxy's host for the visitors, loopback for the warm-up and the health checks.
        extra_env["DJANGO_ALLOWED_HOSTS"] = f"127.0.0.1,{PROXY_HOST}"
    busy_timeout = 20.0  # the production default, said explicitly
    if args.lock_sqlite:
        extra_env["SQLITE_BUSY_TIMEOUT"] = f"{busy_timeout:g}"
    site = Site(db=args.db, workers=args.workers, static_root=args.static_root, extra_env=extra_env)
    try:
        result = run(args, site, kill, fault, redis_server, busy_timeout, load_before)
    finally:
        if redis_server is not None:
            redis_server.kill()
    return result


def run(args, site, kill, fault, redis_server, busy_timeout, load_before) -> int:
    statuses: Counter = Counter()
    with site:
        # A running server has compiled its templates: warm every worker up first.
        print("warming up the workers ...", flush=True)
        warmup = Browser(site.base_url)
        for _ in range(2 * args.workers):
            warmup.request(f"/jabatan/{ROLE_SLUG}/")
            warmup.complete(warmup.start(), random.Random())
        proxy = None
        host = site.base_url
        if args.nginx:
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            proxy = Proxy(site.port, site.tmp).__enter__()
            host = f"https://127.0.0.1:{proxy.https_port}"
            Visitor.site_host = PROXY_HOST
            # One TLS context for every connection (made per connection, it would load the
            # system's CA certificates each time, at about 0.1 s of this process's CPU), the
            # TLS name the proxy's server block has; a keep-alive connection per visitor.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the proxy's self-signed certificate
            Visitor.pool_manager = urllib3.PoolManager(
                maxsize=args.users,
                server_hostname=PROXY_HOST,
                ssl_context=context,
                cert_reqs="CERT_NONE",
                assert_hostname=False,
            )
        env = Environment(user_classes=[Visitor], host=host)
        timeline: list[tuple[float, float, str, bool]] = []

        def record(start_time, response_time, request_type, name, exception=None, **kw):
            timeline.append((start_time, response_time / 1000, f"{name}", exception is not None))
            response = kw.get("response")
            status = getattr(response, "status_code", 0) or 0
            if exception is not None or status >= 400:
                statuses[(status, name)] += 1

        env.events.request.add_listener(record)
        runner = env.create_local_runner()
        print(f"{args.users} visitors for {args.duration} s ...", flush=True)
        server_cpu_before, own_cpu_before = site.server_cpu_seconds(), time.process_time()
        proxy_cpu_before = proxy.cpu_seconds() if proxy else 0.0
        started = time.monotonic()
        runner.start(user_count=args.users, spawn_rate=args.users)
        if args.kill_worker:
            gevent.spawn_later(args.duration / 2, kill_one_worker, site, kill)
        if args.kill_redis:
            gevent.spawn_later(args.duration / 2, kill_redis, redis_server, fault, args.duration)
        if args.drop_postgres:
            gevent.spawn_later(args.duration / 2, drop_postgres, site, fault, args.fault_seconds)
        if args.lock_sqlite:
            hold = busy_timeout + args.fault_seconds
            gevent.spawn_later(args.duration / 3, lock_sqlite, site, fault, hold)
        gevent.spawn_later(args.duration, runner.quit)
        runner.greenlet.join()
        elapsed = time.monotonic() - started
        server_cpu = site.server_cpu_seconds() - server_cpu_before
        own_cpu = time.process_time() - own_cpu_before
        proxy_cpu = proxy.cpu_seconds() - proxy_cpu_before if proxy else 0.0
        if proxy:
            proxy.__exit__()
        if args.kill_redis:
            fault["keys_at_end"] = redis_server.command("DBSIZE")
        stored = check_stored(site, acknowledged)
        gunicorn = site.shown_gunicorn_command()
        server_log = site.log_path.read_text(errors="replace").splitlines()
    load_after = load_average()

    stats = env.stats
    total = stats.total
    errors = Counter()
    for error in stats.errors.values():
        errors[f"{error.name}: {error.error}"] += error.occurrences
    problems = sum(flow_problems.values())
    missing = stored["missing"]
    p99 = total.get_response_time_percentile(0.99)

    print()
    print(f"command: {command_line()}")
    print(f"machine: {machine()}; load average {load_before} before, {load_after} after")
    print(f"database: {args.db}; server: {gunicorn}")
    if args.nginx:
        print(
            f"in front: nginx with deploy/nginx.conf over TLS (HTTP/1.1 keep-alive), "
            f"{proxy_cpu:.1f} s of CPU"
        )
    if redis_server is not None:
        print(f"Redis: {redis_server.url} (rate limits on, at rates no visitor reaches)")
    print(
        f"load: {args.users} locust HttpUser visitors in this process, think time "
        f"{args.think:g} s on average (uniform 0.5-1.5 x) between requests, {elapsed:.0f} s"
    )
    print(
        f"CPU: the server {server_cpu:.1f} s ({1000 * server_cpu / max(total.num_requests, 1):.1f}"
        f" ms per request, {server_cpu / elapsed:.2f} of a core on average), locust "
        f"{own_cpu:.1f} s ({own_cpu / elapsed:.2f} of a core); the rest of the 2 cores' "
        f"queue is other jobs on this machine (load average above)"
    )
    if args.kill_worker:
        print(
            f"killed worker {kill.get('pid')} (SIGKILL; caught mid-request: {kill.get('busy')}) at "
            f"{kill.get('at', started) - started:.0f} s;"
            f" {kill.get('workers_after_5s')} of {kill.get('workers_before')} workers up 5 s"
            f" later (respawned: {kill.get('respawned')}); sockets per worker then: "
            f"{kill.get('sockets')}"
        )
        wall = kill.get("wall", 0)
        in_flight = [entry for entry in timeline if entry[0] <= wall <= entry[0] + entry[1]]
        print(
            f"requests in flight when it was killed: {len(in_flight)}, failed: "
            f"{sum(failed for *_rest, failed in in_flight)} "
            f"({', '.join(name for _start, _time, name, _failed in in_flight)})"
        )

    def at(key: str) -> str:
        return f"{fault[key] - started:.0f} s" if key in fault else "?"

    if args.kill_redis:
        print(
            f"Redis ({fault.get('keys_before')} keys) SIGKILLed at {at('killed_at')}, started "
            f"again (empty) at {at('restarted_at')}; keys at the end: {fault.get('keys_at_end')}"
        )
    if args.drop_postgres:
        print(
            f"pg_terminate_backend on every app connection from {at('started_at')} to "
            f"{at('ended_at')}: {fault.get('rounds')} rounds, {fault.get('terminated')} "
            "connections ended"
        )
    if args.lock_sqlite:
        print(
            f"SQLite write lock held by another process from {at('locked_at')} to "
            f"{at('released_at')} (busy timeout {busy_timeout:g} s)"
        )
    logged = Counter(
        marker for line in server_log for marker in LOG_MARKERS if line.startswith(marker)
    )
    for marker in sorted(logged):
        first = next(line for line in server_log if line.startswith(marker))
        print(f"  first {marker!r} line: {first[:200]}")
    tracebacks = sum(line.startswith("Traceback") for line in server_log)
    print(
        "server log: "
        + ", ".join(f"{count} x {marker!r}" for marker, count in sorted(logged.items()))
        + f"{', ' if logged else ''}{tracebacks} tracebacks, {len(server_log)} lines in all"
    )
    server_errors = sum(count for (status, _name), count in statuses.items() if status >= 500)
    by_status = Counter()
    for (status, _name), count in statuses.items():
        by_status[status] += count
    print(
        "errors by status: "
        + (
            ", ".join(
                f"{status or 'no response'}: {count}" for status, count in sorted(by_status.items())
            )
            or "none"
        )
    )
    for (status, name), count in sorted(statuses.items()):
        print(f"  {status or 'no response'} x {count}: {name}")
    print()
    print(
        "| requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | flows completed |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {total.num_requests} | {total.num_requests / elapsed:.1f} "
        f"| {total.get_response_time_percentile(0.5):.0f} "
        f"| {total.get_response_time_percentile(0.95):.0f} | {p99:.0f} "
        f"| {total.max_response_time:.0f} | {total.num_failures + problems} | {completed_flows} |"
    )
    print()
    print("| request | count | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for entry in sorted(stats.entries.values(), key=lambda entry: entry.name):
        print(
            f"| {entry.name} | {entry.num_requests} "
            f"| {entry.get_response_time_percentile(0.5):.0f} "
            f"| {entry.get_response_time_percentile(0.95):.0f} "
            f"| {entry.get_response_time_percentile(0.99):.0f} | {entry.num_failures} |"
        )
    print()
    for text, count in sorted({**errors, **flow_problems}.items()):
        print(f"error: {count} x {text}")
    print(
        f"acknowledged submissions (final POST -> 302 to the result): {stored['acknowledged']}; "
        f"stored completed with a result: {stored['stored']}; missing: {len(missing)}"
        + (f" {missing[:10]}" if missing else "")
    )
    print(
        f"in the database: {stored['completed_in_database']} completed, "
        f"{stored['in_progress_in_database']} in progress (visitors stopped mid-flow)"
    )
    failures = total.num_failures + problems
    print(f"acknowledged results lost: {len(missing)}; 5xx: {server_errors}")
    checks = [
        ("no lost result", not missing),
        ("0 errors", failures == 0),
        ("0 5xx", server_errors == 0),
        (f"p99 < {P99_TARGET_MS} ms", p99 < P99_TARGET_MS),
    ]
    print("targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks))
    if args.kill_worker or args.drop_postgres or args.lock_sqlite or args.kill_redis:
        # Under a fault the figures are the point; only a lost result fails the run.
        return 1 if missing else 0
    return 0 if all(ok for _name, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
