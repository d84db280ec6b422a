"""Read-only queries of the applications' admin: the list's filters, the dashboard's counts and lists.

Every function runs a constant number of queries whatever the number of cases or units: counts
are one ``GROUP BY`` over the unconcluded cases (served by ``applications_unit_state_due`` /
``applications_state_due`` on the stored ``due_date``), lists are ``LIMIT``ed, ``select_related``
and prefetch their pauses, and their clocks read the working-day overrides once (``clocks_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from cms.disclosure.working_days import WorkingDayIndex, add_working_days
from sites.groups import sites_of_user

from .clock import today
from .models import (
    CORRECTION_NOTICE_WORKING_DAYS,
    OPEN_STATES,
    THIRD_PARTY_WORKING_DAYS,
    ApplicantType,
    Application,
    ApplicationState,
    ClockPause,
)
from .permissions import HANDLING_ROLES, is_overseer, visible_applications

S = ApplicationState
# 只看…: the list's 期限 filter.
DUE_FILTERS: dict[str, str] = {
    "overdue": "已超期",
    "soon": "即将到期",
    "correction": "待补正",
    "third_party": "征求意见中",
}
# Never loaded for a list row: the personal data and the long texts.
LIST_DEFERRED = (
    "name", "contact_person", "id_number", "phone", "email", "address",
    "answer", "correction_text", "correction_items", "purpose",
)  # fmt: skip
# Ample calendar days for 7 or 15 working days across Spring Festival.
_CALENDAR_SPAN = timedelta(days=40)


@dataclass(frozen=True)
class Today:
    """The dates every filter of one request is measured against (one calendar read)."""

    day: date
    horizon: date  # the last due date that is 即将到期

    @classmethod
    def now(cls, day: date | None = None) -> Today:
        day = day or today()
        return cls(day=day, horizon=add_working_days(day, settings.APPLICATION_WARNING_WORKING_DAYS))

    def overdue(self) -> Q:
        return Q(state__in=OPEN_STATES, due_date__lt=self.day)

    def due_soon(self) -> Q:
        return Q(state__in=OPEN_STATES, due_date__gte=self.day, due_date__lte=self.horizon)


def unit_ids_of(user) -> set[int]:
    return sites_of_user(user, HANDLING_ROLES)


def listed(qs: QuerySet[Application]) -> QuerySet[Application]:
    """What a list row shows: the unit, the pauses (for the clock), no personal data."""
    return qs.select_related("unit").prefetch_related("pauses").defer(*LIST_DEFERRED)


def applications_for_admin(user) -> QuerySet[Application]:
    return listed(visible_applications(user))


def filter_applications(
    qs: QuerySet[Application],
    *,
    state: str = "",
    applicant_type: str = "",
    unit: str = "",
    due: str = "",
    query: str = "",
    now: Today | None = None,
) -> QuerySet[Application]:
    """The list view's filters; unknown values are ignored (a junk link shows the whole list)."""
    if state in S.values:
        qs = qs.filter(state=state)
    if applicant_type in ApplicantType.values:
        qs = qs.filter(applicant_type=applicant_type)
    if unit.isdigit() and len(unit) < 10:
        qs = qs.filter(unit_id=int(unit))
    if due in ("overdue", "soon"):
        now = now or Today.now()
        qs = qs.filter(now.overdue() if due == "overdue" else now.due_soon())
    elif due == "correction":
        qs = qs.filter(state=S.CORRECTION)
    elif due == "third_party":
        qs = qs.filter(state=S.THIRD_PARTY)
    query = query.strip()
    if query:
        qs = qs.filter(number__icontains=query)
    return qs


@dataclass(frozen=True)
class UnitCounts:
    """One row of a dashboard's counts: a unit's unconcluded cases."""

    unit_id: int
    unit_name: str
    open: int
    submitted: int
    correction: int
    third_party: int
    in_review: int
    overdue: int
    due_soon: int


def _unconcluded_of(user) -> QuerySet[Application]:
    qs = Application.objects.filter(state__in=(S.SUBMITTED, *OPEN_STATES))
    if user is not None and not is_overseer(user):
        qs = qs.filter(unit_id__in=unit_ids_of(user))
    return qs


