"""Data for the 政府网站工作年度报表 tests: a year (2025) with crafted items, visits, letters and
consultations on the department, and the same kinds of data outside it (2024, 2026, the township)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from cms.consultations.models import ConsultationComment
from cms.content.models import ColumnPage, ColumnType
from cms.disclosure.models import InterpretationPage, Topic
from cms.letters.models import Letter, LetterState
from cms.visits.models import Scope, VisitDay
from core.publishing import review_waived
from tests.conftest import column_of, publish_article
from tests.consultations.conftest import make_consultation
from tests.letters.conftest import write_letter

YEAR = 2025


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


# What a site's admin enters: every required row, as the form posts it.
COMPLETE_ENTRIES = {
    "interpretation_products": "3",
    "media_comments": "2",
    "hot_responses": "4",
    "service_catalogue": "yes",
    "registered_users": "1.25",
    "service_items": "120",
    "online_service_items": "96",
    "cases_total": "3.50",
    "cases_natural": "2.50",
    "cases_legal": "1.00",
    "unified_platform": "yes",
    "interviews": "6",
    "interview_questions": "88",
    "interview_answers": "80",
    "smart_qa": "no",
    "security_assessments": "4",
    "security_issues": "7",
    "security_fixed": "7",
    "security_monitoring": "yes",
    "emergency_drills": "yes",
    "security_officer": "yes",
    "has_new_media": "yes",
    "wechat_name": "宣州教育",
    "wechat_posts": "365",
    "wechat_subscribers": "12000",
    "innovation_search": "yes",
    "innovation_multilingual": "no",
    "innovation_accessible": "yes",
    "innovation_personalised": "no",
    "unit_name": "宣州区教育局",
    "principal": "王主任",
    "reviewer": "李科长",
    "filler": "张明",
    "contact_phone": "0563-3021234",
    "filled_on": "2026-01-20",
    "icp_number": "皖ICP备05001234号",
    "police_record_number": "皖公网安备34180202000123号",
}


def topic() -> Topic:
    return Topic.objects.filter(parent__isnull=False).first() or Topic.objects.first()


def catalogue_item(column, title, when):
    org = column.get_site().profile.organisation
    return publish_article(
        column,
        title,
        when,
        in_catalogue=True,
        issuing_organisation=org,
        topic=topic(),
        genre="通知",
        disclosure_term="long_term",
        date_formed=timezone.localdate(when),
    )


def interpretation(column, title, when) -> InterpretationPage:
    page = InterpretationPage(
        title=title, slug=f"jd{when:%Y%m%d%H}", publication_date=when, body="<p>解读</p>", live=False
    )
    column.add_child(instance=page)
    with review_waived("测试数据"):
        page.save_revision().publish()
    return page


def special_column(site, title: str, slug: str, first_published: datetime) -> ColumnPage:
    column = ColumnPage(title=title, slug=slug, column_type=ColumnType.SPECIAL, live=True)
    site.root_page.add_child(instance=column)
    ColumnPage.objects.filter(pk=column.pk).update(first_published_at=first_published)
    return column


def visit_day(site, day: date, views: int, visitors: int) -> None:
    VisitDay.objects.create(date=day, site=site, scope=Scope.SITE, page=site.root_page, views=views, visitors=visitors)


def closed_letter(site, received: datetime, closed: datetime, *, public: bool = True) -> Letter:
    letter, _ = write_letter(site, received_at=received)
    Letter.objects.filter(pk=letter.pk).update(
        state=LetterState.REPLIED, closed_at=closed, replied_at=closed, is_public=public
    )
    return letter


@pytest.fixture
def crafted(department, township):
    """The department's 2025 in figures, with data of other years and of the township around it."""
    news, overview = column_of(department, "gzdt"), column_of(department, "bmgk")
    notices, policies = column_of(department, "tzgg"), column_of(department, "zcwj")
    publish_article(news, "教育局召开年度工作会议", at(YEAR, 1, 5))
    publish_article(news, "全区中小学开学检查", at(YEAR, 9, 1))
    publish_article(news, "去年的动态", at(YEAR - 1, 12, 31, 23))  # another year
    publish_article(news, "今年的动态", at(YEAR + 1, 1, 1, 0))  # another year
    publish_article(overview, "机构职能", at(YEAR, 3, 1))
    catalogue_item(notices, "关于做好2025年招生工作的通知", at(YEAR, 4, 1))
    interpretation(policies, "《招生办法》解读", at(YEAR, 4, 2))
    publish_article(column_of(township, "gzdt"), "水阳镇的动态", at(YEAR, 5, 1))  # another site
    special_column(department, "双减专题", "sjzt", at(YEAR - 1, 6, 1))
    special_column(department, "教育高质量发展", "jyzt", at(YEAR, 6, 1))
    special_column(department, "明年的专题", "mnzt", at(YEAR + 1, 2, 1))
    visit_day(department, date(YEAR, 1, 1), 100, 40)
    visit_day(department, date(YEAR, 12, 31), 50, 30)
    visit_day(department, date(YEAR - 1, 12, 31), 1000, 400)
    visit_day(township, date(YEAR, 6, 1), 7000, 700)
    closed_letter(department, at(YEAR, 3, 2), at(YEAR, 3, 4))
    closed_letter(department, at(YEAR, 11, 3), at(YEAR, 11, 5), public=False)
    write_letter(department, received_at=at(YEAR, 12, 1))  # open
    write_letter(department, received_at=at(YEAR - 1, 6, 1))  # another year
    write_letter(township, received_at=at(YEAR, 6, 1))  # another site
    answered = make_consultation(
        department,
        start=date(YEAR, 3, 1),
        end=date(YEAR, 3, 31),
        feedback_comment_count=12,
        feedback_adopted_count=12,
        feedback_published_on=date(YEAR, 4, 20),
    )
    online = make_consultation(department, start=date(YEAR, 11, 1), end=date(YEAR, 11, 30))
    for content in ("建议一", "建议二"):
        ConsultationComment.objects.create(consultation=online, content=content)
    make_consultation(department, start=date(YEAR - 1, 12, 1), end=date(YEAR - 1, 12, 31), feedback_comment_count=3,
                      feedback_adopted_count=3, feedback_published_on=date(YEAR, 1, 10))  # fmt: skip
    make_consultation(township, start=date(YEAR, 5, 1), end=date(YEAR, 5, 31))
    return {"answered": answered, "online": online}
