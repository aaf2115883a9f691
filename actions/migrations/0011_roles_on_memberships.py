"""Roles move from Django groups to the membership (tracker.access reads them there), and each
upload learns its council.

Runs in the actions app because the role groups and their permissions were made by actions
migrations 0003 and 0006; it reads them with the historical models only.
"""

from django.db import migrations

# The group names and the role each became. A user in several groups keeps the strongest.
ROLE_OF_GROUP = {
    "Admin": "admin",
    "Programme office": "programme-office",
    "Officer": "officer",
    "Viewer": "viewer",
}

# Permissions that only the role groups used; nothing checks them any more.
CUSTOM_PERMISSIONS = [
    ("actions", "record_progress_on_own"),
    ("actions", "record_progress_on_any"),
    ("actions", "assign_action_leads"),
    ("actions", "set_action_due_dates"),
    ("recommendations", "load_review_files"),
    ("recommendations", "correct_transcription"),
    ("recommendations", "publish_review"),
]


def roles_from_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("recommendations", "Membership")
    ReviewImport = apps.get_model("recommendations", "ReviewImport")

    # Strongest last, so that it is the one left standing.
    for name in reversed(ROLE_OF_GROUP):
        Membership.objects.using(db).filter(user__groups__name=name).update(
            role=ROLE_OF_GROUP[name]
        )
    Group.objects.using(db).filter(name__in=ROLE_OF_GROUP).delete()
    for app_label, codename in CUSTOM_PERMISSIONS:
        Permission.objects.using(db).filter(
            content_type__app_label=app_label, codename=codename
        ).delete()

    # An upload belongs to the council it loaded, or else to its uploader's council (an
    # LGA-wide admin's unapplied upload stays with no council: only LGA-wide users see it).
    uploads = ReviewImport.objects.using(db).select_related("review").filter(organisation=None)
    for upload in uploads:
        if upload.review_id:
            upload.organisation_id = upload.review.organisation_id
        else:
            membership = Membership.objects.using(db).filter(user_id=upload.uploaded_by_id).first()
            upload.organisation_id = membership.organisation_id if membership else None
        if upload.organisation_id:
            upload.save(update_fields=["organisation"])


def groups_from_roles(apps, schema_editor):
    """Going back: each membership's role becomes a group again (without its permissions,
    which migrations 0003 and 0006 gave and a forward migration removed)."""
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("recommendations", "Membership")
    for name, role in ROLE_OF_GROUP.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        for membership in Membership.objects.using(db).filter(role=role).select_related("user"):
            membership.user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0010_refuse_history_rewrites"),
        ("recommendations", "0005_roles_on_memberships"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="action",
            options={"ordering": ["review", "position"]},
        ),
        migrations.RunPython(roles_from_groups, groups_from_roles),
    ]
