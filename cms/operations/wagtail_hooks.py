"""后台任务 under 站群管理 (the info center's menu)."""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import VIEW_BACKGROUND_TASKS, TaskResultsView


@hooks.register("register_admin_urls")
def register_operations_urls():
    return [path("operations/tasks/", TaskResultsView.as_view(), name="operations_tasks")]


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_BACKGROUND_TASKS)


@hooks.register("register_cluster_menu_item")
def register_tasks_menu_item():
    return PermissionMenuItem("后台任务", reverse_lazy("operations_tasks"), icon_name="cogs", order=900)
