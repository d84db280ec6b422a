"""The citizen's side of a mailbox: writing a letter, the receipt, the look-up, the public replies, the statistics."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from openpyxl import load_workbook

from cms.letters.actions import AcceptLetterAction, ApproveReplyAction, RejectLetterAction, SubmitReplyAction
from cms.letters.models import Letter, LetterKind, LetterState, MailboxKind, MailboxPage
from cms.letters.public import NOT_FOUND
from cms.letters.public_selectors import monthly_statistics
from core.cache import Scope, invalidate
from tests.accounts.xss_payloads import PAYLOADS
from tests.core.public_form_helpers import fresh_payload

from .conftest import local, mailbox_of, write_letter

PHONE = "13912345678"
EMAIL = "zhangsan@example.com"


def path_of(mailbox, route: str = "") -> str:
    return mailbox.get_url_parts()[2] + route


@pytest.fixture
def mailbox(department):
    return mailbox_of(department)


@pytest.fixture
def host(department):
    return {"HTTP_HOST": department.hostname}


@pytest.fixture
def people(department, make_user):
    return {"editor": make_user(department, "editor"), "reviewer": make_user(department, "reviewer")}


def answer(letter, people, *, make_public=True, reply="您好，请到水阳镇中心小学报名。"):
    AcceptLetterAction(letter, people["editor"]).execute()
    SubmitReplyAction(letter, people["editor"], reply=reply).execute()
    return ApproveReplyAction(letter, people["reviewer"], make_public=make_public).execute()


def letter_data(client, host, **fields) -> dict:
    data = {
        "kind": LetterKind.CONSULT,
        "subject": "关于义务教育阶段学校招生划片的咨询",
        "content": "我家住在水阳镇，孩子今年上小学，\n请问应到哪所学校报名？",
        "name": "张三丰",
        "phone": PHONE,
        "email": EMAIL,
        "wants_public": "1",
        "consented": "on",
        "website": "",
        "altcha": fresh_payload(client, **host),
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def post_letter(client, mailbox, host, **fields):
    return client.post(path_of(mailbox, "write/"), letter_data(client, host, **fields), **host)


def text_of(response) -> str:
    return response.content.decode()


# --- 写信 ------------------------------------------------------------------------------


class TestTheForm:
    def test_offers_the_kinds_of_letters_its_mailbox_takes(self, client, mailbox, host):
        html = text_of(client.get(path_of(mailbox, "write/"), **host))
        for label in ("咨询", "建议", "投诉", "求助", "其他"):
            assert f">{label}</option>" in html
        MailboxPage.objects.filter(pk=mailbox.pk).update(mailbox_kind=MailboxKind.COMPLAINT)
        html = text_of(client.get(path_of(mailbox, "write/"), **host))
        assert ">投诉</option>" in html
        assert ">咨询</option>" not in html and ">建议</option>" not in html

    def test_states_what_is_collected_why_who_reads_it_and_how_long(self, client, mailbox, host, settings):
        settings.LETTER_RETENTION_DAYS = 3 * 365
        html = text_of(client.get(path_of(mailbox, "write/"), **host))
        for words in ("姓名、联系电话和电子邮箱", "仅用于核实、办理和答复", "承办单位", "信息中心", "保存3年"):
            assert words in html
        assert 'name="altcha"' in html and 'name="website"' in html  # the public form's guard

    def test_is_never_stored_by_the_page_cache(self, client, mailbox, host):
        for _ in range(2):
            response = client.get(path_of(mailbox, "write/"), **host)
            assert "X-Page-Cache" not in response
            assert "no-store" in response["Cache-Control"]


class TestWritingALetter:
    def test_a_letter_is_stored_and_its_receipt_shown_once(self, client, mailbox, host):
        response = post_letter(client, mailbox, host)
        assert response.status_code == 302
        assert response["Location"].endswith(path_of(mailbox, "receipt/"))
        letter = Letter.objects.get()
        assert (letter.subject, letter.name, letter.phone, letter.email) == (
            "关于义务教育阶段学校招生划片的咨询",
            "张三丰",
            PHONE,
            EMAIL,
        )
        assert letter.wants_public and letter.consented and letter.mailbox_id == mailbox.pk

        receipt = text_of(client.get(response["Location"], **host))
        assert letter.number in receipt
        code = re.search(r'<output class="query-code" id="query-code">([A-Z0-9-]+)</output>', receipt).group(1)
        assert code not in response["Location"]
        assert f"{letter.due_date:%Y年%-m月%-d日}" in receipt

        again = text_of(client.get(response["Location"], **host))
        assert "已经显示过" in again and letter.number in again
        assert code not in again

    def test_a_submission_takes_no_more_queries_than_it_needs(
        self, client, mailbox, host, django_assert_max_num_queries
    ):
        post_letter(client, mailbox, host, phone="13900000001")  # the session exists, the process's caches are warm
        data = letter_data(client, host, phone="13900000002")
        # Routing 2; the session read 1 and its save 3 (in a savepoint pair); in the letter's transaction
        # (a savepoint pair) its insert, its number, its history row, Wagtail's check of the audit entry's
        # content type and the entry 5. The site, the reply periods and the holiday calendar come from
        # the process, not the database (bench/interaction.py measures the throughput).
        with django_assert_max_num_queries(13):
            response = client.post(path_of(mailbox, "write/"), data, **host)
        assert response.status_code == 302
        assert Letter.objects.filter(phone_tail_digest__isnull=False).count() == 2

    def test_the_personal_data_is_encrypted_in_the_database(self, client, mailbox, host):
        post_letter(client, mailbox, host)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, phone, email FROM letters_letter")
            name, phone, email = cursor.fetchone()
        for raw, plain in ((name, "张三丰"), (phone, PHONE), (email, EMAIL)):
            assert plain not in raw and raw.startswith("gAAAA")  # a Fernet token

    def test_the_citizen_may_refuse_publication(self, client, mailbox, host):
        post_letter(client, mailbox, host, wants_public="0", email="")
        letter = Letter.objects.get()
        assert not letter.wants_public and letter.email == ""

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"kind": ""}, "请选择来信类型。"),
            ({"kind": "bogus"}, "选择一个有效的选项"),
            ({"subject": ""}, "请填写标题。"),
            ({"subject": "题" * 101}, "标题最多 100 个字。"),
            ({"content": "   "}, "请填写来信内容。"),
            ({"content": "字" * 3001}, "来信内容最多 3000 个字。"),
            ({"name": ""}, "请填写姓名。"),
            ({"phone": ""}, "请填写手机号码或联系电话。"),
            ({"phone": "12"}, "请填写正确的手机号码或固定电话"),
            ({"phone": "abc1234567"}, "请填写正确的手机号码或固定电话"),
            ({"email": "not-an-address"}, "请填写正确的电子邮箱地址，或留空。"),
            ({"wants_public": None}, "请选择是否同意公开。"),
            ({"consented": None}, "请阅读并同意个人信息处理说明。"),
            ({"subject": "含\x00控制字符"}, "无法保存的控制字符"),
        ],
    )
    def test_each_invalid_field_is_refused_in_chinese_keeping_what_was_typed(
        self, client, mailbox, host, fields, message
    ):
        typed = {"subject": "我的标题", "content": "我写的内容", "name": "李四", "phone": "0563-1234567"}
        typed.update({k: v for k, v in fields.items() if k in typed})
        response = post_letter(client, mailbox, host, **{**typed, **fields})
        html = text_of(response)
        assert response.status_code == 400
        assert message in html
        assert not Letter.objects.exists()
        for name, value in typed.items():
            if name not in fields and value:
                assert escape(value) in html, name

    def test_a_refusal_of_the_action_is_shown_in_chinese(self, client, mailbox, host):
        mailbox.unpublish()
        # The page is gone for the public: the form is not even reached.
        assert client.get(path_of(mailbox, "write/"), **host).status_code == 404

    def test_the_honeypot_refuses_a_robot(self, client, mailbox, host):
        response = post_letter(client, mailbox, host, website="http://spam.example.com")
        assert response.status_code == 400
        assert "提交未通过校验" in text_of(response)
        assert not Letter.objects.exists()

    def test_a_missing_challenge_is_refused(self, client, mailbox, host):
        response = post_letter(client, mailbox, host, altcha="")
        assert response.status_code == 400
        assert "请等待页面完成安全验证后再提交" in text_of(response)
        assert "我家住在水阳镇" in text_of(response)
        assert not Letter.objects.exists()

    def test_a_replayed_challenge_is_refused(self, client, mailbox, host):
        payload = fresh_payload(client, **host)
        assert post_letter(client, mailbox, host, altcha=payload).status_code == 302
        response = post_letter(client, mailbox, host, altcha=payload, subject="第二封")
        assert response.status_code == 400
        assert "该安全验证已使用过" in text_of(response)
        assert Letter.objects.count() == 1


class TestRateLimits:
    def test_five_letters_an_hour_from_one_address(self, client, mailbox, host):
        for n in range(5):
            assert post_letter(client, mailbox, host, phone=f"1391234{n:04d}").status_code == 302
        response = post_letter(client, mailbox, host, phone="13900000009", subject="第六封来信")
        assert response.status_code == 429
        html = text_of(response)
        assert "提交过于频繁" in html and "第六封来信" in html and "13900000009" in html
        assert Letter.objects.count() == 5

    def test_three_letters_a_day_from_one_phone_whatever_the_address(self, client, mailbox, host):
        for n in range(3):
            address = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
            data = letter_data(client, host)
            assert client.post(path_of(mailbox, "write/"), data, **host, **address).status_code == 302
        data = letter_data(client, host, phone="139-1234-5678", subject="同一个号码的第四封")
        response = client.post(path_of(mailbox, "write/"), data, **host, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 429
        assert "同一个号码的第四封" in text_of(response)
        assert Letter.objects.count() == 3


# --- 办理查询 --------------------------------------------------------------------------


def lookup(client, mailbox, host, code, tail, altcha=None, **extra):
    """办理查询 as the browser posts it: with the solved challenge (``altcha``: another payload)."""
    data = {
        "code": code,
        "phone_tail": tail,
        "website": "",
        "altcha": fresh_payload(client, **host) if altcha is None else altcha,
    }
    return client.post(path_of(mailbox, "query/"), data, **host, **extra)


def neutral(response) -> str:
    """The page without its CSRF token, which differs per response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text_of(response))


