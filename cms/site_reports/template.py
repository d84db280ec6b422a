"""The 政府网站工作年度报表 template (国办函〔2018〕12号《政府网站发展指引》, 附件“政府网站工作年度报表”):
every row under the template's own labels, whether the system computes it or the site's
admin enters it, and the validation of what is entered.

One table (``FIELDS``) drives the admin form, the generated page, the XLSX and the tests:
a row is *computed* (``source`` names where the system reads it; ``cms.site_reports.figures``),
*entered* (``source`` empty), or *computed, else entered* (``fallback``: a site fact the
site profile may not hold yet, e.g. the ICP number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone


class Kind:
    COUNT = "count"  # a whole number ≥ 0
    AMOUNT = "amount"  # ≥ 0, two decimals (the template counts users and cases in 万)
    AVERAGE = "average"  # computed only: one decimal
    YES_NO = "yes_no"
    TEXT = "text"
    DATE = "date"
    PHONE = "phone"


@dataclass(frozen=True)
class Field:
    key: str
    section: str  # the template's section (信息发布 …); "" for the rows above the first section
    label: str
    kind: str
    source: str = ""  # where the system reads it; empty: entered by the site's admin
    group: str = ""  # the template's sub-heading inside a section (留言办理, 微博 …)
    fallback: bool = False  # computed when the system holds it, else entered
    required: bool = True  # for entered rows: must be filled before the page is generated
    help: str = ""

    @property
    def computed(self) -> bool:
        return bool(self.source) and not self.fallback

    @property
    def entered(self) -> bool:
        return not self.source or self.fallback

    @property
    def full_label(self) -> str:
        return "·".join(part for part in (self.section, self.group, self.label) if part)


C, A, YN, T = Kind.COUNT, Kind.AMOUNT, Kind.YES_NO, Kind.TEXT
VISITS = "访问统计"
ITEMS = "本网站当年发布的信息（发布时间在本年度、公众可见）"
LETTERS = "互动交流·留言办理统计（与信箱统计页同一口径）"
CONSULTATIONS = "意见征集"

FIELDS: tuple[Field, ...] = (
    Field("site_name", "", "网站名称", T, "站群管理·站点名称"),
    Field("home_url", "", "首页网址", T, "站群管理·站点地址"),
    Field("sponsor", "", "主办单位", T, "站点档案·主办单位"),
    Field("site_kind", "", "网站类型", T, "站点类型：门户网站、乡镇/街道子站为政府门户网站，部门子站为部门网站"),
    Field("site_id_code", "", "政府网站标识码", T, "站点档案·网站标识码"),
    Field("icp_number", "", "ICP备案编号", T, "站点档案·ICP备案号", fallback=True),
    Field("police_record_number", "", "公安机关备案号", T, "站点档案·公安机关备案号", fallback=True),
    Field(
        "unique_visitors", "", "独立用户访问总量（单位：个）", C, f"{VISITS}：全年每日独立访客之和（一人一天计一次）"
    ),
    Field("total_visits", "", "网站总访问量（单位：次）", C, f"{VISITS}：全年浏览量"),
    Field("info_total", "信息发布（单位：条）", "总数", C, ITEMS),
    Field(
        "info_overview", "信息发布（单位：条）", "概况类信息更新量", C, f"{ITEMS}，在概况栏目（乡镇概况、部门概况）中"
    ),
    Field("info_news", "信息发布（单位：条）", "政务动态信息更新量", C, f"{ITEMS}，在新闻动态类栏目中"),
    Field("info_catalogue", "信息发布（单位：条）", "信息公开目录信息更新量", C, f"{ITEMS}，纳入政府信息公开目录"),
    Field(
        "topics_maintained",
        "专栏专题",
        "维护数量（单位：个）",
        C,
        "专题专栏类栏目（不含概况栏目和本报表栏目），本年度末已开设",
    ),
    Field("topics_new", "专栏专题", "新开设数量（单位：个）", C, "专题专栏类栏目，首次发布在本年度"),
    Field(
        "interpretations_total", "解读回应", "总数（单位：条）", C, "解读材料、解读产品与媒体评论之和", "解读信息发布"
    ),
    Field(
        "interpretation_materials",
        "解读回应",
        "其中：解读材料数量（单位：条）",
        C,
        "本年度发布的政策解读",
        "解读信息发布",
    ),
    Field(
        "interpretation_products",
        "解读回应",
        "其中：解读产品数量（单位：个）",
        C,
        group="解读信息发布",
        help="图解、音视频、动漫等解读产品。",
    ),
    Field("media_comments", "解读回应", "其中：媒体评论数量（单位：篇）", C, group="解读信息发布"),
    Field("hot_responses", "解读回应", "回应公众关注热点或重大舆情数量（单位：次）", C),
    Field("service_catalogue", "办事服务", "是否发布服务事项目录", YN),
    Field("registered_users", "办事服务", "注册用户数（单位：万）", A),
    Field("service_items", "办事服务", "政务服务事项数量（单位：项）", C),
    Field("online_service_items", "办事服务", "可全程在线办理政务服务事项数量（单位：项）", C),
    Field("cases_total", "办事服务", "总数", A, group="办件量（单位：万件）"),
    Field("cases_natural", "办事服务", "自然人办件量", A, group="办件量（单位：万件）"),
    Field("cases_legal", "办事服务", "法人办件量", A, group="办件量（单位：万件）"),
    Field("unified_platform", "互动交流", "是否使用统一平台", YN),
    Field("letters_received", "互动交流", "收到留言数量（单位：条）", C, f"{LETTERS}：本年度收到", "留言办理"),
    Field("letters_closed", "互动交流", "办结留言数量（单位：条）", C, f"{LETTERS}：本年度办结", "留言办理"),
    Field(
        "letters_average_days",
        "互动交流",
        "平均办理时间（单位：天）",
        Kind.AVERAGE,
        f"{LETTERS}：本年度办结留言的平均办理工作日",
        "留言办理",
    ),
    Field("letters_public", "互动交流", "公开答复数量（单位：条）", C, f"{LETTERS}：本年度公开答复", "留言办理"),
    Field("consultations", "互动交流", "征集调查期数（单位：期）", C, f"{CONSULTATIONS}：本年度开始的征集", "征集调查"),
    Field(
        "consultation_comments",
        "互动交流",
        "收到意见数量（单位：条）",
        C,
        f"{CONSULTATIONS}：这些征集收到的意见（已反馈的取反馈中的收到意见数，否则为网上意见数）",
        "征集调查",
    ),
    Field(
        "consultation_results",
        "互动交流",
        "公布调查结果期数（单位：期）",
        C,
        f"{CONSULTATIONS}：本年度发布征集结果反馈的征集",
        "征集调查",
    ),
    Field("interviews", "互动交流", "访谈期数（单位：期）", C, group="在线访谈"),
    Field("interview_questions", "互动交流", "网民留言数量（单位：条）", C, group="在线访谈"),
    Field("interview_answers", "互动交流", "答复网民提问数量（单位：条）", C, group="在线访谈"),
    Field("smart_qa", "互动交流", "是否提供智能问答", YN),
    Field("security_assessments", "安全防护", "安全检测评估次数（单位：次）", C),
    Field("security_issues", "安全防护", "发现问题数量（单位：个）", C),
    Field("security_fixed", "安全防护", "问题整改数量（单位：个）", C),
    Field("security_monitoring", "安全防护", "是否建立安全监测预警机制", YN),
    Field("emergency_drills", "安全防护", "是否开展应急演练", YN),
    Field("security_officer", "安全防护", "是否明确网站安全负责人", YN),
    Field("has_new_media", "移动新媒体", "是否有移动新媒体", YN),
    Field("weibo_name", "移动新媒体", "名称", T, group="微博", required=False),
    Field("weibo_posts", "移动新媒体", "信息发布量（单位：条）", C, group="微博", required=False),
    Field("weibo_followers", "移动新媒体", "关注量（单位：个）", C, group="微博", required=False),
    Field("wechat_name", "移动新媒体", "名称", T, group="微信", required=False),
    Field("wechat_posts", "移动新媒体", "信息发布量（单位：条）", C, group="微信", required=False),
    Field("wechat_subscribers", "移动新媒体", "订阅数（单位：个）", C, group="微信", required=False),
    Field(
        "new_media_other", "移动新媒体", "其他", T, required=False, help="其他移动新媒体的名称，如政务客户端、小程序。"
    ),
    Field("innovation_search", "创新发展", "搜索即服务", YN),
    Field("innovation_multilingual", "创新发展", "多语言版本", YN),
    Field("innovation_accessible", "创新发展", "无障碍浏览", YN),
    Field("innovation_personalised", "创新发展", "千人千网", YN),
    Field("innovation_other", "创新发展", "其他", T, required=False),
    Field("unit_name", "填报信息", "单位名称", T),
    Field("principal", "填报信息", "负责人", T),
    Field("reviewer", "填报信息", "审核人", T),
    Field("filler", "填报信息", "填报人", T),
    Field("contact_phone", "填报信息", "联系电话", Kind.PHONE),
    Field("filled_on", "填报信息", "填报日期", Kind.DATE),
)
FIELD_BY_KEY: dict[str, Field] = {field.key: field for field in FIELDS}
ENTERED_FIELDS: tuple[Field, ...] = tuple(field for field in FIELDS if field.entered)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(field.section for field in FIELDS))

# What the form offers before anything is entered. 无障碍浏览 is 是 for every site: every theme
# is built and checked for GB/T 37668-2019 / WCAG 2.1 AA (axe-core in the browser tests) and
# has the 适老化 reading mode (docs/themes.md); the site's admin may still change it.
DEFAULTS: dict[str, object] = {"innovation_accessible": True}

PHONE = re.compile(r"^[0-9０-９()（）\-－—+＋ 转]{7,40}$")
TEXT_MAX_LENGTH = 200
AMOUNT_MAX = Decimal("99999999.99")


def _messages(field: Field) -> dict[str, str]:
    label = field.full_label
    return {
        "required": f"请填写“{label}”。",
        "invalid": f"“{label}”格式不正确。",
        "invalid_choice": f"请选择“{label}”：是或否。",
        "min_value": f"“{label}”不能小于0。",
        "max_value": f"“{label}”超出范围。",
        "max_digits": f"“{label}”超出范围。",
        "max_decimal_places": f"“{label}”最多保留两位小数。",
        "max_length": f"“{label}”最多{TEXT_MAX_LENGTH}个字。",
    }


def form_field(field: Field) -> forms.Field:
    """The form field of an entered row; never required here (``missing`` names what a
    generated page still lacks), so a site's admin can save what they know so far."""
    common = dict(label=field.label, required=False, help_text=field.help, error_messages=_messages(field))
    if field.kind == Kind.COUNT:
        return forms.IntegerField(min_value=0, max_value=2**62, **common)
    if field.kind == Kind.AMOUNT:
        return forms.DecimalField(min_value=0, max_value=AMOUNT_MAX, max_digits=10, decimal_places=2, **common)
    if field.kind == Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", "未填写"), ("yes", "是"), ("no", "否")],
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if field.kind == Kind.DATE:
        return forms.DateField(**common)
    return forms.CharField(max_length=TEXT_MAX_LENGTH, **common)


