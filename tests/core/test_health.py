"""The front proxy's health probe (core/health.py, deploy/varnish/default.vcl)."""

from __future__ import annotations

import pytest

from sites.services import close_subsite

pytestmark = pytest.mark.django_db


def test_the_probe_gets_a_small_uncached_answer_without_cookies(client, portal):
    response = client.get("/healthz/", HTTP_HOST=portal.hostname)
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"] and not response.cookies


def test_a_closed_site_on_the_probes_host_does_not_make_the_app_sick(client, portal, township):
    close_subsite(township, notice="本站已关停。")
    assert client.get("/", HTTP_HOST=township.hostname).status_code == 410
    assert client.get("/healthz/", HTTP_HOST=township.hostname).status_code == 200
