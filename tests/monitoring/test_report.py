"""每月通报: the month's, quarter's and year's figures from the daily snapshots, 信息报送 from the push
statistics, the admin page (info center only, constant queries), the PDF and the XLSX."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cms.monitoring.models import ScoreSnapshot, Status
from cms.monitoring.ranking import Grade
from cms.monitoring.report import Period, build_report
from cms.monitoring.rules import RULES
from cms.monitoring.views import REPORT_REFUSED
from cms.syndication.models import PushMode, PushRecord
from cms.syndication.push import accept, push
from tests.conftest import USER_PASSWORD, column_of, publish_article

pytestmark = pytest.mark.django_db
REPORT = reverse("monitoring_report")
JUNE = Period.parse("2026-06")


def snap(site, day: date, points, vetoed: tuple[str, ...] = (), messages: dict[str, str] | None = None, **statuses):
    """A crafted day of a site: every rule green unless named (rule=status), ``vetoed`` at veto."""
    statuses = {rule.key: Status.GREEN for rule in RULES} | statuses | {key: Status.VETO for key in vetoed}
    return ScoreSnapshot.objects.create(
        site=site,
        date=day,
        points=Decimal(str(points)),
        vetoes=len(vetoed),
        statuses=statuses,
        messages={key: f"{key}正常" for key in statuses} | (messages or {}),
    )


def june(day: int) -> date:
    return date(2026, 6, day)


def row_of(report, site):
    return next(row for row in report.rows if row.site.pk == site.pk)


def signed_in(client, user):
    assert client.login(username=user.username, password=USER_PASSWORD)
    return client


@pytest.fixture
def crafted(portal, department, township):
    """June 2026: the department 10 days at 100 and 20 at 85, three of them with a veto on 空白栏目
    (mended by the 30th); the township two days (80, 71) with 首页更新 amber then red; the portal none."""
    for day in range(1, 11):
        snap(department, june(day), 100)
    for day in range(11, 31):
        vetoed = ("blank_columns",) if day in (12, 13, 14) else ()
        snap(department, june(day), 85, vetoed, messages={"blank_columns": f"{day}日空白栏目"})
    snap(township, june(3), 80, home_update=Status.AMBER, messages={"home_update": "首页10天未更新"})
    snap(township, june(20), 71, home_update=Status.RED, messages={"home_update": "首页13天未更新"})
    snap(department, date(2026, 5, 31), 10)  # another month: not June's
    snap(department, date(2026, 4, 10), 70)
    return {"portal": portal, "department": department, "township": township}


def test_a_months_score_is_the_average_of_its_daily_scores(crafted):
    report = build_report(JUNE)
    department, township, portal = (row_of(report, crafted[k]) for k in ("department", "township", "portal"))
    assert department.points == Decimal("90.0")  # (10 × 100 + 20 × 85) / 30
    assert department.days == 30
    assert township.points == Decimal("75.5")
    assert portal.points is None and portal.standing.rank is None  # monitored, nothing computed: not ranked
    # The department's veto puts it after the township whatever its points (ranking.rank_sites).
    assert [row.site.pk for row in report.ranked] == [crafted["township"].pk, crafted["department"].pk]
    assert report.average == Decimal("82.8")  # (90.0 + 75.5) / 2, rounded half up


def test_vetoes_and_findings_are_the_worst_of_the_period_with_their_days(crafted):
    report = build_report(JUNE)
    department, township = row_of(report, crafted["department"]), row_of(report, crafted["township"])
    assert [(f.rule.key, f.status_days) for f in department.vetoed] == [("blank_columns", 3)]
    blank = next(f for f in department.findings if f.rule.key == "blank_columns")
    assert blank.text == "单项否决 3天"
    assert blank.improved and blank.last_message == "30日空白栏目"  # the month's last day's message
    home = next(f for f in township.findings if f.rule.key == "home_update")
    assert (home.status, home.days[Status.RED], home.days[Status.AMBER]) == (Status.RED, 1, 1)
    assert home.last_message == "首页13天未更新"
    assert not township.vetoed
    assert [row.site.pk for row in report.vetoed_sites] == [crafted["department"].pk]
    assert (department.standing.rank, department.standing.grade) == (2, Grade.FAIL)
    assert township.standing.rank == 1


def test_a_quarters_score_is_the_average_of_its_months(crafted):
    report = build_report(Period.parse("2026-Q2"))
    department = row_of(report, crafted["department"])
    # April 70.0, May 10.0, June 90.0: every month weighs the same.
    assert department.points == Decimal("56.7")
    assert report.period.graded and not JUNE.graded
    year = build_report(Period.parse("2026"))
    assert row_of(year, crafted["department"]).points == Decimal("56.7")  # the same three months


def test_the_trend_covers_twelve_months_and_the_veto_chart_counts_per_month(crafted):
    report = build_report(JUNE)
    assert report.trend_months[0] == date(2025, 7, 1) and report.trend_months[-1] == date(2026, 6, 1)
    department = row_of(report, crafted["department"])
    assert {m: str(p) for m, p in department.month_points.items()} == {
        date(2026, 4, 1): "70.0",
        date(2026, 5, 1): "10.0",
        date(2026, 6, 1): "90.0",
    }
    # Three consecutive months: one unbroken line through three dots, the nine months before it empty.
    (line,) = department.trend.lines
    assert len(line.dots) == 3 and len(line.segments) == 1
    assert "2026年6月 90.0分" in department.trend.summary
    heights = [bar.height for bar in report.veto_chart.bars]
    assert len(heights) == 12 and heights[-1] > 0 and not any(heights[:-1])  # one veto, in June
    assert "2026年6月 1项（1个网站）" in report.veto_chart.summary
    assert "2026年5月 0项（0个网站）" in report.veto_chart.summary  # computed, no veto
    assert "2026年3月 无数据" in report.veto_chart.summary  # nothing computed: a gap, not a zero
    (sites_line,) = report.veto_chart.lines
    assert len(sites_line.segments) == 1 and len(sites_line.dots) == 3  # April to June


def test_information_submission_figures_come_from_the_push_statistics(crafted, make_user):
    township, portal = crafted["township"], crafted["portal"]
    editor, portal_editor = make_user(township, "reviewer"), make_user(portal, "reviewer")
    items = [publish_article(column_of(township, "gzdt"), f"报送{n}", slug=f"bs{n}") for n in range(3)]
    records = [push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor)[0].record for item in items]
    accept(records[0], portal_editor)
    accept(records[2], portal_editor)
    june_day = timezone.make_aware(datetime(2026, 6, 18, 9, 0))
    PushRecord.objects.filter(pk__in=[r.pk for r in records[:2]]).update(pushed_at=june_day)
    PushRecord.objects.filter(pk=records[2].pk).update(pushed_at=june_day + timedelta(days=20))  # July
    row = row_of(build_report(JUNE), township)
    assert (row.submitted, row.adopted, row.rate_display) == (2, 1, "50.0%")
    assert (row_of(build_report(Period.parse("2026-Q3")), township).submitted) == 1
    assert row_of(build_report(Period.parse("2026")), township).adopted == 2


def test_a_period_key_is_parsed_or_refused_in_chinese():
    assert (JUNE.start, JUNE.end, JUNE.label) == (date(2026, 6, 1), date(2026, 6, 30), "2026年6月")
    q1 = Period.parse("2024-Q1")
    assert (q1.start, q1.end, q1.label) == (date(2024, 1, 1), date(2024, 3, 31), "2024年第一季度")
    assert Period.parse("2025").end == date(2025, 12, 31)
    for bad, message in (("2026-13", "月份"), ("abc", "格式"), ("1999", "年份"), ("2999-01", "年份")):
        with pytest.raises(ValueError, match=message):
            Period.parse(bad)
    next_month = timezone.localdate().replace(day=1) + timedelta(days=32)
    with pytest.raises(ValueError, match="尚未开始"):
        Period.parse(f"{next_month:%Y-%m}")


# --- the admin page ---------------------------------------------------------------------


def test_the_info_center_reads_the_printable_page(client, crafted, make_user):
    response = signed_in(client, make_user(None, "信息中心")).get(REPORT, {"period": "2026-06"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年6月政府网站检查每月通报" in html
    for site in crafted.values():
        assert site.site_name in html
    assert "90.0" in html and "75.5" in html and "单项否决 3天" in html and "30日空白栏目" in html
    assert html.count('<svg role="img"') == 3 + 1  # a trend per site and the veto chart
    assert "等次" not in html  # the month is ranked, not graded
    quarter = client.get(REPORT, {"period": "2026-Q2"}).content.decode()
    assert "2026年第二季度政府网站检查季度考评" in quarter and "等次" in quarter and "不合格" in quarter


def test_a_cluster_without_sites_or_history_reports_nothing_without_error(client, make_user):
    center = signed_in(client, make_user(None, "信息中心"))
    response = center.get(REPORT, {"period": "2026-06"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "本期没有纳入检查的网站" in html and "本期各网站各项指标均正常" not in html
    assert "2026年6月 无数据" in response.context["report"].veto_chart.summary
    for export in ("pdf", "xlsx"):
        assert center.get(REPORT, {"period": "2026-06", "format": export}).status_code == 200


def test_a_bad_period_gets_a_chinese_message_and_this_month(client, make_user):
    response = signed_in(client, make_user(None, "信息中心")).get(REPORT, {"period": "2026-99"})
    assert response.status_code == 200
    assert "没有这个统计期" in response.content.decode()
    assert response.context["report"].period == Period.current_month()
    pdf = client.get(REPORT, {"period": "x", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"].startswith("text/html")  # the page, not a file


@pytest.mark.parametrize("role", ["site_admin", "editor"])
def test_a_site_admin_or_editor_is_refused_in_chinese_and_has_no_menu_item(client, department, make_user, role):
    signed_in(client, make_user(department, role))
    for query in ({}, {"period": "2026-06", "format": "pdf"}, {"period": "2026-06", "format": "xlsx"}):
        response = client.get(REPORT, query)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        assert not response.get("Content-Disposition")  # no file
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert REPORT_REFUSED in home
    assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_info_center_has_the_menu_item(client, make_user):
    signed_in(client, make_user(None, "信息中心"))
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_page_costs_the_same_queries_with_2_and_6_sites(client, portal, department, make_site, make_user):
    center = signed_in(client, make_user(None, "信息中心"))

    def fill(sites):
        for site in sites:
            for day in (1, 15, 30):
                snap(site, june(day), 90 - day, ("home_update",) if day == 30 else ())

    fill([portal, department])
    center.get(REPORT, {"period": "2026-06"})  # warm the per-process caches (menu, site facts)
    reset_queries()
    with CaptureQueriesContext(connection) as two:
        assert len(center.get(REPORT, {"period": "2026-06"}).context["report"].rows) == 2
    fill([make_site(f"rpt{n}.example.gov.cn", name=f"通报测试{n}") for n in range(4)])
    center.get(REPORT, {"period": "2026-06"})
    with CaptureQueriesContext(connection) as six:
        assert len(center.get(REPORT, {"period": "2026-06"}).context["report"].rows) == 6
    assert len(six.captured_queries) == len(two.captured_queries)
    with CaptureQueriesContext(connection) as own:
        build_report(JUNE)
    assert len(own.captured_queries) == 5  # sites, month rows, last days, 信息报送 (2)


# --- PDF and XLSX -----------------------------------------------------------------------


def test_the_pdf_is_a_real_pdf_with_the_chinese_text_in_an_embedded_cjk_font(client, crafted, make_user):
    response = signed_in(client, make_user(None, "信息中心")).get(REPORT, {"period": "2026-06", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="wzjg-2026-06.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    # Extracted text: the glyphs map back to these characters (ToUnicode), so they were laid out as Chinese.
    for words in ("2026年6月政府网站检查每月通报", crafted["department"].site_name, "得分与排名", "单项否决"):
        assert words in text.replace("\n", ""), words
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(key.startswith("/FontFile") for key in descriptor):  # the font program is in the file
                    fonts.add(str(descendant.get_object()["/BaseFont"]))
    assert any("Noto-Sans-CJK-SC" in name or "NotoSansCJK" in name for name in fonts), fonts


def test_the_xlsx_reads_back_with_the_reports_figures(client, crafted, make_user):
    response = signed_in(client, make_user(None, "信息中心")).get(REPORT, {"period": "2026-Q2", "format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="wzjg-2026-Q2.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["得分与排名", "各指标情况", "问题明细", "近12个月得分"]
    ranking = list(book["得分与排名"].iter_rows(values_only=True))
    assert ranking[0][:4] == ("排名", "网站", "主办单位", "得分") and ranking[0][-2:] == ("等次", "等次说明")
    by_site = {row[1]: row for row in ranking[1:]}
    department = by_site[crafted["department"].site_name]
    assert (department[3], department[5], department[6], department[10]) == (56.7, 1, "空白栏目", "不合格")
    assert by_site[crafted["portal"].site_name][3] == "无数据"
    indicators = {row[0]: row for row in book["各指标情况"].iter_rows(values_only=True)}
    assert "单项否决 3天" in indicators[crafted["department"].site_name]
    problems = list(book["问题明细"].iter_rows(values_only=True))
    assert (crafted["department"].site_name, "空白栏目", "单项否决", 3, "30日空白栏目") in problems
    trend = list(book["近12个月得分"].iter_rows(values_only=True))
    assert trend[0][-1] == "2026-06"
    assert {row[0]: row[-3:] for row in trend[1:]}[crafted["department"].site_name] == (70.0, 10.0, 90.0)
