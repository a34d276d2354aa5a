"""Write a role's profile and questionnaire as a JSON file that import_profile reads."""

from django.core.management.base import BaseCommand, CommandError

from assessments.files.profiles import export_profile_json
from assessments.models import Role


class Command(BaseCommand):
    help = (
        "Export a role profile with its questionnaire as JSON, to move it to another "
        "installation or to draft it offline (read back with import_profile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the role's slug, e.g. kabag-kesra")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, slug, output, **options):
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            raise CommandError(f"No role with slug {slug!r}.")
        text = export_profile_json(role)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {role.slug} version {role.version} to {output}.")
        else:
            self.stdout.write(text, ending="")
