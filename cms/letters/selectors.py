"""Read-only queries of the letters' admin: the list's filters, the dashboard's counts and lists.

Every function runs a constant number of queries whatever the number of letters or units
(counts are one ``GROUP BY`` over the open letters, served by the ``letters_state_due`` /
``letters_unit_state_due`` indexes; the 60-day list by the partial ``letters_open_received``;
lists are ``LIMIT``ed and ``select_related``), so the info center's dashboard stays fast with
100,000 letters across 200 units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .deadlines import today, veto_guard_cutoff, warning_horizon
from .models import OPEN_STATES, Letter, LetterState
from .permissions import is_dispatcher, unit_ids, visible_letters

# The list's 期限 filter: 只看超期 / 即将到期 / 超过60天.
DUE_FILTERS: dict[str, str] = {"overdue": "已超期", "soon": "即将到期", "veto": "超过60天未办结"}
VETO_GUARD_TEXT = "超过60天未办结（满3个月将导致网站检查单项否决）"
PENDING_DISPATCH = "none"  # the 承办单位 filter's value for 待分办 (unit is empty)


@dataclass(frozen=True)
class Today:
    """The dates every filter of one request is measured against (one calendar read)."""

    day: date
    horizon: date  # last due date that is 即将到期
    guard_before: datetime  # open letters received before this are past the 60-day guard

    @classmethod
    def now(cls, day: date | None = None) -> Today:
        day = day or today()
        cutoff = veto_guard_cutoff(day)
        guard_before = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
        return cls(day=day, horizon=warning_horizon(day), guard_before=guard_before)

    def overdue(self) -> Q:
        return Q(state__in=OPEN_STATES, due_date__lt=self.day)

    def due_soon(self) -> Q:
        return Q(state__in=OPEN_STATES, due_date__gte=self.day, due_date__lte=self.horizon)

    def past_guard(self) -> Q:
        return Q(state__in=OPEN_STATES, received_at__lt=self.guard_before)


def filter_letters(
    qs: QuerySet[Letter],
    *,
    state: str = "",
    kind: str = "",
    unit: str = "",
    due: str = "",
    query: str = "",
    now: Today | None = None,
) -> QuerySet[Letter]:
    """The list view's filters; unknown values are ignored (a junk link shows the whole list)."""
    if state in LetterState.values:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if unit == PENDING_DISPATCH:
        qs = qs.filter(unit__isnull=True)
    elif unit.isdigit() and len(unit) < 10:
        qs = qs.filter(unit_id=int(unit))
    if due in DUE_FILTERS:
        now = now or Today.now()
        qs = qs.filter({"overdue": now.overdue, "soon": now.due_soon, "veto": now.past_guard}[due]())
    query = query.strip()
    if query:
        qs = qs.filter(Q(number=query) | Q(subject__icontains=query))
    return qs


@dataclass(frozen=True)
class UnitCounts:
    """One row of a dashboard's counts: a unit's open letters (``unit_id`` None: 待分办)."""

    unit_id: int | None
    unit_name: str
    open: int
    pending: int
    in_progress: int
    in_review: int
    overdue: int
    due_soon: int
    past_guard: int

    @property
    def label(self) -> str:
        return self.unit_name if self.unit_id is not None else "待分办（信息中心）"


def _open_letters_of(user) -> QuerySet[Letter]:
    qs = Letter.objects.filter(state__in=OPEN_STATES)
    if user is not None and not is_dispatcher(user):
        qs = qs.filter(unit_id__in=unit_ids(user))
    return qs


def overdue_summary(user=None, now: Today | None = None) -> list[UnitCounts]:
    """Open letters per unit: 待受理/办理中/待审核, overdue, due soon and past the 60-day guard.

    ``user`` None or a dispatcher: the whole cluster; otherwise the user's own units. One query."""
    now = now or Today.now()
    rows = (
        _open_letters_of(user)
        .values("unit_id", "unit__site_name")
        .annotate(
            n_open=Count("pk"),
            n_pending=Count("pk", filter=Q(state=LetterState.PENDING)),
            n_in_progress=Count("pk", filter=Q(state__in=(LetterState.ACCEPTED, LetterState.IN_PROGRESS))),
            n_in_review=Count("pk", filter=Q(state=LetterState.IN_REVIEW)),
            n_overdue=Count("pk", filter=Q(due_date__lt=now.day)),
            n_due_soon=Count("pk", filter=Q(due_date__gte=now.day, due_date__lte=now.horizon)),
            n_past_guard=Count("pk", filter=Q(received_at__lt=now.guard_before)),
        )
        .order_by()
    )
    summary = [
        UnitCounts(
            unit_id=row["unit_id"],
            unit_name=row["unit__site_name"] or "",
            open=row["n_open"],
            pending=row["n_pending"],
            in_progress=row["n_in_progress"],
            in_review=row["n_in_review"],
            overdue=row["n_overdue"],
            due_soon=row["n_due_soon"],
            past_guard=row["n_past_guard"],
        )
        for row in rows
    ]
    # The worst first: past the guard, then overdue, then due soon; 待分办 before units on a tie.
    summary.sort(key=lambda r: (-r.past_guard, -r.overdue, -r.due_soon, r.unit_id is not None, r.unit_name))
    return summary


def _listed(qs: QuerySet[Letter]) -> QuerySet[Letter]:
    return qs.select_related("unit", "site").defer("content", "reply", "name", "phone", "email", "findings")


def overdue_letters(user=None, limit: int | None = 10, now: Today | None = None) -> list[Letter]:
    """The user's (``None``: the cluster's) overdue letters, longest overdue first."""
    now = now or Today.now()
    qs = _listed(_open_letters_of(user).filter(due_date__lt=now.day)).order_by("due_date", "pk")
    return list(qs[:limit] if limit else qs)


def due_soon_letters(user=None, limit: int | None = 10, now: Today | None = None) -> list[Letter]:
    now = now or Today.now()
    qs = _listed(_open_letters_of(user).filter(due_date__gte=now.day, due_date__lte=now.horizon))
    qs = qs.order_by("due_date", "pk")
    return list(qs[:limit] if limit else qs)


def veto_guard_letters(limit: int | None = None, now: Today | None = None) -> list[Letter]:
    """Every open letter of the cluster received more than ``LETTER_VETO_GUARD_DAYS`` ago, oldest first:
    three months unanswered fails the site at the national inspection (单项否决)."""
    now = now or Today.now()
    qs = _listed(Letter.objects.filter(now.past_guard())).order_by("received_at", "pk")
    return list(qs[:limit] if limit else qs)


def letters_for_admin(user) -> QuerySet[Letter]:
    """What the list view pages through: the user's visible letters with what a row shows."""
    return _listed(visible_letters(user))
