"""The cluster's actions: check() refuses before anything is written, execute() does all or nothing,
and the editorial apps add their part through the hooks the actions announce."""

from __future__ import annotations

import pytest
from wagtail import hooks
from wagtail.models import Site

from sites.groups import site_group
from sites.models import SiteStatus, SiteType
from sites.services import (
    CloseSiteAction,
    ProvisionSiteAction,
    ReopenSiteAction,
    SitePermissionError,
    StartMaintenanceAction,
    SubsiteRequest,
)

from .test_provisioning import cluster_state


def request_for(org) -> SubsiteRequest:
    return SubsiteRequest(
        hostname="liqiao.example.gov.cn",
        site_name="狸桥镇人民政府",
        site_type=SiteType.TOWNSHIP,
        organisation=org,
        site_id_code="3418020012",
    )


@pytest.fixture
def site_admin(department, make_user):
    return make_user(department, "site_admin")


class TestPermission:
    def test_only_holders_of_add_siteprofile_provision(self, portal, make_organisation, site_admin):
        before = cluster_state()
        with pytest.raises(SitePermissionError, match="没有新建子站的权限"):
            ProvisionSiteAction(request_for(make_organisation()), actor=site_admin).execute()
        assert cluster_state() == before

    @pytest.mark.parametrize(
        "action",
        [
            lambda site, actor: CloseSiteAction(site, notice="关停", actor=actor),
            lambda site, actor: StartMaintenanceAction(site, actor=actor),
        ],
    )
    def test_a_site_role_cannot_change_a_sites_status(self, department, site_admin, action):
        with pytest.raises(SitePermissionError):
            action(department, site_admin).execute()
        department.profile.refresh_from_db()
        assert department.profile.status == SiteStatus.OPEN

    def test_the_info_center_may(self, township, make_user):
        operator = make_user(None, "信息中心")
        CloseSiteAction(township, notice="关停", actor=operator).execute()
        ReopenSiteAction(township, actor=operator).execute()
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN


class TestCheckWritesNothing:
    def test_a_valid_request_is_only_checked(self, portal, make_organisation):
        before = cluster_state()
        ProvisionSiteAction(request_for(make_organisation())).check()
        assert cluster_state() == before

    def test_closing_is_only_checked(self, township):
        CloseSiteAction(township, notice="关停").check()
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN


class TestHooks:
    def test_the_editorial_apps_add_their_part_in_order(self, portal, make_organisation):
        site = ProvisionSiteAction(request_for(make_organisation())).execute()
        assert site.root_page.get_children().filter(slug="gzdt").exists()  # cms.content: the column tree
        assert site.root_page.get_workflow() is not None  # cms.workflow, after the columns
        admins = site_group(site, "site_admin")
        assert admins.site_permissions.filter(site=site, permission__codename="change_siteappearance").exists()

    def test_a_hook_that_fails_undoes_the_whole_site(self, portal, make_organisation):
        def fail(site, **kwargs):
            raise RuntimeError("一个编辑应用出错")

        before = cluster_state()
        with hooks.register_temporarily("after_provision_site", fail), pytest.raises(RuntimeError):
            ProvisionSiteAction(request_for(make_organisation())).execute()
        assert cluster_state() == before
        assert not Site.objects.filter(hostname="liqiao.example.gov.cn").exists()

    def test_closing_tells_the_editorial_apps_and_is_undone_with_them(self, township):
        seen = []

        def record(site, profile, withdraw_pushed, reason, actor, **kwargs):
            seen.append((site, profile.status, withdraw_pushed, reason))
            raise RuntimeError("撤销推送失败")

        with hooks.register_temporarily("after_close_site", record), pytest.raises(RuntimeError):
            CloseSiteAction(township, notice="本站已并入门户网站。", withdraw_pushed=True).execute()
        assert seen == [(township, SiteStatus.CLOSED, True, "水阳镇人民政府已关停。本站已并入门户网站。")]
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN


def test_the_site_root_is_the_configured_page_model(department, settings):
    assert department.root_page.specific_class._meta.label == settings.CLUSTER_HOME_PAGE_MODEL


def test_no_actor_is_a_trusted_caller(township):
    # The command line and the demo loader pass no actor; a user with no rights is refused above.
    CloseSiteAction(township, notice="关停").execute()
    township.profile.refresh_from_db()
    assert township.profile.status == SiteStatus.CLOSED
