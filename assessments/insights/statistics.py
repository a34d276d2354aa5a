"""Item statistics for HR: how well each trait's items hang together.

For each trait (a scale of k items, each scored 0-1 as in ``scoring.item_score``) and the
completed assessments of one profile version:

- Cronbach's alpha = k / (k - 1) x (1 - sum of the item variances / variance of the total);
- per item: mean, standard deviation, and the item-rest correlation: the correlation of the
  item with the sum of the trait's other items.

Everything comes from four sums per item, n, Σx, Σx² and Σx·T, where T is the trait total
of the same assessment, which the running item sums kept as results are stored yield (see
``item_sums``). The trait's own sums follow, since every respondent answered every item of the
trait: ΣT = Σ over its items of Σx, and ΣT² = Σ over its items of Σx·T. So the cost in
Python does not grow with the number of respondents:

    var(x) = Σx²/n - (Σx/n)²        var(T) = ΣT²/n - (ΣT/n)²      cov(x, T) = Σx·T/n - x̄·T̄
    cov(x, T - x) = cov(x, T) - var(x)      var(T - x) = var(T) - 2·cov(x, T) + var(x)

Population variances are used throughout: alpha and correlations are ratios, so n or n - 1
cancel. The standard deviation shown is the sample one (n - 1), as spreadsheets report it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import Assessment, ItemSum, Role
from ..snapshots import tr, version_data
from .rows import SCORED_KINDS

ITEM_REST_MIN = 0.2
ALPHA_MIN = 0.7
# Variances below this are rounding noise: the answers did not vary.
EPSILON = 1e-12


@dataclass(frozen=True, kw_only=True)
class ItemSums:
    item_code: str
    n: int
    sum_x: float
    sum_xx: float
    sum_xt: float


@dataclass(frozen=True, kw_only=True)
class TraitSums:
    """A scale's totals: n respondents, ΣT and ΣT² (see the module docstring)."""

    n: int
    sum_t: float
    sum_tt: float

    @classmethod
    def of(cls, items: list[ItemSums]) -> TraitSums:
        return cls(
            n=max(item.n for item in items),
            sum_t=sum(item.sum_x for item in items),
            sum_tt=sum(item.sum_xt for item in items),
        )


@dataclass(frozen=True, kw_only=True)
class ItemStatistic:
    code: str
    text: str
    n: int
    mean: float
    sd: float
    item_rest: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ScaleStatistic:
    trait_key: str
    name: str
    n: int
    alpha: float | None
    items: tuple[ItemStatistic, ...]
    flags: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags) or any(item.flags for item in self.items)


@dataclass(frozen=True, kw_only=True)
class ItemAnalysis:
    version: int | None
    completed: int
    minimum: int
    # Completed assessments per version, newest version first.
    versions: tuple[tuple[int, int], ...]
    scales: tuple[ScaleStatistic, ...] | None

    @property
    def enough(self) -> bool:
        return self.scales is not None


def decimal(value: float) -> str:
    # Rounded as the page's figures are (the ``number`` filter): number_format alone cuts.
    return number_format(round(value, 2), 2)


def _variance(sum_x: float, sum_xx: float, n: int) -> float:
    mean = sum_x / n
    return max(0.0, sum_xx / n - mean * mean)


