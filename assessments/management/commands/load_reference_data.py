"""Load the role profile and the HR group, once: later runs keep what HR has edited."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from assessments.models import Role

FIXTURES = {"kabag_kesra": "kabag-kesra"}


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
                call_command("loaddata", fixture, verbosity=0)
                self.stdout.write(self.style.SUCCESS(f"Loaded role {slug}."))
        if Group.objects.filter(name="HR").exists():
            self.stdout.write("The HR group exists; keeping its permissions.")
        else:
            call_command("loaddata", "hr_group", verbosity=0)
            self.stdout.write(self.style.SUCCESS("Created the HR group."))
