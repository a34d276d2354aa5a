"""Redis going away: pages and posts keep working, limits count per process, logs stay short."""

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from assessments.models import Assessment
from careerfit.cache import FallbackRedisCache
from tests.answers import answers_for
from tests.factories import make_complete_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CACHE_LOGGER = "careerfit.cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, seconds: float = 10, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s")


class RedisServer:
    """A redis-server of the test's own on a free port, never the shared one on 6379."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp_path = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        reason = "these tests start their own redis-server (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def production_caches(redis_url: str, **env: str) -> dict:
    """CACHES exactly as careerfit/settings.py builds them from REDIS_URL."""
    code = "import django, json; django.setup(); from django.conf import settings;"
    code += "print(json.dumps(settings.CACHES))"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CAREERFIT_")) and key != "REDIS_URL"
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "careerfit.settings", "REDIS_URL": redis_url}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def visit(client, role) -> list[int]:
    """One visitor: preview, consent page, consent, first section answered; the statuses."""
    consent = reverse("assessments:consent", kwargs={"slug": role.slug})
    statuses = [client.get(role.get_absolute_url()).status_code, client.get(consent).status_code]
    response = client.post(consent, {"agree": "on"})
    statuses.append(response.status_code)
    if response.status_code == HTTPStatus.FOUND:
        assessment = Assessment.objects.latest("created_at")
        answers = answers_for(assessment.snapshot, level="middle")
        first = assessment.snapshot["sections"][0]["items"]
        url = reverse("assessments:section", kwargs={"token": assessment.token, "number": 1})
        data = {code: answers[code] for code in first} | {"action": "next"}
        statuses.append(client.post(url, data).status_code)
    return statuses


def cache_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == CACHE_LOGGER and record.levelno == logging.WARNING
    ]


def test_with_redis_url_the_cache_falls_back_and_times_out_quickly():
    config = production_caches("redis://:geheim@redis.internal:6379/0")["default"]
    assert config["BACKEND"] == "careerfit.cache.FallbackRedisCache"
    assert config["OPTIONS"]["socket_connect_timeout"] <= 1
    assert config["OPTIONS"]["socket_timeout"] <= 1


def test_pages_and_posts_keep_working_while_redis_is_killed_and_restarted(
    client, settings, caplog, own_redis
):
    caplog.set_level(logging.WARNING, logger=CACHE_LOGGER)
    settings.CACHES = production_caches(own_redis.url, CAREERFIT_REDIS_RETRY_SECONDS="0.2")
    settings.RATE_START = settings.RATE_SUBMIT = "1000/h"
    role = make_complete_role()

    before = visit(client, role)
    assert own_redis.client().dbsize() > 0  # the counters were in this Redis

    own_redis.kill()
    during = [status for _ in range(3) for status in visit(client, role)]
    assert len(cache_warnings(caplog)) == 1  # the outage, once, not once per request
    assert "unreachable" in cache_warnings(caplog)[0]

    own_redis.start()  # an empty Redis on the same address
    after = wait_until(
        lambda: (statuses := visit(client, role)) and own_redis.client().dbsize() and statuses,
        what="the app counting in Redis again",
    )

    assert before == during[:4] == after == [200, 200, 302, 302], (before, during, after)
    assert all(status < 500 for status in during), during
    assert during.count(HTTPStatus.FOUND) == 6  # every consent and every section saved
    assert "reachable again" in cache_warnings(caplog)[-1]


def test_while_redis_is_unreachable_the_limits_still_count_per_process(client, settings):
    closed = free_port()  # nothing listens there: Redis refuses every connection
    settings.CACHES = production_caches(f"redis://127.0.0.1:{closed}/0")
    settings.RATE_START = "2/h"
    role = make_complete_role()
    consent = reverse("assessments:consent", kwargs={"slug": role.slug})

    statuses = [client.post(consent, {"agree": "on"}).status_code for _ in range(3)]

    assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]
    assert caches["default"].degraded


def test_an_outage_is_logged_once_per_interval_without_the_password(caplog):
    caplog.set_level(logging.WARNING, logger=CACHE_LOGGER)
    port = free_port()
    quiet = FallbackRedisCache(
        f"redis://:s3cret-pass@127.0.0.1:{port}/0", {"OPTIONS": {"RETRY_SECONDS": 60}}
    )
    for n in range(50):
        quiet.set(f"key-{n}", n)
    assert quiet.get("key-7") == 7  # answered from memory
    assert len(cache_warnings(caplog)) == 1
    assert f"redis://127.0.0.1:{port} unreachable" in cache_warnings(caplog)[0]

    chatty = FallbackRedisCache(
        f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"RETRY_SECONDS": 60, "LOG_INTERVAL_SECONDS": 0}},
    )
    chatty.add("hits", 0)
    chatty.incr("hits")
    assert chatty.get("hits") == 1
    messages = cache_warnings(caplog)
    assert any("still unreachable" in message for message in messages)
    assert not any("s3cret" in message for message in messages)


def test_a_counter_started_in_redis_goes_on_counting_in_memory(own_redis):
    cache = FallbackRedisCache(own_redis.url, {"OPTIONS": {"RETRY_SECONDS": 60}})
    assert cache.add("hits", 0)
    own_redis.kill()
    assert cache.incr("hits") == 1  # not a ValueError, which a limiter reads as "limited"
    assert cache.incr("hits") == 2


def test_other_redis_errors_still_raise(own_redis):
    cache = FallbackRedisCache(own_redis.url, {})
    own_redis.client().set(":1:counter", "not a number")
    with pytest.raises(redis.exceptions.ResponseError):
        cache.incr("counter")


def test_readyz_asks_redis_itself_at_once_when_it_stops_and_when_it_is_back(
    client, settings, own_redis
):
    # A retry interval far longer than the test: only asking Redis itself can see a change.
    settings.CACHES = production_caches(own_redis.url, CAREERFIT_REDIS_RETRY_SECONDS="3600")
    ready = reverse("assessments:ready")

    def cache_line() -> str:
        response = client.get(ready)
        assert response.status_code == HTTPStatus.OK  # Redis is no reason to stop visitors
        return response.content.decode().splitlines()[2]

    assert cache_line() == "cache: shared"
    own_redis.kill()
    assert [cache_line() for _ in range(8)] == ["cache: per-process (Redis unreachable)"] * 8
    own_redis.start()
    assert [cache_line() for _ in range(8)] == ["cache: shared"] * 8
    # The page counters followed: this process counts in Redis again.
    caches["default"].set("probe", 1)
    assert own_redis.client().dbsize() > 0


def test_readyz_without_redis_says_the_cache_is_per_process(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get(reverse("assessments:ready"))
    assert response.content.decode().splitlines()[2] == "cache: per-process (no REDIS_URL)"
