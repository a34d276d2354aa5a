"""Print the content bar of a role's questionnaire: bank depth per trait, and cues."""

from django.core.management.base import BaseCommand, CommandError

from assessments import content_bar
from assessments.models import Role
from assessments.snapshots import build_snapshot


class Command(BaseCommand):
    help = (
        "Print, for a role's questionnaire as it stands now, the statements and behaviour "
        "items per trait (core and reserve), where the best option of each situation ranks "
        "by length, and the words that only good or only poor options use, in both languages."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role's slug, e.g. kabag-kesra")

    def handle(self, *args, role, **options):
        found = Role.objects.filter(slug=role).first()
        if found is None:
            raise CommandError(f"No role with slug {role!r}.")
        for line in content_bar.report_lines(build_snapshot(found)):
            self.stdout.write(line)
