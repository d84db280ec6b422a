"""Catalogue taxonomy, index numbers and the 信息公开 page types."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.query import PageQuerySet

from cms.content.models import ARTICLE_BODY_FEATURES, ArticlePage
from cms.content.serving import ServingMixin
from cms.content.visibility import publicly_listed
from cms.disclosure.metadata import CATALOGUE_TAG, DocumentClass, catalogue_tag
from core.publishing import PublishGuardMixin
from core.security import sanitize_html
from sites.page_cache import depends_on

from . import index_numbers


class Topic(models.Model):
    """主题分类: a two-level tree, seeded with the State Council's top level."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    code = models.CharField(
        "分类字母", max_length=1, blank=True, help_text="一级分类的字母（A–Z），用于“分类号”形式的索引号。"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_topic_name_per_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="unique_top_level_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "主题分类只有两级：上级分类必须是一级分类。"})
        if self.code and not ("A" <= self.code <= "Z"):
            raise ValidationError({"code": "分类字母应为 A–Z 的大写字母。"})

    @property
    def top_level(self) -> Topic:
        return self.parent if self.parent_id else self


class IndexNumberScheme(models.Model):
    """An organisation's index-number format (default: the national form)."""

    organisation = models.OneToOneField(
        "sites.Organisation", verbose_name="机构", on_delete=models.CASCADE, related_name="index_number_scheme"
    )
    format = models.CharField(
        "索引号格式",
        max_length=100,
        default=index_numbers.DEFAULT_FORMAT,
        validators=[index_numbers.validate_format],
        help_text="可用字段：{org_code} 机构代码、{year} 年份、{serial:05d} 序号（5位补零）、{category} 主题分类字母。",
    )

    class Meta:
        verbose_name = "索引号规则"
        verbose_name_plural = "索引号规则"

    def __str__(self) -> str:
        return f"{self.organisation}：{self.format}"


class IndexSequence(models.Model):
    """The last serial allocated per (organisation, year): the row locked while allocating."""

    organisation = models.ForeignKey("sites.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="unique_index_sequence")]
        verbose_name = verbose_name_plural = "索引号序列"

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_serial}"


class IndexNumber(models.Model):
    """An allocated 索引号. Never changed or reused: it outlives its page."""

    value = models.CharField("索引号", max_length=100, unique=True)
    page = models.OneToOneField(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="index_number"
    )
    organisation = models.ForeignKey("sites.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    allocated_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField("分配时标题", max_length=255)

    class Meta:
        verbose_name = "索引号"
        verbose_name_plural = "索引号"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "serial"], name="unique_index_serial"),
        ]

    def __str__(self) -> str:
        return self.value


class WorkingDayOverride(models.Model):
    """A day whose working status the holiday calendar gets wrong or does not know."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日", help_text="勾选：调休上班；不勾选：放假。")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'}"


class PolicyDocumentPage(ArticlePage):
    """政策文件: always in the catalogue, with the full metadata set."""

    # Table 1 of the annual report counts 规章 and 行政规范性文件 by this (``annual_report.table1``).
    document_class = models.CharField(
        "文件类别",
        max_length=20,
        choices=DocumentClass.choices,
        blank=True,
        help_text="政府信息公开工作年度报告表一按此统计规章和行政规范性文件；其他政策文件留空。",
    )

    catalogue_panels = ArticlePage.catalogue_panels + [FieldPanel("document_class")]
    always_in_catalogue = True
    template = "content/article_page.html"
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政策文件"

    def listed_interpretations(self) -> PageQuerySet[InterpretationPage]:
        """The interpretations of this policy the public may find (shown on its page)."""
        return publicly_listed(InterpretationPage.objects.filter(interprets=self))


class InterpretationPage(ArticlePage):
    """政策解读: explains one or more policy documents; shown on both pages."""

    interprets = ParentalManyToManyField(
        PolicyDocumentPage, verbose_name="解读的政策文件", related_name="interpretations"
    )

    content_panels = ArticlePage.content_panels + [FieldPanel("interprets")]
    template = "content/article_page.html"
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政策解读"

    def listed_policies(self) -> PageQuerySet[PolicyDocumentPage]:
        """The policies it interprets the public may find; read from the form's values, so previews show them too."""
        chosen = [policy.pk for policy in self.interprets.all()]
        return publicly_listed(PolicyDocumentPage.objects.filter(pk__in=chosen))


