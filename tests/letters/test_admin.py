"""来信办理 in the admin: each unit sees only its letters, every step through a real POST, the
dashboard's panels (the info center's 60-day guard in red), and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.letters.actions import AcceptLetterAction, SubmitReplyAction
from cms.letters.models import Letter, LetterKind, LetterState, ReplyDeadline
from cms.letters.panels import InfoCenterLettersPanel, UnitLettersPanel
from cms.letters.selectors import VETO_GUARD_TEXT, overdue_summary, veto_guard_letters

from .conftest import write_letter

S = LetterState
INDEX = reverse("letters_admin:index")


def detail(letter) -> str:
    return reverse("letters_admin:detail", args=[letter.pk])


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def staff(department, township, portal, make_user):
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "other_editor": make_user(township, "editor"),
        "dispatcher": make_user(None, "信息中心"),
    }


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, letter, **data):
    return client.post(detail(letter), data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class TestIsolation:
    def test_the_list_shows_only_the_units_own_letters(self, client, department, township, staff):
        own, _ = write_letter(department, subject="教育局的来信")
        other, _ = write_letter(township, subject="水阳镇的来信")
        response = as_user(client, staff["editor"]).get(INDEX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "教育局的来信" in html and own.number in html
        assert "水阳镇的来信" not in html and other.number not in html

    def test_another_units_letter_and_a_guessed_number_are_the_same_404(self, client, department, township, staff):
        other, _ = write_letter(township)
        as_user(client, staff["editor"])
        assert client.get(detail(other)).status_code == 404
        assert client.get(reverse("letters_admin:detail", args=[other.pk + 1000])).status_code == 404
        assert client.get(reverse("letters_admin:detail", args=[10**15])).status_code == 404
        # Nor can it be acted on.
        assert post(client, other, action="accept").status_code == 404
        assert Letter.objects.get(pk=other.pk).state == S.PENDING

    def test_the_unit_sees_the_citizens_contact_details_on_the_letter(self, client, department, staff):
        letter, _ = write_letter(department)
        html = as_user(client, staff["editor"]).get(detail(letter)).content.decode()
        assert "张三" in html and "13912345678" in html and "zhangsan@example.com" in html

    def test_someone_without_a_unit_is_refused_the_list(self, client, department, make_user):
        auditor = make_user(None, "审计管理员")
        response = as_user(client, auditor).get(INDEX)
        assert response.status_code in (302, 403)
        assert "来信办理" not in as_user(client, auditor).get("/admin/").content.decode()

    def test_the_dispatcher_sees_every_letter_and_the_pending_dispatch_tab(self, client, department, portal, staff):
        write_letter(department, subject="教育局的来信")
        queued, _ = write_letter(portal, subject="门户网站的来信")
        assert queued.unit_id is None
        as_user(client, staff["dispatcher"])
        html = client.get(INDEX).content.decode()
        assert "教育局的来信" in html and "门户网站的来信" in html and "待分办" in html
        tab = client.get(INDEX + "?tab=dispatch").content.decode()
        assert "门户网站的来信" in tab and "教育局的来信" not in tab
        # The dispatcher's 承办单位 filter; a unit's editor cannot use it to look elsewhere.
        by_unit = client.get(INDEX + f"?unit={department.pk}").content.decode()
        assert "教育局的来信" in by_unit and "门户网站的来信" not in by_unit


class TestListFilters:
    def test_filters_by_state_kind_deadline_and_search(self, client, department, staff):
        late, _ = write_letter(department, subject="一封超期的咨询", received_at=days_ago(20))
        fresh, _ = write_letter(department, subject="一封新的建议", kind=LetterKind.SUGGESTION)
        AcceptLetterAction(fresh, staff["editor"]).execute()
        as_user(client, staff["editor"])

        def shown(query: str) -> set[str]:
            html = client.get(INDEX + query).content.decode()
            return {s for s in ("一封超期的咨询", "一封新的建议") if s in html}

        assert shown("?due=overdue") == {"一封超期的咨询"}
        assert shown("?state=accepted") == {"一封新的建议"}
        assert shown("?kind=suggestion") == {"一封新的建议"}
        assert shown(f"?q={late.number}") == {"一封超期的咨询"}
        assert shown("?q=新的建议") == {"一封新的建议"}
        # Junk in a link shows the whole list, never a 500.
        assert shown("?state=bogus&kind=x&due=x&p=abc&unit=99999999999999") == {"一封超期的咨询", "一封新的建议"}

    def test_the_clock_is_said_in_words_as_well_as_colour(self, client, department, staff):
        write_letter(department, subject="一封超期的咨询", received_at=days_ago(20))
        html = as_user(client, staff["editor"]).get(INDEX).content.decode()
        assert "letter-clock--overdue" in html and "超期：已超期" in html

    def test_the_list_runs_the_same_number_of_queries_with_more_letters_and_units(
        self, client, department, township, portal, make_site, staff
    ):
        as_user(client, staff["dispatcher"])
        write_letter(department, received_at=days_ago(3))
        write_letter(portal)
        client.get(INDEX)  # warm the session and the user's permission cache
        with CaptureQueriesContext(connection) as few:
            assert client.get(INDEX).status_code == 200
        extra = [make_site(f"u{n}.example.gov.cn", name=f"测试单位{n}") for n in range(2)]
        for n, site in enumerate([department, township, *extra] * 3):
            write_letter(site, received_at=days_ago(n * 7))
        with CaptureQueriesContext(connection) as many:
            assert client.get(INDEX).status_code == 200
        assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


class TestHandlingThroughTheAdmin:
    def test_only_the_steps_the_user_may_take_are_offered(self, client, department, staff):
        letter, _ = write_letter(department)
        html = as_user(client, staff["editor"]).get(detail(letter)).content.decode()
        for form in ("action-accept", "action-reject", "action-transfer", "action-return-to-dispatcher"):
            assert f'id="{form}"' in html
        for form in ("action-approve", "action-return-reply", "action-reply", "action-extend"):
            assert f'id="{form}"' not in html  # not in this state, or not this role's (延期: reviewer/leader)
        assert 'id="action-extend"' in as_user(client, staff["reviewer"]).get(detail(letter)).content.decode()

    def test_accept_reply_submit_and_approve_public(self, client, department, staff):
        letter, _ = write_letter(department, received_at=days_ago(0))
        as_user(client, staff["editor"])
        response = post(client, letter, action="accept", is_complex="on")
        assert response.status_code == 302 and response.url == detail(letter)
        letter.refresh_from_db()
        assert letter.state == S.ACCEPTED and letter.is_complex
        response = client.get(detail(letter))
        assert f"来信 {letter.number}：已受理。" in messages_of(response)

        post(client, letter, action="save_reply", reply="草稿")
        assert Letter.objects.get(pk=letter.pk).state == S.IN_PROGRESS
        assert "草稿" in client.get(detail(letter)).content.decode()
        post(client, letter, action="submit_reply", reply="您好，请到水阳镇中心小学报名。")
        assert Letter.objects.get(pk=letter.pk).state == S.IN_REVIEW

        as_user(client, staff["reviewer"])
        html = client.get(detail(letter)).content.decode()
        assert 'name="make_public"' in html and 'name="confirm_findings"' not in html
        post(client, letter, action="approve_reply", make_public="on")
        letter.refresh_from_db()
        assert letter.state == S.REPLIED and letter.is_public
        assert [e.user_id for e in letter.events.all()][1:] == [staff["editor"].pk] * 3 + [staff["reviewer"].pk]

    def test_a_refused_step_says_why_on_the_same_page_and_keeps_the_text(self, client, department, staff):
        letter, _ = write_letter(department)
        as_user(client, staff["editor"])
        response = post(client, letter, action="reject", reason="否")
        assert response.status_code == 200
        html = response.content.decode()
        assert "请填写不予受理的理由（至少4个字）。" in html
        assert ">否</textarea>" in html
        assert Letter.objects.get(pk=letter.pk).state == S.PENDING

    def test_the_editor_cannot_approve_and_the_author_cannot_approve_their_own_reply(self, client, department, staff):
        letter, _ = write_letter(department)
        AcceptLetterAction(letter, staff["editor"]).execute()
        SubmitReplyAction(letter, staff["editor"], reply="答复").execute()
        as_user(client, staff["editor"])
        assert 'id="action-approve"' not in client.get(detail(letter)).content.decode()
        response = post(client, letter, action="approve_reply")
        assert "您无权办理这封来信。" in response.content.decode()

        # The reviewer sends it back, then rewrites it: now the reviewer is its author.
        as_user(client, staff["reviewer"])
        post(client, letter, action="return_reply", reason="请补充学校的联系电话")
        assert Letter.objects.get(pk=letter.pk).state == S.IN_PROGRESS
        post(client, letter, action="submit_reply", reply="您好，电话是 0563-1234567。")
        assert 'id="action-approve"' not in client.get(detail(letter)).content.decode()
        response = post(client, letter, action="approve_reply")
        assert "不能审核自己拟写的答复" in response.content.decode()
        as_user(client, staff["leader"])
        post(client, letter, action="approve_reply")
        letter.refresh_from_db()
        assert letter.state == S.REPLIED and not letter.is_public

    def test_findings_are_highlighted_and_must_be_confirmed_before_publication(self, client, department, staff):
        from cms.workflow.models import Severity
        from cms.workflow.services import seed_word_lists

        seed_word_lists(sensitive=[("法轮功", "political", Severity.WARN)])
        letter, _ = write_letter(department, content="有人在学校门口散发法轮功传单。")
        assert letter.findings
        AcceptLetterAction(letter, staff["editor"]).execute()
        SubmitReplyAction(letter, staff["editor"], reply="已转公安机关处理。").execute()
        as_user(client, staff["reviewer"])
        html = client.get(detail(letter)).content.decode()
        assert "<mark>法轮功</mark>" in html and 'name="confirm_findings"' in html
        response = post(client, letter, action="approve_reply", make_public="on")
        assert "公开前请确认已阅读自动检查发现的问题" in response.content.decode()
        post(client, letter, action="approve_reply", make_public="on", confirm_findings="on")
        assert Letter.objects.get(pk=letter.pk).is_public

    def test_bad_input_is_a_message_never_a_500(self, client, department, staff):
        letter, _ = write_letter(department)
        as_user(client, staff["reviewer"])
        for data, message in (
            ({"action": "extend", "working_days": "abc", "reason": "需要会商"}, "延期天数应为 1 至"),
            ({"action": "extend", "working_days": "999", "reason": "需要会商"}, "延期天数应为 1 至"),
            ({"action": "transfer", "to_unit": "99999", "reason": "不属本单位"}, "承办单位不存在。"),
            ({"action": "transfer", "to_unit": "x" * 30, "reason": "不属本单位"}, "承办单位不存在。"),
            ({"action": "explode"}, "未知的操作"),
        ):
            response = post(client, letter, **data)
            assert response.status_code == 200 and message in response.content.decode(), data
        assert 'value="abc"' not in response.content.decode()  # the last form's values only
        letter.refresh_from_db()
        assert letter.state == S.PENDING and letter.extension_days == 0

    def test_extend_once(self, client, department, staff):
        letter, _ = write_letter(department)
        due = letter.due_date
        as_user(client, staff["reviewer"])
        post(client, letter, action="extend", working_days="3", reason="需要多部门会商")
        letter.refresh_from_db()
        assert letter.extension_days == 3 and letter.due_date > due
        html = client.get(detail(letter)).content.decode()
        assert "已延期3个工作日：需要多部门会商" in html and 'id="action-extend"' not in html
        response = post(client, letter, action="extend", working_days="2", reason="还需要时间")
        assert "已经延期过一次" in response.content.decode()

    def test_a_stale_page_is_refused_by_the_actions_own_check(self, client, department, staff):
        letter, _ = write_letter(department)
        as_user(client, staff["editor"])
        client.get(detail(letter))
        AcceptLetterAction(letter, staff["leader"]).execute()  # someone else was faster
        response = post(client, letter, action="accept")
        assert response.status_code == 200
        assert "来信当前为“已受理”，不能受理。" in response.content.decode()

    def test_transfer_hands_the_letter_away_and_the_dispatcher_dispatches_it(
        self, client, department, township, portal, staff
    ):
        letter, _ = write_letter(department)
        as_user(client, staff["editor"])
        response = post(client, letter, action="transfer", to_unit=str(township.pk), reason="属于水阳镇的事项")
        assert response.status_code == 302 and response.url == INDEX  # out of the editor's reach now
        assert client.get(detail(letter)).status_code == 404
        letter.refresh_from_db()
        assert letter.unit_id == township.pk

        as_user(client, staff["other_editor"])
        post(client, letter, action="return_to_dispatcher", reason="不属于本镇职责")
        letter.refresh_from_db()
        assert letter.unit_id is None and letter.state == S.PENDING

        as_user(client, staff["dispatcher"])
        html = client.get(detail(letter)).content.decode()
        assert 'id="action-transfer"' in html and 'id="action-accept"' not in html
        assert department.site_name in html
        post(client, letter, action="transfer", to_unit=str(department.pk), reason="请教育局办理")
        letter.refresh_from_db()
        assert letter.unit_id == department.pk
        history = client.get(detail(letter)).content.decode()
        assert "待分办 → 宣州区教育局" in history and "属于水阳镇的事项" in history


class TestDashboard:
    def test_a_unit_sees_its_counts_and_its_overdue_letters(self, client, department, township, staff):
        write_letter(department, subject="一封超期的咨询", received_at=days_ago(20))
        write_letter(township, subject="水阳镇的超期来信", received_at=days_ago(20))
        html = as_user(client, staff["editor"]).get("/admin/").content.decode()
        assert 'id="letters-unit' in html
        assert "一封超期的咨询" in html and "已超期 1 件" in html and "待受理 1 件" in html
        assert "水阳镇的超期来信" not in html
        assert "letters-info-center" not in html

    def test_the_info_center_sees_the_60_day_guard_in_red_with_the_unit(self, client, department, portal, staff):
        old, _ = write_letter(department, subject="一封两个多月的来信", received_at=days_ago(70))
        queued, _ = write_letter(portal, subject="一封待分办的老来信", received_at=days_ago(65))
        write_letter(department, subject="一封新来信")
        html = as_user(client, staff["dispatcher"]).get("/admin/").content.decode()
        assert VETO_GUARD_TEXT in html and "超过60天未办结（满3个月将导致网站检查单项否决）" in html
        guard = html[html.index("letters-guard") :]
        assert "一封两个多月的来信" in guard and "一封待分办的老来信" in guard and "一封新来信" not in guard
        assert "letter-guard-row" in guard and department.site_name in guard and "待分办" in guard
        assert [letter.pk for letter in veto_guard_letters()] == [old.pk, queued.pk]

    def test_the_panels_run_a_constant_number_of_queries(self, department, township, make_site, staff):
        def count(panel) -> int:
            with CaptureQueriesContext(connection) as queries:
                panel.get_context_data({})
            return len(queries)

        write_letter(department, received_at=days_ago(70))
        write_letter(township, received_at=days_ago(5))
        unit_panel, center_panel = UnitLettersPanel(staff["editor"]), InfoCenterLettersPanel()
        count(unit_panel)  # the user's units, cached on the user
        few = (count(unit_panel), count(center_panel), _count(overdue_summary))
        extra = [make_site(f"p{n}.example.gov.cn", name=f"面板单位{n}") for n in range(2)]
        for n, site in enumerate([department, township, *extra] * 3):
            write_letter(site, received_at=days_ago(n * 9))
        many = (count(unit_panel), count(center_panel), _count(overdue_summary))
        assert many == few
        assert few[1] <= 4 and few[2] <= 2  # the measured figures (see docs/interaction.md)


def _count(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


class TestReplyDeadlines:
    def test_the_info_center_lists_and_edits_the_periods_but_adds_or_deletes_none(self, client, staff):
        as_user(client, staff["dispatcher"])
        index = client.get(reverse("letters_replydeadline:index"))
        assert index.status_code == 200 and "涉及多部门的复杂事项" in index.content.decode()
        consult = ReplyDeadline.objects.get(key=LetterKind.CONSULT)
        url = reverse("letters_replydeadline:edit", args=[consult.pk])
        response = client.post(url, {"working_days": "3"})
        assert response.status_code == 302
        assert ReplyDeadline.objects.get(pk=consult.pk).working_days == 3
        assert client.get(reverse("letters_replydeadline:add")).status_code != 200
        assert client.get(reverse("letters_replydeadline:delete", args=[consult.pk])).status_code != 200
        assert ReplyDeadline.objects.filter(pk=consult.pk).exists()

    def test_a_unit_cannot_change_them(self, client, staff):
        consult = ReplyDeadline.objects.get(key=LetterKind.CONSULT)
        as_user(client, staff["leader"])
        response = client.get(reverse("letters_replydeadline:edit", args=[consult.pk]))
        assert response.status_code != 200
