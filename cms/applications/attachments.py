"""An application's attachments (an identity document's scan): what is accepted, how it is kept, how it is read.

Accepted by content, not by name: JPEG and PNG that Pillow can verify, PDF by its header;
at most ``APPLICATION_MAX_ATTACHMENTS`` files of ``APPLICATION_MAX_ATTACHMENT_BYTES`` each.
Kept in private storage (``core.storage``), so no URL under MEDIA_URL reaches them; the
admin's download view checks the reader's permission and calls ``attachment_response``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from PIL import Image, UnidentifiedImageError

from .models import ApplicationAttachment

# (content type, the file's first bytes, the extension it is stored with, what the admin calls it)
ALLOWED_TYPES: tuple[tuple[str, bytes, str, str], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", "jpg", "JPG图片"),
    ("image/png", b"\x89PNG\r\n\x1a\n", "png", "PNG图片"),
    ("application/pdf", b"%PDF-", "pdf", "PDF文件"),
)
TYPE_LABELS: dict[str, str] = {kind: label for kind, _, _, label in ALLOWED_TYPES}
TYPE_REFUSAL = "“{name}”不是JPG、PNG或PDF文件，请上传证件的照片、扫描件或PDF文件。"


def max_size_label() -> str:
    return f"{settings.APPLICATION_MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"


def sniff(file: UploadedFile) -> tuple[str, str] | None:
    """(content type, extension) of the file by its content, or None when it is none of the allowed types."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    match = next(((kind, ext) for kind, magic, ext, _ in ALLOWED_TYPES if head.startswith(magic)), None)
    if match is None:
        return None
    content_type, extension = match
    if content_type.startswith("image/"):
        try:
            with Image.open(file) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
        finally:
            file.seek(0)
    return content_type, extension


def attachment_refusals(files: list[UploadedFile]) -> list[str]:
    """The Chinese reasons ``files`` are refused (none: accepted)."""
    if len(files) > settings.APPLICATION_MAX_ATTACHMENTS:
        return [f"最多上传 {settings.APPLICATION_MAX_ATTACHMENTS} 个附件。"]
    refusals = []
    for file in files:
        if file.size > settings.APPLICATION_MAX_ATTACHMENT_BYTES:
            refusals.append(f"“{file.name}”超过 {max_size_label()}，请压缩后再上传。")
        elif sniff(file) is None:
            refusals.append(TYPE_REFUSAL.format(name=file.name))
    return refusals


def store_attachment(application, file: UploadedFile) -> ApplicationAttachment:
    content_type, extension = sniff(file)
    attachment = ApplicationAttachment(
        application=application,
        original_name=file.name[:200],
        content_type=content_type,
        size=file.size,
    )
    attachment.file.save(f"upload.{extension}", file, save=False)
    attachment.save()
    return attachment


def type_label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, "文件")


def attachment_response(attachment: ApplicationAttachment) -> FileResponse:
    """The attachment as a download, for a view that has already checked the reader may see it.

    Raises ``FileNotFoundError`` when the stored file is gone (the caller answers 404)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or f"附件{attachment.pk}",
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
