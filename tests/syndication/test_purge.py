"""After a takedown, front proxies receive an HTTP PURGE for every affected URL, retried if the proxy fails."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cms.syndication.models import PushMode, TakedownKind
from cms.syndication.services import accept, push, take_down

from ..conftest import column_of

pytestmark = pytest.mark.django_db


class FlakyProxy(BaseHTTPRequestHandler):
    """Answers 503 once ``fail_next`` is set, then 200; records every request."""

    received: list[tuple[str, str]] = []
    fail_next = False

    def do_PURGE(self) -> None:
        self.received.append((self.headers["Host"], self.path))
        failing, FlakyProxy.fail_next = FlakyProxy.fail_next, False
        self.send_response(503 if failing else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def proxy(settings):
    FlakyProxy.received = []
    FlakyProxy.fail_next = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield FlakyProxy
    server.shutdown()


def test_every_affected_url_is_purged_and_a_failed_purge_is_retried(
    portal, township, item, editor_of, info_center, committed, proxy
):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))
    proxy.received.clear()  # publishing sent its own purges
    proxy.fail_next = True

    with committed():
        take_down(item, TakedownKind.GONE, "错误", info_center)

    expected = {("shuiyang.example.gov.cn", "/gzdt/fxyl/"), ("www.example.gov.cn", "/tzgg/fxyl/")}
    assert set(proxy.received) == expected
    assert len(proxy.received) == 4, "the first attempt had a 503, so both URLs were purged again"
