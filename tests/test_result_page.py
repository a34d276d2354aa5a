"""The result page, summary first: verdict, what it rests on, what next; the rest folded."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from assessments import scoring, verdicts
from assessments.models import Assessment, Role
from assessments.scoring import stored_traits
from tests.public_pages import VERDICTS, completed_assessment, rushed_assessment

pytestmark = pytest.mark.django_db


def result_html(client, assessment) -> str:
    response = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def summary_of(html: str) -> str:
    """The verdict card: what the first phone screen shows."""
    return re.search(r'<section class="verdict.*?</section>', html, re.S)[0]


def store(assessment, **changes):
    """Changes the stored result (as an older scoring run could have left it)."""
    assessment.result = {**assessment.result, **changes}
    Assessment.objects.filter(pk=assessment.pk).update(result=assessment.result)


def first_step_links(summary: str) -> list[str]:
    steps = re.search(r'<ol class="first-steps.*?</ol>', summary, re.S)[0]
    return re.findall(r'href="#([^"]+)"', steps)


def test_the_summary_says_how_the_traits_stand_and_what_to_do_first(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    result = assessment.result
    html = result_html(client, assessment)
    summary = summary_of(html)

    short, total = len(result["mismatches"]), len(stored_traits(result["traits"]))
    met = total - short
    standing = f"{met} dari {total} sifat mencapai level yang dibutuhkan; {short} di bawahnya"
    assert standing in summary
    # The two largest weighted gaps, each linked to its explanation in the page.
    assert first_step_links(summary) == [f"trait-{key}" for key in result["mismatches"][:2]]
    for target in first_step_links(summary):
        assert f'id="{target}"' in html
    # The similar role is suggested, with a link to the same answers' result for it (a
    # role of the same bank), among the actions; and the PDF.
    assert result["suggested_role"] == "pekerja-sosial"
    similar_result = reverse(
        "assessments:role_result", kwargs={"token": assessment.token, "slug": "pekerja-sosial"}
    )
    assert f'href="{similar_result}"' in summary
    pdf = reverse("assessments:result_pdf", kwargs={"token": assessment.token})
    assert f'href="{pdf}" download>Simpan PDF' in summary
    assert summary.count('class="btn ') <= 2


def test_a_fitting_result_with_traits_just_below_says_they_are_close(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    traits = stored_traits(assessment.result["traits"])
    lowered = {**traits[0], "score": traits[0]["required_level"] - 3, "gap": 3.0}
    store(assessment, traits=[lowered, *traits[1:]], mismatches=[lowered["key"]])

    summary = summary_of(result_html(client, assessment))

    total = len(traits)
    assert (
        f"{total - 1} dari {total} sifat mencapai level yang dibutuhkan; 1 lainnya sedikit "
        "di bawahnya, selisih yang masih termasuk cocok."
    ) in summary
    assert "di bawah level yang dibutuhkan" not in summary


def test_the_overall_figure_is_explained(client, kesra_role):
    summary = summary_of(result_html(client, completed_assessment(kesra_role, "cukup_cocok")))
    assert "seberapa dekat sifat-sifat Anda dengan levelnya, bukan rata-rata skornya" in summary


def test_a_knockout_is_named_in_the_summary_and_comes_first_in_the_steps(client, kesra_role):
    assessment = completed_assessment(kesra_role, "tidak_cocok")
    summary = summary_of(result_html(client, assessment))
    for key in assessment.result["knockouts"]:
        assert escape(kesra_role.bank.traits.get(key=key).name) in summary
    assert first_step_links(summary) == [
        f"trait-{key}" for key in assessment.result["knockouts"][:2]
    ]


def test_numbers_are_shown_as_compared_never_rounded_across_a_threshold(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    traits = stored_traits(assessment.result["traits"])
    traits[0] = {**traits[0], "score": traits[0]["required_level"] - 0.06}
    store(assessment, overall_fit=kesra_role.partial_threshold - 0.06, traits=traits)

    html = result_html(client, assessment)

    assert f"Kecocokan keseluruhan Anda: {kesra_role.partial_threshold - 1} dari 100" in html
    below = traits[0]["required_level"] - 1
    assert re.search(
        rf'<td class="text-end">{below}</td>\s*<td class="text-end">{below + 1}</td>', html
    )


def test_each_trait_is_shown_once_in_a_chart_with_its_table_for_screen_readers(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cukup_cocok")
    html = result_html(client, assessment)
    names = [escape(rt.trait.name) for rt in kesra_role.role_traits.select_related("trait")]
    chart = re.search(r'<figure class="trait-chart.*?</figure>', html, re.S)[0]
    assert 'aria-hidden="true"' in chart.split(">")[0]
    assert chart.count("<svg") == len(names)
    assert '<div class="screen-reader-table">\n  <table class="table table-sm trait-table">' in html
    for name in names:
        # The chart, the table and (if short) its explanation: never a third list of bars.
        assert html.count(f">{name}<") <= 3
    assert "Kekuatan Anda" not in html


def test_long_parts_are_folded(client, kesra_role):
    html = result_html(client, completed_assessment(kesra_role, "kurang_cocok"))
    for part in ("mismatches", "scenarios", "misconceptions", "orientation", "next-steps"):
        assert re.search(rf'<details class="fold[^"]*" id="{part}">', html), part
    assert not re.search(r"<details[^>]* open", html)


def test_scenario_feedback_has_short_headers_and_no_doubled_words(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    html = result_html(client, assessment)
    summaries = re.findall(
        r'<details class="scenario-feedback">\s*<summary>(.*?)</summary>', html, re.S
    )
    result = assessment.result
    # The situations of the traits the role weighs: case work is on the pekerja sosial's.
    weighed = {trait["key"] for trait in stored_traits(result["traits"])}
    items = {item["code"]: item for item in assessment.snapshot["items"]}
    choices = [*result["scenario_choices"], *result["knowledge_choices"]]
    assert len(summaries) == sum(items[code]["trait"] in weighed for code, _ in choices)
    for summary in summaries:
        assert len(re.sub(r"<[^>]+>", "", summary)) < 90
    # "Tepat: Tepat. ..." was the mark and the feedback saying the same word twice.
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\bTepat\W+Tepat\b", text)


def test_a_candidate_without_gaps_gets_no_advice_about_gaps(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    assert not assessment.result["mismatches"]
    html = result_html(client, assessment)
    assert "bila ada" not in html
    assert 'id="mismatches"' not in html
    total = len(stored_traits(assessment.result["traits"]))
    assert f"Semua {total} sifat mencapai level yang dibutuhkan" in summary_of(html)


def test_the_suggestion_links_to_the_similar_roles_preview_when_it_is_published(client, kesra_role):
    """A published similar role outside the bank: its preview; without it, the page about it
    made from the comparison."""
    social = Role.objects.get(slug=kesra_role.similar_role_slug)
    # Taken before the pekerja sosial was a role of the bank: no result for it.
    social.status = Role.Status.DRAFT
    social.save()
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    similar_page = reverse("assessments:similar_role", kwargs={"slug": kesra_role.slug})
    assert f'href="{similar_page}"' in summary_of(result_html(client, assessment))
    social.status = Role.Status.PUBLISHED
    social.save()
    summary = summary_of(result_html(client, assessment))
    preview = reverse("assessments:role", kwargs={"slug": kesra_role.similar_role_slug})
    assert f'href="{preview}"' in summary


def test_the_orientation_is_shown_as_counts_not_a_rounded_percentage(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    html = result_html(client, assessment)
    pairs = kesra_role.bank.items.filter(kind="preference").count()
    assert f"Dari {pairs} pasang tugas, Anda memilih {pairs} tugas layanan langsung" in html
    assert "%" not in re.sub(
        r"<[^>]+>", "", re.search(r'id="orientation".*?</details>', html, re.S)[0]
    )


# --- Parts that rest on the scoring engine: evidence, response quality, verdict texts -------


def test_the_verdict_words_come_from_verdicts_and_no_template_names_a_verdict(client, kesra_role):
    for verdict in VERDICTS:
        html = result_html(client, completed_assessment(kesra_role, verdict))
        text = verdicts.VERDICT_TEXTS[verdict]
        assert f'<h2 class="h3 mb-2" id="verdict-heading">{escape(text.label)}</h2>' in html
        assessment_open = "Belum pasti:" in html
        # Once, or not at all where the verdict is not yet sure: its qualifier explains it.
        assert html.count(escape(str(text.explanation))) == (0 if assessment_open else 1)
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        source = template.read_text()
        for verdict in scoring.VERDICTS:
            assert f'"{verdict}"' not in source, f"{template.name} names {verdict}"


def test_both_kinds_of_evidence_are_shown_per_trait_and_a_gap_is_said(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cukup_cocok")
    html = result_html(client, assessment)
    chart = re.search(r'<figure class="trait-chart.*?</figure>', html, re.S)[0]
    gaps = 0
    for trait in stored_traits(assessment.result["traits"]):
        own, seen = trait["self_score"], trait["behaviour_score"]
        assert own is not None and seen is not None
        assert f"diri {int(own)}</span> · situasi {int(seen)}" in chart
        if abs(own - seen) >= scoring.EVIDENCE_GAP:
            gaps += 1
    assert gaps, "the answers for this verdict should show an evidence gap"
    assert chart.count("selisih besar") == gaps
    said = escape(str(verdicts.EVIDENCE_GAP_TEXTS[scoring.SELF_HIGHER]))
    mismatches = re.search(r'id="mismatches".*?</details>', html, re.S)[0]
    assert said in mismatches


def test_a_trait_that_blocks_the_verdict_is_named(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cukup_cocok")
    assert assessment.result["overall_fit"] >= kesra_role.fit_threshold
    summary = summary_of(result_html(client, assessment))
    result = assessment.result
    short = [
        trait
        for trait in stored_traits(result["traits"])
        if trait["match"] < kesra_role.min_match_fit
        and {line[0]: line[2] for line in trait["lines"]}["fit"] != "uncertain"
    ]
    if short:
        assert "kelebihan sifat lain tidak menutupinya" in summary
    else:
        # Every trait short of its line is close to it: the qualifier names them instead.
        assert "Belum pasti" in summary and result["deciding_traits"]


def test_unreadable_answers_say_what_was_seen_and_offer_to_start_again(client, kesra_role):
    assessment = completed_assessment(kesra_role, "tidak_dapat_disimpulkan")
    html = result_html(client, assessment)
    summary = summary_of(html)
    for flag in assessment.result["quality_flags"]:
        assert escape(str(verdicts.QUALITY_TEXTS[flag].explanation)) in summary
    consent = reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    assert re.search(rf'<a class="btn btn-primary" href="{consent}">Mulai lagi</a>', summary)
    assert "Kecocokan keseluruhan" not in summary
    assert "perkiraan yang tidak pasti" in html
    assert "traits traits-uncertain" in html
    # No suggestion read from answers that cannot be read, and no steps.
    assert "Lihat profesi" not in summary
    assert "first-steps" not in summary


def test_an_unreadable_result_keeps_the_best_answers_back_for_a_retake(client, kesra_role):
    assessment = completed_assessment(kesra_role, "tidak_dapat_disimpulkan")
    assert assessment.result["scenario_choices"]
    html = result_html(client, assessment)
    scenarios = re.search(r'id="scenarios".*?</details>', html, re.S)[0]
    assert "tidak ditampilkan" in scenarios
    assert "scenario-feedback" not in html
    assert "Pilihan terbaik" not in html and "Jawaban yang benar" not in html
    for item in kesra_role.bank.items.filter(kind__in=("scenario", "knowledge")):
        for option in item.options.exclude(feedback=""):
            assert escape(option.feedback) not in html, (item.code, option.code)


def test_answers_given_too_fast_get_a_warning_beside_the_verdict(client, kesra_role):
    assessment = rushed_assessment(kesra_role)
    assert assessment.result["quality_warnings"] == ["too_fast"]
    summary = summary_of(result_html(client, assessment))
    warning = verdicts.QUALITY_TEXTS["too_fast"]
    assert escape(str(warning.explanation)) in summary
    consent = reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
    assert f'<a class="alert-link" href="{consent}">Mulai lagi dengan kuesioner baru</a>' in summary
    assert escape(str(verdicts.VERDICT_TEXTS["cocok"].label)) in summary


def test_next_steps_are_the_verdicts_own_without_advice_that_does_not_apply(client, kesra_role):
    html = result_html(client, completed_assessment(kesra_role, "cocok"))
    steps = re.search(r'id="next-steps".*?</details>', html, re.S)[0]
    assert escape(str(verdicts.VERDICT_TEXTS["cocok"].next_steps[0])) in steps
    assert escape(str(verdicts.DEVELOP_ANY_GAP)) not in steps
    assert escape(str(verdicts.TALK_TO_SOMEONE)) in steps


def test_next_steps_name_the_persons_own_traits(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    html = result_html(client, assessment)
    steps = re.search(r'id="next-steps".*?</details>', html, re.S)[0]
    assert "bila ada" not in steps
    first = kesra_role.bank.traits.get(key=assessment.result["mismatches"][0])
    assert escape(first.name) in steps


def test_feedback_is_a_labelled_paragraph_of_its_own(client, kesra_role):
    html = result_html(client, completed_assessment(kesra_role, "kurang_cocok"))
    assert '<p class="feedback mb-2"><strong>Umpan balik:</strong>' in html
    # Each summary line ends as a sentence, so it is not read into the question after it.
    summaries = re.findall(
        r'<details class="scenario-feedback">\s*<summary>(.*?)</summary>', html, re.S
    )
    for summary in summaries:
        assert summary.endswith("</span>.")


def test_the_table_says_each_traits_standing_as_a_sentence(client, kesra_role):
    html = result_html(client, completed_assessment(kesra_role, "kurang_cocok"))
    table = re.search(r'<table class="table table-sm trait-table">.*?</table>', html, re.S)[0]
    assert "Di bawah level yang dibutuhkan." in table
    assert "Perlu dikembangkan" not in table


def test_a_wrong_knowledge_answer_shows_the_right_one_and_why(client, kesra_role):
    assessment = completed_assessment(kesra_role, "tidak_cocok")
    wrong = assessment.result["knowledge_choices"]
    assert wrong, "the fixture has knowledge questions"
    html = result_html(client, assessment)
    code, _chosen = wrong[0]
    item = kesra_role.bank.items.get(code=code)
    right = item.options.get(score=1)
    assert html.count("belum tepat") == len(wrong)
    assert f"<strong>Jawaban yang benar:</strong> {escape(right.text)}" in html
    if right.feedback:
        assert escape(right.feedback) in html


def test_every_correction_is_on_the_result_held_ones_first(client, kesra_role):
    """The preview leaves the corrections to the result (the belief items ask first)."""
    for verdict in ("cocok", "cukup_cocok"):
        assessment = completed_assessment(kesra_role, verdict)
        html = result_html(client, assessment)
        fold = re.search(r'id="misconceptions".*?</details>', html, re.S)[0]
        for belief in kesra_role.beliefs.all():
            assert fold.count(escape(belief.correction)) == 1, (verdict, belief.key)
    assert "Anggapan yang perlu diluruskan" in fold  # cukup_cocok holds every misconception
