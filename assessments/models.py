"""The role profile, its questionnaire, and the assessments taken against it.

Every text a visitor reads is stored twice: the Indonesian original in ``name`` and the
English translation in ``name_en``. ``Bilingual.localized("name")`` picks the one for the
active language, falling back to Indonesian where no translation was written.
"""

import json
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history import register as record_history

from . import scoring
from .verdicts import VERDICT_TEXTS


def pick_language(indonesian: str, english: str) -> str:
    """The English text under English when there is one, else the Indonesian original."""
    if english and (get_language() or "").startswith("en"):
        return english
    return indonesian


class Bilingual(models.Model):
    class Meta:
        abstract = True

    def localized(self, field: str) -> str:
        return pick_language(getattr(self, field), getattr(self, f"{field}_en", ""))


def percent_validators():
    return [MinValueValidator(0), MaxValueValidator(100)]


class RoleQuerySet(models.QuerySet):
    def published(self):
        """Roles visitors can take: published, and roles rather than item banks."""
        return self.filter(status=Role.Status.PUBLISHED, kind=Role.Kind.ROLE)

    def roles(self):
        return self.filter(kind=Role.Kind.ROLE)

    def banks(self):
        return self.filter(kind=Role.Kind.BANK)


class Role(Bilingual):
    """A role profile, or an item bank: the traits, sections and items roles share.

    A role either holds its own questionnaire (traits, sections, items) or uses a bank's
    (``bank``): then it holds, per bank trait it uses, a ``RoleTrait`` (weight, level,
    knockout, why it matters), and its own texts, duties, education fields, beliefs and
    comparison. A bank is a row of this table with ``kind`` "bank", so that its
    questionnaire is edited, checked and recorded exactly as a role's own is; visitors
    never see it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")

    class Kind(models.TextChoices):
        ROLE = "role", _("Jabatan")
        BANK = "bank", _("Bank butir")

    title = models.CharField(_("judul"), max_length=200)
    title_en = models.CharField(_("judul (Inggris)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("ringkasan"))
    summary_en = models.TextField(_("ringkasan (Inggris)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.ROLE)
    bank = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        limit_choices_to={"kind": "bank"},
        verbose_name=_("bank butir"),
        help_text=_(
            "Bank butir yang dipakai jabatan ini: kuesionernya diambil dari bank, dan satu "
            "set jawaban dinilai untuk setiap jabatan yang memakai bank yang sama."
        ),
    )
    fit_threshold = models.PositiveSmallIntegerField(
        _("ambang 'cocok'"),
        default=80,
        validators=percent_validators(),
        help_text=_("Kecocokan keseluruhan minimal untuk putusan 'cocok'."),
    )
    partial_threshold = models.PositiveSmallIntegerField(
        _("ambang 'cukup cocok'"),
        default=68,
        validators=percent_validators(),
        help_text=_("Kecocokan keseluruhan minimal untuk putusan 'cukup cocok'."),
    )
    education_mismatch_text = models.TextField(
        _("teks bila pendidikan berbeda"),
        blank=True,
        help_text=_("Ditampilkan bila bidang pendidikan peserta bukan bidang yang diutamakan."),
    )
    education_mismatch_text_en = models.TextField(
        _("teks bila pendidikan berbeda (Inggris)"), blank=True
    )
    education_match_text = models.TextField(_("teks bila pendidikan sesuai"), blank=True)
    education_match_text_en = models.TextField(
        _("teks bila pendidikan sesuai (Inggris)"), blank=True
    )
    similar_role_name = models.CharField(_("profesi pembanding"), max_length=200, blank=True)
    similar_role_name_en = models.CharField(
        _("profesi pembanding (Inggris)"), max_length=200, blank=True
    )
    similar_role_slug = models.SlugField(_("slug profesi pembanding"), max_length=100, blank=True)
    similar_role_summary = models.TextField(_("ringkasan perbandingan"), blank=True)
    similar_role_summary_en = models.TextField(_("ringkasan perbandingan (Inggris)"), blank=True)
    similar_role_entry_path = models.TextField(_("cara menjadi profesi pembanding"), blank=True)
    similar_role_entry_path_en = models.TextField(
        _("cara menjadi profesi pembanding (Inggris)"), blank=True
    )
    # The share of preference choices for direct service at or above which the similar
    # role is suggested, as an exact fraction: 2/3 means 4 of 6 choices, compared exactly.
    direct_service_share_numerator = models.PositiveSmallIntegerField(
        _("ambang orientasi layanan langsung: pembilang"),
        default=2,
        help_text=_(
            "Bersama penyebut: bagian pilihan preferensi untuk layanan langsung yang membuat "
            "profesi pembanding disarankan. 2 dan 3 berarti dua pertiga (4 dari 6 pilihan)."
        ),
    )
    direct_service_share_denominator = models.PositiveSmallIntegerField(
        _("ambang orientasi layanan langsung: penyebut"), default=3
    )

    class SuggestWhen(models.TextChoices):
        MORE_DIRECT = "more_direct", _("orientasi layanan langsung setinggi ambang atau lebih")
        LESS_DIRECT = "less_direct", _("orientasi layanan langsung setinggi ambang atau kurang")

    similar_role_when = models.CharField(
        _("profesi pembanding disarankan bila"),
        max_length=12,
        choices=SuggestWhen.choices,
        default=SuggestWhen.MORE_DIRECT,
        help_text=_(
            "Untuk jabatan kebijakan dan perencanaan, profesi layanan langsung disarankan bila "
            "orientasi layanan langsung tinggi; untuk profesi layanan langsung, sebaliknya."
        ),
    )
    entry_path = models.TextField(
        _("cara menduduki jabatan ini"),
        blank=True,
        help_text=_("Jalur dan syarat untuk sampai ke jabatan ini, ditampilkan di pratinjau."),
    )
    entry_path_en = models.TextField(_("cara menduduki jabatan ini (Inggris)"), blank=True)
    behaviour_share = models.FloatField(
        _("bobot bukti perilaku"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Bagian skor sifat yang berasal dari skenario dan soal pengetahuan (0 sampai 1); "
            "sisanya dari pernyataan tentang diri sendiri."
        ),
    )
    min_match_fit = models.FloatField(
        _("kecocokan minimal tiap sifat untuk 'cocok'"),
        default=0.85,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Setiap sifat harus mencapai bagian ini dari levelnya (0 sampai 1)."),
    )
    min_match_partial = models.FloatField(
        _("kecocokan minimal tiap sifat untuk 'cukup cocok'"),
        default=0.6,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Setiap sifat harus mencapai bagian ini dari levelnya (0 sampai 1)."),
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    # What visitors see and are scored against: the last published profile version.
    live_version = models.ForeignKey(
        "ProfileVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("versi yang tayang"),
    )
    # The fingerprint of the live version's content (snapshots.content_fingerprint).
    published_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        permissions = [
            (
                "view_insights",
                _("Dapat melihat dasbor hasil dan statistik butir, dan mengekspor hasil"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fit_threshold__lte=100)
                & Q(partial_threshold__lte=models.F("fit_threshold")),
                name="role_thresholds_ordered",
                violation_error_message=_(
                    "Ambang “cukup cocok” tidak boleh di atas ambang “cocok”, dan ambang “cocok” "
                    "paling tinggi 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(direct_service_share_denominator__gte=1)
                & Q(
                    direct_service_share_numerator__lte=models.F("direct_service_share_denominator")
                ),
                name="role_direct_service_share_fraction",
                violation_error_message=_(
                    "Ambang orientasi layanan langsung: penyebut minimal 1, dan pembilang tidak "
                    "boleh lebih besar dari penyebut."
                ),
            ),
            models.CheckConstraint(
                condition=Q(behaviour_share__gte=0) & Q(behaviour_share__lte=1),
                name="role_behaviour_share_0_1",
                violation_error_message=_("Bobot bukti perilaku harus antara 0 dan 1."),
            ),
            models.CheckConstraint(
                condition=Q(min_match_partial__gte=0)
                & Q(min_match_partial__lte=models.F("min_match_fit"))
                & Q(min_match_fit__lte=1),
                name="role_min_matches_ordered",
                violation_error_message=_(
                    "Kecocokan minimal tiap sifat: untuk “cukup cocok” tidak boleh di atas untuk "
                    "“cocok”; keduanya antara 0 dan 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="role_version_positive",
                violation_error_message=_("Nomor versi minimal 1."),
            ),
        ]

    def __str__(self):
        # Slug and status too: an imported copy has the same title as its original.
        return f"{self.title} ({self.slug}, {self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("assessments:role", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_bank(self) -> bool:
        return self.kind == self.Kind.BANK

    @property
    def questionnaire_owner(self) -> "Role":
        """The row holding this role's traits, sections and items: its bank, or itself."""
        return self.bank if self.bank_id else self

    def weighed_traits(self) -> models.QuerySet:
        """The traits this role weighs, in its order, for their keys and names: its own, or
        the traits of its bank it has a ``RoleTrait`` for (whose weight, level and knockout
        are the role trait's, not the bank trait's)."""
        if not self.bank_id:
            return self.traits.all()
        return (
            Trait.objects.filter(role_traits__role=self)
            .annotate(
                role_order=models.F("role_traits__order"),
                role_trait_pk=models.F("role_traits__pk"),
            )
            .order_by("role_order", "role_trait_pk")
        )


