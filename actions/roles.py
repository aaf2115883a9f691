"""The four roles, as Django groups with permissions. `sync_roles` makes the groups match
this table; a data migration runs it, so every database has them."""

VIEWER = "Viewer"
OFFICER = "Officer"
PROGRAMME_OFFICE = "Programme office"
ADMIN = "Admin"

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

# What sets the Admin role apart: holding any of these requires two-factor sign-in.
ADMIN_ONLY_PERMISSIONS = sorted(set(_ADMIN) - set(_PROGRAMME_OFFICE))

ROLE_PERMISSIONS: dict[str, list[str]] = {
    VIEWER: _READ,
    OFFICER: _OFFICER,
    PROGRAMME_OFFICE: _PROGRAMME_OFFICE,
    ADMIN: _ADMIN,
}


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give each exactly the permissions of the table above."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def sync_roles_in_migration(apps, schema_editor) -> None:
    """RunPython entry point: permissions are normally created after all migrations, but
    the roles need them now, so create them first from the migration's app registry."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
