"""What deserves a human look before a file is loaded, though nothing in it is wrong."""

import difflib
import re

from recommendations.models import Organisation
from recommendations.review_files.structure import iter_actions, iter_recommendations

from .timescales import suggest_due

TITLES = re.compile(r"^(cllr|councillor|cllr\.|mr|mrs|ms|dr)\s+", re.IGNORECASE)


def _normalised(name: str) -> str:
    return TITLES.sub("", " ".join(name.lower().split()))


def near_matches(name: str, known: list[str]) -> list[str]:
    """Known names that are nearly, but not exactly, `name` ("Cllr Letts", "Councillor Letts")."""
    core = _normalised(name)
    close = [
        other
        for other in known
        if other != name
        and (
            _normalised(other) == core
            or difflib.SequenceMatcher(None, _normalised(other), core).ratio() >= 0.88
        )
    ]
    return sorted(set(close))


def warnings_for(document: dict) -> list[str]:
    review_year = int(document["review"]["started_on"][:4])
    found = []
    for _path, action, number in iter_actions(document):
        leads = action.get("leads") or []
        if len(leads) > 1 and not action.get("owner"):
            found.append(
                f"Action {action['ref']} (recommendation {number}) has {len(leads)} leads and "
                "no single owner"
            )
        timescale = action.get("timescale") or ""
        if not action.get("due") and suggest_due(timescale, review_year=review_year).due is None:
            said = f"'{timescale}'" if timescale else "none"
            found.append(f"Action {action['ref']}: the timescale ({said}) gives no date")
    actions_by_number: dict[str, int] = {}
    parents: dict[str, str | None] = {}
    for _path, recommendation, parent in iter_recommendations(document):
        count = len(recommendation.get("actions") or [])
        actions_by_number[recommendation["number"]] = count
        parents[recommendation["number"]] = parent
    for number, parent in parents.items():
        parts_total = sum(actions_by_number[n] for n, p in parents.items() if p == number)
        if parent is None and actions_by_number[number] + parts_total == 0:
            found.append(f"Recommendation {number} has no actions")
    known = list(
        Organisation.objects.filter(slug=document["organisation"]["slug"])
        .exclude(leads__name=None)
        .values_list("leads__name", flat=True)
    )
    named = sorted(
        {name for _p, action, _n in iter_actions(document) for name in action.get("leads") or []}
        | {entry["name"] for entry in document.get("leads") or []}
    )
    for name in named:
        if name in known:
            continue
        for other in near_matches(name, known + [n for n in named if n != name]):
            found.append(f"The lead '{name}' nearly matches '{other}': is it the same person?")
    return found
