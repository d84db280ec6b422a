from __future__ import annotations

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
