"""The Kabag Kesra's questionnaire moves into an item bank (a role row of kind "bank").

Its traits, sections and items (with their options) change owner, and the role keeps, per
trait, what the trait means for it (a ``RoleTrait``: weight, level, knockout, why it
matters). Row ids, texts and values stay as they were, and no version or assessment is
touched: every stored result is still shown from its version's document, and the role's
document built from its rows is the same document as before (``tests/test_item_bank.py``).
"""

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

KESRA = "kabag-kesra"
BASELINE_REASON = "Catatan awal: isi profil saat dimuat"
BANK_SLUG = "bank-kesejahteraan"
ROLE_VALUES = (
    "why_it_matters",
    "why_it_matters_en",
    "weight",
    "required_level",
    "knockout_below",
    "knockout_reason",
    "knockout_reason_en",
)


def move_into_bank(apps, schema_editor):
    Role = apps.get_model("assessments", "Role")
    role = Role.objects.filter(slug=KESRA, kind="role", bank__isnull=True).first()
    if role is None:
        return
    # Rows loaded with their ids (a fixture, a restored dump) may leave PostgreSQL's id
    # sequences behind: bring them up to the rows before creating any.
    connection = schema_editor.connection
    tables = [
        apps.get_model("assessments", name)
        for name in ("Role", "RoleTrait", "HistoricalRole", "HistoricalRoleTrait")
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
    bank = Role.objects.create(
        kind="bank",
        slug=BANK_SLUG,
        title="Bank butir kesejahteraan sosial",
        title_en="Social welfare item bank",
        summary=(
            "Sifat, bagian, dan butir pertanyaan yang dipakai bersama oleh jabatan di bidang "
            "kesejahteraan sosial."
        ),
        summary_en="Traits, sections and items shared by the roles in social welfare.",
        status=role.status,
    )
    for model in ("Trait", "Section", "Item"):
        apps.get_model("assessments", model).objects.filter(role=role).update(role=bank)
    RoleTrait = apps.get_model("assessments", "RoleTrait")
    for trait in apps.get_model("assessments", "Trait").objects.filter(role=bank):
        RoleTrait.objects.create(
            role=role,
            trait=trait,
            order=trait.order,
            **{name: getattr(trait, name) for name in ROLE_VALUES},
        )
    role.bank = bank
    role.save(update_fields=["bank"])
    # The rows made here get the baseline record rows loaded without history get
    # (0009_baseline_history): their first edit can be undone.
    now = timezone.now()
    write_baseline(apps, "Role", [bank], now)
    write_baseline(apps, "RoleTrait", RoleTrait.objects.filter(role=role), now)


def write_baseline(apps, name, rows, now):
    history = apps.get_model("assessments", f"Historical{name}")
    fields = [
        field for field in history._meta.concrete_fields if not field.name.startswith("history_")
    ]
    history.objects.bulk_create(
        history(
            **{field.attname: getattr(row, field.attname) for field in fields},
            history_date=now,
            history_type="+",
            history_change_reason=BASELINE_REASON,
            history_user_id=None,
        )
        for row in rows
    )


def move_out_of_bank(apps, schema_editor):
    Role = apps.get_model("assessments", "Role")
    role = Role.objects.filter(slug=KESRA, bank__isnull=False).first()
    if role is None:
        return
    bank = role.bank
    RoleTrait = apps.get_model("assessments", "RoleTrait")
    for role_trait in RoleTrait.objects.filter(role=role).select_related("trait"):
        trait = role_trait.trait
        for name in ROLE_VALUES:
            setattr(trait, name, getattr(role_trait, name))
        trait.save()
    RoleTrait.objects.filter(role=role).delete()
    for model in ("Trait", "Section", "Item"):
        apps.get_model("assessments", model).objects.filter(role=bank).update(role=role)
    role.bank = None
    role.save(update_fields=["bank"])
    if not Role.objects.filter(bank=bank).exists():
        bank.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0017_item_bank"),
    ]

    operations = [
        migrations.RunPython(move_into_bank, move_out_of_bank),
    ]
