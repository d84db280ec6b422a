"""Demo letters: every site's 领导信箱 with answered public letters and letters in every state.

Written and handled through the real actions by the sites' demo accounts; only the
dates are moved into the past afterwards, so the lists, the clocks and the statistics
look like a mailbox that has been in use for two months (one letter overdue, one
transferred, one waiting at the info center).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page, Site

from .actions import (
    AcceptLetterAction,
    ApproveReplyAction,
    LetterSubmission,
    RejectLetterAction,
    SaveReplyAction,
    SubmitLetterAction,
    SubmitReplyAction,
    TransferLetterAction,
)
from .mailboxes import interaction_column
from .models import Letter, LetterEvent, LetterKind, MailboxPage

# (kind, subject, content, reply): what citizens of a county actually write about.
ANSWERED = {
    "portal": [
        (
            LetterKind.CONSULT,
            "关于城区老旧小区改造申报条件的咨询",
            "我居住的小区建于1998年，楼道破损、管网老化，请问申请纳入老旧小区改造需要满足什么条件，由谁申报？",
            "您好！根据我区城镇老旧小区改造工作方案，2000年底前建成、基础设施老化的住宅小区可纳入改造范围。"
            "申报由小区所在街道（乡镇）会同社区组织居民意愿征询后统一上报区住房和城乡建设局，"
            "请与所在社区联系。感谢您的关注！",
        ),
        (
            LetterKind.SUGGESTION,
            "建议在区政务服务中心增设午间不打烊窗口",
            "上班族只有中午有空办事，但政务服务中心中午休息，建议设置午间服务窗口。",
            "您好！您的建议很好。区政务服务中心已于本月起在综合受理区设置“午间不打烊”窗口，"
            "工作日12:00—14:30提供户籍、社保、不动产登记等高频事项服务。欢迎监督。",
        ),
    ],
    "township": [
        (
            LetterKind.HELP,
            "村组道路路灯损坏多日无人维修",
            "我村通往集镇的道路有六盏路灯损坏已近一个月，夜间出行很不安全，希望尽快维修。",
            "您好！接到来信后，镇规划建设办公室已于次日现场核查，损坏的6盏路灯已全部更换并恢复照明。"
            "今后如发现类似问题，也可拨打镇便民服务中心电话反映。",
        ),
        (
            LetterKind.CONSULT,
            "城乡居民医疗保险缴费时间和方式",
            "请问明年的城乡居民医保什么时候开始缴费？老人不会用手机，可以到哪里缴？",
            "您好！2027年度城乡居民基本医疗保险集中缴费期为今年9月至12月。"
            "不会使用手机的老人可由家人代缴，或到镇便民服务中心、各村便民服务代办点现场缴费。",
        ),
    ],
    "department": [
        (
            LetterKind.CONSULT,
            "小学一年级新生入学报名需要哪些材料",
            "孩子明年上小学，户口在城区，房子是租的，请问报名需要准备哪些材料？",
            "您好！适龄儿童入学报名需提供户口簿、监护人身份证明；租房居住的还需提供居住证和经备案的租赁合同。"
            "具体招生划片范围和报名时间将在每年6月通过本网站“通知公告”栏目发布，请留意。",
        ),
        (
            LetterKind.SUGGESTION,
            "建议延长学校课后服务时间",
            "双职工家庭下班较晚，建议学校课后服务延长到18:00，并增加兴趣类课程。",
            "您好！感谢您的建议。我局已指导各校根据家长需求将课后服务结束时间调整为不早于当地正常下班时间，"
            "并鼓励学校引进体育、艺术、科普类课程。具体安排请关注所在学校通知。",
        ),
    ],
}
PENDING = (LetterKind.COMPLAINT, "校外培训机构退费难", "孩子报的培训班停课后机构一直不退费，请问应向哪个部门投诉？")
IN_REVIEW = (LetterKind.CONSULT, "教师资格认定的时间安排", "请问今年下半年中小学教师资格认定什么时候开始受理？")
OVERDUE = (
    LetterKind.CONSULT,
    "学生资助政策如何申请",
    "家庭经济困难，孩子在读高中，请问国家助学金怎么申请？",
)
REJECTED = (
    LetterKind.OTHER,
    "反映邻里纠纷",
    "邻居长期占用楼道堆放杂物，多次协商无果。",
    "您好！邻里纠纷属于民间纠纷，建议向所在社区人民调解委员会申请调解，或通过诉讼途径解决。",
)
DISPATCH = (
    LetterKind.SUGGESTION,
    "建议增加学校周边上下学时段的交通疏导",
    "城区几所小学门口上下学时段拥堵严重，建议增派交警和志愿者疏导。",
)
WAITING = (LetterKind.CONSULT, "区政务服务中心周末是否办公", "请问区政务服务中心周六能办理营业执照吗？")

CITIZENS = [("王建国", "13905630001"), ("李秀英", "13805630002"), ("陈志强", "13705630003"), ("刘芳", "13605630004")]


def _mailbox(site: Site) -> MailboxPage | None:
    column = interaction_column(site)
    if column is None:
        return None
    page = Page.objects.child_of(column).type(MailboxPage).first()
    return page.specific if page else None


def _person(site: Site, role: str):
    return get_user_model().objects.filter(groups__site_role__site=site, groups__site_role__role=role).first()


def _write(mailbox: MailboxPage, kind, subject, content, *, n: int, days_ago: int) -> Letter:
    name, phone = CITIZENS[n % len(CITIZENS)]
    received = timezone.now() - timedelta(days=days_ago)
    return SubmitLetterAction(
        mailbox,
        LetterSubmission(kind, subject, content, name, phone, wants_public=True, consented=True),
        received_at=received,
    ).execute()


def _backdate(letter: Letter, closed_days_ago: int | None) -> None:
    """Spread the letter's history between its arrival and its closing, as it would have happened."""
    start = letter.received_at
    end = timezone.now() - timedelta(days=closed_days_ago) if closed_days_ago is not None else timezone.now()
    events = list(letter.events.order_by("at", "pk"))
    step = (end - start) / max(len(events) - 1, 1)
    for i, event in enumerate(events):
        LetterEvent.objects.filter(pk=event.pk).update(at=start + step * i)
    if closed_days_ago is not None:
        updates = {"closed_at": end}
        if letter.replied_at:
            updates["replied_at"] = end
        Letter.objects.filter(pk=letter.pk).update(accepted_at=start + step, **updates)


