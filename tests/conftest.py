import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the main thread; Django's database setup for
# live_server would otherwise refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

KESRA = "kabag-kesra"


@pytest.fixture
def client():
    """Django's test client, posting forms urlencoded as browsers do (tests/clients.py)."""
    from tests.clients import FormClient

    return FormClient()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The production hasher is slow by design; tests log in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate-limit counters and rendered pages live in caches: each test starts with none."""
    from django.core.cache import caches

    from assessments import snapshots

    for cache in caches.all():
        cache.clear()
    # Parsed versions are cached by id, and a rolled-back test database reuses ids.
    snapshots.clear_cache()


@pytest.fixture
def kesra_role(db):
    """The Kabag Kesra role profile and questionnaire from the fixtures, loaded as
    load_reference_data loads it: published, its live version stored, every row with a
    baseline history record."""
    from assessments.management.commands.load_reference_data import load_role_fixture

    return load_role_fixture("kabag_kesra", KESRA)


@pytest.fixture
def hr_group(db):
    from django.contrib.auth.models import Group

    call_command("loaddata", "hr_group", verbosity=0)
    return Group.objects.get(name="HR")


@pytest.fixture
def hr_user(db):
    """A staff user in the HR group, with the group's permissions and no more (no superuser)."""
    from tests.factories import make_hr_user

    return make_hr_user()


@pytest.fixture
def hr_client(client, hr_user):
    """The test client logged in as ``hr_user``."""
    client.force_login(hr_user)
    return client


@pytest.fixture
def fixture_hr_client(client, hr_group):
    """The test client logged in as an HR user of the group exactly as the fixture makes it."""
    from tests.factories import make_hr_user

    user = make_hr_user()
    user.groups.set([hr_group])
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """STATIC_ROOT after collectstatic in production mode (DEBUG off), once per session.

    Every test that runs the app as production does (gunicorn, DEBUG off) needs it: the
    templates name the hashed files of the manifest.
    """
    import sys

    from tests.test_deploy import COLLECT_WITHOUT_BROTLI, production_env, run

    root = tmp_path_factory.mktemp("static")
    result = run([sys.executable, "-c", COLLECT_WITHOUT_BROTLI], production_env(root), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="module")
def sqlite_database(tmp_path_factory):
    """A migrated SQLite file with one small published role; its path and that role."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.test_deploy import production_env

    tmp = tmp_path_factory.mktemp("sqlite")
    env = production_env(tmp, SQLITE_PATH=str(tmp / "db.sqlite3"))
    root = Path(__file__).resolve().parent.parent
    run = {"cwd": root, "env": env, "capture_output": True, "text": True, "timeout": 120}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    code = (
        "import json; from tests.factories import make_complete_role;"
        "from tests.answers import answers_for;"
        "from assessments.snapshots import visitor_snapshot;"
        "role = make_complete_role(); snapshot = visitor_snapshot(role);"
        "answers = answers_for(snapshot);"
        "print(json.dumps({'slug': role.slug,"
        " 'first': {c: answers[c] for c in snapshot['sections'][0]['items']}}))"
    )
    made = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], **run)
    assert made.returncode == 0, made.stderr
    return tmp / "db.sqlite3", json.loads(made.stdout.strip().splitlines()[-1])
