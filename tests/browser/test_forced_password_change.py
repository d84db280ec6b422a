"""A new account's first login in a real browser: the forced password change, then the dashboard."""

from __future__ import annotations

import pytest

from cms.accounts.lifecycle import AccountRequest, create_account
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Xuanzhou-jyj-2026!"


def test_a_forced_change_shows_one_form_and_lands_on_the_dashboard(live_server, page):
    base = live_server.url
    org = Organisation.objects.create(name="宣州区教育局", kind=OrganisationKind.DEPARTMENT, index_code="003195501")
    site = provision_subsite(
        SubsiteRequest(
            hostname="jyj.localhost",
            site_name="宣州区教育局",
            site_type=SiteType.DEPARTMENT,
            organisation=org,
            site_id_code="3418020021",
            status=SiteStatus.OPEN,
        )
    )
    user, one_time_password = create_account(
        AccountRequest(
            username="jyj_new",
            site=site,
            role="editor",
            responsible_name="张三",
            responsible_phone="0563-3021234",
        )
    )
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "jyj_new")
    page.fill("input[name=password]", one_time_password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/accounts/password/**")
    page.wait_for_load_state("networkidle")  # the sprite and the JS catalogue have been fetched
    # Redirected to this form, the sprite request used to insert a hidden second copy of it.
    assert page.locator("#id_old_password").count() == 1
    assert page.evaluate("typeof window.django?.gettext") == "function"
    page.fill("#id_old_password", one_time_password)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.locator("main button[type=submit], main input[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")
    assert "密码已修改" in page.locator("body").inner_text()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
