"""How the HR dashboard and item statistics hold up over many results, and what they weigh.

Fills a throwaway database (an SQLite file, ``SQLITE_PATH`` or a new file under /tmp; or
with ``--db postgres`` a scratch PostgreSQL database on 127.0.0.1:5432, dropped afterwards)
with the Kabag Kesra profile, stored once as its published version, and ``--count``
completed assessments referencing that version (plus a tenth as many still in progress),
answered by simulated people whose answers follow a latent level per trait, so that the
item statistics look like real ones. Each result comes from the real scoring, its score
rows from ``rows.trait_rows`` and its items' share of the running item sums from
``rows.item_rows`` as in production; assessments are written with ``bulk_create``, their
trait and misconception rows with ``executemany`` (``COPY`` on PostgreSQL), and the item
sums once per batch with ``rows.add_to_item_sums``.

Then it prints the fill time, the bytes per completed assessment (its row, its score rows
and every index over them: SQLite's dbstat, PostgreSQL's pg_total_relation_size), and the
time of the dashboard and the statistics, as functions and as admin pages (rendered for a
superuser by Django's test client).

    .venv/bin/python bench/dashboard.py                        # 100,000 on SQLite
    .venv/bin/python bench/dashboard.py --db postgres
    .venv/bin/python bench/dashboard.py --count 20000          # a quicker look
    SQLITE_PATH=/tmp/cf.sqlite3 .venv/bin/python bench/dashboard.py --reuse   # time a filled file
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BATCH = 1000
TARGET_SECONDS = 1.0  # dashboard and statistics pages
TARGET_FILL_SECONDS = 600  # for 100,000
TARGET_BYTES = 8 * 1024  # per completed assessment
SCORE_TABLES = ("traitscore", "itemsum", "heldmisconception")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        "--completed",
        dest="count",
        type=int,
        default=100_000,
        help="completed assessments to write (default 100,000)",
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each page")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--distinct",
        type=int,
        default=0,
        help="simulate and score only this many people, then repeat them in turn (a quicker "
        "fill with the same rows per assessment; default: every assessment its own person)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the database at SQLITE_PATH as it is"
    )
    return parser.parse_args()


def setup_django(path: str, database_url: str = "") -> None:
    os.environ["SQLITE_PATH"] = path
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    os.environ.setdefault("CAREERFIT_RATELIMIT", "0")
    import django

    django.setup()


class Person:
    """A simulated visitor: a general level, a level per trait, a service orientation."""

    def __init__(self, rng: random.Random, trait_keys: list[str]):
        general = rng.gauss(0, 1)
        self.levels = {key: 0.6 * general + 0.8 * rng.gauss(0, 1) + 0.4 for key in trait_keys}
        self.direct_service = rng.gauss(0, 1)
        self.insight = rng.gauss(0, 1)
        self.rng = rng


def item_loadings(snapshot, rng: random.Random) -> dict[str, float]:
    """How strongly each item follows its trait; one item follows nothing (a weak item)."""
    loadings = {item["code"]: rng.uniform(0.6, 1.3) for item in snapshot["items"]}
    weak = next(item["code"] for item in snapshot["items"] if item["kind"] == "likert")
    loadings[weak] = 0.0
    return loadings


def answer(person: Person, snapshot, loadings, rng: random.Random) -> dict[str, str]:
    answers = {}
    for item in snapshot["items"]:
        code, kind = item["code"], item["kind"]
        if kind == "likert":
            level = person.levels[item["trait"]] * loadings[code] + rng.gauss(0, 0.9)
            if item["reverse_keyed"]:
                level = -level
            value = 3 + round(max(-2.0, min(2.0, level * 1.2)))
            answers[code] = str(value)
        elif kind == "scenario":
            level = person.levels[item["trait"]] * loadings[code]
            weights = [math.exp(level * (option["score"] - 2) / 1.5) for option in item["options"]]
            answers[code] = rng.choices(item["options"], weights)[0]["code"]
        elif kind == "knowledge":
            level = person.levels[item["trait"]] * loadings[code]
            right = next(option for option in item["options"] if option["score"] == 1)
            if rng.random() < 1 / (1 + math.exp(-1.5 * level)):
                answers[code] = right["code"]
            else:
                answers[code] = rng.choice(item["options"])["code"]
        elif kind == "check":
            # An attention check on the agreement scale, measuring no trait.
            answers[code] = rng.choice("2344")
        elif kind == "belief":
            keyed = item["keyed_answer"]
            holds = rng.random() < 1 / (1 + math.exp(1.2 * person.insight + 0.3))
            answers[code] = ("agree" if keyed == "disagree" else "disagree") if holds else keyed
        elif kind == "preference":
            direct = rng.random() < 1 / (1 + math.exp(-1.3 * person.direct_service))
            option = next(o for o in item["options"] if o["direct_service"] == direct)
            answers[code] = option["code"]
        else:
            fields = snapshot["education_fields"]
            answers[code] = rng.choice(fields)["code"]
    return answers


def insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany (SQLite) or COPY (PostgreSQL): the score rows number about a hundred
    per assessment, too many for model objects."""
    from django.db import connection

    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join("%s" for _ in columns)
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
        )


