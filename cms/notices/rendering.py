"""Rendering a notice: ``render_docx`` (docxtpl over the kind's current template) and
``render_pdf`` (reportlab, the built-in wording of ``kinds.KIND_TEXTS``)."""

from __future__ import annotations

import io
from functools import lru_cache

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .context import NoticeContext
from .default_template import default_template
from .errors import NoticeError
from .kinds import KIND_TEXTS, REMEDY_PARAGRAPH
from .models import NoticeTemplate

# Fields a case may write on several lines: in the DOCX each line becomes a paragraph of its
# own with the same formatting (docxtpl turns "\a" into a paragraph break).
MULTILINE = ("body", "description")


def _environment() -> SandboxedEnvironment:
    # Sandboxed: an uploaded template is Jinja code. Strict: a misspelt placeholder is an error
    # at upload time, not a blank in a notice. Autoescape: the case's text may hold & or <.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def explain(error: Exception) -> str:
    """A template error in Chinese, for the person who uploaded the template."""
    if isinstance(error, UndefinedError):
        return f"模板使用了不存在的占位符（{error.message}）。可用的占位符见“告知书模板”页面。"
    if isinstance(error, TemplateSyntaxError):
        return f"模板中的占位符写法有误（{error.message}），请检查 {{{{ }}}} 与 {{% %}} 是否成对、完整。"
    return f"模板无法生成告知书：{error}"


def render_docx(kind: str, context: NoticeContext, template: bytes | None = None) -> bytes:
    """The notice as a .docx. ``template``: the .docx to fill; by default the kind's uploaded
    template (``NoticeTemplate``) or else the built-in one. Raises ``NoticeError`` (Chinese)
    when the template cannot be rendered."""
    if template is None:
        template, _ = current_template(kind)
    variables = context.variables(kind)
    for name in MULTILINE:
        variables[name] = "\a".join(line.strip() for line in variables[name].splitlines() if line.strip())
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(variables, jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateError as error:
        raise NoticeError(explain(error)) from error
    return out.getvalue()


def current_template(kind: str) -> tuple[bytes, bool]:
    """The .docx a notice of ``kind`` is filled from, and whether it is the info center's
    upload (``NoticeTemplate``) rather than the built-in default."""
    if kind not in KIND_TEXTS:
        raise NoticeError("没有这种告知书。")
    uploaded = NoticeTemplate.objects.filter(kind=kind).first()
    if uploaded is None:
        return default_template(kind), False
    with uploaded.file.open("rb") as file:
        return file.read(), True


# --- PDF ---------------------------------------------------------------------------------

FONT = "STSong-Light"  # one of reportlab's CID fonts: the PDF viewer supplies the glyphs


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=16, leading=28, wordWrap="CJK", alignment=TA_JUSTIFY)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=22, leading=36, alignment=TA_CENTER, spaceAfter=6),
        "number": ParagraphStyle("number", parent=body, alignment=TA_RIGHT, spaceAfter=14),
        "plain": body,
        "indented": ParagraphStyle("indented", parent=body, firstLineIndent=32),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
    }


def render_pdf(kind: str, context: NoticeContext) -> bytes:
    """The notice as a PDF, always in the built-in wording (an uploaded DOCX template does
    not change it)."""
    text = KIND_TEXTS[kind]
    styles = _styles()
    variables = context.variables(kind)
    environment = _environment()

    def fill(template: str) -> str:
        # Autoescaped, so the result is valid reportlab paragraph markup.
        return environment.from_string(template).render(variables)

    story = [
        Paragraph(fill("{{ title }}"), styles["title"]),
        Paragraph(fill("{{ case_number }}"), styles["number"]),
        Paragraph(fill("{{ addressee }}："), styles["plain"]),
    ]
    templates = [*text.paragraphs, REMEDY_PARAGRAPH] if text.has_remedy else list(text.paragraphs)
    for template in templates:
        story.extend(Paragraph(line, styles["indented"]) for line in fill(template).splitlines() if line.strip())
    story.append(Spacer(1, 28))
    story.extend(
        Paragraph(fill(line), styles["right"]) for line in ("{{ organisation }}", "{{ seal }}", "{{ notice_date }}")
    )
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=text.title,
        author=context.organisation,
    ).build(story)
    return out.getvalue()
