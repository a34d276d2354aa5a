"""Where a page's time goes: the test client against production settings, in one process.

Times GETs of /healthz, the role preview, a 12-item questionnaire section and a result page
on a throwaway SQLite (DEBUG off, so templates come from the cached loader), and profiles
one of them with pyinstrument (``--profile section``) or cProfile (``--cprofile``). Each page
is timed as it is served again and again (its rendered parts kept in the cache) and, as
"first view", with the page cache emptied before every request.

``--middleware`` times /healthz through Django's WSGI handler (no test client) with the
middleware stack built up one entry at a time, so each line is what that middleware adds to
a trivial request, beside startproject's default stack.

    .venv/bin/python bench/profile_page.py --profile section
    .venv/bin/python bench/profile_page.py --middleware
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ROLE_SLUG, command_line, machine  # noqa: E402

PAGES = ("healthz", "preview", "section", "result")


def setup_django(tmp: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="careerfit.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        CAREERFIT_RATELIMIT="0",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        SQLITE_PATH=str(tmp / "profile.sqlite3"),
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def make_pages() -> dict[str, str]:
    from django.conf import settings

    from assessments import services
    from assessments.models import Role

    role = Role.objects.get(slug=ROLE_SLUG)
    rng = random.Random(1)
    started = services.start_assessment(
        role=role, language="id", consent_version=settings.CONSENT_NOTICE_VERSION
    )
    done = services.start_assessment(
        role=role, language="id", consent_version=settings.CONSENT_NOTICE_VERSION
    )
    answers = {}
    for item in done.snapshot["items"]:
        if item["kind"] in ("likert", "check"):
            answers[item["code"]] = rng.choice("12345")
        elif item["kind"] == "belief":
            answers[item["code"]] = rng.choice(["agree", "disagree"])
        elif item["kind"] == "background":
            answers[item["code"]] = rng.choice(done.snapshot["education_fields"])["code"]
        else:
            answers[item["code"]] = rng.choice(item["options"])["code"]
    services.complete_assessment(done, answers)
    return {
        "healthz": "/healthz",
        "preview": f"/jabatan/{ROLE_SLUG}/",
        "section": f"/a/{started.token}/bagian/1/",
        "result": f"/a/{done.token}/hasil/",
    }


STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def time_middleware(requests: int) -> None:
    """Microseconds of CPU per /healthz through the WSGI handler, stack built up in order."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    def environ() -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/healthz",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }

    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    def cost(middleware: list[str]) -> float:
        with override_settings(MIDDLEWARE=middleware):
            handler = WSGIHandler()
            for _ in range(200):
                b"".join(handler(environ(), start_response))
            best = float("inf")
            for _ in range(7):  # the least disturbed of 7 runs
                start = time.process_time()
                for _ in range(requests):
                    b"".join(handler(environ(), start_response))
                best = min(best, (time.process_time() - start) / requests * 1e6)
            return best

    stack = list(settings.MIDDLEWARE)
    previous = cost([])
    print(f"/healthz through the WSGI handler, best of 7 x {requests} requests, CPU us/request")
    print(f"{'no middleware':<62}{previous:>8.0f}")
    for count, name in enumerate(stack, start=1):
        total = cost(stack[:count])
        print(f"+ {name:<60}{total - previous:>+8.0f}  (stack {total:.0f})")
        previous = total
    print(f"{'startproject default stack':<62}{cost(STARTPROJECT_MIDDLEWARE):>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="GETs per page (default 200)")
    parser.add_argument("--profile", choices=PAGES, help="profile this page with pyinstrument")
    parser.add_argument("--all-frames", action="store_true", help="pyinstrument: show all")
    parser.add_argument("--cprofile", choices=PAGES, help="profile this page with cProfile")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (e.g. tottime)")
    parser.add_argument(
        "--middleware", action="store_true", help="what each middleware adds to /healthz"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="careerfit-profile-") as name:
        setup_django(Path(name))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        print(f"command: {command_line()}")
        print(f"machine: {machine()}")
        if args.middleware:
            time_middleware(args.requests)
            return
        pages = make_pages()
        client = Client()
        print(f"{'page':<22}{'CPU ms/req':>12}{'x healthz':>11}{'queries':>9}  path")
        timings = {}
        for page, path in pages.items():
            for _ in range(20):  # warm the template cache and the connection
                assert client.get(path).status_code == 200, path
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            query_count = len(queries)  # read now: the next request resets the log
            start = time.process_time()
            for _ in range(args.requests):
                client.get(path)
            timings[page] = (time.process_time() - start) / args.requests * 1000
            print(
                f"{page:<22}{timings[page]:>12.2f}{timings[page] / timings['healthz']:>11.1f}"
                f"{query_count:>9}  {path}"
            )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.requests):
                    client.get(pages[args.profile])
            print(profiler.output_text(unicode=True, color=False, show_all=args.all_frames))
        if args.cprofile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(pages[args.cprofile])
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(40)


if __name__ == "__main__":
    main()
