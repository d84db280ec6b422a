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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..documents import SearchDocument
from ..models import SAMPLE_BUCKETS, SearchEntry, sample_bucket
from .base import FACETS, Copy, Hit, SearchQuery, SearchResults

BATCH = 500
# Relevance scores this many of the newest title/summary matches, not every one:
# for a word in thousands of titles, the best of the newest.
RERANK_WINDOW = 300
# Fewer sampled matches than this and the estimate is too rough: count exactly.
MIN_SAMPLE = 20
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
    "original_id",
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
        # On PostgreSQL a trigger fills vector and head_vector from the terms (migration search.0005).
        SearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=[
                f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("page", "vector", "head_vector")
            ],
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
            written = self.index(documents)
        if self.vendor == "postgresql":
            self._settle()
        return written

    def _settle(self) -> None:
        """What autovacuum would do minutes after a bulk load, done now (PostgreSQL).

        VACUUM marks the new rows all-visible and merges the GIN indexes' pending
        lists (up to 4 MB each, scanned by every search until then); ANALYZE gives
        the planner the new distribution: p95 44.8 ms instead of 55.0 ms at 200,000
        items. VACUUM cannot run inside a transaction, so a caller's transaction
        gets the rest.
        """
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:
                cursor.execute("VACUUM ANALYZE search_searchentry")
                return
            for index in ("search_entry_vector", "search_entry_head_vector"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE search_searchentry")

    # --- reading ------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        with transaction.atomic():
            if query.parsed and self.vendor == "postgresql":
                # PostgreSQL's planner does not count the cost of reading each
                # row's tsvector, and picks a sequential or B-tree scan for common
                # words that is 3–6× slower than the GIN bitmap (docs/search.md).
                _set_local(seqscan=False, indexscan=False)
            return self._search(query)

    def copies(self, original_ids: Sequence[int]) -> list[Copy]:
        rows = SearchEntry.objects.filter(original_id__in=list(original_ids)).order_by("page_id")
        return [Copy(*row) for row in rows.values_list("original_id", "page_id", "site_id", "url")]

    def _search(self, query: SearchQuery) -> SearchResults:
        entries = self._filtered(query)
        matched, rank = self._match(entries, query) if query.parsed else (entries, None)
        # Counted by original (count(DISTINCT original_id)); listed once each, below.
        estimate = self._estimate(matched, query) if query.parsed and self.vendor == "postgresql" else None
        approximate = estimate is not None
        total, facets = estimate if approximate else self._count_and_facets(matched)[:2]
        page_ids = (
            self._page_ids(entries, self._collapsed(matched, query), rank, query, common=approximate) if total else []
        )
        return SearchResults(hits=_hits(page_ids), total=total, facets=facets, approximate=approximate)

    def _estimate(self, matched: QuerySet[SearchEntry], query: SearchQuery):
        """Total and facets from one sample bucket when the words are very common (PostgreSQL), else None.

        "Very common": the words match over SEARCH_EXACT_LIMIT items in the
        chosen sites, so an exact count would read them all. The sample must
        also hold MIN_SAMPLE matches after the filters, or the estimate is too
        rough and the filters narrow enough to count exactly.
        """
        in_bucket = ["sample_bucket = 0::smallint"]
        narrowing = self._narrowing(query)
        # The filters are counted, not applied: the same pass gives the words' own total.
        words = self._match(self._scoped(query.site_ids), query)[0] if narrowing else matched
        sample_total, sample_facets, words_total = self._count_and_facets(words.extra(where=in_bucket), narrowing)
        if words_total * SAMPLE_BUCKETS <= settings.SEARCH_EXACT_LIMIT or sample_total < MIN_SAMPLE:
            return None
        facets = {name: [(value, n * SAMPLE_BUCKETS) for value, n in values] for name, values in sample_facets.items()}
        return sample_total * SAMPLE_BUCKETS, facets

    def _page_ids(self, entries, matched, rank, query: SearchQuery, common: bool) -> list[int]:
        """The ids of the requested page of hits.

        By relevance: title/summary matches by score (the newest RERANK_WINDOW of
        them when there are more), then every other match newest first.
        """
        start, end = query.offset, query.offset + query.limit
        by_date = matched.order_by("-publication_date", "-page_id")
        if rank is None or query.sort != "relevance":
            self._date_walk(common)
            return list(by_date.values_list("page_id", flat=True)[start:end])
        ranked = self._ranked_window(entries, rank, query)
        page_ids = ranked[start:end]
        if len(page_ids) < query.limit:
            self._date_walk(common)
            rest = by_date.exclude(page_id__in=ranked) if ranked else by_date
            rest_start = max(0, start - len(ranked))
            page_ids += list(
                rest.values_list("page_id", flat=True)[rest_start : rest_start + query.limit - len(page_ids)]
            )
        return page_ids

    def _date_walk(self, common: bool) -> None:
        if self.vendor == "postgresql":
            # Common words: a B-tree walk in date order stops after a page of
            # matches; rare ones: the GIN bitmap, then a sort of the few matches.
            _set_local(indexscan=common)

    def _ranked_window(self, entries, rank, query: SearchQuery) -> list[int]:
        """Title/summary matches, best first: the newest RERANK_WINDOW of them, scored."""
        if self.vendor == "postgresql":
            _set_local(indexscan=True)
            in_head = entries.extra(where=["head_vector @@ to_tsquery('simple', %s)"], params=[_tsquery(query)])
        else:
            in_head = entries.extra(
                tables=["search_entry_fts"],
                where=["search_entry_fts.rowid = search_searchentry.page_id", "search_entry_fts MATCH %s"],
                params=["{title_terms summary_terms} : (" + _fts_match(query) + ")"],
            )
        newest = list(
            self._collapsed(in_head, query)
            .order_by("-publication_date", "-page_id")
            .values_list("page_id", flat=True)[:RERANK_WINDOW]
        )
        # Scored after the LIMIT: scoring inside it would score every title/summary match.
        window = SearchEntry.objects.filter(page_id__in=newest)
        if self.vendor != "postgresql":
            window = self._match(window, query)[0]  # bm25 needs the FTS5 match
        rows = (
            window.extra(select={"score": rank[0]}, select_params=rank[1])
            .order_by("-publication_date", "-page_id")
            .values_list("page_id", "score")
        )
        # Python's sort is stable: equal scores stay newest first.
        return [page_id for page_id, _score in sorted(rows, key=lambda row: -row[1])]

    def _collapsed(self, matched: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
        """``matched`` less the pages whose group (an original, its aliases and copies) has an
        earlier page among the query's matches: one hit per original, the original itself
        when it matches. Only pushed pages pay for the check (an index lookup by original)."""
        twins = self._filtered(query).filter(original_id=OuterRef("original_id"), page_id__lt=OuterRef("page_id"))
        if query.parsed:
            # Unqualified columns name the subquery's own table (search_searchentry is aliased there).
            if self.vendor == "postgresql":
                condition = RawSQL("vector @@ to_tsquery('simple', %s)", [_tsquery(query)], output_field=BooleanField())
                twins = twins.filter(condition)
            else:
                fts = RawSQL("SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s", [_fts_match(query)])
                twins = twins.filter(page_id__in=fts)
        return matched.filter(Q(page_id=F("original_id")) | ~Exists(twins))

    def _scoped(self, site_ids: tuple[int, ...]) -> QuerySet[SearchEntry]:
        return SearchEntry.objects.filter(site_id__in=site_ids) if site_ids else SearchEntry.objects.all()

    def _filtered(self, query: SearchQuery) -> QuerySet[SearchEntry]:
        entries = self._scoped(query.site_ids)
        narrowing = self._narrowing(query)
        return entries.filter(narrowing) if narrowing else entries

    def _narrowing(self, query: SearchQuery) -> Q | None:
        """The query's filters other than its sites, or None."""
        conditions = Q(in_catalogue=True) if query.catalogue_only else Q()
        for name, value in query.filters.items():
            lookup = f"{FACET_COLUMNS[name]}__in" if isinstance(value, tuple) else FACET_COLUMNS[name]
            conditions &= Q(**{lookup: value})
        tz = timezone.get_current_timezone()
        if query.date_from:
            conditions &= Q(publication_date__gte=datetime.combine(query.date_from, time.min, tz))
        if query.date_to:
            conditions &= Q(publication_date__lte=datetime.combine(query.date_to, time.max, tz))
        return conditions or None

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

    def _count_and_facets(
        self, matched: QuerySet[SearchEntry], passes: Q | None = None
    ) -> tuple[int, dict[str, list[tuple[str | int, int]]], int]:
        """The number of matches, each facet's counts (largest first, at most FACET_LIMIT
        values) and the number of rows read.

        With ``passes`` (PostgreSQL), only rows meeting it are counted, in the same pass.
        """
        facets: dict[str, list[tuple[str | int, int]]] = {name: [] for name in FACETS}
        columns = [FACET_COLUMNS[name] for name in FACETS]
        if self.vendor == "postgresql":
            # One pass over the matches: a grouping set per facet, and () for the total.
            if passes is not None:
                matched = matched.annotate(passes=ExpressionWrapper(passes, output_field=BooleanField()))
            selected = [*columns, "original_id", *(["passes"] if passes is not None else [])]
            sql, params = matched.values(*selected).query.sql_with_params()
            listed = ", ".join(columns)
            sets = ", ".join(f"({column})" for column in columns)
            # A pushed item counts once (its aliases and copies share original_id), as it is listed.
            counted = "count(DISTINCT original_id)" + (" FILTER (WHERE passes)" if passes is not None else "")
            total = read = 0
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {listed}, GROUPING({listed}), {counted}, count(*) FROM ({sql}) matched"
                    f" GROUP BY GROUPING SETS ({sets}, ())",
                    params,
                )
                for row in cursor.fetchall():
                    values, grouping, count = row[: len(FACETS)], row[len(FACETS)], row[-2]
                    if grouping == (1 << len(FACETS)) - 1:
                        total, read = count, row[-1]
                        continue
                    if not count:
                        continue
                    # GROUPING() sets a bit for each column NOT in the set; the one clear bit names the facet.
                    for position, name in enumerate(FACETS):
                        in_set = not grouping & (1 << (len(FACETS) - 1 - position))
                        if in_set and values[position] not in (None, ""):
                            facets[name].append((values[position], count))
        else:
            if passes is not None:
                read = matched.count()
                matched = matched.filter(passes)
            total = matched.values("original_id").distinct().count()
            if passes is None:
                read = total
            for name, column in zip(FACETS, columns, strict=True):
                if not total:
                    break
                rows = (
                    matched.exclude(**{f"{column}__isnull": True})
                    .values_list(column)
                    .annotate(n=Count("original_id", distinct=True))
                )
                facets[name] = [(value, n) for value, n in rows if value not in (None, "")]
        ordered = {
            name: sorted(values, key=lambda v: (-v[1], str(v[0])))[:FACET_LIMIT] for name, values in facets.items()
        }
        return total, ordered, read


def _set_local(**switches: bool) -> None:
    """Planner switches (enable_seqscan, …) for the rest of the current transaction."""
    statements = [f"SET LOCAL enable_{name} = {'on' if on else 'off'}" for name, on in switches.items()]
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements))


def _hits(page_ids: list[int]) -> list[Hit]:
    rows = {row["page_id"]: row for row in SearchEntry.objects.filter(page_id__in=page_ids).values(*HIT_FIELDS)}
    return [Hit(**rows[page_id]) for page_id in page_ids if page_id in rows]


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
        original_id=document.original_id,
        sample_bucket=sample_bucket(document.page_id),
        title_terms=document.terms["title"],
        summary_terms=document.terms["summary"],
        body_terms=document.terms["body"],
    )