class GeneratedBodyPanel(FieldPanel):
    """A generated body, read-only in the page editor and shown as it reads, not as its HTML source."""

    def __init__(self, field_name: str = "body", **kwargs) -> None:
        kwargs["read_only"] = True
        kwargs.setdefault("help_text", "由“信息公开 › 政府信息公开年报”生成；修改请改年报数据后重新生成。")
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        return format_html('<div class="annual-report-preview">{}</div>', mark_safe(sanitize_html(str(value or ""))))


class AnnualReportPage(ArticlePage):
    """政府信息公开工作年度报告, one per year: its body is generated from ``AnnualReportData`` and the
    system's figures (``annual_report.GenerateAnnualReportAction``), its tables kept out of the
    rich-text editor, which would drop them: it is shown read-only, changed by regenerating."""

    report_year = models.PositiveSmallIntegerField("报告年度")

    content_panels = [
        GeneratedBodyPanel("body") if isinstance(panel, FieldPanel) and panel.field_name == "body" else panel
        for panel in ArticlePage.content_panels[:1] + [FieldPanel("report_year")] + ArticlePage.content_panels[1:]
    ]
    template = "content/article_page.html"
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政府信息公开年报"


# Table 4 (四、政府信息公开行政复议、行政诉讼情况): three groups of the same five columns.
TABLE4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("direct_suit", "行政诉讼（未经复议直接起诉）"),
    ("suit_after_review", "行政诉讼（复议后起诉）"),
)
TABLE4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
TABLE4_PARTS = tuple(key for key, _ in TABLE4_COLUMNS if key != "total")


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class AnnualReportData(models.Model):
    """What an organisation enters for its 政府信息公开工作年度报告 of a year (国办公开办函〔2021〕30号):
    the text sections, table 1's cells the catalogue cannot count, table 4, and the 信息处理费 line.
    Everything else in the report is computed (``annual_report``)."""

    organisation = models.ForeignKey(
        "sites.Organisation", verbose_name="机关", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("报告年度")

    overview = models.TextField(
        "一、总体情况",
        blank=True,
        max_length=20000,
        help_text="主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况。空行分段。",
    )
    # Table 1, 第二十条第（五）（六）（八）项.
    licensing_decisions = _count("行政许可 本年处理决定数量")
    punishment_decisions = _count("行政处罚 本年处理决定数量")
    coercion_decisions = _count("行政强制 本年处理决定数量")
    administrative_fees = models.DecimalField(
        "行政事业性收费 本年收费金额（万元）", max_digits=14, decimal_places=4, default=0
    )
    # Table 4.
    review_upheld = _count("行政复议 结果维持")
    review_corrected = _count("行政复议 结果纠正")
    review_other = _count("行政复议 其他结果")
    review_pending = _count("行政复议 尚未审结")
    review_total = _count("行政复议 总计")
    direct_suit_upheld = _count("未经复议直接起诉 结果维持")
    direct_suit_corrected = _count("未经复议直接起诉 结果纠正")
    direct_suit_other = _count("未经复议直接起诉 其他结果")
    direct_suit_pending = _count("未经复议直接起诉 尚未审结")
    direct_suit_total = _count("未经复议直接起诉 总计")
    suit_after_review_upheld = _count("复议后起诉 结果维持")
    suit_after_review_corrected = _count("复议后起诉 结果纠正")
    suit_after_review_other = _count("复议后起诉 其他结果")
    suit_after_review_pending = _count("复议后起诉 尚未审结")
    suit_after_review_total = _count("复议后起诉 总计")

    problems = models.TextField("五、存在的主要问题及改进情况", blank=True, max_length=20000)
    # 六: the template asks for the 信息处理费 charged (国办函〔2020〕109号) first, then anything else.
    fee_notices = _count("发出收费通知件数")
    fee_notices_amount = models.DecimalField("收费通知总金额（元）", max_digits=12, decimal_places=2, default=0)
    fees_collected = models.DecimalField("实际收取总金额（元）", max_digits=12, decimal_places=2, default=0)
    other_matters = models.TextField(
        "六、其他需要报告的事项",
        blank=True,
        max_length=20000,
        help_text="收费情况之外的其他事项，如落实上级年度政务公开工作要点、人大代表建议和政协提案办理结果公开、年度工作创新等。",
    )

    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开年报数据"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="unique_annual_report_data"),
        ]
        permissions = [("oversee_annual_reports", "查看和填写所有机关的政府信息公开年报")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}"

    def table4(self) -> list[tuple[str, str, list[int]]]:
        """(group key, label, the five cells) per group, in the template's order."""
        return [
            (group, label, [getattr(self, f"{group}_{column}") for column, _ in TABLE4_COLUMNS])
            for group, label in TABLE4_GROUPS
        ]

    def balance_errors(self) -> dict[str, str]:
        """Field name → the Chinese message for each balance the entered figures break."""
        errors: dict[str, str] = {}
        parts_label = "、".join(label for key, label in TABLE4_COLUMNS if key != "total")
        for group, label in TABLE4_GROUPS:
            total = getattr(self, f"{group}_total")
            parts = sum(getattr(self, f"{group}_{part}") or 0 for part in TABLE4_PARTS)
            if total != parts:
                errors[f"{group}_total"] = f"表四“{label}”：总计（{total}）应等于{parts_label}之和（{parts}）。"
        if self.fees_collected > self.fee_notices_amount:
            errors["fees_collected"] = (
                f"信息处理费：实际收取总金额（{self.fees_collected}元）不能大于收费通知总金额（{self.fee_notices_amount}元）。"
            )
        if not self.fee_notices and self.fee_notices_amount:
            errors["fee_notices"] = "信息处理费：填写了收费通知总金额，发出收费通知件数却为0。"
        return errors

    def clean(self) -> None:
        errors = self.balance_errors()
        if errors:
            raise ValidationError(errors)


