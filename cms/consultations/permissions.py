"""Who may read and moderate a consultation's comments: the same isolation as its page.

A unit's staff see the comments of consultations whose page they may edit (Wagtail's
page permission ``change``, held by the site's groups on their own subtree only); the
info center (``sites.change_siteprofile``) and superusers see every site's.
"""

from __future__ import annotations

from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import ConsultationComment, ConsultationPage

INFO_CENTER_PERMISSION = "sites.change_siteprofile"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_info_center(user) -> bool:
    return _signed_in(user) and user.has_perm(INFO_CENTER_PERMISSION)


def can_moderate(user, consultation: Page) -> bool:
    if not _signed_in(user):
        return False
    if is_info_center(user):
        return True
    return PagePermissionPolicy(Page).user_has_permission_for_instance(user, "change", consultation)


def moderatable_consultations(user):
    """The consultation pages whose comments ``user`` may see and moderate."""
    if not _signed_in(user):
        return ConsultationPage.objects.none()
    if is_info_center(user):
        return ConsultationPage.objects.all()
    editable = PagePermissionPolicy(Page).instances_user_has_permission_for(user, "change")
    return ConsultationPage.objects.filter(pk__in=editable.values("pk"))


def moderatable_comments(user):
    return ConsultationComment.objects.filter(consultation__in=moderatable_consultations(user).values("pk"))
