"""A citizen on a phone writes to a unit's 领导信箱, keeps the query code, and later reads the reply:
the proof-of-work challenge solved by the page's own script in Chromium, the reply written and
approved through the real actions, a script in the subject shown as text everywhere.

Screenshots go to /tmp/letters-shots/ (not committed) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.letters.actions import AcceptLetterAction, ApproveReplyAction, SubmitReplyAction
from cms.letters.models import Letter, LetterState
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/letters-shots")
XSS_SUBJECT = "咨询<img src=x onerror=window.__xss=1;alert(1)>入学"
REPLY = "您好！\n请携带户口簿到水阳镇中心小学报名。"


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
    return site, f"http://jyj.localhost:{port}/hdjl/ldxx/"


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


def test_a_citizen_writes_keeps_the_code_and_reads_the_public_reply(phone, unit, make_user):
    site, mailbox_url = unit

    phone.goto(mailbox_url)
    assert phone.locator("h1").inner_text() == "领导信箱"
    shot(phone, "1-mailbox-empty")
    phone.get_by_role("link", name="我要写信").click()
    phone.wait_for_load_state()

    phone.locator("#id_kind").select_option(label="咨询")
    phone.locator("#id_subject").fill(XSS_SUBJECT)
    phone.locator("#id_content").fill("我家住在水阳镇，孩子今年上小学。\n请问应到哪所学校报名？")
    assert "已输入 " in phone.locator(".char-count").inner_text()
    phone.locator("#id_name").fill("张三丰")
    phone.locator("#id_phone").fill("13912345678")
    phone.locator("#id_email").fill("zhangsan@example.com")
    phone.get_by_label("同意公开（公开时隐去姓名和联系方式）").check()
    phone.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    # The page's own script fetches the challenge and solves it with crypto.subtle.
    phone.locator("[data-public-form-guard][data-state=done]").wait_for(timeout=30_000)
    shot(phone, "2-write-form")
    no_script_ran(phone)
    phone.get_by_role("button", name="提交来信").click()
    phone.wait_for_load_state()

    assert phone.url.endswith("/hdjl/ldxx/receipt/")
    code = phone.locator(".query-code").inner_text().strip()
    letter = Letter.objects.get()
    assert phone.locator(".letter-number").inner_text() == letter.number
    assert len(code.replace("-", "")) == 12 and code not in phone.url
    shot(phone, "3-receipt")
    phone.reload()
    assert "已经显示过" in phone.locator(".receipt").inner_text()
    assert code not in phone.content()

    # The unit answers, through the same actions as the admin's buttons.
    editor, reviewer = make_user(site, "editor"), make_user(site, "reviewer")
    AcceptLetterAction(letter, editor).execute()
    SubmitReplyAction(letter, editor, reply=REPLY).execute()
    ApproveReplyAction(letter, reviewer, make_public=True).execute()
    assert Letter.objects.get().state == LetterState.REPLIED

    phone.goto(mailbox_url)
    phone.get_by_role("link", name="办理查询").first.click()
    phone.wait_for_load_state()
    phone.locator("#id_code").fill(code)
    phone.locator("#id_phone_tail").fill("5678")
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_load_state()
    status = phone.locator(".letter-status")
    assert "已答复" in status.inner_text()
    assert "请携带户口簿到水阳镇中心小学报名。" in status.locator(".letter-reply").inner_text()
    assert "张**" in status.inner_text() and "张三丰" not in phone.content()
    assert "13912345678" not in phone.content() and "zhangsan@example.com" not in phone.content()
    shot(phone, "4-lookup-replied")
    no_script_ran(phone)

    phone.goto(mailbox_url)
    row = phone.locator(".letter-table tbody tr").first
    assert row.locator("td.title").inner_text() == XSS_SUBJECT
    assert "张**" in row.inner_text() and "宣州区教育局" in row.inner_text()
    shot(phone, "5-mailbox-list")
    no_script_ran(phone)

    row.locator("td.title a").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == XSS_SUBJECT
    assert "张三丰" not in phone.content() and "13912345678" not in phone.content()
    shot(phone, "6-letter-page")
    no_script_ran(phone)

    phone.goto(mailbox_url + "stats/")
    assert "收到留言数量" in phone.content()
    shot(phone, "7-statistics")
    no_script_ran(phone)


def test_a_wrong_code_gets_the_neutral_answer_on_a_phone(phone, unit):
    _, mailbox_url = unit
    phone.goto(mailbox_url + "query/")
    phone.locator("#id_code").fill("ABCD-EFGH-JKMN")
    phone.locator("#id_phone_tail").fill("1234")
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_load_state()
    assert "未找到与查询码和手机号后四位相符的来信，请核对后重试。" in phone.content()
    assert phone.locator("#id_code").input_value() == ""
    shot(phone, "8-lookup-not-found")
