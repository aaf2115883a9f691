"""The audit log: who changed what, when, from what to what.

Progress updates are their own history (actions.ProgressUpdate); everything else that
changes (responses, leads and owners, due dates, corrections, imports, publishing, users and
roles) leaves one AuditEntry, written in the same transaction as the change. Entries are
never changed or deleted: the admin is read-only and, on PostgreSQL, a trigger refuses
UPDATE and DELETE on the table.
"""

from django.conf import settings
from django.db import models

from tracker.access import RestrictedQuerySet


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove recorded history (progress updates, audit
    entries). On PostgreSQL the database refuses too (migration tracker 0002)."""


class AuditEntryQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def about(self, subject: models.Model) -> "AuditEntryQuerySet":
        """Entries shown on `subject`'s page (its own changes and those of its parts)."""
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))

    def newest_first(self) -> "AuditEntryQuerySet":
        return self.order_by("-at", "-pk")


class AuditEntry(models.Model):
    class Verb(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        ROLES_CHANGED = "roles changed", "Roles changed"
        IMPORTED = "imported", "Imported"
        # A user's new password: by themselves on the account page, through an emailed
        # reset link, or set by an operator (Django admin, a command). Never the password.
        PASSWORD_CHANGED = "password changed", "Password changed"
        PASSWORD_RESET = "password reset", "Password reset"
        PASSWORD_SET = "password set", "Password set"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Kept as plain values, not a foreign key: deleting or renaming a user must never have
    # to touch history.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    # {field: [before, after]} for changes; the values for creations and deletions.
    changes = models.JSONField(default=dict, blank=True)
    # The council whose data changed (for a user, their council), so that each council's
    # entries are theirs alone; none for LGA-wide things. A plain value like actor_id: the
    # shared base keeps no foreign key to an app above it.
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    organisation_path = "organisation"
    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.verb} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def change_lines(self) -> list[str]:
        """The change in words, one line per field: "due: 1 March 2026 → 1 June 2026"."""
        if self.verb == self.Verb.IMPORTED:
            return list(self.changes.get("summary", []))
        lines = []
        for name, value in self.changes.items():
            label = name.replace("_", " ")
            if self.verb in {self.Verb.CHANGED, self.Verb.ROLES_CHANGED}:
                before, after = value
                lines.append(f"{label}: {_shown(before)} → {_shown(after)}")
            elif value not in (None, "", []):
                lines.append(f"{label}: {_shown(value)}")
        return lines

    @property
    def object_label(self) -> str:
        return AUDITED_LABELS.get(self.object_type, self.object_type)


def _shown(value: object) -> str:
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# How many entries an object's page shows (the admin list has them all).
SHOWN_ON_PAGES = 50

AUDITED_LABELS = {
    "recommendations.response": "Council response",
    "actions.action": "Action",
    "actions.actionlead": "Action lead",
    "actions.lead": "Lead",
    "recommendations.transcriptioncorrection": "Transcription correction",
    "recommendations.review": "Review",
    "recommendations.reviewimport": "Review file upload",
    "recommendations.membership": "Organisation membership",
    settings.AUTH_USER_MODEL.lower(): "User",
}
