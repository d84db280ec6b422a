"""Demo 依申请公开 cases: every state across two departments (jyj, wjw) and a township (shuiyang),
one overdue, one extended, one with a third-party consultation — all through the real actions,
backdated with their ``on=`` dates, by the sites' demo users (``{key}_editor`` …, demo/loader.py).

Idempotent: a site that already has applications gets none.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page, Site

from cms.disclosure.working_days import add_working_days

from .actions import (
    ApplicationSubmission,
    ApproveAnswerAction,
    ConsultThirdPartyAction,
    DeliverAction,
    DraftAnswerAction,
    EndConsultationAction,
    ExtendAnswerAction,
    LapseCorrectionAction,
    ReceiveCorrectionAction,
    RegisterApplicationAction,
    RequestCorrectionAction,
    SubmitApplicationAction,
    WithdrawApplicationAction,
)
from .clock import today
from .legal_basis import default_legal_basis
from .models import ApplicantType, Application, ApplicationPage, DeliveryForm, DeliveryMeans, IdDocumentType, Outcome
from .pages import disclosure_column

DEMO_KEYS = ("jyj", "wjw", "shuiyang")

# What citizens and firms ask each kind of office for (realistic, invented applicants).
REQUESTS: dict[str, list[str]] = {
    "jyj": [
        "宣州区2025年义务教育阶段学校招生划片范围及依据文件",
        "2024年度宣州区教师招聘考试的成绩排名及拟录用人员名单",
        "宣州区某某小学2024年校舍维修工程的招标文件和中标结果",
        "2025年宣州区学前教育普惠性民办幼儿园奖补资金分配表",
        "宣州区教育局关于校外培训机构专项治理的工作方案（2024年）",
        "宣州区2024年度学生资助资金发放情况汇总表",
        "宣州区第二中学新校区建设项目的立项批复文件",
        "宣州区2023年至2025年中小学布局调整规划",
        "宣州区教育局2024年部门预算和决算公开表",
        "宣州区乡村教师生活补助发放标准及依据",
    ],
    "wjw": [
        "宣州区2024年度医疗机构执业许可证核发名单",
        "宣州区某某诊所2024年被行政处罚的决定书",
        "宣州区2025年基本公共卫生服务项目资金分配方案",
        "宣州区人民医院新院区建设项目环境影响评价相关文件",
        "宣州区2024年度家庭医生签约服务考核结果",
    ],
    "shuiyang": [
        "水阳镇2024年度城乡低保对象名单及保障金额公示",
        "水阳镇某某村2024年村级集体经济收支明细",
        "水阳镇圩堤加固工程（2024年）的征地补偿标准及补偿名单",
        "水阳镇2025年农村人居环境整治项目实施方案",
    ],
}
ANSWERS = {
    Outcome.DISCLOSED: "经审查，您申请的信息属于可以公开的政府信息，现以电子文档形式提供给您，请查收附件。",
    Outcome.PARTLY_DISCLOSED: "经审查，您申请的信息中涉及个人信息的部分不予公开，其余部分现提供给您。",
    Outcome.NOT_HELD: "经检索，本机关未制作或获取您申请的信息，该信息可能由区发展和改革委员会掌握。",
    Outcome.PROCESS_INFORMATION: "您申请的信息属于行政机关在履行职责过程中形成的讨论记录，依法不予公开。",
}


def _back(working_days: int) -> date:
    """A day about ``working_days`` working days before today."""
    day = today() - timedelta(days=working_days)
    while add_working_days(day, working_days) > today():
        day -= timedelta(days=1)
    return day


def _user(key: str, role: str):
    return get_user_model().objects.filter(username=f"{key}_{role}").first()


def _submit(site: Site, description: str, on: date, n: int) -> Application:
    page = Page.objects.child_of(disclosure_column(site)).type(ApplicationPage).first().specific
    company = n % 3 == 2
    submission = ApplicationSubmission(
        applicant_type=ApplicantType.COMMERCIAL if company else ApplicantType.NATURAL_PERSON,
        name="宣城市某某信息咨询有限公司" if company else ["张明", "李红梅", "王建国", "陈晓"][n % 4],
        contact_person="赵经理" if company else "",
        id_type=IdDocumentType.CREDIT_CODE if company else IdDocumentType.RESIDENT_ID,
        id_number="91341802MA2N000X0C" if company else f"3418021980010{n:04d}X",
        phone=f"1395563{n:04d}",
        email=f"applicant{n}@example.com",
        address="安徽省宣城市宣州区鳌峰街道某某路1号",
        description=description,
        purpose="了解相关政策" if n % 2 else "",
        delivery_form=DeliveryForm.ELECTRONIC,
        delivery_means=DeliveryMeans.EMAIL,
        consented=True,
    )
    at = timezone.make_aware(datetime.combine(on, datetime.min.time().replace(hour=9, minute=n % 60)))
    return SubmitApplicationAction(page, submission, submitted_at=at).execute()


def _answer(case, editor, reviewer, outcome, on: date, deliver: bool):
    DraftAnswerAction(
        case, editor, outcome=outcome, legal_basis=default_legal_basis(outcome), answer=ANSWERS[outcome], on=on
    ).execute()
    case = ApproveAnswerAction(case, reviewer, on=on).execute()
    if deliver:
        case = DeliverAction(case, editor, means=DeliveryMeans.EMAIL, delivered_on=on, on=on).execute()
    return case


def _department_cases(site: Site, key: str) -> int:
    editor, reviewer, leader = _user(key, "editor"), _user(key, "reviewer"), _user(key, "leader")
    texts = iter(REQUESTS[key])
    n = 0

    def new(days_ago: int) -> Application:
        nonlocal n
        n += 1
        return _submit(site, next(texts), _back(days_ago), n)

    def register(days_ago: int) -> Application:
        return RegisterApplicationAction(new(days_ago), editor, on=_back(days_ago)).execute()

    # Answered and delivered; answered (not yet delivered).
    _answer(register(30), editor, reviewer, Outcome.DISCLOSED, _back(15), deliver=True)
    _answer(register(28), editor, reviewer, Outcome.PARTLY_DISCLOSED, _back(10), deliver=key == "wjw")
    new(0)  # 待登记
    if key == "wjw":
        _answer(register(26), editor, reviewer, Outcome.NOT_HELD, _back(8), deliver=True)
        in_review = register(6)
        DraftAnswerAction(
            in_review,
            editor,
            outcome=Outcome.PROCESS_INFORMATION,
            legal_basis=default_legal_basis(Outcome.PROCESS_INFORMATION),
            answer=ANSWERS[Outcome.PROCESS_INFORMATION],
        ).execute()
        return n
    # jyj: the clock's every turn.
    correction = register(3)
    RequestCorrectionAction(correction, editor, items="请写明所需文件的年份、名称或文号", on=_back(2)).execute()
    lapsed = register(40)
    RequestCorrectionAction(lapsed, editor, items="请写明工程项目的具体名称", working_days=10, on=_back(38)).execute()
    LapseCorrectionAction(lapsed, editor, on=_back(20)).execute()
    consulted = register(12)
    ConsultThirdPartyAction(consulted, editor, third_party="宣城市某某建设工程有限公司", on=_back(5)).execute()
    register(25)  # overdue: received 25 working days ago, no answer
    extended = register(24)
    ExtendAnswerAction(
        extended, leader, working_days=15, reason="所需信息涉及多个学校，需汇总整理", on=_back(5)
    ).execute()
    register(1)  # 办理中, fresh
    withdrawn = register(9)
    WithdrawApplicationAction(
        withdrawn, editor, note="申请人来电表示已通过其他途径获取，撤回申请", on=_back(7)
    ).execute()
    return n


def _township_cases(site: Site, key: str) -> int:
    editor, reviewer = _user(key, "editor"), _user(key, "reviewer")
    texts = REQUESTS[key]
    done = RegisterApplicationAction(_submit(site, texts[0], _back(20), 1), editor, on=_back(20)).execute()
    _answer(done, editor, reviewer, Outcome.PARTLY_DISCLOSED, _back(12), deliver=True)
    corrected = RegisterApplicationAction(_submit(site, texts[1], _back(10), 2), editor, on=_back(10)).execute()
    RequestCorrectionAction(corrected, editor, items="请说明所指的村名", on=_back(9)).execute()
    ReceiveCorrectionAction(corrected, None, text="水阳镇新河村", by_applicant=True, on=_back(6)).execute()
    consulted = RegisterApplicationAction(_submit(site, texts[2], _back(8), 3), editor, on=_back(8)).execute()
    ConsultThirdPartyAction(consulted, editor, third_party="水阳镇新河村村民委员会", on=_back(6)).execute()
    EndConsultationAction(consulted, editor, opinion="同意公开补偿标准，不同意公开个人补偿金额", on=_back(2)).execute()
    _submit(site, texts[3], today(), 4)
    return 4


def load_applications_demo(sites: dict[str, Site]) -> int:
    """Applications for the demo's jyj, wjw and shuiyang that have none yet; returns how many were made."""
    made = 0
    for key in DEMO_KEYS:
        site = sites.get(key)
        if site is None or Application.objects.filter(site=site).exists() or _user(key, "editor") is None:
            continue
        made += _township_cases(site, key) if key == "shuiyang" else _department_cases(site, key)
    return made
