"""A publication refused by a cluster rule, in the admin: the rule's message on the page, not an error page.

The rule is enforced in the page's publish (``core.publishing``), so on a path with no
admin hook before it — the last review step's approval, from Wagtail's workflow action
view or the editor's action menu — the refusal arrives as ``PublishRefused``. Wagtail's
admin turns any ``PermissionDenied`` (which it is) into a generic "no permission" page,
so the action that knows the refusal says it on the request being served
(``admin_request()``; ``ReviewTask.on_action``), and this middleware catches what
still escapes (e.g. from the approve-with-comment modal).
"""

from __future__ import annotations

import contextvars

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.modal_workflow import render_modal_workflow

from core.publishing import PublishRefused

_admin_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("admin_request", default=None)


def admin_request() -> HttpRequest | None:
    """The admin request being served, or None (a command, a worker, a test calling an action)."""
    return _admin_request.get()


class PublishRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return self.get_response(request)
        token = _admin_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _admin_request.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishRefused) or admin_request() is not request:
            return None
        messages.error(request, exception.message)
        match = request.resolver_match
        page_id = match.kwargs.get("page_id") if match else None
        target = reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else reverse("wagtailadmin_home")
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # A modal: close it and go to the page, where the message shows.
            return render_modal_workflow(request, "", None, {}, json_data={"step": "success", "redirect": target})
        return redirect(target)
