from __future__ import annotations

from axes.backends import AxesBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class LockoutBackend(AxesBackend):
    """django-axes' lockout check, for logins that come with a request.

    Every real login (the admin login form, Django's LoginView) passes the
    request; only in-process calls such as the test client's ``login()`` or a
    shell do not. Those cannot be brute-forced from outside, so they skip the
    check instead of failing (AxesBackend raises without a request).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler plus a ceiling per account across addresses.

    Axes locks by account and address (``AXES_LOCKOUT_PARAMETERS``), so failures from
    one address cannot lock the account elsewhere; this adds that ``LOGIN_FAILURE_CEILING``
    failures of one account within the cool-off, from any addresses, lock it everywhere,
    so spreading guesses over many addresses does not multiply them without bound."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or (
            self.failures_across_addresses(request, credentials) >= settings.LOGIN_FAILURE_CEILING
        )

    def failures_across_addresses(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        attempts = AccessAttempt.objects.filter(username=username)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
