"""The built-in DOCX template of each kind, built in code with python-docx (no binary file in
the repository). It holds the docxtpl/Jinja placeholders of ``kinds.KIND_TEXTS`` verbatim, so
an info center that downloads it edits the real template in Word or WPS.

Layout after GB/T 9704 (党政机关公文格式): A4, margins 37/35/28/26 mm, the title in 2号
小标宋 centred, the body in 3号 仿宋 with a two-character first-line indent and 28 pt lines,
the organisation, date and seal placeholder right-aligned at the end.
"""

from __future__ import annotations

import io
from functools import cache

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .kinds import KIND_TEXTS, REMEDY_PARAGRAPH

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
LINE = Pt(28)


def _font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    # Word takes CJK text's font from eastAsia, not from the Latin name above.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, align=None, indent: bool = False, title: bool = False):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(36) if title else LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = BODY_SIZE * 2
    # One run per paragraph: docxtpl sees each Jinja tag whole.
    _font(paragraph.add_run(text), TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE)
    return paragraph


@cache
def default_template(kind: str) -> bytes:
    """The default .docx of ``kind`` (cached per process: it never changes while running)."""
    text = KIND_TEXTS[kind]
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.core_properties.title = text.title
    document.core_properties.author = "{{ organisation }}"

    _paragraph(document, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, title=True)
    _paragraph(document, "{{ case_number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "")
    _paragraph(document, "{{ addressee }}：")
    for template in text.paragraphs:
        _paragraph(document, template, indent=True)
    if text.has_remedy:
        _paragraph(document, REMEDY_PARAGRAPH, indent=True)
    _paragraph(document, "")
    _paragraph(document, "{{ organisation }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ seal }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ notice_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
