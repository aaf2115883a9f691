from django.db import migrations
from django.db.models import Max

from actions.roles import sync_roles_in_migration


def store_last_update_on(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    for action in Action.objects.annotate(latest=Max("updates__on")).exclude(latest=None):
        action.last_update_on = action.latest
        action.save(update_fields=["last_update_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_action_last_update_on"),
        ("recommendations", "0003_alter_review_options_review_is_published_and_more"),
    ]

    operations = [
        migrations.RunPython(store_last_update_on, migrations.RunPython.noop),
        migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop),
    ]
