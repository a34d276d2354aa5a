"""The item figures a profile version holds: the documented prior (``specs.PRIOR_FIGURES``)
until the version has enough completed results, then its own estimate from their stored
item scores (``ItemScore`` rows), refreshed by ``manage.py estimate_item_figures``.

Per item kind (likert, scenario, knowledge): ``sd`` is the mean over the kind's items of the
between-person standard deviation of the item's 0-100 score; ``r`` the mean Pearson
correlation over pairs of items of that kind measuring the same trait, each pair over the
results that answered both (a reserve item is answered by some only). A kind with too few
pairs keeps the prior's figures.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

from .specs import ESTIMATE, PRIOR_FIGURES, TRAIT_KINDS, ItemFigures, KindFigures

# Below this many completed, readable results an estimate moves more with chance than the
# prior is wrong: a correlation from 200 people has a standard error of about 0.07.
MIN_RESULTS = 200
# A pair of items needs this many results answering both to count towards r.
MIN_PAIR_RESULTS = 50
# r is kept within these bounds: 0 or below would make an item pure error, 1 pure signal.
R_BOUNDS = (0.02, 0.95)


def _correlation(pairs: list[tuple[float, float]]) -> float | None:
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    syy = sum((y - mean_y) ** 2 for _, y in pairs)
    if not sxx or not syy:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    return sxy / math.sqrt(sxx * syy)


def estimate(
    rows: Iterable[tuple[int, str, float]],
    items: Mapping[str, tuple[str, str]],
    *,
    results: int,
) -> ItemFigures | None:
    """The figures from ``rows`` (result id, item code, 0-1 score) of ``results`` completed
    results; ``items``: item code -> (kind, trait key). None below ``MIN_RESULTS``."""
    if results < MIN_RESULTS:
        return None
    scores: dict[str, dict[int, float]] = defaultdict(dict)
    for result_id, code, value in rows:
        if code in items:
            scores[code][result_id] = 100 * value
    figures = {}
    for kind in TRAIT_KINDS:
        codes = [code for code, (item_kind, _) in items.items() if item_kind == kind]
        sds = []
        for code in codes:
            values = list(scores[code].values())
            if len(values) >= MIN_PAIR_RESULTS:
                mean = sum(values) / len(values)
                sds.append(math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)))
        correlations = []
        for first, second in combinations(codes, 2):
            if items[first][1] != items[second][1]:
                continue
            both = [
                (value, scores[second][result_id])
                for result_id, value in scores[first].items()
                if result_id in scores[second]
            ]
            if len(both) >= MIN_PAIR_RESULTS and (r := _correlation(both)) is not None:
                correlations.append(r)
        prior = PRIOR_FIGURES.for_kind(kind)
        if not sds or not correlations:
            figures[kind] = prior
            continue
        r = min(max(sum(correlations) / len(correlations), R_BOUNDS[0]), R_BOUNDS[1])
        figures[kind] = KindFigures(sd=round(sum(sds) / len(sds), 4), r=round(r, 4))
    return ItemFigures(**figures, source=ESTIMATE, results=results)
