from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .actions import ACTION_LABELS, may_change_templates


@hooks.register("register_admin_urls")
def register_notice_urls():
    from . import urls

    return [path("notices/", include((urls.urlpatterns, urls.app_name), namespace="notices"))]


class TemplatesMenuItem(MenuItem):
    def is_shown(self, request):
        return may_change_templates(request.user)


@hooks.register("register_settings_menu_item")
def register_templates_menu():
    return TemplatesMenuItem("告知书模板", reverse_lazy("notices:index"), icon_name="doc-full", order=620)


@hooks.register("register_log_actions")
def register_notice_actions(actions):
    for key, label in ACTION_LABELS.items():
        actions.register_action(f"notices.{key}", label, f"告知书模板：{label}")
