"""The edit history of role profiles: why each record was written, and baselines.

django-simple-history writes a record of every save and deletion of a role or one of its
parts. This module adds the two things it leaves to the project:

- ``change_reason(text)``: the reason written on every record made inside the block (an
  edit in the admin, a revert, an import, a discarded draft, a publication), so that the
  history never shows an empty or raw reason;
- ``record_baseline(role, reason)``: one "created" record for each row of the profile that
  has none (rows loaded from a fixture are saved raw, without history), so that the first
  edit of any row can be undone.

``live_version_at`` says which version visitors saw when a record was written.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from .models import PROFILE_PARTS, Item, Option, ProfileVersion, Role, Section, Trait

# The parts a role that uses a bank reads from it.
QUESTIONNAIRE = (Trait, Section, Item)

_reason: ContextVar[str] = ContextVar("careerfit_change_reason", default="")

BASELINE = _("Catatan awal: isi profil saat dimuat")
EDITED = _("Diubah di admin")
REVERTED = _("Dikembalikan ke keadaan %(moment)s")
IMPORTED = _("Diimpor dari berkas profil")
PUBLISHED = _("Versi %(number)d diterbitkan")
WITHDRAWN = _("Disembunyikan dari pengunjung")
DISCARDED = _("Draf dibuang: kembali ke versi %(number)d")


@contextmanager
def change_reason(text: str) -> Iterator[None]:
    """Write ``text`` as the reason of every history record made in this block.

    A reason given inside (a nested block) wins over one given outside.
    """
    token = _reason.set(str(text))
    try:
        yield
    finally:
        _reason.reset(token)


def stored_reason(text, **values) -> str:
    """A reason as it is stored: once, in the site's default language.

    ``text`` is a lazy translation, with ``%(name)s`` placeholders for ``values``.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % values if values else str(text)


@receiver(pre_create_historical_record)
def _fill_reason(sender, instance, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()


def profile_rows(role: Role) -> list[tuple[type, list]]:
    """Every row of the role's profile, model by model (the role itself first).

    The questionnaire of a role that uses a bank is the bank's: its traits, its sections,
    and the items (with their options) the role asks, which are all but the belief checks
    of the bank's other roles.
    """
    owner = role.questionnaire_owner
    items = Item.objects.filter(role=owner)
    if role.bank_id:
        items = items.filter(Q(belief__isnull=True) | Q(belief__role=role))
    rows = [(Role, [role])]
    for model in PROFILE_PARTS:
        if model is Option:
            rows.append((model, list(Option.objects.filter(item__in=items))))
        elif model is Item:
            rows.append((model, list(items)))
        elif model in QUESTIONNAIRE:
            rows.append((model, list(model.objects.filter(role=owner))))
        else:
            rows.append((model, list(model.objects.filter(role=role))))
    return rows


def record_baseline(role: Role, reason: str = "") -> int:
    """A "created" record for every row of the role's profile that has no history yet.

    Returns how many were written.
    """
    reason = reason or stored_reason(BASELINE)
    written = 0
    for model, objects in profile_rows(role):
        recorded = set(
            model.history.filter(id__in=[obj.pk for obj in objects]).values_list("id", flat=True)
        )
        missing = [obj for obj in objects if obj.pk not in recorded]
        if missing:
            model.history.bulk_history_create(missing, default_change_reason=reason)
            written += len(missing)
    return written


class LiveVersions:
    """Which published version of a role visitors saw at a given time, from its versions."""

    def __init__(self, role_id: int | None):
        versions = (
            ProfileVersion.objects.filter(role_id=role_id, is_draft=False)
            .order_by("created_at")
            .values_list("created_at", "number")
            if role_id
            else []
        )
        self.times: list[datetime] = []
        self.numbers: list[int] = []
        for created_at, number in versions:
            self.times.append(created_at)
            self.numbers.append(number)

    def at(self, moment: datetime) -> int | None:
        position = bisect_right(self.times, moment)
        return self.numbers[position - 1] if position else None
