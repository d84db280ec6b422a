"""Record whether a takedown was the info center's, so that only the info center restores it."""

from django.db import migrations, models
from django.db.models import Q


def mark_info_center_takedowns(apps, schema_editor):
    # Existing takedowns: the actor's rights today are the best record there is of who acted.
    Takedown = apps.get_model("syndication", "Takedown")
    anywhere = Q(codename="take_down_anywhere", content_type__app_label="syndication")
    Permission = apps.get_model("auth", "Permission")
    permission_ids = list(Permission.objects.filter(anywhere).values_list("pk", flat=True))
    Takedown.objects.filter(
        Q(actor__isnull=True)
        | Q(actor__is_superuser=True)
        | Q(actor__user_permissions__in=permission_ids)
        | Q(actor__groups__permissions__in=permission_ids)
    ).update(by_info_center=True)


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0002_takedown_permissions_and_live_revision"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="takedown",
            name="by_info_center",
            field=models.BooleanField(default=False, verbose_name="信息中心下架"),
        ),
        migrations.RunPython(mark_info_center_takedowns, migrations.RunPython.noop),
    ]
