"""The dashboard panels of 依申请公开: a unit's cases to handle, and the info center's oversight."""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.ui.components import Component

from .clock import clocks_of
from .permissions import is_overseer
from .selectors import (
    Today,
    consultations_past_due,
    correction_notice_late,
    due_soon_applications,
    overdue_applications,
    unit_ids_of,
    unit_summary,
)

PANEL_LIMIT = 10
OVERSEER_LIMIT = 20


def _totals(summary) -> dict[str, int]:
    fields = ("open", "submitted", "correction", "third_party", "in_review", "overdue", "due_soon")
    return {f: sum(getattr(row, f) for row in summary) for f in fields}


class UnitApplicationsPanel(Component):
    """For a unit's people: open cases by step, overdue, due soon, 补正 notices and consultations running late."""

    name = "applications_unit"
    order = 95
    template_name = "applications/admin/unit_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None) -> dict:
        now = Today.now()
        overdue = overdue_applications(self.user, PANEL_LIMIT, now)
        soon = due_soon_applications(self.user, PANEL_LIMIT, now)
        clocks = clocks_of(overdue + soon, now.day)
        return {
            "totals": _totals(unit_summary(self.user, now)),
            "overdue": [(a, clocks[a.pk]) for a in overdue],
            "soon": [(a, clocks[a.pk]) for a in soon],
            "notices": correction_notice_late(self.user, PANEL_LIMIT, now),
            "consultations": consultations_past_due(self.user, PANEL_LIMIT, now),
            "warning_days": settings.APPLICATION_WARNING_WORKING_DAYS,
            "limit": PANEL_LIMIT,
        }


class OverseerApplicationsPanel(Component):
    """For the info center: unconcluded cases per unit and the cluster's overdue list."""

    name = "applications_overseer"
    order = 85
    template_name = "applications/admin/overseer_panel.html"

    def get_context_data(self, parent_context=None) -> dict:
        now = Today.now()
        summary = unit_summary(None, now)
        overdue = overdue_applications(None, OVERSEER_LIMIT, now)
        clocks = clocks_of(overdue, now.day)
        return {
            "summary": summary,
            "totals": _totals(summary),
            "overdue": [(a, clocks[a.pk]) for a in overdue],
            "limit": OVERSEER_LIMIT,
        }


def application_panels(user) -> list[Component]:
    panels: list[Component] = []
    if is_overseer(user):
        panels.append(OverseerApplicationsPanel())
    if unit_ids_of(user):
        panels.append(UnitApplicationsPanel(user))
    return panels
