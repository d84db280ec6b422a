"""Accounts made the way the info center makes them: through the account lifecycle actions."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model

from cms.accounts.lifecycle import AccountRequest, create_account
from cms.accounts.roles import INFO_CENTER_ROLE_KEYS, info_center_group

PASSWORD = "Unit-pass-2026!"
_serial = itertools.count(1)


@pytest.fixture
def make_account(db):
    """A unit account for ``site`` in ``role``, with a known password already changed (no forced change)."""

    def make(site, role: str = "editor", *, username: str | None = None, password: str = PASSWORD):
        user, _ = create_account(
            AccountRequest(
                username=username or f"{role}{next(_serial)}",
                site=site,
                role=role,
                responsible_name="张三",
                responsible_phone="0563-3021234",
            )
        )
        user.set_password(password)
        user.save()  # records the change: no forced change pending
        return user

    return make


@pytest.fixture
def make_info_center_user(db):
    """A member of one info-center group (系统管理员 / 安全管理员 / 审计管理员 / 信息中心)."""

    def make(group_name: str, *, username: str | None = None):
        user = get_user_model().objects.create_user(username or f"ic{next(_serial)}", password=PASSWORD)
        user.groups.add(info_center_group(INFO_CENTER_ROLE_KEYS.get(group_name, group_name)))
        return user

    return make
