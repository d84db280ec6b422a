from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0007_verbose_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="siteprofile",
            name="status",
            field=models.CharField(
                choices=[("preparing", "筹建"), ("open", "运行中"), ("closed", "已关停"), ("maintenance", "维护中")],
                default="open",
                max_length=20,
                verbose_name="状态",
            ),
        ),
    ]
