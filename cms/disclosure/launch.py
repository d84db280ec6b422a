"""The disclosure part of the launch checklist (``sites.launch``): the site's 政府信息公开指南 is written."""

from __future__ import annotations

from wagtail.models import Site

from core.text import plain_text

from .models import DisclosureInfoKind, DisclosureInfoPage


def guide_findings(site: Site, **kwargs) -> list[str]:
    """A finding unless the site has a published guide with text (《政府信息公开条例》第十二条)."""
    guide = (
        DisclosureInfoPage.objects.descendant_of(site.root_page)
        .filter(kind=DisclosureInfoKind.GUIDE)
        .live()
        .only("title", "body")
        .first()
    )
    if guide is None:
        return ["本站没有已发布的“政府信息公开指南”：请在政府信息公开栏目中添加并发布。"]
    if not plain_text(guide.body, 1):
        return [
            f"“{guide.title}”尚无正文：请填写主动公开的范围和方式、依申请公开的程序、收费、监督和救济等内容后发布。"
        ]
    return []
