"""Every site's 政府信息公开 column: a landing page for its standing pages, which provisioning fills
with a starting text built from the site's own facts (《政府信息公开条例》2019)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cms.disclosure.models import DisclosureInfoKind, DisclosureInfoPage
from cms.disclosure.standing_pages import fill_standing_pages
from core.publishing import review_waived
from sites.models import SiteType

from ..conftest import column_of, publish_article

UNWRITTEN = "本页内容正在编制中"
STANDING = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开目录", "政府信息公开年报")


def standing_page(site, kind: str) -> DisclosureInfoPage:
    return DisclosureInfoPage.objects.descendant_of(site.root_page).get(kind=kind)


@pytest.fixture
def office_site(make_site):
    return make_site(
        "wjw.example.gov.cn",
        SiteType.DEPARTMENT,
        name="宣州区卫生健康委员会",
        contact_address="宣州区鳌峰中路1号",
        contact_phone="0563-3000000",
        contact_email="wjw@example.gov.cn",
        disclosure_office_address="宣州区鳌峰中路1号三楼政务公开办公室",
        disclosure_office_phone="0563-3021888",
        office_hours="工作日上午8:30—12:00，下午14:30—17:30",
    )


class TestStartingTexts:
    def test_the_guide_states_the_sites_own_office_and_the_four_parts(self, client, office_site):
        html = client.get("/xxgk/xxgkzn/", HTTP_HOST=office_site.hostname).content.decode()
        assert UNWRITTEN not in html
        body = html[html.index('class="article-body"') : html.index("</article>")]
        for part in ("主动公开", "依申请公开", "收费", "监督和救济"):
            assert part in body
        organisation = office_site.profile.organisation.name
        for fact in (organisation, "宣州区鳌峰中路1号三楼政务公开办公室", "0563-3021888", "下午14:30—17:30"):
            assert fact in body
        assert "wjw@example.gov.cn" in body
        assert "宣州区卫生健康委员会网站（wjw.example.gov.cn）" in body  # the site as its main platform
        # the office's own address and phone win over the site's general contact
        assert "0563-3000000" not in body
        assert 'href="/xxgk/xxgkml/"' in body  # the catalogue, as a page link that follows moves

    def test_without_an_office_the_guide_uses_the_sites_contact(self, make_site):
        site = make_site("tjj.example.gov.cn", name="宣州区统计局", contact_address="宣州区叠嶂路2号")
        guide = standing_page(site, DisclosureInfoKind.GUIDE)
        assert "宣州区叠嶂路2号" in guide.body
        assert "法定工作日" in guide.body  # no office hours given

    def test_the_statutory_content_adds_article_21s_areas_for_the_kind_of_organ(self, township, department):
        township_text = standing_page(township, DisclosureInfoKind.STATUTORY).body
        department_text = standing_page(department, DisclosureInfoKind.STATUTORY).body
        for text in (township_text, department_text):
            assert "财政预算、决算信息" in text and "第二十一条" in text  # 第二十条 applies to every organ
        assert "农田水利工程建设运营" in township_text and "治安管理" not in township_text
        assert "治安管理" in department_text and "农田水利工程建设运营" not in department_text

    def test_every_standing_page_of_every_site_type_is_written(self, client, portal, township, department):
        for site, column in ((portal, "zfxxgk"), (township, "zfxxgk"), (department, "xxgk")):
            for slug in ("xxgkzn", "xxgkzd", "fdzdgknr"):
                response = client.get(f"/{column}/{slug}/", HTTP_HOST=site.hostname)
                assert response.status_code == 200
                assert UNWRITTEN not in response.content.decode(), (site, slug)

    def test_an_editors_text_is_never_overwritten(self, township):
        rules = standing_page(township, DisclosureInfoKind.RULES)
        rules.body = "<p>本镇自定的公开制度。</p>"
        rules.save()
        assert fill_standing_pages(township, township.profile) == 0
        rules.refresh_from_db()
        assert rules.body == "<p>本镇自定的公开制度。</p>"

    def test_a_site_built_before_the_texts_existed_gets_them_and_no_stale_page(self, client, township):
        DisclosureInfoPage.objects.descendant_of(township.root_page).update(body="")
        assert UNWRITTEN in client.get("/zfxxgk/xxgkzd/", HTTP_HOST=township.hostname).content.decode()  # cached
        assert fill_standing_pages(township, township.profile) == 3
        html = client.get("/zfxxgk/xxgkzd/", HTTP_HOST=township.hostname).content.decode()
        assert UNWRITTEN not in html and "保密审查制度" in html

    def test_the_text_is_editable_and_published_like_any_page(self, client, township):
        guide = standing_page(township, DisclosureInfoKind.GUIDE)
        guide.body = guide.body.replace("编制本指南", "编制本指南（2027年修订）")
        with review_waived("测试"):
            guide.save_revision().publish()
        html = client.get("/zfxxgk/xxgkzn/", HTTP_HOST=township.hostname).content.decode()
        assert "编制本指南（2027年修订）" in html


class TestLandingPage:
    @pytest.mark.parametrize("site_key, path", [("portal", "/zfxxgk/"), ("department", "/xxgk/")])
    def test_links_every_standing_page_with_its_description(self, client, portal, department, site_key, path):
        site = {"portal": portal, "department": department}[site_key]
        html = client.get(path, HTTP_HOST=site.hostname).content.decode()
        assert "本栏目暂无信息" not in html
        section = html[html.index('class="landing-sections"') :]
        positions = [section.index(f">{title}</a>") for title in STANDING]
        assert positions == sorted(positions)
        assert f'href="{path}xxgkml/"' in section
        assert "主动公开的范围和方式" in section  # the guide's line

    def test_the_online_application_is_listed_after_the_annual_reports(self, client, portal):
        # cms.applications places it at provisioning; unpublished, it leaves the landing page.
        from cms.applications.models import ApplicationPage

        html = client.get("/zfxxgk/", HTTP_HOST=portal.hostname).content.decode()
        section = html[html.index('class="landing-sections"') :]
        assert section.index(">政府信息公开年报</a>") < section.index('href="/zfxxgk/ysqgk/">依申请公开</a>')
        assert "查询办理进度" in section
        page = ApplicationPage.objects.child_of(column_of(portal, "zfxxgk")).get()
        page.unpublish()
        assert ">依申请公开</a>" not in client.get("/zfxxgk/", HTTP_HOST=portal.hostname).content.decode()

    def test_the_annual_report_column_still_lists_its_reports(self, client, portal):
        publish_article(column_of(portal, "zfxxgk/xxgknb"), "2026年政府信息公开工作年度报告", timezone.now())
        html = client.get("/zfxxgk/xxgknb/", HTTP_HOST=portal.hostname).content.decode()
        assert "2026年政府信息公开工作年度报告" in html
        assert "landing-sections" not in html

    def test_a_news_column_with_sub_columns_is_no_landing_page(self, client, portal):
        html = client.get("/ywdt/", HTTP_HOST=portal.hostname).content.decode()
        assert "landing-sections" not in html and 'class="item-list"' in html
