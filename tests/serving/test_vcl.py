"""deploy/varnish/default.vcl in a real varnishd, in front of a backend whose answers each test sets."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from .conftest import PUBLIC, StubBackend, render_vcl


def test_an_anonymous_page_is_fetched_once_then_served_from_the_cache(varnish, stub_backend, path):
    stub_backend.answer(path, "第一版", Cache_Control=PUBLIC, Vary="Cookie")
    first, second = varnish.get(path), varnish.get(path)
    assert (first.status_code, first.headers["X-Cache"]) == (200, "MISS")
    assert (second.headers["X-Cache"], second.text) == ("HIT", "第一版")
    assert stub_backend.hits(path) == 1
    assert varnish.request("HEAD", path).headers["X-Cache"] == "HIT", "HEAD is answered from the same object"


def test_s_maxage_is_the_lifetime_and_the_xkey_header_never_reaches_the_client(varnish, stub_backend, path):
    stub_backend.answer(path, Cache_Control="public, max-age=0, s-maxage=1", xkey="page:1 site:7:nav")
    assert "xkey" not in varnish.get(path).headers
    time.sleep(1.2)
    stale = varnish.get(path)
    assert stale.headers["X-Cache"] == "STALE", "past s-maxage the copy is stale (and refetched in the background)"
    assert "xkey" not in stale.headers


def test_hosts_are_cached_apart(varnish, stub_backend, path):
    stub_backend.answer(path, Cache_Control=PUBLIC)
    varnish.get(path, host="a.test")
    assert varnish.get(path, host="b.test").headers["X-Cache"] == "MISS"
    assert varnish.get(path, host="A.test").headers["X-Cache"] == "HIT", "hostnames are case-insensitive"


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": f"{settings.SESSION_COOKIE_NAME}=abc"},
        {"Cookie": f"elderly=1; {settings.SESSION_COOKIE_NAME}=abc"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["session", "session-and-elderly", "authorization"],
)
def test_a_signed_in_request_is_passed_with_its_cookies(varnish, stub_backend, path, headers):
    stub_backend.answer(path, Cache_Control=PUBLIC)
    varnish.get(path)  # an anonymous copy exists
    response = varnish.get(path, headers=headers)
    assert response.headers["X-Cache"] == "PASS"
    assert stub_backend.hits(path) == 2
    forwarded = stub_backend.requests_to(path)[-1][2]
    for name, value in headers.items():
        assert forwarded[name] == value, "the app sees the session it must check"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writes_are_passed(varnish, stub_backend, path, method):
    stub_backend.answer(path, Cache_Control=PUBLIC)
    varnish.get(path)
    response = varnish.request(method, path, data="x=1")
    assert response.headers["X-Cache"] == "PASS"
    assert [m for m, *_ in stub_backend.requests_to(path)] == ["GET", method]


@pytest.mark.parametrize("prefix", [p for p in settings.PAGE_CACHE_EXEMPT_PREFIXES if p not in ("/static/", "/media/")])
def test_the_paths_the_page_cache_exempts_are_passed_even_if_marked_public(varnish, stub_backend, prefix):
    """The admin with its previews, private documents, the API, the 长者模式 switch. Static files
    and media may be cached when the app says so (nginx serves them in production)."""
    path = f"{prefix}x{time.monotonic_ns()}/"
    stub_backend.answer(path, Cache_Control=PUBLIC)
    assert {varnish.get(path).headers["X-Cache"], varnish.get(path).headers["X-Cache"]} == {"PASS"}
    assert stub_backend.hits(path) == 2


def test_other_cookies_are_dropped_and_elderly_mode_is_a_variant_of_its_own(varnish, stub_backend, path):
    stub_backend.answer(path, Cache_Control=PUBLIC, Vary="Cookie")
    standard = varnish.get(path, headers={"Cookie": "csrftoken=x; _ga=GA1"})
    assert "Cookie" not in stub_backend.requests_to(path)[-1][2], "the app renders the anonymous page"
    elderly = varnish.get(path, headers={"Cookie": "_ga=GA1; elderly=1"})
    assert (standard.headers["X-Cache"], elderly.headers["X-Cache"]) == ("MISS", "MISS")
    assert stub_backend.requests_to(path)[-1][2]["Cookie"] == "elderly=1", "only the 长者模式 cookie reaches the app"
    assert varnish.get(path, headers={"Cookie": "elderly=1"}).headers["X-Cache"] == "HIT"
    assert varnish.get(path, headers={"Cookie": "elderly=0; theme=x"}).headers["X-Cache"] == "HIT"
    assert varnish.get(path).headers["X-Cache"] == "HIT"
    assert stub_backend.hits(path) == 2, "two variants, each fetched once"


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, {"Cache_Control": PUBLIC, "Set_Cookie": "csrftoken=abc; Path=/"}),
        (200, {"Cache_Control": "max-age=0, no-cache, no-store, must-revalidate, private"}),
        (200, {"Cache_Control": "public, s-maxage=300, no-store"}),
        (200, {"Cache_Control": "private, max-age=600"}),
        (200, {}),  # no caching headers: the app did not say it may be shared
        (404, {}),
        (500, {"Cache_Control": PUBLIC}),
        (503, {"Cache_Control": PUBLIC, "Retry_After": "3600"}),
    ],
    ids=["set-cookie", "never-cache", "no-store", "private", "unmarked", "404", "500", "503"],
)
def test_personalised_unmarked_and_error_answers_are_never_cached(varnish, stub_backend, path, status, headers):
    stub_backend.answer(path, "个人", status=status, **headers)
    responses = [varnish.get(path) for _ in range(3)]
    assert [r.status_code for r in responses] == [status] * 3
    assert stub_backend.hits(path) == 3, "every request reached the app"
    assert "HIT" not in {r.headers["X-Cache"] for r in responses}
    if "Set_Cookie" in headers:
        assert all(r.headers["Set-Cookie"].startswith("csrftoken=") for r in responses), "each got its own cookie"


def test_tracking_parameters_share_the_page_and_real_parameters_do_not(varnish, stub_backend, path):
    stub_backend.answer(path, Cache_Control=PUBLIC)
    varnish.get(f"{path}?page=2&q=税")
    for query in (
        "?utm_source=weixin&page=2&q=税",
        "?q=税&page=2&utm_medium=x&utm_campaign=y",
        "?page=2&gclid=abc&q=税&fbclid=def",
        "?q=税&spm=a.b.c&page=2&isappinstalled=0&scene=1",
    ):
        assert varnish.get(path + query).headers["X-Cache"] == "HIT", query
    assert stub_backend.hits(path) == 1
    assert varnish.get(f"{path}?page=3&q=税").headers["X-Cache"] == "MISS"
    assert varnish.get(f"{path}?utm_source=x").headers["X-Cache"] == "MISS"
    assert varnish.get(path).headers["X-Cache"] == "HIT", "a URL of tracking parameters only is the bare page"
    assert [received for _, received, _ in stub_backend.requests_to(path)][-1] == path, "the app sees no tracker"


def test_a_tag_purge_removes_every_object_carrying_a_tag_and_only_those(varnish, stub_backend, path):
    tagged = {f"{path}a/": "page:101 column:5", f"{path}b/": "column:5 site:7:nav", f"{path}c/": "page:102 column:6"}
    for url, tags in tagged.items():
        stub_backend.answer(url, Cache_Control=PUBLIC, Vary="Cookie", xkey=tags)
        varnish.get(url)
        varnish.get(url, headers={"Cookie": "elderly=1"})
    purge = varnish.request("PURGE", "/", headers={"xkey-purge": "column:5 page:999"})
    assert purge.status_code == 200
    assert purge.headers["X-Purged"] == "4", "both variants of both pages showing column 5"
    assert varnish.get(f"{path}a/").headers["X-Cache"] == "MISS"
    assert varnish.get(f"{path}b/", headers={"Cookie": "elderly=1"}).headers["X-Cache"] == "MISS"
    assert varnish.get(f"{path}c/").headers["X-Cache"] == "HIT", "an unrelated page stays cached"


def test_a_purged_page_is_not_served_stale_even_when_the_app_is_down(start_varnish, path):
    """Hard purge: a taken-down page must not come back as a grace copy."""
    backend = StubBackend()
    proxy = start_varnish(render_vcl(backend.port))
    backend.answer(path, "已下架的内容", Cache_Control="public, max-age=0, s-maxage=1", xkey="page:7")
    proxy.get(path)
    backend.stop()
    assert proxy.request("PURGE", "/", headers={"xkey-purge": "page:7"}).headers["X-Purged"] == "1"
    time.sleep(1.2)
    response = proxy.get(path)
    assert response.status_code == 503
    assert "已下架的内容" not in response.text
    assert "网站暂时无法访问" in response.text, "the reader gets a Chinese notice"
    proxy.stop()


def test_a_url_purge_removes_every_variant_of_that_url(varnish, stub_backend, path):
    stub_backend.answer(path, Cache_Control=PUBLIC, Vary="Cookie")
    stub_backend.answer(f"{path}other/", Cache_Control=PUBLIC)
    for query, cookie in (("", None), ("?page=2", None), ("", "elderly=1")):
        varnish.get(path + query, headers={"Cookie": cookie} if cookie else {})
    varnish.get(f"{path}other/")
    purge = varnish.request("PURGE", path, host="Site.test")
    assert (purge.status_code, purge.headers["X-Purged"]) == (200, "3")
    assert varnish.get(path).headers["X-Cache"] == "MISS"
    assert varnish.get(f"{path}?page=2").headers["X-Cache"] == "MISS"
    assert varnish.get(f"{path}other/").headers["X-Cache"] == "HIT"
    assert varnish.get(path, host="other.test").headers["X-Cache"] == "MISS", "(never cached there)"


def test_purge_is_refused_to_a_client_outside_the_acl(strict_varnish, stub_backend, path):
    """A second varnishd whose purgers ACL does not hold 127.0.0.1 (the tests' address)."""
    strict = strict_varnish
    stub_backend.answer(path, Cache_Control=PUBLIC, xkey="page:55")
    strict.get(path)
    for headers in ({"xkey-purge": "page:55"}, {}):
        refused = strict.request("PURGE", path, headers=headers)
        assert refused.status_code == 405
        assert "X-Purged" not in refused.headers
    assert strict.get(path).headers["X-Cache"] == "HIT", "nothing was purged"


def test_a_client_cannot_claim_https_or_force_the_stale_only_path(varnish, stub_backend, path):
    """X-Forwarded-Proto is believed from the TLS terminator only (loopback here, so this client
    is trusted); the VCL's own control header is dropped from client requests."""
    stub_backend.answer(path, Cache_Control=PUBLIC)
    varnish.get(path, headers={"X-Forwarded-Proto": "https"})
    assert varnish.get(path).headers["X-Cache"] == "MISS", "http and https are cached apart"
    fresh = f"{path}new/"
    stub_backend.answer(fresh, Cache_Control=PUBLIC)
    assert varnish.get(fresh, headers={"x-stale-only": "1"}).status_code == 200


def test_stale_while_revalidating_then_the_fresh_page(varnish, stub_backend, path):
    stub_backend.answer(path, "旧", Cache_Control="public, max-age=0, s-maxage=1")
    varnish.get(path)
    stub_backend.answer(path, "新", Cache_Control="public, max-age=0, s-maxage=1")
    time.sleep(1.2)
    stale = varnish.get(path)
    assert (stale.headers["X-Cache"], stale.text) == ("STALE", "旧"), "no reader waits for the refetch"
    deadline = time.monotonic() + 5
    while varnish.get(path).text != "新":
        assert time.monotonic() < deadline, "the background fetch replaced the stale copy"
        time.sleep(0.05)


def _wait_sick(proxy, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while "sick" not in proxy.admin("backend.list").lower():
        assert time.monotonic() < deadline, "the probe marks the stopped backend sick"
        time.sleep(0.5)


def test_when_the_app_is_down_expired_pages_are_still_served(start_varnish, path):
    """Past the short healthy grace (1 s here instead of 30 s) with the app stopped: first
    through the retry of a failed fetch, then, once the probe says sick, directly."""
    backend = StubBackend()
    proxy = start_varnish(render_vcl(backend.port, healthy_grace="1s"))
    backend.answer(path, "存档页", Cache_Control="public, max-age=0, s-maxage=1")
    backend.answer(f"{path}x/", "另一页", Cache_Control="public, max-age=0, s-maxage=1")
    proxy.get(path)
    proxy.get(f"{path}x/")
    backend.stop()
    time.sleep(2.5)  # past TTL and the healthy grace
    retried = proxy.get(path)
    assert (retried.status_code, retried.text, retried.headers["X-Cache"]) == (200, "存档页", "STALE")
    _wait_sick(proxy)
    direct = proxy.get(f"{path}x/")
    assert (direct.status_code, direct.text, direct.headers["X-Cache"]) == (200, "另一页", "STALE")
    never_cached = proxy.get(f"{path}never/")
    assert never_cached.status_code == 503
    assert "网站暂时无法访问" in never_cached.text
    proxy.stop()