class RoleChild(Bilingual):
    """A piece of a role's profile, ordered within it."""

    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        abstract = True
        ordering = ["role", "order", "pk"]


class Duty(RoleChild):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="duties", verbose_name=_("jabatan")
    )
    text = models.TextField(_("tugas"))
    text_en = models.TextField(_("tugas (Inggris)"), blank=True)

    class Meta(RoleChild.Meta):
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")

    def __str__(self):
        return self.text[:80]


class Trait(RoleChild):
    class AsnCompetency(models.TextChoices):
        INTEGRITAS = "integritas", _("Integritas")
        KERJASAMA = "kerjasama", _("Kerja sama")
        KOMUNIKASI = "komunikasi", _("Komunikasi")
        ORIENTASI_HASIL = "orientasi_hasil", _("Orientasi pada hasil")
        PELAYANAN_PUBLIK = "pelayanan_publik", _("Pelayanan publik")
        PENGEMBANGAN = "pengembangan", _("Pengembangan diri dan orang lain")
        PERUBAHAN = "perubahan", _("Mengelola perubahan")
        KEPUTUSAN = "keputusan", _("Pengambilan keputusan")

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="traits", verbose_name=_("jabatan")
    )
    key = models.SlugField(_("kunci"), max_length=60)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    description = models.TextField(_("deskripsi"))
    description_en = models.TextField(_("deskripsi (Inggris)"), blank=True)
    why_it_matters = models.TextField(_("mengapa penting"))
    why_it_matters_en = models.TextField(_("mengapa penting (Inggris)"), blank=True)
    how_to_develop = models.TextField(_("cara mengembangkan"))
    how_to_develop_en = models.TextField(_("cara mengembangkan (Inggris)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("bobot"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Tingkat kepentingan, 1 sampai 5."),
    )
    required_level = models.PositiveSmallIntegerField(
        _("level yang dibutuhkan"), validators=percent_validators(), help_text=_("0 sampai 100.")
    )
    knockout_below = models.PositiveSmallIntegerField(
        _("gugur di bawah"),
        null=True,
        blank=True,
        validators=percent_validators(),
        help_text=_("Skor di bawah angka ini berarti tidak cocok, apa pun hasil lainnya."),
    )
    knockout_reason = models.TextField(_("alasan gugur"), blank=True)
    knockout_reason_en = models.TextField(_("alasan gugur (Inggris)"), blank=True)
    asn_competency = models.CharField(
        _("kompetensi manajerial ASN terkait"),
        max_length=30,
        choices=AsnCompetency.choices,
        blank=True,
    )
    asn_level = models.PositiveSmallIntegerField(
        _("level kompetensi ASN"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta(RoleChild.Meta):
        verbose_name = _("sifat yang dibutuhkan")
        verbose_name_plural = _("sifat yang dibutuhkan")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "key"],
                name="trait_key_unique_per_role",
                violation_error_message=_(
                    "Jabatan ini sudah punya sifat dengan kunci ini; pilih kunci lain."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=5),
                name="trait_weight_1_5",
                violation_error_message=_("Bobot sifat harus 1 sampai 5."),
            ),
            models.CheckConstraint(
                condition=Q(required_level__lte=100),
                name="trait_required_level_0_100",
                violation_error_message=_("Level yang dibutuhkan harus 0 sampai 100."),
            ),
            models.CheckConstraint(
                condition=Q(knockout_below__isnull=True)
                | Q(knockout_below__lte=models.F("required_level")),
                name="trait_knockout_below_required",
                violation_error_message=_("Batas gugur tidak boleh di atas level yang dibutuhkan."),
            ),
            models.CheckConstraint(
                condition=Q(asn_level__isnull=True) | (Q(asn_level__gte=1) & Q(asn_level__lte=5)),
                name="trait_asn_level_1_5",
                violation_error_message=_("Level kompetensi ASN harus 1 sampai 5."),
            ),
        ]

    def __str__(self):
        return self.name


