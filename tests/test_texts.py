"""Showing profile texts briefly (texts.py) and the time a visit takes (reading_time.py)."""

import pytest

from assessments import reading_time, snapshots
from assessments.texts import lead_and_rest, sentences, shared_ending, without_repeats

QUOTE = "Profil jabatan ini menyebutkan: “Jika kamu tidak memiliki empati, kamu tidak cocok.”"


def test_sentences_split_at_a_full_stop_before_a_capital():
    text = "Bagian ini diatur PP 11/2017. Jabatan ini 3 tahun. “Kutipan.” Akhir"
    assert sentences(text) == [
        "Bagian ini diatur PP 11/2017.",
        "Jabatan ini 3 tahun.",
        "“Kutipan.”",
        "Akhir",
    ]


def test_the_lead_is_whole_sentences_up_to_the_word_limit():
    text = "Satu dua tiga. Empat lima enam. Tujuh delapan sembilan sepuluh."
    assert lead_and_rest(text, max_words=6) == (
        "Satu dua tiga. Empat lima enam.",
        "Tujuh delapan sembilan sepuluh.",
    )
    assert lead_and_rest(text, max_words=2) == (
        "Satu dua tiga.",
        "Empat lima enam. Tujuh delapan sembilan sepuluh.",
    )
    assert lead_and_rest("Satu kalimat saja.", max_words=2) == ("Satu kalimat saja.", "")
    assert lead_and_rest("", max_words=2) == ("", "")


def test_a_quotation_every_reason_ends_with_is_found_once():
    reasons = [f"Empati wajib, karena warga kesulitan. {QUOTE}", f"Komunikasi wajib. {QUOTE}"]
    assert shared_ending(reasons) == (
        QUOTE,
        ["Empati wajib, karena warga kesulitan.", "Komunikasi wajib."],
    )


@pytest.mark.parametrize(
    "reasons",
    [
        ["Empati wajib karena warga kesulitan.", "Komunikasi wajib karena warga kesulitan."],
        ["Satu alasan saja. " + QUOTE],
        ["Alasan pertama sama sekali berbeda.", "Alasan kedua tidak punya ujung yang sama."],
        # Shared words that do not start a sentence in every text are no repeated text.
        [f"A b c d e f g h i j {QUOTE}", f"Lain. {QUOTE}"],
    ],
)
def test_no_shared_ending_is_invented(reasons):
    shared, rest = shared_ending(reasons)
    if len(reasons) > 1 and all(reason.endswith(QUOTE) for reason in reasons):
        assert shared in ("", QUOTE)
    else:
        assert (shared, rest) == ("", reasons)


def snapshot_with(items, sections, fields=()):
    return {
        "items": items,
        "sections": [{"items": codes} for codes in sections],
        "education_fields": list(fields),
    }


def item(code, text, kind="likert", options=()):
    return {
        "code": code,
        "kind": kind,
        "text": text,
        "text_en": "",
        "options": [{"text": option, "text_en": ""} for option in options],
    }


def test_question_time_is_reading_at_200_words_a_minute_plus_four_seconds_an_answer():
    ten_words = " ".join(["kata"] * 10)
    snapshot = snapshot_with(
        [
            item("L1", ten_words),
            item("S1", ten_words, kind="scenario", options=[ten_words, ten_words]),
        ],
        [["L1"], ["S1"]],
    )
    # 10 words = 3 s, + 4 s; 30 words = 9 s, + 4 s.
    assert reading_time.questionnaire_seconds(snapshot) == pytest.approx(7 + 13)
    assert reading_time.questionnaire_seconds(snapshot, from_section=2) == pytest.approx(13)
    assert reading_time.minutes(20) == 1
    assert reading_time.minutes(61) == 2


def test_the_visit_time_follows_the_questionnaire(kesra_role):
    snapshot = snapshots.build_snapshot(kesra_role)
    before = reading_time.questionnaire_seconds(snapshot)
    snapshot["items"][0]["text"] += " " + " ".join(["tambahan"] * 400)
    assert reading_time.questionnaire_seconds(snapshot) == pytest.approx(before + 120)


def test_texts_read_one_after_another_never_repeat_a_sentence():
    shared = "Mengingat tanggung jawabnya yang luas, ia harus paham."
    texts = [f"{shared} Keputusan harus adil.", f"{shared} Tanpa wawasan, program gagal.", shared]
    assert without_repeats(texts) == [
        f"{shared} Keputusan harus adil.",
        "Tanpa wawasan, program gagal.",
        # Nothing of its own left: kept whole rather than left without a reason.
        shared,
    ]
    assert without_repeats(["Satu. Dua.", "Tiga."]) == ["Satu. Dua.", "Tiga."]
