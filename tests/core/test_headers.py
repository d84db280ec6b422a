"""Security headers on every response: error pages with debugging off, cached pages, the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from ..conftest import column_of, publish_article


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class TestEveryResponse:
    @pytest.mark.parametrize("path", ["/", "/tzgg/", "/no-such-page/", "/search/?q=通知", "/admin/login/", "/rss.xml"])
    def test_carries_csp_and_permissions_policy(self, client, township, path):
        response = client.get(path, HTTP_HOST=township.hostname)
        assert "default-src 'self'" in response["Content-Security-Policy"]
        for feature in PERMISSIONS_POLICY.split(", "):
            assert feature in response["Permissions-Policy"]

    def test_a_page_served_from_the_cache_too(self, client, township):
        publish_article(column_of(township, "tzgg"), "缓存的通知")
        client.get("/tzgg/", HTTP_HOST=township.hostname)
        hit = client.get("/tzgg/", HTTP_HOST=township.hostname)
        assert hit["X-Page-Cache"] == "hit"
        assert hit["Permissions-Policy"] and hit["Content-Security-Policy"]

    def test_404_with_debugging_off(self, client, township, settings):
        settings.DEBUG = False
        response = client.get("/no-such-page/", HTTP_HOST=township.hostname)
        assert response.status_code == 404
        assert "object-src 'none'" in response["Content-Security-Policy"]
        assert response["Permissions-Policy"]

    def test_500_with_debugging_off(self, township, superuser, settings):
        settings.DEBUG = False
        client = Client(raise_request_exception=False)
        client.force_login(superuser)
        response = client.get("/admin/failwhale/", HTTP_HOST=township.hostname)  # Wagtail's deliberate error
        assert response.status_code == 500
        assert "抱歉，网站暂时出现错误" in response.content.decode()
        assert "object-src 'none'" in response["Content-Security-Policy"]
        assert response["Permissions-Policy"]

    def test_400_and_413_pages(self, client, township, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        for response in (
            client.get("/tzgg/%00/", HTTP_HOST=township.hostname),
            client.post("/admin/login/", {"username": "x" * 200}, HTTP_HOST=township.hostname),
        ):
            assert response.status_code in (400, 413)
            assert response["Content-Security-Policy"] and response["Permissions-Policy"]


class TestScripts:
    def test_public_pages_run_no_inline_script(self, client, township):
        policy = directives(client.get("/", HTTP_HOST=township.hostname))
        assert policy["script-src"] == ["'self'"]
        assert policy["script-src-attr"] == ["'none'"]

    def test_the_admin_login_page_runs_no_inline_script(self, client, township):
        policy = directives(client.get("/admin/login/", HTTP_HOST=township.hostname))
        assert "'unsafe-inline'" not in policy["script-src"]

    def test_the_signed_in_admin_allows_inline_script_elements_but_no_inline_handlers(
        self, client, township, superuser
    ):
        client.force_login(superuser)
        policy = directives(client.get("/admin/", HTTP_HOST=township.hostname))
        assert "'unsafe-inline'" in policy["script-src"]  # Wagtail's date widgets and inline panels (ADR 0009)
        assert policy["script-src-attr"] == ["'none'"]  # onerror=… and friends stay blocked
