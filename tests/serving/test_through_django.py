"""The real app behind the real proxy: pytest-django's live server behind deploy/varnish/default.vcl."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.conf import settings
from django.test import Client

from core.publishing import review_waived
from sites import front_proxy
from sites.models import SiteType

from ..conftest import column_of, publish_article
from .conftest import probe_request, render_vcl

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def app_varnish(start_varnish, live_server):
    return start_varnish(render_vcl(int(live_server.url.rsplit(":", 1)[1]), probe=False))


@pytest.fixture
def article(app_varnish, seeded_transactional_db, make_site, settings):
    """A published article of a site whose address is the proxy's (as readers reach it). The
    proxy outlives each test's database: every test's site has a hostname of its own."""
    settings.FRONT_PROXY_URLS = [app_varnish.url]
    hostname = f"t{uuid.uuid4().hex[:12]}.example.gov.cn"
    site = make_site(hostname, SiteType.PORTAL, name="宣州区人民政府", port=app_varnish.port)
    return publish_article(column_of(site, "tzgg"), "关于开展安全检查的通知")


def host(article) -> str:
    return f"{article.get_site().hostname}:{article.get_site().port}"


def test_an_anonymous_page_is_a_hit_the_second_time(app_varnish, article):
    first = app_varnish.get(article.url, host=host(article))
    assert (first.status_code, first.headers["X-Cache"]) == (200, "MISS")
    assert "s-maxage=300" in first.headers["Cache-Control"]
    second = app_varnish.get(article.url, host=host(article))
    assert (second.headers["X-Cache"], second.text) == ("HIT", first.text)
    assert "xkey" not in second.headers
    elderly = app_varnish.get(article.url, host=host(article), headers={"Cookie": "elderly=1"})
    assert elderly.headers["X-Cache"] == "MISS"
    assert 'class="elderly"' in elderly.text and 'class="elderly"' not in first.text


def test_a_signed_in_editor_and_a_post_pass_to_the_app(app_varnish, article, superuser):
    app_varnish.get(article.url, host=host(article))  # the anonymous copy
    client = Client()
    client.force_login(superuser)
    session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}

    dashboard = app_varnish.get("/admin/", host=host(article), headers=session)
    assert (dashboard.status_code, dashboard.headers["X-Cache"]) == (200, "PASS"), "signed in: no redirect to login"
    page = app_varnish.get(article.url, host=host(article), headers=session)
    assert (page.status_code, page.headers["X-Cache"]) == (200, "PASS")
    anonymous = app_varnish.get("/admin/", host=host(article))
    assert (anonymous.status_code, anonymous.headers["X-Cache"]) == (302, "PASS")

    posted = app_varnish.request("POST", "/search/", host=host(article), data={"q": "通知"})
    assert posted.headers["X-Cache"] == "PASS"
    assert posted.status_code == 403, "Django's own CSRF refusal: the POST reached the app"


def test_a_purge_by_the_purger_makes_the_next_request_a_miss(app_varnish, article):
    app_varnish.get(article.url, host=host(article))
    assert app_varnish.get(article.url, host=host(article)).headers["X-Cache"] == "HIT"
    front_proxy.purge(tags=[f"page:{article.pk}"])  # a tag its response carried (``xkey``)
    assert app_varnish.get(article.url, host=host(article)).headers["X-Cache"] == "MISS"
    assert app_varnish.get(article.url, host=host(article)).headers["X-Cache"] == "HIT"
    front_proxy.purge(urls=[article.full_url])
    assert app_varnish.get(article.url, host=host(article)).headers["X-Cache"] == "MISS"


def test_a_publish_retires_at_the_proxy_the_lists_showing_it_and_nothing_else(app_varnish, article):
    """The tags of the change (sites.page_cache.change_tags) reach the proxy: the column and the
    home page listing the new item are fetched again, another column stays cached."""
    site = article.get_site()
    notices, news = column_of(site, "tzgg"), column_of(site, "zcwj")
    urls = {"home": "/", "notices": notices.url, "news": news.url}
    for url in urls.values():
        app_varnish.get(url, host=host(article))
        assert app_varnish.get(url, host=host(article)).headers["X-Cache"] == "HIT"
    publish_article(notices, "关于秋季防火的通知")
    after = {name: app_varnish.get(url, host=host(article)) for name, url in urls.items()}
    assert after["notices"].headers["X-Cache"] == "MISS" and "关于秋季防火的通知" in after["notices"].text
    assert after["home"].headers["X-Cache"] == "MISS"
    assert after["news"].headers["X-Cache"] == "HIT"


def test_a_publish_reaches_the_proxy_through_wagtails_frontend_cache(app_varnish, article, settings):
    settings.WAGTAILFRONTENDCACHE = {"front_proxy": {"BACKEND": "sites.front_proxy.WagtailPurgeBackend"}}
    assert "关于开展安全检查的通知" in app_varnish.get(article.url, host=host(article)).text
    article.title = "关于开展安全检查的补充通知"
    with review_waived("测试"):
        article.save_revision().publish()
    fresh = app_varnish.get(article.url, host=host(article))
    assert fresh.headers["X-Cache"] == "MISS"
    assert "补充通知" in fresh.text


def test_the_app_answers_the_probe_of_the_vcl(live_server, article):
    """The probe's own request, sent to the app as the shipped VCL sends it: 200, or Varnish
    would call a working app sick."""
    address = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((address[0], int(address[1])), timeout=10) as connection:
        connection.sendall(probe_request())
        status_line = connection.makefile("rb").readline().decode()
    assert status_line.split()[1] == "200", status_line
