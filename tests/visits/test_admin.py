"""访问统计 in the admin: a site's 站点管理员 sees their own site only, the info center every
site and the cluster; trend chart, top pages, columns, date range in Chinese, XLSX."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.visits.aggregation import aggregate

from ..conftest import USER_PASSWORD, column_of, publish_article
from .test_counting import beacon

DEPARTMENT_HOST = "jyj.example.gov.cn"


@pytest.fixture
def counted(client, township, department):
    """Visits to the township (an article read by 3 readers, its column once) and the department."""
    article = publish_article(column_of(township, "tzgg"), "关于春季防火的通知", slug="fh")
    for n in range(3):
        beacon(client, article.pk, address=f"192.0.2.{n}")
    beacon(client, column_of(township, "tzgg").pk, address="192.0.2.0")  # a reader of the article
    other = publish_article(column_of(department, "tzgg"), "教育局招生通知")
    client.post(f"/api/views/{other.pk}/", HTTP_HOST=DEPARTMENT_HOST, HTTP_USER_AGENT="Mozilla/5.0 Chrome/126.0")
    aggregate()
    return article


def signed_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=USER_PASSWORD)
    return client


def url(site_id: int | None = None, **query) -> str:
    base = f"/admin/visits/{site_id}/" if site_id else "/admin/visits/"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


class TestPermissions:
    def test_a_site_admin_sees_their_site_and_not_another(self, client, make_user, township, department, counted):
        client = signed_in(client, make_user(township, "site_admin"))
        response = client.get(url(township.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert "水阳镇人民政府" in html and "关于春季防火的通知" in html
        assert "教育局招生通知" not in html
        assert client.get(url(department.pk)).status_code == 404
        assert client.get(url(department.pk, export="xlsx")).status_code == 404
        # The index takes a one-site admin straight to their site.
        assert client.get(url()).url == f"/admin/visits/{township.pk}/"

    def test_an_editor_or_a_plain_user_sees_nothing(self, client, make_user, township, counted):
        client = signed_in(client, make_user(township, "editor"))
        assert client.get(url(township.pk)).status_code == 404
        assert client.get(url()).status_code in (302, 403)
        assert "/admin/visits/" not in client.get("/admin/").content.decode()  # no menu item

    def test_anonymous_goes_to_the_login(self, client, township):
        response = client.get(url(township.pk))
        assert response.status_code == 302 and "/admin/login/" in response.url

    def test_the_info_center_sees_the_cluster_and_every_site(self, client, make_user, township, department, counted):
        client = signed_in(client, make_user(None, "信息中心"))
        html = client.get(url()).content.decode()
        assert "全站群" in html and "水阳镇人民政府" in html and "宣州区教育局" in html
        assert "/admin/visits/" in client.get("/admin/").content.decode()  # the menu item
        assert "教育局招生通知" in client.get(url(department.pk)).content.decode()


class TestThePage:
    def test_trend_chart_top_pages_and_columns(self, admin_client, township, counted):
        html = admin_client.get(url(township.pk)).content.decode()
        assert '<svg role="img"' in html and 'class="bar"' in html and "<polyline" in html
        today = timezone.localdate()
        assert f"{today:%Y-%m-%d}：浏览量 4，访客数 3" in html  # the day's bar (3 readers + the column)
        assert "浏览量 <strong>4</strong>，访客数 <strong>3</strong>" in html
        assert "热门页面" in html and "按栏目" in html and "通知公告" in html

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"start": "2026-05-10", "end": "2026-05-01"}, "开始日期不能晚于结束日期。"),
            ({"start": "明天"}, "开始日期格式不对"),
            ({"end": "2026-13-45"}, "结束日期格式不对"),
            ({"start": "2020-01-01", "end": "2022-01-01"}, "统计区间最长 366 天"),
            ({"end": "2999-01-01"}, "结束日期不能晚于今天。"),
        ],
    )
    def test_a_bad_range_is_explained_in_chinese(self, admin_client, township, query, message):
        response = admin_client.get(url(township.pk, **query))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "下面显示最近 30 天的数据" in response.content.decode()

    def test_a_range_shows_its_days(self, admin_client, township, counted):
        today = timezone.localdate()
        start = today - timedelta(days=6)
        html = admin_client.get(url(township.pk, start=f"{start:%Y-%m-%d}", end=f"{today:%Y-%m-%d}")).content.decode()
        assert html.count('<rect class="bar"') == 7
        yesterday = today - timedelta(days=1)
        html = admin_client.get(
            url(township.pk, start=f"{start:%Y-%m-%d}", end=f"{yesterday:%Y-%m-%d}")
        ).content.decode()
        assert "该时段没有访问记录。" in html and "浏览量 <strong>0</strong>" in html


class TestExport:
    def test_the_sites_workbook_has_the_figures(self, admin_client, township, counted):
        response = admin_client.get(url(township.pk, export="xlsx"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["每日访问量", "页面", "栏目"]
        days = list(book["每日访问量"].iter_rows(values_only=True))
        assert days[0] == ("日期", "浏览量", "访客数")
        assert len(days) == 1 + 30
        assert days[-1][0].date() == timezone.localdate() and days[-1][1:] == (4, 3)
        pages = list(book["页面"].iter_rows(values_only=True))
        assert pages[1][0] == "关于春季防火的通知" and pages[1][2:] == (3, 3)
        assert list(book["栏目"].iter_rows(values_only=True))[1][0] == "通知公告"

    def test_the_clusters_workbook_lists_every_site(self, admin_client, township, department, counted):
        book = load_workbook(io.BytesIO(admin_client.get(url(export="xlsx")).content))
        assert book.sheetnames == ["每日访问量", "网站"]
        sites = {row[0]: row[2:] for row in book["网站"].iter_rows(min_row=2, values_only=True)}
        assert sites["水阳镇人民政府"] == (4, 3)
        assert sites["宣州区教育局"] == (1, 1)
        assert list(book["每日访问量"].iter_rows(values_only=True))[-1][1:] == (5, 4)
