"""New items get the conventional tYYYYMMDD_N slug on every creation path, never a collision,
and the admin neither autosaves a draft nor says anything about slugs in English."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.content.models import ArticlePage
from cms.content.slugs import allocate_article_slug
from tests.conftest import column_of, publish_article
from tests.workflow.test_admin import edit_form


def new_article(column, title: str, when: datetime | None = None) -> ArticlePage:
    page = ArticlePage(title=title, publication_date=when or timezone.now(), body="<p>正文</p>", live=False)
    column.add_child(instance=page)
    return page


def today_prefix() -> str:
    return f"t{timezone.localdate():%Y%m%d}_"


class TestAllocation:
    def test_numbers_follow_the_highest_of_the_day_and_restart_each_day(self, township):
        column = column_of(township, "tzgg")
        day = timezone.make_aware(datetime(2023, 8, 22, 10))
        first, second = new_article(column, "甲", day), new_article(column, "甲", day)
        other_day = new_article(column, "乙", timezone.make_aware(datetime(2023, 8, 23, 10)))
        assert (first.slug, second.slug, other_day.slug) == ("t20230822_1", "t20230822_2", "t20230823_1")
        ArticlePage.objects.filter(pk=first.pk).update(slug="t20230822_7")  # a gap left by an edit
        assert new_article(column, "丙", day).slug == "t20230822_8"

    def test_a_slug_given_by_the_caller_is_kept(self, township):
        assert publish_article(column_of(township, "tzgg"), "自定", slug="custom").slug == "custom"

    def test_the_column_row_is_locked(self, township):
        column = column_of(township, "tzgg")
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            allocate_article_slug(column, timezone.localdate())
        assert any("FOR UPDATE" in q["sql"] and str(column.pk) in q["sql"] for q in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI runs it)")
def test_items_created_at_once_in_one_column_get_different_slugs(seeded_transactional_db, township):
    column = column_of(township, "tzgg")
    barrier = threading.Barrier(6)
    slugs: list[str] = []
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            barrier.wait()
            slugs.append(new_article(type(column).objects.get(pk=column.pk), f"同题{n}").slug)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(slugs) == sorted(f"{today_prefix()}{n}" for n in range(1, 7))


class TestAdminForm:
    def add_url(self, column) -> str:
        return reverse("wagtailadmin_pages:add", args=["content", "articlepage", column.pk])

    def test_two_new_items_with_one_title_get_conventional_slugs_whatever_the_browser_sent(
        self, client, township, make_user
    ):
        column = column_of(township, "tzgg")
        client.force_login(make_user(township, "editor"))
        title = "区教育局召开2023年秋季开学工作会议"
        for _ in range(2):
            form = edit_form(ArticlePage(title=title, slug=title, publication_date=timezone.now()), "正文")
            response = client.post(self.add_url(column), form, follow=True)
            assert response.status_code == 200
            assert "already in use" not in response.content.decode()
        slugs = sorted(ArticlePage.objects.child_of(column).filter(title=title).values_list("slug", flat=True))
        assert slugs == [f"{today_prefix()}1", f"{today_prefix()}2"]

    def test_the_create_form_does_not_autosave_and_says_the_slug_is_automatic(self, client, township, make_user):
        client.force_login(make_user(township, "editor"))
        html = client.get(self.add_url(column_of(township, "tzgg"))).content.decode()
        assert "data-w-autosave-interval-value" not in html  # the form has no autosave controller
        assert "地址在保存时自动生成" in html

    def test_a_taken_slug_on_edit_is_refused_in_chinese(self, client, township, make_user):
        column = column_of(township, "tzgg")
        taken = publish_article(column, "已有", slug="taken")
        page = publish_article(column, "另一条")
        client.force_login(make_user(township, "editor"))
        form = edit_form(page, "正文")
        form["slug"] = taken.slug
        html = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form).content.decode()
        # Wagtail's own check, in Chinese from locale/zh_Hans.
        assert "缩略名“taken”已被同一父页面下的其他页面使用" in html
        assert "already in use" not in html
        assert ArticlePage.objects.get(pk=page.pk).slug != "taken"
