"""The info center's board in the admin: who sees what, the causes' links, the recompute button, queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.monitoring.actions import RecomputeIndicatorsAction
from cms.monitoring.models import SiteIndicator
from cms.monitoring.rules import RULES
from tests.conftest import USER_PASSWORD

pytestmark = pytest.mark.django_db
BOARD = reverse("monitoring_board")


def signed_in(client, user):
    assert client.login(username=user.username, password=USER_PASSWORD)
    return client


def test_the_info_center_sees_every_site_sorted_by_risk(client, portal, department, township, make_user):
    from .helpers import fill_blank_columns

    fill_blank_columns(portal)
    RecomputeIndicatorsAction().execute()
    response = signed_in(client, make_user(None, "信息中心")).get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    for site in (portal, department, township):
        assert site.site_name in html
    rows = response.context["rows"]
    assert [row.score.vetoes for row in rows] == sorted((row.score.vetoes for row in rows), reverse=True)
    assert rows[-1].site.pk == portal.pk  # the portal, without blank columns, is least at risk
    assert "单项否决" in html and "暂无数据" in html  # the status in words, not colour alone
    for rule in RULES:
        assert rule.name in html


def test_a_red_cell_links_to_the_pages_that_cause_it(client, department, make_user):
    RecomputeIndicatorsAction(department).execute()
    admin = signed_in(client, make_user(department, "site_admin"))
    html = admin.get(BOARD).content.decode()
    causes_url = reverse("monitoring_causes", args=[department.pk, "blank_columns"])
    assert causes_url in html
    causes = admin.get(causes_url)
    assert causes.status_code == 200
    row = SiteIndicator.objects.get(site=department, rule="blank_columns")
    for page_id in row.cause_page_ids:
        assert reverse("wagtailadmin_pages:edit", args=[page_id]) in causes.content.decode()


def test_a_site_admin_sees_only_their_own_sites(client, department, township, make_user):
    RecomputeIndicatorsAction().execute()
    admin = signed_in(client, make_user(department, "site_admin"))
    response = admin.get(BOARD)
    assert [row.site.pk for row in response.context["rows"]] == [department.pk]
    assert township.site_name not in response.content.decode()
    assert admin.get(reverse("monitoring_causes", args=[township.pk, "blank_columns"])).status_code in (302, 403)


def test_an_editor_has_no_board(client, department, make_user):
    response = signed_in(client, make_user(department, "editor")).get(BOARD)
    assert response.status_code in (302, 403)


def test_an_unknown_rule_goes_back_to_the_board(client, department, make_user):
    admin = signed_in(client, make_user(department, "site_admin"))
    response = admin.get(reverse("monitoring_causes", args=[department.pk, "nope"]))
    assert response.status_code == 302 and response["Location"] == BOARD


def test_the_recompute_button_posts_with_csrf(department, township, make_user, django_capture_on_commit_callbacks):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    admin = signed_in(client, make_user(department, "site_admin"))
    url = reverse("monitoring_recompute", args=[department.pk])
    assert admin.get(url).status_code == 405
    assert admin.post(url).status_code == 403  # no CSRF token
    board = admin.get(BOARD)
    token = board.context["csrf_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert SiteIndicator.objects.filter(site=department).count() == len(RULES)
    # Another site's button: refused with a message, nothing computed.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("monitoring_recompute", args=[township.pk]), {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert not SiteIndicator.objects.filter(site=township).exists()
    assert "只有信息中心或本站点管理员" in admin.get(BOARD).content.decode()


def test_board_query_count_does_not_grow_with_sites(
    client, portal, department, make_site, make_user, django_assert_max_num_queries
):
    """The board's own reads are two queries (sites, their rows) for 2 or 6 sites; the whole admin
    request, on the portal's hostname as the info center opens it (session, 2FA, permissions,
    menus: Wagtail's chrome and our middleware), is at most 15 and stays so (issue 18's goal)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from cms.monitoring.board import board_rows, visible_sites

    user = make_user(None, "信息中心")
    center = signed_in(client, user)
    RecomputeIndicatorsAction().execute()
    center.get(BOARD, HTTP_HOST=portal.hostname)  # warm the per-process caches (menu, site facts, session)
    reset_queries()  # the log is a bounded deque, full after provisioning: its counts would not move
    with CaptureQueriesContext(connection) as two:
        assert len(center.get(BOARD, HTTP_HOST=portal.hostname).context["rows"]) == 2
    request_queries = len(two.captured_queries)  # now: the log moves on
    assert request_queries <= 15, [query["sql"][:80] for query in two.captured_queries]
    for n in range(4):
        make_site(f"extra{n}.example.gov.cn", name=f"测试单位{n}")
    RecomputeIndicatorsAction().execute()
    center.get(BOARD, HTTP_HOST=portal.hostname)
    with django_assert_max_num_queries(request_queries):
        assert len(center.get(BOARD, HTTP_HOST=portal.hostname).context["rows"]) == 6
    with django_assert_max_num_queries(4):  # the user's permissions (2, then cached), the sites, their rows
        assert len(board_rows(visible_sites(user))) == 6


def test_the_info_center_enters_a_manual_finding_and_who_is_recorded(client, department, make_user):
    from cms.monitoring.models import ManualEntry
    from cms.monitoring.wagtail_hooks import manual_entries

    center = make_user(None, "信息中心")
    response = signed_in(client, center).post(
        reverse(manual_entries.get_url_name("add")),
        {"site": department.pk, "indicator": "security", "status": "red", "deduction": "2", "note": "未部署HTTPS"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ManualEntry.objects.get()
    assert entry.entered_by == center and entry.entered_at is not None
    RecomputeIndicatorsAction(department).execute()
    row = SiteIndicator.objects.get(site=department, rule="manual")
    assert row.status == "red" and "未部署HTTPS" in row.message


def test_a_site_admin_cannot_enter_manual_findings(client, department, make_user):
    from cms.monitoring.wagtail_hooks import manual_entries

    admin = signed_in(client, make_user(department, "site_admin"))
    assert admin.get(reverse(manual_entries.get_url_name("add"))).status_code in (302, 403)
