"""The embedded backend: the cluster's own database.

PostgreSQL: a weighted ``tsvector`` (title A, summary B, body C) of the
pre-segmented terms under a GIN index, ranked with ``ts_rank_cd`` (cover
density, so adjacent terms beat scattered ones); facets in one GROUPING SETS
query. SQLite: an FTS5 table kept in step by triggers, ranked with bm25 using
the same weights.
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
# ts_rank_cd weights for D, C, B, A: body 0.2, summary 0.5, title 1.0.
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
                update_fields=[f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("page", "vector")],
            )
            if self.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE search_searchentry SET vector ="
                        " setweight(to_tsvector('simple', title_terms), 'A')"
                        " || setweight(to_tsvector('simple', summary_terms), 'B')"
                        " || setweight(to_tsvector('simple', body_terms), 'C')"
                        " WHERE page_id = ANY(%s)",
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
        entries = self._filtered(query)
        if query.parsed:
            matched, rank = self._match(entries, query)
        else:
            matched, rank = entries, None
        total = matched.count()
        facets = self._facets(matched) if total else {f: [] for f in FACETS}
        if rank is not None and query.sort == "relevance":
            ordered = matched.extra(select={"score": rank[0]}, select_params=rank[1]).order_by(
                "-score", "-publication_date", "-page_id"
            )
        else:
            ordered = matched.order_by("-publication_date", "-page_id")
        rows = ordered.values(*HIT_FIELDS, *(("score",) if rank is not None and query.sort == "relevance" else ()))
        hits = [Hit(**row) for row in rows[query.offset : query.offset + query.limit]]
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
                f"ts_rank_cd('{PG_WEIGHTS}', vector, to_tsquery('simple', %s))"
                " + CASE WHEN position(%s in lower(title)) > 0 THEN 1.0 ELSE 0 END",
                [tsquery, query.parsed.text.lower()],
            )
            return matched, rank
        match = _fts_match(query)
        ids = "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s"
        matched = entries.extra(where=[f"page_id IN ({ids})"], params=[match])
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        # bm25 is lower for better matches; negate so higher is better, as on PostgreSQL.
        rank = (
            f"(SELECT -bm25(search_entry_fts, {weights}) FROM search_entry_fts"
            " WHERE search_entry_fts MATCH %s AND rowid = search_searchentry.page_id)"
            " + CASE WHEN instr(lower(title), %s) > 0 THEN 100.0 ELSE 0 END",
            [match, query.parsed.text.lower()],
        )
        return matched, rank

    def _facets(self, matched: QuerySet[SearchEntry]) -> dict[str, list[tuple[str | int, int]]]:
        facets: dict[str, list[tuple[str | int, int]]] = {name: [] for name in FACETS}
        if self.vendor == "postgresql":
            sql, params = matched.values("page_id").query.sql_with_params()
            columns = ", ".join(FACET_COLUMNS[name] for name in FACETS)
            sets = ", ".join(f"({FACET_COLUMNS[name]})" for name in FACETS)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {columns}, GROUPING({columns}), count(*) FROM search_searchentry"
                    f" WHERE page_id IN ({sql}) GROUP BY GROUPING SETS ({sets})",
                    params,
                )
                for row in cursor.fetchall():
                    values, grouping, count = row[: len(FACETS)], row[len(FACETS)], row[-1]
                    # GROUPING() sets a bit for each column NOT in the set; the one clear bit names the facet.
                    for position, name in enumerate(FACETS):
                        in_set = not grouping & (1 << (len(FACETS) - 1 - position))
                        if in_set and values[position] not in (None, ""):
                            facets[name].append((values[position], count))
        else:
            for name in FACETS:
                column = FACET_COLUMNS[name]
                rows = matched.exclude(**{f"{column}__isnull": True}).values_list(column).annotate(n=Count("pk"))
                facets[name] = [(value, n) for value, n in rows if value not in (None, "")]
        return {name: sorted(values, key=lambda v: (-v[1], str(v[0])))[:FACET_LIMIT] for name, values in facets.items()}


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
