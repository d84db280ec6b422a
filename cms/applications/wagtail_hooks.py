from wagtail import hooks

from .actions import ACTION_LABELS
from .pages import add_application_page


@hooks.register("register_log_actions")
def register_application_actions(actions):
    for key, label in ACTION_LABELS.items():
        actions.register_action(f"applications.{key}", label, f"政府信息公开申请：{label}")


# After the column tree (cms.content, order -10), before the standing pages (cms.disclosure, -5),
# whose 政府信息公开指南 links this page.
@hooks.register("after_provision_site", order=-6)
def add_site_application_page(site, profile, organisation, site_type, actor, **kwargs) -> None:
    add_application_page(site)
