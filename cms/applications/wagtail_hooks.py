from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .actions import ACTION_LABELS
from .pages import add_application_page


@hooks.register("register_log_actions")
def register_application_actions(actions):
    for key, label in ACTION_LABELS.items():
        actions.register_action(f"applications.{key}", label, f"政府信息公开申请：{label}")


# After the column tree (cms.content, order -10), before the standing pages (cms.disclosure, -5),
# whose 政府信息公开指南 links this page.
@hooks.register("after_provision_site", order=-6)
def add_site_application_page(site, profile, organisation, site_type, actor, **kwargs) -> None:
    add_application_page(site)


# --- admin: 政务公开 → 依申请公开, 年度报告表三; the dashboard panels ---------------------------


@hooks.register("register_admin_urls")
def register_application_urls():
    from . import urls

    return [path("applications/", include((urls.urlpatterns, urls.app_name), namespace="applications_admin"))]


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import may_use_applications_admin

        return may_use_applications_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_disclosure_menu():
    # Applications are 政务公开 (the regulation's 依申请公开), not 互动交流 where the letters are.
    menu = Menu(
        items=[
            ApplicationsMenuItem(
                "依申请公开", reverse_lazy("applications_admin:index"), icon_name="doc-full", order=100
            ),
            ApplicationsMenuItem(
                "年度报告表三", reverse_lazy("applications_admin:table3"), icon_name="table", order=200
            ),
        ]
    )
    return SubmenuMenuItem("政务公开", menu, icon_name="doc-full-inverse", name="disclosure-applications", order=175)


@hooks.register("construct_homepage_panels")
def add_application_panels(request, panels):
    from .panels import application_panels

    panels.extend(application_panels(request.user))


@hooks.register("insert_global_admin_css")
def applications_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("applications/admin.css"))