class TestTheLookUp:
    def test_the_code_and_the_phone_ending_show_the_status_and_the_reply(self, client, department, people, host):
        letter, code = write_letter(department, name="张三丰")
        response = lookup(client, mailbox_of(department), host, code.lower().replace("-", ""), "5678")
        html = text_of(response)
        assert response.status_code == 200
        assert "待受理" in html and department.site_name in html and letter.number in html
        assert f"{letter.due_date:%Y-%m-%d}" in html
        answer(letter, people)
        html = text_of(lookup(client, mailbox_of(department), host, code, "5678"))
        assert "已答复" in html and "请到水阳镇中心小学报名" in html
        assert "张**" in html
        for secret in ("张三丰", PHONE, "zhangsan@example.com", code):
            assert secret not in html
        assert "no-store" in response["Cache-Control"]

    def test_a_refusal_shows_its_reason(self, client, department, people, host):
        letter, code = write_letter(department)
        RejectLetterAction(letter, people["editor"], reason="属于信访事项，请通过信访渠道反映。").execute()
        html = text_of(lookup(client, mailbox_of(department), host, code, "5678"))
        assert "不予受理" in html and "属于信访事项" in html

    def test_a_reply_waiting_for_review_is_not_shown(self, client, department, people, host):
        letter, code = write_letter(department)
        AcceptLetterAction(letter, people["editor"]).execute()
        SubmitReplyAction(letter, people["editor"], reply="尚未审核的答复").execute()
        html = text_of(lookup(client, mailbox_of(department), host, code, "5678"))
        assert "办理中" in html and "尚未审核的答复" not in html

    def test_a_wrong_code_and_wrong_digits_get_the_same_answer(self, client, department, host):
        _, code = write_letter(department)
        mailbox = mailbox_of(department)
        wrong_code = lookup(client, mailbox, host, "ABCD-EFGH-JKMN", "5678")
        wrong_digits = lookup(client, mailbox, host, code, "0000")
        assert wrong_code.status_code == wrong_digits.status_code == 200
        assert NOT_FOUND in text_of(wrong_code)
        assert neutral(wrong_code) == neutral(wrong_digits)
        assert code not in text_of(wrong_digits)

    def test_a_look_up_without_the_challenge_is_not_made_and_keeps_what_was_typed(self, client, department, host):
        _, code = write_letter(department)
        mailbox = mailbox_of(department)
        for payload, reason in (("", "请等待页面完成安全验证"), ("bm90IG91cnM=", "安全验证数据无效")):
            response = lookup(client, mailbox, host, code, "5678", altcha=payload)
            html = text_of(response)
            assert response.status_code == 400 and reason in html
            assert "待受理" not in html and NOT_FOUND not in html  # nothing was looked up
            assert f'value="{code}"' in html and 'value="5678"' in html
        solved = fresh_payload(client, **host)
        assert "待受理" in text_of(lookup(client, mailbox, host, code, "5678", altcha=solved))
        replayed = lookup(client, mailbox, host, code, "5678", altcha=solved)
        assert replayed.status_code == 400 and "该安全验证已使用过" in text_of(replayed)

    def test_ten_look_ups_per_ten_minutes_from_one_address(self, client, department, host):
        _, code = write_letter(department)
        mailbox = mailbox_of(department)
        for _ in range(10):
            assert lookup(client, mailbox, host, "ABCD-EFGH-JKMN", "1111").status_code == 200
        response = lookup(client, mailbox, host, code, "5678")
        assert response.status_code == 429
        assert "提交过于频繁" in text_of(response) and "已受理" not in text_of(response)
        assert f'value="{code}"' in text_of(response)  # what was typed stays for the retry
        assert lookup(client, mailbox, host, code, "5678", REMOTE_ADDR="10.1.1.1").status_code == 200


