"""Whether the database can be read and written now, in a second or two at most."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

# A readiness probe must answer before the load balancer gives up on it: wait this long for
# a lock, not the busy timeout a visitor's request is given.
PROBE_TIMEOUT_SECONDS = 2


def check_database() -> None:
    """Read a row and write it back unchanged, in a transaction that is rolled back.

    The row is one of Django's migration records: a table every installation has, whose
    content this leaves as it was. Raises django.db.DatabaseError if the database cannot
    be reached, is read-only, or stays locked for ``PROBE_TIMEOUT_SECONDS``.
    """
    migrations = MigrationRecorder.Migration.objects
    with short_lock_wait(), transaction.atomic():
        if connection.vendor == "postgresql":
            timeout = f"{PROBE_TIMEOUT_SECONDS * 1000}ms"
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout])
        first = migrations.order_by("pk").values_list("pk", "app").first()
        if first is not None:
            migrations.filter(pk=first[0]).update(app=first[1])
        transaction.set_rollback(True)


@contextmanager
def short_lock_wait():
    """On SQLite, wait at most PROBE_TIMEOUT_SECONDS for the write lock, then as before.

    (PostgreSQL gets the same bound from lock_timeout, local to the probe's transaction.)
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        configured = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_SECONDS * 1000}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(configured)}")
