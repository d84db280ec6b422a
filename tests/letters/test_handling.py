"""Handling a letter: every allowed and refused step, who may take it, and the history it leaves."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from cms.letters.actions import (
    TRANSITIONS,
    AcceptLetterAction,
    ApproveReplyAction,
    ExtendDeadlineAction,
    RejectLetterAction,
    ReturnReplyAction,
    ReturnToDispatcherAction,
    SaveReplyAction,
    SubmitReplyAction,
    TransferLetterAction,
    find_letter,
)
from cms.letters.errors import LetterError
from cms.letters.models import Letter, LetterState

from .conftest import mailbox_of, write_letter

S = LetterState


@pytest.fixture
def people(department, township, portal, make_user):
    return {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "leader": make_user(department, "leader"),
        "other_editor": make_user(township, "editor"),
        "other_reviewer": make_user(township, "reviewer"),
        "dispatcher": make_user(None, "信息中心"),
    }


def reply_and_approve(letter, people, *, make_public=True):
    AcceptLetterAction(letter, people["editor"]).execute()
    SubmitReplyAction(letter, people["editor"], reply="您好，请到水阳镇中心小学报名。").execute()
    return ApproveReplyAction(letter, people["reviewer"], make_public=make_public).execute()


class TestTheWholeWay:
    def test_a_letter_goes_from_pending_to_a_public_reply(self, department, people):
        letter, _ = write_letter(department)
        assert letter.state == S.PENDING and letter.unit_id == department.pk
        assert letter.number.endswith(f"{letter.pk:06d}")

        AcceptLetterAction(letter, people["editor"]).execute()
        SaveReplyAction(letter, people["editor"], reply="草稿").execute()
        assert Letter.objects.get(pk=letter.pk).state == S.IN_PROGRESS
        SubmitReplyAction(letter, people["editor"], reply="您好，请到水阳镇中心小学报名。").execute()
        assert Letter.objects.get(pk=letter.pk).state == S.IN_REVIEW
        letter = ApproveReplyAction(letter, people["reviewer"], make_public=True).execute()

        assert letter.state == S.REPLIED and letter.is_public
        assert letter.replying_unit_id == department.pk and letter.replied_at and letter.closed_at
        history = list(letter.events.values_list("action", "to_state"))
        assert history == [
            ("submit", S.PENDING),
            ("accept", S.ACCEPTED),
            ("save_reply", S.IN_PROGRESS),
            ("submit_reply", S.IN_REVIEW),
            ("approve_reply", S.REPLIED),
        ]
        logged = ModelLogEntry.objects.filter(object_id=str(letter.pk), action__startswith="letters.").order_by(
            "timestamp", "pk"
        )
        assert [entry.action for entry in logged] == [f"letters.{a}" for a, _ in history]
        assert [entry.user_id for entry in logged][1:] == [people["editor"].pk] * 3 + [people["reviewer"].pk]
        assert "张三" not in "".join(entry.label for entry in logged)  # the audit log names the letter, not the citizen

    def test_the_reviewer_may_send_the_reply_back(self, department, people):
        letter, _ = write_letter(department)
        AcceptLetterAction(letter, people["editor"]).execute()
        SubmitReplyAction(letter, people["editor"], reply="答复").execute()
        ReturnReplyAction(letter, people["reviewer"], reason="请写明报名时间").execute()
        letter.refresh_from_db()
        assert letter.state == S.IN_PROGRESS
        assert letter.events.last().note == "请写明报名时间"

    def test_refusing_needs_a_reason_and_stops_the_clock(self, department, people):
        letter, _ = write_letter(department)
        with pytest.raises(LetterError, match="不予受理的理由"):
            RejectLetterAction(letter, people["editor"], reason=" ").execute()
        RejectLetterAction(letter, people["editor"], reason="属于信访事项，请通过信访渠道反映").execute()
        letter.refresh_from_db()
        assert letter.state == S.REJECTED and letter.closed_at and letter.is_closed


class TestRefusedTransitions:
    """Every action from every state it may not start from is refused, and changes nothing."""

    @pytest.mark.parametrize("state", S.values)
    def test_each_action_only_from_its_states(self, department, people, state):
        letter, _ = write_letter(department)
        Letter.objects.filter(pk=letter.pk).update(state=state, reply="答复", reply_drafted_by=people["editor"])
        letter.refresh_from_db()
        actions = {
            "accept": lambda: AcceptLetterAction(letter, people["editor"]),
            "reject": lambda: RejectLetterAction(letter, people["editor"], reason="不属于本单位职责"),
            "save_reply": lambda: SaveReplyAction(letter, people["editor"], reply="答复"),
            "submit_reply": lambda: SubmitReplyAction(letter, people["editor"], reply="答复"),
            "approve_reply": lambda: ApproveReplyAction(letter, people["reviewer"], make_public=False),
            "return_reply": lambda: ReturnReplyAction(letter, people["reviewer"], reason="重写"),
            "return_to_dispatcher": lambda: ReturnToDispatcherAction(letter, people["editor"], reason="非本单位"),
            "extend": lambda: ExtendDeadlineAction(letter, people["reviewer"], working_days=3, reason="需要实地核查"),
        }
        assert set(actions) | {"transfer"} == set(TRANSITIONS)
        for name, make in actions.items():
            allowed_from = TRANSITIONS[name][0]
            events = letter.events.count()
            if state in allowed_from:
                make().check()
            else:
                with pytest.raises(LetterError, match="不能"):
                    make().execute()
                assert letter.events.count() == events
                assert Letter.objects.get(pk=letter.pk).state == state

    def test_nobody_approves_their_own_reply(self, department, people):
        letter, _ = write_letter(department)
        AcceptLetterAction(letter, people["reviewer"]).execute()
        SubmitReplyAction(letter, people["reviewer"], reply="答复").execute()
        with pytest.raises(LetterError, match="不能审核自己拟写的答复"):
            ApproveReplyAction(letter, people["reviewer"], make_public=False).execute()
        ApproveReplyAction(letter, people["leader"], make_public=False).execute()

    def test_an_editor_cannot_approve(self, department, people):
        letter, _ = write_letter(department)
        AcceptLetterAction(letter, people["editor"]).execute()
        SubmitReplyAction(letter, people["editor"], reply="答复").execute()
        with pytest.raises(LetterError, match="无权"):
            ApproveReplyAction(letter, make_user_editor := people["editor"], make_public=False).execute()
        assert make_user_editor.pk == people["editor"].pk

    def test_a_letter_the_citizen_kept_private_is_never_made_public(self, department, people):
        letter, _ = write_letter(department, wants_public=False)
        AcceptLetterAction(letter, people["editor"]).execute()
        SubmitReplyAction(letter, people["editor"], reply="答复").execute()
        with pytest.raises(LetterError, match="未同意公开"):
            ApproveReplyAction(letter, people["reviewer"], make_public=True).execute()
        letter = ApproveReplyAction(letter, people["reviewer"], make_public=False).execute()
        assert letter.state == S.REPLIED and not letter.is_public


class TestIsolation:
    def test_another_unit_neither_handles_nor_approves(self, department, people):
        letter, _ = write_letter(department)
        for action in (
            AcceptLetterAction(letter, people["other_editor"]),
            RejectLetterAction(letter, people["other_editor"], reason="不属于本单位职责"),
            TransferLetterAction(letter, people["other_editor"], to_unit=people["other_editor"].pk, reason="转"),
        ):
            with pytest.raises(LetterError, match="无权"):
                action.execute()
        AcceptLetterAction(letter, people["editor"]).execute()
        SubmitReplyAction(letter, people["editor"], reply="答复").execute()
        with pytest.raises(LetterError, match="无权"):
            ApproveReplyAction(letter, people["other_reviewer"], make_public=False).execute()
        assert Letter.objects.get(pk=letter.pk).state == S.IN_REVIEW


class TestDispatchAndTransfer:
    def test_the_portal_mailbox_waits_for_the_dispatcher(self, portal, department, people):
        letter, _ = write_letter(mailbox_of(portal))
        assert letter.unit_id is None and letter.site_id == portal.pk
        with pytest.raises(LetterError, match="无权"):
            AcceptLetterAction(letter, people["editor"]).execute()
        with pytest.raises(LetterError, match="尚未分办"):
            AcceptLetterAction(letter, people["dispatcher"]).execute()
        TransferLetterAction(letter, people["dispatcher"], to_unit=department, reason="属教育局职责").execute()
        letter.refresh_from_db()
        assert letter.unit_id == department.pk and letter.state == S.PENDING
        AcceptLetterAction(letter, people["editor"]).execute()

    def test_transfer_keeps_the_clock_and_the_history(self, department, township, people):
        letter, _ = write_letter(department)
        due = letter.due_date
        AcceptLetterAction(letter, people["editor"]).execute()
        TransferLetterAction(letter, people["editor"], to_unit=township, reason="属水阳镇职责").execute()
        letter.refresh_from_db()
        assert (letter.unit_id, letter.state, letter.due_date) == (township.pk, S.PENDING, due)
        transfer = letter.events.get(action="transfer")
        assert (transfer.from_unit_id, transfer.to_unit_id, transfer.user_id) == (
            department.pk,
            township.pk,
            people["editor"].pk,
        )
        assert letter.events.count() == 3  # submit, accept, transfer: nothing lost
        with pytest.raises(LetterError, match="无权"):
            AcceptLetterAction(letter, people["editor"]).execute()  # no longer the department's
        AcceptLetterAction(letter, people["other_editor"]).execute()

    def test_transfer_to_the_same_unit_or_a_closed_site_is_refused(self, department, people, make_site):
        from sites.models import SiteProfile, SiteStatus

        letter, _ = write_letter(department)
        with pytest.raises(LetterError, match="已在该单位"):
            TransferLetterAction(letter, people["editor"], to_unit=department, reason="转办").execute()
        closed = make_site("closed.example.gov.cn", name="已关停单位")
        SiteProfile.objects.filter(site=closed).update(status=SiteStatus.CLOSED, closure_notice="撤并")
        with pytest.raises(LetterError, match="已关停"):
            TransferLetterAction(letter, people["editor"], to_unit=closed, reason="转办").execute()

    def test_a_unit_hands_a_letter_back_to_the_dispatcher(self, department, people):
        letter, _ = write_letter(department)
        ReturnToDispatcherAction(letter, people["editor"], reason="不属于本单位职责").execute()
        letter.refresh_from_db()
        assert letter.unit_id is None and letter.state == S.PENDING
        with pytest.raises(LetterError, match="无权"):
            AcceptLetterAction(letter, people["editor"]).execute()


class TestExtension:
    def test_once_with_a_reason_within_the_limit(self, department, people):
        letter, _ = write_letter(department)
        due = letter.due_date
        with pytest.raises(LetterError, match="无权"):
            ExtendDeadlineAction(letter, people["editor"], working_days=3, reason="需要实地核查").execute()
        with pytest.raises(LetterError, match="1 至 15"):
            ExtendDeadlineAction(letter, people["reviewer"], working_days=16, reason="需要实地核查").execute()
        with pytest.raises(LetterError, match="延期理由"):
            ExtendDeadlineAction(letter, people["reviewer"], working_days=3, reason="").execute()
        letter = ExtendDeadlineAction(letter, people["reviewer"], working_days=3, reason="需要实地核查").execute()
        assert letter.due_date > due and letter.extension_reason == "需要实地核查"
        with pytest.raises(LetterError, match="已经延期过一次"):
            ExtendDeadlineAction(letter, people["dispatcher"], working_days=1, reason="再次延期理由").execute()


class TestQueryCode:
    def test_code_and_phone_tail_find_the_letter_and_nothing_else_does(self, department, people):
        letter, code = write_letter(department, phone="139-1234-5678")
        assert find_letter(code, "5678") == letter
        assert find_letter(code.lower().replace("-", ""), "5678") == letter
        assert find_letter(code, "5679") is None
        _, other_code = write_letter(department, phone="13800000000")
        assert find_letter(other_code, "5678") is None
        assert find_letter("", "5678") is None
        assert code not in str(Letter.objects.filter(pk=letter.pk).values().get())  # stored only as a digest
