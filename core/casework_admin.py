"""What the admin of every kind of citizen's case shares (letters, applications): the step forms'
dispatch and the daily reminder mails' sending (the units a case may go to: ``sites.units``).

A kind of case keeps its own views, templates and wording; these are the pieces that would be
the same code twice. Step forms: a table ``key → factory(case, user, data) → CaseAction``;
``available_steps`` asks each action's ``is_available()`` (no input needed), ``run_step`` runs
the posted one and turns its refusal into Chinese messages for the same page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.http import QueryDict

StepFactory = Callable[..., object]
UNKNOWN_STEP = "未知的操作，请刷新页面后重试。"


def int_or_none(value: str | None) -> int | None:
    """A posted whole number, or None for empty or junk (never a number past bigint)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def available_steps(factories: dict[str, StepFactory], case, user) -> set[str]:
    """The keys of the steps ``user`` may take on ``case`` now (the forms the page offers)."""
    empty = QueryDict()
    return {key for key, factory in factories.items() if factory(case, user, empty).is_available()}


def run_step(factories: dict[str, StepFactory], key: str, case, user, data) -> tuple[object | None, list[str]]:
    """Run the posted step: (the changed case, []) or (None, the refusal's Chinese messages)."""
    factory = factories.get(key)
    if factory is None:
        return None, [UNKNOWN_STEP]
    try:
        return factory(case, user, data).execute(), []
    except ValidationError as error:  # every kind's error (LetterError, ApplicationError) is one
        return None, list(error.messages)


# --- reminder mails ---------------------------------------------------------------------


@dataclass
class Reminder:
    subject: str
    body: str
    recipients: list[str] = field(default_factory=list)


def unit_addresses(unit_ids: Iterable[int], roles: tuple[str, ...]) -> dict[int, list[str]]:
    """The e-mail addresses of the active members of each unit's groups of ``roles`` (one query)."""
    addresses: dict[int, set[str]] = defaultdict(set)
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__site_role__site_id__in=list(unit_ids), groups__site_role__role__in=roles
        )
        .exclude(email="")
        .values_list("groups__site_role__site_id", "email")
    )
    for site_id, email in rows:
        addresses[site_id].add(email)
    return {site_id: sorted(emails) for site_id, emails in addresses.items()}


def permission_holder_addresses(permission: str) -> list[str]:
    """Addresses of the active holders of ``permission`` through a group or directly (a superuser who
    holds it only by being superuser gets no mail)."""
    return sorted(
        set(
            get_user_model()
            .objects.with_perm(
                permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
            )
            .filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def send_daily(key: str, reminders: Callable[[], list[Reminder]], *, force: bool = False) -> int | None:
    """Send one round of reminders a day (``key`` names the kind and the day): the number of mails
    sent, or None when this round was already sent. One message per recipient, so a unit's handlers
    do not see each other's addresses."""
    if not force and not cache.add(key, True, timeout=2 * 24 * 3600):
        return None
    if force:
        cache.set(key, True, timeout=2 * 24 * 3600)
    messages = [(r.subject, r.body, None, [address]) for r in reminders() for address in r.recipients]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
