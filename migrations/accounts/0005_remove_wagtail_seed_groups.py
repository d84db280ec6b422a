"""Remove the groups and workflow Wagtail's own migrations seed.

Wagtail creates "Moderators" and "Editors" (wagtailcore 0002) with add/edit/publish rights on
the tree's root, and a "Moderators approval" workflow on the root (wagtailcore 0048). In a
cluster every right is per site (``sites.groups``) or an info-center role, and every site has
its own workflow: a member of these groups would publish on every site at once, and they show
in the admin in English. Wagtail's migrations know them only by these names, so this does too;
a group someone has put users in, or a workflow that has run, is left alone.
"""

from django.db import migrations

WAGTAIL_SEED_GROUPS = ("Moderators", "Editors")


def remove_wagtail_seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    seeds = Group.objects.filter(name__in=WAGTAIL_SEED_GROUPS, user__isnull=True)
    tasks = GroupApprovalTask.objects.filter(groups__in=seeds, task_states__isnull=True).distinct()
    for workflow in Workflow.objects.filter(workflow_tasks__task__in=tasks, workflow_states__isnull=True).distinct():
        workflow.delete()  # its WorkflowPage and WorkflowTask rows go with it
    for task in tasks:
        if not task.groups.exclude(pk__in=seeds).exists():
            task.delete()
    seeds.delete()  # their page and collection permissions go with them


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_info_center_group"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailimages", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(remove_wagtail_seed, migrations.RunPython.noop)]
