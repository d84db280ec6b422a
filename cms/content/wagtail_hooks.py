"""Wagtail wiring of the page types and of the media they use."""

from wagtail import hooks

from sites.launch import SITE_LAUNCH_CHECK

from .blueprints import build_column_tree
from .media import SiteDocumentsAPIViewSet, SiteImagesAPIViewSet, served_document_refusal
from .navigation import blank_menu_column_findings


# First of the provisioning steps: workflows (cms.workflow) are assigned to the columns built here.
@hooks.register("after_provision_site", order=-10)
def build_site_columns(site, profile, organisation, site_type, actor, **kwargs) -> None:
    build_column_tree(site.root_page, site_type, organisation)


# After Wagtail's own images and documents hooks, whose endpoints these replace.
@hooks.register("construct_admin_api", order=100)
def scope_media_api(router) -> None:
    router.register_endpoint("images", SiteImagesAPIViewSet)
    router.register_endpoint("documents", SiteDocumentsAPIViewSet)


# Documents used by no public page are not public files (cms/content/media.py).
hooks.register("before_serve_document", served_document_refusal)


# 开通检查: no column in the site's navigation may be blank when it opens.
hooks.register(SITE_LAUNCH_CHECK, blank_menu_column_findings)
