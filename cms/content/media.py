"""Media belong to their site: images and documents live in the site's own collection
(made by provisioning, with collection permissions for the site's groups only; the info
center holds them on the root collection).

Wagtail's choosers already offer only what the user may ``choose``; its admin API
(``/admin/api/main/images/`` and ``/documents/``) lists every collection without a view
restriction. The endpoints below list what the choosers offer, by the same permission.
Every download goes through Wagtail's serve view (``WAGTAILDOCS_SERVE_METHOD``). A document
in a private collection (Wagtail's ``CollectionViewRestriction``) is served as that
privacy says. Any other document is public once a page the public may see uses it — as an
attachment or a link in its text, by Wagtail's reference index; until then (a draft's
attachment, a restricted or taken-down page's, an upload not yet used) only those who may
use the collection's files download it (``served_document_refusal``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .visibility import publicly_listed

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


def used_publicly(document) -> bool:
    """Whether a page the public may see (``publicly_listed``) uses the document."""
    references = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    page_ids = [int(pk) for pk in references.values_list("object_id", flat=True).distinct()]
    return bool(page_ids) and publicly_listed(Page.objects.filter(pk__in=page_ids)).exists()


def served_document_refusal(document, request: HttpRequest) -> None:
    """Wagtail's ``before_serve_document``: refuse (404, as if absent) a document no public page
    uses to whoever may not use its collection's files. Private collections keep their own rule."""
    if document.collection.get_view_restrictions().exists():
        return None  # Wagtail's own check of the collection's privacy decides
    if used_publicly(document) or usable_by(request.user, type(document).objects.filter(pk=document.pk)).exists():
        return None
    raise Http404("文件不存在或尚未公开。")
