"""The template actions: upload a kind's .docx, reset it to the built-in default."""

from __future__ import annotations

import io
import zipfile

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from docx import Document
from wagtail.log_actions import log

from .context import sample_context
from .errors import NoticeError
from .kinds import NoticeKind
from .models import NoticeTemplate
from .rendering import render_docx

CHANGE_TEMPLATES = "notices.change_noticetemplate"
MAX_TEMPLATE_SIZE = 2 * 1024 * 1024

ACTION_LABELS = {"upload_template": "上传告知书模板", "reset_template": "恢复默认告知书模板"}


def may_change_templates(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(CHANGE_TEMPLATES))


def _check_kind(kind: str) -> None:
    if kind not in NoticeKind.values:
        raise NoticeError("没有这种告知书。")


def _check_user(user) -> None:
    if not may_change_templates(user):
        raise NoticeError("您没有管理告知书模板的权限。")


class UploadNoticeTemplateAction:
    """Replace a kind's template by an uploaded .docx, which must be a real Word document
    within 2 MB that renders with the sample case; the old file is kept until the new one is
    saved, and removed after commit."""

    def __init__(self, kind: str, file, user) -> None:
        self.kind, self.file, self.user = kind, file, user
        self.content: bytes | None = None

    def check(self) -> None:
        _check_user(self.user)
        _check_kind(self.kind)
        if self.file is None:
            raise NoticeError("请选择要上传的 .docx 模板文件。")
        if self.file.size > MAX_TEMPLATE_SIZE:
            raise NoticeError(
                f"模板文件过大（{filesizeformat(self.file.size)}），不能超过 {filesizeformat(MAX_TEMPLATE_SIZE)}。"
            )
        self.file.seek(0)
        content = self.file.read()
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise zipfile.BadZipFile
            Document(io.BytesIO(content))
        except Exception as error:
            raise NoticeError(
                "上传的文件不是有效的 Word 文档（.docx）。请在 Word 或 WPS 中另存为 .docx 后再上传。"
            ) from error
        # Renders with every field filled; raises NoticeError with the template's fault.
        rendered = render_docx(self.kind, sample_context(), template=content)
        try:
            Document(io.BytesIO(rendered))
        except Exception as error:
            raise NoticeError("模板填入内容后不再是有效的 Word 文档，请检查占位符是否跨越了表格或段落。") from error
        self.content = content

    def execute(self) -> NoticeTemplate:
        self.check()
        old_name = None
        with transaction.atomic():
            template = NoticeTemplate.objects.select_for_update().filter(kind=self.kind).first()
            if template is None:
                template = NoticeTemplate(kind=self.kind)
            else:
                old_name = template.file.name
            template.updated_by = self.user
            template.file.save(f"{self.kind}.docx", io.BytesIO(self.content), save=False)
            template.save()
            log(template, "notices.upload_template", user=self.user)
            if old_name and old_name != template.file.name:
                storage = template.file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        return template


class ResetNoticeTemplateAction:
    """Go back to the built-in default: the uploaded row and file are removed."""

    def __init__(self, kind: str, user) -> None:
        self.kind, self.user = kind, user

    def check(self) -> NoticeTemplate:
        _check_user(self.user)
        _check_kind(self.kind)
        template = NoticeTemplate.objects.filter(kind=self.kind).first()
        if template is None:
            raise NoticeError("该告知书使用的已经是默认模板。")
        return template

    def execute(self) -> None:
        template = self.check()
        with transaction.atomic():
            name, storage = template.file.name, template.file.storage
            log(template, "notices.reset_template", user=self.user)
            template.delete()
            transaction.on_commit(lambda: storage.delete(name))