class RoleTrait(RoleChild):
    """How a role that uses a bank weighs one of the bank's traits.

    The trait's name, description and how to develop it are the bank's; what the trait
    means for this role (weight, level, knockout, why it matters) is the role's own.
    """

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="role_traits", verbose_name=_("jabatan")
    )
    trait = models.ForeignKey(
        Trait,
        on_delete=models.RESTRICT,
        related_name="role_traits",
        verbose_name=_("sifat dari bank butir"),
    )
    why_it_matters = models.TextField(_("mengapa penting"))
    why_it_matters_en = models.TextField(_("mengapa penting (Inggris)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("bobot"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Tingkat kepentingan, 1 sampai 5."),
    )
    required_level = models.PositiveSmallIntegerField(
        _("level yang dibutuhkan"), validators=percent_validators(), help_text=_("0 sampai 100.")
    )
    knockout_below = models.PositiveSmallIntegerField(
        _("gugur di bawah"),
        null=True,
        blank=True,
        validators=percent_validators(),
        help_text=_("Skor di bawah angka ini berarti tidak cocok, apa pun hasil lainnya."),
    )
    knockout_reason = models.TextField(_("alasan gugur"), blank=True)
    knockout_reason_en = models.TextField(_("alasan gugur (Inggris)"), blank=True)

    class Meta(RoleChild.Meta):
        verbose_name = _("sifat yang dibutuhkan")
        verbose_name_plural = _("sifat yang dibutuhkan")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "trait"],
                name="roletrait_once_per_role",
                violation_error_message=_("Jabatan ini sudah memakai sifat ini."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=5),
                name="roletrait_weight_1_5",
                violation_error_message=_("Bobot sifat harus 1 sampai 5."),
            ),
            models.CheckConstraint(
                condition=Q(required_level__lte=100),
                name="roletrait_required_level_0_100",
                violation_error_message=_("Level yang dibutuhkan harus 0 sampai 100."),
            ),
            models.CheckConstraint(
                condition=Q(knockout_below__isnull=True)
                | Q(knockout_below__lte=models.F("required_level")),
                name="roletrait_knockout_below_required",
                violation_error_message=_("Batas gugur tidak boleh di atas level yang dibutuhkan."),
            ),
        ]

    def __str__(self):
        return str(self.trait)

    # What the profile document reads of a trait, the bank's part through ``trait``: a
    # role trait stands where a role's own trait would (``snapshots.rows_of``).
    def __getattr__(self, name):
        if name in BANK_TRAIT_FIELDS or name == "get_asn_competency_display":
            return getattr(self.trait, name)
        raise AttributeError(name)


