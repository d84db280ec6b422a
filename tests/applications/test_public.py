"""The applicant's side of 依申请公开: the page, 在线申请, the receipt, 办理查询 and the online 补正."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils.html import escape
from PIL import Image

from cms.applications.actions import (
    ApproveAnswerAction,
    DraftAnswerAction,
    RegisterApplicationAction,
    RequestCorrectionAction,
)
from cms.applications.attachments import attachment_response
from cms.applications.clock import clock_of, today
from cms.applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    Outcome,
)
from cms.applications.public import NOT_FOUND, valid_credit_code, valid_resident_id
from cms.disclosure.models import DisclosureInfoKind, DisclosureInfoPage
from tests.accounts.xss_payloads import PAYLOADS
from tests.core.public_form_helpers import fresh_payload

from .conftest import application_page_of

ID_NUMBER = "341802198001011230"  # a valid 居民身份证 number (GB 11643 check character 0)
CREDIT_CODE = "91341802MA2N3K5L0L"
PHONE = "13955630000"
EMAIL = "lisi@example.com"
ADDRESS = "宣城市宣州区鳌峰中路88号"


def path_of(page, route: str = "") -> str:
    return page.get_url_parts()[2] + route


@pytest.fixture
def page(department):
    return application_page_of(department)


@pytest.fixture
def host(department):
    return {"HTTP_HOST": department.hostname}


def form_data(client, host, **fields) -> dict:
    data = {
        "applicant_type": "natural_person",
        "name": "李四光",
        "contact_person": "",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": EMAIL,
        "address": "",
        "postcode": "",
        "description": "宣州区教育局2025年义务教育阶段学校招生划片范围的文件（文号不详）",
        "purpose": "子女入学",
        "delivery_form": "electronic",
        "delivery_means": "email",
        "consented": "on",
        "website": "",
        "altcha": fresh_payload(client, **host),
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def post_application(client, page, host, **fields):
    return client.post(path_of(page, "apply/"), form_data(client, host, **fields), **host)


def text_of(response) -> str:
    return response.content.decode()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def submitted(client, page, host, **fields) -> tuple[Application, str]:
    response = post_application(client, page, host, **fields)
    assert response.status_code == 302, text_of(response)
    receipt = text_of(client.get(response["Location"], **host))
    code = re.search(r'id="query-code">([A-Z0-9-]+)<', receipt).group(1)
    return Application.objects.get(), code


def look_up(client, page, host, code, tail, **extra):
    """办理查询 as the browser posts it: with a solved challenge unless ``extra`` names one."""
    data = {"code": code, "id_tail": tail, "website": "", "altcha": fresh_payload(client, **host)}
    return client.post(path_of(page, "query/"), data | extra, **host)


@pytest.fixture
def staff(department, make_user):
    return {"editor": make_user(department, "editor"), "reviewer": make_user(department, "reviewer")}


# --- the page -------------------------------------------------------------------------


class TestThePage:
    def test_says_how_to_apply_the_deadlines_and_where_the_office_is(self, client, page, host, department):
        profile = department.profile
        profile.disclosure_office_address = "宣城市宣州区政务服务中心3楼"
        profile.disclosure_office_phone = "0563-3021234"
        profile.save()
        html = text_of(client.get(path_of(page), **host))
        for words in ("申请须知", "在线申请", "办理查询", "第三十条", "第三十三条", "20个工作日", "7个工作日"):
            assert words in html
        assert "宣城市宣州区政务服务中心3楼" in html and "0563-3021234" in html
        assert f'href="{path_of(page, "apply/")}"' in html and f'href="{path_of(page, "query/")}"' in html

    def test_is_at_ysqgk_of_the_disclosure_column(self, page, department):
        assert path_of(page).endswith("/ysqgk/")

    def test_the_guide_of_a_new_site_links_the_online_application(self, page, department):
        guide = DisclosureInfoPage.objects.descendant_of(department.root_page).get(kind=DisclosureInfoKind.GUIDE)
        assert f'<a linktype="page" id="{page.pk}">' in guide.body
        assert "在线提交申请" in guide.body


# --- 在线申请 --------------------------------------------------------------------------


class TestTheForm:
    def test_asks_for_what_article_29_requires(self, client, page, host):
        html = text_of(client.get(path_of(page, "apply/"), **host))
        for label in (
            "申请人类型",
            "姓名或名称",
            "联系人",
            "证件类型",
            "证件号码",
            "联系电话",
            "电子邮箱",
            "通信地址",
            "邮政编码",
            "所需信息的描述",
            "用途",
            "信息载体",
            "获取方式",
            "证件材料",
        ):
            assert label in html
        for kind in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"):
            assert f">{kind}</option>" in html
        for choice in ("纸质", "电子文档", "光盘", "邮寄", "自行领取", "电子邮件", "网上获取"):
            assert choice in html
        assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "multiple" in html
        assert 'name="altcha"' in html and 'name="website"' in html

    def test_states_what_is_collected_why_who_reads_it_and_how_long(self, client, page, host, settings):
        settings.APPLICATION_RETENTION_DAYS = 3 * 365
        html = text_of(client.get(path_of(page, "apply/"), **host))
        for words in ("证件类型和号码", "第二十九条", "核实申请人身份", "承办机关", "信息中心", "保存3年"):
            assert words in html

    def test_is_never_stored_by_the_page_cache(self, client, page, host):
        for route in ("apply/", "receipt/", "query/"):
            response = client.get(path_of(page, route), **host)
            assert "no-store" in response["Cache-Control"]
            assert "X-Page-Cache" not in response


class TestSubmitting:
    def test_stores_the_case_and_shows_the_query_code_once(self, client, page, host, department):
        response = post_application(client, page, host)
        assert response.status_code == 302
        assert response["Location"].endswith(path_of(page, "receipt/"))
        assert "code" not in response["Location"].lower()
        application = Application.objects.get()
        assert (application.name, application.id_number, application.phone, application.email) == (
            "李四光",
            ID_NUMBER,
            PHONE,
            EMAIL,
        )
        assert application.state == ApplicationState.SUBMITTED and application.page_id == page.pk
        assert application.unit_id == department.pk and application.consented

        receipt = text_of(client.get(response["Location"], **host))
        code = re.search(r'id="query-code">([A-Z0-9-]+)<', receipt).group(1)
        assert "收到申请日期" in receipt and "20个工作日" in receipt
        again = text_of(client.get(response["Location"], **host))
        assert code not in again and "已经显示过" in again
        assert ID_NUMBER not in receipt and PHONE not in receipt

    def test_personal_data_is_encrypted_in_its_columns(self, client, page, host):
        application, _ = submitted(client, page, host)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, id_number, phone, email FROM applications_application WHERE id = %s", [application.pk]
            )
            raw = cursor.fetchone()
        for value, plain in zip(raw, ("李四光", ID_NUMBER, PHONE, EMAIL), strict=True):
            assert plain not in value and len(value) > 40

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"applicant_type": ""}, "applicant_type", "请选择申请人类型。"),
            ({"name": ""}, "name", "请填写申请人姓名或名称。"),
            ({"id_number": ""}, "id_number", "请填写证件号码。"),
            ({"id_number": "341802198001011231"}, "id_number", "居民身份证号码应为18位"),
            ({"id_number": "34180219800101123"}, "id_number", "居民身份证号码应为18位"),
            ({"phone": "abc"}, "phone", "请填写正确的手机号码或固定电话"),
            ({"email": "not-an-address"}, "email", "请填写正确的电子邮箱地址。"),
            ({"email": "", "delivery_means": "email"}, "email", "选择以电子邮件获取时请填写电子邮箱。"),
            ({"delivery_means": "post"}, "address", "选择邮寄时请填写通信地址。"),
            ({"delivery_means": "post", "address": ADDRESS}, "postcode", "选择邮寄时请填写邮政编码。"),
            ({"postcode": "24200"}, "postcode", "邮政编码应为6位数字。"),
            ({"description": "文件"}, "description", "至少5个字"),
            ({"description": "字" * 2001}, "description", "所需信息的描述最多 2000 个字。"),
            ({"delivery_form": "fax"}, "delivery_form", "请选择信息载体。"),
            ({"delivery_means": ""}, "delivery_means", "请选择获取方式。"),
            ({"consented": None}, "consented", "请阅读并同意个人信息处理说明。"),
            (
                {"applicant_type": "commercial", "id_type": "credit_code", "id_number": CREDIT_CODE},
                "contact_person",
                "法人或其他组织申请时请填写联系人。",
            ),
            (
                {
                    "applicant_type": "commercial",
                    "contact_person": "王五",
                    "id_type": "credit_code",
                    "id_number": "91341802MA2N3K5L0A",
                },
                "id_number",
                "统一社会信用代码应为18位",
            ),
        ],
    )
    def test_refuses_in_chinese_and_keeps_what_was_typed(self, client, page, host, fields, field, message):
        response = post_application(client, page, host, **fields)
        assert response.status_code == 400
        html = text_of(response)
        assert escape(message) in html or message in html
        assert f"field--{field} field--error" in html
        assert 'value="李四光"' in html or fields.get("name") == ""
        assert "宣州区教育局2025年" in html or "description" in fields
        assert 'value="子女入学"' in html
        assert not Application.objects.exists()

    def test_an_organisation_with_its_contact_and_credit_code_is_accepted(self, client, page, host):
        application, _ = submitted(
            client,
            page,
            host,
            applicant_type="legal_service",
            name="安徽某某律师事务所",
            contact_person="王五",
            id_type="credit_code",
            id_number=CREDIT_CODE,
            delivery_means="post",
            delivery_form="paper",
            address=ADDRESS,
            postcode="242000",
        )
        assert (application.contact_person, application.address, application.postcode) == ("王五", ADDRESS, "242000")

    def test_the_check_character_of_both_kinds_of_number(self):
        assert valid_resident_id("341802198001011230") and not valid_resident_id("341802198001011231")
        assert valid_resident_id("34180219850612103X") and not valid_resident_id("341802198506121030")
        assert not valid_resident_id("110101199013074477")  # month 13
        assert valid_credit_code(CREDIT_CODE) and not valid_credit_code("91341802MA2N3K5L0A")
        assert not valid_credit_code("91341802MA2N3K5L0")  # 17 characters

    def test_a_lower_case_x_and_spaces_in_the_id_number_are_accepted(self, client, page, host):
        application, _ = submitted(client, page, host, id_number=" 3418 0219 8506 1210 3x ")
        assert application.id_number == "34180219850612103X"


class TestAttachments:
    def upload(self, client, page, host, files, **fields):
        data = form_data(client, host, **fields)
        data["attachments"] = files
        return client.post(path_of(page, "apply/"), data, **host)

    def test_scans_are_stored_privately_with_the_case(self, client, page, host):
        pdf = SimpleUploadedFile("身份证.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        png = SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
        response = self.upload(client, page, host, [pdf, png])
        assert response.status_code == 302
        attachments = list(ApplicationAttachment.objects.all())
        assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
        assert attachments[0].original_name == "身份证.pdf" and attachments[0].application == Application.objects.get()
        for attachment in attachments:
            stored = Path(attachment.file.path)
            assert stored.is_file()
            assert Path(settings.PRIVATE_MEDIA_ROOT) in stored.parents
            assert Path(settings.MEDIA_ROOT) not in stored.parents
            assert "身份证" not in attachment.file.name
            with pytest.raises(ValueError):
                attachment.file.url  # noqa: B018 - no URL exists to reach it
        response = attachment_response(attachments[0])
        assert b"".join(response.streaming_content) == b"%PDF-1.4\n%test\n"
        assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]

    def test_a_program_named_jpg_is_refused(self, client, page, host):
        exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/jpeg")
        response = self.upload(client, page, host, [exe])
        html = text_of(response)
        assert response.status_code == 400
        assert "不是JPG、PNG或PDF文件" in html and "请重新选择附件" in html
        assert 'value="李四光"' in html
        assert not Application.objects.exists() and not ApplicationAttachment.objects.exists()

    def test_a_fake_jpeg_header_does_not_pass_pillow(self, client, page, host):
        fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50, content_type="image/jpeg")
        response = self.upload(client, page, host, [fake])
        assert response.status_code == 400 and "不是JPG、PNG或PDF文件" in text_of(response)

    def test_a_file_over_5_mb_is_refused(self, client, page, host):
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
        response = self.upload(client, page, host, [big])
        assert response.status_code == 400 and "超过 5 MB" in text_of(response)
        assert not Application.objects.exists()

    def test_more_than_three_files_are_refused(self, client, page, host):
        files = [SimpleUploadedFile(f"p{i}.png", png_bytes(), content_type="image/png") for i in range(4)]
        response = self.upload(client, page, host, files)
        assert response.status_code == 400 and "最多上传 3 个附件" in text_of(response)
        assert not Application.objects.exists()

    def test_nothing_under_media_names_an_attachment(self, client, page, host):
        png = SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
        self.upload(client, page, host, [png])
        attachment = ApplicationAttachment.objects.get()
        assert client.get(f"{settings.MEDIA_URL}{attachment.file.name}", **host).status_code == 404
        assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()


class TestGuards:
    def test_honeypot_refuses_and_keeps_the_input(self, client, page, host):
        response = post_application(client, page, host, website="http://spam.example")
        assert response.status_code == 400 and "提交未通过校验" in text_of(response)
        assert 'value="李四光"' in text_of(response) and not Application.objects.exists()

    def test_a_missing_challenge_is_refused(self, client, page, host):
        response = post_application(client, page, host, altcha="")
        assert response.status_code == 400 and "安全验证" in text_of(response)
        assert not Application.objects.exists()

    def test_too_many_from_one_address_get_429_with_the_input_kept(self, client, page, host, settings):
        settings.APPLICATION_RATE_LIMITS = {**settings.APPLICATION_RATE_LIMITS, "submit_per_address": (2, 3600)}
        for n in range(2):
            assert (
                post_application(
                    client, page, host, id_number=["341802198001011230", "341802199002150026"][n]
                ).status_code
                == 302
            )
        response = post_application(client, page, host, id_number="110101199003074477")
        assert response.status_code == 429 and "提交过于频繁" in text_of(response)
        assert int(response["Retry-After"]) > 0 and 'value="李四光"' in text_of(response)
        assert Application.objects.count() == 2

    def test_too_many_for_one_id_document_from_any_address(self, client, page, host, settings):
        settings.APPLICATION_RATE_LIMITS = {**settings.APPLICATION_RATE_LIMITS, "submit_per_id": (1, 86400)}
        assert post_application(client, page, host).status_code == 302
        response = post_application(client, page, host, REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 429 and Application.objects.count() == 1


# --- 办理查询 ---------------------------------------------------------------------------


class TestLookUp:
    def test_shows_the_state_without_personal_data(self, client, page, host):
        _, code = submitted(client, page, host, name="李四光")
        html = text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        assert "待确认收到" in html and "李**" in html
        for secret in ("李四光", ID_NUMBER, PHONE, EMAIL, code):
            assert secret not in html

    def test_wrong_code_and_wrong_tail_get_the_same_neutral_answer(self, client, page, host):
        _, code = submitted(client, page, host)
        wrong_tail = look_up(client, page, host, code, "9999")
        wrong_code = look_up(client, page, host, "ABCD-EFGH-JKMN", ID_NUMBER[-4:])
        assert wrong_tail.status_code == wrong_code.status_code == 200
        csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert csrf.sub("", text_of(wrong_tail)) == csrf.sub("", text_of(wrong_code))
        assert NOT_FOUND in text_of(wrong_tail)

    def test_without_the_challenge_nothing_is_looked_up_and_what_was_typed_stays(self, client, page, host):
        _, code = submitted(client, page, host)
        response = look_up(client, page, host, code, ID_NUMBER[-4:], altcha="")
        html = text_of(response)
        assert response.status_code == 400 and "请等待页面完成安全验证" in html
        assert "待确认收到" not in html and NOT_FOUND not in html
        assert f'value="{code}"' in html and f'value="{ID_NUMBER[-4:]}"' in html
        assert "待确认收到" in text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))

    def test_is_rate_limited(self, client, page, host, settings):
        settings.APPLICATION_RATE_LIMITS = {**settings.APPLICATION_RATE_LIMITS, "query_per_address": (2, 600)}
        for _ in range(2):
            look_up(client, page, host, "ABCD-EFGH-JKMN", "1234")
        response = look_up(client, page, host, "ABCD-EFGH-JKMN", "1234")
        assert response.status_code == 429 and "提交过于频繁" in text_of(response)

    def test_the_registered_case_shows_its_number_received_day_and_due_date(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        RegisterApplicationAction(application, staff["editor"]).execute()
        application.refresh_from_db()
        html = text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        assert application.number in html and "办理中" in html
        assert f"{today():%Y-%m-%d}" in html and f"{application.due_date:%Y-%m-%d}" in html


class TestCorrectionOnline:
    def test_the_correction_through_the_look_up_restarts_the_clock(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        registered_on = date(2026, 11, 2)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=application.submitted_at.replace(month=11, day=1)
        )
        RegisterApplicationAction(application, staff["editor"], on=registered_on).execute()
        RequestCorrectionAction(
            application, staff["editor"], items="请写明所需文件的年份和发文机关。", on=date(2026, 11, 4)
        ).execute()
        html = text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        assert "待补正" in html and "请写明所需文件的年份和发文机关。" in html and "补正期限" in html
        assert 'name="correction"' in html

        data = {
            "code": code,
            "id_tail": ID_NUMBER[-4:],
            "correction": "2025年宣州区教育局发布的招生划片文件。",
            "website": "",
            "altcha": fresh_payload(client, **host),
        }
        response = client.post(path_of(page, "query/"), data, **host)
        assert response.status_code == 200 and "补正内容已提交" in text_of(response)
        application.refresh_from_db()
        assert application.state == ApplicationState.REGISTERED
        assert application.correction_received_on == today()
        assert clock_of(application).starts_on == today()
        assert application.events.last().note == "申请人在线补正"

    def test_the_correction_re_verifies_the_code_and_tail(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        RegisterApplicationAction(application, staff["editor"]).execute()
        RequestCorrectionAction(application, staff["editor"], items="请写明文件名称。").execute()
        data = {
            "code": code,
            "id_tail": "0000",
            "correction": "伪造的补正内容内容",
            "website": "",
            "altcha": fresh_payload(client, **host),
        }
        response = client.post(path_of(page, "query/"), data, **host)
        assert NOT_FOUND in text_of(response)
        application.refresh_from_db()
        assert application.state == ApplicationState.CORRECTION and not application.correction_text

    def test_a_correction_without_the_challenge_looks_nothing_up_and_keeps_the_text(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        RegisterApplicationAction(application, staff["editor"]).execute()
        RequestCorrectionAction(application, staff["editor"], items="请写明文件名称。").execute()
        data = {"code": code, "id_tail": ID_NUMBER[-4:], "correction": "所需文件为招生划片通知。", "website": ""}
        response = client.post(path_of(page, "query/"), data | {"altcha": ""}, **host)
        html = text_of(response)
        assert response.status_code == 400 and "请等待页面完成安全验证" in html
        assert "所需文件为招生划片通知。" in html and "请写明文件名称。" not in html  # the case was not looked up
        application.refresh_from_db()
        assert application.state == ApplicationState.CORRECTION and not application.correction_text

    def test_an_empty_correction_is_refused_in_chinese(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        RegisterApplicationAction(application, staff["editor"]).execute()
        RequestCorrectionAction(application, staff["editor"], items="请写明文件名称。").execute()
        data = {
            "code": code,
            "id_tail": ID_NUMBER[-4:],
            "correction": "",
            "website": "",
            "altcha": fresh_payload(client, **host),
        }
        response = client.post(path_of(page, "query/"), data, **host)
        assert response.status_code == 400 and "请填写补正内容。" in text_of(response)

    def test_the_answer_is_shown_once_given(self, client, page, host, staff):
        application, code = submitted(client, page, host)
        RegisterApplicationAction(application, staff["editor"]).execute()
        DraftAnswerAction(
            application,
            staff["editor"],
            outcome=Outcome.PARTLY_DISCLOSED,
            legal_basis="《条例》第三十七条",
            answer="现提供文件的公开部分。",
        ).execute()
        assert "现提供文件的公开部分" not in text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        ApproveAnswerAction(application, staff["reviewer"]).execute()
        html = text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        assert "已答复" in html and "部分公开" in html and "现提供文件的公开部分。" in html


class TestEscaping:
    def test_every_text_field_is_rendered_escaped(self, client, page, host, staff, settings):
        settings.APPLICATION_RATE_LIMITS = {name: (10_000, 60) for name in settings.APPLICATION_RATE_LIMITS}
        corpus = " ".join(PAYLOADS)
        fields = {
            "name": corpus[:100],
            "contact_person": corpus[100:150],
            "address": corpus[150:350],
            "purpose": corpus[350:550],
            "description": corpus[:2000],
        }
        # Redisplayed after a refusal: every typed value back, escaped, none raw.
        html = text_of(post_application(client, page, host, consented=None, **fields))
        for value in fields.values():
            assert escape(value) in html and value not in html
        application, code = submitted(client, page, host, **fields)
        RegisterApplicationAction(application, staff["editor"]).execute()
        RequestCorrectionAction(application, staff["editor"], items=corpus[550:1000]).execute()
        html = text_of(look_up(client, page, host, code, ID_NUMBER[-4:]))
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert escape(fields["name"][0]) + "**" in main  # the masked name, escaped
        for raw in PAYLOADS:
            if "<" in raw:
                assert raw not in main
        assert not re.search(r"<script(?! src=\"/static/)", main)
        assert not re.search(r"<(img|svg|iframe|object|embed|body)\b", main)


class TestRetentionOfAttachments:
    def test_the_purge_deletes_the_scans_with_the_personal_data(
        self, page, staff, settings, django_capture_on_commit_callbacks
    ):
        from cms.applications.actions import SubmitApplicationAction, purge_expired_personal_data

        from .conftest import submission

        png = SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
        application = SubmitApplicationAction(page, submission(), attachments=[png]).execute()
        stored = Path(application.attachments.get().file.path)
        RegisterApplicationAction(application, staff["editor"]).execute()
        Application.objects.filter(pk=application.pk).update(
            state=ApplicationState.ANSWERED, concluded_on=date(2020, 1, 6)
        )
        settings.APPLICATION_RETENTION_DAYS = 30
        with django_capture_on_commit_callbacks(execute=True):
            assert purge_expired_personal_data() == 1
        assert not ApplicationAttachment.objects.exists() and not stored.exists()


class TestNoPersonalDataInPublicPages:
    def test_no_page_shows_the_applicants_data_after_submission(self, client, page, host, staff):
        application, code = submitted(client, page, host, address=ADDRESS, postcode="242000")
        RegisterApplicationAction(application, staff["editor"]).execute()
        pages = [
            client.get(path_of(page), **host),
            client.get(path_of(page, "apply/"), **host),
            client.get(path_of(page, "receipt/"), **host),
            client.get(path_of(page, "query/"), **host),
            look_up(client, page, host, code, ID_NUMBER[-4:]),
            client.get(page.get_parent().get_url_parts()[2], **host),  # the 政府信息公开 column
        ]
        for response in pages:
            html = text_of(response)
            for secret in ("李四光", ID_NUMBER, PHONE, EMAIL, ADDRESS):
                assert secret not in html

    def test_a_receipt_waits_for_its_own_page(self, client, page, host, portal):
        response = post_application(client, page, host)
        other = application_page_of(portal)
        html = text_of(client.get(path_of(other, "receipt/"), HTTP_HOST=portal.hostname))
        assert "没有可显示的回执" in html
        assert 'id="query-code"' in text_of(client.get(response["Location"], **host))
