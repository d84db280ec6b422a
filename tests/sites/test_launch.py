"""筹建 (preparing) sites and 开通 (opening) through the launch checklist: action, command, admin view.

A new site is visible to its staff only; the public gets 网站筹建中 (404) until the
info center opens it, and opening refuses, with the findings in Chinese, while the
navigation has blank columns, the footer lacks its marks or the guide is unwritten.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cms.content.models import ColumnPage
from cms.disclosure.models import DisclosureInfoKind, DisclosureInfoPage
from core.publishing import review_waived
from search import services as search_services
from sites.models import SiteProfile, SiteStatus, SiteType
from sites.services import LaunchRefused, OpenSiteAction, SitePermissionError, SiteStatusError, reopen_subsite

from ..conftest import column_of, publish_article

HOST = "jyj.example.gov.cn"
# The department blueprint's menu columns (cms/content/blueprints.py) without content at first;
# 信息公开 holds its standing pages from the start.
EMPTY_MENU_COLUMNS = ("bmgk", "gzdt", "tzgg", "zcwj")


@pytest.fixture
def preparing(portal, make_site):
    return make_site(HOST, SiteType.DEPARTMENT, name="宣州区教育局", status=SiteStatus.PREPARING)


def make_ready(site, columns=EMPTY_MENU_COLUMNS) -> None:
    """What the checklist asks for: footer marks, an item in every menu column, the guide written."""
    SiteProfile.objects.filter(site=site).update(
        icp_number="皖ICP备05000000号", police_record_number="皖公网安备 34180202000001号"
    )
    for slug in columns:
        publish_article(column_of(site, slug), f"{slug}的第一条信息", slug=f"first-{slug}")
    guide = DisclosureInfoPage.objects.descendant_of(site.root_page).get(kind=DisclosureInfoKind.GUIDE)
    guide.body = "<p>一、主动公开的范围和方式……</p>"
    with review_waived("测试数据"):
        guide.save_revision().publish()


def status_of(site) -> str:
    return SiteProfile.objects.get(site=site).status


class TestPreparingSiteIsForStaffOnly:
    def test_the_public_gets_a_chinese_preparing_page_on_every_url_never_cached(self, client, preparing):
        for path in ("/", "/gzdt/", "/no/such/page/"):
            response = client.get(path, HTTP_HOST=HOST)
            assert response.status_code == 404, path
            body = response.content.decode()
            assert "宣州区教育局网站筹建中" in body
            assert "/admin/login/?next=" in body
            assert response["Cache-Control"] == "no-store"
            assert "X-Page-Cache" not in response
        assert client.get("/", HTTP_HOST=HOST).status_code == 404  # not stored on the first answer

    @pytest.mark.parametrize("role", ["editor", "site_admin"])
    def test_the_sites_staff_see_it_and_no_proxy_keeps_it(self, client, preparing, make_user, role):
        client.force_login(make_user(preparing, role))
        response = client.get("/", HTTP_HOST=HOST)
        assert response.status_code == 200
        assert response.context["page"].pk == preparing.root_page.pk
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response

    def test_the_info_center_sees_it(self, client, preparing, make_user):
        client.force_login(make_user(None, "信息中心"))
        assert client.get("/", HTTP_HOST=HOST).status_code == 200

    def test_staff_of_another_site_do_not(self, client, preparing, township, make_user):
        client.force_login(make_user(township, "site_admin"))
        assert client.get("/", HTTP_HOST=HOST).status_code == 404

    def test_cluster_search_leaves_its_pages_out(self, preparing):
        assert preparing.pk not in search_services.open_site_ids()


class TestOpenSiteAction:
    def test_refuses_with_every_finding_in_chinese(self, preparing):
        # Blank whatever text provisioning gives the guide: the check reads the page, not how it was made.
        DisclosureInfoPage.objects.descendant_of(preparing.root_page).filter(kind=DisclosureInfoKind.GUIDE).update(
            body=""
        )
        with pytest.raises(LaunchRefused) as refused:
            OpenSiteAction(preparing).execute()
        findings = refused.value.findings
        titles = [column_of(preparing, slug).title for slug in EMPTY_MENU_COLUMNS]
        for title in titles:
            assert any(f"导航栏目“{title}”暂无内容" in finding for finding in findings), title
        assert not any("信息公开”暂无内容" in finding for finding in findings)  # its standing pages are content
        assert any("ICP备案号" in finding for finding in findings)
        assert any("公安机关备案号" in finding for finding in findings)
        assert any("政府信息公开指南”尚无正文" in finding for finding in findings)
        assert len(findings) == len(titles) + 3
        assert status_of(preparing) == SiteStatus.PREPARING

    def test_a_column_taken_out_of_the_menu_is_not_a_finding(self, preparing):
        make_ready(preparing, columns=("gzdt", "tzgg", "zcwj"))
        with pytest.raises(LaunchRefused, match="导航栏目“部门概况”暂无内容"):
            OpenSiteAction(preparing).check()
        ColumnPage.objects.filter(pk=column_of(preparing, "bmgk").pk).update(show_in_menus=False)
        OpenSiteAction(preparing).check()

    def test_opens_a_ready_site_with_an_audit_entry(self, client, preparing, superuser):
        make_ready(preparing)
        OpenSiteAction(preparing, actor=superuser).execute()
        assert status_of(preparing) == SiteStatus.OPEN
        entry = ModelLogEntry.objects.filter(action="sites.open").get()
        assert entry.user == superuser
        assert entry.data["from"] == SiteStatus.PREPARING
        assert client.get("/", HTTP_HOST=HOST).status_code == 200

    def test_only_a_preparing_site_is_opened(self, department):
        with pytest.raises(SiteStatusError, match="只有筹建中的网站需要开通"):
            OpenSiteAction(department).execute()

    def test_reopening_cannot_skip_the_checklist(self, preparing):
        with pytest.raises(SiteStatusError, match="请通过“开通”上线"):
            reopen_subsite(preparing)
        assert status_of(preparing) == SiteStatus.PREPARING

    def test_a_site_editor_may_not_open(self, preparing, make_user):
        make_ready(preparing)
        with pytest.raises(SitePermissionError, match="没有开通子站的权限"):
            OpenSiteAction(preparing, actor=make_user(preparing, "site_admin")).execute()
        assert status_of(preparing) == SiteStatus.PREPARING


class TestOpenSubsiteCommand:
    def test_create_subsite_starts_preparing(self, portal, make_organisation):
        make_organisation("宣城市宣州区教育局", index_code="003195501")
        call_command(
            "create_subsite",
            "--hostname", HOST,
            "--name", "宣州区教育局",
            "--type", "department",
            "--organisation", "003195501",
            "--site-id-code", "3418020021",
        )  # fmt: skip
        assert SiteProfile.objects.get(site__hostname=HOST).status == SiteStatus.PREPARING

    def test_refusal_lists_the_findings(self, preparing):
        with pytest.raises(CommandError) as refused:
            call_command("open_subsite", HOST)
        message = str(refused.value)
        assert message.startswith("网站“宣州区教育局”尚未通过开通检查，暂不能开通：\n- ")
        assert "- 页脚缺少ICP备案号" in message
        assert status_of(preparing) == SiteStatus.PREPARING

    def test_opening_retires_the_cached_site_facts(self, client, preparing, capsys):
        make_ready(preparing)
        assert client.get("/", HTTP_HOST=HOST).status_code == 404  # facts cached as 筹建
        call_command("open_subsite", HOST)
        assert "已开通“宣州区教育局”" in capsys.readouterr().out
        response = client.get("/", HTTP_HOST=HOST)
        assert response.status_code == 200
        assert response.context["page"].pk == preparing.root_page.pk

    def test_unknown_host_is_refused_in_chinese(self, db):
        with pytest.raises(CommandError, match=r"没有主机名为“nowhere\.example\.gov\.cn”的站点"):
            call_command("open_subsite", "nowhere.example.gov.cn")


class TestOpenSubsiteView:
    def url(self, site) -> str:
        return reverse("sites_siteprofile:open", args=[SiteProfile.objects.get(site=site).pk])

    def test_the_index_offers_opening_a_preparing_site(self, client, preparing, make_user):
        client.force_login(make_user(None, "信息中心"))
        html = client.get(reverse("sites_siteprofile:index")).content.decode()
        assert self.url(preparing) in html
        assert "筹建" in html

    def test_shows_the_checklist_findings(self, client, preparing, make_user):
        client.force_login(make_user(None, "信息中心"))
        response = client.get(self.url(preparing))
        assert response.status_code == 200
        html = response.content.decode()
        assert "开通检查" in html
        assert "导航栏目“工作动态”暂无内容" in html
        assert "页脚缺少公安机关备案号" in html

    def test_submitting_an_unready_site_is_refused_with_the_findings(self, client, preparing, make_user):
        client.force_login(make_user(None, "信息中心"))
        response = client.post(self.url(preparing))
        assert response.status_code == 200
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages[0].startswith("操作未完成：网站“宣州区教育局”尚未通过开通检查")
        assert "页脚缺少ICP备案号" in messages[0]
        assert status_of(preparing) == SiteStatus.PREPARING

    def test_opens_a_ready_site(self, client, preparing, make_user):
        make_ready(preparing)
        client.force_login(make_user(None, "信息中心"))
        assert "开通检查已全部通过" in client.get(self.url(preparing)).content.decode()
        response = client.post(self.url(preparing))
        assert response.status_code == 302
        assert status_of(preparing) == SiteStatus.OPEN
        assert [str(m) for m in response.wsgi_request._messages] == ["网站“宣州区教育局”已开通，公众现在可以访问。"]

    def test_an_open_site_is_said_to_need_no_opening(self, client, department, make_user):
        client.force_login(make_user(None, "信息中心"))
        html = client.get(self.url(department)).content.decode()
        assert "网站当前状态为“运行中”，只有筹建中的网站需要开通。" in html
        assert "开通检查已全部通过" not in html

    def test_a_site_admin_cannot_reach_it(self, client, preparing, make_user):
        make_ready(preparing)
        client.force_login(make_user(preparing, "site_admin"))
        response = client.post(self.url(preparing))
        assert response.status_code in (302, 403)
        assert status_of(preparing) == SiteStatus.PREPARING