BANK_TRAIT_FIELDS = frozenset(
    (
        "key",
        "name",
        "name_en",
        "description",
        "description_en",
        "how_to_develop",
        "how_to_develop_en",
        "asn_competency",
        "asn_level",
    )
)


class EducationField(RoleChild):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="education_fields", verbose_name=_("jabatan")
    )
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("bidang pendidikan"), max_length=200)
    name_en = models.CharField(_("bidang pendidikan (Inggris)"), max_length=200, blank=True)
    preferred = models.BooleanField(_("diutamakan"), default=False)

    class Meta(RoleChild.Meta):
        verbose_name = _("bidang pendidikan")
        verbose_name_plural = _("bidang pendidikan")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "code"],
                name="education_code_unique_per_role",
                violation_error_message=_(
                    "Jabatan ini sudah punya bidang pendidikan dengan kode ini; pilih kode lain."
                ),
            )
        ]

    def __str__(self):
        return self.name


class Belief(RoleChild):
    """A common misconception or wrong expectation about the role, with its correction."""

    class Kind(models.TextChoices):
        MISCONCEPTION = "misconception", _("Miskonsepsi")
        EXPECTATION = "expectation", _("Ekspektasi yang salah")

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="beliefs", verbose_name=_("jabatan")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    belief = models.TextField(_("anggapan"))
    belief_en = models.TextField(_("anggapan (Inggris)"), blank=True)
    correction = models.TextField(_("koreksi"))
    correction_en = models.TextField(_("koreksi (Inggris)"), blank=True)

    class Meta(RoleChild.Meta):
        verbose_name = _("anggapan keliru")
        verbose_name_plural = _("anggapan keliru")

    def __str__(self):
        return self.belief[:80]


