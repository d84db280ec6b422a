"""Admin views of 依申请公开: the list, a case with its clock, history and the steps the user may take,
and table 3 of the annual report with its XLSX download.

Thin: who sees a case is ``visible_applications``; which step is offered is the action's own
``is_available()``; a POST runs the action (``core.casework_admin.run_step``), whose refusal
(``ApplicationError``) is shown in Chinese on the same page with what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.admin.auth import permission_denied

from core.casework_admin import available_steps, int_or_none, run_step
from core.exports import xlsx_response
from core.forms import query_value
from sites.models import SiteProfile
from sites.units import unit_choices

from .actions import (
    ACTION_LABELS,
    ANSWER_OUTCOMES,
    ApplicationAction,
    ApproveAnswerAction,
    ConsultThirdPartyAction,
    DeliverAction,
    DraftAnswerAction,
    EndConsultationAction,
    ExtendAnswerAction,
    LapseCorrectionAction,
    ReceiveCorrectionAction,
    RegisterApplicationAction,
    RequestCorrectionAction,
    ReturnAnswerAction,
    TransferApplicationAction,
    WithdrawApplicationAction,
    record_attachment_read,
)
from .attachments import attachment_response, type_label
from .clock import clock_of, clocks_of, today
from .legal_basis import DEFAULT_LEGAL_BASIS
from .models import (
    MAX_EXTENSION_WORKING_DAYS,
    ORGANISATION_TYPES,
    OUTCOME_GROUPS,
    ApplicantType,
    ApplicationState,
    DeliveryMeans,
    Outcome,
)
from .notices import notice_context, notices_of
from .permissions import is_overseer, may_view
from .report import COLUMN_LABELS, table3
from .selectors import DUE_FILTERS, Today, applications_for_admin, filter_applications, unit_ids_of

PER_PAGE = 30
# How many working days before the 补正 notice's deadline (第三十条: 7) the page warns in red.
NOTICE_WARNING_WORKING_DAYS = 2


def may_use_applications_admin(user) -> bool:
    return is_overseer(user) or bool(unit_ids_of(user))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _on(data) -> dict:
    """The step's date when the form gives one (a registration entered the next morning keeps its day)."""
    on = _date(data.get("on"))
    return {"on": on} if on else {}


# form key → the action it runs, built from the POST (or an empty QueryDict, to ask whether it is available)
ACTIONS: dict[str, Callable[..., ApplicationAction]] = {
    "register": lambda a, user, data: RegisterApplicationAction(a, user, **_on(data)),
    "request_correction": lambda a, user, data: RequestCorrectionAction(
        a, user, items=data.get("items", ""), working_days=int_or_none(data.get("working_days")) or 15
    ),
    "receive_correction": lambda a, user, data: ReceiveCorrectionAction(a, user, text=data.get("text", "")),
    "lapse_correction": lambda a, user, data: LapseCorrectionAction(a, user),
    "consult_third_party": lambda a, user, data: ConsultThirdPartyAction(
        a, user, third_party=data.get("third_party", "")
    ),
    "end_consultation": lambda a, user, data: EndConsultationAction(a, user, opinion=data.get("opinion", "")),
    # Junk days become 0: the action says "1 至 20 个工作日".
    "extend": lambda a, user, data: ExtendAnswerAction(
        a, user, working_days=int_or_none(data.get("working_days")) or 0, reason=data.get("reason", "")
    ),
    "draft_answer": lambda a, user, data: DraftAnswerAction(
        a, user, outcome=data.get("outcome", ""), legal_basis=data.get("legal_basis", ""), answer=data.get("answer", "")
    ),
    "approve_answer": lambda a, user, data: ApproveAnswerAction(a, user),
    "return_answer": lambda a, user, data: ReturnAnswerAction(a, user, reason=data.get("reason", "")),
    "deliver": lambda a, user, data: DeliverAction(
        a, user, means=data.get("means", ""), delivered_on=_date(data.get("delivered_on"))
    ),
    # An unknown unit id becomes 0: the action says "承办机关不存在".
    "transfer": lambda a, user, data: TransferApplicationAction(
        a, user, to_unit=int_or_none(data.get("to_unit")) or 0, reason=data.get("reason", "")
    ),
    "withdraw": lambda a, user, data: WithdrawApplicationAction(a, user, note=data.get("note", "")),
}


