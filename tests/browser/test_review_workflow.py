"""The review workflow in a real browser: a blocked word sent back, fixed, approved, live."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.content.models import ArticlePage
from cms.workflow.models import Severity
from cms.workflow.services import seed_word_lists
from sites.groups import site_group
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite
from tests.conftest import column_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser-pass-2026"


def user(site, role: str, username: str):
    account = get_user_model().objects.create_user(username, f"{username}@example.gov.cn", PASSWORD)
    account.groups.add(site_group(site, role))
    return account


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def open_action_menu(page) -> None:
    page.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']").first.click()


def test_editor_sees_the_finding_fixes_it_and_the_reviewer_puts_it_live(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    org = Organisation.objects.create(name="宣州区教育局", kind=OrganisationKind.DEPARTMENT, index_code="003195501")
    site = provision_subsite(
        SubsiteRequest(
            hostname="jyj.localhost",
            port=int(port),
            site_name="宣州区教育局",
            site_type=SiteType.DEPARTMENT,
            organisation=org,
            site_id_code="3418020021",
            status=SiteStatus.OPEN,
        )
    )
    seed_word_lists(sensitive=[("法轮功", "political", Severity.BLOCK)])
    editor = user(site, "editor", "jyj_ed")
    user(site, "reviewer", "jyj_rv")
    article = ArticlePage(
        title="教育局工作动态",
        slug="gzdt-1",
        body="<p>近日发现有人在校园周边散发法轮功宣传品，已报公安机关处理。</p>",
        publication_date=timezone.now(),
        live=False,
        owner=editor,
    )
    column_of(site, "gzdt").add_child(instance=article)  # news: 自动检查 → 初审
    article.save_revision(user=editor)
    base = f"http://jyj.localhost:{port}"
    edit = f"{base}/admin/pages/{article.pk}/edit/"

    # The editor submits; the automatic check sends it straight back, saying what, where and why.
    log_in(page, base, "jyj_ed")
    page.goto(edit)
    open_action_menu(page)
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(edit)
    messages = page.locator(".messages")
    assert "自动检查未通过" in messages.inner_text()
    assert "法轮功" in messages.inner_text() and "政治敏感" in messages.inner_text()

    # The full report shows the surrounding text.
    page.click("text=查看检查报告")
    assert "校园周边散发" in page.locator("table.listing").inner_text()

    # The editor removes the word in the rich-text editor and submits again.
    page.goto(edit)
    editor_box = page.locator(".public-DraftEditor-content").first
    editor_box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("近日发现有人在校园周边散发非法宣传品，已报公安机关处理。")
    page.wait_for_timeout(300)  # Draftail writes its hidden input on change
    open_action_menu(page)
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    assert ArticlePage.objects.get(pk=article.pk).current_workflow_task.name == "宣州区教育局·初审"

    # The reviewer finds it in 待我审核 and approves it in the editor; it is live.
    log_in(page, base, "jyj_rv")
    assert "教育局工作动态" in page.locator("#review-queue-section, section:has-text('待我审核')").first.inner_text()
    page.goto(edit)
    open_action_menu(page)
    page.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()
    page.wait_for_function("() => !document.querySelector('button[data-workflow-action-name=approve]')", timeout=10000)
    assert ArticlePage.objects.get(pk=article.pk).live
    response = page.goto(f"{base}/gzdt/gzdt-1/")
    assert response.status == 200 and "非法宣传品" in page.content() and "法轮功" not in page.content()
