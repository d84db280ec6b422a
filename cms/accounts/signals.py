"""Login history: every login, failed login and logout becomes a LoginEvent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import LoginEvent


def _client(request) -> dict:
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
    return {"ip_address": ip, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255]}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    LoginEvent.objects.create(user=user, username=user.get_username(), kind=LoginEvent.Kind.LOGIN, **_client(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        LoginEvent.objects.create(
            user=user, username=user.get_username(), kind=LoginEvent.Kind.LOGOUT, **_client(request)
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    LoginEvent.objects.create(user=user, username=username, kind=LoginEvent.Kind.FAILED, **_client(request))
