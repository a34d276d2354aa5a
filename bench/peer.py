"""The benchmarks' reference points, set up at run time in a temporary folder.

``PeerSite`` makes a throwaway virtual environment with Django (the version this project
runs), gunicorn (the same) and django-survey-and-report, the survey app a Django team
would otherwise pick; it is AGPL-licensed, so nothing of it is kept in this repository.
It generates a minimal project with ``django-admin startproject`` (the default middleware,
DEBUG off, SQLite), adds ``survey`` to INSTALLED_APPS with its URLs under ``survey/``, and a
trivial view at ``/ping`` that answers "ok" as our ``/healthz`` does: the framework's ceiling
with startproject's middleware. A survey of ``questions`` radio questions with five choices,
all on one page, is the peer's equivalent of one questionnaire section. The project is
served by gunicorn with exactly the arguments our site gets (``harness.gunicorn_arguments``).

Needs the package index reachable by pip, or ``--peer-venv`` pointing at an environment
made by an earlier run (kept there, reused as it is).
"""

from __future__ import annotations

import importlib.metadata
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import (
    REPO,
    child_pids,
    cpu_seconds,
    free_port,
    gunicorn_arguments,
    stop_process,
    wait_until_serving,
)

PEER_PACKAGE = "django-survey-and-report==1.5.0"

SETTINGS_TAIL = """
# --- Added by CareerFit's bench/peer.py -------------------------------------------------
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = {secret_key!r}
INSTALLED_APPS += ["survey"]
# What django-survey-and-report reads from the project's settings.
CHOICES_SEPARATOR = ","
USER_DID_NOT_ANSWER = "Left blank"
DEFAULT_SURVEY_PUBLISHING_DURATION = 3650
"""

URLS = """from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("ping", ping),
    path("survey/", include("survey.urls")),
]
"""

MAKE_SURVEY = """
from survey.models import Category, Question, Survey

survey = Survey.objects.create(
    name="Career fit",
    description="How well does this job fit you?",
    is_published=True,
    need_logged_user=False,
    editable_answers=True,
    display_method=Survey.ALL_IN_ONE_PAGE,
)
category = Category.objects.create(
    name="Working with people", survey=survey, order=1, description="Part one"
)
for number in range(1, {questions} + 1):
    Question.objects.create(
        text=f"Statement {{number}}: I like to work with people from many backgrounds.",
        order=number,
        required=True,
        category=category,
        survey=survey,
        type=Question.RADIO,
        choices="Strongly disagree,Disagree,Neutral,Agree,Strongly agree",
    )
print(survey.pk)
"""


def pinned(package: str) -> str:
    """``package`` at the version this project's environment has."""
    return f"{package}=={importlib.metadata.version(package)}"


class PeerSite:
    """The minimal project with the peer app, served by gunicorn; a context manager."""

    def __init__(self, *, workers: int, questions: int = 12, venv: str = "", quiet=False):
        self.workers = workers
        self.questions = questions
        self.quiet = quiet
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="careerfit-peer-")
        self.tmp = Path(self._tmp.name)
        self.venv = Path(venv) if venv else self.tmp / "venv"
        self.process: subprocess.Popen | None = None
        self.survey_path = ""
        self.gunicorn_command: list[str] = []

    def log(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def run(self, *command: str, cwd: Path | None = None) -> str:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def install(self) -> None:
        if (self.venv / "bin" / "gunicorn").exists():
            self.log(f"reusing the peer's environment in {self.venv}")
            return
        self.log(f"installing {PEER_PACKAGE} into a throwaway environment {self.venv}")
        self.run(sys.executable, "-m", "venv", str(self.venv))
        self.run(
            self.python,
            "-m",
            "pip",
            "install",
            "--quiet",
            PEER_PACKAGE,
            pinned("Django"),
            pinned("gunicorn"),
        )

    def make_project(self) -> None:
        self.run(str(self.venv / "bin" / "django-admin"), "startproject", "peer", str(self.tmp))
        settings = self.tmp / "peer" / "settings.py"
        settings.write_text(
            settings.read_text() + SETTINGS_TAIL.format(secret_key=secrets.token_urlsafe(50))
        )
        (self.tmp / "peer" / "urls.py").write_text(URLS)
        self.run(
            self.python, "manage.py", "migrate", "--no-input", "--verbosity", "0", cwd=self.tmp
        )
        survey_id = self.run(
            self.python,
            "manage.py",
            "shell",
            "--no-imports",
            "--command",
            MAKE_SURVEY.format(questions=self.questions),
            cwd=self.tmp,
        ).split()[-1]
        self.survey_path = f"/survey/{int(survey_id)}/"

    def __enter__(self) -> PeerSite:
        try:
            self.install()
            self.make_project()
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self) -> None:
        self.gunicorn_command = [
            self.python,
            "-m",
            "gunicorn",
            *gunicorn_arguments(
                workers=self.workers, port=self.port, control_socket=self.tmp / "gunicorn.ctl"
            ),
            "peer.wsgi",
        ]
        log_path = self.tmp / "gunicorn.log"
        # Our gunicorn.conf.py names our log formatter (careerfit.log_format): importable
        # from this repository, which holds nothing else the peer could pick up.
        env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "peer.settings",
            "PYTHONPATH": str(REPO),
        }
        self.process = subprocess.Popen(
            self.gunicorn_command,
            cwd=self.tmp,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_serving(self.process, self.url("/ping"), self.workers, log_path)
        with urllib_open(self.url(self.survey_path)) as page:
            html = page.read().decode()
        radios = html.count('type="radio"')
        if radios != 5 * self.questions:
            raise RuntimeError(f"the peer's survey page has {radios} radio buttons")

    def url(self, path: str) -> str:
        return self.base_url + path

    def server_cpu_seconds(self) -> float:
        if self.process is None:
            return 0.0
        return cpu_seconds([self.process.pid, *child_pids(self.process.pid)])

    def shown_gunicorn_command(self) -> str:
        return shlex.join(["<peer venv>/bin/python", *self.gunicorn_command[1:]]).replace(
            str(REPO) + "/", ""
        )

    def __exit__(self, *exc) -> None:
        stop_process(self.process)
        self._tmp.cleanup()


def urllib_open(url: str):
    import urllib.request

    return urllib.request.urlopen(url, timeout=30)