def fill(completed: int, seed: int, distinct: int = 0) -> float:
    """Fill the database; returns the seconds the writing took (after the migrations)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments import scoring, snapshots
    from assessments.insights import rows
    from assessments.models import Assessment, HeldMisconception, Role, TraitScore

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "kabag_kesra", "hr_group", verbosity=0)
    role = Role.objects.get(slug="kabag-kesra")
    # Stored once; every assessment references it, as in production.
    version = snapshots.live_version(role)
    data = snapshots.version_data(version.pk)
    snapshot, profile = data.snapshot, data.profile
    # Every trait the questionnaire asks about, the unweighed ones (other roles') too.
    trait_keys = sorted({item["trait"] for item in snapshot["items"] if item.get("trait")})
    rng = random.Random(seed)
    loadings = item_loadings(snapshot, rng)
    now = timezone.now()
    year = timedelta(days=365).total_seconds()
    datetime_value = connection.ops.adapt_datetimefield_value
    migrated = time.perf_counter()
    print(f"  migrated and loaded the profile in {migrated - started:.0f} s")

    in_progress = completed // 10
    done = 0
    people: list[tuple[dict, scoring.Result]] = []  # with --distinct
    while done < completed + in_progress:
        batch = []
        results = []
        for _ in range(min(BATCH, completed + in_progress - done)):
            created_at = now - timedelta(seconds=rng.uniform(0, year))
            common = {
                "role": role,
                "role_version": version.number,
                "profile_version": version,
                "language": rng.choice(["id", "id", "id", "en"]),
                "consent_version": "bench",
                "consented_at": created_at,
                "created_at": created_at,
            }
            if distinct and done < completed and len(people) >= distinct:
                answers, result = people[done % distinct]
            else:
                answers = answer(Person(rng, trait_keys), snapshot, loadings, rng)
                result = None
            if done < completed:
                if result is None:
                    result = scoring.score(profile=profile, answers=answers)
                    if distinct:
                        people.append((answers, result))
                assessment = Assessment(
                    **common,
                    answers=answers,
                    status=Assessment.Status.COMPLETED,
                    result=result.to_dict(),
                    verdict=result.verdict,
                    overall_fit=result.overall_fit,
                    quality_flags=list(result.quality_flags),
                    direct_service_share=result.direct_service_share,
                    completed_at=created_at + timedelta(minutes=rng.uniform(6, 20)),
                    # When each section was first saved, as a visit stores it.
                    section_saved_at={
                        str(number): (created_at + timedelta(minutes=number)).isoformat()
                        for number in range(1, len(snapshot["sections"]) + 1)
                    },
                )
                results.append(result)
            else:
                half = dict(list(answers.items())[: rng.randrange(len(answers))])
                assessment = Assessment(**common, answers=half)
            batch.append(assessment)
            done += 1
        traits, items, misconceptions = [], [], []
        with transaction.atomic():
            created = Assessment.objects.bulk_create(batch)
            for assessment, result in zip(created, results, strict=False):
                ids = (assessment.pk, role.pk, version.number)
                started_at = datetime_value(assessment.created_at)
                traits += [
                    (
                        *ids,
                        started_at,
                        row.trait_key,
                        row.score,
                        row.required_level,
                        row.knocked_out,
                        row.flagged,
                    )
                    for row in rows.trait_rows(result)
                ]
                items.append((role.pk, version.number, rows.item_rows(profile, assessment.answers)))
                misconceptions += [(*ids, started_at, code) for code in result.misconceptions]
            common_columns = ("assessment_id", "role_id", "role_version")
            insert(
                TraitScore._meta.db_table,
                (
                    *common_columns,
                    "started_at",
                    "trait_key",
                    "score",
                    "required_level",
                    "knocked_out",
                    "flagged",
                ),
                traits,
            )
            rows.add_to_item_sums(rows.item_sum_deltas(items))
            insert(
                HeldMisconception._meta.db_table,
                (*common_columns, "started_at", "item_code"),
                misconceptions,
            )
        if done % 10_000 < BATCH:
            print(f"  {done:>7} assessments written, {time.perf_counter() - started:6.0f} s")
    # Stale "last activity" for most unfinished ones, so some count as abandoned.
    Assessment.objects.filter(status=Assessment.Status.IN_PROGRESS).update(
        updated_at=now - timedelta(days=2)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - migrated


def storage() -> dict[str, int]:
    """Bytes of the assessment table and of the score tables, each with its indexes."""
    from django.db import connection

    from assessments.models import Assessment

    app = Assessment._meta.app_label
    tables = {"assessment": f"{app}_assessment"}
    tables.update({name: f"{app}_{name}" for name in SCORE_TABLES})
    sizes = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            else:
                # The table and every index on it, in pages as stored.
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)",
                    [table, table],
                )
            sizes[name] = int(cursor.fetchone()[0] or 0)
    return sizes


def report_storage(count: int) -> None:
    from assessments.models import Assessment

    sizes = storage()
    rows = Assessment.objects.count()
    row_bytes = sizes["assessment"] / rows
    score_bytes = sum(sizes[name] for name in SCORE_TABLES) / count
    per_completed = row_bytes + score_bytes
    verdict = "met" if per_completed <= TARGET_BYTES else "MISSED"
    print(
        f"storage: {per_completed:,.0f} bytes per completed assessment "
        f"(target <= {TARGET_BYTES:,}: {verdict}): its row with the assessment table's "
        f"indexes {row_bytes:,.0f} (the table {sizes['assessment']:,} bytes over {rows:,} rows, "
        f"unfinished ones included), its score rows with their indexes {score_bytes:,.0f} "
        f"({', '.join(f'{name} {sizes[name]:,}' for name in SCORE_TABLES)} bytes)"
    )


def timed(function, repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run. CPU time is this process's alone: on a busy machine
    (other jobs on the same two cores) it shows what an idle one would take."""
    times = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def describe(times: list[tuple[float, float]]) -> str:
    walls = [wall for wall, _cpu in times]
    cpus = [cpu for _wall, cpu in times]
    return (
        f"wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
        f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s ({len(times)} runs)"
    )


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def measure(repeat: int) -> dict[str, list[float]]:
    from http import HTTPStatus

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from assessments.files import exports
    from assessments.insights import dashboard as insights
    from assessments.insights import rows, statistics
    from assessments.models import Assessment, ItemSum, Role

    role = Role.objects.get(slug="kabag-kesra")
    print(
        f"database: {Assessment.objects.completed().count()} completed and "
        f"{Assessment.objects.in_progress().count()} unfinished assessments, "
        f"{ItemSum.objects.count()} item sum rows"
    )
    now = timezone.now()
    start, end = now - timedelta(days=366), now + timedelta(days=1)

    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    dashboard_url = reverse("admin:assessments_role_dashboard", args=[role.pk])
    statistics_url = reverse("admin:assessments_role_statistics", args=[role.pk])
    query = {
        "start": start.astimezone().date().isoformat(),
        "end": now.astimezone().date().isoformat(),
    }

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == HTTPStatus.OK, response.status_code
        return response

    analysis = statistics.item_analysis(role, minimum=30)
    flagged = [item.code for scale in analysis.scales or () for item in scale.items if item.flags]
    print(f"statistics: version {analysis.version}, {analysis.completed} completed, ", end="")
    print(f"flagged items: {', '.join(flagged) or 'none'}")
    return {
        "dashboard, a year (function)": timed(
            lambda: insights.dashboard(role, start=start, end=end, now=now), repeat
        ),
        "dashboard, a year (page)": timed(lambda: get(dashboard_url, query), repeat),
        "dashboard, 90 days (page)": timed(lambda: get(dashboard_url), repeat),
        "statistics (function)": timed(lambda: statistics.item_analysis(role, minimum=30), repeat),
        "statistics (page)": timed(lambda: get(statistics_url), repeat),
        "results CSV, 90 days": timed(
            lambda: sum(
                map(len, exports.results_csv(role, start=now - timedelta(days=90), end=end))
            ),
            1,
        ),
        "results XLSX, 90 days": timed(
            lambda: exports.results_xlsx(role, start=now - timedelta(days=90), end=end), 1
        ),
        # The item sums written anew from every stored answer set (the same sums again).
        "rebuild_item_sums": timed(rows.rebuild_item_sums, 1),
    }


