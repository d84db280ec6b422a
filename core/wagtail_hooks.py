"""Admin presentation of the publish rules: say why before Wagtail's publish is refused.

The rules themselves are enforced in the page's publication (``core.publishing``);
these hooks only turn a refusal into a message on the page the editor is on,
instead of the error page the refused save would give."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Page

from .http import safe_next_url
from .publishing import live_copy_refusal, move_refusal, refusal


@hooks.register("before_publish_page")
def explain_publish_refusal(request, page):
    message = refusal(page, page.get_latest_revision())
    if not message:
        return None
    if page.live and page.live_revision_id is None:
        # Wagtail's create view has already saved the new page live (the model's default)
        # before publishing its revision: a refused new page stays a draft.
        page.live = False
        page.has_unpublished_changes = True
        page.save(update_fields=["live", "has_unpublished_changes"])
    messages.error(request, message)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_copy_page")
def explain_live_copy_refusal(request, page):
    # Before anything is copied: Wagtail's copy view has no transaction, so a refusal deep in a
    # subtree would leave the pages copied before it.
    alias = bool(request.POST.get("alias"))
    if request.method != "POST" or not (alias or request.POST.get("publish_copies")):
        return None
    parent_id = request.POST.get("new_parent_page", "")
    parent = Page.objects.filter(pk=parent_id).first() if parent_id.isdigit() else None
    if parent is None or not (alias or parent.permissions_for_user(request.user).can_publish_subpage()):
        return None  # Wagtail makes a draft copy then
    message = live_copy_refusal(page, parent, alias=alias, recursive=bool(request.POST.get("copy_subpages")))
    if not message:
        return None
    messages.error(request, f"不能直接发布到“{parent.title}”：{message}")
    return redirect("wagtailadmin_pages:copy", page.pk)


@hooks.register("before_move_page")
def explain_move_refusal(request, page, destination):
    message = move_refusal(page, destination)
    if not message:
        return None
    messages.error(request, f"不能移动到“{destination.title}”：{message}")
    return redirect("wagtailadmin_pages:move", page.pk)


def _bulk_refusals(request, action_type, objects) -> list[tuple[Page, str]]:
    if action_type == "publish":
        return [(page, refusal(page, page.get_latest_revision())) for page in objects]
    destination_id = request.POST.get("chooser", "")
    if action_type != "move" or request.method != "POST" or not destination_id.isdigit():
        return []
    destination = Page.objects.filter(pk=destination_id).first()
    return [(page, move_refusal(page, destination)) for page in objects] if destination else []


@hooks.register("before_bulk_action")
def explain_bulk_refusal(request, action_type, objects, action_class_instance):
    refused = [(page, message) for page, message in _bulk_refusals(request, action_type, objects) if message]
    if refused:
        for page, message in refused:
            verb = "发布" if action_type == "publish" else "移动"
            messages.error(request, f"“{page.title}”不能{verb}：{message}")
        return redirect(safe_next_url(request, reverse("wagtailadmin_home")))
    return None


@hooks.register("register_log_actions")
def register_publishing_actions(actions):
    actions.register_action("publishing.schedule_refused", "定时发布被拒绝", "定时发布的版本未能发布")
