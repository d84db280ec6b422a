"""A run of the link checker on real sites: links recorded from published pages, stale addresses
checked against a local server, results stored; the command, the task and the schedule."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.content.models import ColumnType
from cms.linkcheck.actions import CheckExternalLinksAction
from cms.linkcheck.models import ExternalLink, ExternalUrl, LinkStatus
from cms.linkcheck.tasks import check_external_links_task
from cms.operations.schedule import JOBS_BY_NAME
from core.publishing import review_waived
from sites.models import SiteProfile, SiteStatus
from tests.monitoring.helpers import column_of_type, days_ago, item

from .helpers import checker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_checks(settings):
    settings.LINKCHECK_CONNECT_TIMEOUT = 1.0
    settings.LINKCHECK_READ_TIMEOUT = 0.3
    settings.LINKCHECK_HOST_DELAY = 0.0


def linking(site, *urls: str, title: str = ""):
    """A published item of the site's news column linking to ``urls``."""
    body = "".join(f'<p>见<a href="{url}">链接{n}</a>。</p>' for n, url in enumerate(urls))
    return item(column_of_type(site, ColumnType.NEWS), days_ago(1), title, body=body)


def later(hours: int = 21):
    return timezone.now() + timedelta(hours=hours)


def test_a_run_records_the_links_of_published_pages_and_checks_each_address_once(department, link_server):
    ok, gone = link_server.route("/ok"), link_server.route("/gone", 404)
    first = linking(department, ok, gone, "mailto:office@example.gov.cn", "/relative/path")
    second = linking(department, ok + "#part")  # the fragment is not sent: the same address
    summary = CheckExternalLinksAction(department).execute()
    assert (summary.links, summary.addresses, summary.checked) == (3, 2, 2)
    assert sorted(link_server.paths()) == [("HEAD", "/gone"), ("HEAD", "/ok")]
    assert {(link.page_id, link.url.url) for link in ExternalLink.objects.select_related("url")} == {
        (first.pk, ok),
        (first.pk, gone),
        (second.pk, ok),
    }
    stored = {address.url: address for address in ExternalUrl.objects.all()}
    assert (stored[ok].status, stored[ok].http_code, stored[ok].consecutive_failures) == (LinkStatus.OK, 200, 0)
    assert (stored[gone].status, stored[gone].http_code, stored[gone].consecutive_failures) == (
        LinkStatus.BROKEN,
        404,
        1,
    )
    assert stored[ok].checked_at is not None and stored[ok].last_ok_at == stored[ok].checked_at


def test_a_fresh_result_is_not_checked_again_until_the_recheck_interval(department, link_server, settings):
    settings.LINKCHECK_RECHECK_HOURS = 20
    linking(department, link_server.route("/ok"))
    CheckExternalLinksAction(department).execute()
    assert CheckExternalLinksAction(department, now=later(19)).execute().checked == 0
    assert CheckExternalLinksAction(department, now=later(21)).execute().checked == 1
    assert len(link_server.requests) == 2


def test_a_link_is_broken_only_after_two_failed_checks_in_a_row(department, link_server):
    url = link_server.route("/flaky", 503)
    linking(department, url)
    address = lambda: ExternalUrl.objects.get(url=url)  # noqa: E731

    CheckExternalLinksAction(department).execute()
    assert (address().consecutive_failures, address().is_broken) == (1, False)
    link_server.route("/flaky", 200)  # back up: the count starts again
    CheckExternalLinksAction(department, now=later()).execute()
    assert (address().status, address().consecutive_failures) == (LinkStatus.OK, 0)
    link_server.route("/flaky", 503)
    CheckExternalLinksAction(department, now=later(42)).execute()
    assert address().is_broken is False
    CheckExternalLinksAction(department, now=later(63)).execute()
    assert (address().consecutive_failures, address().is_broken) == (2, True)


def test_at_most_the_run_limit_is_checked_never_checked_first(department, link_server):
    urls = [link_server.route(f"/p{n}") for n in range(3)]
    linking(department, *urls)
    assert CheckExternalLinksAction(department, max_urls=2).execute().checked == 2
    assert CheckExternalLinksAction(department, max_urls=2).execute().checked == 1  # the one left
    assert ExternalUrl.objects.filter(checked_at__isnull=True).count() == 0


