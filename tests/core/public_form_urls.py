"""The project's URLs plus one test-only public form (``pytest.mark.urls``), served like a real one."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from cms.urls import handler400
from cms.urls import urlpatterns as project_urlpatterns
from core.public_forms import PublicForm, RateLimited, rate_limit_request

__all__ = ["handler400", "urlpatterns"]

PAGE = engines["django"].from_string(
    """{% load static %}<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>写信</title></head>
<body><main><form method="post" action="">{% csrf_token %}
{% if refusal %}<p class="refusal">{{ refusal }}</p>{% endif %}{{ form.non_field_errors }}
{% for field in form %}{{ field.label_tag }}{{ field }}{{ field.errors }}{% endfor %}
{% include "core/includes/public_form_guard.html" with form=form %}
<button type="submit">提交</button></form></main></body></html>"""
)


class LetterForm(PublicForm):
    title = forms.CharField(label="标题", max_length=50)
    body = forms.CharField(label="内容", widget=forms.Textarea)


def letter_view(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None, request=request)
    if request.method == "POST":
        try:
            rate_limit_request(request, "test_letters", limit=20, window_seconds=600)
        except RateLimited as refused:
            return HttpResponse(PAGE.render({"form": form, "refusal": refused.message}, request), status=429)
        if form.is_valid():
            return HttpResponse(f"已收到：{form.cleaned_data['title']}")
    return HttpResponse(PAGE.render({"form": form}, request), status=200 if form.is_bound is False else 400)


urlpatterns = [path("test-public-form/", letter_view, name="test_public_form"), *project_urlpatterns]
