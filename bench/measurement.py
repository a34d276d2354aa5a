"""How far the verdict can be trusted: simulated respondents with known true levels,
answering through the adaptive flow's own selection (``scoring.stage_two``) and scored by
the engine (``scoring.score``), on the questionnaire the fixture holds and on a synthetic
bank of the third edition's shape (clearly labelled).

    .venv/bin/python bench/measurement.py            # the full run (< 2 minutes, 2 cores)
    .venv/bin/python bench/measurement.py --quick    # a smaller run for a first look

THE MODEL. Every assumption, with the value the base run uses (``ASSUMPTIONS``); the
sensitivity runs halve and double the groups named in ``SENSITIVITY``:

1. People. Nine traits; a person's level on each is
   theta = m + sqrt(rho) g + sqrt(1 - rho) e, g and e standard normal: applicants stand
   m = 0.6 above the items' centre (``level_mean``: people who consider this post lean
   towards it; with it about a quarter are truly "cocok", as the issue's table found) and
   their traits correlate rho = 0.3 (``trait_correlation``); one level scale shared by
   every item kind (self-report and behaviour measure the same thing).
2. Statements (likert): a graded response model. Keyed answer k (1-5) has
   P(answer >= k) = logistic(a (theta - b_k) + s), a = 1.5 (``likert_discrimination``),
   b_k = item location + (-2.2, -1.2, -0.2, 1.0): applicants lean to agreeing with what
   speaks for the trait; item locations spread N(0, 0.4) (``item_spread``); s is the
   person's agreement tendency (acquiescence), N(0, 0.3) (``style_sd``), added to agreeing
   (so towards the trait for a (+) statement, against it for a reverse-keyed one).
3. Situations (scenario): a divide-by-total model in which better options win as the level
   rises: P(option j) proportional to exp(A x score_j / 4 x (theta - beta) + alpha_j),
   A = 2.5 (``scenario_discrimination``), beta = item location - 0.5, alpha_j N(0, 0.3):
   options attract differently beyond their score.
4. Knowledge: three-parameter logistic: P(right) = c + (1 - c) logistic(1.2 (theta - b))
   (``knowledge_discrimination``), c = 1 / options (guessing), b = item location - 0.3; a
   wrong answer is any wrong option, evenly.
5. Check items are true infrequency items: an honest person gives the improbable answer
   with probability 0.03 per item (``slip_rate``), a 4 or 5 (or 1 or 2) evenly. (Today's
   C01-C04 are flattering claims that honest people endorse far more often: on the
   current fixture the honest false alarms are therefore understated, see the docs.)
6. Beliefs, preferences and the background question do not enter the verdict: answered at
   random.
7. Careless kinds: "random" answers every item evenly at random; "half random" each item
   with probability 0.5 at random, otherwise honestly; "straight-lining" picks 3, 4 or 5
   and gives it to 80 % of statements and check items, a neighbouring value to the rest,
   and picks options at random (their order is shuffled on the web); "acquiescent" has an
   agreement tendency of +2.5 on the logit instead of N(0, 0.3), otherwise honest.
8. Fakers push every statement towards the desirable end: their level on statements is
   theta + 2.0 (``fake_shift``); their situation and knowledge choices stay honest.
9. The true verdict applies the role's rules (knockout, non-compensatory lines, overall
   thresholds) to the error-free scores: the expected item scores at the person's level,
   averaged over every item of the trait in the bank (core and reserve), blended by the
   role's behaviour share.
10. Retest: the same person (same levels, same style) answers a second time with fresh
   response noise.

Everything is seeded (``--seed``); the same command prints the same figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ASSUMPTIONS = {
    "level_mean": 0.6,
    "trait_correlation": 0.3,
    "likert_discrimination": 1.5,
    "scenario_discrimination": 2.5,
    "knowledge_discrimination": 1.2,
    "item_spread": 0.4,
    "style_sd": 0.3,
    "slip_rate": 0.03,
    "fake_shift": 2.0,
}
LIKERT_STEPS = (-2.2, -1.2, -0.2, 1.0)
# Halved and doubled together, one group at a time.
SENSITIVITY = {
    "item discrimination": (
        "likert_discrimination",
        "scenario_discrimination",
        "knowledge_discrimination",
    ),
    "trait correlation": ("trait_correlation",),
    "response style": ("style_sd", "slip_rate"),
    "faking strength": ("fake_shift",),
}
SYNTHETIC = "SYNTHETIC third-edition bank (8 statements + 4 behaviour per trait, half reserve)"
CARELESS = ("random", "half random", "straight-lining", "acquiescent")
Z_VALUES = (0.5, 1.0, 1.5, 2.0)

TARGETS = {
    "retest": (">=", 0.85),
    "agreement": ("info", None),
    "false knockouts": ("<=", 0.02),
    "precision cocok": (">=", 0.90),
    "uncertain": ("<=", 0.20),
    "false alarms": ("<=", 0.03),
    "random": (">=", 0.95),
    "half random": (">=", 0.60),
    "straight-lining": (">=", 0.90),
    "acquiescent": (">=", 0.90),
}


def logistic(x: float) -> float:
    if x < -35:
        return 0.0
    return 1 / (1 + math.exp(-x))


# --- The banks ----------------------------------------------------------------------------


def fixture_profile():
    """The Kabag Kesra fixture as the app scores it (loaded into a throwaway database)."""
    with tempfile.TemporaryDirectory(prefix="careerfit-measure-") as name:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="careerfit.settings",
            DJANGO_DEBUG="1",
            SQLITE_PATH=str(Path(name) / "measure.sqlite3"),
        )
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("loaddata", "kabag_kesra", verbosity=0)
        from harness import ROLE_SLUG

        from assessments.models import Role
        from assessments.snapshots import build_snapshot, profile_from_snapshot

        return profile_from_snapshot(build_snapshot(Role.objects.get(slug=ROLE_SLUG)))


def deeper_bank(profile):
    """A synthetic bank of the third edition's shape on the fixture's traits and rules: per
    trait a core of 4 statements (2 reverse-keyed), a situation and a knowledge question,
    and a reserve of as many again; 4 true infrequency items; the fixture's other items."""
    from assessments import scoring
    from assessments.specs import ItemSpec, OptionSpec

    items, core = [], []
    for trait in profile.traits:
        for reserve in (False, True):
            tag = "R" if reserve else "C"
            for n in range(4):
                items.append(
                    ItemSpec(
                        code=f"{trait.key}-{tag}L{n}",
                        kind=scoring.LIKERT,
                        trait_key=trait.key,
                        reverse_keyed=n >= 2,
                        reserve=reserve,
                    )
                )
            items.append(
                ItemSpec(
                    code=f"{trait.key}-{tag}S",
                    kind=scoring.SCENARIO,
                    trait_key=trait.key,
                    reserve=reserve,
                    options=tuple(
                        OptionSpec(code=c, score=s)
                        for c, s in zip("ABCD", (4, 2, 1, 0), strict=True)
                    ),
                )
            )
            items.append(
                ItemSpec(
                    code=f"{trait.key}-{tag}K",
                    kind=scoring.KNOWLEDGE,
                    trait_key=trait.key,
                    reserve=reserve,
                    options=tuple(OptionSpec(code=c, score=int(c == "B")) for c in "ABCD"),
                )
            )
    items += [
        ItemSpec(code=f"X{n}", kind=scoring.CHECK, reverse_keyed=n % 2 == 0) for n in range(4)
    ]
    items += [
        item
        for item in profile.items
        if item.kind in (scoring.BELIEF, scoring.PREFERENCE, scoring.BACKGROUND)
    ]
    core = [item.code for item in items if not item.reserve]
    sections = tuple(tuple(core[start : start + 14]) for start in range(0, len(core), 14))
    return dataclasses.replace(profile, items=tuple(items), sections=sections)


