"""The dashboard panels of 来信办理: a unit's letters to handle, and the info center's oversight."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from .deadlines import clocks_of
from .permissions import is_dispatcher, unit_ids
from .selectors import VETO_GUARD_TEXT, Today, due_soon_letters, overdue_letters, overdue_summary, veto_guard_letters

PANEL_LIMIT = 10
# The 60-day list is short in practice; with a backlog the panel shows the oldest and links to the rest.
GUARD_LIMIT = 50


class UnitLettersPanel(Component):
    """For a unit's people: how many letters wait at each step, and the overdue and due-soon ones."""

    name = "letters_unit"
    order = 90
    template_name = "letters/admin/unit_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None) -> dict:
        now = Today.now()
        summary = overdue_summary(self.user, now)
        overdue = overdue_letters(self.user, PANEL_LIMIT, now)
        soon = due_soon_letters(self.user, PANEL_LIMIT, now)
        clocks = clocks_of(overdue + soon, now.day)
        return {
            "summary": summary,
            "totals": _totals(summary),
            "overdue": [(letter, clocks[letter.pk]) for letter in overdue],
            "soon": [(letter, clocks[letter.pk]) for letter in soon],
            "limit": PANEL_LIMIT,
        }


class InfoCenterLettersPanel(Component):
    """For the info center: overdue and due-soon counts per unit, and the 60-day guard in red."""

    name = "letters_info_center"
    order = 80
    template_name = "letters/admin/info_center_panel.html"

    def get_context_data(self, parent_context=None) -> dict:
        now = Today.now()
        summary = overdue_summary(None, now)
        guard = veto_guard_letters(GUARD_LIMIT, now)
        clocks = clocks_of(guard, now.day)
        return {
            "summary": [row for row in summary if row.overdue or row.due_soon or row.past_guard or row.unit_id is None],
            "totals": _totals(summary),
            "guard": [(letter, clocks[letter.pk]) for letter in guard],
            "guard_text": VETO_GUARD_TEXT,
            "guard_limit": GUARD_LIMIT,
        }


def _totals(summary) -> dict[str, int]:
    fields = ("open", "pending", "in_progress", "in_review", "overdue", "due_soon", "past_guard")
    return {field: sum(getattr(row, field) for row in summary) for field in fields}


def letter_panels(user) -> list[Component]:
    panels: list[Component] = []
    if is_dispatcher(user):
        panels.append(InfoCenterLettersPanel())
    if unit_ids(user):
        panels.append(UnitLettersPanel(user))
    return panels
