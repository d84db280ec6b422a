"""Who may see and handle which applications: a unit's own groups its own cases, the info center all.

As for letters (``cms.letters.permissions``), a unit is a site of the cluster and its people
the members of its groups, by role key. The info center (``applications.oversee_applications``)
sees every case and may transfer one; the answer is the unit's, approved by its reviewer or
leader, and an extension needs the head of the office's consent (第三十三条第二款): the leader.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sites.groups import sites_of_user

from .models import Application

OVERSEE = "applications.oversee_applications"
HANDLING_ROLES = ("editor", "reviewer", "leader", "site_admin")
APPROVING_ROLES = ("reviewer", "leader")
EXTENDING_ROLES = ("leader",)


def is_overseer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(OVERSEE))


def visible_applications(user) -> QuerySet[Application]:
    if is_overseer(user):
        return Application.objects.all()
    return Application.objects.filter(unit_id__in=sites_of_user(user, HANDLING_ROLES))


def may_view(user, application: Application) -> bool:
    return is_overseer(user) or application.unit_id in sites_of_user(user, HANDLING_ROLES)


def may_handle(user, application: Application) -> bool:
    return application.unit_id in sites_of_user(user, HANDLING_ROLES)


def may_approve(user, application: Application) -> bool:
    if user and user.is_superuser and user.is_active:
        return True
    return application.unit_id in sites_of_user(user, APPROVING_ROLES)


def may_extend(user, application: Application) -> bool:
    if user and user.is_superuser and user.is_active:
        return True
    return application.unit_id in sites_of_user(user, EXTENDING_ROLES)


def may_transfer(user, application: Application) -> bool:
    return is_overseer(user) or may_handle(user, application)
