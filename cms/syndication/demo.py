"""Demo pushes and a takedown for ``load_demo``: all three directions, the inbox, a withdrawal.

Idempotent: does nothing once the demo cluster has any push record.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import Site

from cms.content.models import ArticlePage, ColumnPage

from .models import ColumnPushSettings, PushMode, PushRecord, TakedownKind
from .push import accept, push
from .takedown import take_down


def _column(site: Site, slug: str) -> ColumnPage:
    return ColumnPage.objects.get(url_path=f"{site.root_page.url_path}{slug}/")


def _latest(site: Site, slug: str, offset: int = 0) -> ArticlePage | None:
    items = ArticlePage.objects.child_of(_column(site, slug)).live().order_by("-publication_date", "-pk")
    return items[offset : offset + 1].first()


def load_syndication_demo(sites: dict[str, Site]) -> int:
    """Returns the number of push records created."""
    if PushRecord.objects.exists():
        return 0
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    portal = sites["portal"]
    townships = [sites[key] for key in ("shuiyang", "liqiao", "chengjiang")]

    # Down (转发): townships' 通知公告 take the portal's notices without review.
    for township in townships:
        settings, _ = ColumnPushSettings.objects.get_or_create(column=_column(township, "tzgg"))
        settings.auto_accept_from.add(portal)
    notice = _latest(portal, "tzgg")
    if notice:
        push(notice, [_column(t, "tzgg") for t in townships], PushMode.ALIAS, admin, note="请各乡镇转发")

    # Up (信息报送): townships submit to 乡镇动态; one adopted, one waiting in the inbox.
    submitted = []
    for key in ("shuiyang", "liqiao"):
        item = _latest(sites[key], "gzdt")
        if item:
            submitted += push(item, [_column(portal, "ywdt/xzdt")], PushMode.COPY, admin, note="报送区政府门户")
    if submitted:
        accept(submitted[0].record, admin)

    # Across: the education bureau shares with the health commission (pending).
    item = _latest(sites["jyj"], "gzdt")
    if item:
        push(item, [_column(sites["wjw"], "gzdt")], PushMode.ALIAS, admin, note="供参考")

    # A department item adopted by the portal, then withdrawn everywhere (撤销 notice).
    item = _latest(sites["sjj"], "gzdt")
    if item:
        [outcome] = push(item, [_column(portal, "ywdt/bmdt")], PushMode.ALIAS, admin)
        accept(outcome.record, admin)
        take_down(item, TakedownKind.WITHDRAWN, "信息内容有误，已重新核实后另行发布。", admin)
    return PushRecord.objects.count()
