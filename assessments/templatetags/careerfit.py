"""Template helpers for reading profile snapshots in the visitor's language."""

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
