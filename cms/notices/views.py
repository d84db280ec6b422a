"""告知书模板: list the kinds, download the current template, upload a replacement, reset to
the default, and a sample notice of each kind. Thin: the actions decide."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied

from .actions import MAX_TEMPLATE_SIZE, ResetNoticeTemplateAction, UploadNoticeTemplateAction, may_change_templates
from .context import sample_context
from .errors import NoticeError
from .kinds import KIND_TEXTS, NoticeKind
from .models import NoticeTemplate
from .rendering import current_template, render_docx, render_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLACEHOLDERS = (
    ("title", "标题"),
    ("case_number", "编号"),
    ("addressee", "称呼（征求第三方意见书为第三方，其余为申请人）"),
    ("applicant_name", "申请人"),
    ("organisation", "行政机关名称"),
    ("received_date", "收到申请日期"),
    ("description", "申请内容"),
    ("legal_basis", "法律依据"),
    ("body", "答复内容、理由或需补正的事项"),
    ("due_date", "原答复期限"),
    ("extension_days", "延长的工作日数"),
    ("extended_due_date", "延长后的答复期限"),
    ("third_party_name", "第三方"),
    ("third_party_deadline", "第三方提出意见的期限"),
    ("correction_deadline", "补正期限"),
    ("review_body", "行政复议机关"),
    ("remedy", "救济途径（答复类告知书）"),
    ("contact", "联系人及电话"),
    ("notice_date", "告知日期"),
    ("seal", "印章位置“（印章）”"),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="模板文件（.docx，不超过 2 MB）", error_messages={"required": "请选择要上传的 .docx 模板文件。"}
    )


def _kind_or_404(kind: str) -> str:
    if kind not in NoticeKind.values:
        raise Http404("没有这种告知书。")
    return kind


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # ASCII: the name goes into a Content-Disposition header.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def index_view(request):
    if not may_change_templates(request.user):
        return permission_denied(request)
    uploaded = {t.kind: t for t in NoticeTemplate.objects.select_related("updated_by")}
    rows = [
        {"kind": kind, "label": label, "title": KIND_TEXTS[kind].title, "article": KIND_TEXTS[kind].legal_basis,
         "uploaded": uploaded.get(kind)}
        for kind, label in NoticeKind.choices
    ]  # fmt: skip
    return TemplateResponse(
        request,
        "notices/admin/index.html",
        {"heading": "告知书模板", "rows": rows, "placeholders": PLACEHOLDERS},
    )


def download_view(request, kind: str):
    if not may_change_templates(request.user):
        return permission_denied(request)
    content, uploaded = current_template(_kind_or_404(kind))
    return _attachment(content, DOCX, f"{kind}-{'custom' if uploaded else 'default'}.docx")


def upload_view(request, kind: str):
    if not may_change_templates(request.user):
        return permission_denied(request)
    kind = _kind_or_404(kind)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            UploadNoticeTemplateAction(kind, form.cleaned_data["file"], request.user).execute()
        except NoticeError as error:
            errors = error.messages
        else:
            messages.success(request, f"已更新“{NoticeKind(kind).label}”的模板。")
            return redirect("notices:index")
    elif request.method == "POST":
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    return TemplateResponse(
        request,
        "notices/admin/upload.html",
        {
            "heading": "上传告知书模板",
            "subheading": NoticeKind(kind).label,
            "kind": kind,
            "form": form,
            "errors": errors,
            "max_size": MAX_TEMPLATE_SIZE,
        },
        status=400 if errors else 200,
    )


@require_POST
def reset_view(request, kind: str):
    if not may_change_templates(request.user):
        return permission_denied(request)
    kind = _kind_or_404(kind)
    try:
        ResetNoticeTemplateAction(kind, request.user).execute()
    except NoticeError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"“{NoticeKind(kind).label}”已恢复为默认模板。")
    return redirect("notices:index")


def sample_view(request, kind: str, fmt: str):
    """The kind's notice filled with the sample case, to see a template's effect."""
    if not may_change_templates(request.user):
        return permission_denied(request)
    kind = _kind_or_404(kind)
    if fmt == "pdf":
        return _attachment(render_pdf(kind, sample_context()), "application/pdf", f"{kind}-sample.pdf")
    if fmt != "docx":
        raise Http404("没有这种格式。")
    try:
        content = render_docx(kind, sample_context())
    except NoticeError as error:
        messages.error(request, error.messages[0])
        return redirect("notices:index")
    return _attachment(content, DOCX, f"{kind}-sample.docx")
