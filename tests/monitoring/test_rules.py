"""Each inspection rule on crafted sites: at, below and above its threshold; veto vs. deduction."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.documents import get_document_model

from cms.content.models import ColumnPage, ColumnType
from cms.disclosure.models import InterpretationPage, PolicyDocumentPage, Topic
from cms.letters.actions import RejectLetterAction
from cms.letters.deadlines import due_date_for
from cms.monitoring.models import ManualEntry, ManualIndicator, Status
from cms.monitoring.rules import months_before, score_of
from cms.workflow.models import CheckOverride, CheckReport, ProtectedTerm, SensitiveWord, Severity, TypoPair
from core.publishing import review_waived
from tests.letters.conftest import write_letter

from .helpers import NOW, add_column, column_of_type, days_ago, evaluate, fill_blank_columns, item

pytestmark = pytest.mark.django_db


# --- 首页更新 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "status"),
    [(9, Status.GREEN), (10, Status.AMBER), (14, Status.AMBER), (15, Status.VETO)],
)
def test_home_page_update_thresholds(department, age, status):
    item(column_of_type(department, ColumnType.NEWS), days_ago(age))
    finding = evaluate("home_update", department)
    assert finding.status == status, finding.message
    assert f"{age}天前" in finding.message


def test_home_page_without_items_is_vetoed_and_names_its_columns(department):
    finding = evaluate("home_update", department)
    assert finding.status == Status.VETO
    assert {cause.id for cause in finding.causes} == {
        column_of_type(department, t).pk for t in (ColumnType.NEWS, ColumnType.NOTICE, ColumnType.POLICY)
    }


def test_an_item_dated_in_the_future_does_not_make_the_home_page_fresh(department):
    news = column_of_type(department, ColumnType.NEWS)
    item(news, days_ago(20))
    item(news, NOW + timedelta(days=3))
    assert evaluate("home_update", department).status == Status.VETO
    accuracy = evaluate("accuracy", department)
    assert accuracy.status == Status.VETO and "伪造发稿日期" in accuracy.message


def test_an_item_in_a_column_the_home_page_does_not_show_does_not_count(department):
    item(add_column(department.root_page, ColumnType.SPECIAL), days_ago(1))
    item(column_of_type(department, ColumnType.NEWS), days_ago(16))
    assert evaluate("home_update", department).status == Status.VETO


# --- 栏目更新 -----------------------------------------------------------------------------


def stale_columns(site, column_type, n, *, age, interval=None):
    return [item(add_column(site.root_page, column_type, interval=interval), days_ago(age)) for _ in range(n)]


@pytest.mark.parametrize(("count", "status"), [(4, Status.AMBER), (5, Status.VETO), (6, Status.VETO)])
def test_news_columns_stale_for_two_weeks(department, count, status):
    stale_columns(department, ColumnType.NEWS, count, age=15)
    finding = evaluate("column_update", department)
    assert finding.status == status, finding.message
    assert len(finding.causes) == count
    assert finding.deduction == Decimal(count)


def test_a_news_column_at_exactly_two_weeks_is_not_stale(department):
    stale_columns(department, ColumnType.NEWS, 5, age=14)
    assert evaluate("column_update", department).status == Status.GREEN


@pytest.mark.parametrize(("age", "status"), [(180, Status.GREEN), (181, Status.VETO)])
def test_notice_and_policy_columns_stale_for_six_months(department, age, status):
    stale_columns(department, ColumnType.NOTICE, 3, age=age)
    stale_columns(department, ColumnType.POLICY, 2, age=age)
    assert evaluate("column_update", department).status == status


@pytest.mark.parametrize(("special", "status"), [(1, Status.AMBER), (2, Status.VETO)])
def test_ten_columns_that_should_be_updated(department, special, status):
    """4 news + 4 notice columns stale: below both per-type thresholds; with columns carrying their
    own interval the total reaches 10 (veto) or stays at 9."""
    stale_columns(department, ColumnType.NEWS, 4, age=15)
    stale_columns(department, ColumnType.NOTICE, 4, age=200)
    stale_columns(department, ColumnType.SPECIAL, special, age=31, interval=30)
    stale_columns(department, ColumnType.SPECIAL, 3, age=29, interval=30)  # within their interval
    finding = evaluate("column_update", department)
    assert finding.status == status, finding.message
    assert finding.deduction == Decimal(8 + special)


def test_a_parent_column_is_judged_by_its_sub_columns(department):
    parent = add_column(department.root_page, ColumnType.NEWS)
    for _ in range(5):
        item(add_column(parent, ColumnType.NEWS), days_ago(15))
    finding = evaluate("column_update", department)
    assert finding.status == Status.VETO
    assert parent.pk not in {cause.id for cause in finding.causes} and len(finding.causes) == 5


# --- 空白栏目 -----------------------------------------------------------------------------


def test_blank_columns_at_below_and_above_five(department):
    fill_blank_columns(department)
    assert evaluate("blank_columns", department).status == Status.GREEN
    blank = [add_column(department.root_page, ColumnType.SPECIAL) for _ in range(4)]
    finding = evaluate("blank_columns", department)
    assert finding.status == Status.AMBER and finding.deduction == Decimal(4)
    assert {cause.id for cause in finding.causes} == {column.pk for column in blank}
    add_column(department.root_page, ColumnType.SPECIAL)
    assert evaluate("blank_columns", department).status == Status.VETO
    add_column(department.root_page, ColumnType.SPECIAL)
    finding = evaluate("blank_columns", department)
    assert finding.status == Status.VETO and finding.deduction == Decimal(5)  # capped


def test_a_container_column_is_not_counted_besides_its_sub_columns(department):
    fill_blank_columns(department)
    container = add_column(department.root_page, ColumnType.NEWS)
    subs = [add_column(container, ColumnType.NEWS) for _ in range(4)]
    finding = evaluate("blank_columns", department)
    assert finding.status == Status.AMBER
    assert {cause.id for cause in finding.causes} == {column.pk for column in subs}


def test_an_unpublished_column_is_not_blank(department):
    fill_blank_columns(department)
    draft = add_column(department.root_page, ColumnType.SPECIAL)
    draft.unpublish()
    assert evaluate("blank_columns", department).status == Status.GREEN


# --- 互动回应 -----------------------------------------------------------------------------


def test_no_letters_is_a_pass_since_the_letters_capability_is_there(department):
    assert evaluate("interaction", department).status == Status.GREEN


def test_letter_unanswered_for_more_than_three_months(department):
    cutoff = months_before(NOW.date(), 3)  # 2026-03-15
    assert cutoff == date(2026, 3, 15)
    letter, _code = write_letter(department, received_at=timezone.make_aware(datetime(2026, 3, 14, 10)))
    finding = evaluate("interaction", department)
    assert finding.status == Status.VETO
    assert [cause.id for cause in finding.causes] == [letter.pk] and finding.causes[0].kind == "letter"


def test_letter_at_three_months_is_amber_past_the_sixty_day_guard(department):
    write_letter(department, received_at=timezone.make_aware(datetime(2026, 3, 15, 10)))
    finding = evaluate("interaction", department)
    assert finding.status == Status.AMBER
    assert finding.deduction == Decimal(1)  # and it is past its reply deadline


def test_an_answered_letter_does_not_count(department, make_user):
    letter, _code = write_letter(department, received_at=timezone.make_aware(datetime(2026, 1, 5, 10)))
    RejectLetterAction(letter, make_user(department, "editor"), reason="不属于本单位职责范围").execute()
    assert evaluate("interaction", department).status == Status.GREEN


def test_reply_deadline_in_working_days_across_the_national_day_holiday(department):
    """A consultation received on 30 September 2025 is due two working days later: after the
    eight-day holiday, not on 2 October. Not overdue on the due day, overdue the day after."""
    received = timezone.make_aware(datetime(2025, 9, 30, 10))
    write_letter(department, received_at=received)
    due = due_date_for(date(2025, 9, 30), "consult")
    assert due > date(2025, 10, 8)
    on_due = timezone.make_aware(datetime.combine(due, datetime.min.time())) + timedelta(hours=12)
    assert evaluate("interaction", department, now=on_due).status == Status.GREEN
    after = evaluate("interaction", department, now=on_due + timedelta(days=1))
    assert after.status == Status.AMBER and "已超过答复期限的来信1件" in after.message


def test_a_letter_handled_by_a_unit_counts_for_it(portal, department):
    """A letter written to the portal and dispatched to the department answers for both."""
    letter, _code = write_letter(portal, received_at=timezone.make_aware(datetime(2026, 1, 5, 10)))
    letter.__class__.objects.filter(pk=letter.pk).update(unit=department)
    assert evaluate("interaction", portal).status == Status.VETO
    assert evaluate("interaction", department).status == Status.VETO


# --- 内容准确 -----------------------------------------------------------------------------


def test_prohibited_word_in_a_published_page_is_a_veto(department):
    page = item(column_of_type(department, ColumnType.NEWS), days_ago(1), body="<p>一段正常的文字。</p>")
    assert evaluate("accuracy", department).status == Status.GREEN
    SensitiveWord.objects.create(word="正常的文字", severity=Severity.BLOCK)  # the list changed after publication
    finding = evaluate("accuracy", department)
    assert finding.status == Status.VETO and "“正常的文字”" in finding.message
    assert [cause.id for cause in finding.causes] == [page.pk]


def test_a_page_whose_text_changed_since_the_last_recompute_is_read_again(department):
    # The recompute holds what it found in each text (under the text and the lists): a new
    # text is a new entry, the same text on another page the same one.
    SensitiveWord.objects.create(word="违禁内容", severity=Severity.BLOCK)
    news = column_of_type(department, ColumnType.NEWS)
    page = item(news, days_ago(1), body="<p>一段正常的文字。</p>")
    assert evaluate("accuracy", department).status == Status.GREEN
    type(page).objects.filter(pk=page.pk).update(
        body="<p>一段含违禁内容的文字。</p>"
    )  # as a reviewed publish leaves it
    assert [cause.id for cause in evaluate("accuracy", department).causes] == [page.pk]
    twin = item(news, days_ago(1), body="<p>一段含违禁内容的文字。</p>")
    assert {cause.id for cause in evaluate("accuracy", department).causes} == {page.pk, twin.pk}


def test_misspelt_protected_term_is_a_veto(department):
    ProtectedTerm.objects.create(correct="宣州区", wrong_variants="宣洲区", severity=Severity.BLOCK)
    item(column_of_type(department, ColumnType.NEWS), days_ago(1), body="<p>宣洲区召开会议。</p>")
    assert evaluate("accuracy", department).status == Status.VETO


def test_typos_deduct_and_reminders_only_warn(department):
    news = column_of_type(department, ColumnType.NEWS)
    TypoPair.objects.create(wrong="按排", correct="安排", severity=Severity.BLOCK)
    SensitiveWord.objects.create(word="维权", severity=Severity.WARN)
    item(news, days_ago(1), body="<p>维权的事。</p>")
    assert evaluate("accuracy", department).status == Status.AMBER
    item(news, days_ago(1), body="<p>工作按排如下，按排妥当。</p>")
    finding = evaluate("accuracy", department)
    assert finding.status == Status.RED and finding.deduction == Decimal(2)


def test_a_reviewers_override_is_respected(department):
    SensitiveWord.objects.create(word="正常的文字", severity=Severity.BLOCK)
    page = item(column_of_type(department, ColumnType.NEWS), days_ago(1), body="<p>一段正常的文字。</p>")
    CheckOverride.objects.create(page=page, kind="sensitive", what="正常的文字", reason="引用原文，非敏感用法")
    assert evaluate("accuracy", department).status == Status.GREEN


def test_a_backdated_item_that_went_through_the_check_is_a_faked_date(department):
    news = column_of_type(department, ColumnType.NEWS)
    seeded = item(news, days_ago(30))  # seeded/imported: keeps its source's date
    assert evaluate("accuracy", department).status == Status.GREEN
    CheckReport.objects.create(page=seeded)  # …but this one was published through the automatic check
    finding = evaluate("accuracy", department)
    assert finding.status == Status.VETO and "早于实际发布" in finding.message


# --- 可用性：站内链接 ---------------------------------------------------------------------


def test_links_to_missing_unpublished_pages_and_files(department):
    news = column_of_type(department, ColumnType.NEWS)
    target = item(news, days_ago(2), title="被链接的信息")
    document = get_document_model().objects.create(title="附件")
    body = (
        f'<p><a linktype="page" id="{target.pk}">内链</a>'
        f'<a linktype="document" id="{document.pk}">文件</a><a linktype="page" id="999999">已删</a></p>'
    )
    source = item(news, days_ago(1), title="含链接的信息", body=body)
    finding = evaluate("internal_links", department)
    assert finding.status == Status.RED and finding.deduction == Decimal("0.1")
    target.unpublish()
    document.delete()
    finding = evaluate("internal_links", department)
    assert finding.deduction == Decimal("0.3")
    assert [cause.id for cause in finding.causes] == [source.pk]


def test_a_broken_link_on_the_home_page_weighs_more(department):
    home = department.root_page.specific
    home.intro = '<p><a linktype="page" id="999999">专题</a></p>'
    from core.publishing import review_waived

    with review_waived("测试数据"):
        home.save_revision().publish()
    finding = evaluate("internal_links", department)
    assert finding.status == Status.RED and finding.deduction == Decimal(1)
    assert "其中首页1个" in finding.message


def test_external_links_never_checked_report_no_data_rather_than_a_pass(department):
    # The checked statuses (green, red after two failures): tests/linkcheck/test_rule.py.
    assert evaluate("external_links", department).status == Status.GREEN  # no external link at all
    item(
        column_of_type(department, ColumnType.NEWS),
        days_ago(1),
        body='<p><a href="https://www.gov.cn/">中国政府网</a></p>',
    )
    finding = evaluate("external_links", department)
    assert finding.status == Status.NO_DATA and "1处尚未检查" in finding.message


# --- 人工录入 and the score ---------------------------------------------------------------


def test_manual_entries_latest_per_indicator(department, superuser):
    assert evaluate("manual", department).status == Status.NO_DATA
    ManualEntry.objects.create(
        site=department, indicator=ManualIndicator.SECURITY, status=Status.RED, deduction=3, note="未开启HTTPS",
        entered_by=superuser, entered_at=NOW - timedelta(days=2),
    )  # fmt: skip
    ManualEntry.objects.create(
        site=department, indicator=ManualIndicator.SECURITY, status=Status.GREEN, deduction=0, note="已整改",
        entered_by=superuser, entered_at=NOW - timedelta(days=1),
    )  # fmt: skip
    ManualEntry.objects.create(
        site=department, indicator=ManualIndicator.NEW_MEDIA, status=Status.AMBER, deduction=1, note="公众号更新慢",
        entered_by=superuser, entered_at=NOW,
    )  # fmt: skip
    finding = evaluate("manual", department)
    assert finding.status == Status.AMBER and finding.deduction == Decimal(1)
    assert "已整改" in finding.message and "未开启HTTPS" not in finding.message


def test_score_is_100_less_deductions_and_vetoes_fail_whatever_the_points():
    assert score_of([Decimal(5), Decimal("0.5")], [Status.RED, Status.AMBER]).points == Decimal("94.5")
    assert score_of([Decimal(5)], [Status.RED]).passes
    assert not score_of([Decimal(0)], [Status.VETO]).passes
    assert not score_of([Decimal(41)], [Status.RED]).passes
    assert score_of([Decimal(80), Decimal(80)], []).points == 0


def test_column_type_interval_is_the_columns_own(department):
    """The rule reads ColumnPage.expected_update_interval: a news column given 30 days is not stale at 20."""
    for _ in range(5):
        item(add_column(department.root_page, ColumnType.NEWS, interval=30), days_ago(20))
    assert evaluate("column_update", department).status == Status.GREEN
    assert ColumnPage.objects.filter(update_interval_days=30).count() == 5


# --- 信息发布 (volume) and 解读回应 ----------------------------------------------------------


def test_publishing_volume_of_the_last_30_days(department, portal):
    news = column_of_type(department, ColumnType.NEWS)
    item(news, days_ago(40))
    item(news, days_ago(-2))  # dated in the future: not published yet
    finding = evaluate("volume", department)
    assert finding.status == Status.RED and finding.deduction == Decimal(3)
    for n in (29, 5):
        item(news, days_ago(n))
    finding = evaluate("volume", department)
    assert (finding.status, finding.deduction) == (Status.AMBER, Decimal(1))
    assert "2条，少于4条" in finding.message
    for n in (1, 0):
        item(news, days_ago(n))
    assert evaluate("volume", department).status == Status.GREEN
    portal_news = column_of_type(portal, ColumnType.NEWS)
    for n in range(4):
        item(portal_news, days_ago(n))
    assert evaluate("volume", portal).status == Status.AMBER, "a portal is held to 30 a month"


SERIAL = itertools.count(1)


def publish_policy_in(site, when, title: str) -> PolicyDocumentPage:
    column = column_of_type(site, ColumnType.POLICY)
    return publish_article_of(PolicyDocumentPage, column, title, when)


def publish_article_of(model, column, title: str, when, **fields):
    page = model(
        title=title, slug=f"p{next(SERIAL)}", publication_date=when, body=f"<p>{title}</p>", live=False, **fields
    )
    if model is PolicyDocumentPage:
        organisation = column.get_site().profile.organisation
        page.issuing_organisation, page.genre, page.disclosure_term = organisation, "通知", "long_term"
        page.topic, page.date_formed = Topic.objects.get(parent=None, name="综合政务"), timezone.localdate(when)
    column.add_child(instance=page)
    with review_waived("测试数据"):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_a_policy_without_interpretation_warns_then_deducts(department):
    recent = publish_policy_in(department, days_ago(3), "关于新近政策的通知")
    finding = evaluate("interpretation", department)
    assert finding.status == Status.AMBER and [c.id for c in finding.causes] == [recent.pk]
    older = publish_policy_in(department, days_ago(20), "关于较早政策的通知")
    publish_policy_in(department, days_ago(400), "关于一年多以前政策的通知")  # beyond the year looked at
    finding = evaluate("interpretation", department)
    assert (finding.status, finding.deduction) == (Status.RED, Decimal("0.5"))
    assert [c.id for c in finding.causes] == [older.pk, recent.pk]
    interpretation = InterpretationPage(
        title="《关于较早政策的通知》解读", slug="jd1", publication_date=days_ago(19), body="<p>解读</p>", live=False
    )
    interpretation.interprets = [older, recent]
    column_of_type(department, ColumnType.POLICY).add_child(instance=interpretation)
    with review_waived("测试数据"):
        interpretation.save_revision().publish()
    assert evaluate("interpretation", department).status == Status.GREEN
