"""The applicant's side of 依申请公开: the page, 在线申请, the receipt, 办理查询 and the online 补正.

Each view is a route of ``ApplicationPage`` and stays thin: the application is submitted by
``SubmitApplicationAction`` (its attachments in the same transaction), found by
``find_application``, corrected by ``ReceiveCorrectionAction(by_applicant=True)``. Never on
these pages: the identity document's number, a phone, an address or an e-mail; the name
only masked; the query code only once, on the receipt. The page itself may be cached;
the form, the receipt and the look-up never are (``sites.page_cache.no_store``).
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from cms.disclosure.standing_pages import DisclosureFacts
from core.casework_views import stash_receipt, take_receipt
from core.personal_data import blind_index, mask_name
from core.public_forms import PublicForm, RateLimited, consume_rate_limit, rate_limit_request
from sites.models import SiteProfile
from sites.page_cache import no_store

from .actions import ApplicationSubmission, ReceiveCorrectionAction, SubmitApplicationAction, find_application, id_tail
from .attachments import attachment_refusals, max_size_label
from .clock import clock_of
from .errors import ApplicationError
from .models import (
    DESCRIPTION_MAX_LENGTH,
    ApplicantType,
    Application,
    ApplicationPage,
    ApplicationState,
    DeliveryForm,
    DeliveryMeans,
    IdDocumentType,
)

RECEIPT_SESSION_KEY = "applications_receipt"
NOT_FOUND = "未找到与查询码和证件号码后四位相符的申请，请核对后重试。"
FILES_AGAIN = "为保护您的信息，已选择的附件没有保留，请重新选择附件后再提交。"
PHONE_PATTERN = re.compile(r"^\+?[\d\s\-()（）]{7,30}$")
POSTCODE_PATTERN = re.compile(r"^\d{6}$")
# What the applicant sees of the handling: the unit's internal review is still 办理中 to them.
PUBLIC_STATE_LABELS: dict[str, str] = {
    ApplicationState.SUBMITTED: "待确认收到",
    ApplicationState.REGISTERED: "办理中",
    ApplicationState.CORRECTION: "待补正",
    ApplicationState.THIRD_PARTY: "征求意见中（暂停计时）",
    ApplicationState.IN_REVIEW: "办理中",
    ApplicationState.ANSWERED: "已答复",
    ApplicationState.DELIVERED: "已送达",
    ApplicationState.CLOSED: "已终止",
}
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECKS = "10X98765432"
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def rate_limits(name: str) -> tuple[int, int]:
    limit, window = settings.APPLICATION_RATE_LIMITS[name]
    return int(limit), int(window)


def valid_resident_id(number: str) -> bool:
    """GB 11643-1999: 17 digits, a birth date, and the ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECKS[total % 11] == number[17]


def valid_credit_code(code: str) -> bool:
    """GB 32100-2015: 18 characters of the code's alphabet, the last one the MOD 31 check character."""
    if len(code) != 18 or any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        return False
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31] == code[17]


def consent_text() -> str:
    """What the 同意个人信息处理 box says is collected, why, who reads it and how long it is kept."""
    years = settings.APPLICATION_RETENTION_DAYS / 365
    kept = f"{years:g}年" if years == int(years) else f"{settings.APPLICATION_RETENTION_DAYS}天"
    return (
        "个人信息处理说明：本网站收集您填写的申请人姓名或名称、联系人、证件类型和号码、联系电话、电子邮箱、"
        "通信地址以及上传的证件材料，仅用于依照《中华人民共和国政府信息公开条例》第二十九条核实申请人身份、"
        "办理和答复本申请、送达信息；这些信息加密保存，只有承办机关的政府信息公开工作人员和网站主管部门"
        f"（信息中心）的办理人员可以查看，不会公开；申请办结后保存{kept}，期满自动删除。"
    )


# --- 在线申请 ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input (Django's documented pattern); checked as a whole in ``clean_attachments``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _text(label: str, max_length: int, *, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}最多 {max_length} 个字。"},
        **kwargs,
    )


def _choice(label: str, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        error_messages={"required": f"请选择{label}。", "invalid_choice": f"请选择{label}。"},
        **kwargs,
    )