class ComparisonPoint(RoleChild):
    """One point on which the role differs from the similar role (pekerja sosial)."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="comparison_points", verbose_name=_("jabatan")
    )
    aspect = models.CharField(_("aspek"), max_length=200)
    aspect_en = models.CharField(_("aspek (Inggris)"), max_length=200, blank=True)
    this_role = models.TextField(_("fokus jabatan ini"))
    this_role_en = models.TextField(_("fokus jabatan ini (Inggris)"), blank=True)
    other_role = models.TextField(_("fokus profesi pembanding"))
    other_role_en = models.TextField(_("fokus profesi pembanding (Inggris)"), blank=True)

    class Meta(RoleChild.Meta):
        verbose_name = _("poin perbandingan")
        verbose_name_plural = _("poin perbandingan")

    def __str__(self):
        return self.aspect


class Section(RoleChild):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="sections", verbose_name=_("jabatan")
    )
    title = models.CharField(_("judul"), max_length=200)
    title_en = models.CharField(_("judul (Inggris)"), max_length=200, blank=True)
    intro = models.TextField(_("pengantar"), blank=True)
    intro_en = models.TextField(_("pengantar (Inggris)"), blank=True)

    class Meta(RoleChild.Meta):
        verbose_name = _("bagian kuesioner")
        verbose_name_plural = _("bagian kuesioner")

    def __str__(self):
        return f"{self.role} / {self.title}"


class Item(RoleChild):
    # Its section, trait and belief cannot be deleted while it uses them (RESTRICT), except
    # with their whole role, which takes the item along.
    # The values are scoring's item kinds (one definition); the labels say them to HR.
    class Kind(models.TextChoices):
        LIKERT = scoring.LIKERT, _("Pernyataan (skala setuju 1-5)")
        SCENARIO = scoring.SCENARIO, _("Skenario (apa yang akan Anda lakukan?)")
        KNOWLEDGE = scoring.KNOWLEDGE, _("Pengetahuan (satu jawaban benar)")
        CHECK = scoring.CHECK, _("Cek kualitas jawaban (skala setuju 1-5)")
        BELIEF = scoring.BELIEF, _("Cek anggapan (setuju/tidak setuju)")
        PREFERENCE = scoring.PREFERENCE, _("Preferensi (pilih A atau B)")
        BACKGROUND = scoring.BACKGROUND, _("Latar belakang pendidikan")

    class KeyedAnswer(models.TextChoices):
        AGREE = scoring.AGREE, _("Setuju")
        DISAGREE = scoring.DISAGREE, _("Tidak setuju")

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="items", verbose_name=_("jabatan")
    )
    section = models.ForeignKey(
        Section, on_delete=models.RESTRICT, related_name="items", verbose_name=_("bagian")
    )
    code = models.SlugField(_("kode"), max_length=30)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("teks"))
    text_en = models.TextField(_("teks (Inggris)"), blank=True)
    trait = models.ForeignKey(
        Trait,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("sifat"),
        help_text=_("Untuk pernyataan, skenario dan soal pengetahuan: sifat yang diukur."),
    )
    reverse_keyed = models.BooleanField(
        _("dibalik"),
        default=False,
        help_text=_(
            "Untuk pernyataan: setuju berarti skor rendah. Untuk cek kualitas jawaban: "
            "setuju adalah jawaban yang hampir mustahil benar."
        ),
    )
    belief = models.ForeignKey(
        Belief,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("anggapan"),
        help_text=_("Untuk cek anggapan: anggapan yang diuji."),
    )
    keyed_answer = models.CharField(
        _("jawaban yang benar"),
        max_length=10,
        choices=KeyedAnswer.choices,
        blank=True,
        help_text=_("Untuk cek anggapan: jawaban orang yang tidak memegang anggapan keliru."),
    )
    reserve = models.BooleanField(
        _("cadangan"),
        default=False,
        help_text=_(
            "Butir cadangan tidak ditanyakan di bagian inti; tahap kedua menanyakannya bila "
            "sifatnya belum terukur cukup pasti. Kuesioner kertas menanyakan semua butir."
        ),
    )

    class Meta(RoleChild.Meta):
        ordering = ["role", "section__order", "order", "pk"]
        verbose_name = _("butir pertanyaan")
        verbose_name_plural = _("butir pertanyaan")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "code"],
                name="item_code_unique_per_role",
                violation_error_message=_(
                    "Jabatan ini sudah punya butir dengan kode ini; pilih kode lain."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["likert", "scenario", "knowledge"]) | Q(trait__isnull=False),
                name="item_scored_kinds_have_trait",
                violation_error_message=_(
                    "Pernyataan, skenario dan soal pengetahuan harus mengukur satu sifat: pilih "
                    "sifatnya di “Yang diukur”."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="belief") | (Q(belief__isnull=False) & ~Q(keyed_answer="")),
                name="item_belief_has_belief_and_key",
                violation_error_message=_(
                    "Cek anggapan butuh anggapan dan jawaban yang benar: isi keduanya di "
                    "“Yang diukur”."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"


class Option(Bilingual):
    """An answer option of a scenario, knowledge or preference item.

    A scenario option scores 0 to 4; a knowledge option 1 when it is the correct answer,
    else 0.
    """

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="options", verbose_name=_("butir")
    )
    code = models.CharField(_("kode"), max_length=4)
    order = models.PositiveIntegerField(_("urutan"), default=0)
    text = models.TextField(_("teks"))
    text_en = models.TextField(_("teks (Inggris)"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("skor"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text=_("Untuk skenario: 0 sampai 4. Untuk soal pengetahuan: 1 benar, 0 salah."),
    )
    feedback = models.TextField(_("umpan balik"), blank=True)
    feedback_en = models.TextField(_("umpan balik (Inggris)"), blank=True)
    direct_service = models.BooleanField(
        _("layanan langsung"),
        default=False,
        help_text=_("Untuk preferensi: pilihan ini adalah tugas layanan langsung."),
    )
    rationale = models.TextField(
        _("alasan skor"),
        blank=True,
        help_text=_(
            "Untuk HR saja, tidak ditampilkan ke pengunjung: mengapa pilihan ini diberi skor ini."
        ),
    )

    class Meta:
        ordering = ["item", "order", "code"]
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "code"],
                name="option_code_unique_per_item",
                violation_error_message=_(
                    "Butir ini sudah punya pilihan dengan kode ini; pilih kode lain."
                ),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=4),
                name="option_score_0_4",
                violation_error_message=_("Skor pilihan harus 0 sampai 4."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"


class ProfileVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_draft=False)


class ProfileVersion(models.Model):
    """One role's profile and questionnaire as published: immutable, stored once.

    Assessments reference the version they were started on; it is shown and scored from
    ``snapshot`` (read and written only by ``assessments.snapshots``). The database refuses
    to change a version's content (a trigger) or to delete one that an assessment uses
    (the foreign key). ``is_draft`` marks a version taken of a draft for HR staff trying it
    out: stored so that their test assessment can be scored, never shown to visitors.
    """

    role = models.ForeignKey(
        Role,
        on_delete=models.SET_NULL,
        null=True,
        related_name="versions",
        verbose_name=_("jabatan"),
    )
    number = models.PositiveIntegerField(_("nomor versi"))
    fingerprint = models.CharField(_("sidik isi"), max_length=64)
    snapshot = models.JSONField(_("snapshot profil"))
    is_draft = models.BooleanField(_("draf"), default=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # The item figures the standard errors use (``specs.ItemFigures.to_dict``): empty for
    # the documented prior, the version's own estimate once it has enough results. Not part
    # of the content (the trigger guards number, fingerprint and snapshot only).
    item_figures = models.JSONField(_("angka butir"), default=dict, blank=True)

    objects = ProfileVersionQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-number", "-created_at"]
        verbose_name = _("versi profil")
        verbose_name_plural = _("versi profil")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "fingerprint"], name="profileversion_content_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="profileversion_number_1"),
        ]
        indexes = [models.Index(fields=["role", "number"], name="profileversion_role_idx")]

    def __str__(self):
        snapshot = self.snapshot if isinstance(self.snapshot, dict) else {}
        title = f"{snapshot.get('title', '')} ({snapshot.get('slug', '')})"
        draft = _(" (draf)") if self.is_draft else ""
        return _("%(title)s, versi %(number)d%(draft)s") % {
            "title": title,
            "number": self.number,
            "draft": draft,
        }


def new_token() -> str:
    """An unguessable URL token: 192 bits from the OS's secure generator."""
    return secrets.token_urlsafe(24)


