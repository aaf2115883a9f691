"""The actions part of a review file: the leads directory, actions and progress updates.

Registered with the recommendations app's review file loader when the app starts.
"""

from django.db.models import Prefetch

from recommendations.models import Recommendation, Review
from recommendations.review_files.changes import (
    CREATED,
    NOT_IN_FILE,
    UNCHANGED,
    UPDATED,
    ChangeLog,
    upsert,
)
from recommendations.review_files.exporting import compact
from recommendations.review_files.structure import iter_actions, parse_date, text
from recommendations.review_files.validation import Checker

from .models import Action, ActionLead, Lead, LeadKind, ProgressUpdate
from .services import append_update, refresh_current_position


class ActionsSection:
    def check(self, checker: Checker) -> None:
        document = checker.document
        checker.unique(("leads",), document.get("leads") or [], "name", "the lead")
        started_on = checker.started_on
        refs: set[str] = set()
        for path, action, _number in iter_actions(document):
            ref = action["ref"]
            if ref in refs:
                checker.fail((*path, "ref"), f"the action ref '{ref}' is used twice in this review")
            refs.add(ref)
            leads = action.get("leads") or []
            if len(set(leads)) != len(leads):
                checker.fail((*path, "leads"), "a lead is named twice")
            owner = action.get("owner")
            if owner and owner not in leads:
                checker.fail(
                    (*path, "owner"), f"the owner '{owner}' must be one of the action's leads"
                )
            checker.date_at((*path, "due"), action.get("due"))
            for index, update in enumerate(action.get("updates") or []):
                on = checker.date_at((*path, "updates", index, "on"), update["on"])
                if on and started_on and on < started_on:
                    checker.fail(
                        (*path, "updates", index, "on"),
                        "an update cannot be dated before the review started "
                        f"({started_on:%Y-%m-%d})",
                    )

    def apply(
        self,
        *,
        document: dict,
        review: Review,
        recommendations: dict[str, Recommendation],
        changes: ChangeLog,
    ) -> None:
        organisation = review.organisation
        leads: dict[str, Lead] = {}
        for entry in document.get("leads") or []:
            leads[entry["name"]] = upsert(
                changes,
                "lead",
                entry["name"],
                Lead,
                {"organisation": organisation, "name": entry["name"]},
                {"kind": entry.get("kind") or LeadKind.PERSON, "role": text(entry.get("role"))},
            )

        def lead_named(name: str) -> Lead:
            if name not in leads:
                # A name outside the directory is a person, unless the database knows better.
                leads[name], created = Lead.objects.get_or_create(
                    organisation=organisation, name=name, defaults={"kind": LeadKind.PERSON}
                )
                if created:
                    changes.record("lead", name, CREATED)
            return leads[name]

        refs = set()
        for position, (_path, data, number) in enumerate(iter_actions(document)):
            refs.add(data["ref"])
            action_leads = [lead_named(name) for name in data.get("leads") or []]
            action = upsert(
                changes,
                "action",
                data["ref"],
                Action,
                {"review": review, "ref": data["ref"]},
                {
                    "recommendation": recommendations[number],
                    "position": position,
                    "text": data["text"],
                    "owner": lead_named(data["owner"]) if data.get("owner") else None,
                    "timescale": text(data.get("timescale")),
                    "due": parse_date(data.get("due")),
                    "status": text(data.get("status")),
                    "rag": text(data.get("rag")),
                    "support": text(data.get("support")),
                },
            )
            self._apply_leads(action, action_leads, changes, is_new=changes.last_was_created)
            # The plan's position may have changed; the latest update's still wins.
            refresh_current_position(action)
            self._append_updates(action, data.get("updates") or [], changes)
        for ref in review.actions.exclude(ref__in=refs).values_list("ref", flat=True):
            changes.record("action", ref, NOT_IN_FILE)

    @staticmethod
    def _apply_leads(
        action: Action, wanted: list[Lead], changes: ChangeLog, *, is_new: bool
    ) -> None:
        current = list(action.action_leads.order_by("position").values_list("lead_id", flat=True))
        if current == [lead.pk for lead in wanted]:
            return
        action.action_leads.all().delete()
        ActionLead.objects.bulk_create(
            ActionLead(action=action, lead=lead, position=position)
            for position, lead in enumerate(wanted)
        )
        if not is_new:
            changes.record("action leads", action.ref, UPDATED)

    @staticmethod
    def _append_updates(action: Action, updates: list[dict], changes: ChangeLog) -> None:
        """Append the file's updates that are not yet recorded; never touch recorded ones."""
        for data in updates:
            values = {
                "on": parse_date(data["on"]),
                "status": text(data.get("status")),
                "rag": text(data.get("rag")),
                "note": text(data.get("note")),
                "author": text(data.get("author")),
                "source": text(data.get("source")),
            }
            label = f"{action.ref} on {data['on']}"
            if ProgressUpdate.objects.filter(action=action, **values).exists():
                changes.record("progress update", label, UNCHANGED)
            else:
                append_update(action, **values)
                changes.record("progress update", label, CREATED)

    def export(self, *, review: Review, document: dict, recommendations: dict[str, dict]) -> None:
        actions = (
            review.actions.select_related("recommendation", "owner")
            .prefetch_related(
                Prefetch("action_leads", queryset=ActionLead.objects.select_related("lead")),
                Prefetch(
                    "updates", queryset=ProgressUpdate.objects.order_by("on", "recorded_at", "pk")
                ),
            )
            .order_by("position")
        )
        directory: dict[str, Lead] = {}
        for action in actions:
            lead_names = []
            for action_lead in action.action_leads.all():
                directory.setdefault(action_lead.lead.name, action_lead.lead)
                lead_names.append(action_lead.lead.name)
            recommendations[action.recommendation.number]["actions"].append(
                compact(
                    {
                        "ref": action.ref,
                        "text": action.text,
                        "leads": lead_names,
                        "owner": action.owner.name if action.owner else None,
                        "timescale": action.timescale,
                        "due": action.due,
                        "status": action.status,
                        "rag": action.rag,
                        "support": action.support,
                        "updates": [_update(update) for update in action.updates.all()],
                    }
                )
            )
        document["leads"] = [
            compact({"name": lead.name, "role": lead.role, "kind": lead.kind})
            for lead in directory.values()
        ]


def _update(update: ProgressUpdate) -> dict:
    return compact(
        {
            "on": update.on,
            "status": update.status,
            "rag": update.rag,
            "note": update.note,
            # Updates recorded in the browser carry the name of whoever recorded them.
            "author": update.author_name,
            "source": update.source,
        }
    )
