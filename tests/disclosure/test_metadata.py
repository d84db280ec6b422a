"""Catalogue metadata: normalised document numbers and clear Chinese refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.content.models import ArticlePage
from cms.disclosure.metadata import normalise_document_number
from cms.disclosure.models import IndexNumber, PolicyDocumentPage

from ..conftest import column_of


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("宣政办[2016]12号", "宣政办〔2016〕12号"),
        ("宣政办［2016］12号", "宣政办〔2016〕12号"),
        ("宣政办〔2016〕12号", "宣政办〔2016〕12号"),
        (" 皖政办秘 [2016] 136号 ", "皖政办秘〔2016〕136号"),
    ],
)
def test_document_numbers_accept_every_bracket_and_store_the_standard_form(typed, stored):
    assert normalise_document_number(typed) == stored


def policy(site, default_topic, **fields) -> PolicyDocumentPage:
    values = dict(
        title="关于进一步加强政府网站建设的通知",
        slug="policy",
        body="<p>正文</p>",
        issuing_organisation=site.profile.organisation,
        topic=default_topic,
        genre="通知",
        date_formed=timezone.localdate(),
        disclosure_term="long_term",
        live=True,  # Wagtail validates fully when a page goes live (drafts get a minimal check)
    )
    return PolicyDocumentPage(**(values | fields))


def refusal(site, page) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        column_of(site, "zcwj").add_child(instance=page)
    assert not PolicyDocumentPage.objects.filter(slug=page.slug).exists()
    return error.value.message_dict


class TestValidation:
    def test_bracket_variants_are_saved_normalised(self, portal, topic):
        page = policy(portal, topic, document_number="宣政办[2016]12号")
        column_of(portal, "zcwj").add_child(instance=page)
        assert PolicyDocumentPage.objects.get(pk=page.pk).document_number == "宣政办〔2016〕12号"

    @pytest.mark.parametrize(
        "number", ["宣政办2016年12号", "〔2016〕12号", "宣政办〔16〕12号", "宣政办〔2016〕第十二号"]
    )
    def test_malformed_document_numbers_are_refused(self, portal, topic, number):
        errors = refusal(portal, policy(portal, topic, document_number=number))
        assert "格式不正确" in errors["document_number"][0]

    def test_date_formed_cannot_be_after_publication(self, portal, topic):
        published = timezone.now() - timedelta(days=10)
        page = policy(portal, topic, publication_date=published, date_formed=timezone.localdate())
        errors = refusal(portal, page)
        assert errors["date_formed"] == [
            f"成文日期（{timezone.localdate():%Y-%m-%d}）不能晚于发布日期（{timezone.localtime(published):%Y-%m-%d}）。"
        ]

    @pytest.mark.parametrize(
        ("missing", "label"),
        [("topic", "主题分类"), ("genre", "体裁"), ("date_formed", "成文日期"), ("disclosure_term", "公开时限")],
    )
    def test_proactive_items_require_their_fields(self, portal, topic, missing, label):
        errors = refusal(
            portal, policy(portal, topic, **{missing: None if missing in ("topic", "date_formed") else ""})
        )
        assert errors[missing] == [f"纳入公开目录的主动公开信息必须填写“{label}”。"]

    def test_on_request_items_require_a_summary_but_no_term(self, portal, topic):
        errors = refusal(portal, policy(portal, topic, disclosure_mode="on_request", disclosure_term=""))
        assert errors == {"summary": ["纳入公开目录的依申请公开信息必须填写“内容概述”。"]}
        page = policy(portal, topic, disclosure_mode="on_request", disclosure_term="", summary="关于网站建设的通知。")
        column_of(portal, "zcwj").add_child(instance=page)

    def test_repealed_items_need_the_date_it_changed(self, portal, topic):
        errors = refusal(portal, policy(portal, topic, validity="repealed"))
        assert errors["validity_changed_on"] == ["有效性为“已废止”时必须填写变更日期。"]

    def test_policy_documents_are_always_in_the_catalogue(self, portal, topic):
        page = policy(portal, topic, in_catalogue=False)
        column_of(portal, "zcwj").add_child(instance=page)
        assert PolicyDocumentPage.objects.get(pk=page.pk).in_catalogue

    def test_plain_articles_outside_the_catalogue_need_no_metadata(self, township):
        page = ArticlePage(title="镇村动态", slug="news", body="<p>正文</p>", live=True)
        column_of(township, "gzdt").add_child(instance=page)
        assert ArticlePage.objects.filter(pk=page.pk).exists()


class TestAdminEditor:
    def test_editor_shows_the_disclosure_tab_and_a_read_only_index_number(
        self, client, superuser, portal, publish_policy
    ):
        page = publish_policy(portal, "已发布的文件", document_number="宣政办〔2016〕12号")
        client.force_login(superuser)
        html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        assert "信息公开" in html
        assert page.index_number.value in html
        assert 'name="index_number"' not in html  # shown, never an input

    def test_posting_an_index_number_changes_nothing(self, client, superuser, portal, publish_policy):
        page = publish_policy(portal, "试图改索引号")
        original = page.index_number.value
        client.force_login(superuser)
        client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            {"title": page.title, "slug": page.slug, "index_number": "999/2016-99999", "action-publish": "1"},
        )
        assert IndexNumber.objects.get(page=page).value == original
        assert not IndexNumber.objects.filter(value="999/2016-99999").exists()

    def test_bad_metadata_in_the_editor_gets_a_chinese_message_not_a_500(self, client, superuser, portal):
        client.force_login(superuser)
        column = column_of(portal, "zcwj")
        url = reverse("wagtailadmin_pages:add", args=["disclosure", "policydocumentpage", column.pk])
        response = client.post(
            url,
            {
                "title": "坏数据",
                "slug": "bad",
                "publication_date": "2020-01-01 10:00",
                "body": '{"blocks":[],"entityMap":{}}',
                "date_formed": str(date(2020, 2, 1)),
                "document_number": "宣政办2016年12号",
                "disclosure_mode": "proactive",
                "validity": "effective",
                "attachments-TOTAL_FORMS": "0",
                "attachments-INITIAL_FORMS": "0",
                "attachments-MIN_NUM_FORMS": "0",
                "attachments-MAX_NUM_FORMS": "1000",
                "interprets": [],
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "发文字号“宣政办2016年12号”格式不正确" in html
        assert not PolicyDocumentPage.objects.filter(slug="bad").exists()
