"""Wagtail wiring of 推送 and 下架: serving withdrawn pages, audit-log actions, admin menus."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail import hooks

from .selectors import withdrawal_of, withdrawn_page_ids


@hooks.register("before_serve_page")
def serve_withdrawal_notice(page, request, serve_args, serve_kwargs):
    # A cache read per page served; a query only for the (rare) withdrawn page.
    if page.pk not in withdrawn_page_ids():
        return None
    row = withdrawal_of(page.pk)
    if row is None:
        return None
    takedown = row.takedown
    replacement = takedown.replacement
    context = {
        "page": page,
        "self": page,
        "request": request,
        "takedown": takedown,
        "replacement_url": replacement.get_url(request) if replacement and replacement.live else "",
    }
    return TemplateResponse(request, "syndication/withdrawn.html", context)


@hooks.register("before_publish_page")
def refuse_publishing_taken_down(request, page):
    # Republishing would bring a taken-down item (and its aliases) back without a restore.
    from .services import active_takedown_page_ids

    if page.pk and active_takedown_page_ids([page.pk]):
        messages.error(request, "该信息已被下架，请先在“下架记录”中恢复，再发布。")
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("register_log_actions")
def register_syndication_actions(actions):
    actions.register_action("syndication.push", "推送", "推送信息")
    actions.register_action("syndication.accept", "采用推送", "采用推送的信息")
    actions.register_action("syndication.reject", "退回推送", "退回推送的信息")
    actions.register_action("syndication.takedown", "下架", "一键下架")
    actions.register_action("syndication.restore", "恢复", "恢复已下架的信息")
