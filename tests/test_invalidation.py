"""Every kind of change retires exactly what shows it: no cached page is ever stale, and the
sites the change does not touch keep their cache (sites.page_cache, sites.handlers).

The oracle: after a change, every public URL of three sites is requested twice — as a
reader served from the cache, and by a request that bypasses it (it carries a session
cookie) — and the two answers must be the same page. A dependency a page forgot to
declare shows up here as a cached answer that differs from the live one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from cms.applications.models import ApplicationPage
from cms.consultations.actions import ApproveCommentAction
from cms.content.models import ArticlePage, ColumnPage
from cms.letters.actions import AcceptLetterAction, ApproveReplyAction, SubmitReplyAction
from cms.syndication.models import PushMode
from cms.syndication.push import accept, push
from cms.syndication.takedown import restore, take_down
from core.publishing import review_waived
from sites.models import SiteAppearance, SiteProfile

from .conftest import column_of, publish_article
from .consultations.conftest import make_consultation, submit_comment
from .letters.conftest import mailbox_of, write_letter

pytestmark = pytest.mark.django_db


@dataclass
class Cluster:
    portal: object
    township: object
    department: object
    item: ArticlePage  # the township's item, pushed to the portal as an alias and to the department as a copy
    other: ArticlePage  # an item of another township column
    people: dict

    @property
    def sites(self):
        return (self.portal, self.township, self.department)


def urls_of(site) -> list[str]:
    """Every public page of ``site`` a reader may be served from the cache (the application form,
    which carries a CSRF token, never is) and its mailbox statistics."""
    pages = Page.objects.descendant_of(site.root_page, inclusive=True).live().public().specific()
    paths = [page.get_url_parts()[2] for page in pages if not isinstance(page, ApplicationPage)]
    paths.append(f"{mailbox_of(site).get_url_parts()[2]}stats/")
    return paths


def read(client: Client, site, path: str):
    return client.get(path, HTTP_HOST=site.hostname)


def warm(cluster: Cluster) -> dict:
    """Request every URL once: the cache keeps what may be kept."""
    urls = {site.hostname: urls_of(site) for site in cluster.sites}
    urls[cluster.portal.hostname].append("/search/?q=防汛")  # the cluster's search lists every site
    reader = Client()
    for site in cluster.sites:
        for path in urls[site.hostname]:
            read(reader, site, path)
    return urls


def stale_and_hits(cluster: Cluster, urls: dict) -> tuple[list[str], dict[str, set[str]]]:
    """(URLs whose cached answer differs from the live page, URLs answered from the cache per host).

    A miss is rendered from the database, so only hits need the comparison."""
    reader, live = Client(), Client()
    live.cookies["sessionid"] = "not-a-session"  # any session cookie bypasses the page cache
    stale, hits = [], {site.hostname: set() for site in cluster.sites}
    for site in cluster.sites:
        for path in urls[site.hostname]:
            cached = read(reader, site, path)
            if cached.get("X-Page-Cache") == "hit":
                hits[site.hostname].add(path)
                if cached.content != read(live, site, path).content:
                    stale.append(f"{site.hostname}{path}")
    return stale, hits


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the changes defer to after commit (cache retirement, tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cluster(portal, township, department, make_user, committed):
    people = {
        "township": make_user(township, "reviewer", username="sy_reviewer"),
        "portal": make_user(portal, "reviewer", username="portal_reviewer"),
        "department": make_user(department, "reviewer", username="jyj_reviewer"),
        "department_editor": make_user(department, "editor", username="jyj_editor"),
        "info_center": make_user(None, "信息中心", username="xxzx"),
    }
    with committed():
        item = publish_article(column_of(township, "gzdt"), "水阳镇开展防汛应急演练", slug="fxyl")
        other = publish_article(column_of(township, "tzgg"), "水阳镇关于秋季防火的通知", slug="fhtz")
        publish_article(column_of(department, "gzdt"), "教育局召开防汛安全会议", slug="fxaq")
        outcomes = push(
            item, [column_of(portal, "ywdt/xzdt"), column_of(department, "gzdt")], PushMode.ALIAS, people["township"]
        )
        for outcome in outcomes:
            accept(outcome.record, people["portal" if outcome.site == portal else "department"])
    return Cluster(portal, township, department, item, other, people)


def _publish_new(c: Cluster) -> None:
    publish_article(column_of(c.township, "gzdt"), "水阳镇新发布的防汛信息", slug="xfb")


def _retitle(c: Cluster) -> None:
    page = ArticlePage.objects.get(pk=c.item.pk)
    page.title = "水阳镇开展防汛应急演练（更新）"
    with review_waived("测试数据"):
        page.save_revision().publish()


def _unpublish(c: Cluster) -> None:
    ArticlePage.objects.get(pk=c.other.pk).unpublish()


def _delete(c: Cluster) -> None:
    ArticlePage.objects.get(pk=c.other.pk).delete()


def _move(c: Cluster) -> None:
    with review_waived("测试数据"):
        ArticlePage.objects.get(pk=c.other.pk).move(column_of(c.township, "gzdt"), pos="last-child")


def _rename_column(c: Cluster) -> None:
    column = column_of(c.township, "gzdt")
    column.title = "本镇动态"
    with review_waived("测试数据"):
        column.save_revision().publish()


def _first_item_of_an_empty_menu_column(c: Cluster) -> None:
    empty = next(
        column
        for column in ColumnPage.objects.child_of(c.township.root_page).live().in_menu()
        if not ArticlePage.objects.descendant_of(column).live().exists() and column.column_type != "interaction"
    )
    publish_article(empty, "空栏目的第一条信息", slug="dyt")


def _appearance(c: Cluster) -> None:
    appearance = SiteAppearance.for_site(c.township)
    appearance.sponsor_line = "水阳镇人民政府办公室主办"
    appearance.save()


def _rename_site(c: Cluster) -> None:
    profile = SiteProfile.objects.get(site=c.township)
    profile.sponsor = "水阳镇人民政府（新）"
    profile.save()


def _take_down(c: Cluster) -> None:
    take_down(c.item, "gone", "信息有误，撤下", c.people["info_center"])


def _restrict(c: Cluster) -> None:
    PageViewRestriction.objects.create(page=ArticlePage.objects.get(pk=c.other.pk), restriction_type="login")


def _letter_reply(c: Cluster) -> None:
    letter, _ = write_letter(c.department, subject="学校防汛安全咨询")
    AcceptLetterAction(letter, c.people["department_editor"]).execute()
    SubmitReplyAction(letter, c.people["department_editor"], reply="您好，已安排检查。").execute()
    ApproveReplyAction(letter, c.people["department"], make_public=True).execute()


def _comment_published(c: Cluster) -> None:
    consultation = make_consultation(c.department, title="关于学区划分的意见征集")
    comment = submit_comment(consultation, content="建议把新建小区划入第一学区。")
    ApproveCommentAction(comment, user=c.people["department"]).execute()


# (change, the sites whose cache it must leave alone)
CHANGES: dict[str, tuple[Callable[[Cluster], None], tuple[str, ...]]] = {
    "publish": (_publish_new, ("department",)),
    "republish with a new title (and its aliases)": (_retitle, ()),
    "unpublish": (_unpublish, ("department",)),
    "delete": (_delete, ("department",)),
    "move": (_move, ("department",)),
    "rename a column": (_rename_column, ("department",)),
    "first item of an empty menu column": (_first_item_of_an_empty_menu_column, ("department",)),
    "site appearance": (_appearance, ("department", "portal")),
    "site profile": (_rename_site, ()),
    "take down an item with its aliases": (_take_down, ()),
    "view restriction": (_restrict, ()),
    "public letter reply": (_letter_reply, ("township",)),
    "consultation comment published": (_comment_published, ("township",)),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_no_cached_page_is_stale_after_a_change_and_untouched_sites_stay_cached(cluster, committed, change):
    urls = warm(cluster)
    make_change, untouched = CHANGES[change]
    with committed():
        make_change(cluster)
    stale, hits = stale_and_hits(cluster, urls)
    assert stale == []
    for name in untouched:
        site = getattr(cluster, name)
        assert set(urls[site.hostname]) - hits[site.hostname] == set(), f"{name} lost its cache"


def test_a_publish_keeps_the_rest_of_its_own_site_cached(cluster, committed):
    urls = warm(cluster)
    with committed():
        _publish_new(cluster)
    stale, hits = stale_and_hits(cluster, urls)
    assert stale == []
    kept = hits[cluster.township.hostname]
    other_column = column_of(cluster.township, "tzgg").get_url_parts()[2]
    assert other_column in kept and f"{other_column}fhtz/" in kept
    assert "/" not in kept and column_of(cluster.township, "gzdt").get_url_parts()[2] not in kept


def test_restore_brings_the_item_back_everywhere(cluster, committed):
    with committed():
        _take_down(cluster)
    urls = warm(cluster)
    with committed():
        restore(cluster.item, cluster.people["info_center"], "核实无误，恢复")
    stale, _ = stale_and_hits(cluster, urls)
    assert stale == []