class DisclosureInfoKind(models.TextChoices):
    GUIDE = "guide", "政府信息公开指南"
    RULES = "rules", "政府信息公开制度"
    STATUTORY = "statutory", "法定主动公开内容"


class DisclosureInfoPage(PublishGuardMixin, ServingMixin, Page):
    """政府信息公开指南 / 制度 / 法定主动公开内容: one standing page each per site,
    provisioned with a starting text built from the site's facts (``standing_pages``)."""

    kind = models.CharField("类型", max_length=20, choices=DisclosureInfoKind.choices)
    body = RichTextField("正文", blank=True, features=ARTICLE_BODY_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("body")]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "信息公开说明页"


class CataloguePage(PublishGuardMixin, ServingMixin, Page):
    """政府信息公开目录: the portal's lists every organisation, a subsite's its own."""

    intro = RichTextField("说明", blank=True, features=["bold", "link"])
    page_size = models.PositiveSmallIntegerField("每页条数", default=20)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("page_size")]
    parent_page_types = ["content.HomePage", "content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政府信息公开目录"

    # What CatalogueFilters.from_query and the export read: the page cache keys on these.
    cache_query_parameters = ("topic", "org", "genre", "year", "validity", "sort", "order", "page", "export")

    # The catalogue modules query this module's models: imported when a page is served.
    def get_context(self, request, *args, **kwargs):
        from .catalogue_page import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        from .catalogue_export import export_response
        from .catalogue_page import EXPORT_KINDS
        from .catalogue_query import scope_organisation

        # The portal's lists every organisation's items, a subsite's its own (sites.page_cache).
        organisation = scope_organisation(request)
        depends_on(request, CATALOGUE_TAG, catalogue_tag(organisation.pk if organisation else None))

        if request.GET.get("export") in EXPORT_KINDS:
            return export_response(request, request.GET["export"])
        return super().serve(request, *args, **kwargs)
