"""The admin form of articles (``ArticlePage.base_form_class``)."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm

from cms.disclosure.metadata import DisclosureTerm

AUTOMATIC_SLUG_HELP = "新建信息的地址在保存时自动生成，如 t20230822_1。"


class ArticlePageForm(WagtailAdminPageForm):
    """A new item gets its slug when it is saved (``cms.content.slugs``), not from its title, and
    starts with its column's defaults: 纳入目录 by column type (then 公开时限 长期公开), 发布机构 the
    column's 责任单位."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            return
        slug = self.fields.get("slug")
        if slug is not None:
            # Disabled: whatever the title-to-slug script typed is ignored; the page's save allocates it.
            slug.disabled = True
            slug.required = False
            slug.help_text = AUTOMATIC_SLUG_HELP
        column = self.parent_page.specific if self.parent_page is not None else None
        if hasattr(column, "responsible_organisation_ids"):  # a ColumnPage (models import this module)
            if column.items_in_catalogue_by_default:
                self.initial["in_catalogue"] = True
                # Most items a column publishes stay public for good; the editor changes it when not.
                if not self.initial.get("disclosure_term"):
                    self.initial["disclosure_term"] = DisclosureTerm.LONG_TERM
            if not self.instance.issuing_organisation_id and (owners := column.responsible_organisation_ids()):
                self.initial["issuing_organisation"] = owners[0]
