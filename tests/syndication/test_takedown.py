"""一键下架: one call reaches the source, every alias, every copy and every pending push, in every site."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from cms.syndication.errors import SyndicationError
from cms.syndication.models import PushMode, PushRecord, PushStatus, Takedown, TakedownKind, TakedownPage
from cms.syndication.push import accept, push
from cms.syndication.selectors import exclude_taken_down
from cms.syndication.signals import takedown_changed
from cms.syndication.takedown import restore, take_down
from core.publishing import review_waived

from ..conftest import column_of, publish_article
from .conftest import fetch, url_of

pytestmark = pytest.mark.django_db
BODY = "全镇干部群众参加"


@pytest.fixture
def spread(portal, township, department, department2, item, editor_of):
    """The township's item as an accepted alias in the portal, an accepted copy in a
    department, that copy pushed on (accepted) to another department, and a pending
    push to the portal's 通知公告."""
    township_editor = editor_of(township)
    alias_push, copy_push, pending = (
        o.record
        for o in push(
            item,
            [column_of(portal, "ywdt/xzdt"), column_of(department, "gzdt"), column_of(portal, "tzgg")],
            PushMode.ALIAS,
            township_editor,
        )
    )
    copy_push.mode = PushMode.COPY
    copy_push.save()
    accept(alias_push, editor_of(portal))
    accept(copy_push, editor_of(department))
    alias_push.refresh_from_db()
    copy_push.refresh_from_db()
    [onward] = push(copy_push.resulting_page, [column_of(department2, "gzdt")], PushMode.ALIAS, editor_of(department))
    accept(onward.record, editor_of(department2))
    onward.record.refresh_from_db()
    return {
        "pages": [item, alias_push.resulting_page, copy_push.resulting_page, onward.record.resulting_page],
        "pending": pending,
    }


def served(client, page) -> tuple[int, str]:
    response = fetch(client, page)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


def test_withdrawn_keeps_every_url_with_a_dated_notice_and_lists_it_nowhere(
    client, township, info_center, spread, committed
):
    pages = spread["pages"]
    for page in pages:  # warm the anonymous page cache: it must not keep serving the content
        assert BODY in served(client, page)[1]
        assert fetch(client, page)["X-Page-Cache"] == "hit"
    replacement = publish_article(column_of(township, "gzdt"), "防汛应急演练（更正）", slug="fxyl2")

    with committed():
        result = take_down(pages[0], TakedownKind.WITHDRAWN, "演练信息有误", info_center, replacement=replacement)

    assert result.created and {row.page_id for row in result.pages} == {p.pk for p in pages}
    for page in pages:
        status, html = served(client, page)
        assert status == 200
        assert "【已撤销】水阳镇开展防汛应急演练" in html and "撤销理由：演练信息有误" in html
        assert BODY not in html
        assert "本信息已于" in html and 'fxyl2/">防汛应急演练（更正）</a>' in html
    spread["pending"].refresh_from_db()
    assert spread["pending"].status == PushStatus.WITHDRAWN
    # Listed nowhere: column pages, RSS, sitemap; exclude_taken_down for search.
    for page in pages:
        host, path = url_of(page)
        column_path = path.rsplit("/", 2)[0] + "/"
        assert path not in client.get(column_path, HTTP_HOST=host).content.decode()
        assert path not in client.get("/rss.xml", HTTP_HOST=host).content.decode()
        assert path not in client.get("/sitemap.xml", HTTP_HOST=host).content.decode()
    assert not exclude_taken_down(Page.objects.filter(pk__in=[p.pk for p in pages])).exists()


@pytest.mark.parametrize(("kind", "status"), [(TakedownKind.GONE, 410), (TakedownKind.VANISH, 404)])
def test_gone_and_vanish_take_every_copy_and_alias_offline(client, info_center, spread, kind, status, committed):
    pages = spread["pages"]
    for page in pages:
        served(client, page)

    with committed():
        take_down(pages[0], kind, "涉密信息", info_center)

    for page in pages:
        assert served(client, page) == (status, "")
        assert Page.objects.get(pk=page.pk).live is False
    if kind == TakedownKind.VANISH:
        assert "涉密信息" not in fetch(client, pages[1]).content.decode()


