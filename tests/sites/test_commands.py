"""The command line does what the admin does, through the same services."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from cms.disclosure.models import DisclosureInfoKind, DisclosureInfoPage
from sites.models import SiteStatus


def create(*extra: str) -> None:
    call_command(
        "create_subsite",
        "--hostname", "jyj.example.gov.cn",
        "--name", "宣州区教育局",
        "--type", "department",
        "--organisation", "003195501",
        "--site-id-code", "3418020021",
        *extra,
    )  # fmt: skip


class TestCreateSubsite:
    def test_creates_the_site_by_organisation_code(self, portal, make_organisation, capsys):
        make_organisation("宣城市宣州区教育局", index_code="003195501")
        create("--phone", "0563-3022101")
        site = Site.objects.get(hostname="jyj.example.gov.cn")
        assert site.profile.organisation.name == "宣城市宣州区教育局"
        assert site.profile.contact_phone == "0563-3022101"
        assert "已创建子站“宣州区教育局”：http://jyj.example.gov.cn/" in capsys.readouterr().out

    def test_the_office_given_on_the_command_line_is_in_the_guide(self, portal, make_organisation):
        make_organisation("宣城市宣州区教育局", index_code="003195501")
        create(
            "--office-address", "宣州区教育局一楼窗口", "--office-phone", "0563-3022199", "--office-hours", "工作日全天"
        )
        profile = Site.objects.get(hostname="jyj.example.gov.cn").profile
        assert (profile.disclosure_office_address, profile.disclosure_office_phone) == (
            "宣州区教育局一楼窗口",
            "0563-3022199",
        )
        guide = DisclosureInfoPage.objects.get(
            kind=DisclosureInfoKind.GUIDE, path__startswith=profile.site.root_page.path
        )
        assert "宣州区教育局一楼窗口" in guide.body and "工作日全天" in guide.body

    def test_refusal_lists_every_reason_in_chinese_and_creates_nothing(self, portal):
        before = Site.objects.count()
        with pytest.raises(CommandError) as refusal:
            call_command(
                "create_subsite",
                "--hostname", "bad host",
                "--name", "宣州区教育局",
                "--type", "department",
                "--organisation", "没有这个机构",
                "--site-id-code", "123",
            )  # fmt: skip
        message = str(refusal.value)
        assert "主机名“bad host”格式不正确" in message
        assert "机构“没有这个机构”不存在" in message
        assert "网站标识码“123”无效" in message
        assert Site.objects.count() == before

    def test_duplicate_hostname_is_refused(self, portal, make_organisation):
        make_organisation("宣城市宣州区教育局", index_code="003195501")
        create()
        with pytest.raises(CommandError, match="已被站点“宣州区教育局”使用"):
            call_command(
                "create_subsite",
                "--hostname", "jyj.example.gov.cn",
                "--name", "另一个局",
                "--type", "department",
                "--organisation", "003195501",
                "--site-id-code", "3418020021",
            )  # fmt: skip


class TestCloseAndReopen:
    def test_close_then_reopen(self, township):
        call_command("close_subsite", "shuiyang.example.gov.cn", "--notice", "本站已并入门户网站。")
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.CLOSED
        call_command("reopen_subsite", "shuiyang.example.gov.cn")
        township.profile.refresh_from_db()
        assert township.profile.status == SiteStatus.OPEN

    def test_unknown_hostname(self, portal):
        with pytest.raises(CommandError, match=r"没有主机名为“nowhere\.example\.gov\.cn”的站点"):
            call_command("close_subsite", "nowhere.example.gov.cn", "--notice", "x")

    def test_closing_the_portal_is_refused(self, portal):
        with pytest.raises(CommandError, match="门户网站不能关停"):
            call_command("close_subsite", portal.hostname, "--notice", "x")
