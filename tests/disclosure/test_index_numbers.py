"""索引号: allocated once at first publication, gap-free, duplicate-free, frozen."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from cms.disclosure import index_numbers
from cms.disclosure.models import IndexNumber, IndexNumberScheme, IndexSequence, PolicyDocumentPage, Topic
from cms.disclosure.services import allocate_index_number
from core.publishing import review_waived

from ..conftest import column_of, publish_through_workflow


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


class TestFormats:
    @pytest.mark.parametrize(
        ("fmt", "expected"),
        [
            (index_numbers.NATIONAL, "000014349/2017-00110"),
            (index_numbers.HYPHENATED, "000014349-2017-000110"),
            (index_numbers.CATEGORY_LETTER, "A0000143492017110"),
        ],
    )
    def test_render(self, fmt, expected):
        assert index_numbers.render(fmt, org_code="000014349", year=2017, serial=110, category="A") == expected

    def test_the_11_character_information_number_of_the_corpus(self):
        # shared/corpus 003: A0012001001 = category A · organisation 001 · 2001 · serial 001
        assert index_numbers.render(
            index_numbers.CATEGORY_LETTER, org_code="001", year=2001, serial=1, category="A"
        ) == ("A0012001001")

    @pytest.mark.parametrize("fmt", [index_numbers.NATIONAL, index_numbers.HYPHENATED, index_numbers.CATEGORY_LETTER])
    def test_parse_inverts_render(self, fmt):
        value = index_numbers.render(fmt, org_code="01527918X", year=2020, serial=153077, category="B")
        assert index_numbers.parse(fmt, value, org_code="01527918X") == (2020, 153077)

    def test_parse_rejects_another_organisations_number(self):
        assert index_numbers.parse(index_numbers.NATIONAL, "000014349/2017-00110", org_code="003195380") is None

    @pytest.mark.parametrize(
        ("fmt", "message"),
        [
            ("{org_code}/{serial:05d}", "{year}"),
            ("{year}-{serial:05d}", "{org_code}"),
            ("{org_code}/{year}", "{serial}"),
            ("{org_code}/{year}-{serial:05d}-{unit}", "未知字段"),
            ("{org_code}/{year}-{serial:05d", "无法解析"),
        ],
    )
    def test_invalid_formats_are_refused_in_chinese(self, fmt, message):
        with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
            index_numbers.validate_format(fmt)


class TestAllocation:
    def test_allocated_at_first_publication_not_at_draft_time(self, portal, topic):
        page = PolicyDocumentPage(
            title="草稿文件",
            slug="draft",
            body="<p>正文</p>",
            issuing_organisation=portal.profile.organisation,
            topic=topic,
            genre="通知",
            date_formed=timezone.localdate(),
            disclosure_term="long_term",
            live=False,
        )
        column_of(portal, "zcwj").add_child(instance=page)
        page.save_revision()
        assert not IndexNumber.objects.filter(page=page).exists()
        with review_waived("测试数据"):
            page.get_latest_revision().publish()
        assert IndexNumber.objects.get(page=page).value.startswith(f"{portal.profile.organisation.index_code}/")

    def test_default_national_format_and_gap_free_serials(self, portal, publish_policy):
        code = portal.profile.organisation.index_code
        values = [publish_policy(portal, f"文件{n}", when=at(2017)).index_number.value for n in range(3)]
        assert values == [f"{code}/2017-00001", f"{code}/2017-00002", f"{code}/2017-00003"]

    def test_sequence_is_per_organisation_and_per_year(self, portal, department, publish_policy):
        portal_code = portal.profile.organisation.index_code
        dept_code = department.profile.organisation.index_code
        assert publish_policy(portal, "门户2019", when=at(2019)).index_number.value == f"{portal_code}/2019-00001"
        assert publish_policy(department, "部门2019", when=at(2019)).index_number.value == f"{dept_code}/2019-00001"
        assert publish_policy(portal, "门户2020", when=at(2020, 1, 2)).index_number.value == f"{portal_code}/2020-00001"
        assert (
            publish_policy(portal, "门户2019b", when=at(2019, 12, 31)).index_number.value == f"{portal_code}/2019-00002"
        )

    def test_year_is_the_publication_year_in_china(self, portal, publish_policy):
        # 2020-12-31 20:00 UTC is already 2021-01-01 04:00 in Asia/Shanghai.
        when = datetime(2020, 12, 31, 20, 0, tzinfo=UTC)
        page = publish_policy(portal, "跨年发布", when=when, date_formed=date(2020, 12, 30))
        assert "/2021-" in page.index_number.value

    def test_organisation_chooses_its_format(self, portal, publish_policy):
        organisation = portal.profile.organisation
        IndexNumberScheme.objects.create(organisation=organisation, format=index_numbers.CATEGORY_LETTER)
        education = Topic.objects.get(parent=None, name="科技、教育")  # the 10th topic: letter J
        page = publish_policy(portal, "分类号文件", when=at(2021), topic=education)
        assert page.index_number.value == f"J{organisation.index_code}2021001"

    def test_frozen_through_edit_move_unpublish_and_republish(self, portal, department, publish_policy):
        page = publish_policy(portal, "冻结的索引号", when=at(2018))
        original = page.index_number.value

        page.title = "改过标题的文件"
        page.publication_date = at(2019)
        with review_waived("测试数据"):
            page.save_revision().publish()
        page.refresh_from_db()
        assert page.index_number.value == original

        with review_waived("测试数据"):  # seeded content: no workflow approved it for 政策文件
            page.move(column_of(department, "zcwj"), pos="last-child")
        page.refresh_from_db()
        assert page.index_number.value == original

        page.unpublish()
        page.refresh_from_db()
        with review_waived("测试数据"):
            page.get_latest_revision().publish()
        page.refresh_from_db()
        assert page.index_number.value == original
        assert IndexNumber.objects.filter(organisation=portal.profile.organisation).count() == 1

    def test_publishing_an_old_revision_keeps_the_number(self, portal, publish_policy):
        page = publish_policy(portal, "旧版本", when=at(2018))
        first_revision = page.revisions.order_by("created_at").first()
        original = page.index_number.value
        with review_waived("测试数据"):
            first_revision.publish()
        page.refresh_from_db()
        assert page.index_number.value == original

    def test_numbers_of_deleted_items_are_never_reused(self, portal, publish_policy):
        code = portal.profile.organisation.index_code
        gone = publish_policy(portal, "将被删除", when=at(2016))
        assert gone.index_number.value == f"{code}/2016-00001"
        gone.delete()
        kept = IndexNumber.objects.get(value=f"{code}/2016-00001")
        assert kept.page is None and kept.title == "将被删除"
        assert publish_policy(portal, "新文件", when=at(2016)).index_number.value == f"{code}/2016-00002"

    def test_articles_outside_the_catalogue_get_no_number(self, township):
        from ..conftest import publish_article

        article = publish_article(column_of(township, "gzdt"), "普通动态")
        assert not IndexNumber.objects.filter(page=article).exists()

    def test_catalogue_article_without_issuer_is_issued_by_its_sites_organisation(self, township, topic):
        from ..conftest import publish_article

        article = publish_article(
            column_of(township, "tzgg"),
            "镇政府通知",
            in_catalogue=True,
            topic=topic,
            genre="通知",
            date_formed=timezone.localdate(),
            disclosure_term="long_term",
            issuing_organisation=township.profile.organisation,
        )
        assert article.index_number.organisation == township.profile.organisation

    def test_index_numbers_are_unique_across_the_cluster(self, portal, publish_policy):
        page = publish_policy(portal, "唯一", when=at(2017))
        with pytest.raises(IntegrityError), transaction.atomic():
            IndexNumber.objects.create(
                value=page.index_number.value, organisation=portal.profile.organisation, year=2017, serial=99, title="x"
            )

    def test_a_failed_publication_rolls_back_its_serial(self, portal, publish_policy, topic):
        """A publish that fails after allocating leaves no gap: the counter rolls back too."""
        organisation = portal.profile.organisation
        publish_policy(portal, "第一件", when=at(2022))
        page = PolicyDocumentPage(
            title="会失败的发布",
            slug="fails",
            publication_date=at(2022),
            body="<p>x</p>",
            issuing_organisation=organisation,
            topic=topic,
            genre="通知",
            date_formed=at(2022).date(),
            disclosure_term="long_term",
            live=False,
        )
        column_of(portal, "zcwj").add_child(instance=page)
        with pytest.raises(RuntimeError), transaction.atomic():
            allocate_index_number(page)
            raise RuntimeError("publication failed after allocation")
        assert IndexSequence.objects.get(organisation=organisation, year=2022).last_serial == 1
        assert not IndexNumber.objects.filter(page=page).exists()


def draft_policy(site, title: str, *, when: datetime, user=None) -> PolicyDocumentPage:
    """A catalogue item saved as a draft revision, never published."""
    page = PolicyDocumentPage(
        title=title,
        slug=f"draft{PolicyDocumentPage.objects.count() + 1}",
        publication_date=when,
        body=f"<p>{title}正文。</p>",
        issuing_organisation=site.profile.organisation,
        topic=Topic.objects.get(parent=None, name="综合政务"),
        genre="通知",
        date_formed=when.date(),
        disclosure_term="long_term",
        live=False,
        owner=user,
    )
    column_of(site, "zcwj").add_child(instance=page)
    page.save_revision(user=user)
    return page


def numbers_of(organisation, year: int) -> list[int]:
    return sorted(IndexNumber.objects.filter(organisation=organisation, year=year).values_list("serial", flat=True))


class TestEveryPublishPath:
    """The number is allocated by the publication itself, whichever way the page goes live."""

    def test_publishing_from_the_edit_view_allocates_the_next_number(self, client, superuser, portal, publish_policy):
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

        organisation = portal.profile.organisation
        publish_policy(portal, "已有的文件", when=at(2023))
        page = draft_policy(portal, "在编辑页发布", when=at(2023), user=superuser)
        client.force_login(superuser)
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "body": rich_text(page.body),
                "publication_date": timezone.localtime(page.publication_date).strftime("%Y-%m-%d %H:%M"),
                "attachments": inline_formset([]),
                "issuing_organisation": organisation.pk,
                "topic": page.topic_id,
                "genre": page.genre,
                "date_formed": page.date_formed.isoformat(),
                "disclosure_term": page.disclosure_term,
                "disclosure_mode": page.disclosure_mode,
                "validity": page.validity,
                "interprets": [],
                "action-publish": "action-publish",
            }
        )
        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

        assert response.status_code == 302, response.content.decode()[:2000]
        page.refresh_from_db()
        assert page.live
        assert page.index_number.value == f"{organisation.index_code}/2023-00002"
        assert numbers_of(organisation, 2023) == [1, 2]
        assert IndexSequence.objects.get(organisation=organisation, year=2023).last_serial == 2

    def test_approval_through_the_review_workflow_allocates_one_number(self, department, make_user):
        organisation = department.profile.organisation
        editor = make_user(department, "editor")
        reviewers = [make_user(department, "reviewer"), make_user(department, "leader")]
        now = timezone.now()  # the automatic check refuses back-dated publication times
        year = timezone.localtime(now).year
        page = draft_policy(department, "经审核发布的文件", when=now, user=editor)
        assert not IndexNumber.objects.filter(page=page).exists()

        publish_through_workflow(page, editor=editor, reviewers=reviewers)

        page.refresh_from_db()
        assert page.live
        assert page.index_number.value == f"{organisation.index_code}/{year}-00001"
        assert numbers_of(organisation, year) == [1]
        assert IndexSequence.objects.get(organisation=organisation, year=year).last_serial == 1

    def test_a_scheduled_publication_allocates_when_it_goes_live(self, portal, superuser):
        page = draft_policy(portal, "定时发布", when=at(2023), user=superuser)
        page.go_live_at = timezone.now() + timedelta(hours=1)
        revision = page.save_revision(user=superuser)
        revision.publish(user=superuser)
        assert not Page.objects.get(pk=page.pk).live
        assert not IndexNumber.objects.filter(page=page).exists(), "scheduled is not published yet"

        # The hour passes: the scheduled time is now behind us.
        past = timezone.now() - timedelta(minutes=1)
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        call_command("publish_scheduled")

        page.refresh_from_db()
        assert page.live
        assert page.index_number.serial == 1

    def test_a_failed_allocation_leaves_the_page_unpublished(self, portal):
        organisation = portal.profile.organisation
        page = draft_policy(portal, "分配失败", when=at(2024))
        # A number recorded outside the sequence (old data) takes the value the next allocation renders.
        IndexNumber.objects.create(
            value=f"{organisation.index_code}/2024-00001", organisation=organisation, year=2024, serial=1, title="旧"
        )

        with pytest.raises(IntegrityError), review_waived("测试数据"):
            page.get_latest_revision().publish()

        assert not Page.objects.get(pk=page.pk).live
        assert not IndexNumber.objects.filter(page=page).exists()
        assert not IndexSequence.objects.filter(organisation=organisation, year=2024, last_serial__gt=0).exists()

    def test_a_live_copy_is_a_new_item_with_the_next_number(self, portal, publish_policy):
        original = publish_policy(portal, "被复制的文件", when=at(2023))
        with review_waived("测试数据"):  # a live copy passes the review rule where it is made
            copy = original.copy(to=column_of(portal, "zcwj"), update_attrs={"slug": "copy"}, keep_live=True)

        assert copy.live
        assert IndexNumber.objects.get(page=copy).serial == 2
        assert IndexNumber.objects.get(page=original).serial == 1

    def test_an_alias_follows_its_original_without_a_number_of_its_own(self, portal, department, publish_policy):
        original = publish_policy(portal, "被引用的文件", when=at(2023))
        with review_waived("测试数据"):  # a live alias passes the review rule where it is made
            alias = original.create_alias(parent=column_of(department, "zcwj"), update_slug="alias")

        with review_waived("测试数据"):
            original.save_revision().publish()  # republishing updates (and publishes) every alias

        assert not IndexNumber.objects.filter(page=alias).exists()
        assert IndexNumber.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (CI runs it)")
def test_sixteen_concurrent_publishers_get_gap_free_unique_numbers(
    seeded_transactional_db, make_organisation, make_site
):
    """16 threads publish at once for one organisation and year: serials 1..16, no gaps, no duplicates."""
    from sites.models import OrganisationKind, SiteType

    topic = Topic.objects.get(parent=None, name="综合政务")
    organisation = make_organisation("并发测试机构", kind=OrganisationKind.PORTAL, index_code="000014349")
    site = make_site("www.example.gov.cn", SiteType.PORTAL, name="并发门户", organisation=organisation)
    column = column_of(site, "zcwj")
    pages = []
    for n in range(16):
        page = PolicyDocumentPage(
            title=f"并发文件{n}",
            slug=f"c{n}",
            publication_date=at(2017),
            body="<p>x</p>",
            issuing_organisation=organisation,
            topic=topic,
            genre="通知",
            date_formed=at(2017).date(),
            disclosure_term="long_term",
            live=False,
        )
        column.add_child(instance=page)
        page.save_revision()
        pages.append(page.pk)

    barrier = threading.Barrier(len(pages))
    errors: list[BaseException] = []

    def publish(pk: int) -> None:
        try:
            barrier.wait()
            with review_waived("测试数据"):  # per thread: a context variable does not cross threads
                PolicyDocumentPage.objects.get(pk=pk).get_latest_revision().publish()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(pk,)) for pk in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    serials = sorted(IndexNumber.objects.filter(organisation=organisation, year=2017).values_list("serial", flat=True))
    assert serials == list(range(1, 17))
    assert IndexSequence.objects.get(organisation=organisation, year=2017).last_serial == 16
    assert PolicyDocumentPage.objects.filter(pk__in=pages, live=True).count() == 16
