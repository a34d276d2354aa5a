"""What a completed assessment weighs in the database, part by part.

Fills a scratch database as bench/dashboard.py does (``--count`` completed assessments of
the Kabag Kesra profile, a tenth as many unfinished, each with its score rows), then prints
the bytes per completed assessment: its row and each of the assessment table's indexes, and
each score table and its indexes (SQLite's dbstat; PostgreSQL's pg_relation_size per table,
TOAST and index), and the stored length of each JSON column.

    .venv/bin/python bench/storage.py                    # SQLite, 5,000 completed
    .venv/bin/python bench/storage.py --db postgres
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import TARGET_BYTES, fill, setup_django  # noqa: E402
from harness import create_pg_database, drop_pg_database, load_average  # noqa: E402

APP = "assessments"
TABLES = ("assessment", "traitscore", "itemsum", "heldmisconception")


def sqlite_parts(cursor, table: str) -> dict[str, int]:
    """Bytes of a table and of each of its indexes, in pages as stored."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
    names = [table] + [name for (name,) in cursor.fetchall()]
    parts = {}
    for name in names:
        cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s", [name])
        parts[name] = int(cursor.fetchone()[0] or 0)
    return parts


def postgres_parts(cursor, table: str) -> dict[str, int]:
    """Bytes of a table's heap, its TOAST (with the TOAST index) and each of its indexes."""
    cursor.execute(
        "SELECT pg_relation_size(c.oid), COALESCE(pg_total_relation_size(c.reltoastrelid), 0) "
        "FROM pg_class c WHERE c.relname = %s",
        [table],
    )
    heap, toast = cursor.fetchone()
    parts = {table: heap, f"{table} (TOAST)": toast}
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass",
        [table],
    )
    parts.update(dict(cursor.fetchall()))
    return parts


def parts_of(cursor, vendor: str, table: str) -> dict[str, int]:
    if vendor == "postgresql":
        return postgres_parts(cursor, table)
    return sqlite_parts(cursor, table)


def report(completed: int) -> None:
    from django.db import connection

    from assessments.models import Assessment

    rows = Assessment.objects.count()
    total = 0.0
    with connection.cursor() as cursor:
        for short in TABLES:
            table = f"{APP}_{short}"
            parts = parts_of(cursor, connection.vendor, table)
            # An assessment's share of its own table counts every row, unfinished included.
            per = rows if short == "assessment" else completed
            share = sum(parts.values()) / per
            total += share
            print(f"  {table}: {share:,.0f} bytes per assessment")
            for name, size in parts.items():
                print(f"    {name:<55} {size / per:>9,.0f}")
        print(
            f"bytes per completed assessment: {total:,.0f} (target <= {TARGET_BYTES:,}: "
            f"{'met' if total <= TARGET_BYTES else 'MISSED'})"
        )
        json_columns(cursor, connection.vendor)


def json_columns(cursor, vendor: str) -> None:
    """The average stored length of each JSON column, as stored and written compactly."""
    table = f"{APP}_assessment"
    print("JSON columns of a completed assessment (average bytes, as stored / compact):")
    for column in ("answers", "result", "section_saved_at", "quality_flags"):
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT AVG(pg_column_size({column})), AVG(octet_length({column}::text)), "
                f"AVG(octet_length(jsonb_strip_nulls({column}::jsonb)::text)) "
                f"FROM {table} WHERE status = 'completed'"
            )
            stored, text, _stripped = cursor.fetchone()
            print(
                f"  {column:<18} {float(stored):>8,.0f} stored (compressed), "
                f"{float(text):,.0f} as text"
            )
        else:
            cursor.execute(
                f"SELECT AVG(LENGTH(CAST({column} AS BLOB))), AVG(LENGTH(json({column}))) "
                f"FROM {table} WHERE status = 'completed'"
            )
            stored, compact = cursor.fetchone()
            print(f"  {column:<18} {stored:>8,.0f} stored, {compact:>8,.0f} compact")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="completed assessments")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"command: {shlex.join(['.venv/bin/python', 'bench/storage.py', *sys.argv[1:]])}")
    print(f"load average {load_average()}")
    with tempfile.TemporaryDirectory(prefix="careerfit-storage-") as tmp:
        pg_name = ""
        database_url = ""
        if args.db == "postgres":
            pg_name = f"careerfit_bench_storage_{os.getpid()}"
            database_url = create_pg_database(pg_name)
        try:
            setup_django(str(Path(tmp) / "storage.sqlite3"), database_url)
            fill(args.count, args.seed)
            from django.db import connection

            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            report(args.count)
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                drop_pg_database(pg_name)


if __name__ == "__main__":
    main()
