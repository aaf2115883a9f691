"""What a load did, or would do: created, updated, unchanged, or only in the database."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
NOT_IN_FILE = "not in file"


@dataclass(frozen=True)
class Change:
    kind: str
    label: str
    outcome: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.outcome}: {self.kind} {self.label}{detail}"


@dataclass
class ChangeLog:
    items: list[Change] = field(default_factory=list)

    def record(self, kind: str, label: str, outcome: str, fields: tuple[str, ...] = ()) -> None:
        self.items.append(Change(kind, label, outcome, fields))

    def counts(self) -> dict[str, Counter]:
        result: dict[str, Counter] = {}
        for change in self.items:
            result.setdefault(change.kind, Counter())[change.outcome] += 1
        return result

    @property
    def last_was_created(self) -> bool:
        """Whether the row recorded last was new: its links then need no separate entry."""
        return bool(self.items) and self.items[-1].outcome == CREATED

    @property
    def changed(self) -> bool:
        return any(change.outcome in {CREATED, UPDATED} for change in self.items)

    def noteworthy(self) -> list[Change]:
        return [change for change in self.items if change.outcome != UNCHANGED]

    def summary_lines(self) -> list[str]:
        lines = []
        for kind, counter in self.counts().items():
            parts = [
                f"{counter[outcome]} {outcome}"
                for outcome in (CREATED, UPDATED, UNCHANGED, NOT_IN_FILE)
                if counter[outcome]
            ]
            lines.append(f"{kind}: {', '.join(parts)}")
        return lines


def _differs(instance: models.Model, name: str, value: object) -> bool:
    field_object = instance._meta.get_field(name)
    if field_object.is_relation:
        return getattr(instance, field_object.attname) != (value.pk if value else None)
    return getattr(instance, name) != value


def upsert[M: models.Model](
    changes: ChangeLog,
    kind: str,
    label: str,
    model: type[M],
    lookup: dict[str, object],
    values: dict[str, object],
) -> M:
    """Create the row `lookup` names, or update the fields of `values` that differ."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        changes.record(kind, label, CREATED)
        return instance
    differing = tuple(name for name, value in values.items() if _differs(instance, name, value))
    if differing:
        for name in differing:
            setattr(instance, name, values[name])
        instance.save(update_fields=list(differing))
        changes.record(kind, label, UPDATED, differing)
    else:
        changes.record(kind, label, UNCHANGED)
    return instance
