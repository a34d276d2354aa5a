"""Admin protection (lockout, passwords, least privilege) and rate limits on the public forms."""

import uuid
from http import HTTPStatus

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Assessment, Role
from careerfit.proxy import client_ip
from tests.clients import FormClient
from tests.factories import make_assessment, make_complete_role

pytestmark = pytest.mark.django_db

PASSWORD = "kunci-panjang-Kesra-2026"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


# --- Admin login lockout (django-axes) ----------------------------------------------------


def log_in(client, username, password, address="127.0.0.1"):
    """Post the admin login form from ``address``, as a browser does (django-axes needs the
    request)."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def hr_user(hr_group):
    user = get_user_model().objects.create_user("hr-kesra", password=PASSWORD, is_staff=True)
    user.groups.add(hr_group)
    return user


def test_the_right_password_gets_in_before_the_limit(client, hr_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, hr_user.username, "salah").status_code == HTTPStatus.OK
    response = log_in(client, hr_user.username, PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)


def test_login_is_locked_after_five_failures_even_with_the_right_password(
    client, hr_user, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, hr_user.username, "salah")

    response = log_in(client, hr_user.username, PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert not is_logged_in(client)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND  # to the login


def test_one_user_name_guessed_from_ever_new_addresses_is_locked(client, hr_user, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, hr_user.username, "salah", address=f"203.0.113.{number}")

    response = log_in(client, hr_user.username, PASSWORD, address="198.51.100.7")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not is_logged_in(client)


def test_one_address_guessing_many_user_names_is_locked(client, hr_user, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"hr-{number}", "salah", address="203.0.113.9")

    # The real user, from the same address, waits out the cool-off too.
    assert log_in(client, hr_user.username, PASSWORD, address="203.0.113.9").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    # Elsewhere, the same user gets in: the address is locked, not the account.
    assert log_in(client, hr_user.username, PASSWORD, address="198.51.100.7").status_code == (
        HTTPStatus.FOUND
    )


def test_a_trusted_address_is_never_locked_out(client, hr_user, settings):
    settings.AXES_IP_WHITELIST = ["192.0.2.10"]
    settings.AXES_NEVER_LOCKOUT_WHITELIST = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, hr_user.username, "salah", address=f"203.0.113.{number}")

    # The account is locked for everyone else, but not from the office.
    assert log_in(client, hr_user.username, PASSWORD, address="203.0.113.200").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    assert log_in(client, hr_user.username, PASSWORD, address="192.0.2.10").status_code == (
        HTTPStatus.FOUND
    )


# --- Passwords ----------------------------------------------------------------------------


def test_password_validators_are_active():
    names = {type(validator).__name__ for validator in get_default_password_validators()}
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


@pytest.mark.parametrize("password", ["kesra", "password123", "12345678901", "hr-kesra-1"])
def test_short_common_numeric_or_personal_passwords_are_rejected(password):
    user = get_user_model()(username="hr-kesra-1")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_unusual_password_is_accepted():
    validate_password(PASSWORD, get_user_model()(username="hr-kesra"))


# --- HR staff: least privilege ------------------------------------------------------------


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:auth_group_add",
    ],
)
def test_hr_staff_cannot_manage_users_or_groups(hr_client, url_name):
    assert hr_client.get(reverse(url_name)).status_code == HTTPStatus.FORBIDDEN


def test_hr_staff_reach_the_admin_and_the_roles(hr_client):
    """The refusals above are about permissions, not a broken login."""
    assert hr_client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    response = hr_client.get(reverse("admin:assessments_role_changelist"))
    assert response.status_code == HTTPStatus.OK


def test_hr_staff_cannot_delete_an_assessment(hr_client):
    assessment = make_assessment()
    url = reverse("admin:assessments_assessment_delete", args=[assessment.pk])

    assert hr_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert hr_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_hr_staff_cannot_bulk_delete_assessments(hr_client):
    assessment = make_assessment()
    hr_client.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "delete_selected", "_selected_action": [assessment.pk], "post": "yes"},
    )
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_hr_staff_cannot_delete_a_role(hr_client):
    role = make_complete_role()
    url = reverse("admin:assessments_role_delete", args=[role.pk])
    assert hr_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Role.objects.filter(pk=role.pk).exists()


def test_hr_group_grants_nothing_outside_the_assessments_app(hr_user):
    assert not hr_user.is_superuser
    assert {perm.split(".")[0] for perm in hr_user.get_all_permissions()} == {"assessments"}
    assert not hr_user.has_perm("assessments.delete_assessment")
    assert not hr_user.has_perm("assessments.change_assessment")


# --- Rate limits on the public forms ------------------------------------------------------


def consent_url(role):
    return reverse("assessments:consent", kwargs={"slug": role.slug})


def section_url(assessment, number=1):
    return reverse("assessments:section", kwargs={"token": assessment.token, "number": number})


def test_starting_too_often_gets_the_friendly_429_page(client, settings):
    # An hour's window: a minute's could roll over between the requests and reset the count.
    settings.RATE_START = "2/h"
    role = make_complete_role()

    statuses = [client.post(consent_url(role), {"agree": "on"}).status_code for _ in range(3)]
    response = client.post(consent_url(role), {"agree": "on"})

    assert statuses[:2] == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert statuses[2] == response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Mohon tunggu sebentar" in response.content.decode()
    assert Assessment.objects.count() == 2


def test_the_start_limit_counts_posts_only(client, settings):
    settings.RATE_START = "1/h"
    role = make_complete_role()
    for _ in range(3):
        assert client.get(consent_url(role)).status_code == HTTPStatus.OK
    assert client.post(consent_url(role), {"agree": "on"}).status_code == HTTPStatus.FOUND


def test_submitting_too_often_gets_the_friendly_429_page_and_saves_nothing(client, settings):
    settings.RATE_SUBMIT = "2/h"
    role = make_complete_role()
    client.post(consent_url(role), {"agree": "on"})
    assessment = Assessment.objects.get()
    code = assessment.snapshot["sections"][0]["items"][0]

    for _ in range(2):
        client.post(section_url(assessment), {"action": "next"})  # re-rendered with errors
    response = client.post(section_url(assessment), {code: "3", "action": "back"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Mohon tunggu sebentar" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_rate_limits_read_the_settings_at_request_time(client, settings):
    settings.RATE_START = "1/h"
    role = make_complete_role()
    client.post(consent_url(role), {"agree": "on"})
    assert client.post(consent_url(role), {"agree": "on"}).status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    settings.RATE_START = "100/h"
    assert client.post(consent_url(role), {"agree": "on"}).status_code == HTTPStatus.FOUND


@pytest.fixture
def redis_cache(settings):
    """Django's RedisCache as REDIS_URL configures it, under a prefix of this test's own."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    prefix = f"careerfit-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "careerfit.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def test_with_redis_the_counts_are_shared_by_every_client_of_an_address(redis_cache, settings):
    connection, prefix = redis_cache
    settings.RATE_START = "2/h"
    role = make_complete_role()
    first, second = FormClient(), FormClient()  # two phones on the job fair's Wi-Fi

    assert first.post(consent_url(role), {"agree": "on"}).status_code == HTTPStatus.FOUND
    assert second.post(consent_url(role), {"agree": "on"}).status_code == HTTPStatus.FOUND
    response = second.post(consent_url(role), {"agree": "on"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The count is in Redis, where every worker process and every server reads it.
    counters = list(connection.scan_iter(f"{prefix}:*"))
    assert len(counters) == 1
    assert int(connection.get(counters[0])) == 3


# --- Behind a TLS proxy: the client's address ---------------------------------------------


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("10.9.9.9, 203.0.113.7", "203.0.113.7"),  # a forged entry on the left is ignored
        ("2001:db8::1", "2001:db8::1"),
        ("bukan alamat", "192.0.2.1"),  # malformed: the connection's own address
        ("", "192.0.2.1"),
    ],
)
def test_client_ip_is_the_address_the_proxy_saw(forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_forged_addresses_neither_fail_nor_dodge_the_limit(client, settings):
    settings.RATELIMIT_IP_META_KEY = "careerfit.proxy.client_ip"
    settings.RATE_START = "2/h"
    role = make_complete_role()
    statuses = [
        client.post(
            consent_url(role), {"agree": "on"}, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7"
        ).status_code
        for forged in ("10.0.0.1", "10.0.0.2", "tidak valid")
    ]
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]


# --- Browser features ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["assessments:home", "admin:login"])
def test_pages_switch_off_the_browser_features_no_page_uses(client, name):
    policy = client.get(reverse(name))["Permissions-Policy"]
    directives = dict(part.split("=", 1) for part in policy.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert directives[feature] == "()"
    # The private link's copy and share buttons, on this site only.
    assert directives["clipboard-write"] == directives["web-share"] == "(self)"
