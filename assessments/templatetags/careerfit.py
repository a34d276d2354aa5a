"""Template helpers for reading profile snapshots in the visitor's language."""

import math

from django import template

from assessments.snapshots import tr as translate_snapshot_text

register = template.Library()


@register.filter
def tr(data, name):
    """``{{ trait|tr:"name" }}``: the snapshot text ``name`` in the active language."""
    return translate_snapshot_text(data, name)


@register.filter
def number(value, decimals=0):
    """A score for display: rounded, with the active language's decimal mark."""
    from django.utils.formats import number_format

    return number_format(round(float(value), int(decimals)), int(decimals))


@register.filter
def svg_number(value):
    """A coordinate for an SVG attribute: never localised, one decimal."""
    return f"{float(value):.1f}"


@register.filter
def score(value, decimals=0):
    """A score as it is compared: cut (not rounded) to the shown precision, so the figure
    is never at or above a threshold the real score is below (67.94 is "67", not "68")."""
    from django.utils.formats import number_format

    factor = 10 ** int(decimals)
    # Scores are stored to four decimals; the nudge undoes binary noise (0.29 * 100 < 29).
    return number_format(math.floor(float(value) * factor + 1e-6) / factor, int(decimals))


@register.filter
def names(rows):
    """``{{ traits|names }}``: their names in the active language, joined by commas."""
    return ", ".join(translate_snapshot_text(row, "name") for row in rows)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: a lookup by a variable's value."""
    return mapping.get(key) if hasattr(mapping, "get") else None