def test_redirect_sends_readers_of_every_copy_to_the_replacement(client, portal, info_center, spread, committed):
    replacement = publish_article(column_of(portal, "tzgg"), "最新通知", slug="zxtz")
    for page in spread["pages"]:
        served(client, page)
    with committed():
        take_down(spread["pages"][0], TakedownKind.REDIRECT, "已被新通知取代", info_center, replacement=replacement)
    for page in spread["pages"]:
        response = fetch(client, page)
        assert response.status_code == 302
        assert response["Location"].endswith("/tzgg/zxtz/")


def test_redirect_needs_a_target_and_a_reason_is_always_required(info_center, item):
    with pytest.raises(SyndicationError, match="必须指定跳转目标"):
        take_down(item, TakedownKind.REDIRECT, "取代", info_center)
    with pytest.raises(SyndicationError, match="请填写下架理由"):
        take_down(item, TakedownKind.GONE, " ", info_center)
    assert not Takedown.objects.exists()


def test_take_down_is_idempotent(info_center, spread):
    first = take_down(spread["pages"][0], TakedownKind.GONE, "错误", info_center)
    second = take_down(spread["pages"][0], TakedownKind.GONE, "错误", info_center)
    assert second.takedown == first.takedown and not second.created
    assert "无需重复操作" in second.summary
    assert Takedown.objects.count() == 1 and TakedownPage.objects.count() == 4


def test_restore_brings_back_exactly_what_was_taken_down(client, info_center, township, spread, editor_of, committed):
    pages = spread["pages"]
    draft_alias = Page.objects.get(pk=pages[3].pk)
    draft_alias.live = False  # offline before the takedown: must stay offline after restore
    draft_alias.save()
    before = {p.pk: p.live for p in Page.objects.filter(pk__in=[p.pk for p in pages])}
    with committed():
        take_down(pages[0], TakedownKind.GONE, "错误", info_center)
    assert all(served(client, page)[0] == 410 for page in pages[:3])

    with committed():
        restore(pages[0], info_center, "核实无误")  # the info center's takedown: the info center restores it

    assert {p.pk: p.live for p in Page.objects.filter(pk__in=before)} == before
    for page in pages[:3]:
        assert BODY in served(client, page)[1]
    spread["pending"].refresh_from_db()
    assert spread["pending"].status == PushStatus.PENDING
    assert not exclude_taken_down(Page.objects.filter(pk__in=before)).count() < 4
    with pytest.raises(SyndicationError, match="没有被下架"):
        restore(pages[0], info_center, "再次恢复")


def test_restoring_a_copys_takedown_leaves_what_the_sources_takedown_holds(info_center, spread, committed):
    source, _alias, copy, onward = spread["pages"]
    with committed():
        take_down(copy, TakedownKind.GONE, "副本有误", info_center)
    with committed():
        take_down(source, TakedownKind.GONE, "原文撤回", info_center)
    with committed():
        restore(copy, info_center, "副本已更正")
    assert not Page.objects.filter(pk__in=[copy.pk, onward.pk], live=True).exists()


def test_a_pending_push_of_a_taken_down_item_cannot_be_accepted_nor_the_item_pushed(
    portal, department, info_center, spread, editor_of, township
):
    take_down(spread["pages"][0], TakedownKind.WITHDRAWN, "撤销", info_center)
    with pytest.raises(SyndicationError, match="已撤回"):
        accept(spread["pending"], editor_of(portal))
    with pytest.raises(SyndicationError, match="已被下架"):
        push(spread["pages"][0], [column_of(portal, "zcwj")], PushMode.ALIAS, editor_of(township))


def test_the_takedown_records_reason_actor_time_and_every_page(info_center, spread):
    result = take_down(spread["pages"][0], TakedownKind.GONE, "信息有误", info_center)
    takedown = result.takedown
    assert (takedown.reason, takedown.actor, takedown.kind) == ("信息有误", info_center, TakedownKind.GONE)
    assert takedown.created_at is not None
    assert sorted(takedown.pages.values_list("path", flat=True)) == sorted(url_of(p)[1] for p in spread["pages"])
    assert len({row.site_id for row in result.pages}) == 4
    assert "4 个网站的 4 个页面" in result.summary


def test_a_withdrawal_and_its_restore_send_takedown_changed_after_commit(
    info_center, spread, django_capture_on_commit_callbacks
):
    """A withdrawn page stays live, so Wagtail sends nothing: listeners (search) hear it from us."""
    received = []

    def listener(sender, page_ids, **kwargs):
        received.append(sorted(page_ids))

    takedown_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            take_down(spread["pages"][0], TakedownKind.WITHDRAWN, "错误", info_center)
        assert received == []
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            restore(spread["pages"][0], info_center, "恢复")
    finally:
        takedown_changed.disconnect(listener)
    ids = sorted(p.pk for p in spread["pages"])
    assert received == [ids, ids]


