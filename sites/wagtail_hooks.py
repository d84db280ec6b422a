"""站群管理 in the Wagtail admin: organisations, subsites, and their status actions."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Organisation, SiteProfile, SiteStatus
from .page_cache import mark_cacheable, served_page_tags
from .views import CloseSubsiteView, MaintenanceView, OpenSubsiteView, ProvisionSubsiteView, ReopenSubsiteView


@hooks.register("before_serve_page")
def cache_public_pages(page, request, serve_args, serve_kwargs):
    # Only anonymous readers share a cache. A restricted page shows anonymous
    # readers only its login redirect or password form, which sets the CSRF
    # cookie, and responses that set cookies are never stored. A page type lists
    # the query parameters its response depends on in ``cache_query_parameters``, and
    # what else it shows in ``cache_tags()`` (sites.page_cache).
    if not request.user.is_authenticated:
        mark_cacheable(request, getattr(page, "cache_query_parameters", ()), tags=served_page_tags(page))


@hooks.register("register_log_actions")
def register_site_actions(actions):
    actions.register_action("sites.provision", "新建子站", "新建子站")
    actions.register_action("sites.open", "开通子站", "开通子站")
    actions.register_action("sites.close", "关停子站", "关停子站")
    actions.register_action("sites.reopen", "重新开通子站", "重新开通子站")
    actions.register_action("sites.maintenance", "子站进入维护", "子站进入维护")


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "机构"
    form_fields = ["name", "short_name", "kind", "parent", "index_code"]
    list_display = ["name", "short_name", "kind", "index_code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "index_code"]


class NoDeletePolicy(ModelPermissionPolicy):
    """Sites are closed, never deleted: the record and its history stay."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(SiteProfile, NoDeletePolicy(SiteProfile))


class SiteProfileIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not self.request.user.has_perm("sites.change_siteprofile"):
            return buttons
        if instance.status == SiteStatus.OPEN:
            actions = [("close", "关停", "cross"), ("maintenance", "进入维护", "cogs")]
        elif instance.status == SiteStatus.PREPARING:
            actions = [("open", "开通", "tick"), ("close", "关停", "cross")]
        else:
            actions = [("reopen", "重新开通", "tick")]
        for name, label, icon in actions:
            buttons.append(
                MenuItem(
                    label, url=reverse(f"sites_siteprofile:{name}", args=[instance.pk]), icon_name=icon, priority=40
                )
            )
        return buttons


class SiteProfileViewSet(ModelViewSet):
    model = SiteProfile
    index_view_class = SiteProfileIndexView
    icon = "site"
    menu_label = "子站"
    # Status changes go through the open/close/reopen/maintenance actions so each is
    # recorded with its notice; provisioning replaces the plain "add" form.
    form_fields = [
        "site_type",
        "organisation",
        "site_id_code",
        "sponsor",
        "icp_number",
        "police_record_number",
        "contact_address",
        "contact_phone",
        "contact_email",
        "disclosure_office_address",
        "disclosure_office_phone",
        "office_hours",
        "theme",
    ]
    list_display = [
        "__str__",
        Column("hostname", label="主机名", accessor="site.hostname"),
        "site_type",
        "organisation",
        "site_id_code",
        "status",
    ]
    list_filter = ["site_type", "status"]
    search_fields = ["site__site_name", "site__hostname", "organisation__name"]

    @property
    def add_view(self):
        return ProvisionSubsiteView.as_view()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("open/<id:pk>/", OpenSubsiteView.as_view(), name="open"),
            path("close/<id:pk>/", CloseSubsiteView.as_view(), name="close"),
            path("reopen/<id:pk>/", ReopenSubsiteView.as_view(), name="reopen"),
            path("maintenance/<id:pk>/", MaintenanceView.as_view(), name="maintenance"),
        ]


class ClusterViewSetGroup(ViewSetGroup):
    menu_label = "站群管理"
    menu_icon = "site"
    menu_order = 150
    # Other apps add the info center's pages here (e.g. 后台任务, cms/operations) through this hook.
    submenu_hook = "register_cluster_menu_item"
    items = (SiteProfileViewSet("sites_siteprofile"), OrganisationViewSet("sites_organisation"))


@hooks.register("register_admin_viewset")
def register_cluster_viewsets():
    return ClusterViewSetGroup()


@hooks.register("construct_settings_menu")
def hide_wagtail_site_editor(request, menu_items):
    # Sites are managed in 站群管理 → 子站 (cms/urls.py redirects Wagtail's Site editor there).
    menu_items[:] = [item for item in menu_items if item.name != "sites"]
