"""网站监管 → 年度报表 in the admin: a site's 站点管理员 fills in their own site's report and sees
the computed rows read-only with their source; the info center reads and exports every site's."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cms.site_reports.models import SiteReport
from tests.conftest import USER_PASSWORD

from .conftest import COMPLETE_ENTRIES, YEAR

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=USER_PASSWORD)
    return client


def site_url(site, year=YEAR, action="site"):
    return reverse(f"site_reports:{action}", args=[site.pk, year])


def workbook_rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def monitoring_menu_labels(rf, user) -> list[str]:
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = user
    submenu = next(item for item in admin_menu.menu_items_for_request(request) if item.label == "网站监管")
    return [item.label for item in submenu.menu.menu_items_for_request(request)]


def test_the_menu_item_sits_under_monitoring(rf, department, township, make_user):
    assert "年度报表" in monitoring_menu_labels(rf, make_user(department, "site_admin"))
    assert monitoring_menu_labels(rf, make_user(None, "信息中心")) == ["检查指标", "每月通报", "人工录入", "年度报表"]


def test_a_site_admin_fills_in_their_sites_report(client, department, make_user, crafted):
    signed_in(client, make_user(department, "site_admin"))
    page = client.get(site_url(department)).content.decode()
    assert "系统计算：访问统计" in page and "（只读）" in page
    assert 'name="site_name"' not in page and 'name="hot_responses"' in page
    assert f'value="{department.profile.organisation.name}"' in page  # 单位名称 proposed from the organisation
    response = client.post(site_url(department), COMPLETE_ENTRIES)
    assert response.status_code == 302
    assert SiteReport.objects.get(site=department, year=YEAR).entered["principal"] == "王主任"
    response = client.post(site_url(department, action="generate"))
    assert response.status_code == 302
    assert SiteReport.objects.get(site=department, year=YEAR).page is not None


def test_bad_input_is_shown_in_chinese_and_nothing_is_saved(client, department, make_user):
    signed_in(client, make_user(department, "site_admin"))
    response = client.post(site_url(department), {**COMPLETE_ENTRIES, "security_fixed": "70"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "问题整改数量不能大于发现问题数量。" in html and "填报内容有误" in html
    assert not SiteReport.objects.filter(site=department).exists()


def test_a_site_admin_sees_only_their_own_site(client, department, township, make_user):
    signed_in(client, make_user(township, "site_admin"))
    assert client.get(site_url(department)).status_code == 404
    assert client.post(site_url(department), COMPLETE_ENTRIES).status_code == 404
    assert client.get(site_url(department, action="export_site")).status_code == 404
    assert client.get(reverse("site_reports:export_cluster", args=[YEAR])).status_code in (302, 403)
    index = client.get(reverse("site_reports:index")).content.decode()
    assert "水阳镇人民政府" in index and "宣州区教育局" not in index


def test_an_editor_has_no_report(client, department, make_user):
    signed_in(client, make_user(department, "editor"))
    assert client.get(reverse("site_reports:index")).status_code in (302, 403)
    assert client.get(site_url(department)).status_code == 404


def test_the_info_center_reads_every_site_but_does_not_fill_in(client, department, township, make_user):
    signed_in(client, make_user(None, "信息中心"))
    index = client.get(reverse("site_reports:index")).content.decode()
    assert "水阳镇人民政府" in index and "宣州区教育局" in index and "导出各网站报表" in index
    page = client.get(site_url(department)).content.decode()
    assert 'name="hot_responses"' not in page
    assert client.post(site_url(department), COMPLETE_ENTRIES).status_code in (302, 403)  # Wagtail: 403 → /admin/
    assert not SiteReport.objects.filter(site=department).exists()


def test_a_bad_year_is_refused_in_chinese(client, department, make_user):
    signed_in(client, make_user(department, "site_admin"))
    assert client.get(site_url(department, year=2017)).status_code == 404
    response = client.get(reverse("site_reports:index") + "?year=abc", follow=True)
    assert response.status_code == 200 and "报表年度“abc”无效" in response.content.decode()


def test_one_sites_xlsx(client, department, make_user, crafted):
    signed_in(client, make_user(department, "site_admin"))
    client.post(site_url(department), COMPLETE_ENTRIES)
    response = client.get(site_url(department, action="export_site"))
    assert response["Content-Disposition"] == f'attachment; filename="wzndbb-{department.pk}-{YEAR}.xlsx"'
    rows = workbook_rows(response)
    assert rows[0] == ("栏目", "分项", "项目", "数值", "来源")
    by_label = {(row[0] or "", row[1] or "", row[2]): row for row in rows[1:]}
    assert by_label[("", "", "网站总访问量（单位：次）")][3] == "150"
    assert by_label[("", "", "网站总访问量（单位：次）")][4].startswith("系统计算：访问统计")
    assert by_label[("互动交流", "征集调查", "收到意见数量（单位：条）")][3] == "14"
    assert by_label[("办事服务", "", "注册用户数（单位：万）")][3:] == ("1.25", "填报")
    assert by_label[("解读回应", "解读信息发布", "总数（单位：条）")][3] == "6"


def test_every_sites_xlsx_for_the_info_center(client, department, township, make_user, crafted):
    signed_in(client, make_user(department, "site_admin"))
    client.post(site_url(department), COMPLETE_ENTRIES)
    signed_in(client, make_user(None, "信息中心"))
    response = client.get(reverse("site_reports:export_cluster", args=[YEAR]))
    rows = workbook_rows(response)
    headers = rows[0]
    assert headers[0] == "网站名称" and "信息发布（单位：条）·政务动态信息更新量" in headers
    by_site = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    assert by_site["宣州区教育局"]["信息发布（单位：条）·政务动态信息更新量"] == "2"
    assert by_site["宣州区教育局"]["填报信息·负责人"] == "王主任"
    assert by_site["水阳镇人民政府"]["网站总访问量（单位：次）"] == "7000"
    assert by_site["水阳镇人民政府"]["填报信息·负责人"] == "—"
