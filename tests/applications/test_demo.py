"""The demo's applications: every state, made through the real actions, once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms.applications.demo import load_applications_demo
from cms.applications.models import Application, ApplicationState
from cms.applications.selectors import Today
from sites.groups import site_group


@pytest.fixture
def demo_sites(department, township, make_site):
    wjw = make_site("wjw.example.gov.cn", name="宣州区卫生健康委员会")
    sites = {"jyj": department, "wjw": wjw, "shuiyang": township}
    for key, site in sites.items():
        for role in ("editor", "reviewer", "leader"):
            user = get_user_model().objects.create_user(f"{key}_{role}", email=f"{key}_{role}@example.gov.cn")
            user.groups.add(site_group(site, role))
    return sites


def test_every_state_overdue_extended_and_consulted_once(demo_sites):
    made = load_applications_demo(demo_sites)
    assert made == Application.objects.count() > 15
    assert set(Application.objects.values_list("state", flat=True)) == set(ApplicationState.values)
    now = Today.now()
    assert Application.objects.filter(now.overdue()).exists()
    assert Application.objects.filter(extension_days__gt=0).exists()
    assert Application.objects.filter(state=ApplicationState.THIRD_PARTY, pauses__ended_on=None).exists()
    assert set(Application.objects.values_list("unit_id", flat=True)) == {s.pk for s in demo_sites.values()}
    assert load_applications_demo(demo_sites) == 0  # idempotent
