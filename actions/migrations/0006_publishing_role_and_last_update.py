"""Actions keep the day of their latest update; the programme office may publish a review.

The role table below is frozen as it stood when this migration was written (actions/roles.py
in commit 4cbf28d): migration 0003's table plus `recommendations.publish_review`, which
recommendations 0003 defines. It is applied with this migration's own historical models,
never today's code, so replaying this migration means the same thing forever.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Max

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
    "recommendations.publish_review",
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


def update_roles(apps, schema_editor):
    """Give each role group exactly the permissions of the table above, creating the new
    permission from this migration's app registry first (as 0003 does)."""
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


def store_last_update_on(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    actions = Action.objects.using(schema_editor.connection.alias)
    for action in actions.annotate(latest=Max("updates__on")).exclude(latest=None):
        action.last_update_on = action.latest
        action.save(update_fields=["last_update_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_action_last_update_on"),
        ("recommendations", "0003_alter_review_options_review_is_published_and_more"),
    ]

    operations = [
        migrations.RunPython(store_last_update_on, migrations.RunPython.noop),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
