from wagtail import hooks

from .actions import ACTION_LABELS
from .mailboxes import add_standard_mailbox


@hooks.register("register_log_actions")
def register_letter_actions(actions):
    for key, label in ACTION_LABELS.items():
        actions.register_action(f"letters.{key}", label, f"来信：{label}")


# After the column tree (cms.content, order -10) has placed the 互动交流 column.
@hooks.register("after_provision_site", order=-5)
def add_site_mailbox(site, profile, organisation, site_type, actor, **kwargs) -> None:
    add_standard_mailbox(site, site_type)
