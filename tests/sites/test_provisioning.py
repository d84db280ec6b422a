"""Provisioning a subsite: everything in one transaction, or nothing at all."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.log_actions import registry as log_registry
from wagtail.models import Collection, GroupPagePermission, ModelLogEntry, Page, Site

from cms.content.blueprints import BLUEPRINTS, ColumnSpec
from cms.content.models import ColumnPage, HomePage
from cms.disclosure.models import CataloguePage, DisclosureInfoKind, DisclosureInfoPage
from sites.groups import site_group, site_groups
from sites.models import SiteProfile, SiteStatus, SiteType
from sites.services import ProvisioningError, SubsiteRequest, provision_subsite

from ..conftest import column_of


def cluster_state() -> dict[str, int]:
    """Row counts of everything provisioning creates."""
    return {
        "sites": Site.objects.count(),
        "profiles": SiteProfile.objects.count(),
        "pages": Page.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
    }


def request_for(org, **overrides) -> SubsiteRequest:
    fields = dict(
        organisation=org,
        hostname="jyj.example.gov.cn",
        site_name="宣州区教育局",
        site_type=SiteType.DEPARTMENT,
        site_id_code="3418020021",
    )
    return SubsiteRequest(**(fields | overrides))


class TestProvisionSubsite:
    def test_creates_site_profile_and_root_page(self, portal, make_organisation):
        org = make_organisation("宣城市宣州区教育局")
        site = provision_subsite(request_for(org, contact_phone="0563-3022101"))

        assert site.hostname == "jyj.example.gov.cn"
        assert not site.is_default_site
        assert isinstance(site.root_page.specific, HomePage)
        assert site.root_page.live
        profile = site.profile
        assert profile.organisation == org
        assert profile.site_type == SiteType.DEPARTMENT
        assert profile.status == SiteStatus.PREPARING  # 筹建 until the info center opens it
        assert profile.sponsor == "宣城市宣州区教育局"  # defaults to the organisation
        assert profile.contact_phone == "0563-3022101"

    def test_builds_the_blueprint_page_tree(self, department):
        blueprint = BLUEPRINTS[SiteType.DEPARTMENT]
        # The blueprint's pages, the 领导信箱 cms.letters places in 互动交流 and the online
        # application cms.applications places in 信息公开.
        assert Page.objects.descendant_of(department.root_page).count() == blueprint.page_count() + 2
        assert Page.objects.get(url_path=f"{department.root_page.url_path}hdjl/ldxx/").title == "领导信箱"
        assert Page.objects.get(url_path=f"{department.root_page.url_path}xxgk/ysqgk/").title == "依申请公开"
        for path, spec in blueprint.walk():
            page = Page.objects.get(url_path=f"{department.root_page.url_path}{path}/").specific
            assert page.title == spec.title
            assert page.live
            if isinstance(page, ColumnPage):
                assert page.column_type == spec.column_type
                assert page.owning_organisation == department.profile.organisation
        assert column_of(department, "xxgk/xxgknb").get_parent().title == "信息公开"

    def test_every_disclosure_column_gets_the_standing_pages(self, portal, township, department):
        for site, column in ((portal, "zfxxgk"), (township, "zfxxgk"), (department, "xxgk")):
            root = site.root_page.url_path
            guide = Page.objects.get(url_path=f"{root}{column}/xxgkzn/").specific
            assert isinstance(guide, DisclosureInfoPage) and guide.kind == DisclosureInfoKind.GUIDE
            assert isinstance(Page.objects.get(url_path=f"{root}{column}/xxgkml/").specific, CataloguePage)
            for slug in ("xxgkzd", "fdzdgknr"):
                assert isinstance(Page.objects.get(url_path=f"{root}{column}/{slug}/").specific, DisclosureInfoPage)
            assert isinstance(column_of(site, f"{column}/xxgknb"), ColumnPage)

    def test_portal_and_township_get_their_own_blueprints(self, portal, township):
        assert column_of(portal, "ywdt/zwyw").title == "政务要闻"
        assert column_of(portal, "zcjd").title == "政策解读"
        assert column_of(township, "xzgk").title == "乡镇概况"
        assert not ColumnPage.objects.descendant_of(township.root_page).filter(slug="zcjd").exists()

    def test_only_top_level_columns_are_in_the_menu(self, portal):
        assert column_of(portal, "tzgg").show_in_menus
        assert not column_of(portal, "ywdt/zwyw").show_in_menus

    def test_first_portal_becomes_the_default_site(self, portal):
        assert portal.is_default_site
        assert Site.objects.filter(is_default_site=True).count() == 1

    def test_groups_get_page_permissions_on_their_subtree_only(self, department, township):
        editors = site_group(department, "editor")
        reviewers = site_group(department, "reviewer")
        editor_perms = set(editors.page_permissions.values_list("page_id", "permission__codename"))
        assert editor_perms == {(department.root_page.pk, "add_page"), (department.root_page.pk, "change_page")}
        assert set(reviewers.page_permissions.values_list("permission__codename", flat=True)) >= {"publish_page"}
        assert editors.permissions.filter(codename="access_admin").exists()

        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("jyj_editor", password="x")
        user.groups.add(editors)
        own_column = column_of(department, "gzdt")
        other_column = column_of(township, "gzdt")
        assert own_column.permissions_for_user(user).can_add_subpage()
        assert not other_column.permissions_for_user(user).can_add_subpage()
        assert not own_column.permissions_for_user(user).can_publish()

    def test_groups_may_use_the_sites_own_media_collection(self, department):
        collection = Collection.objects.get(name="宣州区教育局")
        for group in site_groups(department).values():
            codenames = set(
                group.collection_permissions.filter(collection=collection).values_list(
                    "permission__codename", flat=True
                )
            )
            assert {"add_image", "choose_image", "add_document", "choose_document"} <= codenames
            assert not group.collection_permissions.exclude(collection=collection).exists()

    def test_is_recorded_in_the_audit_log(self, department):
        entry = ModelLogEntry.objects.get(action="sites.provision", object_id=str(department.profile.pk))
        assert entry.data["hostname"] == "jyj.example.gov.cn"
        assert log_registry.get_action_label("sites.provision") == "新建子站"

    def test_hostname_is_normalised(self, portal, make_organisation):
        site = provision_subsite(request_for(make_organisation(), hostname="  JYJ.Example.GOV.cn. "))
        assert site.hostname == "jyj.example.gov.cn"


class TestBadInputIsRefusedAndLeavesNothing:
    """Each refusal names the problem in Chinese and creates nothing."""

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"hostname": "jyj example.gov.cn"}, "hostname", "格式不正确"),
            ({"hostname": "-jyj.example.gov.cn"}, "hostname", "格式不正确"),
            ({"hostname": "jyj.example.gov.cn:8080"}, "hostname", "格式不正确"),
            ({"hostname": "教育局.example.gov.cn"}, "hostname", "格式不正确"),
            ({"hostname": ""}, "hostname", "请填写主机名"),
            ({"site_id_code": "341802002"}, "site_id_code", "网站标识码“341802002”无效"),
            ({"site_id_code": "34180200211"}, "site_id_code", "无效"),
            ({"site_id_code": "ab18020021"}, "site_id_code", "无效"),
            ({"organisation": "不存在的机构"}, "organisation", "机构“不存在的机构”不存在"),
            ({"organisation": ""}, "organisation", "不存在"),
            ({"site_type": "ministry"}, "site_type", "未知的站点类型"),
            ({"site_type": SiteType.PORTAL}, "site_type", "门户网站已存在"),
            ({"site_name": ""}, "site_name", "请填写网站名称"),
            ({"site_name": "宣州区人民政府"}, "site_name", "已存在"),
            ({"theme": "nope"}, "theme", "主题“nope”不存在"),
            ({"port": 70000}, "port", "端口"),
        ],
    )
    def test_refused(self, portal, make_organisation, overrides, field, message):
        request = request_for(make_organisation(), **overrides)
        before = cluster_state()
        with pytest.raises(ProvisioningError) as refusal:
            provision_subsite(request)
        assert any(message in text for text in refusal.value.message_dict[field])
        assert cluster_state() == before

    def test_duplicate_hostname_names_the_site_that_has_it(self, department, make_organisation):
        before = cluster_state()
        with pytest.raises(ProvisioningError) as refusal:
            provision_subsite(request_for(make_organisation(), hostname="JYJ.example.gov.cn", site_name="另一个站"))
        assert refusal.value.message_dict["hostname"] == ["主机名“jyj.example.gov.cn”已被站点“宣州区教育局”使用。"]
        assert cluster_state() == before

    def test_every_problem_is_reported_at_once(self, portal):
        with pytest.raises(ProvisioningError) as refusal:
            provision_subsite(
                SubsiteRequest(hostname="bad host", site_name="", site_type="x", organisation="无", site_id_code="1")
            )
        assert set(refusal.value.message_dict) == {"hostname", "site_name", "site_type", "organisation", "site_id_code"}

    def test_a_failure_half_way_rolls_everything_back(self, portal, make_organisation, monkeypatch):
        """A blueprint that breaks while the tree is being built (two sibling
        columns with one slug) must leave no site, page, group or collection."""
        broken = BLUEPRINTS[SiteType.DEPARTMENT].__class__(
            SiteType.DEPARTMENT,
            (ColumnSpec("工作动态", "gzdt", "news"), ColumnSpec("重复栏目", "gzdt", "news")),
        )
        monkeypatch.setitem(BLUEPRINTS, SiteType.DEPARTMENT, broken)
        before = cluster_state()
        with pytest.raises(ValidationError) as failure:
            provision_subsite(request_for(make_organisation()))
        assert "gzdt" in str(failure.value)  # Wagtail's own slug check, mid-transaction
        assert cluster_state() == before
        assert not Site.objects.filter(hostname="jyj.example.gov.cn").exists()
