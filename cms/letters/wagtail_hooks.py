from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from .actions import ACTION_LABELS
from .admin_views import ReplyDeadlinePermissionPolicy, ReplyDeadlineViewSet
from .mailboxes import add_standard_mailbox
from .models import ReplyDeadline

register_permission_policy(ReplyDeadline, ReplyDeadlinePermissionPolicy(ReplyDeadline))
reply_deadlines = ReplyDeadlineViewSet("letters_replydeadline")


@hooks.register("register_log_actions")
def register_letter_actions(actions):
    for key, label in ACTION_LABELS.items():
        actions.register_action(f"letters.{key}", label, f"来信：{label}")


# After the column tree (cms.content, order -10) has placed the 互动交流 column.
@hooks.register("after_provision_site", order=-5)
def add_site_mailbox(site, profile, organisation, site_type, actor, **kwargs) -> None:
    add_standard_mailbox(site, site_type)


# --- admin: 互动交流 → 来信办理, 答复时限; the dashboard panels ---------------------------


@hooks.register("register_admin_urls")
def register_letter_urls():
    from . import urls

    return [path("letters/", include((urls.urlpatterns, urls.app_name), namespace="letters_admin"))]


@hooks.register("register_admin_viewset")
def register_reply_deadlines():
    return reply_deadlines


class LettersMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import may_use_letters_admin

        return may_use_letters_admin(request.user)


class ReplyDeadlineMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("letters.change_replydeadline")


# Other apps of 互动交流 (意见征集审核, cms.consultations) add their items through the hook
# ``register_interaction_menu_item``, as Wagtail's own settings and reports menus are filled:
# the menu lives here, with the letters that make up most of it, and neither app imports the other.
INTERACTION_MENU_HOOK = "register_interaction_menu_item"


@hooks.register("register_admin_menu_item")
def register_interaction_menu():
    menu = Menu(
        register_hook_name=INTERACTION_MENU_HOOK,
        items=[
            LettersMenuItem("来信办理", reverse_lazy("letters_admin:index"), icon_name="mail", order=100),
            ReplyDeadlineMenuItem(
                "答复时限", reverse_lazy(reply_deadlines.get_url_name("index")), icon_name="time", order=200
            ),
        ],
    )
    return SubmenuMenuItem("互动交流", menu, icon_name="comment", order=180)


@hooks.register("construct_homepage_panels")
def add_letter_panels(request, panels):
    from .panels import letter_panels

    panels.extend(letter_panels(request.user))


@hooks.register("insert_global_admin_css")
def letters_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("letters/admin.css"))
