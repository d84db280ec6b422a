"""The public comment form: plain text only, every problem said in Chinese, the typed text kept."""

from __future__ import annotations

from django import forms

from core.public_forms import PublicForm

from .actions import CommentInput, comment_errors
from .models import CONTENT_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PHONE_MAX_LENGTH


class CommentForm(PublicForm):
    # Lengths are checked in ``clean`` (one message per field, in Chinese) rather than by
    # maxlength alone: a browser that ignores maxlength still gets a readable answer.
    content = forms.CharField(
        label="意见内容",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": CONTENT_MAX_LENGTH}),
        help_text=f"请直接填写文字，不超过 {CONTENT_MAX_LENGTH} 字；不支持网页代码和图片。",
    )
    name = forms.CharField(label="姓名", required=False, widget=forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH}))
    phone = forms.CharField(
        label="联系电话",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": PHONE_MAX_LENGTH, "inputmode": "tel", "autocomplete": "tel"}),
        help_text="仅用于工作人员与您联系，不会公开。",
    )
    email = forms.CharField(
        label="电子邮箱（选填）",
        required=False,
        widget=forms.EmailInput(attrs={"maxlength": EMAIL_MAX_LENGTH, "autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label="我已阅读并同意：所填姓名、联系电话和电子邮箱仅用于本次意见征集的联系和处理，加密保存，不会公开",
        required=False,
    )

    def clean(self):
        # The fields' problems first: a refused challenge (raised by PublicForm) must not hide them.
        for field, message in comment_errors(self.comment_input()).items():
            if field not in self.errors:
                self.add_error(field, message)
        return super().clean()

    def comment_input(self) -> CommentInput:
        data = self.cleaned_data
        return CommentInput(
            content=data.get("content") or "",
            name=data.get("name") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            consent=bool(data.get("consent")),
        )
