"""The daily reminder mails of 依申请公开 (``manage.py send_application_reminders``, from cron).

- To each unit's handlers: its cases overdue or due within ``APPLICATION_WARNING_WORKING_DAYS``.
- To the overseers (holders of ``applications.oversee_applications``): the cluster's counts per unit.

A mail names a case by number, unit, due date and state only — never the applicant, nor what
was asked for, since mail leaves the system. One round a day (``core.casework_admin.send_daily``).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from core.casework_admin import Reminder, permission_holder_addresses, send_daily, unit_addresses

from .models import Application
from .permissions import HANDLING_ROLES, OVERSEE
from .selectors import Today, due_soon_applications, overdue_applications, unit_summary

SENT_KEY = "applications:reminders-sent:{day}"
FOOTER = ["请登录网站管理后台“政务公开 → 依申请公开”及时办理：", "{url}", "", "（本邮件由系统自动发送）"]


def _admin_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("applications_admin:index")


def _line(application: Application) -> str:
    return (
        f"  {application.number}  承办机关：{application.unit.site_name}  "
        f"答复期限：{application.due_date:%Y-%m-%d}  状态：{application.get_state_display()}"
    )


def _footer() -> list[str]:
    return [line.format(url=_admin_url()) for line in FOOTER]


def unit_reminders(now: Today | None = None) -> list[Reminder]:
    now = now or Today.now()
    by_unit: dict[int, dict[str, list[Application]]] = defaultdict(lambda: {"overdue": [], "soon": []})
    for key, cases in (
        ("overdue", overdue_applications(None, None, now)),
        ("soon", due_soon_applications(None, None, now)),
    ):
        for application in cases:
            by_unit[application.unit_id][key].append(application)
    if not by_unit:
        return []
    addresses = unit_addresses(by_unit, HANDLING_ROLES)
    reminders = []
    for unit_id, groups in by_unit.items():
        if not addresses.get(unit_id):
            continue
        unit_name = (groups["overdue"] or groups["soon"])[0].unit.site_name
        lines = [f"{unit_name}：", ""]
        if groups["overdue"]:
            lines += [f"已超期的政府信息公开申请 {len(groups['overdue'])} 件："]
            lines += [_line(a) for a in groups["overdue"]] + [""]
        if groups["soon"]:
            lines += [f"{settings.APPLICATION_WARNING_WORKING_DAYS}个工作日内到期的申请 {len(groups['soon'])} 件："]
            lines += [_line(a) for a in groups["soon"]] + [""]
        reminders.append(
            Reminder(
                subject=f"【依申请公开提醒】{unit_name}：超期 {len(groups['overdue'])} 件，"
                f"即将到期 {len(groups['soon'])} 件",
                body="\n".join(lines + _footer()),
                recipients=addresses[unit_id],
            )
        )
    return reminders


def overseer_reminder(now: Today | None = None) -> Reminder | None:
    now = now or Today.now()
    late = [row for row in unit_summary(None, now) if row.overdue or row.due_soon]
    if not late:
        return None
    recipients = permission_holder_addresses(OVERSEE)
    if not recipients:
        return None
    overdue, soon = sum(r.overdue for r in late), sum(r.due_soon for r in late)
    lines = [f"全站群政府信息公开申请：已超期 {overdue} 件，即将到期 {soon} 件。", "", "各机关（超期 / 即将到期）："]
    lines += [f"  {row.unit_name}：{row.overdue} / {row.due_soon}" for row in late] + [""]
    return Reminder(
        subject=f"【依申请公开督办】全站群超期 {overdue} 件，即将到期 {soon} 件",
        body="\n".join(lines + _footer()),
        recipients=recipients,
    )


def send_reminders(*, force: bool = False, now: Today | None = None) -> int | None:
    """Send today's reminders: the number of mails, or None when today's were already sent."""
    now = now or Today.now()

    def reminders() -> list[Reminder]:
        center = overseer_reminder(now)
        return unit_reminders(now) + ([center] if center else [])

    return send_daily(SENT_KEY.format(day=now.day.isoformat()), reminders, force=force)
