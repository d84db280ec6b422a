"""Admin menu items whose visibility costs a query."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.admin.menu import MenuItem


class QueryingMenuItem(MenuItem):
    """Wagtail asks each menu item ``is_shown`` twice per admin page (building the menu, then
    rendering it): an item that asks the database answers once per request."""

    def is_shown(self, request: HttpRequest) -> bool:
        answers = request.__dict__.setdefault("_menu_items_shown", {})
        if self.name not in answers:
            answers[self.name] = self.shown_to(request)
        return answers[self.name]

    def shown_to(self, request: HttpRequest) -> bool:
        raise NotImplementedError
