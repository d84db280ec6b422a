"""The embedded backend: the cluster's own database.

PostgreSQL: a weighted ``tsvector`` (title A, summary B, body C) of the
pre-segmented terms under a GIN index matches; ``ts_rank_cd`` (cover density,
so adjacent terms beat scattered ones) over the title and summary ranks; the
total and every facet come from one GROUPING SETS query. SQLite: an FTS5
table kept in step by triggers, ranked with bm25 (title > summary > body).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from ..documents import SearchDocument
from ..models import SearchEntry
from .base import FACETS, Hit, SearchQuery, SearchResults

BATCH = 500
FACET_LIMIT = 30
FACET_COLUMNS = {
    "site": "site_id",
    "organisation": "organisation_id",
    "content_type": "content_type",
    "topic": "topic_id",
    "genre": "genre",
    "year": "year",
    "validity": "validity",
}
HIT_FIELDS = (
    "page_id",
    "title",
    "url",
    "site_id",
    "column_path",
    "content_type",
    "text",
    "publication_date",
    "index_number",
    "document_number",
    "organisation_id",
)
# ts_rank_cd weights for D, C, B, A (title 1.0, summary 0.5), over head_vector:
# a match in the body only ranks 0, and newer items come first among those.
PG_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
# bm25 weights per FTS5 column (title, summary, body).
FTS_WEIGHTS = (10.0, 4.0, 1.0)


def _quote(term: str) -> str:
    """A term as a tsquery / FTS5 string literal (terms are \\w+ already; quote anyway)."""
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class DatabaseBackend:
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing ------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument]) -> int:
        written = 0
        batch: list[SearchDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                written += self._write(batch)
                batch = []
        if batch:
            written += self._write(batch)
        return written

    def _write(self, documents: list[SearchDocument]) -> int:
        entries = [_entry(document) for document in documents]
        with transaction.atomic():
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["page"],
                update_fields=[
                    f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("page", "vector", "head_vector")
                ],
            )
            if self.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE search_searchentry"
                        " SET head_vector = computed.head, vector = computed.head || computed.body FROM ("
                        " SELECT page_id AS id,"
                        " setweight(to_tsvector('simple', title_terms), 'A')"
                        " || setweight(to_tsvector('simple', summary_terms), 'B') AS head,"
                        " setweight(to_tsvector('simple', body_terms), 'C') AS body"
                        " FROM search_searchentry WHERE page_id = ANY(%s)) computed WHERE page_id = computed.id",
                        [[entry.page_id for entry in entries]],
                    )
        return len(entries)

    def delete(self, page_ids: Sequence[int]) -> None:
        SearchEntry.objects.filter(page_id__in=list(page_ids)).delete()

    def clear(self) -> None:
        SearchEntry.objects.all().delete()

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        # One transaction: readers keep the old index until the new one commits.
        with transaction.atomic():
            self.clear()
            return self.index(documents)

    # --- reading ------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        with transaction.atomic():
            if query.parsed and self.vendor == "postgresql":
                # PostgreSQL's planner does not count the cost of reading each
                # row's tsvector, and picks a sequential or B-tree scan for common
                # words that is 3–6× slower than the GIN bitmap (docs/search.md).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            return self._search(query)

    def _search(self, query: SearchQuery) -> SearchResults:
        entries = self._filtered(query)
        if query.parsed:
            matched, rank = self._match(entries, query)
        else:
            matched, rank = entries, None
        total, facets = self._count_and_facets(matched)
        if rank is not None and query.sort == "relevance":
            ordered = matched.extra(select={"score": rank[0]}, select_params=rank[1]).order_by(
                "-score", "-publication_date", "-page_id"
            )
        else:
            ordered = matched.order_by("-publication_date", "-page_id")
        # The page of ids first, then their display fields: sorting thousands of
        # matches with their (large) text alongside would read all of it.
        page_ids = list(ordered.values_list("page_id", flat=True)[query.offset : query.offset + query.limit])
        rows = {row["page_id"]: row for row in SearchEntry.objects.filter(page_id__in=page_ids).values(*HIT_FIELDS)}
        hits = [Hit(**rows[page_id]) for page_id in page_ids if page_id in rows]
        return SearchResults(hits=hits, total=total, facets=facets)

    def _filtered(self, query: SearchQuery) -> QuerySet[SearchEntry]:
        entries = SearchEntry.objects.all()
        if query.site_ids:
            entries = entries.filter(site_id__in=query.site_ids)
        if query.catalogue_only:
            entries = entries.filter(in_catalogue=True)
        for name, value in query.filters.items():
            lookup = f"{FACET_COLUMNS[name]}__in" if isinstance(value, tuple) else FACET_COLUMNS[name]
            entries = entries.filter(**{lookup: value})
        tz = timezone.get_current_timezone()
        if query.date_from:
            entries = entries.filter(publication_date__gte=datetime.combine(query.date_from, time.min, tz))
        if query.date_to:
            entries = entries.filter(publication_date__lte=datetime.combine(query.date_to, time.max, tz))
        return entries

    def _match(self, entries: QuerySet[SearchEntry], query: SearchQuery):
        if self.vendor == "postgresql":
            tsquery = _tsquery(query)
            matched = entries.extra(where=["vector @@ to_tsquery('simple', %s)"], params=[tsquery])
            # Whole query in the title ranks above everything else.
            rank = (
                f"ts_rank_cd('{PG_WEIGHTS}', head_vector, to_tsquery('simple', %s))"
                " + CASE WHEN position(%s in lower(title)) > 0 THEN 1.0 ELSE 0 END",
                [tsquery, query.parsed.text.lower()],
            )
            return matched, rank
        match = _fts_match(query)
        # Joined, not a subquery per row: SQLite then drives the query from the FTS index.
        matched = entries.extra(
            tables=["search_entry_fts"],
            where=["search_entry_fts.rowid = search_searchentry.page_id", "search_entry_fts MATCH %s"],
            params=[match],
        )
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        # bm25 is lower for better matches; negate so higher is better, as on PostgreSQL.
        rank = (
            f"-bm25(search_entry_fts, {weights}) + CASE WHEN instr(lower(title), %s) > 0 THEN 100.0 ELSE 0 END",
            [query.parsed.text.lower()],
        )
        return matched, rank

    def _count_and_facets(self, matched: QuerySet[SearchEntry]) -> tuple[int, dict[str, list[tuple[str | int, int]]]]:
        """The number of matches and each facet's counts (largest first, at most FACET_LIMIT values)."""
        facets: dict[str, list[tuple[str | int, int]]] = {name: [] for name in FACETS}
        columns = [FACET_COLUMNS[name] for name in FACETS]
        if self.vendor == "postgresql":
            # One pass over the matches: a grouping set per facet, and () for the total.
            sql, params = matched.values(*columns).query.sql_with_params()
            listed = ", ".join(columns)
            sets = ", ".join(f"({column})" for column in columns)
            total = 0
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {listed}, GROUPING({listed}), count(*) FROM ({sql}) matched"
                    f" GROUP BY GROUPING SETS ({sets}, ())",
                    params,
                )
                for row in cursor.fetchall():
                    values, grouping, count = row[: len(FACETS)], row[len(FACETS)], row[-1]
                    if grouping == (1 << len(FACETS)) - 1:
                        total = count
                        continue
                    # GROUPING() sets a bit for each column NOT in the set; the one clear bit names the facet.
                    for position, name in enumerate(FACETS):
                        in_set = not grouping & (1 << (len(FACETS) - 1 - position))
                        if in_set and values[position] not in (None, ""):
                            facets[name].append((values[position], count))
        else:
            total = matched.count()
            for name, column in zip(FACETS, columns, strict=True):
                if not total:
                    break
                rows = matched.exclude(**{f"{column}__isnull": True}).values_list(column).annotate(n=Count("pk"))
                facets[name] = [(value, n) for value, n in rows if value not in (None, "")]
        ordered = {
            name: sorted(values, key=lambda v: (-v[1], str(v[0])))[:FACET_LIMIT] for name, values in facets.items()
        }
        return total, ordered


