"""What a notice says about its case: a plain dataclass, so any caller (the 依申请公开 case,
a test, the bench) can fill one without this app knowing where the facts come from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .kinds import DEFAULT_REMEDY, DEFAULT_REVIEW_BODY, KIND_TEXTS, SEAL, NoticeKind


def chinese_date(value: datetime.date | None) -> str:
    """2026年12月2日 (no leading zeros, as official documents write dates)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass
class NoticeContext:
    organisation: str  # 行政机关名称, signs the notice
    case_number: str  # e.g. 宣教依申〔2026〕3号
    applicant_name: str
    received_date: datetime.date  # Art. 31: the date of receipt the clock starts from
    description: str  # 申请内容
    notice_date: datetime.date
    legal_basis: str = ""  # empty: the kind's own article (kinds.KIND_TEXTS)
    body: str = ""  # the answer text, the reasons, or what to correct
    due_date: datetime.date | None = None
    extension_days: int | None = None
    extended_due_date: datetime.date | None = None
    third_party_name: str = ""
    third_party_deadline: datetime.date | None = None
    correction_deadline: datetime.date | None = None
    review_body: str = ""  # 复议机关, e.g. 宣城市宣州区人民政府
    remedy: str = ""  # empty: DEFAULT_REMEDY naming review_body
    contact: str = ""  # 联系人及电话

    def variables(self, kind: str) -> dict[str, str]:
        """The template variables, every one a string (dates in Chinese form), for both the
        DOCX template and the PDF. An uploaded template may use any of these names."""
        text = KIND_TEXTS[kind]
        remedy = ""
        if text.has_remedy:
            remedy = self.remedy or DEFAULT_REMEDY.format(review_body=self.review_body or DEFAULT_REVIEW_BODY)
        return {
            "title": text.title,
            "kind": NoticeKind(kind).label,
            "organisation": self.organisation,
            "case_number": self.case_number,
            "applicant_name": self.applicant_name,
            # Who the notice is addressed to: the third party for Art. 32, else the applicant.
            "addressee": self.third_party_name if kind == NoticeKind.THIRD_PARTY else self.applicant_name,
            "received_date": chinese_date(self.received_date),
            # The wording adds its own full stop.
            "description": self.description.strip().rstrip("。；;.，, "),
            "notice_date": chinese_date(self.notice_date),
            "legal_basis": self.legal_basis.strip() or text.legal_basis,
            "body": self.body.strip(),
            "due_date": chinese_date(self.due_date),
            "extension_days": "" if self.extension_days is None else str(self.extension_days),
            "extended_due_date": chinese_date(self.extended_due_date),
            "third_party_name": self.third_party_name,
            "third_party_deadline": chinese_date(self.third_party_deadline),
            "correction_deadline": chinese_date(self.correction_deadline),
            "review_body": self.review_body,
            "remedy": remedy,
            "contact": self.contact,
            "seal": SEAL,
        }


def sample_context() -> NoticeContext:
    """A complete example: validates uploaded templates and fills the admin's preview."""
    return NoticeContext(
        organisation="宣城市宣州区教育体育局",
        case_number="宣教依申〔2026〕3号",
        applicant_name="张三",
        received_date=datetime.date(2026, 11, 2),
        description="2026年度区属中小学校舍维修项目的招标文件及中标结果",
        notice_date=datetime.date(2026, 12, 2),
        body="您申请的招标文件已在本机关门户网站“政府信息公开—招标采购”栏目公开。",
        due_date=datetime.date(2026, 11, 30),
        extension_days=20,
        extended_due_date=datetime.date(2026, 12, 28),
        third_party_name="宣城市某建筑工程有限公司",
        third_party_deadline=datetime.date(2026, 12, 23),
        correction_deadline=datetime.date(2026, 12, 16),
        review_body="宣城市宣州区人民政府",
        contact="李四 0563-1234567",
    )
