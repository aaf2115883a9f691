"""Actions keep their current status and RAG in columns; the four roles become groups.

The role table below is frozen as it stood when this migration was written (actions/roles.py
in commit 4cbf28d), less `recommendations.publish_review`, which does not exist until
recommendations 0003: migration 0006 adds it. It is applied with this migration's own
historical models, never today's code, so `migrate actions 0003` on an empty database means
the same thing forever. Today's roles are kept in step after every `migrate` by tracker.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

_READ = [
    "recommendations.view_organisation",
    "recommendations.view_review",
    "recommendations.view_peerteammember",
    "recommendations.view_theme",
    "recommendations.view_milestone",
    "recommendations.view_risk",
    "recommendations.view_recommendation",
    "recommendations.view_response",
    "recommendations.view_recommendationlink",
    "recommendations.view_transcriptioncorrection",
    "actions.view_lead",
    "actions.view_action",
    "actions.view_actionlead",
    "actions.view_progressupdate",
    "actions.view_evidencelink",
]
_OFFICER = [*_READ, "actions.record_progress_on_own"]
_PROGRAMME_OFFICE = [
    *_OFFICER,
    "actions.record_progress_on_any",
    "actions.assign_action_leads",
    "actions.set_action_due_dates",
    "recommendations.add_response",
    "recommendations.change_response",
]
_ADMIN = [
    *_PROGRAMME_OFFICE,
    "recommendations.load_review_files",
    "recommendations.correct_transcription",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "recommendations.add_membership",
    "recommendations.change_membership",
    "recommendations.view_membership",
    "actions.change_lead",
]
ROLES = {
    "Viewer": _READ,
    "Officer": _OFFICER,
    "Programme office": _PROGRAMME_OFFICE,
    "Admin": _ADMIN,
}


def create_roles(apps, schema_editor):
    """Give each role group exactly the permissions of the table above. Permissions are
    normally created after all migrations, but the roles need them now: create them from
    this migration's app registry first."""
    db = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.using(db).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def store_current_position(apps, schema_editor):
    """Fill the new current-position columns from each action's history."""
    Action = apps.get_model("actions", "Action")
    for action in Action.objects.using(schema_editor.connection.alias).all():
        history = action.updates.order_by("-on", "-recorded_at", "-pk")
        status = history.exclude(status="").values_list("status", flat=True).first()
        rag = history.exclude(rag="").values_list("rag", flat=True).first()
        action.current_status = status or action.status
        action.current_rag = rag or action.rag
        action.save(update_fields=["current_status", "current_rag"])


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_evidencelink_alter_action_options_action_current_rag_and_more"),
        ("recommendations", "0002_alter_review_options_membership_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(store_current_position, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