# --- the public list and a letter's page ----------------------------------------------


class TestPublicReplies:
    def test_the_list_shows_public_answered_letters_only_without_personal_data(self, client, department, people, host):
        public, _ = write_letter(department, subject="公开答复的来信", name="王小明")
        answer(public, people)
        private, _ = write_letter(department, subject="不公开的来信")
        answer(private, people, make_public=False)
        write_letter(department, subject="尚未答复的来信")

        response = client.get(path_of(mailbox_of(department)), **host)
        html = text_of(response)
        assert "公开答复的来信" in html and "不公开的来信" not in html and "尚未答复的来信" not in html
        assert "王**" in html and "王小明" not in html
        assert PHONE not in html and EMAIL not in html
        assert department.site_name in html and "咨询" in html
        for button in ("我要写信", "办理查询", "统计", "写信须知"):
            assert button in html

    def test_the_list_is_paginated_and_cached_for_anonymous_readers(self, client, department, people, host):
        mailbox = mailbox_of(department)
        for n in range(16):
            letter, _ = write_letter(department, subject=f"第{n}封公开来信")
            answer(letter, people)
        first = text_of(client.get(path_of(mailbox), **host))
        assert "第15封公开来信" in first and "第0封公开来信" not in first and "下一页" in first
        second = client.get(path_of(mailbox) + "?page=2", **host)
        assert "第0封公开来信" in text_of(second) and "上一页" in text_of(second)
        assert client.get(path_of(mailbox) + "?page=2", **host)["X-Page-Cache"] == "hit"
        assert client.get(path_of(mailbox) + "?page=abc", **host).status_code == 200
        assert client.get(path_of(mailbox) + "?page=9", **host).status_code == 404

    def test_a_public_reply_retires_the_cached_list(self, client, department, people, host):
        mailbox = mailbox_of(department)
        client.get(path_of(mailbox), **host)
        assert client.get(path_of(mailbox), **host)["X-Page-Cache"] == "hit"
        letter, _ = write_letter(department, subject="新近答复的来信")
        answer(letter, people)
        assert "新近答复的来信" in text_of(client.get(path_of(mailbox), **host))

    def test_a_letters_page_shows_the_letter_and_its_reply(self, client, department, people, host):
        letter, _ = write_letter(department, name="王小明", content="第一行\n第二行")
        answer(letter, people)
        html = text_of(client.get(path_of(mailbox_of(department), f"{letter.number}/"), **host))
        assert "第一行<br>第二行" in html and "请到水阳镇中心小学报名" in html
        assert "王**" in html and "王小明" not in html and PHONE not in html and EMAIL not in html
        assert department.site_name in html

    def test_a_private_or_unanswered_letter_has_no_page(self, client, department, people, host):
        private, _ = write_letter(department)
        answer(private, people, make_public=False)
        unanswered, _ = write_letter(department)
        refused, _ = write_letter(department)
        RejectLetterAction(refused, people["editor"], reason="不属于本单位职责范围。").execute()
        mailbox = mailbox_of(department)
        for letter in (private, unanswered, refused):
            assert client.get(path_of(mailbox, f"{letter.number}/"), **host).status_code == 404
        assert client.get(path_of(mailbox, "99999999/"), **host).status_code == 404

    def test_a_letter_of_another_mailbox_has_no_page_here(self, client, department, township, people, make_user):
        letter, _ = write_letter(township)
        township_people = {"editor": make_user(township, "editor"), "reviewer": make_user(township, "reviewer")}
        answer(letter, township_people)
        response = client.get(path_of(mailbox_of(department), f"{letter.number}/"), HTTP_HOST=department.hostname)
        assert response.status_code == 404


