"""Admin wiring for the review workflow: thin hooks over ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import WorkflowState

from core.admin_menu import QueryingMenuItem

from . import urls
from .actions import EMERGENCY_PUBLISH
from .models import AllowedPhrase, CheckReport, ProtectedTerm, SensitiveWord, TypoPair
from .services import (
    check_reviewed,
    emergency_publications_for,
    ensure_site_workflows,
    latest_report,
    review_required,
)


@hooks.register("register_log_actions")
def register_workflow_actions(actions):
    @actions.register_action("workflow.auto_check")
    class AutoCheck(LogFormatter):
        label = "自动检查"

        def format_message(self, log_entry):
            return log_entry.data.get("summary", "自动检查")

    @actions.register_action("workflow.emergency_publish")
    class EmergencyPublish(LogFormatter):
        label = "紧急发布"

        def format_message(self, log_entry):
            return f"紧急发布（跳过审核），理由：{log_entry.data.get('reason', '')}"

    @actions.register_action("workflow.override_check")
    class OverrideCheck(LogFormatter):
        label = "自动检查放行"

        def format_message(self, log_entry):
            return f"放行禁止项“{log_entry.data.get('what', '')}”，理由：{log_entry.data.get('reason', '')}"

    @actions.register_action("workflow.sign_off")
    class SignOff(LogFormatter):
        label = "紧急发布补审"

        def format_message(self, log_entry):
            comment = log_entry.data.get("comment")
            return f"紧急发布已补审：{comment}" if comment else "紧急发布已补审"


@hooks.register("register_admin_urls")
def register_workflow_urls():
    return [path("workflow/", include((urls.urlpatterns, "workflow"), namespace="workflow"))]


# --- the info center's lists ------------------------------------------------


class SensitiveWordViewSet(ModelViewSet):
    model = SensitiveWord
    icon = "warning"
    menu_label = "敏感词"
    form_fields = ["word", "category", "severity", "note"]
    list_display = ["word", "category", "severity", "note"]
    list_filter = ["category", "severity"]
    search_fields = ["word", "note"]


class ProtectedTermViewSet(ModelViewSet):
    model = ProtectedTerm
    icon = "pick"
    menu_label = "规范用语"
    form_fields = ["correct", "category", "wrong_variants", "severity"]
    list_display = ["correct", "category", "severity"]
    list_filter = ["category", "severity"]
    search_fields = ["correct", "wrong_variants"]


class TypoPairViewSet(ModelViewSet):
    model = TypoPair
    icon = "edit"
    menu_label = "错别字"
    form_fields = ["wrong", "correct", "severity"]
    list_display = ["wrong", "correct", "severity"]
    list_filter = ["severity"]
    search_fields = ["wrong", "correct"]


class AllowedPhraseViewSet(ModelViewSet):
    model = AllowedPhrase
    icon = "tick"
    menu_label = "放行短语"
    form_fields = ["phrase", "note"]
    list_display = ["phrase", "note"]
    search_fields = ["phrase", "note"]


class ContentCheckViewSetGroup(ViewSetGroup):
    menu_label = "内容检查词库"
    menu_icon = "warning"
    menu_order = 310
    items = (
        SensitiveWordViewSet("workflow_sensitiveword"),
        ProtectedTermViewSet("workflow_protectedterm"),
        TypoPairViewSet("workflow_typopair"),
        AllowedPhraseViewSet("workflow_allowedphrase"),
    )


@hooks.register("register_admin_viewset")
def register_word_lists():
    return ContentCheckViewSetGroup()


class EmergencyReportMenuItem(QueryingMenuItem):
    def shown_to(self, request):
        return emergency_publications_for(request.user).exists()


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_reports_menu_item")
def register_site_audit_report():
    return AuditMenuItem("站点审计日志", reverse("workflow:audit"), icon_name="history", order=160)


@hooks.register("register_reports_menu_item")
def register_emergency_report():
    return EmergencyReportMenuItem("紧急发布补审", reverse("workflow:emergency_list"), icon_name="warning", order=150)


# --- publishing goes through review ------------------------------------------


class EmergencyPublishMenuItem(ActionMenuItem):
    name = "action-emergency-publish"
    label = "紧急发布"
    icon_name = "warning"
    order = 60

    def is_shown(self, context):
        return context["view"] == "edit" and context["request"].user.has_perm(EMERGENCY_PUBLISH)

    def get_url(self, context):
        return reverse("workflow:emergency_publish", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_emergency_publish_item():
    return EmergencyPublishMenuItem()


@hooks.register("construct_page_action_menu")
def hide_direct_publish(menu_items, request, context):
    page = context.get("page") if context["view"] != "create" else context.get("parent_page")
    if page is not None and review_required(page, request.user):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("check_page_publish")
def review_before_publication(page, revision):
    check_reviewed(page, revision)


# --- the check report where editors and reviewers work ----------------------


def _report_message(request, page, report) -> None:
    url = reverse("workflow:report", args=[page.pk])
    items = format_html_join(
        "", "<li>【{}】{}：{}</li>", ((f["kind_label"], f["what"], f["why"]) for f in report.findings[:5])
    )
    more = f"（共 {len(report.findings)} 项）" if len(report.findings) > 5 else ""
    html = format_html('{}{} <a href="{}">查看检查报告</a><ul>{}</ul>', report.summary, more, url, items)
    (messages.error if report.blocked else messages.warning)(request, html)


def _show_report_if_relevant(request, page) -> None:
    state = page.current_workflow_state
    if state is None:
        return
    report = latest_report(page)
    # The latest check made during this workflow (at a step's start or before an approval).
    if report is not None and report.findings and report.created_at >= state.created_at:
        _report_message(request, page, report)


@hooks.register("before_edit_page")
def show_check_findings(request, page):
    if request.method == "GET":
        _show_report_if_relevant(request, page)


def _drop_success_messages(request) -> None:
    storage = messages.get_messages(request)
    kept = [message for message in storage if message.level != messages.SUCCESS]  # reading marks all as shown
    for message in kept:
        messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)


@hooks.register("after_edit_page")
def report_auto_rejection(request, page):
    # Wagtail has just said "submitted"; if the automatic check sent it straight back, that was
    # not true: only the check's report (shown on the edit view) is said, and the editor stays.
    if not (request.POST.get("action-submit") or request.POST.get("action-restart-workflow")):
        return None
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    _drop_success_messages(request)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("after_create_page")
def report_auto_rejection_on_create(request, page):
    return report_auto_rejection(request, page)


# --- 待我审核 -------------------------------------------------------------------


class ReviewQueuePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's queue of tasks the user may act on (their own sites' only, by group), with the check summary."""

    name = "workflow_review_queue"
    template_name = "workflow/review_queue_panel.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        task_states = [state["task_state"] for state in context["states"]]
        if task_states:
            workflow_ids = {ts.workflow_state_id for ts in task_states}
            reports = {}
            latest_first = CheckReport.objects.filter(task_state__workflow_state_id__in=workflow_ids).order_by(
                "-created_at", "-pk"
            )
            for report in latest_first.select_related("task_state"):
                reports.setdefault(report.task_state.workflow_state_id, report)
            for state in context["states"]:
                state["report"] = reports.get(state["task_state"].workflow_state_id)
        return context


@hooks.register("construct_homepage_panels")
def use_review_queue_panel(request, panels):
    panels[:] = [p for p in panels if p.name != "workflow_objects_to_moderate"]
    panels.append(ReviewQueuePanel())


# After cms.content built the site's columns (order -10): column types pick their workflows.
@hooks.register("after_provision_site", order=20)
def ensure_new_site_workflows(site, profile, organisation, site_type, actor, **kwargs) -> None:
    ensure_site_workflows(site)
