"""An applicant on a phone applies online for government information, keeps the query code,
makes the 补正 the unit asked for through the look-up, and reads the 部分公开 answer: the
proof-of-work challenge solved by the page's own script in Chromium, the unit's steps taken
through the real actions, a script in the description shown as text everywhere.

Screenshots go to /tmp/apps-shots/ (not committed) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.applications.actions import (
    ApproveAnswerAction,
    DraftAnswerAction,
    RegisterApplicationAction,
    RequestCorrectionAction,
)
from cms.applications.models import Application, ApplicationState, Outcome
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/apps-shots")
ID_NUMBER = "341802198001011230"
XSS = "<img src=x onerror=window.__xss=1;alert(1)>"
ANSWER = "经查，现向您提供该文件的公开部分；涉及个人信息的部分不予公开。"


@pytest.fixture
def unit(live_server):
    """A department at jyj.localhost (Chromium resolves every *.localhost to this machine)."""
    port = int(live_server.url.rsplit(":", 1)[1])
    org = Organisation.objects.create(name="宣城市宣州区人民政府", kind=OrganisationKind.PORTAL, index_code="003195501")
    provision_subsite(
        SubsiteRequest(
            hostname="localhost",
            port=port,
            site_name="宣州区人民政府",
            site_type=SiteType.PORTAL,
            organisation=org,
            site_id_code="3418020001",
            status=SiteStatus.OPEN,
        )
    )
    department = Organisation.objects.create(name="宣城市宣州区教育局", kind=OrganisationKind.DEPARTMENT, parent=org)
    site = provision_subsite(
        SubsiteRequest(
            hostname="jyj.localhost",
            port=port,
            site_name="宣州区教育局",
            site_type=SiteType.DEPARTMENT,
            organisation=department,
            site_id_code="3418020002",
            status=SiteStatus.OPEN,
        )
    )
    return site, f"http://jyj.localhost:{port}/xxgk/ysqgk/"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_script_ran(page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing wider than the phone"


def look_up(phone, url: str, code: str) -> None:
    phone.goto(url + "query/")
    phone.locator("#id_code").fill(code)
    phone.locator("#id_id_tail").fill(ID_NUMBER[-4:])
    phone.get_by_role("button", name="查询", exact=True).click()
    phone.wait_for_load_state()


def test_an_applicant_applies_corrects_and_reads_the_answer(phone, unit, make_user):
    site, url = unit

    phone.goto(url)
    assert phone.locator("h1").inner_text() == "依申请公开"
    assert "第三十三条" in phone.content()
    shot(phone, "1-page")
    no_script_ran(phone)
    phone.get_by_role("link", name="在线申请").first.click()
    phone.wait_for_load_state()

    phone.locator("#id_applicant_type").select_option(label="自然人")
    phone.locator("#id_name").fill("李四光")
    phone.locator("#id_id_type").select_option(label="居民身份证")
    phone.locator("#id_id_number").fill(ID_NUMBER)
    phone.locator("#id_phone").fill("13955630000")
    phone.locator("#id_email").fill("lisi@example.com")
    phone.locator("#id_description").fill(f"2025年义务教育阶段学校招生划片范围的文件{XSS}")
    phone.get_by_label("电子文档").check()
    phone.get_by_label("电子邮件").check()
    phone.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    # The page's own script fetches the challenge and solves it with crypto.subtle.
    phone.locator("[data-public-form-guard][data-state=done]").wait_for(timeout=30_000)
    shot(phone, "2-apply-form")
    no_script_ran(phone)
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_load_state()

    assert phone.url.endswith("/xxgk/ysqgk/receipt/")
    code = phone.locator(".query-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12 and code not in phone.url
    shot(phone, "3-receipt")
    phone.reload()
    assert "已经显示过" in phone.locator(".receipt").inner_text()
    assert code not in phone.content()

    # The unit registers and asks for a 补正, through the same actions as the admin's buttons.
    application = Application.objects.get()
    editor, reviewer = make_user(site, "editor"), make_user(site, "reviewer")
    RegisterApplicationAction(application, editor).execute()
    RequestCorrectionAction(application, editor, items="请写明所需文件的发文机关和大致发布时间。").execute()

    look_up(phone, url, code)
    assert "待补正" in phone.locator(".case-state").inner_text()
    assert "请写明所需文件的发文机关" in phone.content()
    assert "李**" in phone.content() and "李四光" not in phone.content() and ID_NUMBER not in phone.content()
    phone.locator("#id_correction").fill("宣州区教育局2025年5月发布的招生划片文件。")
    phone.locator(".case-correction [data-public-form-guard][data-state=done]").wait_for(timeout=30_000)
    shot(phone, "4-correction")
    no_script_ran(phone)
    phone.get_by_role("button", name="提交补正").click()
    phone.wait_for_load_state()
    assert "补正内容已提交" in phone.content()
    assert Application.objects.get().state == ApplicationState.REGISTERED

    # The unit answers 部分公开.
    application = Application.objects.get()
    DraftAnswerAction(
        application, editor, outcome=Outcome.PARTLY_DISCLOSED, legal_basis="《条例》第三十七条", answer=ANSWER
    ).execute()
    ApproveAnswerAction(application, reviewer).execute()

    look_up(phone, url, code)
    assert "已答复" in phone.locator(".case-state").inner_text()
    assert "部分公开" in phone.content() and ANSWER in phone.content()
    assert XSS in phone.locator(".case-text").first.inner_text()  # shown as text
    shot(phone, "5-answer")
    no_script_ran(phone)
