"""政府网站工作年度报表: what a site's admin entered for a year, and the page it is published as."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel

from cms.content.models import ArticlePage

from .template import FIELD_BY_KEY, validation_errors

FIRST_YEAR = 2018  # the template dates from 国办函〔2018〕12号


class SiteReport(models.Model):
    """One site's report of one year: the rows its admin entered (the computed rows are read
    from the system's data each time, ``figures.computed_figures``) and the page generated from it."""

    site = models.ForeignKey("wagtailcore.Site", verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("报表年度")
    # Keys and kinds: ``template.FIELDS`` (entered rows only); decimals and dates as text.
    entered = models.JSONField("填报内容", default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("填报时间", null=True, blank=True)
    page = models.ForeignKey(
        "site_reports.SiteReportPage",
        verbose_name="报表页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "政府网站工作年度报表"
        verbose_name_plural = "政府网站工作年度报表"
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="site_report_one_per_year")]
        permissions = [("view_all_site_reports", "查看各网站的政府网站工作年度报表")]

    def __str__(self) -> str:
        return f"{self.site.site_name} {self.year}年度政府网站工作年度报表"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(self.entered, dict):
            raise ValidationError({"entered": "填报内容格式不正确。"})
        unknown = sorted(key for key in self.entered if key not in FIELD_BY_KEY or not FIELD_BY_KEY[key].entered)
        if unknown:
            errors["entered"] = [f"报表中没有可填写的项目：{'、'.join(unknown)}。"]
        for messages in validation_errors(self.entered).values():
            errors.setdefault("entered", []).extend(messages)
        if errors:
            raise ValidationError(errors)


class SiteReportPage(ArticlePage):
    """The published 政府网站工作年度报表 of one site and year: its body is the report's table,
    written by ``GenerateReportPageAction`` (never edited by hand, so it always shows the
    figures the system computed and the values the site's admin entered)."""

    report_year = models.PositiveSmallIntegerField("报表年度")

    content_panels = [
        FieldPanel("title"),
        FieldPanel("report_year", read_only=True),
        HelpPanel(template="site_reports/panels/report_table.html", heading="报表内容"),
    ]
    template = "content/article_page.html"
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政府网站工作年度报表"
