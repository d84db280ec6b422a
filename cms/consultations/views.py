"""The public comment form of a consultation (its page's ``comment/`` route): thin over the action."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.forms import add_errors
from core.http import client_ip_address
from core.public_forms import RateLimited, consume_rate_limit, rate_limit_request

from .actions import CommentRefused, SubmitCommentAction, closed_message, phone_rate_identity
from .forms import CommentForm
from .models import ConsultationPage

RATE_WINDOW_SECONDS = 3600
FORM_TEMPLATE = "consultations/comment_form.html"
RECEIVED_TEMPLATE = "consultations/comment_received.html"


def comment_view(request: HttpRequest, page: ConsultationPage) -> HttpResponse:
    if message := closed_message(page):
        # Before the start or after the end: no form, and a POST is refused with the same words.
        response = page.render(request, template=FORM_TEMPLATE, context_overrides={"closed_message": message})
        if request.method == "POST":
            response.status_code = 403
        return response
    if request.method != "POST":
        return page.render(request, template=FORM_TEMPLATE, context_overrides={"form": CommentForm(request=request)})
    form = CommentForm(request.POST, request=request)
    status = 400
    if form.is_valid():
        data = form.comment_input()
        try:
            _limit(request, data.phone)
            comment = SubmitCommentAction(page, data, ip_address=client_ip_address(request) or "").execute()
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        except CommentRefused as refused:
            add_errors(form, refused)
        else:
            return page.render(request, template=RECEIVED_TEMPLATE, context_overrides={"comment": comment})
    response = page.render(request, template=FORM_TEMPLATE, context_overrides={"form": form})
    response.status_code = status
    return response


def _limit(request: HttpRequest, phone: str) -> None:
    """Per address and per phone (its digest), counted for submissions that passed the form."""
    rate_limit_request(
        request,
        "consultation-comment",
        limit=settings.CONSULTATION_COMMENTS_PER_ADDRESS,
        window_seconds=RATE_WINDOW_SECONDS,
    )
    consume_rate_limit(
        "consultation-comment-phone",
        phone_rate_identity(phone),
        limit=settings.CONSULTATION_COMMENTS_PER_PHONE,
        window_seconds=RATE_WINDOW_SECONDS,
    )
