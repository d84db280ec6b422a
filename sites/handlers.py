"""Every reaction of the cluster to a change, wired once (``SitesConfig.ready``).

What a change retires (page-cache tags: ``sites.page_cache``):

| change | cached pages | site facts (``Scope.SITE_FACTS``) | appearance |
|---|---|---|---|
| Site, SiteProfile, Organisation saved or deleted | all | yes | |
| SiteAppearance, FooterLink saved or deleted | that site's (``site:``) | | that site's |
| a page published, unpublished or deleted | ``change_tags``: the page, the lists above it, its site for a column | | |
| a page moved | the sites it left and joined | at depth ≤ 2 | |
| a page at depth ≤ 2 (a site's home) saved or deleted, drafts included | | yes | |

Receivers are connected per sender model (every concrete page model for the page
signals), so no save elsewhere in the database reaches them. Being connected in
``ready()``, they run in every process — web, management command, worker — not
only in one that happened to import the middleware.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.cache import Scope, invalidate_after_commit
from core.signals import connect_for_page_models

from . import appearance
from .models import FooterLink, Organisation, SiteAppearance, SiteProfile
from .page_cache import ALL, change_tags, page_tag, retire_after_commit, site_tag

SITE_ROOT_DEPTH = 2  # Wagtail's root is depth 1; each site's home page is depth 2


def _cluster_row_changed(sender, **kwargs) -> None:
    invalidate_after_commit(Scope.SITE_FACTS)
    retire_after_commit(ALL)


def _appearance_changed(sender, instance: SiteAppearance, **kwargs) -> None:
    _forget_appearance(instance.site_id)


def _footer_link_changed(sender, instance: FooterLink, **kwargs) -> None:
    _forget_appearance(instance.appearance.site_id)


def _forget_appearance(site_id: int) -> None:
    appearance.forget(site_id)
    transaction.on_commit(lambda: appearance.forget(site_id))
    root_path = Site.objects.filter(pk=site_id).values_list("root_page__path", flat=True).first()
    retire_after_commit(site_tag(root_path) if root_path else ALL)


def _page_published_or_unpublished(sender, instance: Page, **kwargs) -> None:
    retire_after_commit(*change_tags(instance))


def _page_moved(sender, instance: Page, parent_page_before: Page, parent_page_after: Page, **kwargs) -> None:
    # The page and everything beneath it has a new path: both sites' pages may list or link it.
    retire_after_commit(page_tag(instance.pk), site_tag(parent_page_before.path), site_tag(parent_page_after.path))
    if instance.depth <= SITE_ROOT_DEPTH:
        invalidate_after_commit(Scope.SITE_FACTS)


def _page_saved(sender, instance: Page, **kwargs) -> None:
    if instance.depth is not None and instance.depth <= SITE_ROOT_DEPTH:
        invalidate_after_commit(Scope.SITE_FACTS)


def _page_deleted(sender, instance: Page, **kwargs) -> None:
    if instance.depth is not None and instance.depth <= SITE_ROOT_DEPTH:
        invalidate_after_commit(Scope.SITE_FACTS)
        retire_after_commit(ALL)  # a whole site gone: the cluster's navigation lists it
    elif instance.path:
        retire_after_commit(*change_tags(instance))


def connect() -> None:
    for model in (Site, SiteProfile, Organisation):
        for signal in (post_save, post_delete):
            signal.connect(_cluster_row_changed, sender=model, dispatch_uid=f"sites.cluster_row.{model._meta.label}")
    for signal in (post_save, post_delete):
        signal.connect(_appearance_changed, sender=SiteAppearance, dispatch_uid="sites.appearance")
        signal.connect(_footer_link_changed, sender=FooterLink, dispatch_uid="sites.footer_link")
    connect_for_page_models(page_published, _page_published_or_unpublished, "sites.published")
    connect_for_page_models(page_unpublished, _page_published_or_unpublished, "sites.unpublished")
    connect_for_page_models(post_page_move, _page_moved, "sites.moved")
    connect_for_page_models(post_save, _page_saved, "sites.page_saved")
    # A delete always removes the wagtailcore_page row, sent with Page as sender.
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid="sites.page_deleted")
