"""The Elasticsearch backend, for clusters that outgrow one database.

Text arrives pre-segmented (search/analysis.py), so the index analyses it with a
whitespace tokenizer and lower-casing only: Elasticsearch's standard analyzer
would split Chinese into single characters again. Facet fields are keywords.
Readers always query an alias; ``rebuild`` fills a new concrete index and then
swaps the alias in one atomic call, so a rebuild never shows an empty index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time

from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    A,
    Boolean,
    Date,
    Document,
    FacetedSearch,
    Index,
    Integer,
    Keyword,
    Q,
    TermsFacet,
    Text,
    analyzer,
)

from ..documents import SearchDocument
from .base import FACETS, Copy, Hit, SearchQuery, SearchResults

FACET_LIMIT = 30
BULK_CHUNK = 500
COPIES_LIMIT = 1000  # pages of one page of hits' groups: ten items, each in a few dozen sites at most
# Counts of originals (cardinality) are exact below this many, estimates above (Elasticsearch's maximum).
EXACT_CARDINALITY = 40_000
SEGMENTED = analyzer("segmented", tokenizer="whitespace", filter=["lowercase"])
SEARCH_FIELDS = ["title_terms^4", "summary_terms^2", "body_terms"]
FACET_FIELDS = {
    "site": "site_id",
    "organisation": "organisation_id",
    "content_type": "content_type",
    "topic": "topic_id",
    "genre": "genre",
    "year": "year",
    "validity": "validity",
}


class SearchDoc(Document):
    """One page. Display fields are stored, not indexed; the *_terms fields are searched."""

    site_id = Integer()
    organisation_id = Integer()
    content_type = Keyword()
    topic_id = Integer()
    genre = Keyword()
    validity = Keyword()
    year = Integer()
    publication_date = Date()
    date_formed = Date()
    index_number = Keyword()
    document_number = Keyword()
    in_catalogue = Boolean()
    page_id = Integer()
    # The page it was pushed from, else its own id: hits collapse on it, counts count it.
    original_id = Integer()
    title = Keyword(index=False)
    url = Keyword(index=False)
    column_path = Keyword(index=False)
    text = Text(index=False)
    title_terms = Text(analyzer=SEGMENTED)
    summary_terms = Text(analyzer=SEGMENTED)
    body_terms = Text(analyzer=SEGMENTED)


def index_definition(name: str) -> Index:
    """The settings and mapping of a concrete index."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(SearchDoc)
    return index


def query_clause(query: SearchQuery) -> Q:
    """The scoring part of a search: every word (or any, when widened) in title, summary or body.

    A word matches whole or by all its parts (see ParsedQuery); quoted text must
    match as a phrase; the words found next to each other score extra, so a
    whole phrase ranks above scattered terms.
    """
    parsed = query.parsed
    if not parsed:
        return Q("match_all")
    clauses = []
    for group in parsed.groups:
        alternatives = [
            Q("multi_match", query=" ".join(alt), fields=SEARCH_FIELDS, type="cross_fields", operator="and")
            for alt in group
        ]
        clauses.append(alternatives[0] if len(alternatives) == 1 else Q("bool", should=alternatives))
    for phrase in parsed.phrases:
        clauses.append(Q("multi_match", query=" ".join(phrase), fields=SEARCH_FIELDS, type="phrase"))
    words = [group[0][0] for group in parsed.groups]
    proximity = (
        [Q("multi_match", query=" ".join(words), fields=SEARCH_FIELDS, type="phrase", slop=2, boost=2)]
        if len(words) > 1
        else []
    )
    if query.match_any:
        return Q("bool", should=clauses + proximity, minimum_should_match=1)
    return Q("bool", must=clauses, should=proximity)


def filter_clauses(query: SearchQuery) -> list[Q]:
    filters = []
    if query.site_ids:
        filters.append(Q("terms", site_id=list(query.site_ids)))
    if query.catalogue_only:
        filters.append(Q("term", in_catalogue=True))
    for name, value in query.filters.items():
        field = FACET_FIELDS[name]
        filters.append(Q("terms", **{field: list(value)}) if isinstance(value, tuple) else Q("term", **{field: value}))
    tz = timezone.get_current_timezone()
    bounds = {}
    if query.date_from:
        bounds["gte"] = datetime.combine(query.date_from, time.min, tz).isoformat()
    if query.date_to:
        bounds["lte"] = datetime.combine(query.date_to, time.max, tz).isoformat()
    if bounds:
        filters.append(Q("range", publication_date=bounds))
    return filters


def originals() -> A:
    return A("cardinality", field="original_id", precision_threshold=EXACT_CARDINALITY)


