"""The applicant's files in the admin: the case lists them, whoever may open the case downloads the
real bytes from private storage (and the download is recorded), nobody else learns they exist,
and the retention purge removes them from storage."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from wagtail.models import ModelLogEntry

from cms.applications.actions import RegisterApplicationAction, SubmitApplicationAction
from cms.applications.models import Application, ApplicationAttachment, ApplicationState

from .conftest import application_page_of, submission

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def case_with_files(site, user) -> Application:
    files = [
        SimpleUploadedFile("身份证正面.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("授权书.pdf", PDF, content_type="application/pdf"),
    ]
    application = SubmitApplicationAction(application_page_of(site), submission(), attachments=files).execute()
    return RegisterApplicationAction(application, user).execute()


def download_url(attachment: ApplicationAttachment) -> str:
    return reverse("applications_admin:attachment", args=[attachment.application_id, attachment.pk])


def detail_url(application: Application) -> str:
    return reverse("applications_admin:detail", args=[application.pk])


@pytest.fixture
def case(department, staff):
    return case_with_files(department, staff["editor"])


def reads_of(application: Application) -> list[str]:
    return list(application.events.filter(action="read_attachment").values_list("note", flat=True))


class TestTheCasePage:
    def test_lists_each_file_with_its_name_type_and_size(self, client, case, staff):
        client.force_login(staff["editor"])
        html = client.get(detail_url(case)).content.decode()
        png, pdf = case.attachments.all()
        assert f'href="{download_url(png)}"' in html and f'href="{download_url(pdf)}"' in html
        assert "身份证正面.png</a>（PNG图片，" in html and "授权书.pdf</a>（PDF文件，" in html
        assert "字节" in html  # the PDF's size in Django's Chinese file-size format
        assert settings.MEDIA_URL not in html.split('id="applicant-heading"')[1].split("</section>")[0]

    def test_a_case_without_files_says_so(self, client, department, staff):
        application = SubmitApplicationAction(application_page_of(department), submission()).execute()
        client.force_login(staff["editor"])
        assert "（未上传）" in client.get(detail_url(application)).content.decode()


class TestDownload:
    def test_the_handling_unit_gets_the_real_bytes_privately(self, client, case, staff):
        png = case.attachments.first()
        client.force_login(staff["reviewer"])
        response = client.get(download_url(png))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == Path(png.file.path).read_bytes() == png_bytes()
        assert response["Content-Type"] == "image/png"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
        assert "%E8%BA%AB%E4%BB%BD%E8%AF%81" in disposition  # 身份证, percent-encoded
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_the_info_center_may_read_it_too(self, client, case, staff):
        pdf = case.attachments.last()
        client.force_login(staff["overseer"])
        response = client.get(download_url(pdf))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    def test_each_download_is_in_the_history_and_the_audit_log_without_the_file_name(self, client, case, staff):
        pdf = case.attachments.last()
        client.force_login(staff["editor"])
        b"".join(client.get(download_url(pdf)).streaming_content)
        assert reads_of(case) == ["附件2（PDF文件）"]
        event = case.events.get(action="read_attachment")
        assert event.user == staff["editor"] and event.to_state == ApplicationState.REGISTERED
        logged = ModelLogEntry.objects.get(object_id=str(case.pk), action="applications.read_attachment")
        assert logged.user == staff["editor"] and logged.data["number"] == case.number
        assert "授权书" not in str(logged.data)
        html = client.get(detail_url(case)).content.decode()
        assert "查阅附件" in html and "附件2（PDF文件）" in html

    def test_another_unit_gets_the_same_404_as_for_a_file_that_does_not_exist(self, client, case, staff):
        png = case.attachments.first()
        client.force_login(staff["other_editor"])
        refused = client.get(download_url(png))
        missing = client.get(reverse("applications_admin:attachment", args=[case.pk, png.pk + 1000]))
        assert refused.status_code == missing.status_code == 404
        assert refused.content == missing.content
        assert reads_of(case) == []

    def test_a_file_is_reached_only_through_its_own_case(self, client, case, department, staff):
        other = case_with_files(department, staff["editor"])
        client.force_login(staff["editor"])
        foreign = other.attachments.first()
        assert client.get(reverse("applications_admin:attachment", args=[case.pk, foreign.pk])).status_code == 404

    def test_a_user_without_a_unit_is_refused(self, client, case, make_user, department):
        png = case.attachments.first()
        nobody = make_user(None, "审计管理员")
        client.force_login(nobody)
        response = client.get(download_url(png))
        assert response.status_code in (302, 403)
        assert not getattr(response, "streaming", False)
        assert reads_of(case) == []

    def test_an_anonymous_visitor_is_sent_to_the_login(self, client, case):
        png = case.attachments.first()
        response = client.get(download_url(png))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
        assert reads_of(case) == []

    def test_a_file_gone_from_storage_is_a_chinese_404_not_a_500(self, client, case, staff):
        png = case.attachments.first()
        Path(png.file.path).unlink()
        client.force_login(staff["editor"])
        assert client.get(download_url(png)).status_code == 404
        assert reads_of(case) == []


class TestPurge:
    def test_the_purge_removes_the_files_from_storage_and_the_links(
        self, client, case, staff, settings, django_capture_on_commit_callbacks
    ):
        attachments = list(case.attachments.all())
        stored = [Path(a.file.path) for a in attachments]
        assert all(path.is_file() for path in stored)
        Application.objects.filter(pk=case.pk).update(state=ApplicationState.DELIVERED, concluded_on=date(2020, 1, 6))
        settings.APPLICATION_RETENTION_DAYS = 30
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_application_personal_data", stdout=io.StringIO())
        assert not any(path.exists() for path in stored)
        assert not ApplicationAttachment.objects.filter(application=case).exists()
        client.force_login(staff["editor"])
        assert client.get(download_url(attachments[0])).status_code == 404
        html = client.get(detail_url(case)).content.decode()
        assert "个人信息和证件材料已于" in html and "身份证正面" not in html

    def test_a_failed_purge_keeps_the_files(self, case, settings, django_capture_on_commit_callbacks):
        """The files go only once the purge has committed: a rolled-back purge leaves the rows and the files."""
        from django.db import transaction

        from cms.applications.actions import purge_expired_personal_data

        stored = [Path(a.file.path) for a in case.attachments.all()]
        Application.objects.filter(pk=case.pk).update(state=ApplicationState.DELIVERED, concluded_on=date(2020, 1, 6))
        settings.APPLICATION_RETENTION_DAYS = 30
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            purge_expired_personal_data()
            raise RuntimeError("之后的步骤失败")
        assert callbacks == [] and all(path.is_file() for path in stored)
        assert ApplicationAttachment.objects.filter(application=case).count() == 2
