import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the main thread; Django's database setup for
# live_server would otherwise refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

KESRA = "kabag-kesra"


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
    """The Kabag Kesra role profile and questionnaire from the fixtures."""
    from assessments import snapshots
    from assessments.models import Role

    call_command("loaddata", "kabag_kesra", verbosity=0)
    role = Role.objects.get(slug=KESRA)
    # Published, as load_reference_data leaves it: its live version is stored.
    snapshots.live_version(role)
    return role


@pytest.fixture
def hr_group(db):
    from django.contrib.auth.models import Group

    call_command("loaddata", "hr_group", verbosity=0)
    return Group.objects.get(name="HR")
