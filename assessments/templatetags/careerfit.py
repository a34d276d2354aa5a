"""Template helpers for reading profile snapshots in the visitor's language."""

import math
from html import escape

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from assessments.snapshots import tr as translate_snapshot_text

register = template.Library()


@register.filter
def tr(data, name):
    """``{{ trait|tr:"name" }}``: the snapshot text ``name`` in the active language."""
    return translate_snapshot_text(data, name)


@register.filter
def number(value, decimals=0):
    """A score for display: rounded, with the active language's decimal mark."""
    from django.utils.formats import number_format

    return number_format(round(float(value), int(decimals)), int(decimals))


@register.filter
def svg_number(value):
    """A coordinate for an SVG attribute: never localised, one decimal."""
    return f"{float(value):.1f}"


@register.filter
def score(value, decimals=0):
    """A score as it is compared: cut (not rounded) to the shown precision, so the figure
    is never at or above a threshold the real score is below (67.94 is "67", not "68")."""
    from django.utils.formats import number_format

    factor = 10 ** int(decimals)
    # Scores are stored to four decimals; the nudge undoes binary noise (0.29 * 100 < 29).
    cut = math.floor(float(value) * factor + 1e-6)
    if factor == 1 and -1000 < cut < 1000:
        # What number_format gives a whole number below a thousand, without its lookups.
        return str(cut)
    return number_format(cut / factor, int(decimals))


@register.filter
def names(rows):
    """``{{ traits|names }}``: their names in the active language, joined by commas."""
    return ", ".join(translate_snapshot_text(row, "name") for row in rows)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: a lookup by a variable's value."""
    return mapping.get(key) if hasattr(mapping, "get") else None


# --- The result page's long lists, built in Python ---------------------------------------
#
# A result shows every trait twice (chart and table), every mismatch and every situation
# answered: about a thousand template nodes, which were most of the page's time. Each tag
# below writes one list's HTML from the values the result page already has, escaping every
# text as the template did (the stdlib's escape, as Django's), with the same translations.


def _text(value) -> str:
    """A value as ``{{ value }}`` shows it: localised and escaped."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # what localize gives, without its lookups
    return escape(str(localize(value)))


def _score_text(value) -> str:
    return escape(score(value))


def _band_svg(band) -> str:
    """A trait's band (score +- z x its standard error), as stored, inside the trait's bar;
    nothing for results stored without bands."""
    if not band:
        return ""
    uncertain = " bar-band-uncertain" if band["uncertain"] else ""
    return (
        f'<rect class="bar-band{uncertain}" x="{svg_number(band["low"])}%" y="2" '
        f'width="{svg_number(band["width"])}%" height="18" rx="2"/>'
    )


def _band_cell(band, words: dict[str, str]) -> str:
    """The band said in the table."""
    if not band:
        return ""
    html = words["band"] % {"low": _score_text(band["low"]), "high": _score_text(band["high"])}
    if band["uncertain"]:
        html += f" <strong>{words['uncertain']}</strong>"
    if band["behaviour_only"]:
        html += f' <span class="small">{words["behaviour_only"]}</span>'
    return html


@register.simple_tag
def trait_chart_rows(traits):
    """The chart's rows: per trait its bar, band, level and the two parts of its score."""
    # Each text translated once per page, not once per trait.
    needed, own_part, seen_part = (
        gettext("perlu %(required)s"),
        gettext("diri %(value)s"),
        gettext("situasi %(value)s"),
    )
    wide_gap = f" · <strong>{gettext('selisih besar')}</strong>"
    rows = []
    for trait in traits:
        result = trait["result"]
        score_value, required = result.score, trait["required_level"]
        both = trait["both_parts"]
        height = "32" if both else "22"
        short = " bar-short" if result.gap else ""
        x = svg_number(score_value)
        html = [
            f'<li class="trait-row">\n<span class="trait-row-name">'
            f"{escape(translate_snapshot_text(trait, 'name'))}</span>\n"
            f'<span class="trait-row-required">'
            f"{needed % {'required': _text(required)}}</span>\n"
            f'<svg class="trait-svg" width="100%" height="{height}" focusable="false">\n'
            f'<rect class="bar-track" x="0" y="5" width="100%" height="12" rx="2"/>\n'
            f'<rect class="bar-score{short}" x="0" y="5" width="{x}%" height="12" rx="2"/>\n'
            f"{_band_svg(trait['band'])}\n"
        ]
        if both:
            html.append(
                f'<rect class="bar-part bar-part-self" x="0" y="21" '
                f'width="{svg_number(result.self_score)}%" height="4" rx="1"/>\n'
                f'<rect class="bar-part" x="0" y="27" '
                f'width="{svg_number(result.behaviour_score)}%" height="4" rx="1"/>\n'
            )
        html.append(
            f'<rect class="bar-required" x="{svg_number(required)}%" y="0" width="3" '
            f'height="{height}" transform="translate(-1.5 0)"/>\n'
        )
        if score_value > 84:
            html.append(
                f'<text class="bar-value bar-value-inside" x="{x}%" dx="-4" y="15" '
                f'text-anchor="end">{_score_text(score_value)}</text>\n'
            )
        else:
            html.append(
                f'<text class="bar-value" x="{x}%" dx="4" y="15">'
                f"{_score_text(score_value)}</text>\n"
            )
        html.append("</svg>\n")
        if both:
            own = own_part % {"value": _score_text(result.self_score)}
            seen = seen_part % {"value": _score_text(result.behaviour_score)}
            gap = wide_gap if trait["evidence_gap"] else ""
            html.append(
                f'<span class="trait-row-parts"><span class="part-self">{own}</span> · '
                f"{seen}{gap}</span>\n"
            )
        html.append("</li>\n")
        rows.append("".join(html))
    return mark_safe("".join(rows))


