"""Estimate each profile version's item figures from its own completed results."""

from django.core.management.base import BaseCommand

from assessments import figures
from assessments.insights.rows import item_rows
from assessments.models import Assessment, ProfileVersion
from assessments.snapshots import clear_cache, version_data


def refresh(version: ProfileVersion) -> bool:
    """Store the version's own estimate when it has enough results; True if it did."""
    readable = Assessment.objects.completed().filter(
        profile_version=version, quality_flags=[], on_draft=False
    )
    profile = version_data(version.pk).profile
    answer_sets = dict(readable.values_list("pk", "answers"))
    items = {
        item["code"]: (item["kind"], item["trait"])
        for item in version.snapshot["items"]
        if item["kind"] in ("likert", "scenario", "knowledge")
    }
    # Each result's item scores, as the item sums hold them, worked out from its answers.
    rows = (
        (assessment_id, row.item_code, row.score)
        for assessment_id, answers in answer_sets.items()
        for row in item_rows(profile, answers)
    )
    estimate = figures.estimate(rows, items, results=len(answer_sets))
    if estimate is None:
        return False
    version.item_figures = estimate.to_dict()
    version.save(update_fields=["item_figures"])
    return True


class Command(BaseCommand):
    help = (
        "Estimate the item figures (standard deviation and inter-item correlation per item "
        f"kind) of every published profile version with at least {figures.MIN_RESULTS} "
        "completed, readable results; the others keep the documented prior."
    )

    def handle(self, *args, **options):
        refreshed = 0
        for version in ProfileVersion.objects.published():
            if refresh(version):
                refreshed += 1
                self.stdout.write(f"{version}: {version.item_figures}")
        clear_cache()
        self.stdout.write(f"{refreshed} version(s) estimated from their own results.")
