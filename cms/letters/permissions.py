"""Who may see and handle which letters: a unit's own groups its own letters, the info center all.

A unit is a site of the cluster; its people are the members of its groups
(``sites.SiteGroup``, found by site and role key, never by name). The info
center's capability is the permission ``letters.dispatch_letters``: it sees every
letter, dispatches the ones waiting for a unit (待分办), transfers and extends any,
but the reply is the unit's, approved by the unit's reviewer or leader.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sites.groups import sites_of_user

from .models import Letter

DISPATCH = "letters.dispatch_letters"
# Write the reply, accept, refuse, transfer, hand back: any of the unit's editorial roles.
HANDLING_ROLES = ("editor", "reviewer", "leader", "site_admin")
# Approve (or send back) the reply before the citizen sees it.
APPROVING_ROLES = ("reviewer", "leader")
# Extend the deadline (once, with a reason): the unit's reviewer or leader, or the info center.
EXTENDING_ROLES = ("reviewer", "leader")


def is_dispatcher(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(DISPATCH))


def unit_ids(user, roles: tuple[str, ...] = HANDLING_ROLES) -> set[int]:
    """The sites whose letters ``user`` works on in one of ``roles``."""
    return sites_of_user(user, roles)


def visible_letters(user) -> QuerySet[Letter]:
    """Every letter ``user`` may open in the admin."""
    if is_dispatcher(user):
        return Letter.objects.all()
    return Letter.objects.filter(unit_id__in=unit_ids(user))


def may_view(user, letter: Letter) -> bool:
    return is_dispatcher(user) or (letter.unit_id is not None and letter.unit_id in unit_ids(user))


def may_handle(user, letter: Letter) -> bool:
    """Accept, refuse, write the reply, transfer or hand back: the letter's unit (or, while it
    waits for one, the dispatcher)."""
    if letter.unit_id is None:
        return is_dispatcher(user)
    return letter.unit_id in unit_ids(user)


def may_approve(user, letter: Letter) -> bool:
    if letter.unit_id is None:
        return False
    return bool(user and user.is_superuser and user.is_active) or letter.unit_id in unit_ids(user, APPROVING_ROLES)


def may_transfer(user, letter: Letter) -> bool:
    return is_dispatcher(user) or may_handle(user, letter)


def may_extend(user, letter: Letter) -> bool:
    return is_dispatcher(user) or (letter.unit_id is not None and letter.unit_id in unit_ids(user, EXTENDING_ROLES))
