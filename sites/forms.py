from django import forms

from .models import Organisation, SiteProfile, SiteType
from .themes import theme_choices


class ProvisionSubsiteForm(forms.Form):
    site_name = forms.CharField(label="网站名称", max_length=100, help_text="如“区教育局”或“水阳镇人民政府”。")
    hostname = forms.CharField(
        label="主机名", max_length=253, help_text="如 jyj.xzq.gov.cn；部门子站使用门户网站的子域名。"
    )
    port = forms.IntegerField(label="端口", initial=80, min_value=1, max_value=65535)
    # A cluster has one portal: a new site is almost always a department's or a township's.
    site_type = forms.ChoiceField(label="站点类型", choices=SiteType.choices, initial=SiteType.DEPARTMENT)
    organisation = forms.ModelChoiceField(label="所属机构", queryset=Organisation.objects.all())
    site_id_code = forms.CharField(label="网站标识码", max_length=20, help_text="10位，如 3418020001。")
    sponsor = forms.CharField(label="主办单位", max_length=100, required=False, help_text="留空则使用所属机构名称。")
    theme = forms.ChoiceField(label="主题", choices=())
    icp_number = forms.CharField(label="ICP备案号", max_length=50, required=False)
    police_record_number = forms.CharField(label="公安机关备案号", max_length=50, required=False)
    contact_address = forms.CharField(label="联系地址", max_length=200, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=50, required=False)
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    disclosure_office_address = forms.CharField(
        label="依申请公开受理地址",
        max_length=200,
        required=False,
        help_text="写入政府信息公开指南；留空则使用联系地址。",
    )
    disclosure_office_phone = forms.CharField(
        label="依申请公开咨询电话", max_length=50, required=False, help_text="留空则使用联系电话。"
    )
    office_hours = forms.CharField(
        label="办公时间", max_length=100, required=False, help_text="如“工作日上午8:30—12:00，下午14:30—17:30”。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = theme_choices()


class CloseSubsiteForm(forms.Form):
    notice = forms.CharField(
        label="关停公告",
        max_length=SiteProfile._meta.get_field("closure_notice").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="向公众说明关停原因和信息去向，如“本网站已整合至区政府门户网站”。",
    )
    closed_on = forms.DateField(label="关停日期", required=False, help_text="留空则为今天。")
    withdraw_pushed = forms.BooleanField(
        label="同时撤销该站推送到其他网站的信息", required=False, help_text="其他网站采用的引用和副本将显示撤销公告。"
    )


class ConfirmForm(forms.Form):
    """No fields: the POST itself is the confirmation."""
