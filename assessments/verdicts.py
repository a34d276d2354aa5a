"""What each verdict, response-quality pattern and evidence gap means, in words a job
seeker understands: data beside ``scoring``'s and ``quality``'s constants, for the result
page, the exports and the dashboard alike.

Source strings are Indonesian; ``gettext_lazy`` translates them when they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

from . import quality, scoring


@dataclass(frozen=True, kw_only=True)
class VerdictText:
    label: str
    # One sentence: what the verdict says about the person.
    explanation: str
    next_steps: tuple[str, ...]


START_WITH_THE_LARGEST_GAP = _(
    "Mulailah dari sifat dengan kesenjangan terbesar di daftar 'Yang perlu dikembangkan'."
)
DEVELOP_ANY_GAP = _("Kembangkan sifat yang masih di bawah level yang dibutuhkan, bila ada.")
# Steps about traits below their level: not shown to someone who has none, and shown as
# DEVELOP_NAMED, with the person's own traits, to someone who has some.
GAP_STEPS = (START_WITH_THE_LARGEST_GAP, DEVELOP_ANY_GAP)
DEVELOP_NAMED = _(
    "Kembangkan lebih dulu sifat dengan kesenjangan terbesar: %(names)s. Penjelasan dan "
    "cara mengembangkan tiap sifat ada di 'Yang perlu dikembangkan'."
)
# Shown after every verdict's own next steps.
TALK_TO_SOMEONE = _(
    "Bicarakan hasil ini dengan atasan, mentor, atau orang yang sudah bekerja dalam jabatan "
    "ini untuk mendapat gambaran langsung."
)

VERDICT_TEXTS = MappingProxyType(
    {
        scoring.FIT: VerdictText(
            label=_("Cocok"),
            explanation=_(
                "Jawaban Anda dan pilihan Anda dalam situasi kerja menunjukkan bahwa setiap "
                "sifat yang dibutuhkan jabatan ini sudah mencapai, atau hampir mencapai, "
                "levelnya."
            ),
            next_steps=(
                _(
                    "Pelajari persyaratan formal jabatan ini (pendidikan, pengalaman, pelatihan, "
                    "atau sertifikasi) di bagian “Cara menduduki jabatan ini” dan di "
                    "pengumuman seleksi."
                ),
                DEVELOP_ANY_GAP,
            ),
        ),
        scoring.PARTIAL_FIT: VerdictText(
            label=_("Cukup cocok, perlu pengembangan"),
            explanation=_(
                "Anda memiliki sebagian besar yang dibutuhkan, tetapi setidaknya satu sifat "
                "masih cukup jauh di bawah levelnya dan perlu dikembangkan lebih dulu."
            ),
            next_steps=(START_WITH_THE_LARGEST_GAP,),
        ),
        scoring.WEAK_FIT: VerdictText(
            label=_("Kurang cocok"),
            explanation=_(
                "Ada jarak yang besar antara kebutuhan jabatan ini dan gambaran dari jawaban "
                "serta pilihan Anda, setidaknya pada satu sifat penting."
            ),
            next_steps=(
                START_WITH_THE_LARGEST_GAP,
                _("Baca penjelasan setiap kesenjangan di bawah sebelum memutuskan untuk melamar."),
            ),
        ),
        scoring.NOT_A_FIT: VerdictText(
            label=_("Tidak cocok"),
            explanation=_(
                "Setidaknya satu syarat mutlak jabatan ini belum terpenuhi, sehingga jabatan "
                "ini tidak cocok untuk Anda saat ini, berapa pun skor lainnya."
            ),
            next_steps=(
                _(
                    "Pertimbangkan dengan jujur apakah jabatan ini sesuai dengan diri Anda; "
                    "syarat mutlak di atas sulit digantikan oleh kemampuan lain."
                ),
            ),
        ),
        scoring.UNREADABLE: VerdictText(
            label=_("Tidak dapat disimpulkan"),
            explanation=_(
                "Pola jawaban Anda membuat hasil ini tidak dapat dibaca sebagai gambaran diri "
                "Anda, jadi kami tidak menyimpulkan apakah jabatan ini cocok untuk Anda."
            ),
            next_steps=(
                _(
                    "Mulai lagi dengan asesmen baru, dan jawab setiap pernyataan sesuai "
                    "keadaan Anda yang sebenarnya, bukan yang terdengar paling baik."
                ),
                _(
                    "Skor di bawah hanya perkiraan yang tidak pasti; Anda dapat menghapus "
                    "hasil ini."
                ),
            ),
        ),
    }
)


@dataclass(frozen=True, kw_only=True)
class PatternText:
    label: str
    # What was seen, said to the person who answered.
    explanation: str


QUALITY_TEXTS = MappingProxyType(
    {
        quality.INCONSISTENCY: PatternText(
            label=_("Jawaban yang tidak saling sejalan"),
            explanation=_(
                "Jawaban Anda atas pernyataan yang menanyakan hal yang sama saling "
                "bertentangan jauh lebih sering daripada biasanya, seperti jawaban yang "
                "dipilih secara acak."
            ),
        ),
        quality.ACQUIESCENCE: PatternText(
            label=_("Menyetujui pernyataan yang saling berlawanan"),
            explanation=_(
                "Anda menyetujui, atau menolak, kedua pernyataan dalam banyak pasangan yang "
                "isinya berlawanan, padahal keduanya tidak bisa sama-sama benar tentang satu "
                "orang."
            ),
        ),
        quality.STRAIGHT_LINING: PatternText(
            label=_("Jawaban yang sama di hampir semua pernyataan"),
            explanation=_(
                "Anda memberi jawaban yang sama pada hampir semua pernyataan, padahal "
                "sebagian pernyataan itu berlawanan isinya."
            ),
        ),
        quality.INFREQUENCY: PatternText(
            label=_("Jawaban yang hampir tidak mungkin benar"),
            explanation=_(
                "Anda menjawab beberapa pernyataan pemeriksa dengan cara yang hampir tidak "
                "mungkin benar bagi siapa pun, atau tidak memilih jawaban yang diminta oleh "
                "pernyataan itu sendiri."
            ),
        ),
        quality.TOO_FAST: PatternText(
            label=_("Dijawab sangat cepat"),
            explanation=_(
                "Setidaknya satu bagian dijawab lebih cepat daripada waktu untuk membaca "
                "pertanyaannya, sehingga hasil ini mungkin kurang menggambarkan diri Anda."
            ),
        ),
    }
)

EVIDENCE_GAP_TEXTS = MappingProxyType(
    {
        scoring.SELF_HIGHER: _(
            "Anda menilai diri Anda lebih tinggi daripada yang ditunjukkan pilihan Anda dalam "
            "situasi kerja."
        ),
        scoring.BEHAVIOUR_HIGHER: _(
            "Pilihan Anda dalam situasi kerja menunjukkan kemampuan yang lebih tinggi daripada "
            "penilaian Anda atas diri sendiri."
        ),
    }
)
