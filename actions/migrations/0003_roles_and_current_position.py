from django.db import migrations

from actions.roles import sync_roles_in_migration


def store_current_position(apps, schema_editor):
    """Fill the new current-position columns from each action's history."""
    Action = apps.get_model("actions", "Action")
    for action in Action.objects.all():
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
        migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop),
    ]
