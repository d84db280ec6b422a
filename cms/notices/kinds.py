"""The kinds of 告知书 and their wording: the one source of every notice's text.

Each kind's paragraphs are Jinja templates over the variables of ``NoticeContext.variables()``.
The built-in DOCX template (``default_template.py``) writes them into Word paragraphs as they
are, and the PDF renderer (``rendering.py``) renders the same strings, so the two documents
say the same thing. An uploaded DOCX template replaces the DOCX only.

Articles are those of the 《中华人民共和国政府信息公开条例》 as revised in 2019
(国务院令第711号, in force since 2019-05-15).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

REGULATION = "《中华人民共和国政府信息公开条例》"


class NoticeKind(models.TextChoices):
    # Art. 30: an unclear application gets one 补正 notice within 7 working days.
    CORRECTION = "correction", "补正告知书"
    # Art. 33 para. 2: one extension of at most 20 working days, approved by the head of the office.
    EXTENSION = "extension", "延期答复告知书"
    # Art. 32: the third party is asked in writing and has 15 working days to answer.
    THIRD_PARTY = "third_party", "征求第三方意见书"
    # Art. 36 (1) already published: where to find it; (2) may be disclosed: provided.
    ANSWER_DISCLOSE = "answer_disclose", "予以公开告知书"
    # Art. 37: what can be separated is provided, the rest is refused with reasons.
    ANSWER_PARTIAL = "answer_partial", "部分公开告知书"
    # Art. 36 (3) refused with reasons, on the exemptions of Arts. 14, 15, 16.
    ANSWER_REFUSE = "answer_refuse", "不予公开告知书"
    # Art. 36 (4) does not exist, (5) not this agency's to disclose; Art. 38 would need to be
    # produced; Art. 30 still unclear after 补正 — table 3's 无法提供 rows.
    ANSWER_UNAVAILABLE = "answer_unavailable", "无法提供告知书"
    # Art. 36 (6) repeated application; Art. 35 unreasonable volume/frequency; Art. 39 petitions,
    # complaints and reports, public publications — table 3's 不予处理 rows.
    ANSWER_NOT_PROCESSED = "answer_not_processed", "不予处理告知书"


@dataclass(frozen=True)
class KindText:
    title: str  # the heading of the document
    legal_basis: str  # used when the case gives none
    paragraphs: tuple[str, ...]  # Jinja templates, one per body paragraph
    has_remedy: bool  # answers carry the 救济途径 paragraph; procedural notices do not


RECEIVED = "本机关于{{ received_date }}收到您（单位）提出的政府信息公开申请，申请内容为：{{ description }}。"
CONTACT = "{% if contact %}联系人及电话：{{ contact }}{% endif %}"

KIND_TEXTS: dict[str, KindText] = {
    NoticeKind.CORRECTION: KindText(
        title="政府信息公开申请补正告知书",
        legal_basis=f"{REGULATION}第三十条",
        paragraphs=(
            RECEIVED,
            "经审查，您（单位）的申请内容不明确。根据{{ legal_basis }}的规定，"
            "请您（单位）对下列事项作出补正：{{ body }}",
            "请于{% if correction_deadline %}{{ correction_deadline }}前{% else %}合理期限内{% endif %}"
            "向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。"
            "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
            CONTACT,
        ),
        has_remedy=False,
    ),
    NoticeKind.EXTENSION: KindText(
        title="政府信息公开申请延期答复告知书",
        legal_basis=f"{REGULATION}第三十三条第二款",
        paragraphs=(
            RECEIVED,
            "{% if body %}因{{ body }}，{% endif %}本机关不能在"
            "{% if due_date %}{{ due_date }}前{% else %}规定期限内{% endif %}"
            "作出答复。根据{{ legal_basis }}的规定，经本机关政府信息公开工作机构负责人同意，"
            "答复期限延长{{ extension_days }}个工作日，本机关将于{{ extended_due_date }}前作出答复。",
            CONTACT,
        ),
        has_remedy=False,
    ),
    NoticeKind.THIRD_PARTY: KindText(
        title="政府信息公开征求第三方意见书",
        legal_basis=f"{REGULATION}第三十二条",
        paragraphs=(
            "本机关于{{ received_date }}收到政府信息公开申请（{{ case_number }}），申请内容为：{{ description }}。",
            "经审查，该申请所涉政府信息的公开可能损害您（单位）的合法权益。{{ body }}"
            "根据{{ legal_basis }}的规定，现书面征求您（单位）的意见。",
            "请于{% if third_party_deadline %}{{ third_party_deadline }}前"
            "{% else %}收到本意见书之日起15个工作日内{% endif %}"
            "向本机关书面提出是否同意公开的意见；不同意公开的，请说明理由。逾期未提出意见的，"
            "由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。",
            CONTACT,
        ),
        has_remedy=False,
    ),
    NoticeKind.ANSWER_DISCLOSE: KindText(
        title="政府信息公开申请予以公开告知书",
        legal_basis=f"{REGULATION}第三十六条第（一）项、第（二）项",
        paragraphs=(
            RECEIVED,
            "经审查，您（单位）申请公开的政府信息属于可以公开的政府信息。根据{{ legal_basis }}的规定，"
            "本机关决定予以公开。{{ body }}",
            CONTACT,
        ),
        has_remedy=True,
    ),
    NoticeKind.ANSWER_PARTIAL: KindText(
        title="政府信息公开申请部分公开告知书",
        legal_basis=f"{REGULATION}第三十七条",
        paragraphs=(
            RECEIVED,
            "经审查，您（单位）申请公开的信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。"
            "根据{{ legal_basis }}的规定，本机关向您（单位）提供可以公开的政府信息内容，"
            "对不予公开的内容说明理由如下：{{ body }}",
            CONTACT,
        ),
        has_remedy=True,
    ),
    NoticeKind.ANSWER_REFUSE: KindText(
        title="政府信息公开申请不予公开告知书",
        legal_basis=f"{REGULATION}第三十六条第（三）项",
        paragraphs=(
            RECEIVED,
            "经审查，{{ body }}",
            "根据{{ legal_basis }}的规定，本机关决定不予公开。",
            CONTACT,
        ),
        has_remedy=True,
    ),
    NoticeKind.ANSWER_UNAVAILABLE: KindText(
        title="政府信息公开申请无法提供告知书",
        legal_basis=f"{REGULATION}第三十六条第（四）项",
        paragraphs=(
            RECEIVED,
            "经审查，{{ body }}",
            "根据{{ legal_basis }}的规定，本机关无法提供您（单位）申请的政府信息。",
            CONTACT,
        ),
        has_remedy=True,
    ),
    NoticeKind.ANSWER_NOT_PROCESSED: KindText(
        title="政府信息公开申请不予处理告知书",
        legal_basis=f"{REGULATION}第三十六条第（六）项",
        paragraphs=(
            RECEIVED,
            "经审查，{{ body }}",
            "根据{{ legal_basis }}的规定，本机关对该申请不予处理。",
            CONTACT,
        ),
        has_remedy=True,
    ),
}

# The 救济途径 of an answer: 行政复议法 (2023) Art. 20 (60 days), 行政诉讼法 Art. 46 (6 months),
# as 条例 Art. 51 allows. {review_body} is the case's 复议机关.
DEFAULT_REMEDY = (
    "如对本答复不服，可以自收到本告知书之日起60日内向{review_body}申请行政复议，"
    "或者自收到本告知书之日起6个月内向人民法院提起行政诉讼。"
)
DEFAULT_REVIEW_BODY = "本机关的行政复议机关"
REMEDY_PARAGRAPH = "{% if remedy %}{{ remedy }}{% endif %}"
SEAL = "（印章）"
