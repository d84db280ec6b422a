"""The citizen's side of a mailbox: the public replies, 写信, the receipt, 办理查询, a letter's page, 统计.

Each view is a route of ``MailboxPage`` (``cms.letters.models``) and stays thin: the
letter is written by ``SubmitLetterAction``, found by ``find_letter``, counted by
``cms.letters.selectors``. Never on these pages: a phone, an e-mail address or a
name other than masked (``mask_name``); the query code only once, on the receipt.

Caching: the index, a letter's page and the statistics are the anonymous page cache's
(``sites.page_cache``); the form, the receipt, the look-up and the download are never
stored (``mark_uncacheable`` and ``no-store``).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from wagtail.models import Site

from core.casework_views import stash_receipt, take_receipt
from core.exports import xlsx_response
from core.forms import query_value
from core.personal_data import blind_index, mask_name
from core.public_forms import PublicForm, RateLimit, RateLimited, address_limit, consume_rate_limits, rate_limit_request
from sites.page_cache import mark_cacheable, no_store

from .actions import LetterSubmission, SubmitLetterAction, find_letter
from .errors import LetterError
from .models import CONTENT_MAX_LENGTH, SUBJECT_MAX_LENGTH, Letter, LetterKind, LetterState, MailboxPage
from .public_selectors import monthly_statistics, public_letter, public_letter_list, statistics_years

PAGE_SIZE = 15
# Beyond this page readers are sent to the last one offered (an OFFSET past 3,000 rows
# costs the database more than anyone reads; the statistics count the rest).
MAX_PAGES = 200
RECEIPT_SESSION_KEY = "letters_receipt"
NOT_FOUND = "未找到与查询码和手机号后四位相符的来信，请核对后重试。"
# What the citizen sees of the handling: the unit's internal review is still 办理中 to them.
PUBLIC_STATE_LABELS: dict[str, str] = {
    LetterState.PENDING: "待受理",
    LetterState.ACCEPTED: "已受理",
    LetterState.IN_PROGRESS: "办理中",
    LetterState.IN_REVIEW: "办理中",
    LetterState.REPLIED: "已答复",
    LetterState.REJECTED: "不予受理",
}
PHONE_PATTERN = re.compile(r"^\+?[\d\s\-()（）]{7,30}$")


def rate_limits(name: str) -> tuple[int, int]:
    """(how many, per how many seconds) of ``settings.LETTER_RATE_LIMITS[name]``."""
    limit, window = settings.LETTER_RATE_LIMITS[name]
    return int(limit), int(window)


def consent_text() -> str:
    """What the 同意个人信息处理 box says is collected, why, who reads it and how long it is kept."""
    years = settings.LETTER_RETENTION_DAYS / 365
    kept = f"{years:g}年" if years == int(years) else f"{settings.LETTER_RETENTION_DAYS}天"
    return (
        "个人信息处理说明：本网站收集您填写的姓名、联系电话和电子邮箱，仅用于核实、办理和答复本封来信；"
        "这些信息加密保存，只有承办单位和网站主管部门（信息中心）的办理人员可以查看，不会公开；"
        f"来信办结后保存{kept}，期满自动删除。"
    )


# --- 写信 ------------------------------------------------------------------------------


class LetterForm(PublicForm):
    kind = forms.ChoiceField(label="来信类型", error_messages={"required": "请选择来信类型。"})
    subject = forms.CharField(
        label="标题",
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={"required": "请填写标题。", "max_length": f"标题最多 {SUBJECT_MAX_LENGTH} 个字。"},
    )
    content = forms.CharField(
        label="来信内容",
        max_length=CONTENT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "data-letter-count": True}),
        error_messages={"required": "请填写来信内容。", "max_length": f"来信内容最多 {CONTENT_MAX_LENGTH} 个字。"},
        help_text=f"请用文字描述，最多 {CONTENT_MAX_LENGTH} 个字。",
    )
    name = forms.CharField(
        label="姓名",
        max_length=50,
        error_messages={"required": "请填写姓名。", "max_length": "姓名最多 50 个字。"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label="手机/电话",
        max_length=30,
        error_messages={"required": "请填写手机号码或联系电话。", "max_length": "联系电话最多 30 个字符。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text="查询办理情况时需要填写其后四位。",
    )
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,
        error_messages={"invalid": "请填写正确的电子邮箱地址，或留空。", "max_length": "电子邮箱最多 254 个字符。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="选填。",
    )
    wants_public = forms.TypedChoiceField(
        label="是否同意公开",
        choices=[("1", "同意公开（公开时隐去姓名和联系方式）"), ("0", "不同意公开")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": "请选择是否同意公开。"},
    )
    consented = forms.BooleanField(
        label="同意个人信息处理",
        error_messages={"required": "请阅读并同意个人信息处理说明。"},
    )

    def __init__(self, data=None, files=None, *, request: HttpRequest, mailbox: MailboxPage, **kwargs) -> None:
        super().__init__(data, files, request=request, **kwargs)
        labels = dict(LetterKind.choices)
        kinds = mailbox.letter_kinds
        self.fields["kind"].choices = [("", "请选择")] * (len(kinds) > 1) + [(kind, labels[kind]) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["consented"].help_text = consent_text()

    def clean_subject(self) -> str:
        return self.cleaned_data["subject"].strip()

    def clean_content(self) -> str:
        content = self.cleaned_data["content"]
        if not content.strip():
            raise forms.ValidationError("请填写来信内容。")
        return content

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_PATTERN.match(phone) or not 7 <= len(re.sub(r"\D", "", phone)) <= 20:
            raise forms.ValidationError("请填写正确的手机号码或固定电话（如 13912345678 或 0563-1234567）。")
        return phone

    def submission(self) -> LetterSubmission:
        data = self.cleaned_data
        return LetterSubmission(
            kind=data["kind"],
            subject=data["subject"],
            content=data["content"],
            name=data["name"],
            phone=data["phone"],
            email=data.get("email") or "",
            wants_public=data["wants_public"],
            consented=data["consented"],
        )


def _consume_submission_limits(request: HttpRequest, phone: str) -> None:
    """One letter counted against the sender's address and phone (a keyed digest, never the number)."""
    limit, window = rate_limits("submit_per_address")
    per_address = address_limit(request, "letters.submit.address", limit=limit, window_seconds=window)
    digits = re.sub(r"\D", "", phone)
    limit, window = rate_limits("submit_per_phone")
    per_phone = RateLimit("letters.submit.phone", blind_index(digits, "letter-rate-limit"), limit, window)
    consume_rate_limits(per_address, per_phone)