# --- Respondents --------------------------------------------------------------------------


@dataclasses.dataclass
class Person:
    levels: dict[str, float]
    style: float
    kind: str = "honest"
    straight: int = 4


def item_parameters(profile, seed: int, a: dict) -> dict:
    """Fixed per bank: each item's location and option attractions."""
    rng = random.Random(seed)
    params = {}
    for item in profile.items:
        params[item.code] = {
            "location": rng.gauss(0, a["item_spread"]),
            "alpha": [rng.gauss(0, 0.3) for _ in item.options],
        }
    return params


def likert_expected(theta: float, location: float, a: float) -> float:
    """Expected keyed item score (0-1) at this level, no response style."""
    return sum(logistic(a * (theta - location - step)) for step in LIKERT_STEPS) / 4


def likert_answer(rng, theta, location, reverse, style, a) -> str:
    eta = -style if reverse else style
    u = rng.random()
    keyed = 1
    for step in LIKERT_STEPS:
        if u < logistic(a * (theta - location - step) + eta):
            keyed += 1
        else:
            break
    return str(6 - keyed if reverse else keyed)


def scenario_probabilities(item, theta, params, a):
    weights = [
        math.exp(a * (option.score / 4) * (theta - params["location"] + 0.5) + alpha)
        for option, alpha in zip(item.options, params["alpha"], strict=True)
    ]
    total = sum(weights)
    return [w / total for w in weights]


