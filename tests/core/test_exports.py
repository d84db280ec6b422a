"""Every spreadsheet export shows a title as text, never as a live formula (CSV/formula injection).

A cell that starts with = + - @ (or a tab or carriage return) is run as a formula by
Excel and WPS when the file is opened; an editor's title ``=HYPERLINK(…)`` would become
a link to anywhere in the hands of whoever downloads the catalogue. Numbers and dates
stay numbers and dates.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cms.disclosure.models import Topic
from cms.syndication.reports import StatsRow, stats_xlsx
from core.exports import csv_lines, neutralise, xlsx_bytes

from ..conftest import column_of, publish_article

EVIL = '=HYPERLINK("http://evil","x")'
SAFE = "'" + EVIL
SHANGHAI = ZoneInfo("Asia/Shanghai")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def xlsx_cells(response_or_bytes) -> list[tuple]:
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else body_of(response_or_bytes)
    return list(load_workbook(io.BytesIO(data)).active.iter_rows())


def text_cell_of(rows, value: str):
    found = [cell for row in rows for cell in row if isinstance(cell.value, str) and value in cell.value]
    assert found, f"no cell holds {value!r}"
    return found[0]


class TestTheSharedWriter:
    @pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
    def test_a_cell_starting_a_formula_is_written_as_text(self, trigger):
        assert neutralise(f"{trigger}1+1") == f"'{trigger}1+1"

    @pytest.mark.parametrize("value", ["关于秋季森林防火的通知", "", "a=b", 42, -3, 0.5, date(2024, 1, 2), None])
    def test_everything_else_is_unchanged(self, value):
        assert neutralise(value) == value

    def test_csv(self):
        lines = "".join(csv_lines(["标题", "条数"], [[EVIL, 3]]))
        assert list(csv.reader(io.StringIO(lines.lstrip("\ufeff")))) == [["标题", "条数"], [SAFE, "3"]]

    def test_xlsx_keeps_numbers_dates_and_formats(self):
        data = xlsx_bytes(
            "表", ["标题", "条数", "日期", "比例"], [[EVIL, 3, date(2024, 1, 2), 0.25]], number_formats={3: "0.0%"}
        )
        title, count, day, rate = xlsx_cells(data)[1]
        assert (title.data_type, title.value) == ("s", SAFE)
        assert (count.data_type, count.value) == ("n", 3)
        assert day.is_date and day.value == datetime(2024, 1, 2)
        assert (rate.value, rate.number_format) == (0.25, "0.0%")


@pytest.fixture
def evil_item(portal):
    return publish_article(
        column_of(portal, "zcwj"),
        EVIL,
        datetime(2024, 10, 28, 10, tzinfo=SHANGHAI),
        in_catalogue=True,
        issuing_organisation=portal.profile.organisation,
        topic=Topic.objects.get(parent=None, name="综合政务"),
        genre="通知",
        disclosure_term="long_term",
        date_formed=date(2024, 9, 2),  # more than 20 working days before: in the timeliness report
    )


class TestEveryExport:
    def test_public_catalogue_csv(self, client, portal, evil_item):
        response = client.get("/zfxxgk/xxgkml/", {"export": "csv"}, HTTP_HOST=portal.hostname)
        header, row = csv_rows(response)
        assert row[header.index("标题")] == SAFE
        assert row[header.index("发布日期")] == "2024-10-28"

    def test_public_catalogue_xlsx(self, client, portal, evil_item):
        rows = xlsx_cells(client.get("/zfxxgk/xxgkml/", {"export": "xlsx"}, HTTP_HOST=portal.hostname))
        cell = text_cell_of(rows, "HYPERLINK")
        assert (cell.data_type, cell.value) == ("s", SAFE)

    def test_account_audit_log_csv(self, client, make_user, evil_item):
        client.force_login(make_user(None, "audit_admin"))
        rows = csv_rows(client.post(reverse("accounts:audit_export"), {"since": "", "until": ""}))
        assert SAFE in [cell for row in rows for cell in row]
        assert not any(cell.startswith("=") for row in rows for cell in row)

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_site_audit_log(self, client, superuser, portal, evil_item, kind):
        client.force_login(superuser)
        response = client.get(reverse("workflow:audit"), {"export": kind})
        if kind == "csv":
            assert SAFE in [cell for row in csv_rows(response) for cell in row]
        else:
            rows = xlsx_cells(response)
            cell = text_cell_of(rows, "HYPERLINK")
            assert (cell.data_type, cell.value) == ("s", SAFE)
            assert any(c.is_date for row in rows[1:] for c in row), "timestamps stay dates"

    def test_wagtails_own_reports_too(self, client, superuser, evil_item):
        # 页面锁定 (Wagtail's LockedPagesView): Wagtail writes its CSV cells unchanged.
        evil_item.locked, evil_item.locked_by = True, superuser
        evil_item.save(update_fields=["locked", "locked_by"])
        client.force_login(superuser)
        rows = csv_rows(client.get(reverse("wagtailadmin_reports:locked_pages"), {"export": "csv"}))
        assert SAFE in [cell for row in rows for cell in row]
        assert not any(cell.startswith("=") for row in rows for cell in row)

    def test_timeliness_report_csv(self, client, superuser, evil_item):
        client.force_login(superuser)
        _, row = csv_rows(client.get(reverse("disclosure:timeliness_report"), {"export": "csv"}))
        assert row[0] == SAFE

    def test_timeliness_report_xlsx(self, client, superuser, evil_item):
        client.force_login(superuser)
        rows = xlsx_cells(client.get(reverse("disclosure:timeliness_report"), {"export": "xlsx"}))
        title, *_, overdue = rows[1]
        assert (title.data_type, title.value) == ("s", SAFE)
        assert overdue.data_type == "n"

    def test_submission_statistics_xlsx(self):
        row = StatsRow(rank=1, unit=EVIL, site="-水阳镇", month=date(2024, 10, 1), submitted=4, adopted=1)
        _, (_month, rank, unit, site, submitted, adopted, rate) = xlsx_cells(stats_xlsx([row]))
        assert (unit.value, site.value) == (SAFE, "'-水阳镇")
        assert (rank.value, submitted.value, adopted.value, rate.value) == (1, 4, 1, 0.25)
        assert rate.number_format == "0.0%"

    def test_visit_statistics_xlsx(self, client, superuser, portal, evil_item):
        from cms.visits.aggregation import aggregate

        client.post(f"/api/views/{evil_item.pk}/", HTTP_HOST=portal.hostname, HTTP_USER_AGENT="Mozilla/5.0")
        aggregate()
        client.force_login(superuser)
        response = client.get(reverse("visits:site", args=[portal.pk]), {"export": "xlsx"})
        pages = load_workbook(io.BytesIO(body_of(response)))["页面"]
        title, _url, views, _visitors = next(pages.iter_rows(min_row=2))
        assert (title.data_type, title.value, views.value) == ("s", SAFE, 1)


class TestReadBack:
    """An export is re-importable (docs/catalogue.md): the importer reads a neutralised cell as written."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_the_catalogue_importer_reads_the_title_back(self, kind):
        from cms.disclosure.importer import read_rows

        rows = [[EVIL, "'单引号开头的标题", 3]]
        data = (
            "".join(csv_lines(["标题", "备注", "数"], rows)).encode()
            if kind == "csv"
            else xlsx_bytes("表", ["标题", "备注", "数"], rows)
        )
        _, (row,) = read_rows(io.BytesIO(data), kind)
        assert row.cells["标题"] == EVIL
        assert row.cells["备注"] == "'单引号开头的标题", "an apostrophe before anything else is the title's own"
