"""Reactions in the accounts app, connected once in ``AccountsConfig.ready()``: every login,
failed login and logout becomes a LoginEvent (the login history); after every ``migrate``
the info-center groups are put in step with their roles (``roles.ensure_info_center_roles``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate

from .models import LoginEvent


def _client(request) -> dict:
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
    return {"ip_address": ip, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255]}


def logged_in(sender, request, user, **kwargs) -> None:
    LoginEvent.objects.create(user=user, username=user.get_username(), kind=LoginEvent.Kind.LOGIN, **_client(request))


def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        LoginEvent.objects.create(
            user=user, username=user.get_username(), kind=LoginEvent.Kind.LOGOUT, **_client(request)
        )


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    LoginEvent.objects.create(user=user, username=username, kind=LoginEvent.Kind.FAILED, **_client(request))


def migrated(sender, **kwargs) -> None:
    from .roles import ensure_info_center_roles

    # Every app's permissions exist only after migrate, and the page and media grants
    # need the page tree and the root collection.
    ensure_info_center_roles()


def connect(app_config) -> None:
    post_migrate.connect(migrated, sender=app_config, dispatch_uid="accounts.info_center_roles")
    # Authentication signals, not model saves: every sender is a login.
    from django.contrib import auth

    user_model = get_user_model()
    user_logged_in.connect(logged_in, sender=user_model, dispatch_uid="accounts.logged_in")
    user_logged_out.connect(logged_out, sender=user_model, dispatch_uid="accounts.logged_out")
    # django.contrib.auth sends this with its module name as the sender.
    user_login_failed.connect(login_failed, sender=auth.__name__, dispatch_uid="accounts.login_failed")
