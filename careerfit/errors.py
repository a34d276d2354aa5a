"""Database trouble said plainly: a 503 page that tells visitors their answers are safe.

A locked SQLite file (a write lock held past the busy timeout), a read-only database or a
PostgreSQL server that refuses connections is a passing state, not a bug. Every answer a
visitor sent before is committed, so the page says so, asks them to send again in a
moment, and carries Retry-After. Views raise it through ``DatabaseUnavailableMiddleware``
(which first runs a view whose PostgreSQL connection was terminated under it again, on a
new connection); anywhere else (another middleware, a session or a context processor)
through the ``handler500`` below. Outages are logged once per ``LOG_INTERVAL_SECONDS``
with a count, not once per request.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from http import HTTPStatus

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("careerfit.database")

RETRY_AFTER_SECONDS = 10
LOG_INTERVAL_SECONDS = 10
# SQLSTATE of errors that are about the server, not the query: a read-only transaction
# (a hot standby after a failover), connection exceptions, insufficient resources (too
# many connections, disk full) and operator intervention (shutdown, terminated backend).
UNAVAILABLE_SQLSTATES = ("25006", "08", "53", "57P")
# The server ended the connection: an administrator's command, a crash or a shutdown.
TERMINATED_SQLSTATES = {"57P01", "57P02"}
# A view whose connection was terminated is run this many times at most.
MAX_ATTEMPTS = 3


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot serve now (rather than a bad query)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DatabaseError):
        sqlstate = getattr(error.__cause__, "sqlstate", None) or ""
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    return False


class _Throttle:
    """Lets one message through per interval, counting the ones held back."""

    def __init__(self, interval: float):
        self.interval = interval
        self.last = float("-inf")
        self.held_back = 0
        self.lock = threading.Lock()

    def passes(self) -> tuple[bool, int]:
        now = time.monotonic()
        with self.lock:
            if now - self.last < self.interval:
                self.held_back += 1
                return False, 0
            held_back, self.held_back, self.last = self.held_back, 0, now
            return True, held_back


_throttle = _Throttle(LOG_INTERVAL_SECONDS)
_retry_throttle = _Throttle(LOG_INTERVAL_SECONDS)


def database_unavailable(request, error: BaseException):
    """The 503 page, in the visitor's language, with Retry-After."""
    passes, held_back = _throttle.passes()
    if passes:
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        logger.warning(
            "Database unavailable (%s: %s); answered 503 Service Unavailable%s",
            type(error).__name__,
            first_line,
            f", and {held_back} more times since the last message" if held_back else "",
        )
    # No messages: reading them may need the session, that is the database.
    response = render(
        request,
        "503.html",
        {"messages": ()},
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, once per interval; Django would add an error with a traceback per request.
    response._has_been_logged = True
    return response


def is_connection_terminated(error: BaseException) -> bool:
    """Whether PostgreSQL ended a connection that was working (pg_terminate_backend, a
    restart, a failover): a new connection will most likely work at once. A connection
    that could not be opened at all is not one of these."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate in TERMINATED_SQLSTATES:
        return True
    # Killed between two messages, the server says nothing: libpq only sees the socket close.
    return (
        sqlstate is None
        and isinstance(error, OperationalError)
        and "server closed the connection unexpectedly" in str(error)
    )


class DatabaseUnavailableMiddleware:
    """Turns a view's database outage into the 503 page instead of a 500.

    A view whose PostgreSQL connection was terminated under it runs again on a new
    connection, up to ``MAX_ATTEMPTS`` times in all: its transaction was rolled back with
    the connection, and the public views write in one transaction each (or repeat
    harmlessly: the same answers merged again, a completed assessment left as it is).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        for _attempt in range(MAX_ATTEMPTS - 1):
            if not self.may_retry(request, exception):
                break
            self.note_retry(exception)
            for connection in connections.all(initialized_only=True):
                try:
                    connection.close()
                except DatabaseError:
                    pass  # it is gone already
            match = request.resolver_match
            try:
                return match.func(request, *match.args, **match.kwargs)
            except Exception as error:
                if not is_database_unavailable(error):
                    raise
                exception = error
        return database_unavailable(request, exception)

    @staticmethod
    def may_retry(request, exception) -> bool:
        return (
            is_connection_terminated(exception)
            and request.resolver_match is not None
            and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
        )

    @staticmethod
    def note_retry(exception) -> None:
        passes, held_back = _retry_throttle.passes()
        if passes:
            logger.warning(
                "Database connection terminated (%s); the request was run again on a new "
                "connection%s",
                type(exception.__cause__).__name__,
                f", as were {held_back} more since the last message" if held_back else "",
            )


def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the database was the trouble, else the 500 page.

    Django's own 500 view renders without the request; ours passes it in (so the page can
    offer its language links back to the same address) but runs no context processor,
    since they may read the session or the database that just failed.
    """
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        try:
            return database_unavailable(request, error)
        except Exception:
            logger.exception("The 503 page could not be rendered")
    try:
        body = loader.get_template(template_name).render({"request": request})
    except Exception:
        logger.exception("The 500 page could not be rendered with the request")
        return django_server_error(request, template_name)
    return HttpResponseServerError(body)


# Statuses Django's views answer with an empty body: a view's HTTP method decorators (405)
# and a conflict the view reports (409, an answer sent to a completed assessment).
PAGES_FOR_EMPTY_BODIES = {
    HTTPStatus.METHOD_NOT_ALLOWED: "405.html",
    HTTPStatus.CONFLICT: "409.html",
}


class ErrorPageBodyMiddleware:
    """Gives a 405 or 409 without a body the site's page for it, keeping its headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = PAGES_FOR_EMPTY_BODIES.get(response.status_code)
        if template is None or getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, template, {"messages": ()})
        response.content = page.content
        response["Content-Type"] = page["Content-Type"]
        if response.has_header("Content-Length"):  # CommonMiddleware's, for the empty body
            response["Content-Length"] = str(len(response.content))
        return response