# --- the list ----------------------------------------------------------------------------


def application_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_applications_admin(user):
        return permission_denied(request)
    overseer = is_overseer(user)
    params = {
        "state": query_value(request, "state", forms.ChoiceField(choices=ApplicationState.choices), ""),
        "applicant_type": query_value(request, "applicant_type", forms.ChoiceField(choices=ApplicantType.choices), ""),
        "unit": query_value(request, "unit", forms.CharField(max_length=12), "") if overseer else "",
        "due": query_value(request, "due", forms.ChoiceField(choices=list(DUE_FILTERS.items())), ""),
        "q": query_value(request, "q", forms.CharField(max_length=60), ""),
    }
    now = Today.now()
    cases = filter_applications(
        applications_for_admin(user),
        state=params["state"],
        applicant_type=params["applicant_type"],
        unit=params["unit"],
        due=params["due"],
        query=params["q"],
        now=now,
    )
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("p"))
    clocks = clocks_of(page.object_list, now.day)
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "applications/admin/index.html",
        {
            "heading": "依申请公开",
            "subheading": "",
            "rows": [(a, clocks[a.pk]) for a in page.object_list],
            "page": page,
            "params": params,
            "query_without_page": query.urlencode(),
            "states": ApplicationState.choices,
            "applicant_types": ApplicantType.choices,
            "due_filters": DUE_FILTERS.items(),
            "overseer": overseer,
            "units": unit_choices() if overseer else [],
        },
    )


# --- one case ----------------------------------------------------------------------------


def _case_of(user, application_id: int):
    # Another unit's case, or a guessed number: the same 404.
    return get_object_or_404(applications_for_admin(user).defer(None), pk=application_id)


def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    user = request.user
    if not may_use_applications_admin(user):
        return permission_denied(request)
    application = _case_of(user, application_id)
    errors: list[str] = []
    posted_action, posted = "", QueryDict()
    if request.method == "POST":
        posted_action, posted = request.POST.get("action", ""), request.POST
        changed, errors = run_step(ACTIONS, posted_action, application, user, posted)
        if changed is not None:
            messages.success(request, f"{changed}：已{ACTION_LABELS[posted_action]}。")
            if not may_view(user, changed):  # transferred out of the user's reach
                return redirect("applications_admin:index")
            return redirect("applications_admin:detail", changed.pk)
        application = _case_of(user, application_id)
    return TemplateResponse(
        request,
        "applications/admin/detail.html",
        _detail_context(application, user, errors=errors, posted_action=posted_action, posted=posted),
    )


def _detail_context(application, user, *, errors: list[str], posted_action: str, posted) -> dict:
    available = available_steps(ACTIONS, application, user)
    state_labels = dict(ApplicationState.choices)
    history = [
        {
            "event": event,
            "label": ACTION_LABELS.get(event.action, event.action),
            "from_state": state_labels.get(event.from_state, ""),
            "to_state": state_labels.get(event.to_state, ""),
            "moved": event.from_unit_id != event.to_unit_id and event.action != "submit",
        }
        for event in application.events.select_related("user", "from_unit", "to_unit")
    ]
    pauses = list(application.pauses.all())
    clock = clock_of(application, pauses=pauses)
    notice_late = False
    if clock.correction_notice_due and application.state == ApplicationState.REGISTERED:
        from cms.disclosure.working_days import working_days_between

        notice_late = working_days_between(today(), clock.correction_notice_due) <= NOTICE_WARNING_WORKING_DAYS
    outcome = posted.get("outcome", "") if posted_action == "draft_answer" else application.outcome
    answer_outcomes = set(ANSWER_OUTCOMES)
    return {
        "heading": "依申请公开",
        "subheading": application.number or "待登记",
        "application": application,
        "clock": clock,
        "pauses": pauses,
        "notices": notices_of(application, pauses),
        "attachments": [(a, type_label(a.content_type)) for a in application.attachments.all()],
        "notice_late": notice_late,
        "history": history,
        "available": available,
        "units": unit_choices() if "transfer" in available else [],
        "errors": errors,
        "posted_action": posted_action,
        "posted": posted,
        "today": today().isoformat(),
        "outcome_groups": [
            (label, [(o, Outcome(o).label) for o in outcomes if o in answer_outcomes])
            for label, outcomes in OUTCOME_GROUPS
        ],
        "chosen_outcome": outcome,
        "legal_basis": (posted.get("legal_basis", "") if posted_action == "draft_answer" else application.legal_basis)
        or DEFAULT_LEGAL_BASIS.get(outcome, ""),
        "answer_text": posted.get("answer", "") if posted_action == "draft_answer" else application.answer,
        "legal_basis_map": {k: v for k, v in DEFAULT_LEGAL_BASIS.items() if k in answer_outcomes},
        "delivery_means": DeliveryMeans.choices,
        "max_extension": MAX_EXTENSION_WORKING_DAYS,
        "overseer": is_overseer(user),
    }