class CompactJSONEncoder(json.JSONEncoder):
    """JSON without the spaces after separators: an answer set or a result is stored in
    about a tenth fewer bytes on SQLite (PostgreSQL's jsonb keeps no spaces either way)."""

    item_separator = ","
    key_separator = ":"


class AssessmentQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=Assessment.Status.COMPLETED)

    def in_progress(self):
        return self.filter(status=Assessment.Status.IN_PROGRESS)


class Assessment(models.Model):
    """One visitor's run through a role's questionnaire, reachable only by its token."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Sedang diisi")
        COMPLETED = "completed", _("Selesai")

    # One definition: scoring's verdicts, named as the result page names them (verdicts.py).
    Verdict = models.TextChoices(
        "Verdict",
        [(name.upper(), (name, VERDICT_TEXTS[name].label)) for name in scoring.VERDICTS],
    )

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        PAPER = "paper", _("Kertas")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    role = models.ForeignKey(
        Role,
        on_delete=models.SET_NULL,
        null=True,
        related_name="assessments",
        verbose_name=_("jabatan"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    language = models.CharField(_("bahasa"), max_length=8, default=settings.LANGUAGE_CODE)
    consent_version = models.CharField(_("versi pemberitahuan persetujuan"), max_length=40)
    consented_at = models.DateTimeField(_("waktu persetujuan"), default=timezone.now)
    # The profile and questionnaire as they were when the visitor started: the questionnaire
    # is shown from it and the result is scored against it, so later edits change nothing.
    profile_version = models.ForeignKey(
        ProfileVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("versi profil"),
    )
    # Copied from the version so that the insights' aggregates need no join.
    role_version = models.PositiveIntegerField(_("nomor versi profil"))
    source = models.CharField(_("sumber"), max_length=8, choices=Source.choices, default=Source.WEB)
    # Started by HR staff on a draft: kept out of the dashboard and the statistics.
    on_draft = models.BooleanField(_("pada draf"), default=False)
    answers = models.JSONField(_("jawaban"), default=dict, blank=True, encoder=CompactJSONEncoder)
    # When each section (by number, as a string) was first saved, ISO 8601: the server's
    # own clock, for the response-quality check of answers given too fast.
    section_saved_at = models.JSONField(
        _("waktu simpan per bagian"), default=dict, blank=True, encoder=CompactJSONEncoder
    )
    result = models.JSONField(_("hasil"), null=True, blank=True, encoder=CompactJSONEncoder)
    verdict = models.CharField(_("putusan"), max_length=30, choices=Verdict.choices, blank=True)
    quality_flags = models.JSONField(_("tanda kualitas jawaban"), default=list, blank=True)
    overall_fit = models.FloatField(_("kecocokan keseluruhan"), null=True, blank=True)
    direct_service_share = models.FloatField(_("orientasi layanan langsung"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("asesmen")
        verbose_name_plural = _("asesmen")
        # Least privilege: HR sees results; the raw answers take a permission of their own,
        # which the HR group does not have unless an administrator grants it.
        permissions = [("view_answers", _("Dapat melihat jawaban per butir asesmen"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(result__isnull=False),
                name="assessment_completed_has_result",
            )
        ]
        indexes = [
            # The HR dashboard counts a role's assessments by start date without reading
            # the rows themselves, whose large snapshot would otherwise be read too.
            models.Index(
                fields=[
                    "role",
                    "created_at",
                    "status",
                    "updated_at",
                    "verdict",
                    "direct_service_share",
                ],
                name="assessment_dashboard_idx",
            ),
            models.Index(fields=["role", "role_version", "status"], name="assessment_version_idx"),
        ]

    def __str__(self):
        created = timezone.localtime(self.created_at)
        return f"{self.role or ''} ({created:%Y-%m-%d %H:%M})"

    @property
    def snapshot(self):
        """The profile snapshot this assessment is shown and scored from, read from its
        version's row. Pages read it parsed once per process: ``snapshots.snapshot_of``."""
        return self.profile_version.snapshot

    # Deliberately not get_absolute_url: the admin's "view on site" redirect would hand the
    # private token to any staff user.
    def private_url(self):
        if self.status == self.Status.COMPLETED:
            return reverse("assessments:result", kwargs={"token": self.token})
        return reverse("assessments:resume", kwargs={"token": self.token})

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class RoleResult(models.Model):
    """The same answers scored for another role of the assessment's bank.

    Stored when the assessment is completed, from the other role's live version at that
    moment, so that it is shown as it was decided, like the assessment's own result.
    """

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="role_results",
        verbose_name=_("asesmen"),
    )
    profile_version = models.ForeignKey(
        ProfileVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("versi profil"),
    )
    result = models.JSONField(_("hasil"), encoder=CompactJSONEncoder)
    verdict = models.CharField(_("putusan"), max_length=30, choices=Assessment.Verdict.choices)
    overall_fit = models.FloatField(_("kecocokan keseluruhan"), null=True, blank=True)

    class Meta:
        verbose_name = _("hasil untuk jabatan lain")
        verbose_name_plural = _("hasil untuk jabatan lain")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "profile_version"], name="roleresult_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.assessment} / {self.profile_version}"


