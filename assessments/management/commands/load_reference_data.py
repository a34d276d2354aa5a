"""Load the role profile and the HR group, once: later runs keep what HR has edited.

On an upgrade the HR group gains the permissions a newer release gives it (e.g. a new
page for HR), and keeps any an administrator added; none is taken away. A role whose
content is still an earlier edition shipped with the app, unchanged, is brought to the
current edition as a new published version (past results keep the version they were
taken on); a role HR has edited is kept, unless ``--upgrade-content`` asks to replace it.
"""

import json

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from assessments import history, snapshots
from assessments.files import editions
from assessments.files.profiles import ProfileFileError
from assessments.models import Role

FIXTURES = {"kabag_kesra": "kabag-kesra"}


def load_role_fixture(fixture: str, slug: str) -> Role:
    """Load a fixture as the site serves it: the live version of every published role in it
    stored, and a baseline history record for every row (loaddata writes none). Returns the
    role ``slug``; the fixture may hold its item bank and the bank's other roles too."""
    call_command("loaddata", fixture, verbosity=0)
    role = Role.objects.get(slug=slug)
    loaded = (
        [role, *Role.objects.filter(bank_id=role.bank_id).exclude(pk=role.pk)]
        if role.bank_id
        else [role]
    )
    for each in loaded:
        if each.is_published:
            snapshots.live_version(each)
        history.record_baseline(each)
    if role.bank_id:
        history.record_baseline(role.bank)
    return role


class Command(BaseCommand):
    help = (
        "Load the reference fixtures (role profiles and the HR group) into an empty "
        "database. A role already present is left as HR staff last saved it; one still "
        "holding an earlier edition, unchanged, is upgraded to the current edition."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upgrade-content",
            action="store_true",
            help=(
                "replace a reference role HR has edited with the current edition, published "
                "as a new version (past results keep theirs; the edits stay in the history)"
            ),
        )

    def handle(self, *args, upgrade_content=False, **options):
        for fixture, slug in FIXTURES.items():
            role = Role.objects.filter(slug=slug).first()
            if role is not None:
                self.keep_or_upgrade(role, force=upgrade_content)
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

    def keep_or_upgrade(self, role: Role, *, force: bool) -> None:
        edition = editions.edition_of(role)
        if edition == editions.Edition.CURRENT:
            self.stdout.write(f"Role {role.slug} is already loaded and current; keeping it.")
        elif edition == editions.Edition.EARLIER or force:
            try:
                role = editions.upgrade(role)
            except ProfileFileError as error:
                raise CommandError(
                    f"Role {role.slug} could not be upgraded:\n" + "\n".join(error.problems)
                ) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Role {role.slug} upgraded to the current edition, published as version "
                    f"{role.version}; past results keep the version they were taken on."
                )
            )
        else:
            self.stdout.write(
                f"Role {role.slug} is already loaded and has been edited; keeping it as it "
                "is. To replace it with the current edition (a new published version; past "
                "results keep theirs), run: manage.py load_reference_data --upgrade-content"
            )

    def grant_missing_permissions(self, group: Group) -> int:
        path = settings.SITE_DIR / "fixtures" / "hr_group.json"
        [entry] = [row for row in json.loads(path.read_text()) if row["model"] == "auth.group"]
        wanted = [
            Permission.objects.get_by_natural_key(codename, app_label, model)
            for codename, app_label, model in entry["fields"]["permissions"]
        ]
        missing = set(wanted) - set(group.permissions.all())
        group.permissions.add(*missing)
        return len(missing)
