"""Indexing and searching, as plain functions (DESIGN §4): called by the signal
handlers' background tasks, the rebuild command, the public views and tests alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from django.db.models import Q
from wagtail.models import Page, Site

from cms.content.models import ArticlePage
from cms.content.visibility import publicly_listed
from cms.disclosure.metadata import normalise_document_number
from core.cache import Scope, generation, invalidate_after_commit
from sites.models import Organisation
from sites.page_cache import retire_after_commit
from sites.site_facts import UNLISTED_STATUSES

from . import analysis
from .backends import get_backend
from .backends.base import Copy, Hit, SearchQuery, SearchResults
from .documents import SearchDocument, build_documents, indexable_pages, originals_of

# Carried by every cached search result page (search.views): retired whenever the index changes.
RESULTS_TAG = "search"

BATCH = 500
EXACT_LIMIT = 50  # pages sharing one 发文字号 looked at: an item and the sites it was pushed to


_loaded_generation: str | None = None


def cluster_words_changed() -> None:
    """An organisation or site was named or renamed: every process reloads the names (after commit)."""
    invalidate_after_commit(Scope.CLUSTER_WORDS)


def load_cluster_words() -> None:
    """Teach the segmenter every organisation and site name (宣州区数据资源管理局 stays one term).

    Indexing and searching processes both call it, so queries are segmented as the
    index was; a cache read per call, the two queries only after a name changed.
    """
    global _loaded_generation
    token = generation(Scope.CLUSTER_WORDS)
    if token == _loaded_generation:
        return
    for name, short_name in Organisation.objects.values_list("name", "short_name"):
        analysis.add_word(name)
        if len(short_name) > 1:
            analysis.add_word(short_name)
    for site_name in Site.objects.exclude(site_name="").values_list("site_name", flat=True):
        analysis.add_word(site_name)
    _loaded_generation = token


def index_pages(page_ids: Iterable[int]) -> int:
    """Bring the index in line with these pages: (re)index the live public ones, drop the rest."""
    page_ids = set(page_ids)
    if not page_ids:
        return 0
    load_cluster_words()
    pages = list(indexable_pages(Page.objects.filter(pk__in=page_ids)).specific())
    backend = get_backend()
    written = backend.index(build_documents(pages))
    gone = page_ids - {page.pk for page in pages}
    if gone:
        backend.delete(sorted(gone))
    retire_after_commit(RESULTS_TAG)  # cached search result pages may list these pages
    return written


def index_site(site_id: int) -> int:
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if site is None:
        return 0
    return index_pages(Page.objects.descendant_of(site.root_page, inclusive=True).values_list("pk", flat=True))


def restriction_reach(page_id: int) -> list[int]:
    """What a view restriction on the page decides: the page, its descendants and their aliases."""
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:  # the page is being deleted: the delete removes its entries
        return []
    reached = Page.objects.filter(Q(path__startswith=path) | Q(alias_of__path__startswith=path))
    return list(reached.values_list("pk", flat=True))


def remove_pages(page_ids: Iterable[int]) -> None:
    page_ids = sorted(set(page_ids))
    if page_ids:
        get_backend().delete(page_ids)
        retire_after_commit(RESULTS_TAG)


def iter_documents(progress: Callable[[int], None] | None = None) -> Iterator[SearchDocument]:
    """Every indexable page as a document, in batches of ``BATCH`` pages."""
    load_cluster_words()
    ids = list(indexable_pages().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        yield from build_documents(Page.objects.filter(pk__in=chunk).order_by("pk").specific())
        if progress:
            progress(len(chunk))


def count_indexable() -> int:
    return indexable_pages().count()


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Recreate the whole index from the page tree; readers keep the old one until it is done."""
    written = get_backend().rebuild(iter_documents(progress))
    retire_after_commit(RESULTS_TAG)
    return written


def exact_item(raw_query: str) -> Page | None:
    """The page the public may find that a query names exactly by 索引号 or 发文字号 (any bracket form), if one.

    A pushed item's aliases and copies carry its 发文字号 too: they name the same item,
    which opens at its original (or the earliest findable page of its group).
    """
    text = "".join(analysis.fold(raw_query).split()).upper()
    if not text or len(text) > 100:
        return None
    findable = publicly_listed(ArticlePage.objects.all())
    numbered = findable.filter(index_number__value__iexact=text).first()
    if numbered is not None:
        return numbered
    document_number = normalise_document_number(raw_query.strip())
    if "〔" in document_number and document_number.endswith("号"):
        page_ids = sorted(findable.filter(document_number=document_number).values_list("pk", flat=True)[:EXACT_LIMIT])
        originals = originals_of(page_ids)
        if page_ids and len({originals.get(pk, pk) for pk in page_ids}) == 1:
            return Page.objects.get(pk=page_ids[0]).specific
    return None


@dataclass
class SearchOutcome:
    results: SearchResults
    widened: bool = False  # every word together found nothing; these have any of them
    # The site found nothing with every word, the whole cluster this many (not widened then).
    cluster_total: int = 0


def run_search(query: SearchQuery, cluster_site_ids: tuple[int, ...] = ()) -> SearchOutcome:
    """Search; when every word together finds nothing, retry with any word.

    Not in one site (``query.site_ids`` narrower than ``cluster_site_ids``) whose
    cluster holds items with every word: widening there listed more, weaker, results
    for 本站 than 全站群 gave for the same words. The reader is sent to the cluster instead.
    """
    backend = get_backend()
    results = backend.search(query)
    if results.total == 0 and query.parsed and len(query.parsed.groups) + len(query.parsed.phrases) > 1:
        if cluster_site_ids and set(query.site_ids) < set(cluster_site_ids):
            cluster = backend.search(replace(query, site_ids=cluster_site_ids, offset=0, limit=0))
            if cluster.total:
                return SearchOutcome(results, cluster_total=cluster.total)
        wider = backend.search(replace(query, match_any=True))
        if wider.total:
            return SearchOutcome(wider, widened=True)
    return SearchOutcome(results)


def also_in(hits: list[Hit], site_ids: Iterable[int]) -> dict[int, list[Copy]]:
    """For each hit, the same item in other sites among ``site_ids`` (its original, aliases, copies):
    one per site, one backend call per page of hits."""
    originals = {hit.original_id or hit.page_id for hit in hits}
    if not originals:
        return {}
    site_ids = set(site_ids)
    groups: dict[int, list[Copy]] = {}
    for copy in get_backend().copies(sorted(originals)):
        if copy.site_id in site_ids:
            groups.setdefault(copy.original_id, []).append(copy)
    shown: dict[int, list[Copy]] = {}
    for hit in hits:
        seen = {hit.site_id}
        others = []
        for copy in groups.get(hit.original_id or hit.page_id, []):
            if copy.site_id not in seen:
                seen.add(copy.site_id)
                others.append(copy)
        shown[hit.page_id] = others
    return shown


def open_site_ids() -> list[int]:
    """Sites whose pages may be listed in results (a closed site answers 410 on every URL, a 筹建 one 404)."""
    hidden = Q(profile__status__in=UNLISTED_STATUSES)
    return list(Site.objects.filter(~hidden).values_list("pk", flat=True))
