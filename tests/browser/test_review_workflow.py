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
from tests.browser.conftest import log_in as admin_log_in
from tests.conftest import column_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser-pass-2026"


def user(site, role: str, username: str):
    account = get_user_model().objects.create_user(username, f"{username}@example.gov.cn", PASSWORD)
    account.groups.add(site_group(site, role))
    return account


def log_in(page, base: str, username: str) -> None:
    admin_log_in(page, base, username, PASSWORD)


def open_action_menu(page) -> None:
    page.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']").first.click()


def education_site(port: str):
    org = Organisation.objects.create(name="宣州区教育局", kind=OrganisationKind.DEPARTMENT, index_code="003195501")
    return provision_subsite(
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


def test_editor_sees_the_finding_fixes_it_and_the_reviewer_puts_it_live(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    site = education_site(port)
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
    assert "已经提交进行审核" not in messages.inner_text()  # one truthful message, not a green one too
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


def test_a_reviewer_overrides_a_false_positive_with_a_reason_and_the_item_goes_to_review(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    site = education_site(port)
    seed_word_lists(sensitive=[("刷单", "illegal", Severity.BLOCK)])
    editor = user(site, "editor", "jyj_ed")
    user(site, "reviewer", "jyj_rv")
    article = ArticlePage(
        title="反诈提示", body="<p>凡是要求垫资刷单的都是诈骗。</p>", publication_date=timezone.now(), live=False
    )
    column_of(site, "gzdt").add_child(instance=article)
    article.save_revision(user=editor)
    article.get_workflow().start(article, editor)
    base = f"http://jyj.localhost:{port}"

    log_in(page, base, "jyj_rv")
    page.goto(f"{base}/admin/workflow/pages/{article.pk}/report/")
    page.fill("form.workflow-override input[name=reason]", "反诈宣传中引用的诈骗话术")
    with page.expect_navigation():
        page.click("form.workflow-override button[type=submit]")
    text = page.locator(".messages").inner_text()
    assert "已放行“刷单”" in text and "已提交审核" in text
    assert "反诈宣传中引用的诈骗话术" in page.locator("main").inner_text()  # 放行记录
    assert ArticlePage.objects.get(pk=article.pk).current_workflow_task.name == "宣州区教育局·初审"
