"""Requests per second of our pages and of the peer's, side by side under wrk, in one run.

Serves the app as production does (gunicorn, 2 x cores + 1 sync workers, DEBUG off, static
files collected, see harness.Site) on a scratch database, starts one assessment and completes
another over HTTP. Beside it, bench/peer.py serves a minimal Django project generated at run
time (startproject's default middleware) with a trivial view, the framework's ceiling, and
django-survey-and-report, the peer, with a survey of 12 five-choice radio questions on one
page; installed into a throwaway virtual environment, with the same gunicorn arguments.

Then wrk runs in rounds against each page in turn: the trivial view, our /healthz, the role
preview, questionnaire section 1 (12 questions), a result page and the peer's survey page.
Only ratios mean anything on a shared machine: each is taken within its own round, and the
median of the rounds is reported. Beside requests/s it reports the server's CPU time per
request (master and workers, from /proc), which the neighbours disturb much less, and the
same ratios computed from it.

    .venv/bin/python bench/throughput.py
    .venv/bin/python bench/throughput.py --db postgres --peer-venv /tmp/peer-venv
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from harness import (
    ROLE_SLUG,
    Browser,
    Site,
    command_line,
    default_workers,
    load_average,
    machine,
)
from peer import PEER_PACKAGE, PeerSite

# page: (the page it is compared with, the ratio it must reach, measured by "rps" (requests
# per second) or "cpu" (the server's CPU per request, which the neighbours disturb less)).
# The result page has none here: it is rendered on every view, and its target is its CPU
# against what a first view cost before (bench/profile_page.py).
TARGETS = {
    "healthz": ("trivial", 0.7, "rps"),
    "preview": ("healthz", 0.5, "rps"),
    "section": ("peer", 5.0, "cpu"),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class WrkRun:
    page: str
    path: str
    command: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms_per_request: float = 0.0


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def settle(server, *, quiet_share: float = 0.05, limit: float = 15.0) -> None:
    """Wait until ``server`` is idle: a slow page's queued requests are still being served
    after wrk stops, and would count against the next page on the same server."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = server.server_cpu_seconds()
        time.sleep(0.5)
        if server.server_cpu_seconds() - before <= quiet_share * 0.5:
            return


def run_wrk(*, site, page: str, path: str, args) -> WrkRun:
    url = site.url(path)
    settle(site)
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        url,
    ]
    cpu_before = site.server_cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_used = site.server_cpu_seconds() - cpu_before
    if "Requests/sec" not in output or "Latency Distribution" not in output:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE))
    # A sync worker closes the connection after each response, which wrk may count as a
    # read error: only failed connections, timeouts and error statuses are failures.
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failures = int(socket_errors.group(1)) + int(socket_errors.group(4)) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failures += int(non_2xx.group(1)) if non_2xx else 0
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return WrkRun(
        page=page,
        path=path,
        command=" ".join(command[:-1] + ["http://127.0.0.1:PORT" + path]),
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=milliseconds(percentiles["50"]),
        p99_ms=milliseconds(percentiles["99"]),
        requests=requests,
        errors=failures,
        cpu_ms_per_request=1000 * cpu_used / requests if requests else 0.0,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5, help="seconds per page, not counted")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout")
    parser.add_argument(
        "--static-root", default="", help="keep collected static files here and reuse them"
    )
    parser.add_argument(
        "--peer-venv",
        default="",
        help="keep the peer's virtual environment here and reuse it (default: a new one)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get update && apt-get install -y wrk")

    load_before = load_average()
    with (
        PeerSite(workers=args.workers, venv=args.peer_venv) as peer,
        Site(db=args.db, workers=args.workers, static_root=args.static_root) as site,
    ):
        browser = Browser(site.base_url)
        in_progress = browser.start()
        completed = browser.start()
        browser.complete(completed, random.Random(1))
        pages = {
            "trivial": (peer, "/ping"),
            "healthz": (site, "/healthz"),
            "preview": (site, f"/jabatan/{ROLE_SLUG}/"),
            "section": (site, f"/a/{in_progress}/bagian/1/"),
            "result": (site, f"/a/{completed}/hasil/"),
            "peer": (peer, peer.survey_path),
        }
        # Every worker compiles each template on its first request of it: warm them all up.
        warmup = argparse.Namespace(**{**vars(args), "duration": args.warmup})
        for page, (server, path) in pages.items():
            print(f"warm-up: wrk {page} ({args.warmup} s) ...", flush=True)
            run_wrk(site=server, page=page, path=path, args=warmup)
        rounds = []
        for number in range(1, args.rounds + 1):
            runs = {}
            for page, (server, path) in pages.items():
                print(f"round {number}: wrk {page} ({args.duration} s) ...", flush=True)
                runs[page] = run_wrk(site=server, page=page, path=path, args=args)
            rounds.append(runs)
        gunicorn = site.shown_gunicorn_command()
        peer_gunicorn = peer.shown_gunicorn_command()
    load_after = load_average()

    print()
    print(f"command: {command_line()}")
    print(f"machine: {machine()}; load average {load_before} before, {load_after} after")
    print(f"database: {args.db}; server: {gunicorn}")
    print(
        f"peer and trivial view: {PEER_PACKAGE} and a /ping view in a startproject project "
        f"(default middleware, DEBUG off, SQLite); server: {peer_gunicorn}"
    )
    print(f"load: {rounds[0]['healthz'].command} (and the same for each page)")
    print(f"{args.rounds} rounds of {len(pages)} pages; medians over the rounds")
    print()
    print(
        "| page | path | requests/s | per round | CPU ms/request | target | ratio (rounds) "
        "| ratio by CPU | p50 ms | p99 ms | errors | |"
    )
    print("|---|---|---:|---|---:|---|---|---:|---:|---:|---:|---|")
    missed = 0
    for page, (_server, path) in pages.items():
        runs = [round_runs[page] for round_runs in rounds]
        errors = sum(run.errors for run in runs)
        target = verdict = ratio_text = cpu_ratio_text = ""
        if page in TARGETS:
            reference, needed, measure = TARGETS[page]
            ratios = [
                round_runs[page].requests_per_second / round_runs[reference].requests_per_second
                for round_runs in rounds
            ]
            ratio = statistics.median(ratios)
            cpu_ratio = statistics.median(
                round_runs[reference].cpu_ms_per_request / round_runs[page].cpu_ms_per_request
                for round_runs in rounds
            )
            met = (ratio if measure == "rps" else cpu_ratio) >= needed and errors == 0
            missed += not met
            target = f">= {needed:g} x {reference} ({'requests/s' if measure == 'rps' else 'CPU'})"
            ratio_text = f"{ratio:.2f} ({' '.join(f'{r:.2f}' for r in ratios)})"
            cpu_ratio_text = f"{cpu_ratio:.2f}"
            verdict = "met" if met else "MISSED"
        shown = re.sub(r"/a/[^/]+/", "/a/<token>/", path)
        print(
            f"| {page} | `{shown}` "
            f"| {statistics.median(run.requests_per_second for run in runs):.0f} "
            f"| {' '.join(f'{run.requests_per_second:.0f}' for run in runs)} "
            f"| {statistics.median(run.cpu_ms_per_request for run in runs):.2f} "
            f"| {target} | {ratio_text} | {cpu_ratio_text} "
            f"| {statistics.median(run.p50_ms for run in runs):.0f} "
            f"| {statistics.median(run.p99_ms for run in runs):.0f} | {errors} | {verdict} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
