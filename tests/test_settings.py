"""Settings from the environment: production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "-random-enough-secret-key-for-tests-0123456789"


def run_django(env_overrides, code="import django; django.setup(); print('started')"):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH"))
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "careerfit.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY"),
        (
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "example.org",
                "DJANGO_SECRET_KEY": "short",
            },
            "DJANGO_SECRET_KEY",
        ),
        (
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "example.org",
                "DJANGO_SECRET_KEY": "django-insecure-" + "x" * 40,
            },
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_key_and_hosts(env, message):
    completed = run_django(env)
    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert message in completed.stderr
    assert "started" not in completed.stdout


def test_production_starts_with_key_and_hosts():
    completed = run_django(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "example.org"}
    )
    assert completed.returncode == 0, completed.stderr
    assert "started" in completed.stdout


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "cursor = connection.cursor();"
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0],"
        " cursor.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    completed = run_django({"SQLITE_PATH": str(tmp_path / "db.sqlite3")}, code)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_database_url_selects_postgresql():
    code = (
        "import django; django.setup();"
        "from django.conf import settings;"
        "db = settings.DATABASES['default'];"
        "print(db['ENGINE'], db['NAME'], db['CONN_HEALTH_CHECKS'], db['CONN_MAX_AGE'])"
    )
    completed = run_django({"DATABASE_URL": "postgres://u:p@db.internal:5432/careerfit"}, code)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["django.db.backends.postgresql", "careerfit", "True", "60"]


def test_defaults_are_indonesian_in_jakarta(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Jakarta"


# --- Security settings: each read on its own, an explicit value always wins ---------------

SECURITY = (
    "import django; django.setup(); from django.conf import settings;"
    "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
    " settings.SESSION_COOKIE_NAME, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS)"
)
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "a.org"}
YEAR = "31536000"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, ["True", "True", "__Host-sessionid", "True", YEAR]),
        (
            PRODUCTION | {"DJANGO_SECURE_COOKIES": "0"},
            ["False", "False", "sessionid", "True", YEAR],
        ),
        (
            PRODUCTION | {"DJANGO_SECURE_SSL_REDIRECT": "0"},
            ["True", "True", "__Host-sessionid", "False", YEAR],
        ),
        (
            PRODUCTION | {"DJANGO_HSTS_SECONDS": "0"},
            ["True", "True", "__Host-sessionid", "True", "0"],
        ),
        (
            PRODUCTION
            | {"DJANGO_SECURE_COOKIES": "0", "DJANGO_SECURE_SSL_REDIRECT": "1"}
            | {"DJANGO_HSTS_SECONDS": "600"},
            ["False", "False", "sessionid", "True", "600"],
        ),
        ({"DJANGO_DEBUG": "1"}, ["False", "False", "sessionid", "False", "0"]),
        (
            {"DJANGO_DEBUG": "1", "DJANGO_SECURE_COOKIES": "1", "DJANGO_HSTS_SECONDS": "60"},
            ["True", "True", "__Host-sessionid", "False", "60"],
        ),
    ],
    ids=[
        "production",
        "cookies off",
        "redirect off",
        "hsts off",
        "cookies off, others explicit",
        "development",
        "development, explicit",
    ],
)
def test_each_security_setting_is_read_on_its_own(env, expected):
    completed = run_django(env, SECURITY)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == expected


def test_a_malformed_hsts_lifetime_is_refused():
    completed = run_django(PRODUCTION | {"DJANGO_HSTS_SECONDS": "a year"}, SECURITY)
    assert completed.returncode != 0
    assert "DJANGO_HSTS_SECONDS must be a whole number" in completed.stderr
