"""Each audit entry learns the council whose data it is about (tracker 0004 added the
column), so that a council's admins see their own entries and no one else's.

Here rather than in tracker: the shared base does not depend on the apps above it. The way
from each kind of subject to its council is frozen as it stood when this was written.
"""

from django.db import migrations

# subject_type -> (app label, model, the path from that model to its organisation's id)
SUBJECTS = {
    "recommendations.review": ("recommendations", "Review", "organisation_id"),
    "recommendations.recommendation": (
        "recommendations",
        "Recommendation",
        "review__organisation_id",
    ),
    "recommendations.reviewimport": ("recommendations", "ReviewImport", "organisation_id"),
    "actions.action": ("actions", "Action", "review__organisation_id"),
    "actions.lead": ("actions", "Lead", "organisation_id"),
    "auth.user": ("recommendations", "Membership", "organisation_id"),
}


def fill_organisation(apps, schema_editor):
    db = schema_editor.connection.alias
    AuditEntry = apps.get_model("tracker", "AuditEntry")
    for subject_type, (app_label, model_name, path) in SUBJECTS.items():
        model = apps.get_model(app_label, model_name)
        # A user's entries go with their membership, found by the user's id.
        key = "user_id" if subject_type == "auth.user" else "pk"
        ids = AuditEntry.objects.using(db).filter(subject_type=subject_type, organisation_id=None)
        subject_ids = {int(value) for value in ids.values_list("subject_id", flat=True)}
        councils = dict(
            model.objects.using(db)
            .filter(**{f"{key}__in": subject_ids})
            .exclude(**{f"{path}__isnull": True})
            .values_list(key, path)
        )
        # Entries are append-only (a trigger refuses UPDATE on PostgreSQL), so they are
        # filled one subject at a time with the trigger set aside for this migration.
        for subject_id, organisation_id in councils.items():
            _fill(schema_editor, subject_type, subject_id, organisation_id)


def _fill(schema_editor, subject_type, subject_id, organisation_id):
    schema_editor.execute(
        "UPDATE tracker_auditentry SET organisation_id = %s"
        " WHERE subject_type = %s AND subject_id = %s AND organisation_id IS NULL",
        [organisation_id, subject_type, str(subject_id)],
    )


def disable_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tracker_auditentry DISABLE TRIGGER tracker_auditentry_append_only"
        )


def enable_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tracker_auditentry ENABLE TRIGGER tracker_auditentry_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0011_roles_on_memberships"),
        ("tracker", "0004_audit_entry_organisation"),
    ]

    operations = [
        migrations.RunPython(disable_trigger, enable_trigger),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop),
        migrations.RunPython(enable_trigger, disable_trigger),
    ]
