"""Consultations for the tests, published as seeded content (the review rule has its own tests)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cms.consultations.actions import CommentInput, SubmitCommentAction
from cms.consultations.models import CommentMode, ConsultationComment, ConsultationPage
from cms.content.models import ColumnPage, ColumnType
from core.publishing import review_waived

_serial = itertools.count(1)


def interaction_column(site) -> ColumnPage:
    """The site's 互动交流 (hdjl): the portal's blueprint has it; other sites get one here."""
    home = site.root_page
    column = ColumnPage.objects.child_of(home).filter(slug="hdjl").first()
    if column is None:
        column = ColumnPage(title="互动交流", slug="hdjl", column_type=ColumnType.INTERACTION, live=False)
        home.add_child(instance=column)
        with review_waived("测试数据"):
            column.save_revision().publish()
        column.refresh_from_db()
    return column


def today() -> date:
    return timezone.localdate()


def make_consultation(site, *, start: date | None = None, end: date | None = None, **fields) -> ConsultationPage:
    n = next(_serial)
    start = start or today() - timedelta(days=3)
    page = ConsultationPage(
        title=fields.pop("title", f"关于《测试办法（征求意见稿）》公开征求意见{n}"),
        slug=fields.pop("slug", f"zqyj{n}"),
        purpose=fields.pop("purpose", "广泛听取社会公众意见，提高决策的科学性。"),
        body=fields.pop("body", "<p>第一条 为了规范管理，制定本办法。</p>"),
        start_date=start,
        end_date=end or start + timedelta(days=30),
        comment_mode=fields.pop("comment_mode", CommentMode.MODERATED),
        live=False,
        **fields,
    )
    interaction_column(site).add_child(instance=page)
    with review_waived("测试数据"):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def submit_comment(page: ConsultationPage, **fields) -> ConsultationComment:
    data = CommentInput(
        content=fields.pop("content", "建议增加对老年人的照顾条款。"),
        name=fields.pop("name", "张三丰"),
        phone=fields.pop("phone", "13800138000"),
        email=fields.pop("email", ""),
        consent=fields.pop("consent", True),
    )
    return SubmitCommentAction(page, data, ip_address=fields.pop("ip_address", "203.0.113.9"), **fields).execute()


def path_of(page) -> str:
    return page.get_url_parts()[2]


@pytest.fixture
def open_consultation(department):
    return make_consultation(department)
