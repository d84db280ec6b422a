"""信息公开 in the admin: topics, index-number formats, the working-day calendar, the annual reports."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from sites.launch import SITE_LAUNCH_CHECK

from .launch import guide_findings
from .models import IndexNumberScheme, Topic, WorkingDayOverride
from .standing_pages import fill_standing_pages


# The annual report's tables (its admin pages, and its body shown read-only in the page editor).
@hooks.register("insert_global_admin_css")
def annual_report_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("disclosure/annual_reports.css"))


# 开通检查: a site opens with its 政府信息公开指南 written.
hooks.register(SITE_LAUNCH_CHECK, guide_findings)


class TopicViewSet(ModelViewSet):
    model = Topic
    icon = "folder-open-inverse"
    menu_label = "主题分类"
    form_fields = ["name", "parent", "code", "sort_order"]
    list_display = ["__str__", "code", "sort_order"]
    search_fields = ["name"]
    ordering = ["parent__sort_order", "sort_order"]


class IndexNumberSchemeViewSet(ModelViewSet):
    model = IndexNumberScheme
    icon = "tag"
    menu_label = "索引号规则"
    form_fields = ["organisation", "format"]
    list_display = ["organisation", "format"]


class WorkingDayOverrideViewSet(ModelViewSet):
    model = WorkingDayOverride
    icon = "date"
    menu_label = "工作日调整"
    form_fields = ["date", "is_working_day", "note"]
    list_display = ["date", "is_working_day", "note"]


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        from .annual_report import may_use_annual_reports

        return may_use_annual_reports(request.user)


class AnnualReportViewSet(ViewSet):
    """政府信息公开工作年度报告: each organisation's own, the info center's all (``annual_report``)."""

    icon = "table"
    menu_label = "政府信息公开年报"
    menu_item_class = AnnualReportMenuItem

    def get_urlpatterns(self):
        from django.urls import path

        from . import annual_report_views as views

        return [
            path("", views.AnnualReportIndexView.as_view(), name="index"),
            path("<int:organisation_id>/<int:year>/", views.AnnualReportDetailView.as_view(), name="detail"),
            path("<int:organisation_id>/<int:year>/edit/", views.AnnualReportEditView.as_view(), name="edit"),
            path("<int:organisation_id>/<int:year>/generate/", views.generate_view, name="generate"),
        ]


class DisclosureViewSetGroup(ViewSetGroup):
    menu_label = "信息公开"
    menu_icon = "list-ul"
    menu_order = 160
    items = (
        TopicViewSet("disclosure_topic"),
        IndexNumberSchemeViewSet("disclosure_indexnumberscheme"),
        WorkingDayOverrideViewSet("disclosure_workingdayoverride"),
        AnnualReportViewSet("disclosure_annual_reports", url_prefix="disclosure/annual-reports"),
    )


@hooks.register("register_admin_viewset")
def register_disclosure_viewsets():
    return DisclosureViewSetGroup()


# 信息公开时效 report (《政府信息公开条例》 Art. 26), under Wagtail's "Reports" menu.
from .reports import register_timeliness_report_menu_item  # noqa: E402

hooks.register("register_reports_menu_item", register_timeliness_report_menu_item)


@hooks.register("register_admin_urls")
def register_disclosure_urls():
    from django.urls import include, path

    from . import urls

    return [path("disclosure/", include((urls.urlpatterns, urls.app_name), namespace="disclosure"))]


# After the column tree (cms.content, order -10) has placed the standing pages.
@hooks.register("after_provision_site", order=-5)
def write_standing_pages(site, profile, organisation, site_type, actor, **kwargs) -> None:
    fill_standing_pages(site, profile)
