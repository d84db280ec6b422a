"""站群管理 in the admin: provisioning and status changes from forms, info center only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Site

from cms.accounts.roles import INFO_CENTER_GROUP, info_center_group
from sites.groups import site_group
from sites.models import SiteProfile, SiteStatus

ADD_URL = reverse("sites_siteprofile:add")


@pytest.fixture
def operator(db):
    """A member of the info center group (not a superuser)."""
    user = get_user_model().objects.create_user("operator", password="Operator-2026-pass")
    user.groups.add(info_center_group(INFO_CENTER_GROUP))
    return user


@pytest.fixture
def site_editor(department):
    user = get_user_model().objects.create_user("jyj_editor", password="Editor-2026-pass")
    user.groups.add(site_group(department, "editor"))
    return user


def form_data(org, **overrides) -> dict:
    data = {
        "site_name": "狸桥镇人民政府",
        "hostname": "liqiao.example.gov.cn",
        "port": 80,
        "site_type": "township",
        "organisation": org.pk,
        "site_id_code": "3418020012",
        "sponsor": "",
        "theme": "base",
        "contact_email": "",
    }
    return data | overrides


class TestProvisioningForm:
    def test_operator_provisions_a_subsite(self, client, operator, portal, make_organisation):
        org = make_organisation("宣州区狸桥镇人民政府", kind="township")
        client.force_login(operator)
        response = client.post(ADD_URL, form_data(org))
        assert response.status_code == 302
        site = Site.objects.get(hostname="liqiao.example.gov.cn")
        assert site.profile.organisation == org
        assert site.profile.status == SiteStatus.PREPARING  # public only once the info center opens it
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages[0].startswith("子站“狸桥镇人民政府”已创建：http://liqiao.example.gov.cn。网站处于筹建状态")

    def test_form_page_renders_in_chinese(self, client, operator, portal):
        client.force_login(operator)
        response = client.get(ADD_URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "新建子站" in html
        assert "网站标识码" in html
        # The cluster already has its portal: the form starts on a department's site.
        assert '<option value="department" selected>部门子站</option>' in html

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"hostname": "www.example.gov.cn"}, "已被站点“宣州区人民政府”使用"),
            ({"hostname": "li qiao"}, "格式不正确"),
            ({"site_id_code": "12345"}, "网站标识码“12345”无效"),
            ({"organisation": 999999}, "选择一个有效的选项"),
            ({"site_type": "portal"}, "门户网站已存在"),
        ],
    )
    def test_bad_input_is_shown_on_the_form_and_nothing_is_created(
        self, client, operator, portal, make_organisation, overrides, message
    ):
        org = make_organisation(kind="township")
        client.force_login(operator)
        before = (Site.objects.count(), SiteProfile.objects.count(), Group.objects.count())
        response = client.post(ADD_URL, form_data(org, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert (Site.objects.count(), SiteProfile.objects.count(), Group.objects.count()) == before

    def test_site_editors_cannot_provision(self, client, site_editor, make_organisation):
        client.force_login(site_editor)
        before = Site.objects.count()
        response = client.post(ADD_URL, form_data(make_organisation(kind="township")))
        assert response.status_code in (302, 403)
        assert Site.objects.count() == before
        assert client.get(reverse("sites_siteprofile:index")).status_code in (302, 403)

    def test_anonymous_users_are_sent_to_login(self, client, portal):
        response = client.get(ADD_URL)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestStatusActions:
    def test_operator_closes_and_reopens_a_site(self, client, operator, township):
        client.force_login(operator)
        pk = township.profile.pk
        response = client.post(
            reverse("sites_siteprofile:close", args=[pk]), {"notice": "本站已并入门户网站。", "confirm": "1"}
        )
        assert response.status_code == 302
        assert SiteProfile.objects.get(pk=pk).status == SiteStatus.CLOSED
        assert client.get("/", HTTP_HOST=township.hostname).status_code == 410

        response = client.post(reverse("sites_siteprofile:reopen", args=[pk]))
        assert response.status_code == 302
        assert SiteProfile.objects.get(pk=pk).status == SiteStatus.OPEN

    def test_closing_asks_for_confirmation_before_acting(self, client, operator, township):
        client.force_login(operator)
        url = reverse("sites_siteprofile:close", args=[township.profile.pk])
        form = client.get(url).content.decode()
        assert 'name="notice"' in form and "下一步" in form

        confirming = client.post(url, {"notice": "本站已并入门户网站。", "withdraw_pushed": "on"})
        html = confirming.content.decode()
        assert confirming.status_code == 200
        assert SiteProfile.objects.get(pk=township.profile.pk).status == SiteStatus.OPEN, "nothing happens yet"
        pages = Page.objects.descendant_of(township.root_page, inclusive=True).live().count()
        assert f"即将关停“{township.profile}”（{township.hostname}）。</strong>确认后，该站 {pages} 个页面" in html
        assert '<input type="hidden" name="notice" value="本站已并入门户网站。"' in html
        assert "同时撤销" in html and 'name="confirm"' in html

        back = client.post(url, {"notice": "本站已并入门户网站。", "edit": "1"}).content.decode()
        assert "本站已并入门户网站。</textarea>" in back
        assert SiteProfile.objects.get(pk=township.profile.pk).status == SiteStatus.OPEN

        done = client.post(url, {"notice": "本站已并入门户网站。", "withdraw_pushed": "True", "confirm": "1"})
        assert done.status_code == 302
        assert SiteProfile.objects.get(pk=township.profile.pk).status == SiteStatus.CLOSED

    def test_closing_without_a_notice_is_refused_on_the_form(self, client, operator, township):
        client.force_login(operator)
        response = client.post(reverse("sites_siteprofile:close", args=[township.profile.pk]), {"notice": ""})
        assert response.status_code == 200
        assert "必需字段" in response.content.decode()
        assert SiteProfile.objects.get(pk=township.profile.pk).status == SiteStatus.OPEN

    def test_closing_the_portal_is_refused_on_the_form(self, client, operator, portal):
        client.force_login(operator)
        response = client.post(reverse("sites_siteprofile:close", args=[portal.profile.pk]), {"notice": "关停"})
        assert response.status_code == 200
        assert "门户网站不能关停" in response.content.decode()

    def test_maintenance_from_the_admin(self, client, operator, township):
        client.force_login(operator)
        client.post(reverse("sites_siteprofile:maintenance", args=[township.profile.pk]))
        assert client.get("/", HTTP_HOST=township.hostname).status_code == 503

    def test_unknown_site_is_404_not_500(self, client, operator, portal):
        client.force_login(operator)
        assert client.post(reverse("sites_siteprofile:close", args=[999999]), {"notice": "x"}).status_code == 404

    def test_site_editors_cannot_close_sites(self, client, site_editor, township):
        client.force_login(site_editor)
        client.post(reverse("sites_siteprofile:close", args=[township.profile.pk]), {"notice": "关停"})
        assert SiteProfile.objects.get(pk=township.profile.pk).status == SiteStatus.OPEN

    def test_listing_shows_sites_and_their_actions(self, client, operator, township):
        client.force_login(operator)
        html = client.get(reverse("sites_siteprofile:index")).content.decode()
        assert "水阳镇人民政府" in html
        assert reverse("sites_siteprofile:close", args=[township.profile.pk]) in html

    def test_profiles_cannot_be_deleted_even_by_superusers(self, client, superuser, township):
        client.force_login(superuser)
        client.post(reverse("sites_siteprofile:delete", args=[township.profile.pk]))
        assert SiteProfile.objects.filter(pk=township.profile.pk).exists()


class TestWagtailSiteEditor:
    """Wagtail's own Site editor would change hostnames and root pages past the actions."""

    @pytest.mark.parametrize("url", ["/admin/sites/", "/admin/sites/add/", "/admin/sites/1/", "/admin/sites/1/delete/"])
    def test_every_url_of_it_opens_the_subsite_list(self, client, db, url):
        client.force_login(get_user_model().objects.create_superuser("su_sites", "su@example.gov.cn", "Su-pass-2026!"))
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("sites_siteprofile:index")

    def test_it_is_not_in_the_settings_menu_and_the_explorer_root_still_opens(self, client, portal):
        client.force_login(get_user_model().objects.create_superuser("su_menu", "su@example.gov.cn", "Su-pass-2026!"))
        html = client.get("/admin/").content.decode()
        assert "/admin/sites/" not in html
        assert client.get("/admin/pages/").status_code == 200
