"""Django's Redis cache, falling back to this process's memory while Redis is unreachable.

The cache holds the rate-limit counters. If every request failed while Redis was down, an
outage of a counter store would take the whole site down with it. Instead, while Redis
cannot be reached, each call is answered by a per-process memory cache (Django's
LocMemCache): the limits still apply, counted by each worker on its own as they are
without ``REDIS_URL`` (the configured rate x workers x servers), and nothing fails.

Redis is not asked again on every request: after a failure, this process tries it again
once ``RETRY_SECONDS`` have passed, so a Redis that does not even refuse (a dead host)
costs one connect timeout per interval, not one per request. The outage is logged when it
begins, at most once per ``LOG_INTERVAL_SECONDS`` while it lasts, and when it ends; the
address is logged without its password. Recovery needs nothing: the first successful
call after the retry interval brings Redis back.

    CACHES = {"default": {
        "BACKEND": "careerfit.cache.FallbackRedisCache",
        "LOCATION": "redis://redis.internal:6379/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5,
                    "RETRY_SECONDS": 5, "LOG_INTERVAL_SECONDS": 60},
    }}

The upper-case options are this class's own; the others go to redis-py's connection pool,
as with Django's RedisCache.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("careerfit.cache")

# Redis is away or cannot take writes; other errors (a wrong type, a bug) still raise.
UNAVAILABLE = (
    redis.exceptions.ConnectionError,  # refused, reset, unknown host, still loading
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,  # a replica after a failover
    redis.exceptions.OutOfMemoryError,
)


# Enough for one counter per visitor address and limit over a busy day's window.
FALLBACK_MAX_ENTRIES = 10_000


@dataclass
class Outage:
    """What one process knows about one Redis location; shared by its threads."""

    down_since: float | None = None
    retry_at: float = 0.0
    logged_at: float = 0.0
    calls_since_log: int = 0


_outages: dict[str, Outage] = {}
_lock = threading.Lock()


def shown_location(location: str) -> str:
    """The Redis address without user name or password, for the logs."""
    shown = []
    for server in location.replace(";", ",").split(","):
        parts = urlsplit(server.strip())
        host = parts.hostname or parts.path or "?"
        shown.append(f"{parts.scheme or 'redis'}://{host}{f':{parts.port}' if parts.port else ''}")
    return ", ".join(shown)


class FallbackRedisCache(RedisCache):
    """RedisCache that answers from this process's memory while Redis is unreachable."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        self.log_interval = float(options.pop("LOG_INTERVAL_SECONDS", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = server if isinstance(server, str) else ",".join(server)
        self.shown_location = shown_location(self.location)
        # The same key prefix, version and timeouts, so that a key means the same in both.
        local_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        local_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        self.local = LocMemCache(f"careerfit-fallback:{self.location}", local_params)
        with _lock:
            self.outage = _outages.setdefault(self.location, Outage())

    # --- Choosing Redis or memory ---------------------------------------------------------

    def _call(self, name: str, *args, **kwargs):
        now = time.monotonic()
        outage = self.outage
        if outage.down_since is not None and now < outage.retry_at:
            return self._from_memory(name, now, *args, **kwargs)
        try:
            value = getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            self._failed(error, now)
            return self._from_memory(name, now, *args, **kwargs)
        if outage.down_since is not None:
            self._recovered(now)
        return value

    def _from_memory(self, name: str, now: float, *args, **kwargs):
        outage = self.outage
        with _lock:
            outage.calls_since_log += 1
            due = now - outage.logged_at >= self.log_interval
            if due:
                count, outage.calls_since_log, outage.logged_at = outage.calls_since_log, 0, now
        if due:
            logger.warning(
                "Redis at %s still unreachable after %.0f s: %d cache calls answered from "
                "per-process memory since the last message",
                self.shown_location,
                now - outage.down_since,
                count,
            )
        if name == "incr":
            return self._incr_in_memory(*args, **kwargs)
        return getattr(self.local, name)(*args, **kwargs)

    def _incr_in_memory(self, key, delta=1, version=None):
        # A counter Redis created just before it went away is not in memory: count afresh
        # rather than fail (a rate limiter reads a failed count as "limit reached").
        try:
            return self.local.incr(key, delta, version=version)
        except ValueError:
            self.local.add(key, delta, version=version)
            return delta

    def _failed(self, error: Exception, now: float) -> None:
        outage = self.outage
        with _lock:
            began = outage.down_since is None
            if began:
                outage.down_since = now
                outage.logged_at = now
                outage.calls_since_log = 0
            outage.retry_at = now + self.retry_seconds
        if began:
            logger.warning(
                "Redis at %s unreachable (%s): rate limits are counted per process until it "
                "is back; trying again every %g s",
                self.shown_location,
                type(error).__name__,
                self.retry_seconds,
            )

    def _recovered(self, now: float) -> None:
        outage = self.outage
        with _lock:
            down_since, outage.down_since = outage.down_since, None
            outage.calls_since_log = 0
        if down_since is not None:
            logger.warning(
                "Redis at %s reachable again after %.0f s: rate limits are shared again",
                self.shown_location,
                now - down_since,
            )

    def ping(self) -> bool:
        """Ask Redis now, whatever the retry interval says: whether it answers.

        For a readiness probe, which must report Redis as it is, not as this process last
        found it. The answer also ends or begins this process's outage at once.
        """
        now = time.monotonic()
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as error:
            self._failed(error, now)
            return False
        if self.outage.down_since is not None:
            self._recovered(now)
        return True

    @property
    def degraded(self) -> bool:
        """Whether this process is answering from memory at the moment."""
        return self.outage.down_since is not None

    # --- The cache API --------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        self.local.clear()
        return self._call("clear")