class TestEscaping:
    def test_every_payload_is_shown_as_text_on_the_letter_page_and_the_look_up(self, client, department, people, host):
        mailbox = mailbox_of(department)
        half = len(PAYLOADS) // 2
        for payloads in (PAYLOADS[:half], PAYLOADS[half:]):  # a letter holds at most 3,000 characters
            joined = "\n".join(payloads)
            letter, code = write_letter(department, content=joined, name=payloads[0], subject="XSS")
            answer(letter, people, reply=joined)
            lookup_html = text_of(lookup(client, mailbox, host, code, "5678"))
            page_html = text_of(client.get(path_of(mailbox, f"{letter.number}/"), **host))
            for payload in payloads:
                if escape(payload) == payload:
                    continue  # nothing markup in it (javascript:…): shown as it is, harmlessly
                for html in (lookup_html, page_html):
                    assert escape(payload) in html
                    if not payload.startswith("&"):  # "&lt;script&gt;…" is also what "<script>…" becomes
                        assert payload not in html

    @pytest.mark.parametrize("payload", [p for p in PAYLOADS if escape(p) != p and len(p) <= 100])
    def test_a_payload_as_the_subject_is_text_on_the_list_and_the_letter_page(
        self, client, department, people, host, payload
    ):
        letter, _ = write_letter(department, subject=payload)
        answer(letter, people)
        mailbox = mailbox_of(department)
        for path in (path_of(mailbox), path_of(mailbox, f"{letter.number}/")):
            html = text_of(client.get(path, **host))
            assert payload not in html and escape(payload) in html


