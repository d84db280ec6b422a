"""Permission names in Chinese.

Django stores each permission's name once, in English, when ``migrate`` creates it
("Can add page", Wagtail's "Publish any page"), and the group editor shows that stored
name. After every ``migrate`` the names are rewritten in the admin's language: Django's
four default actions as 可添加/可修改/可删除/可查看 plus the model's verbose name, any other
name through gettext (Wagtail's own msgids, and ours in ``locale/``). The codename, which
is what every check reads, never changes.
"""

from __future__ import annotations

import re

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.utils import translation

DEFAULT_ACTIONS = {"add": "可添加", "change": "可修改", "delete": "可删除", "view": "可查看"}
LATIN = re.compile(r"[A-Za-z]")


def chinese_permission_name(codename: str, english_name: str, model: type | None) -> str:
    """The Chinese name of one permission (``english_name`` itself where no translation is known)."""
    action = codename.partition("_")[0]
    if model is not None and action in DEFAULT_ACTIONS and codename == f"{action}_{model._meta.model_name}":
        # The raw name as msgid: Wagtail's lazy names and the third-party ones locale/ translates.
        return f"{DEFAULT_ACTIONS[action]}{translation.gettext(model._meta.verbose_name_raw)}"
    return translation.gettext(english_name)


def name_permissions_in_chinese(sender: AppConfig, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate: rename the permissions still named in English (one query when none are)."""
    from django.contrib.auth.models import Permission

    # Django creates an app's permissions in its own post_migrate receiver, which may run after
    # this one: create them first (idempotent) so none is missed whatever the receivers' order.
    create_permissions(sender, verbosity=0, using=using, apps=apps or global_apps)
    with translation.override(settings.LANGUAGE_CODE):
        english = Permission.objects.using(using).select_related("content_type").filter(name__regex=LATIN.pattern)
        for permission in english:
            name = chinese_permission_name(permission.codename, permission.name, permission.content_type.model_class())[
                : Permission._meta.get_field("name").max_length
            ]
            if name != permission.name:
                permission.name = name
                permission.save(update_fields=["name"])