def item_statistic(sums: ItemSums, trait: TraitSums, *, text: str = "") -> ItemStatistic:
    """Mean, SD and item-rest correlation of one item, with what HR should do about it."""
    n = sums.n
    mean = sums.sum_x / n
    var_x = _variance(sums.sum_x, sums.sum_xx, n)
    var_t = _variance(trait.sum_t, trait.sum_tt, trait.n)
    cov_xt = sums.sum_xt / n - mean * trait.sum_t / trait.n
    cov_xr = cov_xt - var_x
    var_r = max(0.0, var_t - 2 * cov_xt + var_x)
    item_rest = None
    if var_x > EPSILON and var_r > EPSILON:
        item_rest = max(-1.0, min(1.0, cov_xr / math.sqrt(var_x * var_r)))
    sd = math.sqrt(var_x * n / (n - 1)) if n > 1 else 0.0

    flags = []
    if var_x <= EPSILON:
        flags.append(
            _(
                "Semua peserta mendapat skor yang sama di butir ini, jadi butir ini tidak "
                "membedakan siapa pun. Buat kalimatnya lebih menantang, atau untuk skenario "
                "buat pilihan jawabannya lebih seimbang."
            )
        )
    elif item_rest is not None and item_rest < 0:
        flags.append(
            _(
                "Butir ini bergerak berlawanan dengan butir lain untuk sifat yang sama "
                "(korelasi butir-sisa %(r)s): peserta yang skornya tinggi di butir lain "
                "cenderung rendah di butir ini. Periksa dulu apakah tanda “dibalik” sudah "
                "benar, lalu apakah kalimatnya bisa dipahami terbalik."
            )
            % {"r": decimal(item_rest)}
        )
    elif item_rest is not None and item_rest < ITEM_REST_MIN:
        flags.append(
            _(
                "Butir ini kurang sejalan dengan butir lain untuk sifat yang sama (korelasi "
                "butir-sisa %(r)s, di bawah %(minimum)s): jawabannya hampir tidak berkaitan "
                "dengan skor butir lainnya. Baca ulang kalimatnya: mungkin membingungkan, "
                "mengukur hal lain, atau terlalu mudah disetujui; perbaiki atau ganti butirnya."
            )
            % {"r": decimal(item_rest), "minimum": decimal(ITEM_REST_MIN)}
        )
    return ItemStatistic(
        code=sums.item_code,
        text=text,
        n=n,
        mean=mean,
        sd=sd,
        item_rest=item_rest,
        flags=tuple(flags),
    )


def cronbach_alpha(items: list[ItemSums]) -> float | None:
    """Alpha of one scale from its items' sums; None with fewer than two items or no spread."""
    k = len(items)
    if k < 2:
        return None
    trait = TraitSums.of(items)
    var_t = _variance(trait.sum_t, trait.sum_tt, trait.n)
    if var_t <= EPSILON:
        return None
    item_variances = sum(_variance(item.sum_x, item.sum_xx, item.n) for item in items)
    return k / (k - 1) * (1 - item_variances / var_t)


def scale_flags(alpha: float | None) -> tuple[str, ...]:
    if alpha is None:
        return (
            _(
                "Alfa Cronbach tidak bisa dihitung: sifat ini butuh minimal dua butir dan "
                "jawaban peserta yang bervariasi."
            ),
        )
    if alpha < ALPHA_MIN:
        return (
            _(
                "Butir-butir sifat ini belum cukup konsisten satu sama lain (alfa Cronbach "
                "%(alpha)s, di bawah %(minimum)s), jadi skor sifat ini kurang bisa diandalkan. "
                "Perbaiki dulu butir yang ditandai di bawah; bila tidak ada, tambahkan satu atau "
                "dua butir yang jelas mengukur sifat yang sama."
            )
            % {"alpha": decimal(alpha), "minimum": decimal(ALPHA_MIN)},
        )
    return ()


def scale_statistics(
    sums: list[ItemSums],
    *,
    item_traits: dict[str, str],
    trait_names: dict[str, str] | None = None,
    item_texts: dict[str, str] | None = None,
) -> tuple[ScaleStatistic, ...]:
    """Per trait, its alpha and its items' statistics.

    ``item_traits`` maps each item code to its trait key, in the questionnaire's order;
    traits come in the order of ``trait_names``.
    """
    trait_names = trait_names or {}
    item_texts = item_texts or {}
    found = {row.item_code: row for row in sums}
    by_trait: dict[str, list[ItemSums]] = defaultdict(list)
    for code, trait_key in item_traits.items():
        if code in found:
            by_trait[trait_key].append(found[code])
    order = list(trait_names)
    scales = []
    for trait_key in sorted(
        by_trait, key=lambda key: (order.index(key) if key in order else len(order), key)
    ):
        items = by_trait[trait_key]
        trait = TraitSums.of(items)
        alpha = cronbach_alpha(items)
        scales.append(
            ScaleStatistic(
                trait_key=trait_key,
                name=trait_names.get(trait_key, trait_key),
                n=trait.n,
                alpha=alpha,
                items=tuple(
                    item_statistic(row, trait, text=item_texts.get(row.item_code, ""))
                    for row in items
                ),
                flags=scale_flags(alpha),
            )
        )
    return tuple(scales)


def item_sums(role: Role, version: int) -> list[ItemSums]:
    """The four sums per item of ``role`` at ``version``, from its running item sums.

    An item's score takes a handful of values (an option's or a scale point's), so the
    database keeps, per item and score, the number of results (c) and the sum of their
    trait totals (ΣT) as results are stored (``ItemSum``); the four sums per item follow
    from those few rows (n = Σc, Σx = Σs·c, Σx² = Σs²·c, Σx·T = Σs·ΣT), computed here.
    """
    return grouped_sums(ItemSum.objects.filter(role=role, role_version=version))


