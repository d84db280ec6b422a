"""A new item starts with its column's defaults: 纳入目录 by column type, 发布机构 the column's
责任单位; 发布时间 is taken at publication; another unit's 发布机构 is a reminder; a column in
the page explorer opens its items."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from cms.content.models import ArticlePage
from cms.workflow.checks import check_page
from tests.conftest import column_of, new_organisation, publish_article, publish_through_workflow


def add_form(client, column) -> str:
    return client.get(reverse("wagtailadmin_pages:add", args=["content", "articlepage", column.pk])).content.decode()


def checked(html: str, name: str) -> bool:
    return re.search(rf'<input type="checkbox" name="{name}"[^>]*\bchecked\b', html) is not None


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    found = re.search(r'<option value="(\d+)" selected>', select)
    return found.group(1) if found else None


class TestNewItemDefaults:
    def test_in_a_notice_column_it_starts_in_the_catalogue_in_a_news_column_not(self, client, department, make_user):
        client.force_login(make_user(department, "editor"))
        assert checked(add_form(client, column_of(department, "tzgg")), "in_catalogue")
        assert not checked(add_form(client, column_of(department, "gzdt")), "in_catalogue")

    def test_an_item_in_the_catalogue_starts_long_term_public(self, client, department, make_user):
        client.force_login(make_user(department, "editor"))
        term = re.compile(r'<select name="disclosure_term".*?<option value="long_term" selected>', re.S)
        assert term.search(add_form(client, column_of(department, "tzgg")))
        assert not term.search(add_form(client, column_of(department, "gzdt")))

    def test_the_publishing_organisation_is_the_columns_or_else_the_sites(self, client, department, make_user):
        client.force_login(make_user(department, "editor"))
        column = column_of(department, "tzgg")
        assert selected(add_form(client, column), "issuing_organisation") == str(department.profile.organisation_id)
        office = new_organisation("宣州区教育局办公室")
        type(column).objects.filter(pk=column.pk).update(owning_organisation=office)
        assert selected(add_form(client, column), "issuing_organisation") == str(office.pk)

    def test_the_publication_time_is_empty_on_the_form(self, client, department, make_user):
        client.force_login(make_user(department, "editor"))
        html = add_form(client, column_of(department, "tzgg"))
        field = re.search(r'<input type="text" name="publication_date"[^>]*>', html).group(0)
        assert 'value="' not in field


class TestPublicationTime:
    def test_taken_when_the_item_goes_live_and_kept_on_republication(self, department, make_user):
        editor, reviewer = make_user(department, "editor"), make_user(department, "reviewer")
        page = ArticlePage(title="未填时间", body="<p>正文</p>", live=False)
        column_of(department, "gzdt").add_child(instance=page)
        page.save_revision(user=editor)
        assert ArticlePage.objects.get(pk=page.pk).publication_date is None

        before = timezone.now()
        publish_through_workflow(page, editor=editor, reviewers=[reviewer])
        published = ArticlePage.objects.get(pk=page.pk).publication_date
        assert published is not None and before <= published <= timezone.now()

        page = ArticlePage.objects.get(pk=page.pk)
        page.title, page.publication_date = "改过标题", None
        page.save_revision(user=editor)
        publish_through_workflow(page, editor=editor, reviewers=[reviewer])
        assert ArticlePage.objects.get(pk=page.pk).publication_date == published

    def test_a_time_the_editor_set_is_kept(self, department):
        when = timezone.now() - timezone.timedelta(hours=2)
        assert publish_article(column_of(department, "gzdt"), "定了时间", when=when).publication_date == when


class TestOtherUnitsOrganisation:
    def test_another_units_organisation_is_a_reminder_the_own_is_not(self, department, township):
        column = column_of(department, "tzgg")
        other = township.profile.organisation
        page = ArticlePage(title="代发", body="<p>正文</p>", publication_date=timezone.now(), live=False)
        page.issuing_organisation = other
        column.add_child(instance=page)
        findings = [f for f in check_page(page) if f.kind == "organisation"]
        assert [(f.severity, f.what) for f in findings] == [("warn", other.name)]
        assert department.profile.organisation.name in findings[0].why

        page.issuing_organisation = department.profile.organisation
        assert not [f for f in check_page(page) if f.kind == "organisation"]


def test_a_column_in_the_explorer_opens_its_items_an_item_its_edit_form(client, department, make_user):
    column = column_of(department, "tzgg")
    item = publish_article(column, "一条通知")
    client.force_login(make_user(department, "editor"))
    html = client.get(reverse("wagtailadmin_explore", args=[department.root_page.pk])).content.decode()
    assert f'href="{reverse("wagtailadmin_explore", args=[column.pk])}" title="查看栏目内容"' in html
    html = client.get(reverse("wagtailadmin_explore", args=[column.pk])).content.decode()
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[item.pk])}"' in html