class EnteredValuesForm(forms.Form):
    """The rows a site's admin enters, validated alone and against each other (Chinese messages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ENTERED_FIELDS:
            self.fields[field.key] = form_field(field)

    def clean_contact_phone(self):
        value = (self.cleaned_data.get("contact_phone") or "").strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError("联系电话格式不正确，请填写如 0563-3021234 的号码。")
        return value

    def clean_filled_on(self):
        value = self.cleaned_data.get("filled_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("填报日期不能晚于今天。")
        return value

    def clean(self):
        data = super().clean()
        for key, value in list(data.items()):
            if isinstance(value, str):
                data[key] = value.strip()
        self._at_most("security_fixed", "security_issues", "问题整改数量不能大于发现问题数量。")
        self._at_most(
            "online_service_items", "service_items", "可全程在线办理政务服务事项数量不能大于政务服务事项数量。"
        )
        self._at_most("interview_answers", "interview_questions", "答复网民提问数量不能大于网民留言数量。")
        total, natural, legal = (data.get(k) for k in ("cases_total", "cases_natural", "cases_legal"))
        if None not in (total, natural, legal) and natural + legal != total:
            self.add_error("cases_total", "办件量总数应等于自然人办件量与法人办件量之和。")
        media = [k for k in NEW_MEDIA_KEYS if data.get(k) not in (None, "")]
        if data.get("has_new_media") is False and media:
            self.add_error("has_new_media", "选择“没有移动新媒体”时，请不要填写微博、微信和其他移动新媒体。")
        if data.get("has_new_media") and not any(data.get(k) for k in ("weibo_name", "wechat_name", "new_media_other")):
            self.add_error("has_new_media", "有移动新媒体时，请至少填写微博、微信或其他移动新媒体的名称。")
        return data

    def _at_most(self, smaller: str, larger: str, message: str) -> None:
        a, b = self.cleaned_data.get(smaller), self.cleaned_data.get(larger)
        if a is not None and b is not None and a > b:
            self.add_error(smaller, message)


NEW_MEDIA_KEYS = tuple(f.key for f in FIELDS if f.section == "移动新媒体" and f.key != "has_new_media")


def to_json(values: dict[str, object]) -> dict[str, object]:
    """Cleaned form values as stored in ``SiteReport.entered`` (decimals and dates as text); empty ones left out."""
    stored = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        stored[key] = value
    return stored


def from_json(stored: dict[str, object]) -> dict[str, object]:
    """``SiteReport.entered`` as Python values (the inverse of ``to_json``); unknown keys dropped."""
    values = {}
    for key, value in (stored or {}).items():
        field = FIELD_BY_KEY.get(key)
        if field is None or not field.entered:
            continue
        try:
            if field.kind == Kind.AMOUNT:
                value = Decimal(str(value))
            elif field.kind == Kind.DATE:
                value = date.fromisoformat(str(value))
        except (InvalidOperation, ValueError):
            continue
        values[key] = value
    return values


def form_initial(stored: dict[str, object]) -> dict[str, object]:
    """What the form shows: the stored values, else the defaults; yes/no as the radio's value."""
    values = {**DEFAULTS, **from_json(stored)}
    return {
        key: ("yes" if value else "no") if FIELD_BY_KEY[key].kind == Kind.YES_NO else value
        for key, value in values.items()
    }


def validation_errors(stored: dict[str, object]) -> dict[str, list[str]]:
    """The form's errors for stored values (the model's ``clean`` asks this, so every path validates)."""
    form = EnteredValuesForm(data=form_initial_as_data(stored))
    return {key: list(errors) for key, errors in form.errors.items()} if not form.is_valid() else {}


def form_initial_as_data(stored: dict[str, object]) -> dict[str, str]:
    data = {}
    for key, value in (stored or {}).items():
        field = FIELD_BY_KEY.get(key)
        if field is None or not field.entered:
            continue
        if field.kind == Kind.YES_NO:
            data[key] = "yes" if value is True else "no" if value is False else str(value)
        else:
            data[key] = str(value)
    return data