class ResultShare(models.Model):
    """A read-only link to a completed result, for showing it to a mentor.

    Its token is its own: whoever holds it sees the result, but cannot continue, change or
    delete it, and it does not lead to the private link. The holder of the private link
    makes it and revokes it (the row is deleted; a new one has a new token). Deleted with
    the assessment.
    """

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        related_name="share",
        verbose_name=_("asesmen"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("tautan hanya-baca")
        verbose_name_plural = _("tautan hanya-baca")

    def __str__(self):
        created = timezone.localtime(self.created_at)
        return f"{self.assessment} ({created:%Y-%m-%d %H:%M})"

    # Not get_absolute_url, as for Assessment: a "view on site" link would hand the token on.
    def read_only_url(self):
        return reverse("assessments:shared_result", kwargs={"token": self.token})


# --- Scores of completed assessments: one row per trait and misconception, item sums -----
# Written with the result (services.complete_assessment), so that the HR dashboard and the
# item statistics are database aggregates over small rows rather than a loop over every
# stored result. The role, its version and the start date are copied in so that those
# aggregates need no join. Trait and misconception rows are deleted with the assessment;
# the item sums are taken from (insights.rows.delete_assessments).


class ScoreRow(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    role_version = models.PositiveIntegerField()

    class Meta:
        abstract = True


class TraitScore(ScoreRow):
    """One trait's score in one completed assessment."""

    started_at = models.DateTimeField()
    trait_key = models.SlugField(max_length=60, db_index=False)
    score = models.FloatField()
    required_level = models.PositiveSmallIntegerField()
    knocked_out = models.BooleanField()
    # The result was "tidak dapat disimpulkan": kept out of the dashboard's trait means.
    flagged = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=[
                    "role",
                    "started_at",
                    "trait_key",
                    "score",
                    "required_level",
                    "knocked_out",
                    "flagged",
                ],
                name="traitscore_dashboard_idx",
            )
        ]

    def __str__(self):
        return f"{self.trait_key}: {self.score}"


