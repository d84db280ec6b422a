"""The reply periods of seed 000 as editable rows: 咨询 2, 建议 5, 投诉 and complex matters 15 working days."""

from django.db import migrations

DEFAULTS = {"consult": 2, "suggestion": 5, "complaint": 15, "help": 5, "other": 5, "complex": 15}


def add_defaults(apps, schema_editor):
    ReplyDeadline = apps.get_model("letters", "ReplyDeadline")
    for key, days in DEFAULTS.items():
        ReplyDeadline.objects.get_or_create(key=key, defaults={"working_days": days})


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