def _part_cell(value, words: dict[str, str]) -> str:
    return words["none"] if value is None else _score_text(value)


@register.simple_tag
def trait_table_rows(traits):
    """The table's rows: what the chart shows, for a screen reader and on paper."""
    words = {
        "band": gettext("%(low)s–%(high)s"),
        "uncertain": gettext("belum pasti"),
        "behaviour_only": gettext("(dari pilihan dalam situasi saja)"),
        "none": '<span aria-hidden="true">–</span><span class="visually-hidden">'
        f"{gettext('tidak ada')}</span>",
    }
    knocked_out, below, met = (
        gettext("Di bawah batas minimal, syarat mutlak jabatan ini."),
        gettext("Di bawah level yang dibutuhkan."),
        gettext("Mencapai level yang dibutuhkan."),
    )
    rows = []
    for trait in traits:
        result = trait["result"]
        note = knocked_out if result.knocked_out else below if result.gap else met
        if trait["evidence_gap"]:
            note += f" {_text(trait['evidence_gap'])}"
        rows.append(
            f'<tr>\n<th scope="row">{escape(translate_snapshot_text(trait, "name"))}</th>\n'
            f'<td class="text-end">{_score_text(result.score)}</td>\n'
            f'<td class="text-end">{_text(trait["required_level"])}</td>\n'
            f"<td>{_band_cell(trait['band'], words)}\n</td>\n"
            f'<td class="text-end">{_part_cell(result.self_score, words)}</td>\n'
            f'<td class="text-end">{_part_cell(result.behaviour_score, words)}</td>\n'
            f'<td class="text-end">{_text(trait["weight"])}</td>\n'
            f"<td>{note}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))


@register.simple_tag
def mismatch_articles(mismatches):
    """Per trait below its level: its figures, why it matters and how to develop it."""
    figures_text = gettext("skor Anda %(score)s, dibutuhkan %(required)s")
    both_text = gettext("Penilaian diri %(own)s, pilihan dalam situasi %(seen)s.")
    why = f'<p class="mb-1"><strong>{gettext("Mengapa penting")}:</strong> '
    how = f"<p><strong>{gettext('Cara mengembangkan')}:</strong> "
    articles = []
    for trait in mismatches:
        part = trait["result"]
        figures = figures_text % {
            "score": _score_text(part.score),
            "required": _text(trait["required_level"]),
        }
        html = [
            f'<article class="mismatch" id="trait-{_text(trait["key"])}">\n'
            f'<h3 class="h6 mb-1">{escape(translate_snapshot_text(trait, "name"))} '
            f'<span class="fw-normal text-body-secondary">· {figures}</span></h3>\n'
        ]
        if part.self_score is not None and part.behaviour_score is not None:
            both = both_text % {
                "own": _score_text(part.self_score),
                "seen": _score_text(part.behaviour_score),
            }
            gap = f" {_text(trait['evidence_gap'])}" if trait["evidence_gap"] else ""
            html.append(f'<p class="small mb-1">{both}{gap}</p>\n')
        html.append(
            f"{why}{_text(trait['why_it_matters_shown'])}</p>\n"
            f"{how}{escape(translate_snapshot_text(trait, 'how_to_develop'))}</p>\n</article>\n"
        )
        articles.append("".join(html))
    return mark_safe("".join(articles))


@register.simple_tag
def scenario_entries(feedback, open_all=False):
    """Per situation or knowledge question answered: the choice, its feedback, the best."""
    opened = " open" if open_all else ""
    # Literal calls, so that makemessages finds every text.
    words = {
        "right": gettext("benar"),
        "wrong": gettext("belum tepat"),
        "best": gettext("pilihan terbaik"),
        "other": gettext("ada pilihan yang lebih tepat"),
        "number": gettext("Pertanyaan %(number)s"),
        "chosen": gettext("Pilihan Anda"),
        "feedback": gettext("Umpan balik"),
        "right_answer": gettext("Jawaban yang benar"),
        "best_choice": gettext("Pilihan terbaik"),
        "explanation": gettext("Penjelasan"),
    }
    entries = []
    for entry in feedback:
        knowledge, best = entry["is_knowledge"], entry["is_best"]
        if knowledge:
            mark = words["right"] if best else words["wrong"]
        else:
            mark = words["best"] if best else words["other"]
        number = words["number"] % {"number": _text(entry["number"])}
        html = [
            f'<details class="scenario-feedback"{opened}>\n'
            f"<summary>{number} · {escape(translate_snapshot_text(entry['trait'], 'name'))}: "
            f'<span class="{"mark-best" if best else "mark-other"}">{mark}</span>.</summary>\n'
            f'<p class="mt-2 mb-2">{escape(translate_snapshot_text(entry["item"], "text"))}</p>\n'
            f'<p class="mb-1"><strong>{words["chosen"]}:</strong> '
            f"{escape(translate_snapshot_text(entry['option'], 'text'))}</p>\n"
        ]
        feedback_text = translate_snapshot_text(entry["option"], "feedback")
        if feedback_text:
            html.append(
                f'<p class="feedback mb-2"><strong>{words["feedback"]}:</strong> '
                f"{escape(feedback_text)}</p>\n"
            )
        if not best:
            label = words["right_answer"] if knowledge else words["best_choice"]
            html.append(
                f'<p class="mb-1"><strong>{label}:</strong> '
                f"{escape(translate_snapshot_text(entry['best'], 'text'))}</p>\n"
            )
            explanation = translate_snapshot_text(entry["best"], "feedback")
            if knowledge and explanation:
                html.append(
                    f'<p class="feedback mb-2"><strong>{words["explanation"]}:</strong> '
                    f"{escape(explanation)}</p>\n"
                )
        html.append("</details>\n")
        entries.append("".join(html))
    return mark_safe("".join(entries))


@register.simple_tag
def held_misconceptions(held):
    """Per belief item answered against its key: what the person said, and the reality."""
    disagree, agree = gettext("Anda tidak setuju bahwa"), gettext("Anda setuju bahwa")
    reality = gettext("Kenyataannya")
    blocks = []
    for entry in held:
        said = disagree if entry["item"]["keyed_answer"] == "agree" else agree
        html = (
            f'<div class="misconception mb-3">\n<p class="mb-1"><strong>{said}:</strong> '
            f"{escape(translate_snapshot_text(entry['item'], 'text'))}</p>\n"
        )
        if entry["belief"]:
            html += (
                f'<p class="mb-0"><strong>{reality}:</strong> '
                f"{escape(translate_snapshot_text(entry['belief'], 'correction'))}</p>"
            )
        blocks.append(f"{html}\n</div>\n")
    return mark_safe("".join(blocks))


@register.simple_tag
def belief_corrections(beliefs):
    """Per belief not held: the belief, and the reality behind it."""
    misconception, expectation = gettext("Miskonsepsi"), gettext("Ekspektasi yang salah")
    reality = gettext("Kenyataannya")
    return mark_safe(
        "".join(
            f'<div class="misconception mb-3">\n<p class="mb-1"><strong>'
            f"{misconception if belief['kind'] == 'misconception' else expectation}:</strong> "
            f"{escape(translate_snapshot_text(belief, 'belief'))}</p>\n"
            f'<p class="mb-0"><strong>{reality}:</strong> '
            f"{escape(translate_snapshot_text(belief, 'correction'))}</p>\n</div>\n"
            for belief in beliefs
        )
    )


@register.simple_tag
def knockout_items(knockouts):
    """Per disqualifying trait: its score against its limit, and the reason."""
    below = gettext("skor Anda %(score)s, di bawah batas minimal %(limit)s.")
    return mark_safe(
        "".join(
            f"<li><strong>{escape(translate_snapshot_text(trait, 'name'))}</strong>: "
            + below
            % {
                "score": _score_text(trait["result"].score),
                "limit": _text(trait["knockout_below"]),
            }
            + f" {_text(trait['reason'])}</li>\n"
            for trait in knockouts
        )
    )


@register.simple_tag
def comparison_points(profile, other, layout):
    """The comparison with the similar role, point by point: a card per aspect ("cards"),
    or a table row per aspect ("rows")."""
    if isinstance(profile, dict):
        comparison = profile.get("comparison") or ()
    else:
        comparison = getattr(profile, "comparison", None) or ()
    points = [
        [
            escape(translate_snapshot_text(point, name))
            for name in ("aspect", "this_role", "other_role")
        ]
        for point in comparison
    ]
    if layout == "rows":
        return mark_safe(
            "".join(
                f'<tr>\n<th scope="row">{aspect}</th>\n<td>{this_role}</td>\n'
                f"<td>{other_role}</td>\n</tr>\n"
                for aspect, this_role, other_role in points
            )
        )
    title = escape(translate_snapshot_text(profile, "title"))
    name = escape(translate_snapshot_text(other, "name"))
    return mark_safe(
        "".join(
            f'<section class="comparison-card card mb-2" aria-label="{aspect}">\n'
            f'<div class="card-body p-2">\n<h3 class="h6 mb-1">{aspect}</h3>\n'
            f'<dl class="mb-0">\n<dt>{title}</dt>\n<dd>{this_role}</dd>\n<dt>{name}</dt>\n'
            f'<dd class="mb-0">{other_role}</dd>\n</dl>\n</div>\n</section>\n'
            for aspect, this_role, other_role in points
        )
    )


@register.simple_tag
def question_fieldsets(questions):
    """A section's questions, from SectionForm.questions (plain values, no widget rendering).

    Each a fieldset with its legend, the error (linked by aria-describedby) between the
    legend and the choices, and each choice a label that is the whole row, so a tap anywhere
    on it picks it. Every kind is a radio group; the kind sets the layout in careerfit.css: a
    five-point scale in one row, two short choices side by side, longer choices stacked.
    A dozen a page with five radio buttons each: one tag, not a template per question.
    """
    parts = []
    for question in questions:
        id_, errors = _text(question["id"]), question["errors"]
        invalid = described = error = ""
        if errors:
            invalid, described = " question-invalid", f' aria-describedby="{id_}_error"'
            messages = " ".join(_text(message) for message in errors)
            error = f'<p id="{id_}_error" class="question-error">{messages}</p>'
        parts.append(
            f'<div id="div_{id_}" class="question question-{_text(question["kind"])}{invalid}">\n'
            f"  <fieldset{described}>\n    <legend>{_text(question['label'])}</legend>\n"
            f'    {error}\n    <div class="choices">\n'
            f"      {question_choices(question['choices'])}\n"
            "    </div>\n  </fieldset>\n</div>\n"
        )
    return mark_safe("".join(parts))


def question_choices(choices) -> str:
    """A question's radio buttons, from SectionForm.questions' (attributes, id, label): each
    a row whose label is the whole row."""
    return "".join(
        f'<div class="choice">\n<input type="radio" class="form-check-input" {attributes}>\n'
        f'<label for="{escape(str(id_))}" class="form-check-label">'
        f"{label if hasattr(label, '__html__') else escape(str(label))}</label>\n</div>\n"
        for attributes, id_, label in choices
    )
