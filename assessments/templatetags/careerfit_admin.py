"""Template helpers of the HR admin's own pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ record|get_item:column }}``: a dict's value under a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def verdict_label(code):
    """``{{ result.verdict|verdict_label }}``: the verdict in words, in the active language."""
    from assessments.files.records import verdict_label as label

    return label(code)
