"""Load the role profile and the HR group, once: later runs keep what HR has edited.

On an upgrade the HR group gains the permissions a newer release gives it (e.g. a new
page for HR), and keeps any an administrator added; none is taken away.
"""

import json

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand

from assessments import history, snapshots
from assessments.models import Role

FIXTURES = {"kabag_kesra": "kabag-kesra"}


def load_role_fixture(fixture: str, slug: str) -> Role:
    """Load a role's fixture as the site serves it: its live version stored if it is
    published, and a baseline history record for every row (loaddata writes none)."""
    call_command("loaddata", fixture, verbosity=0)
    role = Role.objects.get(slug=slug)
    if role.is_published:
        snapshots.live_version(role)
    history.record_baseline(role)
    return role


class Command(BaseCommand):
    help = (
        "Load the reference fixtures (role profiles and the HR group) into an empty "
        "database. A role already present is left as HR staff last saved it."
    )

    def handle(self, *args, **options):
        for fixture, slug in FIXTURES.items():
            if Role.objects.filter(slug=slug).exists():
                self.stdout.write(f"Role {slug} is already loaded; keeping it as it is.")
            else:
                load_role_fixture(fixture, slug)
                self.stdout.write(self.style.SUCCESS(f"Loaded role {slug}."))
        group = Group.objects.filter(name="HR").first()
        if group is not None:
            added = self.grant_missing_permissions(group)
            self.stdout.write(f"The HR group exists; {added} new permission(s) granted.")
        else:
            call_command("loaddata", "hr_group", verbosity=0)
            self.stdout.write(self.style.SUCCESS("Created the HR group."))

    def grant_missing_permissions(self, group: Group) -> int:
        path = settings.BASE_DIR / "fixtures" / "hr_group.json"
        [entry] = [row for row in json.loads(path.read_text()) if row["model"] == "auth.group"]
        wanted = [
            Permission.objects.get_by_natural_key(codename, app_label, model)
            for codename, app_label, model in entry["fields"]["permissions"]
        ]
        missing = set(wanted) - set(group.permissions.all())
        group.permissions.add(*missing)
        return len(missing)
