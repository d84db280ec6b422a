"""Upload limits for documents (images use Wagtail's own WAGTAILIMAGES_* settings)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm


def check_document_size(file) -> None:
    limit = settings.DOCUMENT_MAX_UPLOAD_SIZE
    if file is not None and getattr(file, "size", 0) > limit:
        raise ValidationError(f"文件过大（{filesizeformat(file.size)}），文档不能超过 {filesizeformat(limit)}。")


class SafeDocumentForm(BaseDocumentForm):
    """Wagtail's document form with a size limit; the type allow-list is WAGTAILDOCS_EXTENSIONS."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        check_document_size(file)
        return file
