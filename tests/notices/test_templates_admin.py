"""告知书模板 in the admin: the info center downloads a kind's template, uploads its own,
resets it; a bad upload is refused in Chinese and the old template stays; the files are
private; unit staff cannot reach any of it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cms.accounts.roles import INFO_CENTER_GROUP, SYSTEM_ADMIN
from cms.notices.actions import ResetNoticeTemplateAction, UploadNoticeTemplateAction
from cms.notices.context import sample_context
from cms.notices.errors import NoticeError
from cms.notices.kinds import NoticeKind
from cms.notices.models import NoticeTemplate
from cms.notices.rendering import render_docx, render_pdf
from tests.conftest import USER_PASSWORD

KIND = NoticeKind.ANSWER_PARTIAL
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(*lines: str, name: str = "muban.docx") -> SimpleUploadedFile:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=DOCX)


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def login(client, user):
    assert client.login(username=user.username, password=USER_PASSWORD)
    return client


@pytest.fixture
def system_admin(make_user):
    return make_user(None, SYSTEM_ADMIN)


@pytest.fixture
def admin_client(client, system_admin):
    return login(client, system_admin)


def upload(client, kind, file):
    return client.post(reverse("notices:upload", args=[kind]), {"file": file})


def test_the_list_shows_every_kind_with_its_article_and_says_uploads_change_the_docx_only(admin_client):
    html = admin_client.get(reverse("notices:index")).content.decode()
    for label in NoticeKind.labels:
        assert label in html
    assert "第三十三条第二款" in html and "第三十七条" in html
    assert "上传的模板只影响 Word 文件" in html
    assert "{{ organisation }}" in html  # the placeholder table


def test_the_default_template_downloads_for_editing(admin_client):
    response = admin_client.get(reverse("notices:download", args=[KIND]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "answer_partial-default.docx" in response["Content-Disposition"]
    assert "{{ case_number }}" in text_of(response.content)


def test_an_uploaded_template_is_used_for_the_docx_and_not_for_the_pdf(admin_client, system_admin):
    response = upload(
        admin_client, KIND, word_file("本局自定义：{{ case_number }}，{{ applicant_name }}，{{ notice_date }}")
    )
    assert response.status_code == 302
    template = NoticeTemplate.objects.get(kind=KIND)
    assert template.updated_by == system_admin
    assert text_of(render_docx(KIND, sample_context())) == "本局自定义：宣教依申〔2026〕3号，张三，2026年12月2日"
    assert "本局自定义" not in render_pdf(KIND, sample_context()).decode("latin-1")
    # Other kinds keep their default.
    assert "补正" in text_of(render_docx(NoticeKind.CORRECTION, sample_context()))
    # The download now gives the upload; the list says so; the action is in the audit log.
    download = admin_client.get(reverse("notices:download", args=[KIND]))
    assert "answer_partial-custom.docx" in download["Content-Disposition"]
    assert "本局自定义" in text_of(download.content)
    assert "自定义（" in admin_client.get(reverse("notices:index")).content.decode()
    assert ModelLogEntry.objects.filter(action="notices.upload_template", user=system_admin).count() == 1


def test_template_files_are_private(admin_client):
    upload(admin_client, KIND, word_file("{{ case_number }}"))
    template = NoticeTemplate.objects.get(kind=KIND)
    path = Path(template.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(ValueError):
        template.file.url  # noqa: B018 — no public address exists


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("muban.docx", "这不是 Word 文档".encode()), "不是有效的 Word 文档"),
        (word_file("编号：{{ case_number"), "占位符写法有误"),
        (word_file("{% if body %}没有结束"), "占位符写法有误"),
        (word_file("申请人：{{ shenqingren }}"), "不存在的占位符"),
        (SimpleUploadedFile("big.docx", b"0" * (2 * 1024 * 1024 + 1)), "模板文件过大"),
    ],
    ids=["not-a-docx", "unclosed-tag", "unclosed-block", "unknown-placeholder", "too-big"],
)
def test_a_bad_upload_gets_a_chinese_message_and_the_old_template_stays(admin_client, file, message):
    upload(admin_client, KIND, word_file("旧模板 {{ case_number }}"))
    old = NoticeTemplate.objects.get(kind=KIND)
    old_name = old.file.name

    response = upload(admin_client, KIND, file)

    assert response.status_code == 400
    assert message in response.content.decode()
    template = NoticeTemplate.objects.get(kind=KIND)
    assert (template.file.name, template.updated_at) == (old_name, old.updated_at)
    assert text_of(render_docx(KIND, sample_context())) == "旧模板 宣教依申〔2026〕3号"


def test_an_upload_without_a_file_is_refused_in_chinese(admin_client):
    response = admin_client.post(reverse("notices:upload", args=[KIND]), {})
    assert response.status_code == 400
    assert "请选择要上传的 .docx 模板文件。" in response.content.decode()


def test_replacing_and_resetting_remove_the_old_files(admin_client, system_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, KIND, word_file("第一版 {{ case_number }}"))
    first = NoticeTemplate.objects.get(kind=KIND).file.path
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, KIND, word_file("第二版 {{ case_number }}"))
    second = NoticeTemplate.objects.get(kind=KIND).file.path
    assert not os.path.exists(first) and os.path.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("notices:reset", args=[KIND]))
    assert response.status_code == 302
    assert not NoticeTemplate.objects.filter(kind=KIND).exists()
    assert not os.path.exists(second)
    assert "部分公开告知书" in text_of(render_docx(KIND, sample_context()))
    assert ModelLogEntry.objects.filter(action="notices.reset_template", user=system_admin).exists()


def test_resetting_a_default_template_is_refused(system_admin):
    with pytest.raises(NoticeError, match="已经是默认模板"):
        ResetNoticeTemplateAction(KIND, system_admin).execute()


def test_samples_download_as_docx_and_pdf(admin_client):
    docx_response = admin_client.get(reverse("notices:sample", args=[KIND, "docx"]))
    assert "宣教依申〔2026〕3号" in text_of(docx_response.content)
    pdf_response = admin_client.get(reverse("notices:sample", args=[KIND, "pdf"]))
    assert pdf_response["Content-Type"] == "application/pdf" and pdf_response.content.startswith(b"%PDF")
    assert admin_client.get(reverse("notices:sample", args=[KIND, "txt"])).status_code == 404
    assert admin_client.get(reverse("notices:download", args=["no_such_kind"])).status_code == 404


def test_the_info_center_group_may_manage_templates(client, make_user):
    login(client, make_user(None, INFO_CENTER_GROUP))
    assert client.get(reverse("notices:index")).status_code == 200


def test_unit_staff_cannot_reach_the_templates(client, department, make_user):
    site_admin = make_user(department, "site_admin")
    login(client, site_admin)
    urls = [
        reverse("notices:index"),
        reverse("notices:download", args=[KIND]),
        reverse("notices:upload", args=[KIND]),
        reverse("notices:sample", args=[KIND, "docx"]),
    ]
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    assert upload(client, KIND, word_file("{{ case_number }}")).status_code in (302, 403)
    assert client.post(reverse("notices:reset", args=[KIND])).status_code in (302, 403)
    assert not NoticeTemplate.objects.exists()
    # The action itself refuses, whoever calls it.
    with pytest.raises(NoticeError, match="没有管理告知书模板的权限"):
        UploadNoticeTemplateAction(KIND, word_file("{{ case_number }}"), site_admin).execute()


def test_the_settings_menu_offers_the_templates_to_the_info_center_only(client, department, make_user):
    login(client, make_user(None, SYSTEM_ADMIN))
    assert reverse("notices:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    login(client, make_user(department, "editor"))
    assert reverse("notices:index") not in client.get(reverse("wagtailadmin_home")).content.decode()
