"""Admin presentation of the publish rules: say why before Wagtail's publish is refused.

The rules themselves are enforced in the page's publication (``core.publishing``);
these hooks only turn a refusal into a message on the page the editor is on,
instead of the error page the refused save would give."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks

from .publishing import refusal


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


@hooks.register("before_bulk_action")
def explain_bulk_publish_refusal(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    refused = [(page, refusal(page, page.get_latest_revision())) for page in objects]
    refused = [(page, message) for page, message in refused if message]
    if refused:
        for page, message in refused:
            messages.error(request, f"“{page.title}”不能发布：{message}")
        return redirect(request.GET.get("next") or reverse("wagtailadmin_home"))
    return None


@hooks.register("register_log_actions")
def register_publishing_actions(actions):
    actions.register_action("publishing.schedule_refused", "定时发布被拒绝", "定时发布的版本未能发布")
