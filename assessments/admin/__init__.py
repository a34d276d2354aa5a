"""The HR admin: role profiles, the questionnaire, results, history, versions, insights.

What HR staff may do is set by their group's permissions (fixtures/hr_group.json); what they
may save is checked by the forms in ``admin/forms.py`` with the rules in ``publishing.py``.
Importing the modules registers their model admins.
"""

from . import history, items, results, roles, versioning  # noqa: F401
