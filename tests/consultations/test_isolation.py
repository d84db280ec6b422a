"""A unit sees and moderates only its own consultations' comments; the info center sees every site's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cms.consultations.actions import ApproveCommentAction
from cms.consultations.models import CommentState
from cms.consultations.permissions import moderatable_comments

from .conftest import make_consultation, submit_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(department, township):
    a = submit_comment(make_consultation(department), content="教育局征求意见的意见：增加校车。")
    b = submit_comment(make_consultation(township), content="水阳镇征求意见的意见：修缮圩堤。")
    return a, b


@pytest.mark.parametrize("role", ["editor", "reviewer", "leader", "site_admin"])
def test_unit_b_does_not_see_or_moderate_unit_a_comments(client, comments, department, township, make_user, role):
    a, b = comments
    user = make_user(township, role)
    assert list(moderatable_comments(user)) == [b]

    client.force_login(user)
    queue = client.get("/admin/consultations/comments/").content.decode()
    assert "修缮圩堤" in queue
    assert "增加校车" not in queue
    assert client.post(f"/admin/consultations/comments/{a.pk}/decide/", {"decision": "approve"}).status_code == 404
    with pytest.raises(PermissionDenied):
        ApproveCommentAction(a, user=user).execute()
    a.refresh_from_db()
    assert a.state == CommentState.PENDING


def test_the_info_center_sees_every_site(client, comments, make_user):
    user = make_user(None, "信息中心")
    assert set(moderatable_comments(user)) == set(comments)
    client.force_login(user)
    queue = client.get("/admin/consultations/comments/").content.decode()
    assert "修缮圩堤" in queue and "增加校车" in queue


def test_a_user_without_page_rights_sees_nothing(client, comments, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="Test-pass-2026!")
    assert not moderatable_comments(user).exists()
