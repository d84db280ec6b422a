"""Demo 网站监管: a cluster an info center would recognise on its board.

The demo's corpus items carry their sources' real dates (years back), so without more every
site would be vetoed on 首页更新. This adds each site's recent 工作动态 and one 通知 through
the real publishing path, dated relative to the load, and then the faults the board is for:

- 水阳镇 last published 11 days ago: **amber** on 首页更新 (veto after 14);
- 区卫生健康委员会 links the former 卫生局 site, whose domain no longer exists (``.invalid``
  never resolves, RFC 2606), found broken by two real runs of the link checker, and has two
  blank columns (统计信息, 人事信息) besides;

then recomputes every indicator, so the board shows them at once — first as of each week of
the last quarter (the 每月通报's history: what the rules find in today's content as dated
then), then today.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Site

from cms.content.models import ArticlePage, ColumnPage, ColumnType, HomePage
from cms.linkcheck.actions import CheckExternalLinksAction
from core.publishing import review_waived

from .actions import RecomputeIndicatorsAction
from .models import ScoreSnapshot

# (days ago, title) of each site's recent news; {name} is the site's short name.
NEWS = (
    (1, "{name}召开冬季安全生产工作部署会"),
    (2, "{name}开展冬春季森林防火和安全用电宣传"),
    (4, "{name}组织干部职工专题学习《中华人民共和国政府信息公开条例》"),
    (6, "{name}召开第四季度重点工作推进会"),
)
NOTICE = (10, "{name}关于2027年元旦假期值班安排的通知")
AMBER_SITE, AMBER_AGE = "shuiyang", 11  # its news moved this many days back: amber, not yet a veto
BROKEN_LINK_SITE = "wjw"
BLANK_COLUMNS = (("tjxx", "统计信息"), ("rsxx", "人事信息"))
GONE_SITE = "http://wsj.xuanzhou.invalid/"
HISTORY_WEEKS = 13
BROKEN_LINK_TITLE = "关于原区卫生局网站历史信息查阅的说明"


def load_monitoring_demo(sites: dict[str, Site]) -> int:
    """The recent items and the faults above, then every site's indicators; how many items were added."""
    added = 0
    for key, site in sites.items():
        shift = AMBER_AGE - 1 if key == AMBER_SITE else 0
        for column, title, days, body in recent_items(site):
            added += _publish(column, title, days + shift, body)
    faulty = sites.get(BROKEN_LINK_SITE)
    if faulty is not None:
        added += _broken_link_and_blank_columns(faulty)
    now = timezone.now()
    if not ScoreSnapshot.objects.filter(date__lt=timezone.localdate(now)).exists():
        for weeks in range(HISTORY_WEEKS, 0, -1):
            RecomputeIndicatorsAction(now=now - timedelta(weeks=weeks)).execute()
    RecomputeIndicatorsAction().execute()
    return added


def recent_items(site: Site) -> list[tuple[ColumnPage, str, int, str]]:
    """(column, title, days ago, body) of the site's recent news and notice."""
    name = site.site_name
    items = []
    news = _home_news_column(site)
    if news is not None:
        items += [(news, title.format(name=name), days, _news_body(name)) for days, title in NEWS]
    notices = _column_of_type(site, ColumnType.NOTICE)
    if notices is not None:
        days, title = NOTICE
        items.append((notices, title.format(name=name), days, _notice_body(name)))
    return items


def _broken_link_and_blank_columns(site: Site) -> int:
    added = 0
    news = _home_news_column(site)
    if news is not None:
        body = (
            "<p>原区卫生局网站已随机构改革整合，其历史信息正迁移至本网站。需查阅原卫生局发布的"
            f'办事指南，可访问<a href="{GONE_SITE}">原区卫生局网站</a>。</p>'
        )
        added += _publish(news, BROKEN_LINK_TITLE, 20, body)
    root = site.root_page
    for slug, title in BLANK_COLUMNS:
        if not ColumnPage.objects.child_of(root).filter(slug=slug).exists():
            column = ColumnPage(title=title, slug=slug, column_type=ColumnType.NOTICE, live=False)
            root.add_child(instance=column)
            with review_waived("演示内容"):
                column.save_revision().publish()
    # Two daily runs of the checker, as the scheduler makes them (the second a day later): a
    # link counts as broken after two failed checks in a row.
    now = timezone.now()
    CheckExternalLinksAction(site, now=now).execute()
    CheckExternalLinksAction(site, now=now + timedelta(days=1)).execute()
    return added


def _home_news_column(site: Site) -> ColumnPage | None:
    """A news column without sub-columns inside the home page's blocks: its items freshen the home page."""
    home = HomePage.objects.get(pk=site.root_page_id)
    for column, _count in home.home_blocks():
        leaf = _leaf_of_type(ColumnPage.objects.descendant_of(column, inclusive=True), ColumnType.NEWS)
        if leaf is not None:
            return leaf
    return _column_of_type(site, ColumnType.NEWS)


def _column_of_type(site: Site, column_type: str) -> ColumnPage | None:
    return _leaf_of_type(ColumnPage.objects.descendant_of(site.root_page), column_type)


def _leaf_of_type(columns, column_type: str) -> ColumnPage | None:
    """The first of ``columns`` of that type with no sub-column (its items are its own)."""
    for column in columns.filter(column_type=column_type).order_by("path"):
        if not ColumnPage.objects.child_of(column).exists():
            return column
    return None


def _publish(column: ColumnPage, title: str, days_ago: int, body: str) -> int:
    if ArticlePage.objects.child_of(column).filter(title=title).exists():
        return 0
    when = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(days=days_ago)
    page = ArticlePage(title=title, publication_date=when, body=body, source=column.get_site().site_name, live=False)
    column.add_child(instance=page)
    with review_waived("演示内容"):
        page.save_revision().publish()
    return 1


def _news_body(name: str) -> str:
    return (
        f"<p>近日，{name}召开专题会议，传达学习上级有关文件精神，研究部署近期重点工作。</p>"
        "<p>会议要求，各部门要压实责任、细化措施，确保各项工作按时保质完成，"
        "并及时通过政府网站公开工作进展，接受群众监督。</p>"
    )


def _notice_body(name: str) -> str:
    return (
        "<p>根据国务院办公厅关于2027年部分节假日安排的通知，结合工作实际，现将元旦假期值班安排通知如下：</p>"
        f"<p>一、假期期间，{name}实行24小时值班和领导带班制度，值班电话保持畅通。</p>"
        "<p>二、遇有突发事件，值班人员要按规定及时报告并妥善处置。</p>"
    )
