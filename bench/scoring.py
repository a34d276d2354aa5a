"""Assessments scored per second by the scoring engine alone, on one core.

The profile is the Kabag Kesra fixture, loaded into a throwaway SQLite database and turned
into a snapshot and a ``scoring.Profile`` by ``assessments.snapshots``, as the app does (its
sections taken from the snapshot when the profile does not carry them). The answers are
varied: a fixed-seed random answer to every item and random section times, a different set
per call. Reported, all measured in the same run, interleaved:

- ``scoring.score`` under the current rules with the response-quality check and section
  times: the figure with the target;
- ``score_snapshot``: what completing an assessment runs, the profile rebuilt from the
  stored snapshot (its lookup tables with it), then scored.

    .venv/bin/python bench/scoring.py
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ROLE_SLUG, command_line, machine  # noqa: E402

TARGET_PER_SECOND = 20_000


def load_snapshot(tmp: Path) -> dict:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="careerfit.settings",
        DJANGO_DEBUG="1",
        SQLITE_PATH=str(tmp / "scoring.sqlite3"),
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("loaddata", "kabag_kesra", verbosity=0)
    from assessments.models import Role
    from assessments.snapshots import build_snapshot

    return build_snapshot(Role.objects.get(slug=ROLE_SLUG))


def answer_sets(snapshot: dict, count: int, seed: int) -> list[dict[str, str]]:
    """``count`` complete, valid and varied answer sets."""
    from assessments import scoring

    rng = random.Random(seed)
    fields = [field["code"] for field in snapshot["education_fields"]]
    sets = []
    for _ in range(count):
        answers = {}
        for item in snapshot["items"]:
            kind = item["kind"]
            if kind in (scoring.LIKERT, scoring.CHECK):
                answers[item["code"]] = rng.choice(scoring.LIKERT_VALUES)
            elif kind == scoring.BELIEF:
                answers[item["code"]] = rng.choice((scoring.AGREE, scoring.DISAGREE))
            elif kind == scoring.BACKGROUND:
                answers[item["code"]] = rng.choice(fields)
            else:
                answers[item["code"]] = rng.choice(item["options"])["code"]
        sets.append(answers)
    return sets


def section_times(sections: int, count: int, seed: int) -> list[dict[int, float]]:
    """Seconds per section, some of them too fast."""
    rng = random.Random(seed)
    return [{n: rng.uniform(5, 120) for n in range(1, sections + 1)} for _ in range(count)]


def per_second(function, answers: list[dict[str, str]], seconds: float) -> float:
    """Calls per second of ``function(answers)`` over the sets, repeated for ``seconds``."""
    done = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for one in answers:
            function(one)
        done += len(answers)
    return done / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=1000, help="distinct answer sets")
    parser.add_argument("--seconds", type=float, default=2.0, help="per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    machine_line = machine()
    # One core: the figure is what one gunicorn worker can score.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    with tempfile.TemporaryDirectory(prefix="careerfit-scoring-") as name:
        snapshot = load_snapshot(Path(name))
    from assessments import scoring
    from assessments.snapshots import profile_from_snapshot, score_snapshot

    profile = profile_from_snapshot(snapshot)
    if not profile.sections:
        profile = dataclasses.replace(
            profile, sections=tuple(tuple(section["items"]) for section in snapshot["sections"])
        )
    answers = answer_sets(snapshot, args.sets, args.seed)
    times = section_times(len(profile.sections), args.sets, args.seed)
    cases = list(zip(answers, times, strict=True))
    results = [scoring.score(profile=profile, answers=a, section_seconds=t) for a, t in cases]
    verdicts = {result.verdict for result in results}
    flagged = sum(bool(result.quality_flags) for result in results)

    engine = [
        per_second(
            lambda case: scoring.score(profile=profile, answers=case[0], section_seconds=case[1]),
            cases,
            args.seconds,
        )
        for _ in range(args.repeats)
    ]
    from_snapshot = [
        per_second(
            lambda one: score_snapshot(snapshot=snapshot, answers=one), answers, args.seconds
        )
        for _ in range(args.repeats)
    ]

    engine_median = statistics.median(engine)
    print(f"command: {command_line()}")
    print(f"machine: {machine_line}; pinned to one core, CPU time")
    print(
        f"profile: {ROLE_SLUG} version {snapshot['version']}, {len(snapshot['items'])} items "
        f"{len(snapshot['traits'])} "
        f"traits, {len(profile.sections)} sections; {args.sets} answer sets (seed "
        f"{args.seed}), verdicts among them: {', '.join(sorted(verdicts))}; "
        f"{flagged} flagged"
    )
    print(f"{args.repeats} repeats of {args.seconds:g} s; median (min-max)")
    print()
    print("| what | assessments/s | per assessment | target |")
    print("|---|---:|---:|---|")
    met = engine_median >= TARGET_PER_SECOND
    for label, runs, target in (
        (
            "`scoring.score`, current rules, with section times",
            engine,
            f">= {TARGET_PER_SECOND:,}/s: {'met' if met else 'MISSED'}",
        ),
        ("`snapshots.score_snapshot` (snapshot -> profile -> score)", from_snapshot, ""),
    ):
        median = statistics.median(runs)
        print(
            f"| {label} | {median:,.0f} ({min(runs):,.0f}-{max(runs):,.0f}) "
            f"| {1e6 / median:.0f} us | {target} |"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
