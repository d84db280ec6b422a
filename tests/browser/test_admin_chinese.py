"""What the admin's JavaScript says, in Chromium: Draftail, autosave and form errors in Chinese.

The server-rendered admin is crawled for every role in tests/test_admin_chinese.py; these strings
come from Wagtail's JavaScript catalogue (/admin/jsi18n/, locale/zh_Hans djangojs) and appear
only once the scripts have run.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sites.groups import site_group
from sites.models import SiteType
from tests.conftest import column_of
from tests.test_admin_chinese import english_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser-pass-2026"

# What the page shows or reads out once its scripts ran: text, and the attributes people read.
VISIBLE_STRINGS = """() => {
  const strings = [document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[data-placeholder]')) {
    if (el.closest('[hidden]') || el.type === 'hidden') continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'data-placeholder']) {
      if (el.getAttribute(name)) strings.push(el.getAttribute(name));
    }
  }
  return strings.join('\\n');
}"""


def english_lines(text: str, allowed: set[str]) -> list[str]:
    return [line for line in text.splitlines() if line.strip() not in allowed and english_words(line)]


def test_an_editor_writing_a_new_article_meets_only_chinese(live_server, page, make_site):
    port = int(live_server.url.rsplit(":", 1)[1])
    site = make_site("localhost", SiteType.DEPARTMENT, name="宣州区教育局", port=port)
    editor = get_user_model().objects.create_user("jyj_js", "jyj_js@example.gov.cn", PASSWORD)
    editor.groups.add(site_group(site, "editor"))
    column = column_of(site, "tzgg")
    base = f"http://localhost:{port}"

    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "jyj_js")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/pages/{column.pk}/add_subpage/")
    page.locator("a[href*='/add/content/articlepage/']").first.click()
    # Draftail writes its placeholders as CSS (::before { content: "…" }) once it has started.
    page.locator(".Draftail-Editor .Draftail-block--empty").first.wait_for()
    placeholders = page.evaluate(
        """() => [...document.querySelectorAll('.Draftail-Editor style')]
              .flatMap(style => [...style.textContent.matchAll(/content: "([^"]*)"/g)].map(m => m[1]))"""
    )
    assert "输入内容，或键入“/”插入区块" in placeholders
    assert [p for p in placeholders if english_words(p)] == []
    allowed = {"jyj_js", site.site_name}
    assert english_lines(page.evaluate(VISIBLE_STRINGS), allowed) == []

    # Saving with the title empty: the form's errors, and the message above them.
    page.locator("footer button[type=submit]").first.click()
    page.locator(".messages .error, .w-field__errors").first.wait_for()
    assert english_lines(page.evaluate(VISIBLE_STRINGS), allowed) == []
