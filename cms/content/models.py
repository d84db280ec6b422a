"""Page types every site is built from: a home page, columns (栏目) and articles."""

from __future__ import annotations

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, get_page_models
from wagtail.search import index
from wagtail.utils.decorators import cached_classmethod

from cms.disclosure.metadata import CatalogueMetadata
from core.publishing import PublishGuardMixin
from sites.models import SiteProfile
from sites.page_cache import PATH_STEP, below_tag

from .forms import ArticlePageForm
from .serving import ServingMixin, route_below_home
from .slugs import allocate_article_slug
from .visibility import publicly_listed

# Editors get structure and links, not styling: government pages render through
# shared templates, so colours, fonts and embeds are not theirs to choose.
ARTICLE_BODY_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link", "image"]
INTRO_FEATURES = ["bold", "italic", "link"]


class HomePage(PublishGuardMixin, ServingMixin, Page):
    """The root page of one site (portal or subsite)."""

    intro = RichTextField("网站简介", blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel(
            "blocks", heading="首页栏目区块", label="区块", help_text="留空则按顺序显示新闻、通知、政策类一级栏目。"
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.ColumnPage"]

    class Meta:
        verbose_name = "网站首页"

    def route(self, request, path_components):
        return route_below_home(self, request, path_components)

    def home_blocks(self) -> list[tuple[ColumnPage, int]]:
        """(column, how many items) for each block of the home page."""
        chosen = list(self.blocks.select_related("column"))
        if chosen:
            # Checked by id, not filtered in SQL: in a preview the blocks are the form's, in memory.
            ids = [block.column_id for block in chosen]
            listed = set(publicly_listed(ColumnPage.objects.filter(pk__in=ids)).values_list("pk", flat=True))
            blocks = [(block.column, block.count) for block in chosen if block.column_id in listed]
            if blocks:
                return blocks
        defaults = publicly_listed(ColumnPage.objects.child_of(self)).in_menu()
        defaults = defaults.filter(column_type__in=DEFAULT_HOME_TYPES)
        return [(column, DEFAULT_BLOCK_SIZE) for column in defaults[:MAX_DEFAULT_BLOCKS]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One small query per block: the number of blocks is the editor's choice
        # (at most a handful), not the number of sites or items.
        context["blocks"] = [
            (
                column,
                list(
                    publicly_listed(ArticlePage.objects.descendant_of(column))
                    .order_by("-publication_date")
                    .only(*LIST_FIELDS)[:count]
                ),
            )
            for column, count in self.home_blocks()
        ]
        return context


LIST_FIELDS = ("title", "url_path", "publication_date", "path", "depth")
DEFAULT_BLOCK_SIZE = 6
MAX_DEFAULT_BLOCKS = 4


class ColumnType(models.TextChoices):
    NEWS = "news", "新闻动态"
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    DISCLOSURE = "disclosure", "信息公开"
    SERVICE = "service", "办事服务"
    INTERACTION = "interaction", "互动交流"
    SPECIAL = "special", "专题专栏"


# Expected update intervals (days) from the national inspection indicators
# (国办秘函〔2019〕19号): news columns stale after 2 weeks, notice/policy
# columns after 6 months; other columns have no fixed rhythm.
# Columns a home page shows when its editors have not chosen blocks.
DEFAULT_HOME_TYPES = ("news", "notice", "policy")

# Column types whose items belong in the 政府信息公开目录: a new item there starts 纳入目录.
CATALOGUE_COLUMN_TYPES = (ColumnType.POLICY, ColumnType.NOTICE, ColumnType.DISCLOSURE)

DEFAULT_UPDATE_INTERVAL_DAYS = {
    ColumnType.NEWS: 14,
    ColumnType.NOTICE: 180,
    ColumnType.POLICY: 180,
}


class ColumnPage(PublishGuardMixin, ServingMixin, Page):
    """A column (栏目): lists its items newest first; columns can nest."""

    column_type = models.CharField("栏目类型", max_length=20, choices=ColumnType.choices, default=ColumnType.NEWS)
    owning_organisation = models.ForeignKey(
        "sites.Organisation",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="columns",
    )
    update_interval_days = models.PositiveSmallIntegerField(
        "应更新周期（天）",
        null=True,
        blank=True,
        help_text="留空则按栏目类型取默认值：新闻动态14天，通知公告、政策文件180天，其他不要求。",
    )
    page_size = models.PositiveSmallIntegerField(
        "每页条数", default=20, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )
    intro = RichTextField("栏目说明", blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("column_type"), FieldPanel("owning_organisation")]),
        FieldRowPanel([FieldPanel("update_interval_days"), FieldPanel("page_size")]),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["content.HomePage", "content.ColumnPage"]
    subpage_types = [
        "content.ColumnPage",
        "content.ArticlePage",
        "disclosure.PolicyDocumentPage",
        "disclosure.InterpretationPage",
        "disclosure.AnnualReportPage",
        "site_reports.SiteReportPage",
        "disclosure.DisclosureInfoPage",
        "disclosure.CataloguePage",
        "letters.MailboxPage",
        "applications.ApplicationPage",
        "consultations.ConsultationPage",
    ]

    class Meta:
        verbose_name = "栏目"

    @property
    def expected_update_interval(self) -> int | None:
        """Days within which the column must be updated, or None if no rule applies."""
        if self.update_interval_days is not None:
            return self.update_interval_days
        return DEFAULT_UPDATE_INTERVAL_DAYS.get(self.column_type)

    cache_query_parameters = ("page",)  # the anonymous page cache keys on these (sites/page_cache.py)

    @property
    def items_in_catalogue_by_default(self) -> bool:
        return self.column_type in CATALOGUE_COLUMN_TYPES

    def responsible_organisation_ids(self) -> list[int]:
        """The organisations answerable for items here, nearest first: the 责任单位 of this column
        or of its nearest ancestor column that has one, then the site's own organisation."""
        owners = (
            ColumnPage.objects.ancestor_of(self, inclusive=True)
            .exclude(owning_organisation=None)
            .order_by("-depth")
            .values_list("owning_organisation_id", flat=True)
        )
        site = self.get_site()
        site_org = SiteProfile.objects.filter(site=site).values_list("organisation_id", flat=True) if site else []
        return list(dict.fromkeys([*owners, *site_org]))

    def items(self) -> models.QuerySet[ArticlePage]:
        """Items of this column and of its sub-columns the public may find, newest first: a
        parent column (要闻动态) shows what its sub-columns hold, in one query however many."""
        return publicly_listed(ArticlePage.objects.descendant_of(self)).order_by("-publication_date", "-pk")

    @cached_property
    def sections(self) -> list[Page]:
        """The public pages below this column that are not items — its sub-columns and standing
        pages (指南, 目录 …) — in the editors' order: one query."""
        return list(publicly_listed(Page.objects.child_of(self).not_type(ArticlePage, *listed_elsewhere_types())))

    @property
    def is_landing_page(self) -> bool:
        """A 信息公开 column with pages below it (every site's 政府信息公开) introduces them, as
        government sites' disclosure columns do, instead of listing items."""
        return self.column_type == ColumnType.DISCLOSURE and bool(self.sections)

    def get_template(self, request, *args, **kwargs):
        if self.is_landing_page:
            return "content/landing_page.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # 互动交流 lists its mailboxes and consultations through their apps' includes instead.
        context["subcolumns"] = self.sections if self.column_type != ColumnType.INTERACTION else []
        if self.is_landing_page:
            return context
        paginator = Paginator(self.items().only(*LIST_FIELDS), self.page_size)
        try:
            items = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            items = paginator.page(1)
        except EmptyPage:
            items = paginator.page(paginator.num_pages)
        context["items"] = items
        return context


@cache
def listed_elsewhere_types() -> tuple[type[Page], ...]:
    """Page types that are not sections of their column although they are not items either: types
    with ``listed_by_own_include = True`` (意见征集) are listed by their app's include on the column."""
    return tuple(model for model in get_page_models() if getattr(model, "listed_by_own_include", False))


KEYWORD_SEPARATORS = re.compile(r"[,，;；、\s]+")

#: Sent by the save that makes a revision of a catalogue item live (first publication or
#: any later one), inside that save's transaction and after the page row is written,
#: with ``instance``: a receiver that raises undoes the publication. Aliases, which
#: follow their original without a publication of their own, do not send it.
catalogue_item_going_live = Signal()


class ArticlePage(PublishGuardMixin, ServingMixin, CatalogueMetadata, Page):
    """An item (信息) published in a column; may be included in the disclosure catalogue."""

    # Read with the page when it is served (cms.content.serving): the metadata table shows them.
    serving_select_related = ("topic", "issuing_organisation", "index_number")

    def cache_tags(self) -> tuple[str, ...]:
        # 上一篇/下一篇 and 相关信息 list the column's other items (sites.page_cache).
        return (below_tag(self.path[:-PATH_STEP]),)

    subtitle = models.CharField("副标题", max_length=200, blank=True)
    source = models.CharField("来源", max_length=100, blank=True, help_text="信息来源单位，如“区教育局”。")
    author = models.CharField("作者", max_length=100, blank=True)
    # Empty until publication: an item gets the moment it goes live (``save``), not the moment
    # its form was opened; an editor may still set an earlier or a later one.
    publication_date = models.DateTimeField(
        "发布时间", null=True, blank=True, db_index=True, help_text="留空则取发布（审核通过）的时间。"
    )
    body = RichTextField("正文", features=ARTICLE_BODY_FEATURES)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(
        "封面图片替代文字", max_length=200, blank=True, help_text="描述图片内容，供读屏软件朗读；有封面图片时必填。"
    )
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个关键词用逗号或空格分隔。")

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("source"), FieldPanel("author"), FieldPanel("publication_date")]),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading="封面"),
        InlinePanel("attachments", heading="附件", label="附件"),
        FieldPanel("keywords"),
    ]
    catalogue_panels = [
        HelpPanel(template="disclosure/panels/index_number.html", heading="索引号"),
        FieldPanel("in_catalogue"),
        FieldRowPanel([FieldPanel("issuing_organisation"), FieldPanel("document_number")]),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("genre"), FieldPanel("date_formed")]),
        FieldPanel("subject_terms"),
        FieldRowPanel([FieldPanel("disclosure_mode"), FieldPanel("disclosure_term")]),
        FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on"), FieldPanel("replaced_by")]),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("body"),
        index.SearchField("keywords"),
        index.FilterField("publication_date"),
    ]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "信息"
        # The catalogue lists live items newest first, across the cluster, per
        # organisation or per topic: partial indexes over catalogue items only.
        indexes = [
            models.Index(fields=["-publication_date"], condition=models.Q(in_catalogue=True), name="catalogue_newest"),
            models.Index(
                fields=["issuing_organisation", "-publication_date"],
                condition=models.Q(in_catalogue=True),
                name="catalogue_org_newest",
            ),
            models.Index(
                fields=["topic", "-publication_date"],
                condition=models.Q(in_catalogue=True),
                name="catalogue_topic_newest",
            ),
        ]

    @cached_classmethod
    def get_edit_handler(cls):  # Wagtail's tabs plus 信息公开, for every article type
        return TabbedInterface(
            [
                ObjectList(cls.content_panels, heading="内容"),
                ObjectList(cls.catalogue_panels, heading="信息公开"),
                ObjectList(cls.promote_panels, heading="推广"),
                ObjectList(cls.settings_panels, heading="设置"),
            ],
            base_form_class=cls.base_form_class,
        ).bind_to_model(cls)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.cover_image_id and not self.cover_image_alt.strip():
            errors["cover_image_alt"] = "设置了封面图片时必须填写替代文字。"
        try:
            self.clean_catalogue_metadata(published_on=timezone.localdate(self.publication_date))
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.live and self.publication_date is None:
            # A republished revision made with the field empty keeps the date of the first publication.
            stored = (
                self.pk and type(self).objects.filter(pk=self.pk).values_list("publication_date", flat=True).first()
            )
            self.publication_date = stored or timezone.now()
        # A new item without a slug (the admin form, importers, the demo) gets tYYYYMMDD_N.
        allocate_slug = self.pk is None and not self.slug and bool(self.path)
        goes_into_catalogue = (self.in_catalogue or self.always_in_catalogue) and self.is_going_live()
        if not (allocate_slug or goes_into_catalogue):
            return super().save(*args, **kwargs)
        # Every publish path (edit view, workflow, bulk, scheduler, API, import) ends in
        # this save. The catalogue allocates the 索引号 inside its transaction, so a
        # publication that cannot get a number does not happen and leaves no gap; the
        # slug's lock on the column is held until the page is written.
        with transaction.atomic():
            if allocate_slug:
                self.slug = allocate_article_slug(self.get_parent(), timezone.localdate(self.publication_date))
            saved = super().save(*args, **kwargs)
            if goes_into_catalogue:
                catalogue_item_going_live.send(sender=type(self), instance=self)
        return saved

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in KEYWORD_SEPARATORS.split(self.keywords) if word]


class ArticleAttachment(Orderable):
    """A document attached to an article, with the title readers see."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("附件名称", max_length=200)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"


class HomeBlock(Orderable):
    """A column whose latest items the home page shows."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="blocks")
    column = models.ForeignKey(ColumnPage, verbose_name="栏目", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(
        "显示条数", default=DEFAULT_BLOCK_SIZE, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    panels = [FieldPanel("column"), FieldPanel("count")]

    class Meta(Orderable.Meta):
        verbose_name = "首页栏目区块"


from .counters import PageViewCount  # noqa: E402, F401  (registers the model with the content app)
