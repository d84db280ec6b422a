"""Admin views for 推送, 一键下架, 待采用, records, the finder and statistics: thin wrappers around the actions."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.auth import permission_denied
from wagtail.models import Page, Site

from cms.content.models import ColumnPage, ColumnType
from core.forms import PageChooser, query_value
from sites.models import SiteStatus, SiteType

from . import reports
from .models import REASON_MAX_LENGTH, PushMode, PushRecord, PushStatus, Takedown, TakedownKind
from .permissions import can_decide, can_push, can_restore, can_take_down, can_view_records
from .push import AcceptPushAction, PushAction, RejectPushAction
from .selectors import SiteIndex, site_label
from .takedown import NOT_AN_ITEM, RestoreAction, TakeDownAction, is_content_item, plan_takedown


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error) or "您没有权限执行此操作。"]
    return error.messages


# --- 推送 ------------------------------------------------------------------------------


class PushForm(forms.Form):
    targets = forms.TypedMultipleChoiceField(label="目标栏目", coerce=int, required=False)
    all_townships = forms.BooleanField(label="所有乡镇/街道", required=False)
    all_departments = forms.BooleanField(label="所有部门", required=False)
    shortcut_type = forms.ChoiceField(
        label="快捷选择的栏目类型", choices=ColumnType.choices, initial=ColumnType.NOTICE, required=False
    )
    mode = forms.ChoiceField(
        label="推送方式", choices=PushMode.choices, initial=PushMode.ALIAS, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="推送说明", required=False, max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, columns_by_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = [
            (site_label, [(c.pk, c.title) for c in columns]) for site_label, columns in columns_by_site
        ]


def _target_columns(source: Page) -> tuple[list[tuple[str, list[ColumnPage]]], dict, SiteIndex]:
    """Live columns of every other open site, grouped by site (one query for all)."""
    sites = SiteIndex()
    source_site = sites.site_of(source)
    grouped: dict[int, tuple[Site, list[ColumnPage]]] = {}
    for column in ColumnPage.objects.live().order_by("path").only("title", "url_path", "path", "column_type"):
        site = sites.site_of(column)
        if site is None or (source_site and site.pk == source_site.pk):
            continue
        profile = getattr(site, "profile", None)
        if profile is not None and profile.status != SiteStatus.OPEN:
            continue
        grouped.setdefault(site.pk, (site, []))[1].append(column)
    return [(site_label(site), columns) for site, columns in grouped.values()], grouped, sites


def push_view(request, page_id: int):
    source = get_object_or_404(Page, pk=page_id).specific
    if not can_push(request.user, source):
        return permission_denied(request)
    columns_by_site, grouped, _sites = _target_columns(source)
    form = PushForm(request.POST or None, columns_by_site=columns_by_site)
    outcomes, errors = None, []
    if request.method == "POST" and form.is_valid():
        target_ids = list(form.cleaned_data["targets"])
        shortcut = form.cleaned_data["shortcut_type"] or ColumnType.NOTICE
        wanted_types = {SiteType.TOWNSHIP} if form.cleaned_data["all_townships"] else set()
        if form.cleaned_data["all_departments"]:
            wanted_types.add(SiteType.DEPARTMENT)
        for site, columns in grouped.values():
            if getattr(getattr(site, "profile", None), "site_type", None) in wanted_types:
                # The site's first column of the chosen type (e.g. its 通知公告).
                match = next((c for c in columns if c.column_type == shortcut), None)
                if match:
                    target_ids.append(match.pk)
        try:
            outcomes = PushAction(
                source,
                Page.objects.filter(pk__in=target_ids),
                form.cleaned_data["mode"],
                request.user,
                form.cleaned_data["note"],
            ).execute()
        except (ValidationError, PermissionDenied) as error:
            errors = _messages(error)
    return TemplateResponse(
        request,
        "syndication/admin/push.html",
        {
            "heading": "推送",
            "subheading": source.title,
            "page": source,
            "form": form,
            "outcomes": outcomes,
            "errors": errors,
            "columns_by_site": columns_by_site,
        },
    )


# --- 一键下架 --------------------------------------------------------------------------


class TakedownForm(forms.Form):
    kind = forms.ChoiceField(label="下架方式", choices=TakedownKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="下架理由", max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    replacement = forms.ModelChoiceField(
        label="替代页面/跳转目标",
        queryset=Page.objects.live(),
        required=False,
        widget=PageChooser(),
        help_text="撤销时显示的替代链接；跳转时必填。",
        error_messages={"invalid_choice": "所选页面不存在或未发布。"},
    )


def _takedown_heading(item: Page) -> dict:
    return {"heading": "一键下架", "subheading": item.title}


def takedown_view(request, page_id: int):
    item = get_object_or_404(Page, pk=page_id)
    if not can_take_down(request.user, item):
        return permission_denied(request)
    if not is_content_item(item):
        # Said before the form, not after the editor has filled it in.
        return TemplateResponse(
            request,
            "syndication/admin/takedown.html",
            {**_takedown_heading(item), "page": item, "refusal": NOT_AN_ITEM},
        )
    form = TakedownForm(request.POST or None)
    context: dict = {**_takedown_heading(item), "page": item, "form": form, "errors": []}
    sites = SiteIndex()
    plan = plan_takedown(item)
    context["preview"] = [(p, site_label(sites.site_of(p))) for p in plan.pages]
    context["pending"] = [r for r in plan.pushes if r.status == PushStatus.PENDING]
    if request.method == "POST" and form.is_valid() and "confirm" in request.POST:
        try:
            context["result"] = TakeDownAction(
                item,
                form.cleaned_data["kind"],
                form.cleaned_data["reason"],
                request.user,
                replacement=form.cleaned_data["replacement"],
            ).execute()
        except (ValidationError, PermissionDenied) as error:
            context["errors"] = _messages(error)
    context["confirming"] = request.method == "POST" and form.is_valid() and "result" not in context
    return TemplateResponse(request, "syndication/admin/takedown.html", context)


def restore_view(request, takedown_id: int):
    takedown = get_object_or_404(Takedown, pk=takedown_id)
    # The screen shows the takedown's title, kind and reason: only to whoever may restore it.
    if not can_restore(request.user, takedown):
        return permission_denied(request)
    errors = []
    if request.method == "POST":
        try:
            restored = RestoreAction(takedown.item, request.user, request.POST.get("reason", "")).execute()
            messages.success(request, f"已恢复“{restored.item_title}”，涉及 {restored.pages.count()} 个页面。")
            return redirect(reverse("syndication:records") + "?tab=takedowns")
        except (ValidationError, PermissionDenied) as error:
            errors = _messages(error)
    return TemplateResponse(
        request,
        "syndication/admin/restore.html",
        {"heading": "恢复", "subheading": takedown.item_title, "takedown": takedown, "errors": errors},
    )


# --- 待采用 ----------------------------------------------------------------------------


def inbox_view(request):
    errors, done = [], ""
    if request.method == "POST":
        record_id = request.POST.get("record", "")
        record = get_object_or_404(PushRecord, pk=record_id) if record_id.isdigit() else None
        try:
            if record is None:
                raise ValidationError("请选择要处理的推送。")
            if request.POST.get("action") == "accept":
                AcceptPushAction(record, request.user).execute()
                done = "已采用并发布。"
            else:
                RejectPushAction(record, request.user, request.POST.get("reason", "")).execute()
                done = "已退回。"
        except (ValidationError, PermissionDenied) as error:
            errors = _messages(error)
    pending = PushRecord.objects.filter(status=PushStatus.PENDING).select_related(
        "source", "source_site", "target_column", "target_site", "pushed_by"
    )
    # Only the target site's editors see (and decide) its inbox.
    records = [r for r in pending if can_decide(request.user, r)]
    return TemplateResponse(
        request,
        "syndication/admin/inbox.html",
        {"heading": "待采用", "records": records, "errors": errors, "done": done},
    )


# --- info center: records, finder, statistics ----------------------------------------------


def records_view(request):
    if not can_view_records(request.user):
        return permission_denied(request)
    tab = request.GET.get("tab", "pushes")
    site_id = request.GET.get("site") or ""
    status = request.GET.get("status") or ""
    pushes = PushRecord.objects.select_related("source", "source_site", "target_column", "target_site", "pushed_by")
    takedowns = Takedown.objects.select_related("site", "actor", "restored_by").prefetch_related("pages")
    if site_id.isdigit():
        pushes = pushes.filter(Q(source_site_id=site_id) | Q(target_site_id=site_id))
        takedowns = takedowns.filter(Q(site_id=site_id) | Q(pages__site_id=site_id)).distinct()
    if status in PushStatus.values:
        pushes = pushes.filter(status=status)
    if status in TakedownKind.values:
        takedowns = takedowns.filter(kind=status)
    if status == "active":
        takedowns = takedowns.filter(restored_at__isnull=True)
    return TemplateResponse(
        request,
        "syndication/admin/records.html",
        {
            "heading": "推送与下架记录",
            "tab": tab,
            "pushes": pushes[:500],
            "takedowns": takedowns[:500],
            "sites": Site.objects.order_by("site_name"),
            "site_id": site_id,
            "status": status,
            "push_statuses": PushStatus.choices,
            "kinds": TakedownKind.choices,
        },
    )


def find_items(query: str) -> list[Page]:
    """Pages in any site by title, full URL or 索引号."""
    query = query.strip()
    if not query:
        return []
    from cms.content.models import ArticlePage

    found = Q(title__icontains=query) | Q(index_number__value=query)
    if "/" in query:
        parts = urlsplit(query if "://" in query else f"http://{query}")
        site = (
            Site.objects.filter(hostname=parts.hostname).select_related("root_page").first() if parts.hostname else None
        )
        if site is not None:
            path = parts.path if parts.path.endswith("/") else parts.path + "/"
            found |= Q(url_path=site.root_page.url_path + path.lstrip("/"))
    return list(ArticlePage.objects.filter(found).order_by("-publication_date")[:50])


def finder_view(request):
    if not can_view_records(request.user):
        return permission_denied(request)
    query = query_value(request, "q", forms.CharField(max_length=200), "")
    sites = SiteIndex()
    results = [(page, site_label(sites.site_of(page))) for page in find_items(query)]
    return TemplateResponse(
        request, "syndication/admin/finder.html", {"heading": "查找并下架", "q": query, "results": results}
    )


def stats_view(request):
    if not can_view_records(request.user):
        return permission_denied(request)
    today = timezone.localdate()
    year = query_value(request, "year", forms.IntegerField(min_value=2000, max_value=2100), today.year)
    month = query_value(request, "month", forms.IntegerField(min_value=1, max_value=12))
    direction = request.GET.get("direction", "up") or None
    rows = reports.submission_stats(year, month, direction if direction != "all" else None)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.stats_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename=xxbstj-{year}{month or ''}.xlsx"
        return response
    return TemplateResponse(
        request,
        "syndication/admin/stats.html",
        {
            "heading": "信息报送统计",
            "rows": rows,
            "year": year,
            "month": month or "",
            "direction": direction or "all",
            "months": range(1, 13),
        },
    )