def test_links_no_page_holds_any_more_are_dropped(department, link_server):
    kept, dropped = link_server.route("/kept"), link_server.route("/dropped")
    page = linking(department, kept, dropped)
    unpublished = linking(department, link_server.route("/unpublished"))
    CheckExternalLinksAction(department).execute()
    page.body = f'<p><a href="{kept}">保留</a></p>'
    with review_waived("测试数据"):
        page.save_revision().publish()
    unpublished.unpublish()
    summary = CheckExternalLinksAction(department, now=later()).execute()
    assert summary.addresses == 1
    assert list(ExternalUrl.objects.values_list("url", flat=True)) == [kept]


def test_a_denied_address_is_recorded_but_never_contacted_nor_counted_as_a_failure(department, link_server, settings):
    settings.LINKCHECK_DENY_HOSTS = ["127.0.0.1"]
    url = link_server.route("/ok")
    linking(department, url)
    CheckExternalLinksAction(department).execute()
    address = ExternalUrl.objects.get(url=url)
    assert (address.status, address.consecutive_failures) == (LinkStatus.DENIED, 0)
    assert link_server.requests == []


def test_the_production_setting_refuses_loopback(department, link_server, settings):
    settings.LINKCHECK_ALLOW_LOOPBACK = False  # as in cms/settings/base.py
    linking(department, link_server.route("/ok"))
    CheckExternalLinksAction(department).execute()
    assert ExternalUrl.objects.get().status == LinkStatus.DENIED
    assert link_server.requests == []


def test_one_site_run_leaves_the_other_sites_links_alone(department, township, link_server):
    linking(department, link_server.route("/department"))
    linking(township, link_server.route("/township"))
    CheckExternalLinksAction(department).execute()
    CheckExternalLinksAction(township).execute()
    assert ExternalLink.objects.filter(site=department).count() == 1
    assert ExternalLink.objects.filter(site=township).count() == 1
    assert sorted(path for _method, path in link_server.paths()) == ["/department", "/township"]


def test_a_run_of_every_site_drops_the_links_of_a_site_no_longer_monitored(department, township, link_server):
    linking(department, link_server.route("/department"))
    linking(township, link_server.route("/township"))
    CheckExternalLinksAction().execute()
    assert ExternalLink.objects.filter(site=township).count() == 1
    SiteProfile.objects.filter(site=township).update(status=SiteStatus.CLOSED)
    CheckExternalLinksAction(now=later()).execute()
    assert list(ExternalLink.objects.values_list("site_id", flat=True)) == [department.pk]
    assert list(ExternalUrl.objects.values_list("url", flat=True)) == [link_server.url("/department")]


def test_the_command_and_its_chinese_errors(department, link_server):
    linking(department, link_server.route("/ok"), link_server.route("/gone", 404))
    out = StringIO()
    call_command("check_external_links", "--site", str(department.pk), stdout=out)
    assert "本次检查2个地址" in out.getvalue() and "正常1个" in out.getvalue() and "无法访问1个" in out.getvalue()
    with pytest.raises(CommandError, match="站点 999999 不存在"):
        call_command("check_external_links", "--site", "999999")


def test_the_task_checks_the_site(department, link_server, django_capture_on_commit_callbacks):
    linking(department, link_server.route("/ok"))
    with django_capture_on_commit_callbacks(execute=True):
        result = check_external_links_task.enqueue(department.pk)
    assert result.return_value == 1
    assert ExternalUrl.objects.get().status == LinkStatus.OK


def test_the_daily_job_runs_before_the_recompute_reads_its_results():
    job = JOBS_BY_NAME["check_external_links"]
    assert job.command == "check_external_links"
    assert job.at < JOBS_BY_NAME["recompute_indicators"].at


def test_an_injected_checker_is_used(department, link_server):
    linking(department, link_server.route("/ok"))
    summary = CheckExternalLinksAction(department, checker=checker(deny_hosts=("127.0.0.1",))).execute()
    assert summary.statuses == {LinkStatus.DENIED: 1}
