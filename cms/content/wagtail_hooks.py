"""Wagtail wiring of the page types."""

from wagtail import hooks

from .blueprints import build_column_tree


# First of the provisioning steps: workflows (cms.workflow) are assigned to the columns built here.
@hooks.register("after_provision_site", order=-10)
def build_site_columns(site, profile, organisation, site_type, actor, **kwargs) -> None:
    build_column_tree(site.root_page, site_type, organisation)
