"""网站监管 in the admin menu: the board (info center and site admins), 每月通报 (the info center),
the manual entries."""

from __future__ import annotations

from django.urls import path, reverse_lazy
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .actions import may_view_all
from .models import ManualEntry
from .views import BoardView, CausesView, ReportView, may_use_board, recompute


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [
        path("monitoring/", BoardView.as_view(), name="monitoring_board"),
        path("monitoring/report/", ReportView.as_view(), name="monitoring_report"),
        path("monitoring/<id:site_id>/recompute/", recompute, name="monitoring_recompute"),
        path("monitoring/<id:site_id>/<slug:rule>/", CausesView.as_view(), name="monitoring_causes"),
    ]


class ManualEntryCreateView(generic.CreateView):
    def save_instance(self):
        # Who entered it and when: set here, never by the form; Wagtail's create action logs it.
        self.form.instance.entered_by = self.request.user
        self.form.instance.entered_at = timezone.now()
        return super().save_instance()


class ManualEntryViewSet(ModelViewSet):
    model = ManualEntry
    icon = "edit"
    menu_label = "人工录入"
    add_to_admin_menu = False
    form_fields = ["site", "indicator", "status", "deduction", "note"]
    list_display = ["site", "indicator", "status", "deduction", "note", "entered_by", "entered_at"]
    list_filter = ["indicator", "status"]
    add_view_class = ManualEntryCreateView
    inspect_view_enabled = False
    url_prefix = "monitoring/manual"
    name = "monitoring_manual"


manual_entries = ManualEntryViewSet()


@hooks.register("register_admin_viewset")
def register_manual_entries():
    return manual_entries


class BoardMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use_board(request.user)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_all(request.user)


class ManualEntryMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("monitoring.add_manualentry")


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    menu = Menu(
        register_hook_name="register_monitoring_menu_item",  # other apps' items (cms.site_reports)
        items=[
            BoardMenuItem("检查指标", reverse_lazy("monitoring_board"), icon_name="warning", order=100),
            ReportMenuItem("每月通报", reverse_lazy("monitoring_report"), icon_name="doc-full", order=150),
            ManualEntryMenuItem(
                "人工录入", reverse_lazy(manual_entries.get_url_name("index")), icon_name="edit", order=200
            ),
        ],
    )
    return SubmenuMenuItem("网站监管", menu, icon_name="view", order=190)
