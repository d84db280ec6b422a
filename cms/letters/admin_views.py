"""The info center's 答复时限 (reply periods): list and edit only — the set of kinds is fixed."""

from __future__ import annotations

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import ReplyDeadline


class ReplyDeadlinePermissionPolicy(ModelPermissionPolicy):
    """The rows are the letter kinds (seeded by migration): nobody adds or deletes one, not even a superuser."""

    FIXED = frozenset({"add", "delete", "copy"})

    def user_has_permission(self, user, action):
        return action not in self.FIXED and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.FIXED])


class ReplyDeadlineViewSet(ModelViewSet):
    model = ReplyDeadline
    icon = "time"
    menu_label = "答复时限"
    add_to_admin_menu = False  # in the 互动交流 menu (wagtail_hooks)
    copy_view_enabled = False
    form_fields = ["working_days"]
    list_display = ["label", "working_days"]
