"""From the ORM to plain data and back.

``snapshot_role`` freezes a role's profile and questionnaire, texts in both languages, into
a JSON-ready dict that an assessment keeps; ``profile_from_snapshot`` turns such a dict into
the plain ``scoring.Profile``. Scoring always goes through the snapshot, so a live role and
a stored assessment are scored by the same path.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from . import scoring
from .models import Item, Role

SNAPSHOT_SCHEMA = 1


def _texts(obj, *fields: str) -> dict[str, str]:
    data = {}
    for name in fields:
        data[name] = getattr(obj, name)
        data[f"{name}_en"] = getattr(obj, f"{name}_en")
    return data


def load_role_for_snapshot(role_id: int) -> Role:
    """The role with everything ``snapshot_role`` reads, in a fixed number of queries."""
    return Role.objects.prefetch_related(
        "duties",
        "traits",
        "education_fields",
        "beliefs",
        "comparison_points",
        "sections",
        Prefetch(
            "items",
            queryset=Item.objects.select_related("trait", "belief", "section").prefetch_related(
                "options"
            ),
        ),
    ).get(pk=role_id)


def snapshot_role(role: Role) -> dict[str, Any]:
    """The role's profile and questionnaire as plain JSON-ready data."""
    sections = list(role.sections.all())
    section_index = {section.pk: index for index, section in enumerate(sections)}
    items = sorted(
        role.items.all(), key=lambda item: (section_index[item.section_id], item.order, item.pk)
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "slug": role.slug,
        "version": role.version,
        **_texts(role, "title", "summary", "education_match_text", "education_mismatch_text"),
        "fit_threshold": role.fit_threshold,
        "partial_threshold": role.partial_threshold,
        "similar_role": {
            "slug": role.similar_role_slug,
            "direct_service_threshold": role.direct_service_threshold,
            "name": role.similar_role_name,
            "name_en": role.similar_role_name_en,
            "summary": role.similar_role_summary,
            "summary_en": role.similar_role_summary_en,
        },
        "duties": [_texts(duty, "text") for duty in role.duties.all()],
        "traits": [
            {
                "key": trait.key,
                **_texts(
                    trait,
                    "name",
                    "description",
                    "why_it_matters",
                    "how_to_develop",
                    "knockout_reason",
                ),
                "weight": trait.weight,
                "required_level": trait.required_level,
                "knockout_below": trait.knockout_below,
                "asn_competency": trait.asn_competency,
                "asn_competency_label": trait.get_asn_competency_display()
                if trait.asn_competency
                else "",
                "asn_level": trait.asn_level,
            }
            for trait in role.traits.all()
        ],
        "education_fields": [
            {"code": field.code, **_texts(field, "name"), "preferred": field.preferred}
            for field in role.education_fields.all()
        ],
        "beliefs": [
            {"key": str(belief.pk), "kind": belief.kind, **_texts(belief, "belief", "correction")}
            for belief in role.beliefs.all()
        ],
        "comparison": [
            _texts(point, "aspect", "this_role", "other_role")
            for point in role.comparison_points.all()
        ],
        "sections": [
            {
                **_texts(section, "title", "intro"),
                "items": [item.code for item in items if item.section_id == section.pk],
            }
            for section in sections
            if any(item.section_id == section.pk for item in items)
        ],
        "items": [
            {
                "code": item.code,
                "kind": item.kind,
                **_texts(item, "text"),
                "trait": item.trait.key if item.trait_id else None,
                "reverse_keyed": item.reverse_keyed,
                "belief": str(item.belief_id) if item.belief_id else None,
                "keyed_answer": item.keyed_answer or None,
                "options": [
                    {
                        "code": option.code,
                        **_texts(option, "text", "feedback"),
                        "score": option.score,
                        "direct_service": option.direct_service,
                    }
                    for option in item.options.all()
                ],
            }
            for item in items
        ],
    }


def profile_from_snapshot(snapshot: dict[str, Any]) -> scoring.Profile:
    """The scoring profile of a stored snapshot."""
    return scoring.Profile(
        slug=snapshot["slug"],
        version=snapshot["version"],
        traits=tuple(
            scoring.TraitSpec(
                key=trait["key"],
                weight=trait["weight"],
                required_level=trait["required_level"],
                knockout_below=trait["knockout_below"],
            )
            for trait in snapshot["traits"]
        ),
        items=tuple(
            scoring.ItemSpec(
                code=item["code"],
                kind=item["kind"],
                trait_key=item["trait"],
                reverse_keyed=item["reverse_keyed"],
                keyed_answer=item["keyed_answer"],
                options=tuple(
                    scoring.OptionSpec(
                        code=option["code"],
                        score=option["score"],
                        direct_service=option["direct_service"],
                    )
                    for option in item["options"]
                ),
            )
            for item in snapshot["items"]
        ),
        fit_threshold=snapshot["fit_threshold"],
        partial_threshold=snapshot["partial_threshold"],
        direct_service_threshold=snapshot["similar_role"]["direct_service_threshold"],
        similar_role_slug=snapshot["similar_role"]["slug"],
        education_fields=tuple(
            scoring.EducationSpec(code=field["code"], preferred=field["preferred"])
            for field in snapshot["education_fields"]
        ),
    )


def score_snapshot(*, snapshot: dict[str, Any], answers: dict[str, Any]) -> scoring.Result:
    return scoring.score(profile=profile_from_snapshot(snapshot), answers=answers)
