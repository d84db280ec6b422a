"""索引号: allocated once at first publication, gap-free, duplicate-free, frozen."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from cms.disclosure import index_numbers
from cms.disclosure.models import IndexNumber, IndexNumberScheme, IndexSequence, PolicyDocumentPage, Topic
from cms.disclosure.services import allocate_index_number

from ..conftest import column_of


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
        page.save_revision().publish()
        page.refresh_from_db()
        assert page.index_number.value == original

        page.move(column_of(department, "zcwj"), pos="last-child")
        page.refresh_from_db()
        assert page.index_number.value == original

        page.unpublish()
        page.refresh_from_db()
        page.get_latest_revision().publish()
        page.refresh_from_db()
        assert page.index_number.value == original
        assert IndexNumber.objects.filter(organisation=portal.profile.organisation).count() == 1

    def test_publishing_an_old_revision_keeps_the_number(self, portal, publish_policy):
        page = publish_policy(portal, "旧版本", when=at(2018))
        first_revision = page.revisions.order_by("created_at").first()
        original = page.index_number.value
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
