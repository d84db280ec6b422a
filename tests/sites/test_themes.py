"""Themes and page chrome: each site renders through its theme, falling back to base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from sites.models import FooterLink, SiteAppearance, validate_primary_colour
from sites.services import close_subsite

TOWNSHIP_MARK = "宣州区人民政府网站群"  # only the township theme's header says this


@pytest.fixture
def green_township(township):
    township.profile.theme = "township"
    township.profile.save()
    return township


class TestThemeResolution:
    def test_a_site_renders_its_themes_overrides(self, client, portal, green_township):
        township_html = client.get("/", HTTP_HOST=green_township.hostname).content.decode()
        assert TOWNSHIP_MARK in township_html
        assert "township/theme.css" in township_html
        portal_html = client.get("/", HTTP_HOST=portal.hostname).content.decode()
        assert TOWNSHIP_MARK not in portal_html
        assert "township/theme.css" not in portal_html

    def test_templates_the_theme_does_not_override_come_from_base(self, client, green_township):
        response = client.get("/zfxxgk/xxgkml/", HTTP_HOST=green_township.hostname)
        assert response.status_code == 200
        html = response.content.decode()
        assert "catalogue-table" in html  # base theme's catalogue template
        assert TOWNSHIP_MARK in html  # inside the township theme's header

    def test_themes_never_mix_in_the_template_cache(self, client, portal, green_township):
        for _ in range(2):
            assert TOWNSHIP_MARK not in client.get("/", HTTP_HOST=portal.hostname).content.decode()
            assert TOWNSHIP_MARK in client.get("/", HTTP_HOST=green_township.hostname).content.decode()

    def test_error_and_status_pages_are_themed(self, client, portal, green_township):
        not_found = client.get("/no-such-page/", HTTP_HOST=green_township.hostname)
        assert not_found.status_code == 404
        assert "您访问的页面不存在" in not_found.content.decode()
        assert TOWNSHIP_MARK in not_found.content.decode()
        close_subsite(green_township, notice="本站已并入门户网站。")
        closed = client.get("/", HTTP_HOST=green_township.hostname)
        assert closed.status_code == 410
        assert "township/theme.css" in closed.content.decode()


class TestTemplates:
    def test_no_template_source_leaks_into_pages(self, client, portal, township):
        for site in (portal, township):
            for path in ("/", "/tzgg/", "/wzdt/", "/zfxxgk/xxgkml/", "/no-such-page/"):
                html = client.get(path, HTTP_HOST=site.hostname).content.decode()
                assert "{#" not in html and "{%" not in html and "{{" not in html, (site, path)


class TestFooter:
    def test_footer_carries_the_government_website_marks(self, client, portal, township):
        profile = township.profile
        profile.icp_number = "皖ICP备05000000号"
        profile.police_record_number = "皖公网安备 34180202000001号"
        profile.save()
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        assert f"主办单位：{profile.sponsor}" in html
        assert "网站标识码：3418020001" in html
        assert '<a href="https://beian.miit.gov.cn/" rel="noopener">皖ICP备05000000号</a>' in html
        assert "皖公网安备 34180202000001号" in html
        assert '<img class="party-gov-mark" src="/static/img/party-gov-mark.svg"' in html
        assert 'alt="党政机关网站标识">' in html
        assert '<a href="/wzdt/">网站地图</a>' in html
        assert "errorInfo_querySiteById.action?siteCode=3418020001" in html
        assert ">我为政府网站找错</a>" in html


class TestPartyGovMark:
    """The 党政机关 mark is the standard image, linked to its verification page where the site has one."""

    VERIFY = "https://bszs.conac.cn/sitename?method=show&id=0A1B2C3D4E5F6A7B"

    def test_the_mark_is_an_image_served_as_a_static_file(self, client, township):
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        src = re.search(r'<img class="party-gov-mark" src="([^"]+)"', html).group(1)
        svg = finders.find(src.removeprefix(settings.STATIC_URL))
        assert svg and "党政机关" in Path(svg).read_text(encoding="utf-8")

    def test_a_site_links_the_mark_to_its_own_verification_page(self, client, portal, township):
        appearance = SiteAppearance.for_site(township)
        appearance.party_gov_mark_url = self.VERIFY
        appearance.full_clean()
        appearance.save()
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        assert f'<a class="party-gov-mark" href="{escape(self.VERIFY)}" rel="noopener"' in html
        assert 'alt="党政机关网站标识（点击验证）"' in html
        assert self.VERIFY not in client.get("/", HTTP_HOST=portal.hostname).content.decode()

    @pytest.mark.parametrize(
        "url",
        ["https://bszs.conac.cn.evil.example/x", "https://evil.example/?conac.cn", "javascript:alert(1)//conac.cn"],
    )
    def test_only_a_conac_address_is_accepted(self, township, url):
        appearance = SiteAppearance.for_site(township)
        appearance.party_gov_mark_url = url
        with pytest.raises(ValidationError, match=r"conac\.cn"):
            appearance.full_clean()


class TestPortalLink:
    """Every subsite's header links the portal, named and addressed from the portal's own site."""

    @pytest.mark.parametrize("theme", ["base", "township"])
    def test_a_subsite_header_links_the_portal(self, client, portal, township, theme):
        township.profile.theme = theme
        township.profile.save()
        html = client.get("/tzgg/", HTTP_HOST=township.hostname).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert f'<a class="portal-link" href="{portal.root_url}/">{portal.site_name}' in header

    def test_the_link_follows_the_portals_name_and_the_portal_does_not_link_itself(self, client, portal, township):
        portal.site_name = "宣州区政府门户"
        portal.save()
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        assert f'<a class="portal-link" href="{portal.root_url}/">宣州区政府门户</a>' in html
        assert "portal-link" not in client.get("/", HTTP_HOST=portal.hostname).content.decode()

    def test_no_link_without_a_portal(self, client, make_site):
        site = make_site("alone.example.gov.cn", "department", name="独立部门")
        assert "portal-link" not in client.get("/", HTTP_HOST=site.hostname).content.decode()


class TestAppearanceSettings:
    def test_site_admins_colour_links_and_sponsor_line_show_on_their_site_only(self, client, portal, township):
        appearance = SiteAppearance.for_site(township)
        appearance.primary_colour = "#1D4E89"
        appearance.sponsor_line = "主办：水阳镇人民政府　承办：水阳镇党政办"
        appearance.save()
        FooterLink.objects.create(appearance=appearance, title="安徽省人民政府", url="https://www.ah.gov.cn/")
        html = client.get("/", HTTP_HOST=township.hostname).content.decode()
        assert "--primary: #1D4E89" in html
        assert "主办：水阳镇人民政府　承办：水阳镇党政办" in html
        assert '<a href="https://www.ah.gov.cn/">安徽省人民政府</a>' in html
        assert "#1D4E89" not in client.get("/", HTTP_HOST=portal.hostname).content.decode()

    def test_editing_the_settings_shows_at_once(self, client, township):
        client.get("/", HTTP_HOST=township.hostname)  # cache the appearance
        appearance = SiteAppearance.for_site(township)
        appearance.sponsor_line = "新的主办单位行"
        appearance.save()
        assert "新的主办单位行" in client.get("/", HTTP_HOST=township.hostname).content.decode()

    def test_the_chrome_costs_no_query_once_cached(self, client, township):
        client.get("/", HTTP_HOST=township.hostname)
        with CaptureQueriesContext(connection) as queries:
            client.get("/", HTTP_HOST=township.hostname)
        assert not [q for q in queries.captured_queries if "sites_siteappearance" in q["sql"]]

    @pytest.mark.parametrize(
        ("colour", "message"),
        [("red", "#RRGGBB"), ("#12345", "#RRGGBB"), ("#F5D76E", "对比度"), ("#FFFFFF", "对比度")],
    )
    def test_colours_must_be_hex_and_keep_white_text_readable(self, colour, message):
        with pytest.raises(ValidationError, match=message):
            validate_primary_colour(colour)

    @pytest.mark.parametrize("colour", ["#B5121B", "#1D6B3A", "#000000"])
    def test_dark_colours_pass(self, colour):
        validate_primary_colour(colour)


class TestElderlyMode:
    def test_toggle_sets_a_cookie_and_returns_to_the_page(self, client, township):
        response = client.get("/a11y/elderly/?on=1&next=/tzgg/", HTTP_HOST=township.hostname)
        assert response.status_code == 302
        assert response["Location"] == "/tzgg/"
        assert response.cookies["elderly"].value == "1"
        html = client.get("/tzgg/", HTTP_HOST=township.hostname).content.decode()
        assert '<html lang="zh-CN" class="elderly">' in html
        assert "退出长者模式" in html

    def test_turning_it_off(self, client, township):
        client.cookies["elderly"] = "1"
        client.get("/a11y/elderly/?on=0&next=/", HTTP_HOST=township.hostname)
        assert '<html lang="zh-CN">' in client.get("/", HTTP_HOST=township.hostname).content.decode()

    @pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"])
    def test_never_redirects_off_site(self, client, township, target):
        response = client.get("/a11y/elderly/", {"on": "1", "next": target}, HTTP_HOST=township.hostname)
        assert response["Location"] == "/"

    def test_the_control_is_a_plain_link_on_every_page(self, client, township):
        html = client.get("/gzdt/", HTTP_HOST=township.hostname).content.decode()
        assert '<a href="/a11y/elderly/?on=1&amp;next=/gzdt/">长者模式</a>' in html


class TestSiteMap:
    def test_lists_the_sites_columns_and_standing_pages_not_its_items(self, client, township):
        from ..conftest import column_of, publish_article

        publish_article(column_of(township, "gzdt"), "一条动态")
        response = client.get("/wzdt/", HTTP_HOST=township.hostname)
        assert response.status_code == 200
        html = response.content.decode()
        for title in ("工作动态", "政府信息公开", "政府信息公开目录", "政府信息公开指南"):
            assert f">{title}</a>" in html
        assert "一条动态" not in html
        assert '<a href="/wzdt/">网站地图</a>' in html


class TestElderlyModeAcrossTheCluster:
    """With ELDERLY_COOKIE_DOMAIN the choice is one cookie for every site under that domain."""

    def test_the_cookie_is_set_for_the_cluster_domain(self, client, township, settings):
        settings.ELDERLY_COOKIE_DOMAIN = "." + township.hostname.split(".", 1)[1]
        response = client.get("/a11y/elderly/?on=1&next=/", HTTP_HOST=township.hostname)
        assert response.cookies["elderly"]["domain"] == settings.ELDERLY_COOKIE_DOMAIN

        off = client.get("/a11y/elderly/?on=0&next=/", HTTP_HOST=township.hostname)
        assert off.cookies["elderly"]["domain"] == settings.ELDERLY_COOKIE_DOMAIN
        assert off.cookies["elderly"]["max-age"] == 0

    def test_a_host_outside_the_domain_keeps_its_own_cookie(self, client, township, settings):
        settings.ELDERLY_COOKIE_DOMAIN = ".xzq.gov.cn"
        response = client.get("/a11y/elderly/?on=1&next=/", HTTP_HOST=township.hostname)
        assert response.cookies["elderly"]["domain"] == ""  # a browser would drop a foreign domain

    def test_unset_it_is_per_host(self, client, township, settings):
        settings.ELDERLY_COOKIE_DOMAIN = None
        response = client.get("/a11y/elderly/?on=1&next=/", HTTP_HOST=township.hostname)
        assert response.cookies["elderly"]["domain"] == ""
