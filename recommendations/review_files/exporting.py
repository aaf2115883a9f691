"""Write a review back out in the review file format.

The output is deterministic (rows in their stored order, no timestamps), so exporting,
loading the export into an empty database and exporting again gives the same bytes.
"""

import yaml
from django.db.models import Prefetch

from recommendations.models import Recommendation, RecommendationLink, Review

from .sections import registered_sections

FORMAT = "review-tracker/1"


def compact(mapping: dict) -> dict:
    """Drop the keys whose values are empty, keeping the order of the rest."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as the format's documentation does.
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_document(document: dict) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )


def export_review(review: Review) -> str:
    review = (
        Review.objects.select_related("organisation", "previous")
        .prefetch_related("peer_team", "themes", "milestones", "risks")
        .get(pk=review.pk)
    )
    recommendations = list(
        review.recommendations.select_related("response", "parent")
        .prefetch_related(
            "themes",
            Prefetch(
                "follows",
                queryset=RecommendationLink.objects.select_related("earlier__review"),
            ),
        )
        .order_by("position")
    )
    exported: dict[str, dict] = {}
    top_level: list[dict] = []
    for recommendation in recommendations:
        data = _recommendation(recommendation)
        exported[recommendation.number] = data
        if recommendation.parent_id is None:
            top_level.append(data)
        else:
            exported[recommendation.parent.number]["parts"].append(data)
    document = {
        "format": FORMAT,
        "organisation": {"slug": review.organisation.slug, "name": review.organisation.name},
        "review": _review(review),
        "leads": None,
        "recommendations": top_level,
    }
    for section in registered_sections():
        section.export(review=review, document=document, recommendations=exported)
    for data in exported.values():
        kept = compact(data)
        data.clear()
        data.update(kept)
    return dump_document(compact(document))


def _review(review: Review) -> dict:
    return compact(
        {
            "slug": review.slug,
            "kind": review.kind,
            "title": review.title,
            "conducted_by": review.conducted_by,
            "started_on": review.started_on,
            "ended_on": review.ended_on,
            "published_on": review.published_on,
            "previous": review.previous.slug if review.previous else None,
            "source": review.source,
            "summary": review.summary,
            "peer_team": [
                compact({"name": member.name, "role": member.role})
                for member in review.peer_team.all()
            ],
            "themes": [
                compact({"key": theme.key, "title": theme.title, "question": theme.question})
                for theme in review.themes.all()
            ],
            "milestones": [
                compact({"title": m.title, "due": m.due, "done_on": m.done_on})
                for m in review.milestones.all()
            ],
            "risks": [
                compact(
                    {
                        "title": risk.title,
                        "description": risk.description,
                        "likelihood": risk.likelihood,
                        "impact": risk.impact,
                        "mitigation": risk.mitigation,
                    }
                )
                for risk in review.risks.all()
            ],
        }
    )


def _recommendation(recommendation: Recommendation) -> dict:
    """The recommendation's keys in the documented order; sections fill in `actions`."""
    response = getattr(recommendation, "response", None)
    return {
        "number": recommendation.number,
        "title": recommendation.title,
        "text": recommendation.text,
        "themes": [theme.key for theme in recommendation.themes.all()],
        "parts": [],
        "response": compact(
            {
                "stance": response.stance,
                "text": response.text,
                "incorporated": response.incorporated,
                "responded_on": response.responded_on,
            }
        )
        if response
        else None,
        "follows": [
            compact(
                {
                    "review": link.earlier.review.slug,
                    "recommendation": link.earlier.number,
                    "relation": link.relation,
                    "assessment": link.assessment,
                    "quote": link.quote,
                }
            )
            for link in recommendation.follows.all()
        ],
        "actions": [],
    }
