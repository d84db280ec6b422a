"""After a takedown and after its restore, front proxies receive an HTTP PURGE for every affected URL.

Wagtail finds the URLs (``wagtail.contrib.frontend_cache`` on ``page_unpublished`` and
``page_published``: takedown and restore go through Wagtail's unpublish and publish);
``sites.front_proxy`` sends them as the VCL's ``url:`` tags, as the shipped settings do."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cms.syndication.models import PushMode, TakedownKind
from cms.syndication.push import accept, push
from cms.syndication.takedown import restore, take_down

from ..conftest import column_of

pytestmark = pytest.mark.django_db


class Proxy(BaseHTTPRequestHandler):
    """Records every PURGE it receives."""

    received: list[str] = []  # url: tags of the xkey-purge headers

    def do_PURGE(self) -> None:
        self.received.extend(self.headers["xkey-purge"].split())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def proxy(settings):
    Proxy.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FRONT_PROXY_URLS = [f"http://127.0.0.1:{server.server_address[1]}"]
    settings.WAGTAILFRONTENDCACHE = {"front_proxy": {"BACKEND": "sites.front_proxy.WagtailPurgeBackend"}}
    yield Proxy
    server.shutdown()


def test_every_affected_url_is_purged_after_the_takedown_and_after_the_restore(
    portal, township, item, editor_of, info_center, committed, proxy
):
    record = push(item, [column_of(portal, "tzgg")], PushMode.ALIAS, editor_of(township))[0].record
    accept(record, editor_of(portal))
    proxy.received.clear()  # publishing sent its own purges
    expected = {"url:shuiyang.example.gov.cn/gzdt/fxyl/", "url:www.example.gov.cn/tzgg/fxyl/"}

    with committed():
        take_down(item, TakedownKind.GONE, "错误", info_center)
        assert proxy.received == [], "purged only once the takedown is committed"
    # The pages' URLs (Wagtail's frontend cache) and their page-cache tags (sites.page_cache).
    record.refresh_from_db()
    assert expected | {f"page:{item.pk}", f"page:{record.resulting_page_id}"} <= set(proxy.received)

    proxy.received.clear()
    with committed():
        restore(item, info_center, "核实无误")
    assert expected <= set(proxy.received)