def test_going_offline_and_back_is_wagtails_own_unpublish_and_publish(info_center, spread, committed):
    """So Wagtail's signals (search, caches, frontend purge) and audit log see every page."""
    from wagtail.models import PageLogEntry
    from wagtail.signals import page_published, page_unpublished

    unpublished, published = [], []

    def on_unpublished(sender, instance, **kwargs):
        unpublished.append(instance.pk)

    def on_published(sender, instance, **kwargs):
        published.append(instance.pk)

    page_unpublished.connect(on_unpublished)
    page_published.connect(on_published)
    try:
        with committed():  # the Wagtail part runs in a background task, after commit
            take_down(spread["pages"][0], TakedownKind.GONE, "错误", info_center)
        with committed():
            restore(spread["pages"][0], info_center, "核实无误")
    finally:
        page_unpublished.disconnect(on_unpublished)
        page_published.disconnect(on_published)
    ids = {p.pk for p in spread["pages"]}
    assert set(unpublished) == ids and set(published) == ids
    item = spread["pages"][0]
    actions = list(PageLogEntry.objects.filter(page=item).values_list("action", "user"))
    assert ("wagtail.unpublish", info_center.pk) in actions
    assert ("syndication.republish", info_center.pk) in actions
    assert Page.objects.filter(pk__in=ids, live=True).count() == 4


# --- permissions ----------------------------------------------------------------------


def test_a_site_publisher_takes_down_what_the_site_published_but_not_another_sites_item(
    township, department, item, editor_of
):
    with pytest.raises(PermissionDenied):
        take_down(item, TakedownKind.GONE, "越权", editor_of(department))
    assert not Takedown.objects.exists()
    assert take_down(item, TakedownKind.GONE, "本站撤回", editor_of(township, "reviewer")).created


def test_the_info_center_takes_down_anything_anywhere(department, info_center):
    item = publish_article(column_of(department, "gzdt"), "教育局信息", slug="jy")
    assert take_down(item, TakedownKind.VANISH, "紧急下架", info_center).created


def test_restore_follows_the_same_permission(township, department, item, editor_of, info_center):
    take_down(item, TakedownKind.GONE, "错误", info_center)
    with pytest.raises(PermissionDenied):
        restore(item, editor_of(department), "恢复")


# --- atomicity -------------------------------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="uses a PostgreSQL trigger to fail midway")
def test_a_failure_midway_leaves_everything_as_it_was(info_center, spread):
    """The database itself refuses the last write (withdrawing the pushes), after the
    pages were already taken offline in the same transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_withdraw() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'simulated failure'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_withdraw BEFORE UPDATE ON syndication_pushrecord
            FOR EACH ROW WHEN (NEW.status = 'withdrawn') EXECUTE FUNCTION refuse_withdraw();
            """
        )
    before_live = dict(Page.objects.filter(pk__in=[p.pk for p in spread["pages"]]).values_list("pk", "live"))
    before_push = dict(PushRecord.objects.values_list("pk", "status"))

    with pytest.raises(Exception, match="simulated failure"):
        take_down(spread["pages"][0], TakedownKind.GONE, "错误", info_center)

    assert dict(Page.objects.filter(pk__in=before_live).values_list("pk", "live")) == before_live
    assert dict(PushRecord.objects.values_list("pk", "status")) == before_push
    assert not Takedown.objects.exists() and not TakedownPage.objects.exists()


# --- subsite closure ---------------------------------------------------------------------


def test_closing_a_subsite_can_withdraw_its_pushed_items_everywhere(
    client, portal, township, item, editor_of, committed
):
    from django.core.management import call_command

    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))
    record.refresh_from_db()

    with committed():
        call_command("close_subsite", township.hostname, notice="本站已整合至区政府门户网站。", withdraw_pushed=True)

    takedown = Takedown.objects.get(item=item)
    assert takedown.kind == TakedownKind.WITHDRAWN and "本站已整合至区政府门户网站" in takedown.reason
    status, html = served(client, record.resulting_page)
    assert status == 200 and "【已撤销】" in html and BODY not in html
    assert fetch(client, item).status_code == 410  # the closed site itself


def test_closing_without_the_flag_leaves_pushed_items_alone(portal, township, item, editor_of):
    from sites.services import close_subsite

    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))
    close_subsite(township, notice="关停")
    assert not Takedown.objects.exists()


