"""Info-center admin views: thin wrappers around the actions in ``sites.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from core.forms import add_errors

from .forms import CloseSubsiteForm, ConfirmForm, ProvisionSubsiteForm
from .launch import launch_findings
from .models import SiteProfile, SiteStatus
from .services import (
    CloseSiteAction,
    OpenSiteAction,
    ProvisionSiteAction,
    ReopenSiteAction,
    StartMaintenanceAction,
    SubsiteRequest,
)

INDEX_URL_NAME = "sites_siteprofile:index"


class InfoCenterFormView(WagtailAdminTemplateMixin, FormView):
    """A Wagtail-styled form that only holders of ``permission`` may use."""

    template_name = "wagtailadmin/generic/form.html"
    permission = "sites.change_siteprofile"
    header_icon = "site"
    submit_button_label = "提交"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.path, submit_button_label=self.submit_button_label)
        return context

    def get_success_url(self) -> str:
        return reverse(INDEX_URL_NAME)

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ValidationError as error:
            return self.refuse(form, error)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def refuse(self, form, error: ValidationError):
        add_errors(form, error)
        messages.error(self.request, "操作未完成：" + "；".join(error.messages))
        return self.form_invalid(form)

    def perform(self, form) -> str:
        raise NotImplementedError


class ProvisionSubsiteView(InfoCenterFormView):
    form_class = ProvisionSubsiteForm
    permission = "sites.add_siteprofile"
    page_title = "新建子站"
    submit_button_label = "创建子站"

    def perform(self, form) -> str:
        site = ProvisionSiteAction(SubsiteRequest(**form.cleaned_data), actor=self.request.user).execute()
        return (
            f"子站“{site.site_name}”已创建：{site.root_url}。网站处于筹建状态，仅本站工作人员登录后可见；"
            "补齐栏目内容和备案信息后，由信息中心在子站列表中“开通”。"
        )


class SiteStatusView(InfoCenterFormView):
    """Close, reopen or put one site under maintenance."""

    form_class = ConfirmForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.profile = get_object_or_404(SiteProfile.objects.select_related("site"), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.profile)


class CloseSubsiteView(SiteStatusView):
    """Two steps: the form (notice, date), then a confirmation screen; only the second POST closes."""

    form_class = CloseSubsiteForm
    page_title = "关停子站"
    submit_button_label = "下一步"

    def form_valid(self, form):
        if "confirm" in self.request.POST:
            return super().form_valid(form)
        if "edit" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            self._action(form).check()  # refused now (the portal, already closed), not after the confirmation
        except ValidationError as error:
            return self.refuse(form, error)
        return TemplateResponse(
            self.request,
            "sites/admin/confirm_close.html",
            self.get_context_data(
                form=form,
                profile=self.profile,
                page_count=Page.objects.descendant_of(self.profile.site.root_page, inclusive=True).live().count(),
            ),
        )

    def _action(self, form) -> CloseSiteAction:
        return CloseSiteAction(
            self.profile.site,
            notice=form.cleaned_data["notice"],
            closed_on=form.cleaned_data["closed_on"],
            withdraw_pushed=form.cleaned_data.get("withdraw_pushed", False),
            actor=self.request.user,
        )

    def perform(self, form) -> str:
        self._action(form).execute()
        return f"网站“{self.profile}”已关停，所有页面将显示关停公告。"


class OpenSubsiteView(SiteStatusView):
    """开通: shows the launch checklist's findings; submitting runs it again and opens or refuses."""

    template_name = "sites/admin/open.html"
    page_title = "开通子站"
    submit_button_label = "确认开通"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preparing"] = self.profile.status == SiteStatus.PREPARING
        context["status_label"] = self.profile.get_status_display()
        if context["preparing"]:
            context["findings"] = launch_findings(self.profile.site, self.profile)
        return context

    def perform(self, form) -> str:
        OpenSiteAction(self.profile.site, actor=self.request.user).execute()
        return f"网站“{self.profile}”已开通，公众现在可以访问。"


class ReopenSubsiteView(SiteStatusView):
    page_title = "重新开通子站"
    submit_button_label = "确认开通"

    def perform(self, form) -> str:
        ReopenSiteAction(self.profile.site, actor=self.request.user).execute()
        return f"网站“{self.profile}”已恢复运行。"


class MaintenanceView(SiteStatusView):
    page_title = "子站进入维护"
    submit_button_label = "确认进入维护"

    def perform(self, form) -> str:
        StartMaintenanceAction(self.profile.site, actor=self.request.user).execute()
        return f"网站“{self.profile}”已进入维护状态，公众访问将看到维护提示（503）。"
