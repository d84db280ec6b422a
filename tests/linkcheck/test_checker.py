"""The link checker against local servers (loopback only): what each answer is recorded as, and its bounds."""

from __future__ import annotations

import time

import pytest

from cms.linkcheck.checker import address_is_public, host_is_denied
from cms.linkcheck.models import LinkStatus

from .helpers import checker, closed_port


def test_a_page_that_answers_200_is_ok_and_the_request_names_the_cluster(link_server):
    url = link_server.route("/ok")
    outcome = checker().check(url)
    assert (outcome.status, outcome.http_code, outcome.error) == (LinkStatus.OK, 200, "")
    assert link_server.paths() == [("HEAD", "/ok")]  # HEAD only: the body is never fetched
    assert link_server.requests[0].user_agent == "GovSiteClusterLinkChecker/1.0 (+http://cluster.test)"


def test_a_missing_page_is_broken_with_its_status(link_server):
    outcome = checker().check(link_server.route("/gone", 404))
    assert (outcome.status, outcome.http_code, outcome.error) == (LinkStatus.BROKEN, 404, "HTTP 404")
    assert checker().check(link_server.route("/error", 500)).status == LinkStatus.BROKEN


def test_a_server_slower_than_the_read_timeout_times_out(link_server):
    url = link_server.route("/slow", delay=1.0)
    started = time.monotonic()
    outcome = checker(read_timeout=0.2).check(url)
    assert outcome.status == LinkStatus.TIMEOUT and "响应超时" in outcome.error
    assert time.monotonic() - started < 0.9  # gave up at the timeout, did not wait for the answer


def test_a_closed_port_is_refused():
    outcome = checker().check(f"http://127.0.0.1:{closed_port()}/")
    assert outcome.status == LinkStatus.REFUSED


def test_a_redirect_to_a_page_that_answers_is_ok_and_keeps_where_it_ended(link_server):
    target = link_server.route("/new")
    link_server.route("/old", 301, location="/new")
    outcome = checker().check(link_server.url("/old"))
    assert (outcome.status, outcome.http_code, outcome.final_url) == (LinkStatus.OK, 200, target)
    assert link_server.paths() == [("HEAD", "/old"), ("HEAD", "/new")]


def test_a_redirect_loop_is_detected_without_going_round(link_server):
    link_server.route("/a", 302, location=link_server.url("/b"))
    link_server.route("/b", 302, location="/a")
    outcome = checker().check(link_server.url("/a"))
    assert outcome.status == LinkStatus.REDIRECT_LOOP and "重定向循环" in outcome.error
    assert link_server.paths() == [("HEAD", "/a"), ("HEAD", "/b")]


def test_a_chain_longer_than_the_redirect_limit_stops_there(link_server):
    for n in range(10):
        link_server.route(f"/hop{n}", 302, location=f"/hop{n + 1}")
    outcome = checker(max_redirects=3).check(link_server.url("/hop0"))
    assert outcome.status == LinkStatus.REDIRECT_LOOP and "重定向超过3次" in outcome.error
    assert len(link_server.requests) == 4  # the first request and three hops


def test_a_server_refusing_head_is_asked_again_with_get(link_server):
    url = link_server.route("/no-head", 200, head_status=405)
    outcome = checker().check(url)
    assert (outcome.status, outcome.http_code) == (LinkStatus.OK, 200)
    assert link_server.paths() == [("HEAD", "/no-head"), ("GET", "/no-head")]
    link_server.route("/not-implemented", 404, head_status=501)
    assert checker().check(link_server.url("/not-implemented")).http_code == 404  # GET's answer counts


@pytest.mark.parametrize("pattern", ["127.0.0.1", "127.0.0.*"])
def test_a_host_of_the_deny_list_is_never_contacted(link_server, pattern):
    outcome = checker(deny_hosts=(pattern,)).check(link_server.route("/ok"))
    assert outcome.status == LinkStatus.DENIED and "禁止检查名单" in outcome.error
    assert link_server.requests == []


def test_a_redirect_into_the_deny_list_is_not_followed(link_server, other_server):
    link_server.route("/out", 302, location=other_server.route("/ok"))
    outcome = checker(deny_hosts=("127.0.0.2",)).check(link_server.url("/out"))
    assert outcome.status == LinkStatus.DENIED
    assert other_server.requests == []


def test_deny_list_entries_cover_subdomains_and_patterns():
    assert host_is_denied("example.gov.cn", ["example.gov.cn"])
    assert host_is_denied("www.example.gov.cn", ["example.gov.cn"])
    assert not host_is_denied("badexample.gov.cn", ["example.gov.cn"])
    assert host_is_denied("a.internal.gov.cn", ["*.internal.gov.cn"])
    assert not host_is_denied("www.gov.cn", ["*.internal.gov.cn", "example.gov.cn"])


def test_loopback_is_refused_unless_the_test_setting_allows_it(link_server):
    outcome = checker(allow_loopback=False).check(link_server.route("/ok"))
    assert outcome.status == LinkStatus.DENIED and "内网或保留地址 127.0.0.1" in outcome.error
    assert link_server.requests == []  # refused before any connection


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "[::1]", "[::ffff:127.0.0.1]"])
def test_numeric_forms_of_loopback_are_refused_too(link_server, host):
    outcome = checker(allow_loopback=False).check(f"http://{host}:{link_server.port}/ok")
    assert outcome.status == LinkStatus.DENIED
    assert link_server.requests == []


def test_a_redirect_to_a_private_address_is_not_followed(link_server):
    # Loopback allowed (the test server), 10.0.0.0/8 still refused: no packet leaves for it.
    link_server.route("/to-intranet", 302, location="http://10.1.2.3/admin")
    outcome = checker().check(link_server.url("/to-intranet"))
    assert outcome.status == LinkStatus.DENIED and "10.1.2.3" in outcome.error


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped private address
    ],
)
def test_only_public_addresses_are_contacted(address, public):
    assert address_is_public(address) is public


def test_other_schemes_are_never_checked():
    assert checker().check("ftp://127.0.0.1/file").status == LinkStatus.DENIED


def test_no_more_requests_at_once_to_one_host_than_its_limit(link_server, other_server):
    urls = [link_server.route(f"/p{n}", delay=0.05) for n in range(12)]
    urls += [other_server.route(f"/p{n}", delay=0.05) for n in range(12)]
    results = dict(checker(concurrency=8, per_host=2).check_all(urls))
    assert {outcome.status for outcome in results.values()} == {LinkStatus.OK}
    assert len(results) == 24
    # The limit is reached (the hosts were checked in parallel) and never passed.
    assert link_server.max_active == 2 and other_server.max_active == 2


def test_no_more_requests_at_once_than_the_concurrency(link_server):
    urls = [link_server.route(f"/p{n}", delay=0.05) for n in range(10)]
    list(checker(concurrency=3, per_host=10).check_all(urls))
    assert link_server.max_active == 3


def test_requests_to_one_host_start_the_delay_apart(link_server):
    urls = [link_server.route(f"/p{n}") for n in range(5)]
    started = time.monotonic()
    list(checker(concurrency=5, per_host=5, host_delay=0.1).check_all(urls))
    # Five starts 0.1 s apart: the last one no sooner than 0.4 s after the first (without the
    # delay the five answers take a few milliseconds). Measured by the client, which the load
    # of the machine can only make slower.
    assert time.monotonic() - started >= 0.4
    assert len(link_server.requests) == 5
