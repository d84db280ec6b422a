"""What every citizen's case shares — a letter (cms.letters), an application (cms.applications):
the query code a citizen follows it with, and the shape of the steps that handle it.

A step is an action in the shape of Wagtail's ``wagtail/actions``: ``check()`` refuses with
a Chinese message and writes nothing; ``execute()`` locks the case's row, checks again
(someone may have acted meanwhile), applies the step and records it, in one transaction.
Which steps may start from which state is one table per kind of case (``transitions``).
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from wagtail.log_actions import log

from .forms import text_refusal
from .personal_data import blind_index

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud on the phone
QUERY_CODE_LENGTH = 12


def new_query_code() -> str:
    """``ABCD-EFGH-JKMN``: 31¹² ≈ 8·10¹⁷ codes, shown once to the citizen and stored only as a digest."""
    raw = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, QUERY_CODE_LENGTH, 4))


def normalise_query_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def query_code_digest(code: str, purpose: str) -> str:
    return blind_index(normalise_query_code(code), f"{purpose}-query-code")


def secondary_digest(code: str, secret: str, purpose: str) -> str:
    """The digest of the second factor of a look-up (a phone's or an ID's last four), bound to the code."""
    return blind_index(f"{normalise_query_code(code)}:{secret.strip().upper()}", f"{purpose}-second-factor")


def find_case(
    model: type[models.Model], code: str, secret: str, purpose: str, *, digest_field: str
) -> models.Model | None:
    """The case with this query code *and* second factor (its digest in ``digest_field``), else None:
    the same None for a wrong code and a wrong second factor, so a look-up never tells which was wrong."""
    if not normalise_query_code(code) or not (secret or "").strip():
        return None
    case = model._default_manager.filter(query_code_digest=query_code_digest(code, purpose)).first()
    if case is None:
        return None
    if not secrets.compare_digest(getattr(case, digest_field), secondary_digest(code, secret, purpose)):
        return None
    return case


def required_text(model: type[models.Model], field_name: str, value: str, label: str, *, minimum: int = 2) -> str:
    """``value`` stripped, or a Chinese refusal (``ValueError``) when it is too short, too long or unstorable."""
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValueError(f"请填写{label}（至少{minimum}个字）。")
    refusal = text_refusal(model, field_name, value)
    if refusal:
        field = model._meta.get_field(field_name)
        raise ValueError(refusal.replace(str(field.verbose_name), label))
    return value


class CaseEvent(models.Model):
    """One step of a case's history: who did what, when, from which state and unit to which.

    A kind of case subclasses it with the foreign key to its case, named by ``case_field``."""

    case_field: ClassVar[str]

    action = models.CharField("操作", max_length=30)
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    from_unit = models.ForeignKey("wagtailcore.Site", null=True, on_delete=models.SET_NULL, related_name="+")
    to_unit = models.ForeignKey("wagtailcore.Site", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{getattr(self, self.case_field)} {self.action}"


def actor(user):
    """The user to record, or None for an anonymous citizen (a submission, an online correction)."""
    return user if user is not None and user.is_authenticated else None


def record_step(
    case,
    event_model: type[CaseEvent],
    action: str,
    user,
    *,
    log_prefix: str,
    before_state: str,
    before_unit_id,
    note: str = "",
    audit_note_chars: int = 0,
) -> None:
    """The step's history row and its entry in Wagtail's audit log, which names the case by number
    (never the citizen) and, when ``audit_note_chars``, the start of the note."""
    event_model.objects.create(
        **{event_model.case_field: case},
        action=action,
        user=actor(user),
        from_state=before_state,
        to_state=case.state,
        from_unit_id=before_unit_id,
        to_unit_id=case.unit_id,
        note=note,
    )
    data = {"number": case.number, "state": case.state, "unit": case.unit_id}
    if audit_note_chars:
        data["note"] = note[:audit_note_chars]
    log(case, f"{log_prefix}.{action}", user=actor(user), data=data)


class CaseAction:
    """One step of a case. Subclasses set the class attributes and override ``allowed``,
    ``validate`` and ``apply``; ``record`` writes the history (and the audit log)."""

    model: ClassVar[type[models.Model]]
    error: ClassVar[type[ValidationError]]
    transitions: ClassVar[dict[str, tuple[frozenset[str], str | None]]]
    labels: ClassVar[dict[str, str]]
    action: ClassVar[str] = ""
    refusal = "您无权办理这件事项。"
    noun = "事项"

    def __init__(self, case, user) -> None:
        self.case = case
        self.user = user

    def allowed(self, case) -> bool:
        raise NotImplementedError

    def precondition(self, case) -> None:
        """Conditions on the case itself, not on the actor's input (e.g. "not yet dispatched")."""

    def validate(self, case) -> None:
        """Checks of the step's own input (reasons, texts, the target unit)."""

    def apply(self, case) -> str:
        """Change the locked case (the state is set by ``execute``); return the history's note."""
        return ""

    def before_save(self, case) -> None:
        """After the step changed the case and its state: derived fields (a due date) follow."""

    event_model: ClassVar[type[CaseEvent]]
    log_prefix: ClassVar[str]
    audit_note_chars: ClassVar[int] = 0

    def record(self, case, *, before_state: str, before_unit_id, note: str) -> None:
        record_step(
            case,
            self.event_model,
            self.action,
            self.user,
            log_prefix=self.log_prefix,
            before_state=before_state,
            before_unit_id=before_unit_id,
            note=note,
            audit_note_chars=self.audit_note_chars,
        )

    def check_available(self, case=None) -> None:
        """Whether the step may be taken at all, before any input: the actor's right, the state and
        ``precondition``. An admin page offers only the steps that pass this."""
        case = case or self.case
        if not self.allowed(case):
            raise self.error(self.refusal)
        states, _ = self.transitions[self.action]
        if case.state not in states:
            raise self.error(f"{self.noun}当前为“{case.get_state_display()}”，不能{self.labels[self.action]}。")
        self.precondition(case)

    def is_available(self, case=None) -> bool:
        try:
            self.check_available(case)
        except ValidationError:
            return False
        return True

    def check(self, case=None) -> None:
        case = case or self.case
        self.check_available(case)
        try:
            self.validate(case)
        except ValueError as refusal:  # required_text and the like
            raise self.error(str(refusal)) from refusal

    def execute(self):
        with transaction.atomic():
            case = self.model._default_manager.select_for_update().get(pk=self.case.pk)
            self.check(case)
            before_state, before_unit_id = case.state, case.unit_id
            note = self.apply(case)
            target = self.transitions[self.action][1]
            if target is not None:
                case.state = target
            self.before_save(case)
            case.save()
            self.record(case, before_state=before_state, before_unit_id=before_unit_id, note=note)
        self.case = case
        return case
