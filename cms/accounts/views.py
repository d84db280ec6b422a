"""The info center's scoped account views: thin wrappers around the account actions.

Wagtail's own user admin stays with superusers: the permission to edit users
and groups lets its holder make anyone (themselves included) a superuser.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from core.exports import csv_response
from core.forms import add_errors, query_value
from core.http import safe_next_url

from .audit import audit_entries
from .bulk_import import bulk_create_accounts
from .forms import (
    AccountForm,
    AuditExportForm,
    BulkUploadForm,
    ConfirmForm,
    DormantForm,
    MoveAccountForm,
    TokenForm,
)
from .lifecycle import (
    AccountRequest,
    create_account,
    manageable_accounts,
    move_account,
    reset_password,
    set_account_active,
    unlock_account,
)
from .passwords import password_change_required
from .reports import accounts_list, cluster_overview, disable_dormant_accounts, dormant_accounts, login_history
from .roles import MANAGE_ACCOUNTS, VIEW_AUDIT_LOG
from .two_factor import confirm_totp, may_use_two_factor, start_totp_setup, verify_totp

User = get_user_model()
OVERVIEW = "sites.view_siteprofile"


class Guarded:
    permission = MANAGE_ACCOUNTS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class AccountsTemplateView(Guarded, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "user"


class AccountsFormView(Guarded, WagtailAdminTemplateMixin, FormView):
    """A Wagtail-styled form whose ``perform`` calls one account action; refusals go back on the form."""

    template_name = "wagtailadmin/generic/form.html"
    header_icon = "user"
    submit_button_label = "提交"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.get_full_path(), submit_button_label=self.submit_button_label)
        return context

    def form_valid(self, form):
        try:
            return self.perform(form)
        except ValidationError as error:
            add_errors(form, error)
            messages.error(self.request, "操作未完成：" + "；".join(error.messages))
            return self.form_invalid(form)

    def perform(self, form):
        raise NotImplementedError

    def show_password(self, user, password: str, title: str):
        # The one-time password is rendered once, never stored in clear or put in a message.
        response = render(
            self.request, "accounts/password_once.html", {"account": user, "password": password, "page_title": title}
        )
        response["Cache-Control"] = "no-store"
        return response


class AccountIndexView(AccountsTemplateView):
    template_name = "accounts/index.html"
    page_title = "单位账号"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = query_value(self.request, "site", forms.ModelChoiceField(Site.objects.all()))
        context.update(
            accounts=accounts_list(self.request.user, site), sites=Site.objects.order_by("site_name"), site=site
        )
        return context


class AccountCreateView(AccountsFormView):
    form_class = AccountForm
    page_title = "新建单位账号"
    submit_button_label = "创建账号"

    def perform(self, form):
        user, password = create_account(AccountRequest(**form.cleaned_data), actor=self.request.user)
        return self.show_password(user, password, f"账号“{user.username}”已创建")


class AccountActionView(AccountsFormView):
    """An action on one account, confirmed by POST."""

    form_class = ConfirmForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Only accounts the user may manage (三员分立): the others answer 404, as login history does.
        self.account = get_object_or_404(manageable_accounts(request.user), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.account.username

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("accounts:index")


class ToggleActiveView(AccountActionView):
    def get_page_title(self):
        return "停用账号" if self.account.is_active else "启用账号"

    @property
    def submit_button_label(self):
        return self.get_page_title()

    def perform(self, form):
        active = not self.account.is_active
        set_account_active(self.account, active, actor=self.request.user)
        return self.done(f"账号“{self.account.username}”已{'启用' if active else '停用'}。")


class ResetPasswordView(AccountActionView):
    page_title = "重置密码"
    submit_button_label = "重置并生成一次性密码"

    def perform(self, form):
        password = reset_password(self.account, actor=self.request.user)
        return self.show_password(self.account, password, f"账号“{self.account.username}”的密码已重置")


class UnlockView(AccountActionView):
    page_title = "解除登录锁定"
    submit_button_label = "解锁"

    def perform(self, form):
        cleared = unlock_account(self.account, actor=self.request.user)
        return self.done(f"账号“{self.account.username}”已解锁（清除 {cleared} 条失败记录）。")


class MoveAccountView(AccountActionView):
    form_class = MoveAccountForm
    page_title = "迁移账号到其他站点"
    submit_button_label = "迁移"

    def perform(self, form):
        move_account(self.account, form.cleaned_data["site"], actor=self.request.user)
        return self.done(f"账号“{self.account.username}”已迁移到“{form.cleaned_data['site'].site_name}”。")


class LoginHistoryView(AccountsTemplateView):
    template_name = "accounts/login_history.html"
    page_title = "登录记录"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only the accounts one manages: the info center's own logins are for the 审计管理员.
        account = get_object_or_404(manageable_accounts(self.request.user), pk=self.kwargs["pk"])
        context.update(account=account, events=login_history(account), page_subtitle=account.username)
        return context


class BulkCreateView(AccountsFormView):
    form_class = BulkUploadForm
    page_title = "批量导入账号"
    submit_button_label = "导入"

    def perform(self, form):
        result = bulk_create_accounts(form.cleaned_data["file"], actor=self.request.user)
        response = render(self.request, "accounts/bulk_result.html", {"result": result, "page_title": self.page_title})
        response["Cache-Control"] = "no-store"
        return response


class DormantView(AccountsFormView):
    form_class = DormantForm
    template_name = "accounts/dormant.html"
    page_title = "长期未登录账号"
    submit_button_label = "一键停用以上账号"

    def days(self) -> int:
        field = forms.IntegerField(min_value=1, max_value=36500)  # past that, timedelta overflows
        return query_value(self.request, "days", field, settings.DORMANT_ACCOUNT_DAYS)

    def get_initial(self):
        return {"days": self.days()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(accounts=dormant_accounts(self.days()), days=self.days())
        return context

    def perform(self, form):
        names = disable_dormant_accounts(form.cleaned_data["days"], actor=self.request.user)
        messages.success(self.request, f"已停用 {len(names)} 个长期未登录账号。")
        return redirect(reverse("accounts:dormant") + f"?days={form.cleaned_data['days']}")


class OverviewView(Guarded, WagtailAdminTemplateMixin, TemplateView):
    """站群总览: for the info center's operators and security administrators."""

    permission = OVERVIEW
    template_name = "accounts/overview.html"
    page_title = "站群总览"
    header_icon = "site"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rows": cluster_overview()}


