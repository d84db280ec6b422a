"""sites.front_proxy: purges sent after commit, batched, split, retried and logged.

The proxies are real HTTP servers on loopback: a recorder (the stub backend, which answers
PURGE too) where a test counts requests, and the real varnishd where it checks the effect."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from sites import front_proxy

from .conftest import PUBLIC, StubBackend, free_port


@pytest.fixture
def recorders(settings):
    made = [StubBackend(), StubBackend()]
    for recorder in made:
        recorder.answer("/", "purged", X_Purged="0")
    settings.FRONT_PROXY_URLS = [f"http://127.0.0.1:{recorder.port}" for recorder in made]
    settings.FRONT_PROXY_RETRY_DELAYS = (0.01, 0.02)
    yield made
    for recorder in made:
        recorder.stop()


def purges(recorder: StubBackend) -> list[str]:
    return [headers["xkey-purge"] for method, _, headers in recorder.received if method == "PURGE"]


@pytest.mark.django_db
def test_one_purge_per_proxy_for_the_whole_transaction_sent_after_commit(recorders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        front_proxy.purge(tags=["page:1", "column:5"])
        front_proxy.purge(tags=["page:1 site:7:nav"], urls=["http://WWW.example.gov.cn/gzdt/通知,1/?page=2"])
        front_proxy.purge(urls=["http://shuiyang.example.gov.cn:8000/"])
        assert all(purges(recorder) == [] for recorder in recorders), "nothing is sent before the commit"
    expected = " ".join(
        ["column:5", "page:1", "site:7:nav", "url:shuiyang.example.gov.cn:8000/"]
        + ["url:www.example.gov.cn/gzdt/%E9%80%9A%E7%9F%A5%2C1/"]
    )
    assert [purges(recorder) for recorder in recorders] == [[expected], [expected]]


@pytest.mark.django_db
def test_what_a_rolled_back_savepoint_collected_is_not_sent_then_but_never_lost(
    recorders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        front_proxy.purge(tags=["page:9"])
        raise RuntimeError
    assert purges(recorders[0]) == []
    with django_capture_on_commit_callbacks(execute=True):
        front_proxy.purge(tags=["page:10"])
    assert purges(recorders[0]) == ["page:10 page:9"], "a purge too many is harmless"


@pytest.mark.usefixtures("outside_any_transaction")
def test_outside_a_transaction_the_purge_goes_at_once(recorders):
    front_proxy.purge(tags=["cluster:nav"])
    assert purges(recorders[1]) == ["cluster:nav"]


@pytest.mark.usefixtures("outside_any_transaction")
def test_a_single_tag_or_url_given_as_a_string_is_one_tag(recorders):
    front_proxy.purge(tags="page:12", urls="http://a.test/x/")
    assert purges(recorders[0]) == ["page:12 url:a.test/x/"]


@pytest.mark.usefixtures("outside_any_transaction")
def test_no_proxy_configured_sends_nothing(recorders, settings):
    settings.FRONT_PROXY_URLS = []
    front_proxy.purge(tags=["page:1"], urls=["http://a.test/"])
    assert [purges(recorder) for recorder in recorders] == [[], []]


@pytest.mark.usefixtures("outside_any_transaction")
def test_a_header_past_8_kb_is_split_and_varnish_takes_every_part(varnish, stub_backend, path, settings):
    tags = [f"page:{n:06d}" for n in range(1900)]  # 11 bytes and a space each: about 22.8 kB
    for n in (0, 999, 1899):
        stub_backend.answer(f"{path}{n}/", Cache_Control=PUBLIC, xkey=tags[n])
        assert varnish.get(f"{path}{n}/").headers["X-Cache"] == "MISS"
    values = front_proxy.batches(tags)
    assert len(values) == 3
    assert all(len(value.encode()) <= front_proxy.MAX_HEADER_BYTES for value in values)
    assert sorted(" ".join(values).split()) == tags

    settings.FRONT_PROXY_URLS = [varnish.url]
    front_proxy.purge(tags=tags)
    for n in (0, 999, 1899):
        assert varnish.get(f"{path}{n}/").headers["X-Cache"] == "MISS", f"page:{n:06d} was purged"


@pytest.mark.django_db
def test_a_proxy_down_is_logged_retried_and_never_raised(settings, caplog, django_capture_on_commit_callbacks):
    settings.FRONT_PROXY_URLS = [f"http://127.0.0.1:{free_port()}"]  # nothing listens there
    settings.FRONT_PROXY_RETRY_DELAYS = (0.01, 0.02)
    with caplog.at_level(logging.WARNING, logger="sites.front_proxy"), django_capture_on_commit_callbacks(execute=True):
        front_proxy.purge(tags=["page:1"])
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "sites.front_proxy"]
    assert [level for level, _ in records] == ["WARNING", "WARNING", "WARNING", "ERROR"], "first try and two retries"
    assert "is down" in records[0][1]
    assert "given up" in records[-1][1]


@pytest.mark.django_db
def test_a_proxy_that_recovers_gets_the_purge_on_a_retry(recorders, caplog, django_capture_on_commit_callbacks):
    recorders[0].failures = [503]
    with caplog.at_level(logging.WARNING, logger="sites.front_proxy"), django_capture_on_commit_callbacks(execute=True):
        front_proxy.purge(tags=["page:2"])
    assert purges(recorders[0]) == ["page:2", "page:2"]
    assert purges(recorders[1]) == ["page:2"]
    assert [r.levelname for r in caplog.records if r.name == "sites.front_proxy"] == ["WARNING"]


@pytest.mark.usefixtures("outside_any_transaction")
def test_a_refusal_by_the_acl_is_logged_and_not_retried(strict_varnish, settings, caplog):
    settings.FRONT_PROXY_URLS = [strict_varnish.url]
    with caplog.at_level(logging.WARNING, logger="sites.front_proxy"):
        front_proxy.purge(tags=["page:3"])
    messages = [r.getMessage() for r in caplog.records if r.name == "sites.front_proxy"]
    assert len(messages) == 1
    assert "purgers ACL" in messages[0]
