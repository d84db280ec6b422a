"""Tie the workflows and review steps that sites already have to their site by key.

Until now they were found by name (``<站名>·<流程>``, ``<站名>·<步骤>``); this is the last
time a name is read: afterwards ``SiteWorkflow`` / ``SiteReviewStep`` say which is which,
so renaming a site duplicates nothing."""

from django.db import migrations

# As cms.workflow.models.WorkflowKind / ReviewStep were labelled when the names were made
# (a migration must not import app code).
WORKFLOW_TITLES = {"full": "标准审核（初审、终审）", "quick": "简易审核（初审）"}
STEP_TITLES = {"first": "初审", "final": "终审/保密审查"}


def backfill(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    ReviewTask = apps.get_model("workflow", "ReviewTask")
    SiteWorkflow = apps.get_model("workflow", "SiteWorkflow")
    SiteReviewStep = apps.get_model("workflow", "SiteReviewStep")
    for site in Site.objects.all():
        for kind, title in WORKFLOW_TITLES.items():
            workflow = Workflow.objects.filter(name=f"{site.site_name}·{title}").order_by("pk").first()
            if workflow is not None and not SiteWorkflow.objects.filter(workflow=workflow).exists():
                SiteWorkflow.objects.get_or_create(site=site, kind=kind, defaults={"workflow": workflow})
        for step, title in STEP_TITLES.items():
            task = ReviewTask.objects.filter(name=f"{site.site_name}·{title}").order_by("pk").first()
            if task is not None and not SiteReviewStep.objects.filter(task=task).exists():
                SiteReviewStep.objects.get_or_create(site=site, step=step, defaults={"task": task})


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_site_workflows")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
