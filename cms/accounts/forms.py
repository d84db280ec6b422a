from __future__ import annotations

from django import forms
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.models import Site

from .models import AccountRole


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.site_name}（{obj.hostname}）"


def site_field(**kwargs) -> SiteChoiceField:
    return SiteChoiceField(Site.objects.order_by("site_name"), label="所属站点", **kwargs)


class AccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    site = site_field()
    role = forms.ChoiceField(label="角色", choices=AccountRole.choices)
    responsible_name = forms.CharField(label="责任人", max_length=50)
    responsible_phone = forms.CharField(label="责任人电话", max_length=30)
    email = forms.EmailField(label="电子邮箱", required=False)


class MoveAccountForm(forms.Form):
    site = site_field(help_text="账号保留原角色，离开原站点的所有用户组。")


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="账号表格（.xlsx）", help_text="列：用户名、站点（主机名或网站名称）、角色、责任人、电话、邮箱。"
    )


class DormantForm(forms.Form):
    days = forms.IntegerField(label="未登录天数", min_value=1, max_value=3650)


class ConfirmForm(forms.Form):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(label="验证码", max_length=8, help_text="身份验证器中当前显示的 6 位数字。")


class AuditExportForm(forms.Form):
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期（不含）", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, its password label in Chinese (Wagtail's translation lacks it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"