def write_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    status, retry_after = 200, None
    if request.method == "POST":
        form = LetterForm(request.POST, request=request, mailbox=mailbox)
        if form.is_valid():
            try:
                _consume_submission_limits(request, form.cleaned_data["phone"])
                # The request's site, resolved by the middleware: the mailbox was routed below it.
                action = SubmitLetterAction(mailbox, form.submission(), site=Site.find_for_request(request))
                letter = action.execute()
            except RateLimited as limited:
                form.add_error(None, limited.message)
                status, retry_after = 429, limited.retry_after
            except LetterError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                receipt = {"number": letter.number, "code": action.query_code, "due_date": letter.due_date.isoformat()}
                stash_receipt(request, RECEIPT_SESSION_KEY, mailbox.pk, receipt)
                return no_store(HttpResponseRedirect(mailbox.url + mailbox.reverse_subpage("receipt")), request)
        else:
            status = 400
    else:
        form = LetterForm(request=request, mailbox=mailbox)
    response = mailbox.render(
        request,
        template="letters/write.html",
        context_overrides={"form": form, "section_title": "我要写信"},
    )
    response.status_code = status
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return no_store(response, request)


# --- 回执 ------------------------------------------------------------------------------


def receipt_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    """Post/Redirect/Get: the number and the query code once, from the session; a refresh
    says it was shown (the code is never in a URL or shown twice)."""
    receipt, shown_number = take_receipt(request, RECEIPT_SESSION_KEY, mailbox.pk)
    if receipt is not None:
        receipt["due_date"] = date.fromisoformat(receipt["due_date"])
    response = mailbox.render(
        request,
        template="letters/receipt.html",
        context_overrides={
            "receipt": receipt,
            "shown_number": shown_number,
            "section_title": "来信回执",
        },
    )
    return no_store(response, request)


# --- 办理查询 --------------------------------------------------------------------------


