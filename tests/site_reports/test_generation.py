"""Generating the report's page: a draft in the site's own 年报 column, submitted for review,
updated by a regeneration, and listed on the portal once published."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cms.content.blueprints import WEBSITE_ANNUAL_REPORTS
from cms.content.models import ColumnPage
from cms.site_reports.actions import GenerateReportPageAction, ReportError, SaveReportAction
from cms.site_reports.models import SiteReport, SiteReportPage
from tests.conftest import column_of, publish_article

from .conftest import COMPLETE_ENTRIES, YEAR, at

pytestmark = pytest.mark.django_db


def report_column(site) -> ColumnPage | None:
    return ColumnPage.objects.child_of(site.root_page).filter(slug=WEBSITE_ANNUAL_REPORTS.slug).first()


def generate(site, user, entries=COMPLETE_ENTRIES) -> SiteReportPage:
    SaveReportAction(site, YEAR, entries, user).execute()
    return GenerateReportPageAction(site, YEAR, user).execute()


def publish(page, site, make_user) -> None:
    """Approve every step of the review the generation started, as the site's reviewers do."""
    page = SiteReportPage.objects.get(pk=page.pk)
    reviewers = [make_user(site, "reviewer"), make_user(site, "leader")]
    state = page.current_workflow_state
    while state.status == state.STATUS_IN_PROGRESS:
        task_state = state.current_task_state
        task = task_state.task.specific
        actor = next(user for user in reviewers if "approve" in [a[0] for a in task.get_actions(page, user)])
        task.on_action(task_state, actor, "approve")
        state.refresh_from_db()


def test_a_draft_in_the_sites_report_column_submitted_for_review(department, portal, make_user, crafted):
    assert report_column(department) is None  # not provisioned: an empty column would count as 空白栏目
    admin = make_user(department, "site_admin")
    page = generate(department, admin)
    column = report_column(department)
    assert column is not None and not column.show_in_menus and column.live
    assert report_column(portal) is not None  # the portal's column, which lists every site's
    page = SiteReportPage.objects.get(pk=page.pk)
    assert page.get_parent().pk == column.pk
    assert not page.live and page.title == f"宣州区教育局{YEAR}年度政府网站工作年度报表"
    assert page.workflow_in_progress  # review, as every page: nothing published here
    body = page.get_latest_revision_as_object().body
    assert "<table" in body and "<td>信息公开目录信息更新量</td><td>1</td>" in body
    assert "<td>网站总访问量（单位：次）</td><td>150</td>" in body
    assert "<td>微信：名称</td><td>宣州教育</td>" in body
    assert SiteReport.objects.get(site=department, year=YEAR).page_id == page.pk


def test_regeneration_updates_the_same_page_and_restarts_review(department, make_user, crafted):
    admin = make_user(department, "site_admin")
    first = generate(department, admin)
    publish_article(column_of(department, "gzdt"), "年底的动态", at(YEAR, 12, 30))
    second = generate(department, admin, {**COMPLETE_ENTRIES, "principal": "赵主任"})
    assert second.pk == first.pk
    assert SiteReportPage.objects.child_of(report_column(department)).count() == 1
    latest = second.get_latest_revision_as_object()
    assert "<td>总数</td><td>6</td>" in latest.body and "赵主任" in latest.body
    page = SiteReportPage.objects.get(pk=first.pk)
    assert page.current_workflow_state.current_task_state.revision_id == page.latest_revision_id


def test_regenerating_a_published_report_keeps_the_live_one_until_approved(department, make_user, crafted):
    admin = make_user(department, "site_admin")
    page = generate(department, admin)
    publish(page, department, make_user)
    page.refresh_from_db()
    assert page.live and "<td>负责人</td><td>王主任</td>" in page.body
    generate(department, admin, {**COMPLETE_ENTRIES, "principal": "赵主任"})
    page.refresh_from_db()
    assert page.live and page.has_unpublished_changes and "王主任" in page.body and page.workflow_in_progress


def test_missing_rows_are_named(department, make_user):
    admin = make_user(department, "site_admin")
    SaveReportAction(department, YEAR, {**COMPLETE_ENTRIES, "hot_responses": "", "filler": ""}, admin).execute()
    with pytest.raises(ReportError) as refused:
        GenerateReportPageAction(department, YEAR, admin).execute()
    assert refused.value.messages == [
        "以下项目尚未填写：解读回应·回应公众关注热点或重大舆情数量（单位：次）、填报信息·填报人。"
    ]
    assert report_column(department) is None


def test_nothing_saved_yet(department, make_user):
    with pytest.raises(ReportError, match="请先填报并保存本年度报表"):
        GenerateReportPageAction(department, YEAR, make_user(department, "site_admin")).execute()


def test_only_the_sites_admin_generates(department, township, make_user):
    SaveReportAction(department, YEAR, COMPLETE_ENTRIES, make_user(department, "site_admin")).execute()
    for user in (make_user(township, "site_admin"), make_user(department, "editor"), make_user(None, "信息中心")):
        with pytest.raises(PermissionDenied):
            GenerateReportPageAction(department, YEAR, user).execute()


def test_the_portal_lists_every_sites_published_report(client, department, township, portal, make_user):
    page = generate(department, make_user(department, "site_admin"))
    publish(page, department, make_user)
    listing = report_column(portal)
    url = listing.get_url_parts()[2]
    html = client.get(url, HTTP_HOST=portal.hostname).content.decode()
    assert "各网站政府网站工作年度报表" in html and f"{YEAR}年度" in html and "宣州区教育局" in html
    assert "水阳镇人民政府" not in html
    # The listing is cached; the township's report published later retires it.
    assert client.get(url, HTTP_HOST=portal.hostname).content.decode() == html
    township_page = generate(township, make_user(township, "site_admin"))
    html = client.get(url, HTTP_HOST=portal.hostname).content.decode()
    assert "水阳镇人民政府" not in html  # a draft is not listed
    publish(township_page, township, make_user)
    html = client.get(url, HTTP_HOST=portal.hostname).content.decode()
    assert "水阳镇人民政府" in html
    # The department's own column lists its own report only, not the cluster's.
    own = client.get(report_column(township).get_url_parts()[2], HTTP_HOST=township.hostname).content.decode()
    assert "各网站政府网站工作年度报表" not in own and township_page.title in own


def test_a_report_page_lives_in_a_column(department):
    assert SiteReportPage.parent_page_types == ["content.ColumnPage"]
    assert SiteReportPage in ColumnPage.allowed_subpage_models()


def test_the_page_opens_in_the_editor_and_shows_its_table_in_public(client, department, make_user, crafted):
    from tests.conftest import USER_PASSWORD

    admin = make_user(department, "site_admin")
    page = generate(department, admin)
    assert client.login(username=admin.username, password=USER_PASSWORD)
    editor = client.get(f"/admin/pages/{page.pk}/edit/")
    assert editor.status_code == 200
    html = editor.content.decode()
    assert "此处不可编辑" in html and "<td>网站总访问量（单位：次）</td><td>150</td>" in html
    assert 'name="body"' not in html  # the table is changed by regenerating, never by hand
    client.logout()
    publish(page, department, make_user)
    public = client.get(SiteReportPage.objects.get(pk=page.pk).get_url_parts()[2], HTTP_HOST=department.hostname)
    assert public.status_code == 200
    body = public.content.decode()
    assert '<table class="site-report">' in body and "<td>政务动态信息更新量</td><td>2</td>" in body
