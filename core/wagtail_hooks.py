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
    if message:
        messages.error(request, message)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


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
