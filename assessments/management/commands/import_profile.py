"""Read a role profile file written by export_profile (or the admin's "Ekspor profil")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.drafts import import_profile
from assessments.files.profiles import ProfileFileError, parse_profile_file


class Command(BaseCommand):
    help = (
        "Import a role profile with its questionnaire from a JSON file. The whole file is "
        "checked first; on any problem nothing is saved and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file written by export_profile")
        parser.add_argument(
            "--as-draft",
            action="store_true",
            help="save a new role as a draft, whatever the file says",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "write the file into the draft of the role with the same slug (it keeps its "
                "results, status, versions and history; publish the draft in the admin)"
            ),
        )
        parser.add_argument("--slug", default="", help="import under this slug instead")

    def handle(self, *args, file, as_draft, replace, slug, **options):
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            role = import_profile(
                parse_profile_file(content), as_draft=as_draft, replace=replace, slug=slug
            )
        except ProfileFileError as error:
            raise CommandError(
                "The profile was not imported:\n" + "\n".join(f"- {p}" for p in error.problems)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {role.slug} (version {role.version}, {role.status}).")
        )
