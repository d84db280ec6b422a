"""The statistics pages' date range."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

DEFAULT_DAYS = 30
MAX_DAYS = 366


class DateRangeForm(forms.Form):
    start = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "开始日期格式不对，请按 2026-01-31 的格式填写。"},
    )
    end = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "结束日期格式不对，请按 2026-01-31 的格式填写。"},
    )

    def clean(self):
        data = super().clean()
        start, end = self.default_range()
        start = data.get("start") or (data["end"] - timedelta(days=DEFAULT_DAYS - 1) if data.get("end") else start)
        end = data.get("end") or max(end, start)
        if end > timezone.localdate():
            raise forms.ValidationError("结束日期不能晚于今天。")
        if start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"统计区间最长 {MAX_DAYS} 天，请缩短日期范围。")
        data["start"], data["end"] = start, end
        return data

    @staticmethod
    def default_range() -> tuple[date, date]:
        today = timezone.localdate()
        return today - timedelta(days=DEFAULT_DAYS - 1), today

    def date_range(self) -> tuple[date, date]:
        """The range asked for when valid, else the last 30 days (the errors are shown beside it)."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_range()