def knowledge_right(item, theta, params, a):
    c = 1 / len(item.options)
    return c + (1 - c) * logistic(a * (theta - params["location"] + 0.3))


def true_scores(profile, params, person, a):
    from assessments import scoring

    share = profile.behaviour_share
    scores = {}
    for trait in profile.traits:
        theta = person.levels[trait.key]
        self_scores, behaviour = [], []
        for item in profile.items:
            if item.trait_key != trait.key:
                continue
            p = params[item.code]
            if item.kind == scoring.LIKERT:
                self_scores.append(
                    likert_expected(theta, p["location"], a["likert_discrimination"])
                )
            elif item.kind == scoring.SCENARIO:
                probs = scenario_probabilities(item, theta, p, a["scenario_discrimination"])
                behaviour.append(
                    sum(pr * o.score / 4 for pr, o in zip(probs, item.options, strict=True))
                )
            elif item.kind == scoring.KNOWLEDGE:
                behaviour.append(knowledge_right(item, theta, p, a["knowledge_discrimination"]))
        s = 100 * statistics.fmean(self_scores) if self_scores else None
        b = 100 * statistics.fmean(behaviour) if behaviour else None
        scores[trait.key] = s if b is None else b if s is None else (1 - share) * s + share * b
    return scores


def true_verdict(profile, scores) -> str:
    from assessments import scoring

    knocked = any(
        t.knockout_below is not None and scores[t.key] < t.knockout_below for t in profile.traits
    )
    matches = {
        t.key: scoring.trait_match(score=scores[t.key], required_level=t.required_level)
        for t in profile.traits
    }
    total = sum(t.weight for t in profile.traits)
    overall = 100 * sum(t.weight * matches[t.key] for t in profile.traits) / total
    lowest = min(matches.values())
    return scoring.verdict_for(
        knocked_out=knocked,
        fit=overall >= profile.fit_threshold and lowest >= profile.min_match_fit,
        partial=overall >= profile.partial_threshold and lowest >= profile.min_match_partial,
    )


