"""The Elasticsearch backend's mapping and query bodies, checked without a server."""

from datetime import date

from search.analysis import parse_query
from search.backends.base import SearchQuery
from search.backends.elasticsearch import ElasticsearchBackend, index_definition

NO_SERVER = "http://127.0.0.1:9"  # never contacted: building a query body needs no connection


def body(**fields) -> dict:
    backend = ElasticsearchBackend(NO_SERVER, index="cluster-search")
    query = SearchQuery(parsed=parse_query(fields.pop("text", "")), offset=10, limit=10, **fields)
    return backend.request_body(query)


class TestMapping:
    def test_text_is_analysed_as_pre_segmented_terms(self):
        definition = index_definition("cluster-search-1").to_dict()
        assert definition["settings"]["analysis"]["analyzer"]["segmented"] == {
            "type": "custom",
            "tokenizer": "whitespace",
            "filter": ["lowercase"],
        }
        properties = definition["mappings"]["properties"]
        for field in ("title_terms", "summary_terms", "body_terms"):
            assert properties[field] == {"type": "text", "analyzer": "segmented"}

    def test_facets_are_keywords_or_numbers_and_display_fields_are_not_indexed(self):
        properties = index_definition("cluster-search-1").to_dict()["mappings"]["properties"]
        assert properties["genre"]["type"] == properties["validity"]["type"] == "keyword"
        assert properties["site_id"]["type"] == properties["year"]["type"] == "integer"
        assert properties["title"]["index"] is False and properties["text"]["index"] is False


class TestQueryBody:
    def test_each_word_matches_whole_or_by_its_parts_in_weighted_fields(self):
        must = body(text="政府信息公开")["query"]["bool"]["must"][0]["bool"]["must"][0]["bool"]["should"]
        assert [clause["multi_match"]["query"] for clause in must] == ["政府信息公开", "政府 信息 公开"]
        assert must[0]["multi_match"]["fields"][0] == "title_terms^4"
        assert must[0]["multi_match"]["operator"] == "and"

    def test_quoted_text_is_a_phrase_query(self):
        clauses = body(text="“网站 集约化”")["query"]["bool"]["must"][0]["bool"]["must"]
        assert clauses == [
            {
                "multi_match": {
                    "query": "网站 集约化",
                    "fields": ["title_terms^4", "summary_terms^2", "body_terms"],
                    "type": "phrase",
                }
            }
        ]

    def test_words_found_together_score_extra(self):
        should = body(text="防汛 物资")["query"]["bool"]["must"][0]["bool"]["should"]
        assert should[0]["multi_match"]["type"] == "phrase" and should[0]["multi_match"]["boost"] == 2

    def test_filters_apply_to_hits_and_facets_alike(self):
        search = body(text="网站", site_ids=(1, 2), filters={"year": 2024, "topic": (3, 4)}, date_from=date(2024, 1, 1))
        filters = search["query"]["bool"]["filter"]
        assert {"terms": {"site_id": [1, 2]}} in filters
        assert {"term": {"year": 2024}} in filters
        assert {"terms": {"topic_id": [3, 4]}} in filters
        assert any("range" in f and f["range"]["publication_date"]["gte"].startswith("2024-01-01") for f in filters)
        assert "post_filter" not in search

    def test_every_facet_is_aggregated(self):
        aggregations = body(text="网站")["aggs"]
        fields = {
            name: agg["aggs"][name[len("_filter_") :]]["terms"]["field"]
            for name, agg in aggregations.items()
            if name.startswith("_filter_")
        }
        assert fields == {
            "_filter_site": "site_id",
            "_filter_organisation": "organisation_id",
            "_filter_content_type": "content_type",
            "_filter_topic": "topic_id",
            "_filter_genre": "genre",
            "_filter_year": "year",
            "_filter_validity": "validity",
        }

    def test_relevance_then_newest_or_newest_only(self):
        # Then the earliest page: among an item's equal copies, the original is the one collapsed into.
        assert body(text="网站")["sort"] == ["_score", {"publication_date": {"order": "desc"}}, "page_id"]
        assert body(text="网站", sort="date")["sort"] == [{"publication_date": {"order": "desc"}}, "page_id"]

    def test_one_hit_per_original_and_every_count_counts_originals(self):
        search = body(text="网站")
        assert search["collapse"] == {"field": "original_id"}
        counted = {"cardinality": {"field": "original_id", "precision_threshold": 40_000}}
        assert search["aggs"]["originals"] == counted
        site = search["aggs"]["_filter_site"]["aggs"]["site"]
        assert site["aggs"]["metric"] == counted and site["terms"]["order"] == {"metric": "desc"}

    def test_paging_and_exact_totals(self):
        search = body(text="网站")
        assert (search["from"], search["size"], search["track_total_hits"]) == (10, 10, True)

    def test_any_word_when_widened(self):
        query = body(text="防汛 放管服", match_any=True)["query"]["bool"]["must"][0]["bool"]
        assert query["minimum_should_match"] == 1 and len(query["should"]) == 3

    def test_an_empty_query_matches_everything_newest_first(self):
        search = body(text="", catalogue_only=True)
        assert search["query"]["bool"]["must"] == [{"match_all": {}}]
        assert {"term": {"in_catalogue": True}} in search["query"]["bool"]["filter"]
