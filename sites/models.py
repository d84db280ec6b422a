"""The cluster's structure: organisations and the profile of every Wagtail Site.

Routing is Wagtail's own ``Site`` (hostname → root page); ``SiteProfile`` adds
what a government site must carry (网站标识码, 备案号, 主办单位 …) and its status.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable


class OrganisationKind(models.TextChoices):
    PORTAL = "portal", "本级政府"
    TOWNSHIP = "township", "乡镇/街道"
    DEPARTMENT = "department", "部门"
    OTHER = "other", "其他"


class Organisation(models.Model):
    """A government body (机构) that owns sites and columns and issues documents."""

    name = models.CharField("机构名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("机构类型", max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    index_code = models.CharField(
        "索引号机构代码",
        max_length=30,
        unique=True,
        help_text="生成索引号时使用的机构代码，如统一社会信用代码中的组织机构代码 000014349。",
        validators=[
            RegexValidator(r"^[0-9A-Za-z]{1,30}$", "机构代码只能包含数字和字母（最多30位）。"),
        ],
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class SiteType(models.TextChoices):
    PORTAL = "portal", "门户网站"
    TOWNSHIP = "township", "乡镇/街道子站"
    DEPARTMENT = "department", "部门子站"


class SiteStatus(models.TextChoices):
    # A new site is 筹建 until the info center opens it (``sites.launch``): only its staff see it.
    PREPARING = "preparing", "筹建"
    OPEN = "open", "运行中"
    CLOSED = "closed", "已关停"
    MAINTENANCE = "maintenance", "维护中"


# 网站标识码 (《政府网站发展指引》): 10 characters — six digits of the
# administrative division plus a 4-digit serial, or "bm" + 8 digits for
# central departments.
site_id_code_validator = RegexValidator(
    r"^(\d{10}|bm\d{8})$",
    "网站标识码应为10位：10位数字（如 3418000001），或 bm 加8位数字。",
)


class SiteProfile(models.Model):
    """What a government site is, beyond Wagtail's hostname and root page."""

    site = models.OneToOneField(
        "wagtailcore.Site", verbose_name="站点", on_delete=models.CASCADE, related_name="profile"
    )
    site_type = models.CharField("站点类型", max_length=20, choices=SiteType.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="site_profiles"
    )
    site_id_code = models.CharField("网站标识码", max_length=10, validators=[site_id_code_validator])
    sponsor = models.CharField("主办单位", max_length=100)
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True)
    police_record_number = models.CharField("公安机关备案号", max_length=50, blank=True)
    contact_address = models.CharField("联系地址", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    # Where and when 依申请公开 requests are received: the 政府信息公开指南 states them
    # (《政府信息公开条例》第十二条); blank falls back to the contact address and phone.
    disclosure_office_address = models.CharField(
        "依申请公开受理地址", max_length=200, blank=True, help_text="留空则使用联系地址。"
    )
    disclosure_office_phone = models.CharField(
        "依申请公开咨询电话", max_length=50, blank=True, help_text="留空则使用联系电话。"
    )
    office_hours = models.CharField(
        "办公时间", max_length=100, blank=True, help_text="如“工作日上午8:30—12:00，下午14:30—17:30”。"
    )
    theme = models.CharField("主题", max_length=50, default="base")
    status = models.CharField("状态", max_length=20, choices=SiteStatus.choices, default=SiteStatus.OPEN)
    status_changed_at = models.DateTimeField("状态变更时间", default=timezone.now)
    # Also the reason of the pushes withdrawn on closing (at most 500 with the site's name).
    closure_notice = models.TextField("关停公告", blank=True, max_length=400)
    closed_on = models.DateField("关停日期", null=True, blank=True)

    class Meta:
        verbose_name = "子站"
        verbose_name_plural = "子站"

    def __str__(self) -> str:
        return self.site.site_name or self.site.hostname

    def clean(self) -> None:
        from .themes import available_themes

        if self.theme not in available_themes():
            raise ValidationError({"theme": f"主题“{self.theme}”不存在。"})
        if self.status == SiteStatus.CLOSED and not self.closure_notice:
            raise ValidationError({"closure_notice": "关停的网站必须填写关停公告。"})

    @property
    def is_open(self) -> bool:
        return self.status == SiteStatus.OPEN


def _relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2.1 contrast ratio of white text on this colour."""
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


def validate_primary_colour(value: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        raise ValidationError("颜色应写成 #RRGGBB，如 #B5121B。")
    ratio = contrast_with_white(value)
    if ratio < 4.5:  # WCAG 2.1 AA for normal text: the header's white text sits on it
        raise ValidationError(f"该颜色上的白色文字对比度仅 {ratio:.1f}:1，不足 4.5:1（WCAG 2.1 AA），请选更深的颜色。")


PARTY_GOV_MARK_HOST = "conac.cn"  # 中央机构编制委员会办公室 (bszs.conac.cn, the mark's verification)


def validate_party_gov_mark_url(value: str) -> None:
    """The mark's link must lead to 中央编办's own verification page, never elsewhere."""
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not (
        host == PARTY_GOV_MARK_HOST or host.endswith("." + PARTY_GOV_MARK_HOST)
    ):
        raise ValidationError(
            "验证链接应为中央编办（conac.cn）发放的地址，如 https://bszs.conac.cn/sitename?method=show&id=…"
        )


@register_setting(icon="image")
class SiteAppearance(ClusterableModel, BaseSiteSetting):
    """What a site's own admins may change about its look (not its identity)."""

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="网站标志（徽标）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="首页横幅",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banner_alt = models.CharField("横幅替代文字", max_length=200, blank=True)
    primary_colour = models.CharField(
        "主色调",
        max_length=7,
        blank=True,
        validators=[validate_primary_colour],
        help_text="留空则使用主题颜色；如 #B5121B。",
    )
    sponsor_line = models.CharField(
        "主办单位行",
        max_length=200,
        blank=True,
        help_text="页脚主办/承办说明，留空则显示“主办单位：<子站档案中的主办单位>”。",
    )
    party_gov_mark_url = models.URLField(
        "党政机关网站标识验证链接",
        max_length=300,
        blank=True,
        validators=[validate_party_gov_mark_url],
        help_text="页脚“党政机关”标识链接到的中央编办验证页面（开办标识时发放）；留空则标识不带链接。",
    )

    panels = [
        FieldPanel("logo"),
        FieldPanel("banner"),
        FieldPanel("banner_alt"),
        FieldPanel("primary_colour"),
        FieldPanel("sponsor_line"),
        FieldPanel("party_gov_mark_url"),
        InlinePanel("footer_links", heading="页脚链接", label="链接"),
    ]

    class Meta:
        verbose_name = "网站外观"

    def clean(self) -> None:
        if self.banner_id and not self.banner_alt.strip():
            raise ValidationError({"banner_alt": "设置了首页横幅时必须填写替代文字。"})


class FooterLink(Orderable):
    appearance = ParentalKey(SiteAppearance, on_delete=models.CASCADE, related_name="footer_links")
    title = models.CharField("名称", max_length=50)
    url = models.URLField("链接")

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "页脚链接"

    def __str__(self) -> str:
        return self.title


class SiteGroup(models.Model):
    """Ties a per-site editorial group to its site and role by key.

    The group's name (``<站名>·<角色>``) is only what the admin shows: renaming
    the site changes nothing that code looks up."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name="站点", on_delete=models.CASCADE, related_name="editorial_groups"
    )
    role = models.CharField("角色", max_length=30)
    group = models.OneToOneField(
        "auth.Group", verbose_name="用户组", on_delete=models.CASCADE, related_name="site_role"
    )

    class Meta:
        verbose_name = "子站用户组"
        verbose_name_plural = "子站用户组"
        constraints = [models.UniqueConstraint(fields=["site", "role"], name="sites_sitegroup_one_group_per_role")]

    def __str__(self) -> str:
        return self.group.name