class LookupForm(PublicForm):
    """The challenge as on 写信: a look-up answers whether a code and four digits match, which a
    robot would otherwise ask at the rate limit's pace from every address it has (docs/public-forms.md)."""

    code = forms.CharField(
        label="查询码",
        max_length=30,
        error_messages={"required": "请填写查询码。", "max_length": "查询码格式不正确。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text="提交来信后回执上显示的12位查询码，如 ABCD-EFGH-JKMN。",
    )
    phone_tail = forms.RegexField(
        label="手机号后四位",
        regex=r"^\d{4}$",
        error_messages={"required": "请填写手机号后四位。", "invalid": "请填写4位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
        help_text="写信时填写的手机号码或电话的最后四位数字。",
    )


def public_status(letter: Letter) -> dict:
    """What the look-up shows of a letter: never the phone, the e-mail or the name unmasked."""
    state = letter.state
    return {
        "number": letter.number,
        "subject": letter.subject,
        "kind": letter.get_kind_display(),
        "content": letter.content,
        "name": mask_name(letter.name),
        "state": PUBLIC_STATE_LABELS[state],
        "unit": letter.unit.site_name if letter.unit_id else "",
        "received_at": letter.received_at,
        "accepted_at": letter.accepted_at,
        "closed_at": letter.closed_at,
        "due_date": letter.due_date,
        "reply": letter.reply if state == LetterState.REPLIED else "",
        "rejection_reason": letter.rejection_reason if state == LetterState.REJECTED else "",
    }


def query_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    status, found, not_found = 200, None, False
    if request.method == "POST":
        try:
            # Every attempt counts, valid or not: guessing codes costs the same as looking one up.
            limit, window = rate_limits("query_per_address")
            rate_limit_request(request, "letters.query.address", limit=limit, window_seconds=window)
        except RateLimited as limited:
            typed = LookupForm(request=request, initial=typed_lookup(request))
            response = _render_query(mailbox, request, typed, limited_message=limited.message)
            response.status_code = 429
            response["Retry-After"] = str(limited.retry_after)
            return no_store(response, request)
        form = LookupForm(request.POST, request=request)
        if form.is_valid():
            letter = find_letter(form.cleaned_data["code"], form.cleaned_data["phone_tail"])
            if letter is None:
                not_found = True
            else:
                found = public_status(letter)
            form = LookupForm(request=request)  # once looked up, the code is a credential: never written back
        else:
            status = 400  # not looked up (a field or the challenge refused): what was typed stays, with the reason
    else:
        form = LookupForm(request=request)
    response = _render_query(mailbox, request, form, found=found, not_found=not_found)
    response.status_code = status
    return no_store(response, request)


def typed_lookup(request: HttpRequest) -> dict[str, str]:
    """What the citizen typed into the look-up, to show again when it was not looked up."""
    return {name: request.POST.get(name, "")[:30] for name in ("code", "phone_tail")}


def _render_query(mailbox, request, form, **context) -> TemplateResponse:
    return mailbox.render(
        request,
        template="letters/query.html",
        context_overrides={"form": form, "not_found_message": NOT_FOUND, "section_title": "办理查询", **context},
    )


# --- the public list and a letter's page ----------------------------------------------


def index_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    page_number = query_value(request, "page", forms.IntegerField(min_value=1), default=1)
    page_number = min(page_number, MAX_PAGES)
    letters, has_next = public_letter_list(mailbox, page_number, PAGE_SIZE)
    if not letters and page_number > 1:
        raise Http404
    rows = [
        {
            "number": letter.number,
            "subject": letter.subject,
            "kind": letter.get_kind_display(),
            "name": mask_name(letter.name),
            "received_at": letter.received_at,
            "unit": letter.replying_unit.site_name if letter.replying_unit_id else "",
            "replied_at": letter.replied_at,
        }
        for letter in letters
    ]
    return mailbox.render(
        request,
        context_overrides={
            "letters": rows,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": has_next and page_number < MAX_PAGES,
        },
    )


def detail_view(mailbox: MailboxPage, request: HttpRequest, number: str) -> HttpResponse:
    letter = public_letter(mailbox, number)
    if letter is None:
        raise Http404
    return mailbox.render(
        request,
        template="letters/letter_page.html",
        context_overrides={
            "letter": {
                "number": letter.number,
                "subject": letter.subject,
                "kind": letter.get_kind_display(),
                "name": mask_name(letter.name),
                "received_at": letter.received_at,
                "content": letter.content,
                "unit": letter.replying_unit.site_name if letter.replying_unit_id else "",
                "replied_at": letter.replied_at,
                "reply": letter.reply,
            },
            "section_title": letter.subject,
        },
    )


# --- 统计 ------------------------------------------------------------------------------


def _chosen_year(request: HttpRequest) -> int:
    years = statistics_years()
    year = query_value(request, "year", forms.IntegerField(min_value=2000, max_value=2100), default=years[0])
    return year if year in years else years[0]


def stats_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    response = mailbox.render(
        request,
        template="letters/stats.html",
        context_overrides={
            "statistics": monthly_statistics(mailbox.get_site(), year),
            "years": statistics_years(),
            "year": year,
            "section_title": "来信统计",
        },
    )
    if not request.user.is_authenticated:
        # Figures lag a new letter by at most PAGE_CACHE_SECONDS; a public reply retires them at once.
        mark_cacheable(request, ("year",))
    return response


STATS_HEADERS = ["月份", "收到", "办结", "按期办结", "平均办理工作日", "公开答复"]


def stats_rows(statistics) -> list[list[object]]:
    rows = [
        [
            period.label,
            period.received,
            period.closed,
            period.closed_on_time,
            period.average_working_days if period.average_working_days is not None else "—",
            period.public_replies,
        ]
        for period in [*statistics.months, statistics.total]
    ]
    rows.append([])
    rows.append([f"{statistics.year}年政府网站工作年度报表（互动交流·留言办理）"])
    rows.extend([label, value] for label, value in statistics.annual_report())
    return rows


def stats_xlsx_view(mailbox: MailboxPage, request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    statistics = monthly_statistics(mailbox.get_site(), year)
    response = xlsx_response(f"letters-{year}.xlsx", f"{year}年来信统计", STATS_HEADERS, stats_rows(statistics))
    return no_store(response, request)