def test_a_withdrawn_catalogue_item_leaves_the_catalogue_and_home_page(
    client, portal, department, info_center, committed
):
    from cms.disclosure.models import PolicyDocumentPage, Topic

    page = PolicyDocumentPage(
        title="关于印发教育工作要点的通知",
        slug="jygzyd",
        body="<p>正文</p>",
        issuing_organisation=department.profile.organisation,
        topic=Topic.objects.get(parent=None, name="综合政务"),
        genre="通知",
        disclosure_term="long_term",
        date_formed=timezone.localdate(),
        live=False,
    )
    column_of(department, "zcwj").add_child(instance=page)
    with review_waived("测试数据"):
        page.save_revision().publish()
    catalogue = "/api/catalogue/"
    assert client.get(catalogue, HTTP_HOST=portal.hostname).json()["count"] == 1
    assert "jygzyd" in client.get("/", HTTP_HOST=department.hostname).content.decode()

    with committed():
        take_down(page, TakedownKind.WITHDRAWN, "文件已废止", info_center)

    assert client.get(catalogue, HTTP_HOST=portal.hostname).json()["count"] == 0
    assert client.get(catalogue, HTTP_HOST=department.hostname).json()["count"] == 0
    assert "jygzyd" not in client.get("/", HTTP_HOST=department.hostname).content.decode()
    assert "【已撤销】" in fetch(client, page).content.decode()


def test_push_queries_do_not_grow_with_the_number_of_targets_nor_takedown_bookkeeping_with_copies(
    portal, make_site, info_center
):
    """A push is one INSERT for every record; a takedown plans and records in a fixed number of
    queries, then each page costs the same (Wagtail's unpublish of that page)."""
    from django.test.utils import CaptureQueriesContext

    from cms.syndication.models import ColumnPushSettings

    sites = [make_site(f"d{n}.example.gov.cn", name=f"部门{n}") for n in range(6)]
    for site in sites:
        ColumnPushSettings.objects.create(column=column_of(site, "gzdt")).auto_accept_from.add(portal)

    def queries(count: int, slug: str) -> tuple[int, int]:
        item = publish_article(column_of(portal, "tzgg"), f"通知{slug}", slug=slug)
        targets = [column_of(site, "tzgg") for site in sites[:count]]
        with CaptureQueriesContext(connection) as pushing:
            push(item, targets, PushMode.ALIAS, info_center)  # pending: records only
        push(item, [column_of(site, "gzdt") for site in sites[:count]], PushMode.COPY, info_center)
        with CaptureQueriesContext(connection) as taking_down:
            result = take_down(item, TakedownKind.GONE, "撤回", info_center)
        assert len(result.pages) == count + 1
        return len(pushing), len(taking_down)

    queries(1, "warm")  # per-process caches (content types, the actor's permissions)
    (push2, down2), (push4, down4), (push6, down6) = queries(2, "two"), queries(4, "four"), queries(6, "six")
    assert push2 == push4 == push6
    assert down6 - down4 == down4 - down2, "the same number of queries for every further page"


# --- in effect at commit, before the background unpublish -------------------------


@pytest.mark.parametrize(("kind", "status"), [(TakedownKind.GONE, 410), (TakedownKind.VANISH, 404)])
def test_a_takedown_holds_from_its_commit_while_the_worker_has_not_yet_unpublished(
    client, info_center, spread, committed, settings, kind, status
):
    """With a real queue the Wagtail unpublish waits for a worker: until then every page is
    still live, yet answers as taken down, is listed nowhere, and cannot be published."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, never run
    pages = spread["pages"]
    with committed():
        take_down(pages[0], kind, "错误", info_center)

    assert [r.task.name for r in default_task_backend.results] == ["complete_takedown"]
    assert Page.objects.filter(pk__in=[p.pk for p in pages[:3]], live=True).count() == 3, "not yet unpublished"
    assert all(served(client, page)[0] == status for page in pages[:3])
    assert not exclude_taken_down(Page.objects.filter(pk__in=[p.pk for p in pages])).exists()

    # The worker gets to it: the pages go offline through Wagtail and still answer the same.
    with committed():
        default_task_backend.results[0].task.call(*default_task_backend.results[0].args)
    assert not Page.objects.filter(pk__in=[p.pk for p in pages], live=True).exists()
    assert all(served(client, page)[0] == status for page in pages[:3])
