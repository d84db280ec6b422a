"""Who may push, decide, take down and see the records.

Site roles follow Wagtail's page permissions: per-site groups hold rights on
their own subtree only. The info center's capabilities are Django permissions
(defined on ``Takedown``), granted to the info-center roles; superusers have all.
"""

from __future__ import annotations

from wagtail.models import Page

from .models import PushRecord, Takedown

TAKE_DOWN_ANYWHERE = "syndication.take_down_anywhere"
VIEW_RECORDS = "syndication.view_syndication_records"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_push(user, source: Page) -> bool:
    """Editors push their own site's items (whoever may edit the item)."""
    return _signed_in(user) and source.permissions_for_user(user).can_edit()


def can_take_down(user, item: Page) -> bool:
    """Whoever may publish (so unpublish) the item in its own site — 审核, 领导, 站点管理员, not
    a plain 编辑 — or holds ``take_down_anywhere``. A takedown unpublishes: it must not be a way
    around Wagtail's publish right."""
    return _signed_in(user) and (user.has_perm(TAKE_DOWN_ANYWHERE) or item.permissions_for_user(user).can_publish())


def can_restore(user, takedown: Takedown) -> bool:
    """At least the rights the takedown took; the info center's takedowns only the info center.

    One rule for the restore action and the restore screen (which shows the takedown's reason)."""
    if takedown.by_info_center:
        return _signed_in(user) and user.has_perm(TAKE_DOWN_ANYWHERE)
    return can_take_down(user, takedown.item)


def can_decide(user, record: PushRecord) -> bool:
    """Only editors of the target site (who may add pages to the target column) see, accept or reject."""
    return _signed_in(user) and record.target_column.permissions_for_user(user).can_add_subpage()


def can_accept(user, record: PushRecord) -> bool:
    """Accepting publishes in the target, so it also takes the right to publish there (审核 and above)."""
    return can_decide(user, record) and record.target_column.permissions_for_user(user).can_publish_subpage()


def can_view_records(user) -> bool:
    """推送与下架记录, 查找并下架 and 信息报送统计 (the info center's screens)."""
    return _signed_in(user) and user.has_perm(VIEW_RECORDS)