def _tsquery(query: SearchQuery) -> str:
    parts = []
    for group in query.parsed.groups:
        alternatives = ["(" + " & ".join(_quote(t) for t in alternative) + ")" for alternative in group]
        parts.append("(" + " | ".join(alternatives) + ")")
    for phrase in query.parsed.phrases:
        parts.append("(" + " <-> ".join(_quote(t) for t in phrase) + ")")
    return (" | " if query.match_any else " & ").join(parts)


def _fts_match(query: SearchQuery) -> str:
    parts = []
    for group in query.parsed.groups:
        alternatives = ["(" + " AND ".join(_fts_quote(t) for t in alternative) + ")" for alternative in group]
        parts.append("(" + " OR ".join(alternatives) + ")")
    for phrase in query.parsed.phrases:
        parts.append(_fts_quote(" ".join(phrase)))
    return (" OR " if query.match_any else " AND ").join(parts)


def _entry(document: SearchDocument) -> SearchEntry:
    return SearchEntry(
        page_id=document.page_id,
        site_id=document.site_id,
        organisation_id=document.organisation_id,
        content_type=document.content_type,
        topic_id=document.topic_id,
        genre=document.genre,
        validity=document.validity,
        year=document.year,
        publication_date=document.publication_date,
        date_formed=document.date_formed,
        index_number=document.index_number,
        document_number=document.document_number,
        in_catalogue=document.in_catalogue,
        title=document.title[:255],
        url=document.url[:500],
        column_path=document.column_path[:500],
        text=document.text,
        title_terms=document.terms["title"],
        summary_terms=document.terms["summary"],
        body_terms=document.terms["body"],
    )
