"""The backend contract: every backend answers the same questions the same way.

Runs against the database backend always (SQLite, or PostgreSQL when
DATABASE_URL names it) and against Elasticsearch when ELASTICSEARCH_URL is set.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

import pytest
from django.utils import timezone

from search import services
from search.analysis import parse_query
from search.backends import get_backend
from search.backends.base import SearchQuery
from search.documents import SearchDocument

BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param(
        "elasticsearch",
        id="elasticsearch",
        marks=pytest.mark.skipif(
            not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set: no Elasticsearch server"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, settings, db):
    settings.SEARCH_BACKEND = request.param
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.ELASTICSEARCH_INDEX = "test-cluster-search"
    engine = get_backend(request.param)
    engine.clear()
    yield engine
    engine.clear()


def ids(results) -> list[int]:
    return [hit.page_id for hit in results.hits]


def search(engine, text: str, **fields):
    return engine.search(SearchQuery(parsed=parse_query(text), **fields))


def document(page_id: int, title: str, body: str = "", *, site_id: int, when: date, **fields) -> SearchDocument:
    published = timezone.make_aware(timezone.datetime(when.year, when.month, when.day, 9, 0))
    return SearchDocument(
        page_id=page_id,
        site_id=site_id,
        organisation_id=fields.pop("organisation_id", None),
        content_type=fields.pop("content_type", "article"),
        title=title,
        url=f"http://example/{page_id}/",
        text=body,
        publication_date=published,
        year=when.year,
        **fields,
    ).analyse()


@pytest.fixture
def documents(backend, portal, township):
    """Synthetic documents over two real sites (site ids must exist for the database backend's foreign keys)."""
    from wagtail.models import Page

    # Entries need real pages: borrow the sites' column pages as stand-ins.
    pages = list(Page.objects.filter(depth__gt=2).order_by("pk").values_list("pk", flat=True)[:8])
    p, t = portal.pk, township.pk
    docs = [
        document(
            pages[0],
            "关于推进政府网站集约化建设的通知",
            "各单位要推进网站集约化。",
            site_id=p,
            when=date(2024, 3, 1),
            genre="通知",
            validity="effective",
            in_catalogue=True,
            content_type="policy",
        ),
        document(
            pages[1],
            "政务服务工作简报",
            "政府网站集约化是今年重点工作之一。",
            site_id=p,
            when=date(2024, 5, 1),
            genre="其他",
            validity="effective",
        ),
        document(
            pages[2], "水阳镇召开网站建设会议", "会议部署了网站建设和信息公开工作。", site_id=t, when=date(2023, 6, 1)
        ),
        document(
            pages[3],
            "水阳镇防汛工作部署",
            "做好防汛物资储备。集约 化 网站 分散 出现。",
            site_id=t,
            when=date(2022, 7, 1),
        ),
        document(
            pages[4],
            "一网通办改革推进情况",
            "深化放管服改革，推进一网通办。",
            site_id=p,
            when=date(2021, 1, 5),
            genre="通报",
            validity="repealed",
            in_catalogue=True,
            content_type="policy",
        ),
    ]
    assert backend.index(docs) == len(docs)
    return pages


class TestMatching:
    def test_words_find_documents_containing_them(self, backend, documents):
        assert set(ids(search(backend, "网站集约化"))) == {documents[0], documents[1]}

    def test_every_word_must_match(self, backend, documents):
        assert ids(search(backend, "网站 防汛")) == [documents[3]]

    def test_any_word_when_asked(self, backend, documents):
        results = backend.search(SearchQuery(parsed=parse_query("防汛 放管服"), match_any=True))
        assert set(ids(results)) == {documents[3], documents[4]}

    def test_a_quoted_phrase_needs_its_words_together(self, backend, documents):
        # documents[3] has 集约, 化 and 网站 scattered, not the phrase 网站集约化.
        found = set(ids(search(backend, "“网站集约化”")))
        assert documents[3] not in found
        assert documents[0] in found

    def test_traditional_query_finds_simplified_text(self, backend, documents):
        assert documents[4] in ids(search(backend, "一網通辦"))

    def test_nothing_matches_unknown_words(self, backend, documents):
        assert search(backend, "量子计算").total == 0


class TestRelevance:
    def test_title_matches_rank_above_body_matches(self, backend, documents):
        # documents[0] has 网站集约化 in its title; documents[1] only in its body.
        assert ids(search(backend, "网站集约化"))[:2] == [documents[0], documents[1]]

    def test_newer_wins_ties(self, backend, portal, documents):
        backend.clear()
        older = document(documents[0], "防汛通知", site_id=portal.pk, when=date(2020, 1, 1))
        newer = document(documents[1], "防汛通知", site_id=portal.pk, when=date(2024, 1, 1))
        backend.index([older, newer])
        assert ids(search(backend, "防汛通知")) == [documents[1], documents[0]]

    def test_sort_by_date(self, backend, documents):
        results = search(backend, "网站", sort="date")
        dates = [hit.publication_date for hit in results.hits]
        assert dates == sorted(dates, reverse=True) and len(dates) == 4


class TestFiltersAndFacets:
    def test_scope_to_sites(self, backend, township, documents):
        assert set(ids(search(backend, "网站", site_ids=(township.pk,)))) == {documents[2], documents[3]}

    def test_facet_counts(self, backend, portal, township, documents):
        facets = search(backend, "网站").facets
        assert dict(facets["site"]) == {portal.pk: 2, township.pk: 2}
        assert dict(facets["year"]) == {2024: 2, 2023: 1, 2022: 1}
        assert dict(facets["genre"]) == {"通知": 1, "其他": 1}

    def test_filters_narrow_results_and_facets(self, backend, documents):
        results = search(backend, "网站", filters={"year": 2024, "genre": "通知"})
        assert ids(results) == [documents[0]]
        assert dict(results.facets["year"]) == {2024: 1}

    def test_a_filter_may_accept_several_values(self, backend, documents):
        assert search(backend, "网站", filters={"year": (2022, 2023)}).total == 2

    def test_date_range(self, backend, documents):
        results = search(backend, "网站", date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
        assert ids(results) == [documents[2]]

    def test_catalogue_only(self, backend, documents):
        assert set(ids(search(backend, "", catalogue_only=True))) == {documents[0], documents[4]}

    def test_an_empty_query_with_filters_lists_newest_first(self, backend, documents):
        results = search(backend, "", filters={"validity": "repealed"})
        assert ids(results) == [documents[4]]

    def test_unknown_filter_values_match_nothing(self, backend, documents):
        assert search(backend, "网站", filters={"genre": "不存在"}).total == 0


class TestPaging:
    def test_offset_and_limit(self, backend, documents):
        everything = ids(search(backend, "网站", sort="date"))
        first = search(backend, "网站", sort="date", limit=2)
        second = search(backend, "网站", sort="date", limit=2, offset=2)
        assert first.total == second.total == 4
        assert ids(first) + ids(second) == everything

    def test_an_offset_past_the_end_gives_no_hits_but_the_total(self, backend, documents):
        results = search(backend, "网站", offset=1000)
        assert results.hits == [] and results.total == 4


class TestWriting:
    def test_reindexing_replaces_a_document(self, backend, portal, documents):
        backend.index([document(documents[2], "防汛物资", site_id=portal.pk, when=date(2023, 6, 1))])
        assert documents[2] not in ids(search(backend, "会议"))
        assert documents[2] in ids(search(backend, "防汛物资"))

    def test_delete(self, backend, documents):
        backend.delete([documents[0], 999_999_999])
        assert documents[0] not in ids(search(backend, "网站集约化"))

    def test_rebuild_replaces_everything(self, backend, portal, documents):
        backend.rebuild([document(documents[0], "全新的索引", site_id=portal.pk, when=date(2024, 1, 1))])
        assert search(backend, "网站").total == 0
        assert ids(search(backend, "全新")) == [documents[0]]

    def test_hits_carry_what_the_page_shows(self, backend, portal, documents):
        hit = search(backend, "一网通办").hits[0]
        assert (hit.title, hit.url, hit.site_id) == (
            "一网通办改革推进情况",
            f"http://example/{documents[4]}/",
            portal.pk,
        )
        assert "放管服" in hit.text


def test_the_fallback_widens_to_any_word_only_when_all_words_find_nothing(backend, documents):
    query = SearchQuery(parsed=parse_query("防汛 放管服"))
    outcome = services.run_search(query)
    assert outcome.widened and outcome.results.total == 2
    outcome = services.run_search(replace(query, parsed=parse_query("防汛 物资")))
    assert not outcome.widened and outcome.results.total == 1


class TestPushedCopies:
    """An item pushed to other sites (alias or copy, original_id naming the original) is one result."""

    @pytest.fixture
    def pushed(self, backend, portal, township, documents):
        copy = document(documents[5], "关于推进政府网站集约化建设的通知", site_id=township.pk, when=date(2024, 3, 1))
        copy.original_id = documents[0]
        backend.index([copy])
        return documents[5]

    def test_copies_collapse_into_the_original_and_counts_count_originals(
        self, backend, portal, township, documents, pushed
    ):
        results = search(backend, "网站集约化")
        assert set(ids(results)) == {documents[0], documents[1]}
        assert results.total == 2
        # Each site counts the item it carries: what selecting that site lists.
        assert dict(results.facets["site"]) == {portal.pk: 2, township.pk: 1}
        in_township = search(backend, "网站集约化", site_ids=(township.pk,))
        assert (ids(in_township), in_township.total) == ([pushed], 1)

    def test_copies_lists_each_originals_pages(self, backend, township, documents, pushed):
        copies = backend.copies([documents[0], documents[1]])
        assert [(c.original_id, c.page_id, c.site_id) for c in copies if c.page_id == pushed] == [
            (documents[0], pushed, township.pk)
        ]
        assert {c.page_id for c in copies} == {documents[0], documents[1], pushed}
