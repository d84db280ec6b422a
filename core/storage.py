"""Private file storage: uploads that must never be reachable by URL.

``MEDIA_ROOT`` is served to the public (by the web server in production), so anything
holding personal data or internal material lives under ``PRIVATE_MEDIA_ROOT`` instead:
the 告知书 templates (``cms.notices``) and the attachments of 依申请公开 applications.
A file there is read only by a view that checks the reader's permission and streams it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage without URLs: ``file.url`` raises rather than point at MEDIA_URL."""

    def url(self, name: str | None) -> str:
        raise ValueError("私有文件没有公开地址，只能通过校验权限的视图读取。")


def private_storage() -> PrivateFileSystemStorage:
    """The storage for private files, to pass as ``FileField(storage=private_storage)``.

    A callable, so the location is read from settings when the field is used (tests point
    ``PRIVATE_MEDIA_ROOT`` at a temporary folder) and migrations record no path."""
    return PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)
