"""The automatic checks, class by class: each finding says what, where (with the text around it) and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Page

from cms.content.models import ArticleAttachment
from cms.workflow.checks import Matcher, check_page, get_matcher
from cms.workflow.models import ProtectedTerm, SensitiveWord, Severity, TypoPair
from cms.workflow.services import run_auto_check
from tests.conftest import column_of, publish_article

from .conftest import draft_article


def kinds(findings) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.what) for f in findings]


@pytest.fixture
def column(department):
    return column_of(department, "tzgg")


class TestWordLists:
    def test_one_pass_finds_every_list_with_its_context(self, column):
        SensitiveWord.objects.create(word="赌博", category="illegal", severity=Severity.BLOCK)
        ProtectedTerm.objects.create(
            correct="习近平总书记", category="leader", wrong_variants="习近平总书纪\n习进平总书记"
        )
        TypoPair.objects.create(wrong="既使", correct="即使")
        body = "<p>深入学习习进平总书记重要讲话精神。</p><p>既使下雨也要严厉打击赌博活动。</p>"
        page = draft_article(column, "学习会", body)

        findings = check_page(page)

        assert kinds(findings) == [
            ("protected", "block", "习进平总书记"),
            ("sensitive", "block", "赌博"),
            ("typo", "warn", "既使"),
        ]
        protected = findings[0]
        assert protected.field == "正文" and protected.before == "深入学习" and protected.after.startswith("重要讲话")
        assert "应写作“习近平总书记”" in protected.why and "领导姓名职务" in protected.why

    def test_a_change_to_a_list_is_seen_by_the_next_check(self, column):
        page = draft_article(column, "新词测试", "<p>这里有一个新出现的违规词。</p>")
        assert check_page(page) == []
        SensitiveWord.objects.create(word="违规词", severity=Severity.WARN)
        assert kinds(check_page(page)) == [("sensitive", "warn", "违规词")]
        SensitiveWord.objects.filter(word="违规词").delete()  # queryset delete: no signal …
        SensitiveWord.objects.create(word="另一个", severity=Severity.WARN)  # … the next change rebuilds anyway
        assert check_page(page) == []

    def test_the_compiled_matcher_is_reused_until_a_list_changes(self, column):
        first = get_matcher()
        assert get_matcher() is first
        TypoPair.objects.create(wrong="部暑", correct="部署")
        assert get_matcher() is not first

    def test_repeats_are_capped_per_word(self):
        matcher = Matcher.from_lists([("禁词", "other", Severity.BLOCK, "")], [], [])
        from cms.workflow.checks import check_words

        assert len(check_words("禁词" * 50, "正文", matcher)) == 5


class TestLinksAndAccessibility:
    def test_links_to_unpublished_and_deleted_pages(self, column):
        live = publish_article(column, "已发布的信息")
        draft = draft_article(column, "草稿信息")
        gone = publish_article(column, "将删除的信息")
        gone_id = gone.pk
        Page.objects.get(pk=gone_id).delete()
        body = (
            f'<p>见<a linktype="page" id="{live.pk}">已发布</a>、<a linktype="page" id="{draft.pk}">草稿</a>'
            f'和<a linktype="page" id="{gone_id}">旧文</a>。</p>'
        )
        findings = check_page(draft_article(column, "引用", body))
        assert [(f.kind, f.what, f.why) for f in findings] == [
            ("link", "草稿", "链接指向的页面“草稿信息”未发布或已下线。"),
            ("link", "旧文", "链接指向的页面已被删除。"),
        ]

    def test_images_without_alt_empty_headings_and_untitled_attachments(self, column):
        body = '<h2>一、总体要求</h2><h3> </h3><p>如图：</p><embed embedtype="image" id="1" alt="" format="fullwidth"/>'
        page = draft_article(column, "无障碍", body)
        document = Document.objects.create(title="附件", file="documents/a.pdf")
        page.attachments.add(ArticleAttachment(document=document, title=""))
        page.save_revision()
        revision_page = page.get_latest_revision().as_object()

        findings = check_page(revision_page)

        assert sorted((f.kind, f.severity, f.what) for f in findings) == [
            ("accessibility", "block", "图片"),
            ("accessibility", "block", "附件"),
            ("accessibility", "warn", "空标题"),
        ]
        image = next(f for f in findings if f.what == "图片")
        assert image.before.endswith("如图：")


class TestMetadataAndDates:
    def test_catalogue_rules_are_those_of_the_disclosure_app(self, column):
        page = draft_article(column, "纳入目录但缺字段")
        page.in_catalogue, page.document_number = True, "宣政办2016年12号"  # as a draft may hold them
        findings = check_page(page)
        whats = {f.what for f in findings if f.kind == "metadata"}
        assert {"发布机构", "主题分类", "体裁", "成文日期", "公开时限", "发文字号"} <= whats
        assert all(f.severity == Severity.BLOCK for f in findings if f.kind == "metadata")
        assert any("格式不正确" in f.why for f in findings)

    def test_a_backdated_first_publication_is_reported(self, column, settings):
        settings.WORKFLOW_BACKDATE_TOLERANCE_DAYS = 3
        recent = draft_article(column, "两天前", publication_date=timezone.now() - timedelta(days=2))
        old = draft_article(column, "一个月前", publication_date=timezone.now() - timedelta(days=30))
        assert check_page(recent) == []
        (finding,) = check_page(old)
        assert finding.kind == "date" and finding.severity == Severity.BLOCK and "伪造发稿日期" in finding.why

    def test_a_published_items_own_date_is_not_a_fake(self, column):
        page = publish_article(column, "去年的信息", when=timezone.now() - timedelta(days=365))
        page.title = "去年的信息（更正）"
        page.save_revision()
        assert check_page(page.get_latest_revision().as_object()) == []
        page.publication_date -= timedelta(days=30)  # moving it further back is reported
        assert [f.kind for f in check_page(page)] == ["date"]


def test_a_crashing_check_fails_closed(column, monkeypatch):
    page = draft_article(column, "检查出错")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cms.workflow.services.check_page", broken)  # simulates a bug, not our behaviour
    report = run_auto_check(page)
    assert report.blocked and report.findings[0]["kind"] == "error"
