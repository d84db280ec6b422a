"""Home pages: latest items of chosen columns, the banner, and 站群导航."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cms.content.models import HomeBlock
from sites.services import close_subsite

from ..conftest import column_of, publish_article


class TestBlocks:
    def test_without_choices_the_news_notice_and_policy_columns_are_shown(self, client, township):
        publish_article(column_of(township, "gzdt"), "水阳镇召开防汛会议")
        response = client.get("/", HTTP_HOST=township.hostname)
        titles = [column.title for column, _ in response.context["blocks"]]
        assert titles == ["工作动态", "通知公告"]
        assert "水阳镇召开防汛会议" in response.content.decode()

    def test_editors_choose_columns_and_counts(self, client, township):
        notices = column_of(township, "tzgg")
        now = timezone.now()
        for n in range(4):
            publish_article(notices, f"通知{n}", now - timedelta(days=n))
        HomeBlock.objects.create(page=township.root_page.specific, column=notices, count=2, sort_order=0)
        response = client.get("/", HTTP_HOST=township.hostname)
        [(column, items)] = response.context["blocks"]
        assert column.title == "通知公告"
        assert [item.title for item in items] == ["通知0", "通知1"]

    def test_a_parent_column_block_includes_its_subcolumns_items(self, client, portal):
        publish_article(column_of(portal, "ywdt/zwyw"), "区政府常务会议召开")
        response = client.get("/", HTTP_HOST=portal.hostname)
        news = dict((column.title, items) for column, items in response.context["blocks"])["要闻动态"]
        assert [item.title for item in news] == ["区政府常务会议召开"]


class TestClusterNavigation:
    def test_lists_every_open_subsite_grouped_by_type(self, client, portal, township, department, make_site):
        gone = make_site("liqiao.example.gov.cn", "township", name="狸桥镇人民政府")
        close_subsite(gone, notice="已关停")
        html = client.get("/", HTTP_HOST=portal.hostname).content.decode()
        section = html[html.index("站群导航") :]
        assert section.index("乡镇街道") < section.index("水阳镇人民政府") < section.index("部门网站")
        assert section.index("部门网站") < section.index("宣州区教育局")
        assert f'href="{township.root_url}/"' in section
        assert "狸桥镇人民政府" not in section
        assert "门户网站" not in section  # the portal does not list itself

    def test_a_subsite_is_not_listed_on_itself(self, client, portal, township, department):
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        section = html[html.index("站群导航") :]
        assert "宣州区教育局" in section and f'href="{township.root_url}/"' not in section

    def test_a_subsites_navigation_links_the_portal_first(self, client, portal, township, department):
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        section = html[html.index("站群导航") :]
        assert section.index("门户网站") < section.index(portal.site_name) < section.index("部门网站")
        assert f'href="{portal.root_url}/"' in section
