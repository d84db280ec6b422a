from __future__ import annotations

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import password_change_required
from .two_factor import totp_verification_required

# What a user who must change the password (or enter a two-factor code) may still reach:
# those pages, logout, and the assets every admin page fetches (the JS translation
# catalogue and the icon sprite) — redirected, they would load a second copy of the form
# into the page.
ALLOWED_NAMES = (
    "accounts:change_password",
    "accounts:2fa_verify",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
)


RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    """Activity keeps a signed-in session alive: the idle expiry (``SESSION_COOKIE_AGE``) is
    renewed by saving the session, at most once every ``SESSION_RENEW_SECONDS``, so an idle
    session ends 30 minutes after the last activity (less that minute at most) and an active
    one costs no write on every request. A request without a session creates none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None:
            renewed = session.get(RENEWED_AT, 0)  # loads it: an unknown or expired key becomes None
            now = int(time.time())
            if session.session_key is not None and now - renewed >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now  # modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """After a reset, or once the password is older than the expiry, the admin shows
    only the change-password form; a user with a confirmed authenticator (optional, for
    info-center roles) first enters its code. Two queries per admin request, none for public pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.path not in {reverse(name) for name in ALLOWED_NAMES}
        ):
            # Two-factor first (when the user has an authenticator), then the password.
            if totp_verification_required(request):
                return redirect(reverse("accounts:2fa_verify") + f"?next={request.path}")
            if password_change_required(request.user):
                return redirect(reverse("accounts:change_password") + f"?next={request.path}")
        return self.get_response(request)
