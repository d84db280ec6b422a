"""Media belong to their site: images and documents live in the site's own collection
(made by provisioning, with collection permissions for the site's groups only; the info
center holds them on the root collection).

Wagtail's choosers already offer only what the user may ``choose``; its admin API
(``/admin/api/main/images/`` and ``/documents/``) lists every collection without a view
restriction. The endpoints below list what the choosers offer, by the same permission.
Whether a document is served to the public is the collection's privacy (Wagtail's
``CollectionViewRestriction``, checked by Wagtail's serve view: ``WAGTAILDOCS_SERVE_METHOD``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

# What Wagtail's image and document choosers ask of a user for each item they offer.
USE_PERMISSION = "choose"


def usable_by(user: AbstractBaseUser | AnonymousUser, media: QuerySet) -> QuerySet:
    """Those of ``media`` (images or documents) the user may use under Wagtail's collection permissions."""
    policy = policy_registry.get_by_type(media.model)
    usable = policy.instances_user_has_any_permission_for(user, [USE_PERMISSION])
    return media.filter(pk__in=usable.values("pk"))


class SiteImagesAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return usable_by(self.request.user, super().get_queryset())


class SiteDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return usable_by(self.request.user, super().get_queryset())