def answer(rng, profile, params, person, item, a) -> str:
    from assessments import scoring

    kind = item.kind
    careless = person.kind
    if careless == "random" or (careless == "half random" and rng.random() < 0.5):
        if kind in (scoring.LIKERT, scoring.CHECK):
            return rng.choice(scoring.LIKERT_VALUES)
        if kind == scoring.BELIEF:
            return rng.choice((scoring.AGREE, scoring.DISAGREE))
        if kind == scoring.BACKGROUND:
            return rng.choice(profile.education_fields).code
        return rng.choice(item.options).code
    if careless == "straight-lining":
        if kind in (scoring.LIKERT, scoring.CHECK):
            value = person.straight
            if rng.random() >= 0.8:
                value += rng.choice((-1, 1)) if 1 < value < 5 else (-1 if value == 5 else 1)
            return str(value)
        if kind == scoring.BELIEF:
            return rng.choice((scoring.AGREE, scoring.DISAGREE))
        if kind == scoring.BACKGROUND:
            return rng.choice(profile.education_fields).code
        return rng.choice(item.options).code
    p = params[item.code]
    if kind == scoring.LIKERT:
        theta = person.levels[item.trait_key]
        if careless == "faker":
            theta += a["fake_shift"]
        return likert_answer(
            rng,
            theta,
            p["location"],
            item.reverse_keyed,
            person.style,
            a["likert_discrimination"],
        )
    if kind == scoring.SCENARIO:
        probs = scenario_probabilities(
            item, person.levels[item.trait_key], p, a["scenario_discrimination"]
        )
        return rng.choices(item.options, weights=probs)[0].code
    if kind == scoring.KNOWLEDGE:
        right = knowledge_right(
            item, person.levels[item.trait_key], p, a["knowledge_discrimination"]
        )
        correct = [o for o in item.options if o.score == 1]
        wrong = [o for o in item.options if o.score != 1]
        return rng.choice(correct if rng.random() < right else wrong).code
    if kind == scoring.CHECK:
        # reverse_keyed: agreeing is improbable.
        agree_improbable = item.reverse_keyed
        style_push = logistic(person.style) - 0.5  # acquiescent people agree more
        slip = a["slip_rate"] + max(0.0, style_push if agree_improbable else -style_push)
        if rng.random() < slip:
            return rng.choice(("4", "5") if agree_improbable else ("1", "2"))
        return rng.choice(("1", "2", "3") if agree_improbable else ("3", "4", "5"))
    if kind == scoring.BELIEF:
        return rng.choice((scoring.AGREE, scoring.DISAGREE))
    if kind == scoring.BACKGROUND:
        return rng.choice(profile.education_fields).code
    return rng.choice(item.options).code


def take(rng, profile, params, person, a, z):
    """One pass through the web flow: the core, then the second stage's pages."""
    from assessments import scoring

    by_code = {item.code: item for item in profile.items}
    answers = {
        item.code: answer(rng, profile, params, person, item, a)
        for item in profile.items
        if not item.reserve
    }
    while True:
        stage = scoring.stage_two(profile, answers, z=z)
        if stage.complete:
            return stage.result, len(stage.answers)
        for code in stage.pages[-1]:
            answers[code] = answer(rng, profile, params, person, by_code[code], a)


def people(rng, profile, count, a, kind="honest"):
    rho = a["trait_correlation"]
    crowd = []
    for _ in range(count):
        g = rng.gauss(0, 1)
        # Every trait the questionnaire asks about, the bank's that the role does not weigh
        # too (its items are answered, and count for response quality only).
        levels = {
            key: a["level_mean"] + math.sqrt(rho) * g + math.sqrt(1 - rho) * rng.gauss(0, 1)
            for key in (*(t.key for t in profile.traits), *sorted(profile.unweighed_traits))
        }
        style = 2.5 if kind == "acquiescent" else rng.gauss(0, a["style_sd"])
        crowd.append(Person(levels=levels, style=style, kind=kind, straight=rng.choice((3, 4, 5))))
    return crowd


# --- Runs ---------------------------------------------------------------------------------


