"""Every kind of 告知书 comes out as a DOCX and a PDF that state the case's facts.

The documents are parsed back: python-docx for the DOCX, pypdf for the PDF. pypdf extracts
the text of reportlab's CID font STSong-Light (UniGB-UCS2-H encoding), Chinese included, so
the PDF is checked for the same facts as the DOCX; only line breaks differ (the PDF wraps
lines, so the text is compared with whitespace removed)."""

from __future__ import annotations

import datetime
import io
import re

import docx
import pytest
from pypdf import PdfReader

from cms.notices.context import NoticeContext, chinese_date, sample_context
from cms.notices.default_template import default_template
from cms.notices.kinds import KIND_TEXTS, NoticeKind
from cms.notices.rendering import render_docx, render_pdf

ANSWERS = [k for k in NoticeKind if k.value.startswith("answer_")]


def case(**fields) -> NoticeContext:
    values = dict(
        organisation="宣城市宣州区教育体育局",
        case_number="宣教依申〔2026〕3号",
        applicant_name="王五",
        received_date=datetime.date(2026, 11, 2),
        description="2026年度区属中小学校舍维修项目的中标结果",
        notice_date=datetime.date(2026, 12, 2),
        legal_basis="《中华人民共和国政府信息公开条例》第十五条",
        body="该信息含有第三方的商业秘密，第三方不同意公开。",
        due_date=datetime.date(2026, 11, 30),
        extension_days=20,
        extended_due_date=datetime.date(2026, 12, 28),
        third_party_name="宣城市某建筑工程有限公司",
        third_party_deadline=datetime.date(2026, 12, 23),
        correction_deadline=datetime.date(2026, 12, 16),
        review_body="宣城市宣州区人民政府",
        contact="李四 0563-1234567",
    )
    values.update(fields)
    return NoticeContext(**values)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def facts(kind: str) -> list[str]:
    addressee = "宣城市某建筑工程有限公司：" if kind == NoticeKind.THIRD_PARTY else "王五："
    return [
        KIND_TEXTS[kind].title,
        "宣教依申〔2026〕3号",
        addressee,
        "2026年11月2日",  # received
        "2026年12月2日",  # notice date
        "2026年度区属中小学校舍维修项目的中标结果",
        "《中华人民共和国政府信息公开条例》第十五条",
        "宣城市宣州区教育体育局",
        "（印章）",
    ]


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_each_kind_renders_a_docx_with_the_cases_facts(db, kind):
    text = docx_text(render_docx(kind, case()))
    for fact in facts(kind):
        assert fact in text, fact
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_each_kind_renders_a_pdf_with_the_same_facts(db, kind):
    content = render_pdf(kind, case())
    assert content.startswith(b"%PDF")
    text = flat(pdf_text(content))
    for fact in facts(kind):
        assert flat(fact) in text, fact


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_the_pdf_says_what_the_default_docx_says(db, kind):
    """One wording per kind: the PDF's text is the default DOCX's text, line breaks aside."""
    context = case()
    assert flat(pdf_text(render_pdf(kind, context))) == flat(docx_text(render_docx(kind, context)))


@pytest.mark.parametrize("kind", ANSWERS)
def test_answers_name_the_remedy_with_the_review_body(db, kind):
    text = docx_text(render_docx(kind, case()))
    assert "可以自收到本告知书之日起60日内向宣城市宣州区人民政府申请行政复议" in text
    assert "6个月内向人民法院提起行政诉讼" in text


@pytest.mark.parametrize("kind", [NoticeKind.CORRECTION, NoticeKind.THIRD_PARTY, NoticeKind.EXTENSION])
def test_procedural_notices_have_no_remedy(db, kind):
    for text in (docx_text(render_docx(kind, case())), pdf_text(render_pdf(kind, case()))):
        assert "行政复议" not in text


def test_the_kind_specific_facts(db):
    extension = docx_text(
        render_docx(NoticeKind.EXTENSION, case(legal_basis="", body="申请内容涉及多个机关，需要协调"))
    )
    assert "《中华人民共和国政府信息公开条例》第三十三条第二款" in extension  # the kind's own article by default
    assert "因申请内容涉及多个机关，需要协调，本机关不能在2026年11月30日前作出答复" in extension
    assert "答复期限延长20个工作日，本机关将于2026年12月28日前作出答复" in extension
    correction = docx_text(render_docx(NoticeKind.CORRECTION, case(legal_basis="")))
    assert "第三十条" in correction and "请于2026年12月16日前" in correction
    third_party = docx_text(render_docx(NoticeKind.THIRD_PARTY, case(legal_basis="")))
    assert "第三十二条" in third_party and "请于2026年12月23日前" in third_party


def test_optional_facts_fall_back_to_the_laws_wording(db):
    text = docx_text(render_docx(NoticeKind.THIRD_PARTY, case(third_party_deadline=None, contact="")))
    assert "收到本意见书之日起15个工作日内" in text
    assert "联系人" not in text
    remedy = docx_text(render_docx(NoticeKind.ANSWER_REFUSE, case(review_body="")))
    assert "向本机关的行政复议机关申请行政复议" in remedy


def test_a_custom_remedy_replaces_the_default(db):
    text = docx_text(render_docx(NoticeKind.ANSWER_DISCLOSE, case(remedy="如有异议，请与本机关联系。")))
    assert "如有异议，请与本机关联系。" in text and "行政诉讼" not in text


def test_markup_and_line_breaks_in_the_cases_text_are_kept_as_text(db):
    body = "理由一：A&B <公司> 的信息；\n理由二：涉及个人隐私。"
    content = render_docx(NoticeKind.ANSWER_PARTIAL, case(body=body))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert any(p.endswith("理由一：A&B <公司> 的信息；") for p in paragraphs)
    assert "理由二：涉及个人隐私。" in paragraphs  # a paragraph of its own
    assert "A&B<公司>的信息" in flat(pdf_text(render_pdf(NoticeKind.ANSWER_PARTIAL, case(body=body))))


def test_dates_are_written_the_chinese_way():
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(None) == ""


def test_the_default_template_holds_the_placeholders_for_editing():
    text = docx_text(default_template(NoticeKind.ANSWER_REFUSE))
    for placeholder in (
        "{{ organisation }}",
        "{{ case_number }}",
        "{{ received_date }}",
        "{{ legal_basis }}",
        "{{ seal }}",
    ):
        assert placeholder in text


def test_the_sample_context_fills_every_kind(db):
    for kind in NoticeKind.values:
        assert "宣教依申〔2026〕3号" in docx_text(render_docx(kind, sample_context()))
