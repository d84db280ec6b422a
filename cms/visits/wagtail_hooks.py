"""访问统计 in the admin menu, for the info center and the sites' 站点管理员."""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .permissions import sees_cluster, visible_site_ids


@hooks.register("register_admin_urls")
def register_visits_urls():
    return [path("visits/", include((admin_urls.urlpatterns, admin_urls.app_name), namespace="visits"))]


class VisitsMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_cluster(request.user) or bool(visible_site_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_visits_menu():
    return VisitsMenuItem("访问统计", reverse_lazy("visits:cluster"), icon_name="table", order=180)
