"""Wagtail wiring of 推送 and 下架: serving withdrawn pages, audit-log actions, admin menus."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from core.publishing import PublishRefused

from .middleware import offline_response
from .models import TakedownKind
from .permissions import can_push, can_take_down, can_view_records
from .selectors import active_takedown_page_ids, served_takedown_page_ids, takedown_of
from .takedown import withdraw_site_pushes


@hooks.register("before_serve_page")
def serve_taken_down(page, request, serve_args, serve_kwargs):
    # A cache read per page served; a query only for a (rare) page a takedown holds:
    # withdrawn ones for good, the others until the background unpublish has run.
    if page.pk not in served_takedown_page_ids():
        return None
    row = takedown_of(page.pk)
    if row is None:
        return None
    takedown = row.takedown
    if takedown.kind == TakedownKind.VANISH:
        raise Http404
    if takedown.kind != TakedownKind.WITHDRAWN:
        return offline_response(request, row)
    replacement = takedown.replacement
    context = {
        "page": page,
        "self": page,
        "request": request,
        "takedown": takedown,
        "replacement_url": replacement.get_url(request) if replacement and replacement.live else "",
    }
    return TemplateResponse(request, "syndication/withdrawn.html", context)


@hooks.register("check_page_publish")
def taken_down_stays_down(page, revision):
    # Republishing would bring a taken-down item (and its aliases) back without a restore.
    if page.pk and active_takedown_page_ids([page.pk]):
        raise PublishRefused("该信息已被下架，请先在“下架记录”中恢复，再发布。")


@hooks.register("register_log_actions")
def register_syndication_actions(actions):
    actions.register_action("syndication.push", "推送", "推送信息")
    actions.register_action("syndication.accept", "采用推送", "采用推送的信息")
    actions.register_action("syndication.reject", "退回推送", "退回推送的信息")
    actions.register_action("syndication.takedown", "下架", "一键下架")
    actions.register_action("syndication.restore", "恢复", "恢复已下架的信息")
    actions.register_action("syndication.republish", "恢复发布", "恢复下架前发布的版本")


# --- admin: page actions, URLs and the 推送与下架 menu ------------------------------


def _page_actions(page, user) -> list:
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from cms.content.models import ArticlePage

    # Header and listing buttons are built per page; permission checks reuse Wagtail's cached tester.

    buttons = []
    specific_class = page.specific_class
    if specific_class and issubclass(specific_class, ArticlePage):
        if page.live and can_push(user, page):
            buttons.append(
                Button("推送", url=reverse("syndication:push", args=[page.pk]), icon_name="upload", priority=60)
            )
        if can_take_down(user, page):
            buttons.append(
                Button("一键下架", url=reverse("syndication:takedown", args=[page.pk]), icon_name="cross", priority=61)
            )
    return buttons


@hooks.register("register_page_header_buttons")
def page_header_actions(page, user, view_name, next_url=None):
    return _page_actions(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_actions(page, user, next_url=None):
    return _page_actions(page, user)


@hooks.register("register_admin_urls")
def register_syndication_urls():
    from django.urls import include, path

    from . import urls

    return [path("syndication/", include((urls.urlpatterns, urls.app_name), namespace="syndication"))]


class InfoCenterMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_records(request.user)


@hooks.register("register_admin_menu_item")
def register_syndication_menu():
    from django.urls import reverse_lazy

    menu = Menu(
        items=[
            MenuItem("待采用", reverse_lazy("syndication:inbox"), icon_name="tasks", order=100),
            InfoCenterMenuItem("推送与下架记录", reverse_lazy("syndication:records"), icon_name="list-ul", order=200),
            InfoCenterMenuItem("查找并下架", reverse_lazy("syndication:finder"), icon_name="search", order=300),
            InfoCenterMenuItem("信息报送统计", reverse_lazy("syndication:stats"), icon_name="table", order=400),
        ]
    )
    return SubmenuMenuItem("推送与下架", menu, icon_name="redirect", order=170)


@hooks.register("after_close_site")
def withdraw_closed_site_pushes(site, profile, withdraw_pushed, reason, actor, **kwargs) -> None:
    if withdraw_pushed:
        withdraw_site_pushes(site, reason=reason, actor=actor)