def unit_summary(user=None, now: Today | None = None) -> list[UnitCounts]:
    """Unconcluded cases per unit by step, overdue and due soon; ``user`` None or an overseer: the
    cluster. One query (GROUP BY unit), the worst units first."""
    now = now or Today.now()
    rows = (
        _unconcluded_of(user)
        .values("unit_id", "unit__site_name")
        .annotate(
            n_open=Count("pk"),
            n_submitted=Count("pk", filter=Q(state=S.SUBMITTED)),
            n_correction=Count("pk", filter=Q(state=S.CORRECTION)),
            n_third_party=Count("pk", filter=Q(state=S.THIRD_PARTY)),
            n_in_review=Count("pk", filter=Q(state=S.IN_REVIEW)),
            n_overdue=Count("pk", filter=now.overdue()),
            n_due_soon=Count("pk", filter=now.due_soon()),
        )
        .order_by()
    )
    summary = [
        UnitCounts(
            unit_id=row["unit_id"],
            unit_name=row["unit__site_name"],
            open=row["n_open"],
            submitted=row["n_submitted"],
            correction=row["n_correction"],
            third_party=row["n_third_party"],
            in_review=row["n_in_review"],
            overdue=row["n_overdue"],
            due_soon=row["n_due_soon"],
        )
        for row in rows
    ]
    summary.sort(key=lambda r: (-r.overdue, -r.due_soon, -r.submitted, r.unit_name))
    return summary


def overdue_applications(user=None, limit: int | None = 10, now: Today | None = None) -> list[Application]:
    """The user's (``None``: the cluster's) overdue cases, longest overdue first."""
    now = now or Today.now()
    qs = listed(_unconcluded_of(user).filter(now.overdue())).order_by("due_date", "pk")
    return list(qs[:limit] if limit else qs)


def due_soon_applications(user=None, limit: int | None = 10, now: Today | None = None) -> list[Application]:
    now = now or Today.now()
    qs = listed(_unconcluded_of(user).filter(now.due_soon())).order_by("due_date", "pk")
    return list(qs[:limit] if limit else qs)


def correction_notice_late(user=None, limit: int | None = 10, now: Today | None = None) -> list[Application]:
    """Registered cases with no 补正 notice whose 7 working days (第三十条) end within the warning
    horizon or have just passed: after that a notice is late. Each case gets ``notice_due``."""
    now = now or Today.now()
    candidates = list(
        listed(
            _unconcluded_of(user).filter(
                state=S.REGISTERED,
                correction_requested_on=None,
                received_on__gte=now.day - _CALENDAR_SPAN,
            )
        ).order_by("received_on", "pk")
    )
    if not candidates:
        return []
    index = WorkingDayIndex(min(a.received_on for a in candidates), now.horizon)
    late = []
    for application in candidates:
        passed = index.between(application.received_on, now.day)
        left = CORRECTION_NOTICE_WORKING_DAYS - passed
        # Near (within the warning days) or past by less than a week: still worth a reminder.
        if -5 <= left <= settings.APPLICATION_WARNING_WORKING_DAYS:
            application.notice_working_days_left = left
            late.append(application)
    return late[:limit] if limit else late


def consultations_past_due(user=None, limit: int | None = 10, now: Today | None = None) -> list[ClockPause]:
    """Ongoing third-party consultations past their 15 working days (第三十二条), oldest first."""
    now = now or Today.now()
    qs = ClockPause.objects.filter(
        ended_on=None,
        application__state=S.THIRD_PARTY,
        started_on__lt=now.day - timedelta(days=THIRD_PARTY_WORKING_DAYS),
    ).select_related("application__unit")
    if user is not None and not is_overseer(user):
        qs = qs.filter(application__unit_id__in=unit_ids_of(user))
    pauses = list(qs.order_by("started_on", "pk").defer(*(f"application__{f}" for f in LIST_DEFERRED)))
    if not pauses:
        return []
    index = WorkingDayIndex(min(p.started_on for p in pauses), now.day)
    past = []
    for pause in pauses:
        pause.working_days_waited = index.between(pause.started_on, now.day)
        if pause.working_days_waited > THIRD_PARTY_WORKING_DAYS:
            past.append(pause)
    return past[:limit] if limit else past
