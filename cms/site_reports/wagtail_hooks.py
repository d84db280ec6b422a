"""年度报表 in the admin, under 网站监管 (the submenu's ``register_monitoring_menu_item`` hook)."""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from wagtail import hooks

from core.admin_menu import QueryingMenuItem

from . import views
from .permissions import visible_site_ids

app_name = "site_reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("all/<int:year>/export/", views.export_cluster, name="export_cluster"),
    path("<int:site_id>/<int:year>/", views.site_report, name="site"),
    path("<int:site_id>/<int:year>/generate/", views.generate, name="generate"),
    path("<int:site_id>/<int:year>/export/", views.export_site, name="export_site"),
]


@hooks.register("register_admin_urls")
def register_site_report_urls():
    return [path("site-reports/", include((urlpatterns, app_name), namespace="site_reports"))]


class SiteReportsMenuItem(QueryingMenuItem):
    def shown_to(self, request):
        return bool(visible_site_ids(request.user))


@hooks.register("register_monitoring_menu_item")
def register_site_reports_menu():
    return SiteReportsMenuItem("年度报表", reverse_lazy("site_reports:index"), icon_name="doc-full", order=300)