class ItemSum(models.Model):
    """Running sums of one item's scores over the completed results of one role version.

    One row per item and score value (an item's 0-1 score takes a handful of values): how
    many results gave the item that score (``n``) and the sum, over those results, of the
    item's trait total in the same result (``trait_total``). The item statistics need no
    more than these (``insights.statistics.item_sums``), so they read a few hundred rows
    however many results there are. Kept by ``insights.rows``: added to when a result is
    stored, taken from when one is deleted (``rows.delete_assessments``).
    """

    # The unique constraint's index, which begins with the role, serves the key too.
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+", db_index=False)
    role_version = models.PositiveIntegerField()
    item_code = models.SlugField(max_length=30, db_index=False)
    score = models.FloatField()
    n = models.PositiveIntegerField()
    trait_total = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "role_version", "item_code", "score"], name="itemsum_unique"
            )
        ]

    def __str__(self):
        return f"{self.item_code} = {self.score}: {self.n}"


class HeldMisconception(ScoreRow):
    """A belief item answered against its key in one completed assessment."""

    started_at = models.DateTimeField()
    item_code = models.SlugField(max_length=30, db_index=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["role", "started_at", "item_code"], name="misconception_dashboard_idx"
            )
        ]

    def __str__(self):
        return self.item_code


# --- Edit history -------------------------------------------------------------------------
# Every change to a profile or its questionnaire is recorded (django-simple-history): who,
# when and the row as it was, so HR can see what changed and revert it in the admin. The
# version and its fingerprint are bookkeeping, kept out so that a revert never rewinds them.
PROFILE_PARTS = (
    Duty,
    Trait,
    RoleTrait,
    EducationField,
    Belief,
    ComparisonPoint,
    Section,
    Item,
    Option,
)

record_history(
    Role, excluded_fields=["version", "published_fingerprint", "updated_at", "live_version"]
)
for part in PROFILE_PARTS:
    record_history(part)
