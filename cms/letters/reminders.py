"""The daily reminder mails of 来信办理 (``manage.py send_letter_reminders``, from cron).

- To each unit's handlers (members of its editorial groups with an e-mail address): its
  letters overdue or due soon.
- To the info center (holders of ``letters.dispatch_letters``; a superuser who holds it only
  by being superuser gets none): the cluster's counts per unit and every letter past the 60-day guard.

A mail names a letter by number, subject, unit and due date only — never the citizen's name,
phone or e-mail, since mail leaves the system. One round a day: a second run the same day
sends nothing unless forced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.urls import reverse

from .deadlines import clocks_of
from .models import Letter
from .permissions import DISPATCH, HANDLING_ROLES
from .selectors import VETO_GUARD_TEXT, Today, due_soon_letters, overdue_letters, overdue_summary, veto_guard_letters

SENT_KEY = "letters:reminders-sent:{day}"
MAIL_GUARD_LIMIT = 100  # the 60-day list in the info center's mail; the rest is in the admin


@dataclass
class Reminder:
    subject: str
    body: str
    recipients: list[str] = field(default_factory=list)


def _admin_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("letters_admin:index")


def _line(letter: Letter, clock) -> str:
    unit = letter.unit.site_name if letter.unit else "待分办"
    due = f"{letter.due_date:%Y-%m-%d}（{clock.label}）"
    return f"  {letter.number}  {letter.subject}  承办单位：{unit}  答复期限：{due}"


def unit_reminders(now: Today | None = None) -> list[Reminder]:
    """One mail per unit that has overdue or due-soon letters, to its handlers (two queries + calendar)."""
    now = now or Today.now()
    overdue = overdue_letters(None, None, now)
    soon = due_soon_letters(None, None, now)
    clocks = clocks_of(overdue + soon, now.day)
    by_unit: dict[int, dict[str, list[Letter]]] = defaultdict(lambda: {"overdue": [], "soon": []})
    for key, letters in (("overdue", overdue), ("soon", soon)):
        for letter in letters:
            if letter.unit_id is not None:
                by_unit[letter.unit_id][key].append(letter)
    if not by_unit:
        return []
    addresses: dict[int, set[str]] = defaultdict(set)
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__site_role__site_id__in=by_unit,
            groups__site_role__role__in=HANDLING_ROLES,
        )
        .exclude(email="")
        .values_list("groups__site_role__site_id", "email")
    )
    for site_id, email in rows:
        addresses[site_id].add(email)
    reminders = []
    for unit_id, groups in by_unit.items():
        if not addresses[unit_id]:
            continue
        first = (groups["overdue"] or groups["soon"])[0]
        lines = [f"{first.unit.site_name}：", ""]
        if groups["overdue"]:
            lines += [f"已超期的来信 {len(groups['overdue'])} 件："]
            lines += [_line(letter, clocks[letter.pk]) for letter in groups["overdue"]] + [""]
        if groups["soon"]:
            lines += [f"即将到期的来信 {len(groups['soon'])} 件："]
            lines += [_line(letter, clocks[letter.pk]) for letter in groups["soon"]] + [""]
        lines += ["请登录网站管理后台“互动交流 → 来信办理”及时办理：", _admin_url(), "", "（本邮件由系统自动发送）"]
        reminders.append(
            Reminder(
                subject=f"【来信办理提醒】{first.unit.site_name}：超期 {len(groups['overdue'])} 件，"
                f"即将到期 {len(groups['soon'])} 件",
                body="\n".join(lines),
                recipients=sorted(addresses[unit_id]),
            )
        )
    return reminders


def info_center_reminder(now: Today | None = None) -> Reminder | None:
    """The cluster summary and the 60-day list, to the info center; None when nothing is late."""
    now = now or Today.now()
    summary = overdue_summary(None, now)
    guard = veto_guard_letters(MAIL_GUARD_LIMIT, now)
    late = [row for row in summary if row.overdue or row.due_soon or row.past_guard]
    if not late and not guard:
        return None
    recipients = sorted(
        set(
            get_user_model()
            .objects.with_perm(DISPATCH, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend")
            .filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not recipients:
        return None
    clocks = clocks_of(guard, now.day)
    overdue, soon = sum(r.overdue for r in summary), sum(r.due_soon for r in summary)
    past_guard = sum(r.past_guard for r in summary)
    lines = [f"全站群未办结来信：已超期 {overdue} 件，即将到期 {soon} 件，超过60天未办结 {past_guard} 件。", ""]
    if guard:
        lines += [f"{VETO_GUARD_TEXT}："]
        for letter in guard:
            lines.append(f"{_line(letter, clocks[letter.pk])}  来信日期：{letter.received_at:%Y-%m-%d}")
        if past_guard > len(guard):
            lines.append(f"  ……另有 {past_guard - len(guard)} 件，详见网站管理后台。")
        lines.append("")
    if late:
        lines.append("各单位情况（超期 / 即将到期 / 超过60天）：")
        lines += [f"  {row.label}：{row.overdue} / {row.due_soon} / {row.past_guard}" for row in late]
        lines.append("")
    lines += ["详见网站管理后台“互动交流 → 来信办理”：", _admin_url(), "", "（本邮件由系统自动发送）"]
    return Reminder(
        subject=f"【来信督办】全站群超期 {overdue} 件，即将到期 {soon} 件，超过60天未办结 {past_guard} 件",
        body="\n".join(lines),
        recipients=recipients,
    )


def send_reminders(*, force: bool = False, now: Today | None = None) -> int | None:
    """Send today's reminders; the number of mails sent, or None when today's were already sent."""
    now = now or Today.now()
    key = SENT_KEY.format(day=now.day.isoformat())
    if not force and not cache.add(key, True, timeout=2 * 24 * 3600):
        return None
    if force:
        cache.set(key, True, timeout=2 * 24 * 3600)
    reminders = unit_reminders(now)
    center = info_center_reminder(now)
    if center:
        reminders.append(center)
    # One message per recipient: a unit's handlers do not see each other's addresses.
    messages = [
        (reminder.subject, reminder.body, None, [address]) for reminder in reminders for address in reminder.recipients
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
