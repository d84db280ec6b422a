"""Restricted catalogue items (a password on the item, a login restriction on its column)
are in no public form of the catalogue: its page, facet counts, open data, CSV and XLSX
exports, and the links between a policy and its interpretations."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from cms.disclosure.models import InterpretationPage
from core.publishing import review_waived

from ..conftest import column_of

CATALOGUE = "/xxgk/xxgkml/"
PUBLIC = "区教育局关于公开招生的通知"
PROTECTED = "区教育局关于内部人事的通知"
IN_RESTRICTED_COLUMN = "区教育局内部通报"
SECRET_SUMMARY = "仅限内部传阅的内容概述"


def restrict(page, kind: str = PageViewRestriction.PASSWORD) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=kind, password="secret")


@pytest.fixture
def items(department, publish_policy):
    public = publish_policy(department, PUBLIC, summary="面向社会公开的内容概述")
    protected = publish_policy(department, PROTECTED, summary=SECRET_SUMMARY)
    restrict(protected)
    restrict(column_of(department, "tzgg"), PageViewRestriction.LOGIN)
    hidden = publish_policy(department, IN_RESTRICTED_COLUMN, column="tzgg", summary=SECRET_SUMMARY)
    return {"public": public, "protected": protected, "hidden": hidden}


def assert_only_public(text: str) -> None:
    assert PUBLIC in text
    for secret in (PROTECTED, IN_RESTRICTED_COLUMN, SECRET_SUMMARY):
        assert secret not in text


def test_the_catalogue_page_and_its_counts_leave_out_restricted_items(client, department, items):
    response = client.get(CATALOGUE, HTTP_HOST=department.hostname)
    assert [item.title for item in response.context["items"]] == [PUBLIC]
    assert response.context["total"] == 1
    assert [entry["count"] for entry in response.context["facets"]["years"]] == [1]
    assert_only_public(response.content.decode())


def test_open_data_leaves_out_restricted_items(client, department, items):
    data = json.loads(client.get("/api/catalogue/", HTTP_HOST=department.hostname).content)
    assert data["count"] == 1
    assert [item["title"] for item in data["results"]] == [PUBLIC]


def test_csv_export_leaves_out_restricted_items_and_their_summaries(client, department, items):
    response = client.get(f"{CATALOGUE}?export=csv", HTTP_HOST=department.hostname)
    assert response.status_code == 200
    assert_only_public(b"".join(response.streaming_content).decode("utf-8-sig"))


def test_xlsx_export_leaves_out_restricted_items(client, department, items):
    response = client.get(f"{CATALOGUE}?export=xlsx", HTTP_HOST=department.hostname)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert_only_public(" ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row))


def test_a_restricted_interpretation_is_neither_linked_nor_announced(client, department, items):
    interpretation = InterpretationPage(title="内部解读材料", slug="jd", body="<p>解读</p>", live=False)
    column_of(department, "zcwj").add_child(instance=interpretation)
    interpretation.interprets.set([items["public"]])
    with review_waived("测试数据"):
        interpretation.save_revision().publish()
    restrict(interpretation)

    policy = client.get(f"/zcwj/{items['public'].slug}/", HTTP_HOST=department.hostname).content.decode()
    assert "内部解读材料" not in policy
    catalogue = client.get(CATALOGUE, HTTP_HOST=department.hostname)
    assert [item.has_interpretation for item in catalogue.context["items"]] == [False]


def test_restricting_an_item_retires_the_cached_counts(client, department, items, django_capture_on_commit_callbacks):
    assert client.get(CATALOGUE, HTTP_HOST=department.hostname).context["total"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        restrict(items["public"])
    assert client.get(CATALOGUE, HTTP_HOST=department.hostname).context["total"] == 0


def test_moving_an_item_into_a_restricted_column_retires_the_cached_counts(
    client, department, items, django_capture_on_commit_callbacks
):
    assert client.get(CATALOGUE, HTTP_HOST=department.hostname).context["total"] == 1
    # Seeded content: the review rule has its own tests.
    with django_capture_on_commit_callbacks(execute=True), review_waived("测试数据"):
        items["public"].move(column_of(department, "tzgg"), pos="last-child")
    response = client.get(CATALOGUE, HTTP_HOST=department.hostname)
    assert (response.context["total"], list(response.context["items"])) == (0, [])
