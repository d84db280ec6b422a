"""Admin views of the review workflow; the work itself is in ``services`` and ``actions``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from core.publishing import PublishRefused

from .actions import (
    EMERGENCY_PUBLISH,
    CheckOverrideError,
    EmergencyPublishAction,
    EmergencyPublishError,
    OverrideCheckAction,
    SignOffEmergencyAction,
    can_override_check,
    can_sign_off,
)
from .checks import OVERRIDABLE_KINDS
from .models import CheckOverride, CheckReport, EmergencyPublication
from .services import emergency_publications_for, run_auto_check

# Who may read any page's check reports (the info center), besides those who may edit the page.
VIEW_ANY_REPORT = "workflow.view_checkreport"


def _titles(title: str, icon: str) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon}


def _refusal(error: ValidationError | PermissionDenied) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)


def _page_for_reader(request, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not (page.permissions_for_user(request.user).can_edit() or request.user.has_perm(VIEW_ANY_REPORT)):
        raise PermissionDenied
    return page


def report_view(request, page_id: int):
    """The latest check reports of a page; POST runs the check on the latest revision now."""
    page = _page_for_reader(request, page_id)
    if request.method == "POST":
        if page.get_latest_revision() is None:
            messages.error(request, "该页面还没有保存的版本，无法检查。")
        else:
            report = run_auto_check(page, user=request.user)
            (messages.warning if report.findings else messages.success)(request, report.summary)
        return redirect("workflow:report", page.pk)
    reports = list(CheckReport.objects.filter(page_id=page.pk).select_related("revision__user")[:10])
    return TemplateResponse(
        request,
        "workflow/report.html",
        {
            "page": page,
            "report": reports[0] if reports else None,
            "older": reports[1:],
            "can_override": can_override_check(page, request.user),
            "overridable_kinds": OVERRIDABLE_KINDS,
            "overrides": CheckOverride.objects.filter(page_id=page.pk).select_related("overridden_by"),
            **_titles(f"自动检查报告：{page.title}", "warning"),
        },
    )


@require_POST
def override_view(request, page_id: int):
    """放行 one block finding of the page's latest report (the form is on the report page)."""
    page = _page_for_reader(request, page_id)
    what = request.POST.get("what", "")
    action = OverrideCheckAction(
        page, user=request.user, kind=request.POST.get("kind", ""), what=what, reason=request.POST.get("reason", "")
    )
    try:
        action.execute()
    except (CheckOverrideError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        then = "自动检查已重新通过，已提交审核。" if action.resumed else "以后的检查将其列为提醒项。"
        messages.success(request, f"已放行“{what}”，理由已记入审计日志；{then}")
    return redirect("workflow:report", page.pk)


class EmergencyPublishForm(forms.Form):
    reason = forms.CharField(
        label="紧急发布理由",
        max_length=EmergencyPublication._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="将记入审计日志，并列入“紧急发布补审”报告，直至本站审核人员补审。",
        error_messages={"required": "请填写紧急发布的理由。"},
    )


def emergency_publish_view(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not request.user.has_perm(EMERGENCY_PUBLISH):
        raise PermissionDenied
    form = EmergencyPublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            EmergencyPublishAction(page, user=request.user, reason=form.cleaned_data["reason"]).execute()
        except EmergencyPublishError as error:
            form.add_error("reason", error.messages[0])
        except PublishRefused as refused:  # another rule (e.g. an active takedown) still applies
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"“{page.title}”已紧急发布，待本站审核人员补审。")
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "workflow/emergency_publish.html",
        {
            "page": page,
            "form": form,
            "revision": page.get_latest_revision(),
            **_titles(f"紧急发布：{page.title}", "warning"),
        },
    )


def emergency_list_view(request):
    records = emergency_publications_for(request.user)
    show_all = request.GET.get("all") == "1"
    if not show_all:
        records = records.filter(signed_off_at__isnull=True)
    records = list(records[:200])
    for record in records:
        record.user_can_sign_off = can_sign_off(record, request.user)
    return TemplateResponse(
        request,
        "workflow/emergency_list.html",
        {"records": records, "show_all": show_all, **_titles("紧急发布补审", "warning")},
    )


@require_POST
def sign_off_view(request, pk: int):
    record = get_object_or_404(emergency_publications_for(request.user), pk=pk)
    try:
        SignOffEmergencyAction(record, user=request.user, comment=request.POST.get("comment", "")).execute()
    except (EmergencyPublishError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, f"已补审“{record.page.title}”。")
    return redirect(reverse("workflow:emergency_list"))