def notice_download(request: HttpRequest, application_id: int, kind: str) -> HttpResponse:
    """A 告知书 of the case as DOCX (default) or PDF (``?format=pdf``); ``?pause=n`` picks the consultation."""
    from cms.notices.errors import NoticeError
    from cms.notices.rendering import render_docx, render_pdf

    user = request.user
    if not may_use_applications_admin(user):
        return permission_denied(request)
    application = _case_of(user, application_id)
    context = notice_context(application, kind, int_or_none(request.GET.get("pause")))
    if context is None:
        raise Http404("这件申请没有这种告知书。")
    pdf = request.GET.get("format") == "pdf"
    try:
        content = render_pdf(kind, context) if pdf else render_docx(kind, context)
    except NoticeError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("applications_admin:detail", application.pk)
    content_type = (
        "application/pdf" if pdf else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(content, content_type=content_type)
    filename = f"{application.number}-{kind}.{'pdf' if pdf else 'docx'}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def attachment_download(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    """An applicant's file (an identity document's scan) from private storage, for whoever may open
    the case; another unit's case, another case's file or a purged one: the same 404."""
    user = request.user
    if not may_use_applications_admin(user):
        return permission_denied(request)
    application = _case_of(user, application_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    try:
        response = attachment_response(attachment)
    except FileNotFoundError:
        raise Http404("附件文件已不存在。") from None
    record_attachment_read(attachment, user)
    return response


# --- table 3 -------------------------------------------------------------------------------


def _row_cells(counts: dict[str, int]) -> list[int]:
    """The template's columns: 自然人, the five organisation types, their subtotal (法人或其他组织), 总计."""
    organisations = [counts[c] for c in ORGANISATION_TYPES]
    return [counts[ApplicantType.NATURAL_PERSON], *organisations, sum(organisations), sum(counts.values())]


def _report_scope(request: HttpRequest):
    """(unit ids or None for the cluster, the chosen unit's value, the units the user may pick)."""
    user = request.user
    chosen = query_value(request, "unit", forms.CharField(max_length=12), "")
    if is_overseer(user):
        if chosen.isdigit() and len(chosen) < 10:
            return [int(chosen)], chosen, unit_choices()
        return None, "", unit_choices()
    own = sorted(unit_ids_of(user))
    if chosen.isdigit() and int(chosen) in own:
        return [int(chosen)], chosen, None
    return own, "", None


def table3_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_applications_admin(user):
        return permission_denied(request)
    year = query_value(request, "year", forms.IntegerField(min_value=2008, max_value=2100), today().year)
    unit_ids, chosen, units = _report_scope(request)
    table = table3(year, unit_ids)
    rows = [(label, _row_cells(counts)) for label, counts in table.rows()]
    scope = "全站群"
    if unit_ids is not None:
        names = SiteProfile.objects.filter(site_id__in=unit_ids).select_related("organisation")
        scope = "、".join(p.organisation.display_name for p in names) or "（无）"
    if request.GET.get("format") == "xlsx":
        headers = ["", "自然人", *(COLUMN_LABELS[c] for c in ORGANISATION_TYPES), "法人或其他组织小计", "总计"]
        return xlsx_response(
            f"政府信息公开年度报告表三-{year}.xlsx",
            "表三",
            headers,
            [[label.strip(), *cells] for label, cells in rows],
        )
    return TemplateResponse(
        request,
        "applications/admin/table3.html",
        {
            "heading": "依申请公开",
            "subheading": f"{year}年度报告表三",
            "year": year,
            "scope": scope,
            "rows": rows,
            "organisation_labels": [COLUMN_LABELS[c] for c in ORGANISATION_TYPES],
            "imbalances": table.imbalances(),
            "units": units,
            "chosen": chosen,
            "query": request.GET.urlencode(),
        },
    )
