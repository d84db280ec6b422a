"""意见审核 in the admin: the queue of comments a user may moderate, and the two decisions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import Site

from core.forms import query_value

from .actions import ApproveCommentAction, CommentRefused, RefuseCommentAction
from .models import CommentState
from .permissions import moderatable_comments
from .selectors import home_path

QUEUE_SIZE = 200


def _titles(title: str) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": "comment"}


def queue_view(request):
    """待审核 by default; ``?state=`` for the others. Only comments of consultations the user may edit."""
    state = query_value(request, "state", forms.ChoiceField(choices=CommentState.choices), CommentState.PENDING)
    comments = list(
        moderatable_comments(request.user)
        .filter(state=state)
        .select_related("consultation", "moderated_by")
        .order_by("submitted_at", "pk")[:QUEUE_SIZE]
    )
    homes = {home_path(c.consultation.path) for c in comments}
    names = dict(Site.objects.filter(root_page__path__in=homes).values_list("root_page__path", "site_name"))
    for comment in comments:
        comment.site_name = names.get(home_path(comment.consultation.path), "")
    return TemplateResponse(
        request,
        "consultations/admin/queue.html",
        {"comments": comments, "state": state, "states": CommentState.choices, **_titles("意见征集·意见审核")},
    )


@require_POST
def decide_view(request, pk: int):
    comment = get_object_or_404(moderatable_comments(request.user).select_related("consultation"), pk=pk)
    decision = request.POST.get("decision")
    note = request.POST.get("note", "")
    if decision == "approve":
        action = ApproveCommentAction(
            comment, user=request.user, confirm_findings=request.POST.get("confirm_findings") == "1", note=note
        )
        done = "已公开该意见。"
    elif decision == "refuse":
        action = RefuseCommentAction(comment, user=request.user, note=note)
        done = "该意见已设为不予公开。"
    else:
        messages.error(request, "未知的操作。")
        return redirect(_back(request, comment.state))
    try:
        action.execute()
    except (CommentRefused, PermissionDenied) as error:
        messages.error(request, error.messages[0] if isinstance(error, CommentRefused) else str(error))
    else:
        messages.success(request, done)
    return redirect(_back(request, comment.state))


def _back(request, state: str) -> str:
    return f"{reverse('consultations:queue')}?state={state}"
