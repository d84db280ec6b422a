"""Catalogue metadata (《政府信息公开条例》2019 Art. 12 and catalogue practice).

An abstract model so any publishable page type can carry the fields; the rules
that check them live here too, in one place.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# Carried by every cached catalogue page (sites.page_cache): retired by a change that may touch
# items of any organisation (a column moved, a takedown, a view restriction).
CATALOGUE_TAG = "catalogue"


def catalogue_tag(organisation_id: int | None) -> str:
    """The tag of the catalogue listing one organisation's items, or (None) the portal's, listing all."""
    return "catalogue:cluster" if organisation_id is None else f"catalogue:org:{organisation_id}"


class Genre(models.TextChoices):
    """体裁 / 公文种类 (《党政机关公文处理工作条例》 15 kinds) plus 其他."""

    RESOLUTION = "决议", "决议"
    DECISION = "决定", "决定"
    ORDER = "命令", "命令"
    COMMUNIQUE = "公报", "公报"
    ANNOUNCEMENT = "公告", "公告"
    PUBLIC_NOTICE = "通告", "通告"
    OPINION = "意见", "意见"
    NOTICE = "通知", "通知"
    BULLETIN = "通报", "通报"
    REPORT = "报告", "报告"
    REQUEST = "请示", "请示"
    REPLY = "批复", "批复"
    MOTION = "议案", "议案"
    LETTER = "函", "函"
    MINUTES = "纪要", "纪要"
    OTHER = "其他", "其他"


class Validity(models.TextChoices):
    EFFECTIVE = "effective", "有效"
    REVISED = "revised", "已修订"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


class DocumentClass(models.TextChoices):
    """What the annual report's table 1 counts a policy document as (第二十条第（一）项).
    Most policy documents are neither (其他文件): the field is left blank for them."""

    REGULATION = "regulation", "规章"
    NORMATIVE = "normative", "行政规范性文件"


class DisclosureMode(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"


class DisclosureTerm(models.TextChoices):
    LONG_TERM = "long_term", "长期公开"
    PERIODIC = "periodic", "定期公开"
    DYNAMIC = "dynamic", "动态公开"


# Fields an item in the catalogue must have, by 公开方式. A proactively
# disclosed item shows its full text; one disclosed on request shows only its
# catalogue entry, so its 内容概述 is what the public reads.
REQUIRED_BY_MODE: dict[str, tuple[str, ...]] = {
    DisclosureMode.PROACTIVE: ("issuing_organisation", "topic", "genre", "date_formed", "disclosure_term"),
    DisclosureMode.ON_REQUEST: ("issuing_organisation", "topic", "genre", "date_formed", "summary"),
}
WITHDRAWN_VALIDITIES = (Validity.REPEALED, Validity.EXPIRED)

# 〔〕 is the standard (GB/T 9704); people type [], ［］ and 【】 (the IME's default), more rarely 〖〗 〘〙 ﹝﹞.
_BRACKETS = str.maketrans("[［【〖〘﹝]］】〗〙﹞", "〔〔〔〔〔〔〕〕〕〕〕〕")
DOCUMENT_NUMBER_RE = re.compile(r"^\S+〔(\d{4})〕\d+号$")


def normalise_document_number(value: str) -> str:
    """发文字号 with any square bracket ([] ［］ 【】 …) → the standard 〔〕 form, spaces removed."""
    return re.sub(r"\s+", "", value or "").translate(_BRACKETS)


def validate_document_number(value: str) -> None:
    if value and not DOCUMENT_NUMBER_RE.match(value):
        raise ValidationError(f"发文字号“{value}”格式不正确，应如“宣政办〔2016〕12号”（机关代字〔年份〕序号号）。")


class CatalogueMetadata(models.Model):
    """The catalogue fields; 索引号 lives apart (``IndexNumber``) so that no
    revision, copy or republish can ever change it."""

    in_catalogue = models.BooleanField("纳入政府信息公开目录", default=False)
    summary = models.TextField("内容概述", blank=True, max_length=2000)
    issuing_organisation = models.ForeignKey(
        "sites.Organisation",
        verbose_name="发布机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    date_formed = models.DateField("成文日期", null=True, blank=True)
    document_number = models.CharField("发文字号", max_length=60, blank=True, db_index=True)
    topic = models.ForeignKey(
        "disclosure.Topic", verbose_name="主题分类", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    genre = models.CharField("体裁", max_length=10, choices=Genre.choices, blank=True)
    subject_terms = models.CharField("主题词", max_length=200, blank=True)
    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.EFFECTIVE)
    validity_changed_on = models.DateField("有效性变更日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="替代文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    disclosure_mode = models.CharField(
        "公开方式", max_length=20, choices=DisclosureMode.choices, default=DisclosureMode.PROACTIVE
    )
    disclosure_term = models.CharField("公开时限", max_length=20, choices=DisclosureTerm.choices, blank=True)

    class Meta:
        abstract = True

    #: Subclasses that are always catalogue items (policy documents) say so.
    always_in_catalogue = False

    def clean_catalogue_metadata(self, published_on=None) -> None:
        """Normalise and check the catalogue fields; raise one ValidationError listing every problem."""
        self.document_number = normalise_document_number(self.document_number)
        if self.always_in_catalogue:
            self.in_catalogue = True
        errors: dict[str, str] = {}
        try:
            validate_document_number(self.document_number)
        except ValidationError as error:
            errors["document_number"] = error.messages[0]
        if self.in_catalogue:
            for name in REQUIRED_BY_MODE[self.disclosure_mode]:
                field = self._meta.get_field(name)
                if not getattr(self, field.attname):  # attname: the id of a foreign key, no query
                    mode = DisclosureMode(self.disclosure_mode).label
                    errors[name] = f"纳入公开目录的{mode}信息必须填写“{field.verbose_name}”。"
        published_on = published_on or timezone.localdate()
        if self.date_formed and self.date_formed > published_on:
            errors["date_formed"] = (
                f"成文日期（{self.date_formed:%Y-%m-%d}）不能晚于发布日期（{published_on:%Y-%m-%d}）。"
            )
        if self.validity in (Validity.REVISED, *WITHDRAWN_VALIDITIES) and not self.validity_changed_on:
            errors["validity_changed_on"] = f"有效性为“{Validity(self.validity).label}”时必须填写变更日期。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self) -> bool:
        """已废止 / 已失效: still reachable, under a dated banner."""
        return self.validity in WITHDRAWN_VALIDITIES
