"""What a citizen sees on a 375 px phone: the catalogue as cards, an article's catalogue
metadata folded so the title and text come first (issue 15: 20 rows of the table were
4,768 px tall, with a title column two characters wide)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
ROWS = 20  # the catalogue's page size


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_the_catalogue_is_a_list_of_cards_on_a_phone(live_server, phone, demo):
    phone.goto(f"http://localhost:{demo}/zfxxgk/xxgkml/")
    rows = phone.locator("table.catalogue-table tbody tr")
    assert rows.count() == ROWS

    height = phone.locator("table.catalogue-table").bounding_box()["height"]
    title = rows.first.locator("td").nth(1).bounding_box()
    print(f"catalogue: {ROWS} rows {height:.0f} px tall, title {title['width']:.0f} px wide")
    assert height < ROWS * 150, f"{ROWS} rows take {height:.0f} px"
    assert title["width"] > PHONE["width"] * 0.75, "the title has the card's whole width"
    # Each value says what it is, as the column heading did.
    label = rows.first.locator("td.index-number").evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"索引号："'
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_articles_catalogue_metadata_is_folded_on_a_phone(live_server, browser, phone, demo):
    phone.goto(f"http://localhost:{demo}/zcwj/")
    phone.locator(".item-list a").first.click()
    phone.wait_for_load_state()
    metadata = phone.locator("details.metadata-details")
    assert metadata.count() == 1 and not metadata.evaluate("d => d.open")
    assert phone.locator("h1").bounding_box()["y"] < PHONE["height"] / 2, "the title is on the first screen"
    assert phone.locator(".article-body").bounding_box()["y"] < PHONE["height"]
    article_url = phone.url

    metadata.locator("summary").click()
    assert phone.get_by_role("rowheader", name="索引号").is_visible()

    # On a wide screen it stays open, as the standard table above the text.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    wide = context.new_page()
    wide.goto(article_url)
    assert wide.locator("details.metadata-details").evaluate("d => d.open")
    assert wide.get_by_role("rowheader", name="索引号").is_visible()
    context.close()