def run(job):
    """One condition: (label, bank, assumptions, z, honest count, careless count, seed)."""
    from assessments import scoring

    label, profile, a, z, n_honest, n_careless, seed = job
    cpu_started = time.process_time()
    rng = random.Random(seed)
    params = item_parameters(profile, seed=7, a=a)
    core = sum(not item.reserve for item in profile.items)
    stats = {"label": label, "core": core}
    honest = people(rng, profile, n_honest, a)
    same = agree = told_fit = true_fit_told_fit = sure_fit = sure_fit_true = 0
    clear_all = false_knock = uncertain = flagged = true_fits = 0
    lengths = []
    for person in honest:
        truth = true_verdict(profile, true_scores(profile, params, person, a))
        first, length = take(rng, profile, params, person, a, z)
        second, _ = take(rng, profile, params, person, a, z)
        lengths.append(length)
        same += first.verdict == second.verdict
        agree += first.verdict == truth
        true_fits += truth == scoring.FIT
        if first.verdict == scoring.FIT:
            told_fit += 1
            true_fit_told_fit += truth == scoring.FIT
            if first.verdict_sure:
                sure_fit += 1
                sure_fit_true += truth == scoring.FIT
        if truth != scoring.NOT_A_FIT:
            clear_all += 1
            false_knock += first.verdict == scoring.NOT_A_FIT
        uncertain += not first.verdict_sure
        flagged += bool(first.quality_flags)
    lengths.sort()
    stats.update(
        {
            "retest": same / n_honest,
            "agreement": agree / n_honest,
            "false knockouts": false_knock / max(clear_all, 1),
            "precision cocok": true_fit_told_fit / max(told_fit, 1),
            "precision sure cocok": sure_fit_true / max(sure_fit, 1),
            "uncertain": uncertain / n_honest,
            "false alarms": flagged / n_honest,
            "true cocok": true_fits / n_honest,
            "told cocok": told_fit / n_honest,
            "median items": lengths[len(lengths) // 2],
            "p90 items": lengths[int(0.9 * (len(lengths) - 1))],
        }
    )
    if n_careless:
        for kind in CARELESS:
            crowd = people(rng, profile, n_careless, a, kind)
            results = [take(rng, profile, params, p, a, z)[0] for p in crowd]
            stats[kind] = sum(bool(r.quality_flags) for r in results) / n_careless
            stats[f"{kind} cocok"] = sum(r.verdict == scoring.FIT for r in results) / n_careless
        fakers = people(rng, profile, n_careless, a, "faker")
        results = [take(rng, profile, params, p, a, z)[0] for p in fakers]
        stats["fakers cocok"] = sum(r.verdict == scoring.FIT for r in results) / n_careless
        stats["fakers flagged"] = sum(bool(r.quality_flags) for r in results) / n_careless
    stats["cpu"] = time.process_time() - cpu_started
    return stats


def verdict_line(name, value):
    sign, target = TARGETS.get(name, ("info", None))
    if sign == "info" or target is None:
        return ""
    met = value >= target if sign == ">=" else value <= target
    return f"{sign} {target:.2f}: {'met' if met else 'MISSED'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--honest", type=int, default=3000)
    parser.add_argument("--careless", type=int, default=1000)
    parser.add_argument("--side", type=int, default=400, help="honest people per side run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="a tenth of every count")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.quick:
        args.honest, args.careless, args.side = args.honest // 10, args.careless // 10, 100

    from harness import command_line, machine

    started = time.perf_counter()
    from assessments import scoring

    fixture = fixture_profile()
    reserve = sum(item.reserve for item in fixture.items)
    banks = {
        f"fixture v{fixture.version} ({len(fixture.items)} items, {reserve} reserve)": fixture,
        SYNTHETIC: deeper_bank(fixture),
    }
    jobs = []
    for bank_label, bank in banks.items():
        jobs.append(
            (
                f"{bank_label}|base",
                bank,
                ASSUMPTIONS,
                scoring.Z_MARGIN,
                args.honest,
                args.careless,
                args.seed,
            )
        )
        for group, names in SENSITIVITY.items():
            for factor in (0.5, 2.0):
                changed = {**ASSUMPTIONS, **{n: ASSUMPTIONS[n] * factor for n in names}}
                changed["trait_correlation"] = min(changed["trait_correlation"], 0.9)
                jobs.append(
                    (
                        f"{bank_label}|{group} x{factor:g}",
                        bank,
                        changed,
                        scoring.Z_MARGIN,
                        args.side,
                        args.side // 3 if group in ("response style", "faking strength") else 0,
                        args.seed + 1,
                    )
                )
        for z in Z_VALUES:
            jobs.append(
                (f"{bank_label}|z={z:g}", bank, ASSUMPTIONS, z, args.side, 0, args.seed + 2)
            )
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(run, jobs))
    by_label = {r["label"]: r for r in results}

    print(f"command: {command_line()}")
    print(f"machine: {machine()}; {args.workers} worker processes")
    print(
        f"z = {scoring.Z_MARGIN} (scoring.Z_MARGIN); seed {args.seed}; honest n = "
        f"{args.honest} (each answering twice), careless and fakers n = {args.careless} each"
    )
    for bank_label in banks:
        base = by_label[f"{bank_label}|base"]
        print()
        print(f"## {bank_label}: {base['core']} core items")
        print()
        print("| measure | figure | target |")
        print("|---|---:|---|")
        rows = [
            ("retest", "same verdict on retest"),
            ("agreement", "verdict = true verdict"),
            ("false knockouts", "truly clear every knockout, told tidak cocok"),
            ("precision cocok", "told cocok and truly cocok"),
            ("precision sure cocok", "told cocok (sure) and truly cocok"),
            ("uncertain", "verdict not sure (honest)"),
            ("false alarms", "honest answers flagged"),
            *((kind, f"{kind} flagged") for kind in CARELESS),
        ]
        for key, label in rows:
            print(f"| {label} | {base[key]:.3f} | {verdict_line(key, base[key])} |")
        gap = base["fakers cocok"] - base["true cocok"]
        print(
            f"| fakers told cocok (honest true share {base['true cocok']:.3f}) | "
            f"{base['fakers cocok']:.3f} | <= +0.05: {'met' if gap <= 0.05 else 'MISSED'} "
            f"({gap:+.3f}) |"
        )
        print(f"| fakers flagged | {base['fakers flagged']:.3f} | |")
        print(f"| honest told cocok | {base['told cocok']:.3f} | |")
        for kind in CARELESS:
            print(f"| {kind}: told cocok | {base[f'{kind} cocok']:.3f} | |")
        extra_median = base["median items"] - base["core"]
        extra_p90 = base["p90 items"] - base["core"]
        print(
            f"| items answered, median | {base['median items']} ({extra_median:+d}) | "
            f"<= core + 6: {'met' if extra_median <= 6 else 'MISSED'} |"
        )
        print(
            f"| items answered, 90th percentile | {base['p90 items']} ({extra_p90:+d}) | "
            f"<= core + 18: {'met' if extra_p90 <= 18 else 'MISSED'} |"
        )
        print()
        print(f"Sensitivity (honest n = {args.side}; each group halved / doubled):")
        print()
        print(
            "| run | retest | agreement | false knockouts | precision cocok | uncertain | "
            "false alarms | fakers cocok - true |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, one in by_label.items():
            if not label.startswith(bank_label + "|") or "=" in label.split("|")[1]:
                continue
            fake = (
                f"{one['fakers cocok'] - one['true cocok']:+.3f}" if "fakers cocok" in one else ""
            )
            print(
                f"| {label.split('|')[1]} | {one['retest']:.3f} | {one['agreement']:.3f} | "
                f"{one['false knockouts']:.3f} | {one['precision cocok']:.3f} | "
                f"{one['uncertain']:.3f} | {one['false alarms']:.3f} | {fake} |"
            )
        print()
        print(f"z trade-off (honest n = {args.side}):")
        print()
        print(
            "| z | retest | agreement | false knockouts | precision cocok | uncertain | "
            "items median | items p90 |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for z in Z_VALUES:
            one = by_label[f"{bank_label}|z={z:g}"]
            print(
                f"| {z:g} | {one['retest']:.3f} | {one['agreement']:.3f} | "
                f"{one['false knockouts']:.3f} | {one['precision cocok']:.3f} | "
                f"{one['uncertain']:.3f} | {one['median items']} | {one['p90 items']} |"
            )
    print()
    cpu = sum(one["cpu"] for one in results)
    print(
        f"ran in {time.perf_counter() - started:.0f} s on this machine as loaded; the "
        f"simulations took {cpu:.0f} CPU seconds in all ({cpu / args.workers:.0f} s each on "
        f"{args.workers} idle cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
