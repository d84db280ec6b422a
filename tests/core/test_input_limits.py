"""Unbounded input is refused in Chinese and stores nothing; malformed requests get Chinese 400/413 pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cms.syndication.models import PushMode, PushRecord, Takedown, TakedownKind
from cms.syndication.push import PushAction
from cms.syndication.takedown import TakeDownAction

from ..conftest import column_of, publish_article

MILLION = "x" * 1_000_000


@pytest.fixture
def item(township):
    return publish_article(column_of(township, "tzgg"), "关于防汛工作的通知")


@pytest.fixture
def editor(township, make_user):
    return make_user(township, "editor")


class TestPushNote:
    def test_a_million_character_note_is_refused_in_the_admin_and_nothing_is_stored(self, client, portal, item, editor):
        client.force_login(editor)
        response = client.post(
            reverse("syndication:push", args=[item.pk]),
            {"targets": [column_of(portal, "tzgg").pk], "mode": PushMode.ALIAS, "note": MILLION},
        )
        assert response.status_code == 200
        assert "推送说明" in response.content.decode() and "500" in response.content.decode()
        assert not PushRecord.objects.exists()

    def test_the_action_refuses_it_too(self, portal, item, editor):
        with pytest.raises(ValidationError) as refused:
            PushAction(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor, MILLION).execute()
        assert "推送说明最多 500 个字" in " ".join(refused.value.messages)
        assert not PushRecord.objects.exists()

    def test_a_note_at_the_limit_is_kept(self, portal, item, editor):
        PushAction(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor, "说" * 500).execute()
        assert PushRecord.objects.get().note == "说" * 500


class TestTakedownReason:
    def test_a_million_character_reason_is_refused_and_nothing_is_taken_down(self, item, editor):
        with pytest.raises(ValidationError) as refused:
            TakeDownAction(item, TakedownKind.WITHDRAWN, MILLION, editor).execute()
        assert "下架理由最多 500 个字" in " ".join(refused.value.messages)
        assert not Takedown.objects.exists()
        item.refresh_from_db()
        assert item.live


class TestErrorPages:
    def test_a_body_over_the_upload_limit_gets_the_chinese_413_page(self, client, township, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        response = client.post("/admin/login/", {"username": "x" * 2000, "password": "y"}, HTTP_HOST=township.hostname)
        assert response.status_code == 413
        assert "提交的内容过大" in response.content.decode()

    def test_too_many_fields_get_the_chinese_400_page(self, client, township, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        response = client.post("/admin/login/", {f"f{n}": "1" for n in range(20)}, HTTP_HOST=township.hostname)
        assert response.status_code == 400
        assert "请求无效" in response.content.decode()

    @pytest.mark.parametrize("url", ["/tzgg/%00/", "/admin/syndication/find/?q=a%00b", "/admin/pages/?q=%00"])
    def test_a_nul_byte_in_the_url_gets_the_chinese_400_page(self, client, township, url):
        response = client.get(url, HTTP_HOST=township.hostname)
        assert response.status_code == 400
        assert "请求无效" in response.content.decode()

    def test_a_form_without_its_csrf_token_gets_a_chinese_page(self, township):
        # An expired form or cookies turned off: Django's own page is English.
        client = Client(enforce_csrf_checks=True)
        response = client.post("/admin/login/", {"username": "jyj", "password": "x"}, HTTP_HOST=township.hostname)
        assert response.status_code == 403
        assert "页面已过期，请重新提交" in response.content.decode()


class TestOtherReasons:
    def test_an_emergency_publication_reason_over_500_characters_is_refused_and_nothing_published(
        self, township, make_user
    ):
        from cms.content.models import ArticlePage
        from cms.workflow.actions import EmergencyPublishAction
        from cms.workflow.models import EmergencyPublication

        draft = ArticlePage(title="暴雨预警", slug="storm", body="<p>预警</p>", live=False)
        column_of(township, "tzgg").add_child(instance=draft)
        draft.save_revision()
        with pytest.raises(ValidationError) as refused:
            EmergencyPublishAction(draft, user=make_user(None, "信息中心"), reason=MILLION).execute()
        assert "紧急发布理由最多 500 个字" in " ".join(refused.value.messages)
        assert not EmergencyPublication.objects.exists()
        draft.refresh_from_db()
        assert not draft.live

    def test_a_closure_notice_over_400_characters_is_refused_and_the_site_stays_open(self, township, superuser):
        from sites.services import close_subsite

        with pytest.raises(ValidationError) as refused:
            close_subsite(township, notice=MILLION, actor=superuser)
        assert "关停公告最多 400 个字" in " ".join(refused.value.messages)
        township.profile.refresh_from_db()
        assert township.profile.is_open

    def test_the_close_form_says_so_in_chinese(self, client, township, superuser):
        client.force_login(superuser)
        response = client.post(reverse("sites_siteprofile:close", args=[township.profile.pk]), {"notice": MILLION})
        assert response.status_code == 200
        assert "关停公告" in response.content.decode() and "400" in response.content.decode()
        township.profile.refresh_from_db()
        assert township.profile.is_open
