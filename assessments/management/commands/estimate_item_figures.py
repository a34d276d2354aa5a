"""Estimate each profile version's item figures from its own completed results."""

from django.core.management.base import BaseCommand

from assessments import figures
from assessments.models import Assessment, ItemScore, ProfileVersion
from assessments.snapshots import clear_cache


def refresh(version: ProfileVersion) -> bool:
    """Store the version's own estimate when it has enough results; True if it did."""
    readable = Assessment.objects.completed().filter(profile_version=version, quality_flags=[])
    ids = set(readable.values_list("pk", flat=True))
    items = {
        item["code"]: (item["kind"], item["trait"])
        for item in version.snapshot["items"]
        if item["kind"] in ("likert", "scenario", "knowledge")
    }
    rows = (
        (assessment_id, code, score)
        for assessment_id, code, score in ItemScore.objects.filter(
            assessment_id__in=ids
        ).values_list("assessment_id", "item_code", "score")
    )
    estimate = figures.estimate(rows, items, results=len(ids))
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