class ClusterFacetedSearch(FacetedSearch):
    """FacetedSearch over the alias. Filters apply to hits and facet counts alike
    (as in the database backend), so they go into the query, not post_filter.

    One hit per original (``collapse``; among equals the earliest page, the original,
    as the database backend lists it), and every count counts originals."""

    doc_types = [SearchDoc]
    facets = {
        name: TermsFacet(field=field, size=FACET_LIMIT, metric=originals()) for name, field in FACET_FIELDS.items()
    }

    def __init__(self, query: SearchQuery, *, using: Elasticsearch, index: str):
        self.cluster_query = query
        self.using = using
        self.index = index
        sort = ["_score", "-publication_date"] if query.sort == "relevance" and query.parsed else ["-publication_date"]
        sort.append("page_id")
        super().__init__(query=None, filters={}, sort=sort)

    def search(self):
        search = super().search()
        search = search.query(
            Q("bool", must=[query_clause(self.cluster_query)], filter=filter_clauses(self.cluster_query))
        )
        search.aggs.metric("originals", originals())
        return search.extra(track_total_hits=True, collapse={"field": "original_id"})


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, *, index: str = "cluster-search"):
        if not url:
            raise ValueError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
        self.client = Elasticsearch(url)
        self.alias = index

    # --- writing ------------------------------------------------------------

    def _ensure_index(self) -> None:
        if not self.client.indices.exists_alias(name=self.alias):
            self._create_concrete_index(with_alias=True)

    def _create_concrete_index(self, *, with_alias: bool) -> str:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        definition = index_definition(name)
        if with_alias:
            definition.aliases(**{self.alias: {}})
        definition.create(using=self.client)
        return name

    def _actions(self, documents: Iterable[SearchDocument], index: str) -> Iterator[dict]:
        for document in documents:
            yield {"_index": index, "_id": document.page_id, "_source": _source(document)}

    def index(self, documents: Iterable[SearchDocument]) -> int:
        self._ensure_index()
        written, _ = helpers.bulk(
            self.client, self._actions(documents, self.alias), chunk_size=BULK_CHUNK, refresh="wait_for"
        )
        return written

    def delete(self, page_ids: Sequence[int]) -> None:
        if not page_ids or not self.client.indices.exists_alias(name=self.alias):
            return
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in page_ids)
        # A page that was never indexed answers 404: nothing to remove, not an error.
        helpers.bulk(self.client, actions, raise_on_error=False, refresh="wait_for")

    def clear(self) -> None:
        if self.client.indices.exists_alias(name=self.alias):
            self.client.delete_by_query(index=self.alias, query={"match_all": {}}, refresh=True, conflicts="proceed")

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        new_index = self._create_concrete_index(with_alias=False)
        try:
            written, _ = helpers.bulk(self.client, self._actions(documents, new_index), chunk_size=BULK_CHUNK)
            self.client.indices.refresh(index=new_index)
        except Exception:
            self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        try:
            old = list(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            old = []
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)  # atomic: readers switch at once
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        return written

    # --- reading ------------------------------------------------------------

    def faceted_search(self, query: SearchQuery) -> ClusterFacetedSearch:
        """The search for one page of results (offset and limit applied)."""
        faceted = ClusterFacetedSearch(query, using=self.client, index=self.alias)
        return faceted[query.offset : query.offset + query.limit]

    def request_body(self, query: SearchQuery) -> dict:
        """What ``search`` sends to Elasticsearch, for inspection."""
        return self.faceted_search(query)._s.to_dict()

    def search(self, query: SearchQuery) -> SearchResults:
        if not self.client.indices.exists_alias(name=self.alias):
            return SearchResults(hits=[], total=0, facets={name: [] for name in FACETS})
        response = self.faceted_search(query).execute()
        hits = [
            Hit(
                page_id=int(hit.meta.id),
                title=hit.title,
                url=hit.url,
                site_id=hit.site_id,
                column_path=hit.column_path or "",
                content_type=hit.content_type,
                text=hit.text or "",
                publication_date=_datetime(getattr(hit, "publication_date", None)),
                index_number=getattr(hit, "index_number", "") or "",
                document_number=getattr(hit, "document_number", "") or "",
                organisation_id=getattr(hit, "organisation_id", None),
                original_id=getattr(hit, "original_id", None),
            )
            for hit in response
        ]
        facets = {
            name: sorted(
                ((value, count) for value, count, _selected in response.facets[name] if value not in (None, "")),
                key=lambda v: (-v[1], str(v[0])),
            )
            for name in FACETS
        }
        # hits.total counts pages, not originals.
        return SearchResults(hits=hits, total=int(response.aggregations.originals.value), facets=facets)

    def copies(self, original_ids: Sequence[int]) -> list[Copy]:
        if not original_ids or not self.client.indices.exists_alias(name=self.alias):
            return []
        response = self.client.search(
            index=self.alias,
            query={"terms": {"original_id": list(original_ids)}},
            source=["original_id", "site_id", "url"],
            sort=["page_id"],
            size=COPIES_LIMIT,
        )
        return [
            Copy(hit["_source"]["original_id"], int(hit["_id"]), hit["_source"]["site_id"], hit["_source"]["url"])
            for hit in response["hits"]["hits"]
        ]


def _source(document: SearchDocument) -> dict:
    return {
        "site_id": document.site_id,
        "organisation_id": document.organisation_id,
        "content_type": document.content_type,
        "topic_id": document.topic_id,
        "genre": document.genre or None,
        "validity": document.validity or None,
        "year": document.year,
        "publication_date": document.publication_date.isoformat() if document.publication_date else None,
        "date_formed": document.date_formed.isoformat() if document.date_formed else None,
        "index_number": document.index_number or None,
        "document_number": document.document_number or None,
        "in_catalogue": document.in_catalogue,
        "page_id": document.page_id,
        "original_id": document.original_id,
        "title": document.title,
        "url": document.url,
        "column_path": document.column_path,
        "text": document.text,
        "title_terms": document.terms["title"],
        "summary_terms": document.terms["summary"],
        "body_terms": document.terms["body"],
    }


def _datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