class ApplicationForm(PublicForm):
    """第二十九条: the applicant, what is sought, and in which form and way."""

    applicant_type = _choice("申请人类型", [("", "请选择"), *ApplicantType.choices])
    name = _text("申请人姓名或名称", 100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_person = _text("联系人", 50, required=False, help_text="法人或其他组织申请时必填。")
    id_type = _choice("证件类型", IdDocumentType.choices, initial=IdDocumentType.RESIDENT_ID)
    id_number = _text(
        "证件号码",
        30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="查询办理情况时需要填写其后四位。",
    )
    phone = _text("联系电话", 30, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,
        error_messages={"invalid": "请填写正确的电子邮箱地址。", "max_length": "电子邮箱最多 254 个字符。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="选择以电子邮件获取时必填。",
    )
    address = _text("通信地址", 200, required=False, widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    postcode = _text(
        "邮政编码",
        6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        help_text="选择邮寄时必填通信地址和邮政编码。",
    )
    description = _text(
        "所需信息的描述",
        DESCRIPTION_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"所需政府信息的名称、文号或者便于查询的其他特征性描述，最多 {DESCRIPTION_MAX_LENGTH} 个字。",
    )
    purpose = _text("用途", 200, required=False, help_text="选填。")
    delivery_form = _choice("信息载体", DeliveryForm.choices, widget=forms.RadioSelect)
    delivery_means = _choice("获取方式", DeliveryMeans.choices, widget=forms.RadioSelect)
    attachments = AttachmentsField(
        label="证件材料",
        required=False,
        help_text="选填：身份证明的照片或扫描件，JPG、PNG或PDF格式，"
        f"每个不超过 {max_size_label()}，最多 {settings.APPLICATION_MAX_ATTACHMENTS} 个。",
    )
    consented = forms.BooleanField(
        label="同意个人信息处理", error_messages={"required": "请阅读并同意个人信息处理说明。"}
    )

    def __init__(self, data=None, files=None, *, request: HttpRequest, **kwargs) -> None:
        super().__init__(data, files, request=request, **kwargs)
        self.fields["consented"].help_text = consent_text()

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_id_number(self) -> str:
        return re.sub(r"\s", "", self.cleaned_data["id_number"]).upper()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_PATTERN.match(phone) or not 7 <= len(re.sub(r"\D", "", phone)) <= 20:
            raise forms.ValidationError("请填写正确的手机号码或固定电话（如 13912345678 或 0563-1234567）。")
        return phone

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not POSTCODE_PATTERN.match(postcode):
            raise forms.ValidationError("邮政编码应为6位数字。")
        return postcode

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        if len(description.strip()) < 5:
            raise forms.ValidationError("请描述所需政府信息的名称、文号或者便于查询的其他特征（至少5个字）。")
        return description

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        refusals = attachment_refusals(files)
        if refusals:
            raise forms.ValidationError(refusals)
        return files

    def clean(self) -> dict:
        data = super().clean()
        applicant_type, id_type, number = data.get("applicant_type"), data.get("id_type"), data.get("id_number")
        is_person = applicant_type == ApplicantType.NATURAL_PERSON
        if applicant_type and not is_person and not (data.get("contact_person") or "").strip():
            self.add_error("contact_person", "法人或其他组织申请时请填写联系人。")
        if applicant_type and is_person and id_type == IdDocumentType.CREDIT_CODE:
            self.add_error("id_type", "自然人请选择居民身份证、护照等个人证件。")
        if number and id_type == IdDocumentType.RESIDENT_ID and not valid_resident_id(number):
            self.add_error("id_number", "居民身份证号码应为18位，请核对（最后一位可能是数字或X）。")
        elif number and id_type == IdDocumentType.CREDIT_CODE and not valid_credit_code(number):
            self.add_error("id_number", "统一社会信用代码应为18位，请核对。")
        elif number and len(id_tail(number)) < 4:
            self.add_error("id_number", "请填写正确的证件号码。")
        means = data.get("delivery_means")
        if means == DeliveryMeans.POST:
            if not (data.get("address") or "").strip():
                self.add_error("address", "选择邮寄时请填写通信地址。")
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", "选择邮寄时请填写邮政编码。")
        if means == DeliveryMeans.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "选择以电子邮件获取时请填写电子邮箱。")
        return data

    def submission(self) -> ApplicationSubmission:
        data = self.cleaned_data
        return ApplicationSubmission(
            applicant_type=data["applicant_type"],
            name=data["name"],
            contact_person=data.get("contact_person") or "",
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data["phone"],
            email=data.get("email") or "",
            address=data.get("address") or "",
            postcode=data.get("postcode") or "",
            description=data["description"],
            purpose=data.get("purpose") or "",
            delivery_form=data["delivery_form"],
            delivery_means=data["delivery_means"],
            consented=data["consented"],
        )


def _consume_submission_limits(request: HttpRequest, id_number: str) -> None:
    """One application counted against the sender's address and identity document (a keyed digest)."""
    limit, window = rate_limits("submit_per_address")
    rate_limit_request(request, "applications.submit.address", limit=limit, window_seconds=window)
    limit, window = rate_limits("submit_per_id")
    consume_rate_limit(
        "applications.submit.id",
        blind_index(id_number, "application-rate-limit"),
        limit=limit,
        window_seconds=window,
    )


def apply_view(page: ApplicationPage, request: HttpRequest) -> HttpResponse:
    status, retry_after = 200, None
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, request=request)
        if form.is_valid():
            try:
                _consume_submission_limits(request, form.cleaned_data["id_number"])
                action = SubmitApplicationAction(page, form.submission(), attachments=form.cleaned_data["attachments"])
                application = action.execute()
            except RateLimited as limited:
                form.add_error(None, limited.message)
                status, retry_after = 429, limited.retry_after
            except ApplicationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                stash_receipt(
                    request, RECEIPT_SESSION_KEY, page.pk, {"number": str(application.pk), "code": action.query_code}
                )
                return no_store(HttpResponseRedirect(page.url + page.reverse_subpage("receipt")), request)
        else:
            status = 400
    else:
        form = ApplicationForm(request=request)
    files_dropped = request.method == "POST" and bool(request.FILES)
    response = page.render(
        request,
        template="applications/apply.html",
        context_overrides={"form": form, "section_title": "在线申请", "files_again": FILES_AGAIN * files_dropped},
    )
    response.status_code = status
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return no_store(response, request)


# --- 回执 ----------------------------------------------------------------------------------


def receipt_view(page: ApplicationPage, request: HttpRequest) -> HttpResponse:
    """Post/Redirect/Get: the query code once, from the session; a refresh says it was shown."""
    receipt, shown = take_receipt(request, RECEIPT_SESSION_KEY, page.pk)
    response = page.render(
        request,
        template="applications/receipt.html",
        context_overrides={"receipt": receipt, "shown": shown, "section_title": "申请回执"},
    )
    return no_store(response, request)


# --- 办理查询 ------------------------------------------------------------------------------


class LookupForm(PublicForm):
    """The challenge as on the application form: a look-up answers whether a code and four
    characters match, which a robot would otherwise ask from every address it has (docs/public-forms.md)."""

    code = forms.CharField(
        label="查询码",
        max_length=30,
        error_messages={"required": "请填写查询码。", "max_length": "查询码格式不正确。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text="提交申请后回执上显示的12位查询码，如 ABCD-EFGH-JKMN。",
    )
    id_tail = forms.RegexField(
        label="证件号码后四位",
        regex=r"^[0-9A-Za-z]{4}$",
        error_messages={"required": "请填写证件号码后四位。", "invalid": "请填写证件号码的最后4位（数字或字母）。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 4, "autocapitalize": "characters"}),
        help_text="申请时填写的证件号码的最后四位。",
    )


class CorrectionForm(LookupForm):
    """补正 through the look-up: the code and tail travel again (hidden) and are verified again."""

    correction = forms.CharField(
        label="补正内容",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请填写补正内容。",
            "max_length": f"补正内容最多 {DESCRIPTION_MAX_LENGTH} 个字。",
        },
        help_text=f"请按补正告知的事项说明，最多 {DESCRIPTION_MAX_LENGTH} 个字。",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        self.fields["id_tail"].widget = forms.HiddenInput()


def public_status(application: Application) -> dict:
    """What the look-up shows: never the identity document, the phone, the address or the e-mail."""
    state = application.state
    clock = clock_of(application)
    answered = state in (ApplicationState.ANSWERED, ApplicationState.DELIVERED)
    return {
        "number": application.number,
        "name": mask_name(application.name),
        "state": PUBLIC_STATE_LABELS[state],
        "is_correction": state == ApplicationState.CORRECTION,
        "unit": application.unit.site_name,
        "submitted_at": application.submitted_at,
        "received_on": application.received_on,
        "description": application.description,
        "clock": clock.label if not application.is_concluded else "",
        "due_date": clock.due_date if not application.is_concluded else None,
        "correction_items": application.correction_items if application.correction_requested_on else "",
        "correction_deadline": application.correction_deadline,
        "correction_received_on": application.correction_received_on,
        "correction_text": application.correction_text,
        "outcome": application.get_outcome_display() if answered or state == ApplicationState.CLOSED else "",
        "legal_basis": application.legal_basis if answered else "",
        "answer": application.answer if answered else "",
        "concluded_on": application.concluded_on,
        "delivered_on": application.delivered_on,
    }


TYPED = ("code", "id_tail")  # the look-up's fields, shown again when it was refused before looking


def _count_query(request: HttpRequest) -> RateLimited | None:
    # Every attempt counts, valid or not: guessing codes costs the same as looking one up.
    limit, window = rate_limits("query_per_address")
    try:
        rate_limit_request(request, "applications.query.address", limit=limit, window_seconds=window)
    except RateLimited as limited:
        return limited
    return None


def query_view(page: ApplicationPage, request: HttpRequest) -> HttpResponse:
    """办理查询 (POST only, rate-limited): a wrong code and a wrong tail get the same neutral answer.
    A case waiting for 补正 shows the correction form, whose POST carries and re-verifies both."""
    status, found, not_found, correction_form, corrected = 200, None, False, None, False
    form = LookupForm(request=request)
    if request.method == "POST":
        limited = _count_query(request)
        if limited is not None:
            typed = LookupForm(request=request, initial={name: request.POST.get(name, "")[:30] for name in TYPED})
            response = _render_query(page, request, typed, limited_message=limited.message)
            response.status_code = 429
            response["Retry-After"] = str(limited.retry_after)
            return no_store(response, request)
        is_correction = "correction" in request.POST
        bound = (
            CorrectionForm(request.POST, request=request)
            if is_correction
            else LookupForm(request.POST, request=request)
        )
        valid = bound.is_valid()
        # Nothing is looked up past a refused challenge (or honeypot), 补正 included.
        guard_refused = bound.guard_refused()
        lookup_valid = not guard_refused and (valid or not ({"code", "id_tail"} & set(bound.errors)))
        application = None
        if lookup_valid:
            application = find_application(request.POST["code"], request.POST["id_tail"])
        if guard_refused and is_correction:
            correction_form, status = bound, 400  # shown again with the typed 补正 and the reason
        elif not lookup_valid and not is_correction:
            # Not looked up: what was typed stays with the reason; once looked up the code is a
            # credential and never written back.
            form, status = bound, 400
        elif application is None:
            not_found = True
        else:
            if is_correction and valid:
                try:
                    ReceiveCorrectionAction(
                        application, None, text=bound.cleaned_data["correction"], by_applicant=True
                    ).execute()
                except ApplicationError as error:
                    for message in error.messages:
                        bound.add_error("correction", message)
                    correction_form, status = bound, 400
                else:
                    corrected = True
                    application.refresh_from_db()
            elif is_correction:
                correction_form, status = bound, 400
            found = public_status(application)
            if found["is_correction"] and correction_form is None:
                initial = {"code": request.POST["code"], "id_tail": request.POST["id_tail"]}
                correction_form = CorrectionForm(initial=initial, request=request)
    response = _render_query(
        page,
        request,
        form,
        found=found,
        not_found=not_found,
        correction_form=correction_form,
        corrected=corrected,
    )
    response.status_code = status
    return no_store(response, request)


def _render_query(page, request, form, **context) -> TemplateResponse:
    return page.render(
        request,
        template="applications/query.html",
        context_overrides={"form": form, "not_found_message": NOT_FOUND, "section_title": "办理查询", **context},
    )


# --- the page ------------------------------------------------------------------------------


def index_view(page: ApplicationPage, request: HttpRequest) -> HttpResponse:
    site = page.get_site()
    profile = SiteProfile.objects.select_related("organisation", "organisation__parent").filter(site=site).first()
    facts = DisclosureFacts.for_site(site, profile) if profile is not None else None
    return page.render(request, context_overrides={"facts": facts})
