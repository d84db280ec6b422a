"""The demo loader's consultations: one open, one closed with its feedback, comments in each state."""

from __future__ import annotations

import pytest

from cms.consultations.demo import load_demo_consultations
from cms.consultations.models import CommentState, ConsultationComment, ConsultationPage, ConsultationState
from cms.consultations.selectors import consultations_missing_feedback

from .conftest import interaction_column

pytestmark = pytest.mark.django_db


def test_one_open_and_one_answered_consultation_with_comments(client, portal, department, make_user):
    make_user(department, "reviewer")
    make_user(portal, "reviewer")
    interaction_column(department)

    assert load_demo_consultations(portal, [department]) == 2
    assert load_demo_consultations(portal, [department]) == 0  # safe to run again

    open_, closed = ConsultationPage.objects.order_by("-end_date")
    assert open_.state() == ConsultationState.OPEN and open_.get_parent().get_parent().pk == portal.root_page_id
    assert closed.state() == ConsultationState.ANSWERED
    assert closed.path.startswith(department.root_page.path)
    assert consultations_missing_feedback() == []
    states = list(ConsultationComment.objects.filter(consultation=open_).values_list("state", flat=True))
    assert states.count(CommentState.PUBLISHED) == 3 and states.count(CommentState.PENDING) == 1
    body = client.get("/hdjl/", HTTP_HOST=portal.hostname).content.decode()
    assert open_.title in body and closed.title in body
