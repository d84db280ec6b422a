"""A publication refused by a cluster rule, in the admin: a message on the page, not an error page.

The rule is enforced in the page's publish (``core.publishing``), so on a path with no
admin hook before it — Wagtail's workflow action view approving the last step — the
refusal arrives as an exception, after the transaction rolled everything back. Here it
becomes the rule's Chinese message on the page's edit view.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.modal_workflow import render_modal_workflow

from core.publishing import PublishRefused


class PublishRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishRefused) or not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        messages.error(request, exception.message)
        match = request.resolver_match
        page_id = match.kwargs.get("page_id") if match else None
        target = reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else reverse("wagtailadmin_home")
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The approve-with-comment modal: close it and go to the page, where the message shows.
            return render_modal_workflow(request, "", None, {}, json_data={"step": "success", "redirect": target})
        return redirect(target)