def grouped_sums(item_sums) -> list[ItemSums]:
    """The four sums per item of the ``ItemSum`` rows ``item_sums`` (see ``item_sums``)."""
    sums: dict[str, list[float]] = {}
    for code, score, count, sum_t in item_sums.values_list(
        "item_code", "score", "n", "trait_total"
    ):
        n, sum_x, sum_xx, sum_xt = sums.setdefault(code, [0, 0.0, 0.0, 0.0])
        sums[code] = [
            n + count,
            sum_x + score * count,
            sum_xx + score * score * count,
            sum_xt + score * sum_t,
        ]
    return [
        ItemSums(item_code=code, n=n, sum_x=sum_x, sum_xx=sum_xx, sum_xt=sum_xt)
        for code, (n, sum_x, sum_xx, sum_xt) in sums.items()
    ]


def bank_item_analysis(bank: Role, *, minimum: int | None = None) -> ItemAnalysis:
    """The statistics of a bank's items over the results of every role that uses it, each
    on its live version: an item is scored the same whatever role reads it, and every
    visitor answers the bank's questionnaire, so each item gathers the answers of all the
    roles. Texts and traits as the bank holds them now."""
    minimum = settings.STATS_MIN_COMPLETED if minimum is None else minimum
    live = [
        Q(role_id=role_id, role_version=number)
        for role_id, number in Role.objects.filter(
            bank=bank, live_version__isnull=False
        ).values_list("pk", "live_version__number")
    ]
    if not live:
        return ItemAnalysis(version=None, completed=0, minimum=minimum, versions=(), scales=None)
    on_live = reduce(or_, live)
    completed = Assessment.objects.filter(on_live, status=Assessment.Status.COMPLETED).count()
    if completed < max(minimum, 2):
        return ItemAnalysis(
            version=None, completed=completed, minimum=minimum, versions=(), scales=None
        )
    scored = list(bank.items.filter(kind__in=SCORED_KINDS).select_related("trait").order_by("code"))
    scales = scale_statistics(
        grouped_sums(ItemSum.objects.filter(on_live)),
        item_traits={item.code: item.trait.key for item in scored},
        trait_names={trait.key: tr(trait, "name") for trait in bank.traits.all()},
        item_texts={item.code: tr(item, "text") for item in scored},
    )
    return ItemAnalysis(
        version=None, completed=completed, minimum=minimum, versions=(), scales=scales
    )


def completed_per_version(role: Role) -> tuple[tuple[int, int], ...]:
    rows = (
        Assessment.objects.filter(role=role, status=Assessment.Status.COMPLETED)
        .values_list("role_version")
        .annotate(count=Count("*"))
        .order_by("-role_version")
    )
    return tuple((version, count) for version, count in rows)


def item_analysis(
    role: Role,
    version: int | None = None,
    *,
    minimum: int | None = None,
    versions: tuple[tuple[int, int], ...] | None = None,
) -> ItemAnalysis:
    """The statistics of ``role`` at ``version`` (default: the newest with results).

    ``scales`` is None while fewer than ``minimum`` assessments of that version are
    complete (settings.STATS_MIN_COMPLETED): with few respondents the figures mislead.
    """
    minimum = settings.STATS_MIN_COMPLETED if minimum is None else minimum
    if versions is None:
        versions = completed_per_version(role)
    counts = dict(versions)
    if version is None:
        version = versions[0][0] if versions else role.version
    completed = counts.get(version, 0)
    if completed < max(minimum, 2):
        return ItemAnalysis(
            version=version, completed=completed, minimum=minimum, versions=versions, scales=None
        )
    # The texts as that version showed them.
    version_id = (
        Assessment.objects.filter(
            role=role, role_version=version, status=Assessment.Status.COMPLETED
        )
        .order_by("-pk")
        .values_list("profile_version_id", flat=True)
        .first()
    )
    snapshot = version_data(version_id).snapshot if version_id else {}
    scored = [item for item in snapshot.get("items", []) if item.get("kind") in SCORED_KINDS]
    scales = scale_statistics(
        item_sums(role, version),
        item_traits={item["code"]: item["trait"] for item in scored},
        trait_names={trait["key"]: tr(trait, "name") for trait in snapshot.get("traits", [])},
        item_texts={item["code"]: tr(item, "text") for item in scored},
    )
    return ItemAnalysis(
        version=version, completed=completed, minimum=minimum, versions=versions, scales=scales
    )
