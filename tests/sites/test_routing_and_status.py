"""Each hostname is served by its own site; closed sites answer 410, maintenance 503."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from sites.models import SiteStatus
from sites.services import SiteStatusError, close_subsite, reopen_subsite, start_maintenance

from ..conftest import column_of, publish_article


class TestRouting:
    def test_each_hostname_serves_its_own_home_page(self, client, portal, township, department):
        for site in (portal, township, department):
            response = client.get("/", HTTP_HOST=site.hostname)
            assert response.status_code == 200
            assert response.context["page"].pk == site.root_page.pk

    def test_hostname_matching_ignores_the_port(self, client, portal, township):
        response = client.get("/", HTTP_HOST=f"{township.hostname}:8000")
        assert response.context["page"].pk == township.root_page.pk

    def test_same_path_resolves_within_the_requested_site(self, client, portal, township, department):
        response = client.get("/tzgg/", HTTP_HOST=township.hostname)
        assert response.context["page"].pk == column_of(township, "tzgg").pk
        response = client.get("/tzgg/", HTTP_HOST=department.hostname)
        assert response.context["page"].pk == column_of(department, "tzgg").pk

    def test_unknown_host_gets_the_portal(self, client, portal, township):
        response = client.get("/", HTTP_HOST="unknown.example.gov.cn")
        assert response.status_code == 200
        assert response.context["page"].pk == portal.root_page.pk

    def test_a_page_of_another_site_is_not_reachable_by_its_path(self, client, portal, township):
        article = publish_article(column_of(township, "gzdt"), "水阳镇召开安全生产会议")
        path = f"/gzdt/{article.slug}/"
        assert client.get(path, HTTP_HOST=township.hostname).status_code == 200
        assert client.get(path, HTTP_HOST=portal.hostname).status_code == 404


class TestClosedSite:
    NOTICE = "本网站已整合至宣州区人民政府门户网站，相关信息请访问门户网站。"

    def test_every_url_answers_410_with_the_notice_and_a_portal_link(self, client, portal, township):
        article = publish_article(column_of(township, "gzdt"), "水阳镇开展防汛演练")
        close_subsite(township, notice=self.NOTICE)
        for path in ("/", "/gzdt/", f"/gzdt/{article.slug}/", "/no/such/page/"):
            response = client.get(path, HTTP_HOST=township.hostname)
            assert response.status_code == 410, path
            body = response.content.decode()
            assert self.NOTICE in body
            assert f'href="{portal.root_url}/"' in body
            assert response["Cache-Control"] == "no-store"

    def test_other_sites_are_unaffected(self, client, portal, township, department):
        close_subsite(township, notice=self.NOTICE)
        assert client.get("/", HTTP_HOST=department.hostname).status_code == 200
        assert client.get("/", HTTP_HOST=portal.hostname).status_code == 200

    def test_admin_stays_reachable_on_a_closed_site(self, client, portal, township, superuser):
        close_subsite(township, notice=self.NOTICE)
        client.force_login(superuser)
        assert client.get("/admin/", HTTP_HOST=township.hostname).status_code == 200

    def test_reopen_serves_pages_again(self, client, portal, township):
        close_subsite(township, notice=self.NOTICE)
        reopen_subsite(township)
        response = client.get("/", HTTP_HOST=township.hostname)
        assert response.status_code == 200
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN
        assert township.profile.closure_notice == ""

    def test_close_and_reopen_are_recorded(self, portal, township, superuser):
        close_subsite(township, notice=self.NOTICE, actor=superuser)
        reopen_subsite(township, actor=superuser)
        actions = list(
            ModelLogEntry.objects.filter(object_id=str(township.profile.pk))
            .order_by("timestamp")
            .values_list("action", "user_id")
        )
        assert actions[-2:] == [("sites.close", superuser.pk), ("sites.reopen", superuser.pk)]

    @pytest.mark.parametrize(
        ("action", "message"),
        [
            (lambda site: close_subsite(site, notice="   "), "请填写关停公告"),
            (lambda site: reopen_subsite(site), "正在运行，无需重新开通"),
        ],
    )
    def test_bad_status_changes_are_refused_and_change_nothing(self, township, action, message):
        with pytest.raises(SiteStatusError, match=message):
            action(township)
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN

    def test_closing_twice_is_refused(self, township):
        close_subsite(township, notice=self.NOTICE)
        with pytest.raises(SiteStatusError, match="已经关停"):
            close_subsite(township, notice="另一条公告")
        township.profile.refresh_from_db()
        assert township.profile.closure_notice == self.NOTICE

    def test_the_portal_cannot_be_closed(self, portal):
        with pytest.raises(SiteStatusError, match="门户网站不能关停"):
            close_subsite(portal, notice=self.NOTICE)


class TestMaintenance:
    def test_answers_503_with_retry_after(self, client, township, settings):
        settings.SITE_MAINTENANCE_RETRY_AFTER = 1800
        start_maintenance(township)
        response = client.get("/gzdt/", HTTP_HOST=township.hostname)
        assert response.status_code == 503
        assert response["Retry-After"] == "1800"
        assert "正在维护" in response.content.decode()

    def test_reopen_ends_maintenance(self, client, township):
        start_maintenance(township)
        reopen_subsite(township)
        assert client.get("/", HTTP_HOST=township.hostname).status_code == 200

    def test_a_closed_site_cannot_enter_maintenance(self, township):
        close_subsite(township, notice="已关停")
        with pytest.raises(SiteStatusError, match="只有运行中的网站可以进入维护"):
            start_maintenance(township)
