"""Optional TOTP two-factor authentication (django-otp) for the info center's roles."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from .errors import AccountError
from .roles import TWO_FACTOR


def may_use_two_factor(user) -> bool:
    return user.has_perm(TWO_FACTOR)


def start_totp_setup(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for an info-center user (replaces an earlier unconfirmed one)."""
    if not may_use_two_factor(user):
        raise AccountError("两步验证只面向信息中心的系统管理员、安全管理员和审计管理员。")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def confirm_totp(user, token: str) -> TOTPDevice:
    """Confirm the pending authenticator with a code from it; from then on every login asks for a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise AccountError("验证码不正确，请输入身份验证器中当前显示的 6 位数字。")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log(instance=user, action="accounts.enable_2fa", user=user)
    return device


def verify_totp(user, token: str) -> TOTPDevice:
    """The user's confirmed authenticator if ``token`` is its current code (throttled by django-otp)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(token.strip()):
        raise AccountError("验证码不正确或尝试过于频繁，请稍后输入身份验证器中当前的 6 位数字。")
    return device


def totp_verification_required(request) -> bool:
    """Logged in with a password only, while a confirmed authenticator exists."""
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return not verified and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
