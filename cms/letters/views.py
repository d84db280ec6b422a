"""Admin views of 来信办理: the list, a letter with its history and the steps the user may take.

Thin: who may see a letter is ``visible_letters``; which step is offered is the action's own
``check_available()``; a POST runs the action, whose refusal (``LetterError``) is shown in
Chinese on the same page with what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.admin.auth import permission_denied

from core.casework_admin import int_or_none
from core.forms import query_value
from sites.units import unit_choices

from .actions import (
    ACTION_LABELS,
    AcceptLetterAction,
    ApproveReplyAction,
    ExtendDeadlineAction,
    LetterAction,
    RejectLetterAction,
    ReturnReplyAction,
    ReturnToDispatcherAction,
    SaveReplyAction,
    SubmitReplyAction,
    TransferLetterAction,
)
from .deadlines import clock_of, clocks_of
from .errors import LetterError
from .models import REASON_MAX_LENGTH, LetterKind, LetterState
from .permissions import is_dispatcher, may_view, unit_ids
from .selectors import DUE_FILTERS, PENDING_DISPATCH, VETO_GUARD_TEXT, Today, filter_letters, letters_for_admin

PER_PAGE = 30


def may_use_letters_admin(user) -> bool:
    """Anyone working on letters: a member of a unit's editorial group, or the dispatcher."""
    return is_dispatcher(user) or bool(unit_ids(user))


# form key → the action it runs, built from the POST (or an empty QueryDict, to ask whether it is available)
ACTIONS: dict[str, Callable[..., LetterAction]] = {
    "accept": lambda letter, user, data: AcceptLetterAction(letter, user, is_complex=bool(data.get("is_complex"))),
    "reject": lambda letter, user, data: RejectLetterAction(letter, user, reason=data.get("reason", "")),
    "save_reply": lambda letter, user, data: SaveReplyAction(letter, user, reply=data.get("reply", "")),
    "submit_reply": lambda letter, user, data: SubmitReplyAction(letter, user, reply=data.get("reply", "")),
    "approve_reply": lambda letter, user, data: ApproveReplyAction(
        letter,
        user,
        make_public=bool(data.get("make_public")),
        confirm_findings=bool(data.get("confirm_findings")),
    ),
    "return_reply": lambda letter, user, data: ReturnReplyAction(letter, user, reason=data.get("reason", "")),
    # An unknown or junk unit id becomes 0: the action says "承办单位不存在".
    "transfer": lambda letter, user, data: TransferLetterAction(
        letter, user, to_unit=int_or_none(data.get("to_unit")) or 0, reason=data.get("reason", "")
    ),
    "return_to_dispatcher": lambda letter, user, data: ReturnToDispatcherAction(
        letter, user, reason=data.get("reason", "")
    ),
    "extend": lambda letter, user, data: ExtendDeadlineAction(
        letter, user, working_days=int_or_none(data.get("working_days")), reason=data.get("reason", "")
    ),
}


# --- the list ----------------------------------------------------------------------------


def letter_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_letters_admin(user):
        return permission_denied(request)
    dispatcher = is_dispatcher(user)
    tab = "dispatch" if dispatcher and request.GET.get("tab") == "dispatch" else "all"
    params = {
        "state": query_value(request, "state", forms.ChoiceField(choices=LetterState.choices), ""),
        "kind": query_value(request, "kind", forms.ChoiceField(choices=LetterKind.choices), ""),
        "unit": query_value(request, "unit", forms.CharField(max_length=12), "") if dispatcher else "",
        "due": query_value(request, "due", forms.ChoiceField(choices=list(DUE_FILTERS.items())), ""),
        "q": query_value(request, "q", forms.CharField(max_length=100), ""),
    }
    if tab == "dispatch":
        params["unit"] = PENDING_DISPATCH
    now = Today.now()
    letters = filter_letters(
        letters_for_admin(user),
        state=params["state"],
        kind=params["kind"],
        unit=params["unit"],
        due=params["due"],
        query=params["q"],
        now=now,
    )
    page = Paginator(letters, PER_PAGE).get_page(request.GET.get("p"))
    clocks = clocks_of(page.object_list, now.day)
    rows = [(letter, clocks[letter.pk]) for letter in page.object_list]
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "letters/admin/index.html",
        {
            "heading": "来信办理",
            "subheading": "待分办" if tab == "dispatch" else "",
            "tab": tab,
            "dispatcher": dispatcher,
            "rows": rows,
            "page": page,
            "params": params,
            "query_without_page": query.urlencode(),
            "states": LetterState.choices,
            "kinds": LetterKind.choices,
            "due_filters": DUE_FILTERS.items(),
            "units": unit_choices() if dispatcher else [],
            "pending_dispatch": PENDING_DISPATCH,
        },
    )


# --- one letter --------------------------------------------------------------------------


def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    user = request.user
    if not may_use_letters_admin(user):
        return permission_denied(request)
    # Another unit's letter, or a guessed number: the same 404.
    letter = get_object_or_404(letters_for_admin(user).defer(None), pk=letter_id)
    errors: list[str] = []
    posted_action, posted = "", QueryDict()
    if request.method == "POST":
        posted_action, posted = request.POST.get("action", ""), request.POST
        factory = ACTIONS.get(posted_action)
        if factory is None:
            errors = ["未知的操作，请刷新页面后重试。"]
        else:
            try:
                letter = factory(letter, user, posted).execute()
            except LetterError as error:
                errors = error.messages
                letter = get_object_or_404(letters_for_admin(user).defer(None), pk=letter_id)
            else:
                messages.success(request, f"来信 {letter.number}：已{ACTION_LABELS[posted_action]}。")
                if not may_view(user, letter):  # transferred or handed back out of the user's reach
                    return redirect("letters_admin:index")
                return redirect("letters_admin:detail", letter.pk)
    return TemplateResponse(
        request,
        "letters/admin/detail.html",
        _detail_context(letter, user, errors=errors, posted_action=posted_action, posted=posted),
    )


def _detail_context(letter, user, *, errors: list[str], posted_action: str, posted) -> dict:
    empty = QueryDict()
    available = {key for key, factory in ACTIONS.items() if factory(letter, user, empty).is_available()}
    events = letter.events.select_related("user", "from_unit", "to_unit")
    state_labels = dict(LetterState.choices)
    history = [
        {
            "event": event,
            "label": ACTION_LABELS.get(event.action, event.action),
            "from_state": state_labels.get(event.from_state, ""),
            "to_state": state_labels.get(event.to_state, ""),
            "moved": event.from_unit_id != event.to_unit_id and event.action != "submit",
        }
        for event in events
    ]
    clock = clock_of(letter)
    reply_text = posted.get("reply", "") if posted_action in ("save_reply", "submit_reply") else letter.reply
    return {
        "heading": "来信办理",
        "subheading": f"{letter.number} {letter.subject}",
        "letter": letter,
        "clock": clock,
        "veto_guard_text": VETO_GUARD_TEXT,
        "history": history,
        "available": available,
        "units": unit_choices() if "transfer" in available else [],
        "errors": errors,
        "posted_action": posted_action,
        "posted": posted,
        "reply_text": reply_text,
        "reason_max_length": REASON_MAX_LENGTH,
        "dispatcher": is_dispatcher(user),
    }