class AuditExportView(Guarded, WagtailAdminTemplateMixin, FormView):
    """审计管理员: download the audit trail as CSV (UTF-8 with BOM, opens in Excel)."""

    permission = VIEW_AUDIT_LOG
    form_class = AuditExportForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = "导出审计日志"
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.path, submit_button_label="导出 CSV")
        return context

    def form_valid(self, form):
        def moment(day):
            return timezone.make_aware(datetime.combine(day, time.min)) if day else None

        entries = audit_entries(moment(form.cleaned_data["since"]), moment(form.cleaned_data["until"]))
        rows = (
            [timezone.localtime(when).isoformat(timespec="seconds"), username, action, label, data]
            for when, username, action, label, data in entries
        )
        return csv_response("audit-log.csv", ["时间", "用户", "操作", "对象", "详情"], rows, stream=False)


class ChangePasswordView(WagtailAdminTemplateMixin, FormView):
    """Every admin user's own password change; the only page open while a change is required."""

    form_class = PasswordChangeForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = "修改密码"
    header_icon = "key"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.get_full_path(), submit_button_label="修改密码")
        if password_change_required(self.request.user):
            context["page_subtitle"] = "密码已重置或已过期，请先设置新密码"
        return context

    def form_valid(self, form):
        user = form.save()  # validators (policy and history) ran in form.clean
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改。")
        return redirect(
            safe_next_url(self.request, reverse("wagtailadmin_home"), avoid=reverse("accounts:change_password"))
        )


class TwoFactorSetupView(WagtailAdminTemplateMixin, FormView):
    """Optional for info-center roles: scan the QR code, confirm with a code."""

    form_class = TokenForm
    template_name = "accounts/two_factor_setup.html"
    page_title = "启用两步验证"
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not may_use_two_factor(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        import segno
        from django_otp.plugins.otp_totp.models import TOTPDevice

        context = super().get_context_data(**kwargs)
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        if device is None:
            device = start_totp_setup(self.request.user)
        context.update(
            qr=segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            action_url=self.request.path,
            submit_button_label="确认启用",
        )
        return context

    def form_valid(self, form):
        try:
            device = confirm_totp(self.request.user, form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error.messages)
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, "两步验证已启用，今后每次登录都需输入身份验证器中的验证码。")
        return redirect("wagtailadmin_home")


class TwoFactorVerifyView(WagtailAdminTemplateMixin, FormView):
    form_class = TokenForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = "两步验证"
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.get_full_path(), submit_button_label="验证")
        return context

    def form_valid(self, form):
        try:
            device = verify_totp(self.request.user, form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error.messages)
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(safe_next_url(self.request, reverse("wagtailadmin_home"), avoid=reverse("accounts:2fa_verify")))
