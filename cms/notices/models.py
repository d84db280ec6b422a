from __future__ import annotations

from django.conf import settings
from django.db import models

from core.storage import private_storage

from .kinds import NoticeKind


class NoticeTemplate(models.Model):
    """The info center's own .docx for one kind of notice; without a row the built-in default
    (``default_template.py``) is used. The file is private (``core.storage``): it is read only
    by the admin's download view and by ``render_docx``."""

    kind = models.CharField("告知书类型", max_length=32, choices=NoticeKind.choices, unique=True)
    file = models.FileField("模板文件", upload_to="notices/templates/", storage=private_storage)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "告知书模板"
        verbose_name_plural = "告知书模板"
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()
