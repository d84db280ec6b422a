"""Push from a township to the portal, accept in the portal's inbox, see it live,
take it down from the township, see the withdrawal notice on both sites — in Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms.syndication.models import PushRecord
from sites.groups import site_group
from sites.models import OrganisationKind, SiteType
from tests.browser.conftest import log_in as admin_log_in

from ..conftest import column_of, publish_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Editor-pass-2026"


def port_of(live_server) -> int:
    return int(live_server.url.rsplit(":", 1)[1])


def user_in(site, role: str, username: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.gov.cn", PASSWORD)
    user.groups.add(site_group(site, role))
    return user


def log_in(page, base: str, username: str) -> None:
    admin_log_in(page, base, username, PASSWORD)


def log_out(page) -> None:
    page.context.clear_cookies()


def test_push_accept_and_take_down_across_two_sites(live_server, page, make_site, make_organisation):
    port = port_of(live_server)
    portal_org = make_organisation("宣城市宣州区人民政府", kind=OrganisationKind.PORTAL)
    portal = make_site("localhost", SiteType.PORTAL, name="宣州区人民政府", organisation=portal_org, port=port)
    township = make_site("shuiyang.localhost", SiteType.TOWNSHIP, name="水阳镇人民政府", port=port)
    item = publish_article(
        column_of(township, "gzdt"), "水阳镇开展防汛应急演练", slug="fxyl", body="<p>全镇干部群众参加演练。</p>"
    )
    user_in(township, "reviewer", "shuiyang_editor")
    user_in(portal, "reviewer", "portal_editor")
    admin = f"http://localhost:{port}"

    # The township submits the item to the portal's 乡镇动态.
    log_in(page, admin, "shuiyang_editor")
    page.goto(f"{admin}/admin/syndication/push/{item.pk}/")
    summary = page.locator("summary", has_text="宣州区人民政府")
    marker = "el => getComputedStyle(el, '::before').content"
    assert summary.evaluate(marker) == '"▸"', "a folded site shows that it opens"
    summary.click()
    assert summary.evaluate(marker) == '"▾"'
    page.get_by_label("乡镇动态").check()
    page.get_by_role("button", name="推送", exact=True).click()
    assert "宣州区人民政府 · 乡镇动态：已推送，等待对方采用" in page.locator(".push-results").inner_text()
    log_out(page)

    # The portal's editor accepts it in the inbox; it is live on the portal.
    log_in(page, admin, "portal_editor")
    page.goto(f"{admin}/admin/syndication/inbox/")
    assert page.get_by_role("link", name="水阳镇开展防汛应急演练").get_attribute("href") == item.full_url
    page.get_by_role("button", name="采用", exact=True).click()
    assert "已采用并发布" in page.locator(".nice-padding [role=status]").inner_text()  # waits for the answer
    log_out(page)
    alias_url = f"{admin}/ywdt/xzdt/fxyl/"
    page.goto(alias_url)
    assert "全镇干部群众参加演练" in page.locator(".article-body").inner_text()
    assert page.locator(".push-origin a").inner_text() == township.profile.organisation.name
    assert PushRecord.objects.get().resulting_page.url_path.endswith("/ywdt/xzdt/fxyl/")

    # The township takes it down (撤销); both sites show the withdrawal notice.
    log_in(page, admin, "shuiyang_editor")
    page.goto(f"{admin}/admin/syndication/takedown/{item.pk}/")
    assert "将受影响的页面（2 个）" in page.content()
    page.get_by_label("撤销（保留页面，显示撤销公告）").check()
    page.get_by_label("下架理由（必填）").fill("演练时间有误")
    page.get_by_role("button", name="确认下架", exact=True).click()
    assert "涉及 2 个网站的 2 个页面" in page.locator(".takedown-summary").inner_text()
    log_out(page)
    for url in (f"http://shuiyang.localhost:{port}/gzdt/fxyl/", alias_url):
        response = page.goto(url)
        assert response.status == 200
        assert page.locator("h1").inner_text() == "【已撤销】水阳镇开展防汛应急演练"
        assert "撤销理由：演练时间有误" in page.content()
        assert "全镇干部群众参加演练" not in page.content()