# --- 统计 ------------------------------------------------------------------------------


def closed_on(letter, when, *, state=None):
    """Move a letter's closing to ``when`` (the actions stamp the present)."""
    fields = {"closed_at": when}
    if letter.state == LetterState.REPLIED:
        fields["replied_at"] = when
    Letter.objects.filter(pk=letter.pk).update(**fields)


class TestStatistics:
    @pytest.fixture
    def national_day(self, department, portal, people):
        """Letters around 国庆 2026 (1–7 October off; Saturday 10 October a make-up working day)."""
        # Received Tue 29 Sept, a consultation (2 working days: due Thu 8 Oct), answered on the
        # make-up Saturday 10 Oct: 30 Sept, 8, 9, 10 Oct = 4 working days, late; public.
        a, _ = write_letter(department, received_at=local(2026, 9, 29), kind=LetterKind.CONSULT)
        answer(a, people)
        closed_on(a, local(2026, 10, 10, 15))
        # Received Wed 30 Sept, a suggestion (5: due Tue 13 Oct), answered Thu 8 Oct: 1 working day; not public.
        b, _ = write_letter(department, received_at=local(2026, 9, 30), kind=LetterKind.SUGGESTION)
        answer(b, people, make_public=False)
        closed_on(b, local(2026, 10, 8, 11))
        # Received Fri 25 Sept, refused Mon 28 Sept: 1 working day, on time.
        c, _ = write_letter(department, received_at=local(2026, 9, 25), kind=LetterKind.COMPLAINT)
        RejectLetterAction(c, people["editor"], reason="属于诉讼程序中的事项。").execute()
        closed_on(c, local(2026, 9, 28, 9))
        # Received during the holiday, still open.
        write_letter(department, received_at=local(2026, 10, 3))
        # Another site's letter: not counted.
        write_letter(portal, received_at=local(2026, 9, 29))
        # Received Tue 30 Dec 2025, answered Tue 6 Jan 2026 (1–3 Jan off, Sunday 4 Jan a make-up day):
        # 31 Dec, 4, 5, 6 Jan = 4 working days, on time (due 7 Jan); public. 收到 in 2025, 办结 in 2026.
        d, _ = write_letter(department, received_at=local(2025, 12, 30), kind=LetterKind.SUGGESTION)
        answer(d, people)
        closed_on(d, local(2026, 1, 6, 10))
        return a, b, c, d

    def test_monthly_figures_across_the_national_day_holiday(self, department, national_day):
        figures = monthly_statistics(department, 2026)
        january, september, october = figures.months[0], figures.months[8], figures.months[9]
        assert (september.received, september.closed, september.closed_on_time) == (3, 1, 1)
        assert september.average_working_days == 1.0 and september.public_replies == 0
        assert (october.received, october.closed, october.closed_on_time) == (1, 2, 1)
        assert october.average_working_days == 2.5 and october.public_replies == 1
        assert (january.received, january.closed, january.closed_on_time) == (0, 1, 1)
        assert january.average_working_days == 4.0 and january.public_replies == 1
        assert [m.received for m in figures.months].count(0) == 10
        total = figures.total
        assert (total.received, total.closed, total.closed_on_time, total.public_replies) == (4, 4, 3, 2)
        assert total.average_working_days == (4 + 1 + 1 + 4) / 4
        assert dict(figures.annual_report()) == {
            "收到留言数量": 4,
            "办结留言数量": 4,
            "平均办理时间（工作日）": 2.5,
            "公开答复数量": 2,
        }
        last_year = monthly_statistics(department, 2025)
        assert (last_year.total.received, last_year.total.closed, last_year.total.average_working_days) == (1, 0, None)

    def test_the_page_and_the_download(self, client, department, national_day, host):
        mailbox = mailbox_of(department)
        response = client.get(path_of(mailbox, "stats/") + "?year=2026", **host)
        html = text_of(response)
        for label in ("收到留言数量", "办结留言数量", "平均办理时间", "公开答复数量", "按期办结", "平均办理工作日"):
            assert label in html
        assert "<td>4.0</td>" in html and "<td>2.5</td>" in html
        download = client.get(path_of(mailbox, "stats/xlsx/") + "?year=2026", **host)
        assert download["Content-Disposition"] == 'attachment; filename="letters-2026.xlsx"'
        assert "no-store" in download["Cache-Control"]
        rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
        assert rows[0] == ("月份", "收到", "办结", "按期办结", "平均办理工作日", "公开答复")
        assert rows[10] == ("10月", 1, 2, 1, 2.5, 1)
        assert rows[13] == ("全年", 4, 4, 3, 2.5, 2)
        cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
        assert "收到留言数量" in cells
        assert "张三" not in cells and PHONE not in cells and "关于义务教育" not in cells

    def test_a_year_out_of_range_falls_back_to_this_year(self, client, department, host):
        response = client.get(path_of(mailbox_of(department), "stats/") + "?year=1900x", **host)
        assert response.status_code == 200
        assert f"{date.today().year}年逐月统计" in text_of(response)


# --- query counts ----------------------------------------------------------------------


def queries_of(client, path, host) -> int:
    """Queries of rendering ``path`` with the site's facts cached, as in production (but not the page)."""
    client.get(path, **host)
    invalidate(Scope.PAGES)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **host)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    return len(captured)


def test_the_list_and_the_statistics_take_as_many_queries_for_more_letters(
    client, department, people, host, django_assert_max_num_queries
):
    mailbox = mailbox_of(department)
    year = date.today().year

    def add(n):
        for _ in range(n):
            letter, _ = write_letter(department)
            answer(letter, people)

    add(2)
    paths = [path_of(mailbox), path_of(mailbox, f"stats/?year={year}")]
    few = [queries_of(client, path, host) for path in paths]
    add(20)
    invalidate(Scope.PAGES)
    with django_assert_max_num_queries(15):
        assert client.get(path_of(mailbox) + "?page=2", **host).status_code == 200
    many = [queries_of(client, path, host) for path in paths]
    assert few == many
    print(f"queries: list {many[0]}, statistics {many[1]}")
