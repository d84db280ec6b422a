"""XSS in a real browser: every payload of the corpus, through every public input and
through the catalogue's HTML import, is rendered harmless — no script runs, no dialog opens.

The browser ignores the Content-Security-Policy here (``bypass_csp`` in conftest), so
escaping and the nh3 sanitizer are shown to hold on their own, without CSP's help.

Public inputs today are query parameters (search, catalogue search and filters,
column paging, the 长者模式 switch's return address, the open-data API); the 留言
forms of a later issue join this test when they land.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from openpyxl import Workbook

from cms.disclosure.importer import import_rows, read_rows
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import SubsiteRequest, provision_subsite
from tests.accounts.xss_payloads import PAYLOADS
from tests.conftest import column_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG = "宣城市宣州区人民政府"
# Anything in the rendered DOM that could run script.
ACTIVE_CONTENT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      const urlAttr = ['href', 'src', 'action', 'formaction', 'data'].includes(attr.name);
      if (urlAttr && /^\\s*(javascript|vbscript|data):/i.test(attr.value))
        bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const el of document.querySelectorAll('script:not([src]), iframe, object, embed, base, meta[http-equiv]'))
    bad.push(el.outerHTML.slice(0, 80));
  return bad;
}"""


@pytest.fixture
def portal_site(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    org = Organisation.objects.create(name=ORG, kind=OrganisationKind.PORTAL, index_code="003195501")
    return provision_subsite(
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


@pytest.fixture
def imported(portal_site, tmp_path):
    """Every payload imported as the body (legacy HTML) and summary of a policy document."""
    book = Workbook()
    sheet = book.active
    header = ["标题", "内容概述", "发布机构", "成文日期", "发布日期", "主题分类", "体裁", "主题词"]
    header += ["有效性", "公开方式", "公开时限", "正文"]
    sheet.append(header)
    for n, payload in enumerate(PAYLOADS, start=1):
        body = f"<p>第{n}号文件正文。</p>{payload}" if n % 2 else payload
        dates = ("2024-03-01", "2024-03-05")
        sheet.append(
            [f"安全测试文件{n}号", payload, ORG, *dates, "综合政务", "通知", payload[:100]]
            + ["有效", "主动公开", "长期公开", body]
        )
    path = tmp_path / "xss.xlsx"
    book.save(path)
    result = import_rows(read_rows(path, "xlsx")[1], column_of(portal_site, "zcwj"))
    return [p.get_url() for p in result.pages]


@pytest.fixture
def watched(page):
    """The page, with every dialog recorded (and dismissed so nothing hangs)."""
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def assert_harmless(page, where: str) -> None:
    assert page.dialogs == [], f"dialog opened on {where}"
    assert page.evaluate("() => window.__xss === undefined"), f"script ran on {where}"


def test_imported_html_is_rendered_harmless(live_server, imported, watched):
    assert len(imported) == len(PAYLOADS) >= 50
    for url in imported:
        watched.goto(f"{live_server.url}{url}")
        watched.wait_for_load_state("load")
        assert watched.get_by_role("heading", level=1).count()  # the page really rendered
        assert watched.evaluate(ACTIVE_CONTENT) == [], url
        assert_harmless(watched, url)
    watched.goto(f"{live_server.url}/zfxxgk/xxgkml/")  # the catalogue lists every title and summary
    assert_harmless(watched, "catalogue")
    # Search results quote the imported bodies in highlighted snippets.
    for query in ("安全测试文件", "正文", "alert", "onerror", "script", "javascript"):
        watched.goto(f"{live_server.url}/search/?q={quote(query)}")
        assert watched.evaluate(ACTIVE_CONTENT) == [], query
        assert_harmless(watched, f"search {query}")
    watched.goto(f"{live_server.url}/search/?q={quote('安全测试文件')}")
    assert "安全测试文件" in watched.content()  # the imported documents really are found


PUBLIC_INPUTS = [
    "/zfxxgk/xxgkml/?topic={p}&org={p}&genre={p}&year={p}&validity={p}&sort={p}&order={p}&page={p}",
    "/tzgg/?page={p}",
    "/a11y/elderly/?on=1&next={p}",
    "/api/catalogue/?genre={p}&sort={p}&page_size={p}",
    "/{p}/",
    "/search/?q={p}&scope={p}&from={p}&to={p}&sort={p}&site={p}&type={p}&genre={p}&page={p}",
    "/search/?catalogue=1&q={p}&index_number={p}&document_number={p}",
]


def test_every_public_input_renders_every_payload_harmless(live_server, portal_site, watched):
    for payload in PAYLOADS:
        for template in PUBLIC_INPUTS:
            url = live_server.url + template.format(p=quote(payload, safe=""))
            watched.goto(url)
            watched.wait_for_load_state("load")
            assert watched.evaluate(ACTIVE_CONTENT) == [], url
            assert_harmless(watched, url)
