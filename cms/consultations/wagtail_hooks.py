"""Admin wiring of 意见征集: the moderation queue's URLs and menu item, audit-log labels, the dashboard flag."""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import urls
from .actions import APPROVE, REFUSE
from .permissions import is_info_center, moderatable_consultations
from .selectors import consultations_missing_feedback


@hooks.register("register_log_actions")
def register_consultation_actions(actions):
    actions.register_action(APPROVE, "公开征集意见", "公开征集意见")
    actions.register_action(REFUSE, "征集意见不予公开", "征集意见不予公开")


@hooks.register("register_admin_urls")
def register_consultation_urls():
    return [path("consultations/", include((urls.urlpatterns, urls.app_name), namespace="consultations"))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_info_center(request.user) or moderatable_consultations(request.user).exists()


# In the 互动交流 menu, which cms.letters builds and fills from this hook (by its name: no
# import of cms.letters, so neither app depends on the other's code).
@hooks.register("register_interaction_menu_item")
def register_consultation_menu():
    return ModeratorMenuItem("意见征集审核", reverse_lazy("consultations:queue"), icon_name="comment", order=300)


class MissingFeedbackPanel(Component):
    """征集结果反馈逾期: the info center sees every site's, a unit its own sites'."""

    name = "consultations_missing_feedback"
    template_name = "consultations/admin/missing_feedback_panel.html"
    order = 150

    def __init__(self, flagged):
        self.flagged = flagged

    def get_context_data(self, parent_context):
        return {"flagged": self.flagged}


@hooks.register("construct_homepage_panels")
def add_missing_feedback_panel(request, panels):
    user = request.user
    if is_info_center(user):
        flagged = consultations_missing_feedback()
    else:
        from cms.workflow.audit import sites_for  # the sites whose pages the user holds permissions on

        site_ids = [site.pk for site in sites_for(user)]
        flagged = consultations_missing_feedback(site_ids) if site_ids else []
    if flagged:
        panels.append(MissingFeedbackPanel(flagged))