def main():
    args = parse_args()
    path = os.environ.get("SQLITE_PATH") or str(
        Path(tempfile.gettempdir()) / "careerfit-bench-dashboard.sqlite3"
    )
    if Path(path).resolve() == (REPO / "db.sqlite3").resolve():
        sys.exit("Refusing to fill the development database: set SQLITE_PATH to a scratch file.")
    if args.db == "postgres" and args.reuse:
        sys.exit("--reuse is for an SQLite file: a PostgreSQL scratch database is dropped.")
    pg_name = ""
    if args.db == "postgres":
        from harness import create_pg_database

        pg_name = f"careerfit_bench_dashboard_{os.getpid()}"
        database_url = create_pg_database(pg_name)
    else:
        database_url = ""
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
    try:
        setup_django(path, database_url)
        run(args, path)
    finally:
        if pg_name:
            from django.db import connections
            from harness import drop_pg_database

            connections.close_all()
            drop_pg_database(pg_name)


def run(args, path: str) -> None:
    from assessments.models import Assessment

    print(f"command: {shlex.join(['.venv/bin/python', 'bench/dashboard.py', *sys.argv[1:]])}")
    where = "PostgreSQL scratch database" if args.db == "postgres" else f"SQLITE_PATH={path}"
    print(f"{where}, {os.cpu_count()} cores, load average {load()}")
    if not args.reuse:
        seconds = fill(args.count, args.seed, args.distinct)
        pace = TARGET_FILL_SECONDS * args.count / 100_000
        print(
            f"fill time: {args.count:,} completed (and {args.count // 10:,} unfinished) "
            f"assessments written in {seconds:.0f} s (after the migrations), "
            f"{args.count / seconds:,.0f} completed/s; "
            f"100,000 at this pace: {seconds * 100_000 / args.count / 60:.1f} min "
            f"(target <= {TARGET_FILL_SECONDS // 60} min: "
            f"{'met' if seconds <= pace else 'MISSED'})"
        )
    completed = Assessment.objects.completed().count()
    report_storage(completed)
    if args.db == "sqlite":
        size = sum(
            Path(path + suffix).stat().st_size
            for suffix in ("", "-wal")
            if Path(path + suffix).exists()
        )
        print(f"database file: {size / 1e6:,.0f} MB, {size / completed:,.0f} bytes per completed")
    results = measure(args.repeat)
    for name, times in results.items():
        median = statistics.median(wall for wall, _cpu in times)
        verdict = ""
        if "(page)" in name:
            verdict = f"  target <= {TARGET_SECONDS:g} s: "
            verdict += "met" if median <= TARGET_SECONDS else "MISSED"
        print(f"{name:<30} {describe(times)}{verdict}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