def load_letters_demo(sites: dict[str, Site]) -> int:
    """Letters for every demo site that has none yet; returns how many were written."""
    written = 0
    portal = sites.get("portal")
    for key, site in sites.items():
        mailbox = _mailbox(site)
        if mailbox is None or Letter.objects.filter(site=site).exists():
            continue
        site_type = site.profile.site_type
        editor, reviewer = _person(site, "editor"), _person(site, "reviewer")
        if editor is None or reviewer is None:
            continue
        dispatcher = get_user_model().objects.filter(is_superuser=True).first()
        for n, (kind, subject, content, reply) in enumerate(ANSWERED[site_type]):
            letter = _write(mailbox, kind, subject, content, n=n, days_ago=40 - 12 * n)
            if letter.unit_id is None:
                TransferLetterAction(letter, dispatcher, to_unit=site, reason="由门户网站承办").execute()
            AcceptLetterAction(letter, editor).execute()
            SubmitReplyAction(letter, editor, reply=reply).execute()
            letter = ApproveReplyAction(letter, reviewer, make_public=True).execute()
            _backdate(letter, closed_days_ago=38 - 12 * n)
            written += 1
        if key == "portal":
            waiting = _write(mailbox, *WAITING, n=2, days_ago=1)
            _backdate(waiting, None)
            written += 1
            continue
        if site_type == "department" and key == "jyj":
            _write(mailbox, *PENDING, n=3, days_ago=0)
            letter = _write(mailbox, *IN_REVIEW, n=1, days_ago=2)
            AcceptLetterAction(letter, editor).execute()
            SubmitReplyAction(
                letter, editor, reply="您好！今年下半年教师资格认定预计11月开始网上受理，具体以公告为准。"
            ).execute()
            _backdate(letter, None)
            overdue = _write(mailbox, *OVERDUE, n=2, days_ago=12)
            AcceptLetterAction(overdue, editor).execute()
            SaveReplyAction(
                overdue,
                editor,
                reply="您好！普通高中国家助学金由学生所在学校每学期组织申请，请向班主任提交申请表和家庭经济困难情况说明。",
            ).execute()
            _backdate(overdue, None)
            rejected = _write(mailbox, *REJECTED[:3], n=0, days_ago=20)
            RejectLetterAction(rejected, editor, reason=REJECTED[3]).execute()
            _backdate(rejected, closed_days_ago=19)
            written += 4
            if portal is not None and (portal_box := _mailbox(portal)) is not None:
                transferred = _write(portal_box, *DISPATCH, n=1, days_ago=3)
                TransferLetterAction(
                    transferred, dispatcher, to_unit=site, reason="涉及学校周边管理，转区教育局会同交警部门办理"
                ).execute()
                AcceptLetterAction(transferred, editor, is_complex=True).execute()
                _backdate(transferred, None)
                written += 1
    return written
