"""后台任务: the info center's view of the task queue (failed, retrying, queued, running)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import queue
from .models import ScheduledJobRun
from .schedule import JOBS, task_queue_in_use

VIEW_BACKGROUND_TASKS = "operations.view_background_tasks"


class TaskResultsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "operations/task_results.html"
    page_title = "后台任务"
    header_icon = "cogs"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_BACKGROUND_TASKS):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selected = self.request.GET.get("state", "")
        selected = selected if selected in queue.FILTERS else ""
        page = Paginator(queue.unfinished_results(selected), self.per_page).get_page(self.request.GET.get("p"))
        counts = queue.counts()
        runs = {run.job: run for run in ScheduledJobRun.objects.all()}
        context.update(
            selected=selected,
            filters=[(key, label, counts[key]) for key, (label, _q) in queue.FILTERS.items()],
            rows=[queue.task_row(result) for result in page],
            page=page,
            jobs=[(job, runs.get(job.name)) for job in JOBS],
            queue_in_use=task_queue_in_use(),
        )
        return context
