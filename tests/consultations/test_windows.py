"""A consultation takes comments only while it is open: from its start date to its end date, both included."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cms.consultations.actions import CommentRefused
from cms.consultations.models import ConsultationComment, ConsultationState
from tests.core.public_form_helpers import fresh_payload

from .conftest import make_consultation, path_of, submit_comment, today

pytestmark = pytest.mark.django_db


def form_data(client, host: str, **fields) -> dict:
    return {
        "content": "建议在第五条中明确办理时限。",
        "name": "李四",
        "phone": "13912345678",
        "email": "",
        "consent": "on",
        "altcha": fresh_payload(client, HTTP_HOST=host),
        **fields,
    }


@pytest.mark.parametrize(
    ("start_offset", "end_offset", "message"),
    [(2, 10, "尚未开始"), (-20, -1, "已于")],
    ids=["before-start", "after-end"],
)
def test_outside_the_window_no_form_is_shown_and_a_post_is_refused(
    client, department, start_offset, end_offset, message
):
    page = make_consultation(
        department, start=today() + timedelta(days=start_offset), end=today() + timedelta(days=end_offset)
    )
    url = path_of(page) + "comment/"

    shown = client.get(url, HTTP_HOST=department.hostname)
    assert shown.status_code == 200
    assert message in shown.content.decode()
    assert "<textarea" not in shown.content.decode()

    posted = client.post(url, form_data(client, department.hostname), HTTP_HOST=department.hostname)
    assert posted.status_code == 403
    assert message in posted.content.decode()
    assert not ConsultationComment.objects.exists()


def test_while_open_the_form_is_shown_and_a_comment_is_received(client, department):
    page = make_consultation(department)
    url = path_of(page) + "comment/"
    assert "<textarea" in client.get(url, HTTP_HOST=department.hostname).content.decode()

    response = client.post(url, form_data(client, department.hostname), HTTP_HOST=department.hostname)

    assert response.status_code == 200
    body = response.content.decode()
    assert "您的意见已收到" in body
    assert "审核后将在征集页面公开" in body
    comment = ConsultationComment.objects.get()
    assert (comment.consultation_id, comment.content, comment.name, comment.phone) == (
        page.pk,
        "建议在第五条中明确办理时限。",
        "李四",
        "13912345678",
    )
    assert comment.state == "pending"


def test_a_never_published_consultation_says_so_on_the_receipt(client, department):
    page = make_consultation(department, comment_mode="never_published")
    url = path_of(page) + "comment/"
    response = client.post(url, form_data(client, department.hostname), HTTP_HOST=department.hostname)
    assert "本次征集的意见不公开" in response.content.decode()
    assert ConsultationComment.objects.get().state == "refused"


def test_the_end_date_is_the_last_day_comments_are_taken(department):
    page = make_consultation(department, start=today() - timedelta(days=10), end=today() - timedelta(days=1))
    tz = timezone.get_current_timezone()
    last_minute = datetime.combine(page.end_date, time(23, 59), tzinfo=tz)
    assert submit_comment(page, submitted_at=last_minute).pk
    with pytest.raises(CommentRefused, match="已于"):
        submit_comment(page, submitted_at=last_minute + timedelta(minutes=2))
    with pytest.raises(CommentRefused, match="尚未开始"):
        submit_comment(
            page, submitted_at=datetime.combine(page.start_date, time(0, 0), tzinfo=tz) - timedelta(minutes=1)
        )


def test_state_follows_the_dates(department):
    page = make_consultation(department, start=today() - timedelta(days=10), end=today() - timedelta(days=5))
    assert page.state(page.start_date - timedelta(days=1)) == ConsultationState.UPCOMING
    assert page.state(page.start_date) == ConsultationState.OPEN
    assert page.state(page.end_date) == ConsultationState.OPEN
    assert page.state(page.end_date + timedelta(days=1)) == ConsultationState.CLOSED
    page.feedback_published_on = page.end_date + timedelta(days=3)
    assert page.state(page.end_date + timedelta(days=1)) == ConsultationState.ANSWERED


def test_an_unpublished_consultation_takes_no_comment(department):
    page = make_consultation(department)
    page.unpublish()
    page.refresh_from_db()
    with pytest.raises(CommentRefused, match="未发布"):
        submit_comment(page)
