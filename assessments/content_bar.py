"""The content bar of a questionnaire, measured: how deep each trait's bank is, and whether
the options of its situations give the best answer away.

DESIGN.md section 4 asks for scenario options "whose best answer is not given away by
length rank or wording". A test-wise reader who cannot judge the situation still looks for
the option that is longer than the rest, or second longest, or for the words that good
options tend to use ("data", "bersama") and poor ones avoid. These functions read a
profile snapshot (plain data, as ``snapshots`` stores it) and measure exactly that, in
either language, so that ``tests/test_fixtures.py`` can hold the fixture to the bar and
``manage.py content_report`` can print the figures for HR and the docs.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

LIKERT = "likert"
SCENARIO = "scenario"
KNOWLEDGE = "knowledge"
BEHAVIOUR = (SCENARIO, KNOWLEDGE)

# A situation's best option scores 4; its wrong options score 0 or 1.
BEST_SCORE = 4
GOOD_SCORE = 3
WRONG_SCORE = 1
# A word is a cue when only best (or only wrong) options use it in this many situations.
CUE_MIN_ITEMS = 3
# A word met in this many situations' options is frequent enough to judge its lean.
LEAN_MIN_ITEMS = 5
# ... and leans too far when more than this share of its options are good (or poor) ones.
# Half of every situation's options score 3 or 4, so a word without a lean sits near 0.5.
LEAN_MAX_SHARE = 0.8

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Words that carry grammar, not meaning: a reader takes no hint from them.
FUNCTION_WORDS = frozenset(
    "yang dan dengan kepada untuk dari pada dalam atau itu ini juga bagi oleh serta para "
    "tiap setiap the and with from that this their them they into each for its are was "
    "who those".split()
)
# The words the second edition's options leaned on (issue 18): each is either absent or
# used by both a good and a poor option.
NAMED_CUES = ("mengajak", "bersama", "data", "menunggu", "membiarkan", "menyerahkan")


def words(text: str) -> set[str]:
    """The meaningful words of ``text``, lower-cased: three letters or more, no function
    words."""
    return {
        word for word in WORD.findall(text.lower()) if len(word) >= 3 and word not in FUNCTION_WORDS
    }


def items_of(snapshot, *kinds: str) -> list[dict]:
    return [item for item in snapshot["items"] if item["kind"] in kinds]


def best(item) -> dict:
    return max(item["options"], key=lambda option: option["score"])


# --- How deep the bank is ------------------------------------------------------------------


@dataclass(frozen=True)
class TraitCount:
    statements: int = 0
    reverse_keyed: int = 0
    behaviour: int = 0

    def __add__(self, other: TraitCount) -> TraitCount:
        return TraitCount(
            self.statements + other.statements,
            self.reverse_keyed + other.reverse_keyed,
            self.behaviour + other.behaviour,
        )


def trait_counts(snapshot) -> dict[str, dict[str, TraitCount]]:
    """Per trait, the core's and the reserve's statements, reverse-keyed statements and
    behaviour items (scenario or knowledge)."""
    counts: dict[str, dict[str, TraitCount]] = defaultdict(
        lambda: {"core": TraitCount(), "reserve": TraitCount()}
    )
    for item in items_of(snapshot, LIKERT, *BEHAVIOUR):
        part = "reserve" if item.get("reserve") else "core"
        if item["kind"] == LIKERT:
            add = TraitCount(statements=1, reverse_keyed=int(item["reverse_keyed"]))
        else:
            add = TraitCount(behaviour=1)
        counts[item["trait"]][part] += add
    return {trait: counts[trait] for trait in (t["key"] for t in snapshot["traits"])}


# --- Length -------------------------------------------------------------------------------


def length_rank(item, field: str = "text") -> int:
    """Where the best option stands by length: 1 when it is the longest, 2 when one option
    is longer, and so on (options as long as it do not push it down)."""
    length = len(best(item)[field])
    return 1 + sum(len(option[field]) > length for option in item["options"])


def length_ranks(snapshot, field: str = "text", kind: str = SCENARIO) -> Counter:
    return Counter(length_rank(item, field) for item in items_of(snapshot, kind))


def length_spread(item, field: str = "text") -> float:
    """The longest option's length over the shortest's."""
    lengths = [len(option[field]) for option in item["options"]]
    return max(lengths) / min(lengths)


def length_strategy_scores(snapshot, field: str = "text") -> list[float]:
    """What always choosing the longest option scores, 0-100 over the situations, then
    always the second longest, the third, and the shortest: the second edition rewarded
    the second longest (67 in Indonesian against 50 for chance)."""
    totals = [0.0] * 4
    scenarios = items_of(snapshot, SCENARIO)
    for item in scenarios:
        ranked = sorted(item["options"], key=lambda option: -len(option[field]))
        for position, option in enumerate(ranked[:4]):
            totals[position] += option["score"] / BEST_SCORE
    return [100 * total / len(scenarios) for total in totals]


def chance_score(snapshot) -> float:
    """What choosing at random scores on average, 0-100, over the situations."""
    return 100 * statistics.mean(
        statistics.mean(option["score"] for option in item["options"]) / BEST_SCORE
        for item in items_of(snapshot, SCENARIO)
    )


# --- Wording ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cues:
    """Words that tell a test-wise reader which options are good or poor.

    ``best_only``: used by the best option of ``CUE_MIN_ITEMS`` situations or more and by
    no other option. ``wrong_only``: used by a wrong option (0 or 1) of that many
    situations and by no good option (3 or 4). ``named``: one of ``NAMED_CUES`` used on
    one side only. ``leaning``: met in ``LEAN_MIN_ITEMS`` situations or more,
    with more than ``LEAN_MAX_SHARE`` of its options good, or more than that share poor
    (scoring 1 or less): the second edition's "data". Each maps the word to its counts.
    """

    best_only: dict[str, int]
    wrong_only: dict[str, int]
    leaning: dict[str, str]
    named: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.best_only or self.wrong_only or self.leaning or self.named)


def cues(snapshot, field: str = "text") -> Cues:
    best_items: dict[str, set[str]] = defaultdict(set)
    wrong_items: dict[str, set[str]] = defaultdict(set)
    in_other, in_good = set(), set()
    options_with: dict[str, list[int]] = defaultdict(list)
    items_with: dict[str, set[str]] = defaultdict(set)
    for item in items_of(snapshot, SCENARIO):
        top = best(item)
        for option in item["options"]:
            found = words(option[field])
            for word in found:
                options_with[word].append(option["score"])
                items_with[word].add(item["code"])
            if option is top:
                for word in found:
                    best_items[word].add(item["code"])
            else:
                in_other |= found
            if option["score"] >= GOOD_SCORE:
                in_good |= found
            if option["score"] <= WRONG_SCORE:
                for word in found:
                    wrong_items[word].add(item["code"])
    leaning = {}
    for word, scores in options_with.items():
        if len(items_with[word]) < LEAN_MIN_ITEMS:
            continue
        good = sum(score >= GOOD_SCORE for score in scores)
        poor = sum(score <= WRONG_SCORE for score in scores)
        if max(good, poor) > LEAN_MAX_SHARE * len(scores):
            leaning[word] = f"{good} good, {poor} poor of {len(scores)}"
    named = {}
    for word in NAMED_CUES:
        scores = options_with.get(word, [])
        good = sum(score >= GOOD_SCORE for score in scores)
        poor = sum(score <= WRONG_SCORE for score in scores)
        if scores and not (good and poor):
            named[word] = f"{good} good, {poor} poor of {len(scores)}"
    return Cues(
        best_only={
            word: len(codes)
            for word, codes in best_items.items()
            if len(codes) >= CUE_MIN_ITEMS and word not in in_other
        },
        wrong_only={
            word: len(codes)
            for word, codes in wrong_items.items()
            if len(codes) >= CUE_MIN_ITEMS and word not in in_good
        },
        leaning=leaning,
        named=named,
    )


def answer_in_question(snapshot, field: str = "text") -> list[str]:
    """Knowledge items whose correct option shares more words with the question than any
    wrong option does (the second edition's K05, whose team name held its answer), or
    holds a word that starts with an acronym of the question (K02: "JK" -> "JKN")."""
    found = []
    for item in items_of(snapshot, KNOWLEDGE):
        asked = words(item[field])
        acronyms = set(re.findall(r"\b[A-Z]{2,}\b", item[field]))
        correct = best(item)
        shared = {option["code"]: len(words(option[field]) & asked) for option in item["options"]}
        wrong = [shared[option["code"]] for option in item["options"] if option is not correct]
        prefixed = any(
            word.startswith(acronym) and word != acronym
            for word in re.findall(r"\b[A-Z]\w+", correct[field])
            for acronym in acronyms
        )
        if shared[correct["code"]] > max(wrong) or prefixed:
            found.append(item["code"])
    return found


def report_lines(snapshot) -> Iterable[str]:
    """The figures of the content bar, as ``manage.py content_report`` prints them."""
    yield "Per trait: statements (reverse-keyed) and behaviour items, core + reserve = all"
    for trait, parts in trait_counts(snapshot).items():
        core, reserve = parts["core"], parts["reserve"]
        total = core + reserve
        yield (
            f"  {trait:24} statements {core.statements}({core.reverse_keyed}) + "
            f"{reserve.statements}({reserve.reverse_keyed}) = "
            f"{total.statements}({total.reverse_keyed}); behaviour {core.behaviour} + "
            f"{reserve.behaviour} = {total.behaviour}"
        )
    scenarios = items_of(snapshot, SCENARIO)
    for field, language in (("text", "Indonesian"), ("text_en", "English")):
        ranks = length_ranks(snapshot, field)
        spread = max(length_spread(item, field) for item in scenarios)
        yield (
            f"{language}: the best option's length rank in {len(scenarios)} situations "
            f"(1 = longest): "
            + ", ".join(f"{rank}: {ranks[rank]}" for rank in sorted(ranks))
            + f"; longest option / shortest at most {spread:.2f}"
        )
        strategies = length_strategy_scores(snapshot, field)
        yield (
            "  always choosing the longest, second, third, shortest option scores "
            + ", ".join(f"{score:.0f}" for score in strategies)
            + f"; at random {chance_score(snapshot):.0f}"
        )
        knowledge = length_ranks(snapshot, field, KNOWLEDGE)
        yield (
            "  knowledge questions, the correct answer's length rank: "
            + ", ".join(f"{rank}: {knowledge[rank]}" for rank in sorted(knowledge))
        )
        found = cues(snapshot, field)
        yield f"  cue words: best only {found.best_only or 'none'}"
        yield f"             wrong only {found.wrong_only or 'none'}"
        yield f"             leaning {found.leaning or 'none'}"
        yield f"             of the six named in issue 18, one-sided {found.named or 'none'}"
        given = answer_in_question(snapshot, field)
        yield f"  knowledge answers given by the question: {given or 'none'}"
