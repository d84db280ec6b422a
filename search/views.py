"""The public search page of every site (/search/): thin, over search.services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from wagtail.models import Site

from cms.disclosure.metadata import Genre, Validity
from cms.disclosure.models import Topic
from sites.models import Organisation
from sites.page_cache import mark_cacheable, site_tag

from . import services
from .analysis import parse_query
from .backends.base import SearchQuery
from .forms import MAX_PAGES, PAGE_SIZE, PARAMETERS, QUERY_PARAMETERS, SearchParams, default_scope
from .highlight import highlight_title, snippet
from .models import ContentType

FACET_HEADINGS = {
    "site": "网站",
    "org": "发布机构",
    "type": "信息类型",
    "topic": "主题分类",
    "genre": "体裁",
    "year": "年份",
    "validity": "有效性",
}


def search_page(request: HttpRequest) -> HttpResponse:
    site = Site.find_for_request(request)
    params = SearchParams.from_query(request.GET, default_scope=default_scope(site))

    # A query that names one item by 索引号 or 发文字号 goes straight to it.
    for exact in (params.index_number, params.document_number, params.q):
        if exact and (item := services.exact_item(exact)) is not None:
            return HttpResponseRedirect(item.get_url(request))

    context = {"params": params, "site": site, "scope_site_name": site.site_name if site else ""}
    wanted_exact = params.index_number or params.document_number
    if params.has_criteria and not wanted_exact:
        context.update(_results(request, site, params))
        if 0 < context["page_count"] < params.page:
            # Past the end (an old link, a shrunk result set): the last page, not "0 of 24".
            last = context["page_count"]
            return HttpResponseRedirect(request.path + params.url(page=last if last > 1 else None))
    context["wanted_exact"] = wanted_exact
    context["scope_urls"] = {"site": params.url(scope="site"), "all": params.url(scope="all")}
    context["sort_urls"] = {"relevance": params.url(sort=None), "date": params.url(sort="date")}
    chrome = (site_tag(site.root_page.path),) if site else ()
    mark_cacheable(request, reads=QUERY_PARAMETERS, tags=(services.RESULTS_TAG, *chrome))
    return TemplateResponse(request, "search/search_page.html", context)


def _results(request: HttpRequest, site: Site | None, params: SearchParams) -> dict:
    services.load_cluster_words()  # segment the query as the index was
    parsed = parse_query(params.q)
    in_site = params.scope == "site" and site is not None
    open_site_ids = tuple(services.open_site_ids())
    site_ids = (site.pk,) if in_site else open_site_ids
    query = SearchQuery(
        parsed=parsed,
        site_ids=site_ids,
        filters=_backend_filters(params.filters),
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        offset=(params.page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        catalogue_only=params.catalogue,
    )
    outcome = services.run_search(query, cluster_site_ids=open_site_ids)
    results = outcome.results
    also_in = services.also_in(results.hits, open_site_ids)
    copy_sites = [copy.site_id for copies in also_in.values() for copy in copies]
    labels = _labels(results.facets, params.filters, copy_sites)
    terms = parsed.terms
    site_names = labels["site"]
    hits = [
        {
            "title": highlight_title(hit.title, terms),
            "url": hit.url,
            "snippet": snippet(hit.text, terms),
            "date": hit.publication_date,
            "site_name": site_names.get(hit.site_id, ""),
            "column_path": hit.column_path,
            "type_label": ContentType(hit.content_type).label,
            "index_number": hit.index_number,
            "document_number": hit.document_number,
            "also_in": [
                {"site_name": site_names.get(copy.site_id, ""), "url": copy.url}
                for copy in also_in.get(hit.page_id, [])
            ],
        }
        for hit in results.hits
    ]
    pages = min(MAX_PAGES, (results.total + PAGE_SIZE - 1) // PAGE_SIZE)
    return {
        "searched": True,
        "parsed": parsed,
        "hits": hits,
        "total": results.total,
        "approximate": results.approximate,
        "widened": outcome.widened,
        "facets": _facet_links(results.facets, labels, params),
        "active_filters": _active_filters(params, labels),
        "page_number": params.page,
        "page_count": pages,
        "previous_url": params.url(page=params.page - 1) if params.page > 1 else "",
        "next_url": params.url(page=params.page + 1) if params.page < pages else "",
    }


def _backend_filters(filters: dict) -> dict:
    """URL filters → facet filters; a top-level topic covers its sub-topics."""
    backend_filters = {PARAMETERS[name]: value for name, value in filters.items()}
    if "topic" in filters:
        children = Topic.objects.filter(parent_id=filters["topic"]).values_list("pk", flat=True)
        backend_filters["topic"] = (filters["topic"], *children)
    return backend_filters


def _labels(facets: dict, filters: dict, more_sites: list[int]) -> dict[str, dict]:
    """Display names for the facet values found and filtered on, and the sites in ``more_sites``
    (a query per model, for those ids only)."""
    ids = {
        name: [value for value, _ in facets.get(name, [])] + [filters[p] for p in (parameter,) if p in filters]
        for name, parameter in (("site", "site"), ("organisation", "org"), ("topic", "topic"))
    }
    ids["site"] += more_sites
    return {
        "site": dict(Site.objects.filter(pk__in=ids["site"]).values_list("pk", "site_name")),
        "organisation": {o.pk: o.name for o in Organisation.objects.filter(pk__in=ids["organisation"])},
        "topic": {t.pk: str(t) for t in Topic.objects.filter(pk__in=ids["topic"]).select_related("parent")},
        "content_type": dict(ContentType.choices),
        "genre": dict(Genre.choices),
        "validity": dict(Validity.choices),
        "year": {},
    }


def _facet_links(facets: dict, labels: dict, params: SearchParams) -> list[dict]:
    groups = []
    for parameter, name in PARAMETERS.items():
        values = facets.get(name, [])
        if not values:
            continue
        entries = []
        for value, count in values:
            label = labels[name].get(value, f"{value}年" if name == "year" else str(value))
            selected = params.filters.get(parameter) == value
            entries.append(
                {"label": label, "count": count, "url": params.url(**{parameter: value}), "selected": selected}
            )
        groups.append({"heading": FACET_HEADINGS[parameter], "entries": entries})
    return groups


def _active_filters(params: SearchParams, labels: dict) -> list[dict]:
    active = []
    for parameter, value in params.filters.items():
        name = PARAMETERS[parameter]
        label = labels[name].get(value) or (f"{value}年" if name == "year" else str(value))
        active.append({"label": f"{FACET_HEADINGS[parameter]}：{label}", "remove": params.url(**{parameter: None})})
    if params.date_from or params.date_to:
        span = f"{params.date_from or '…'} 至 {params.date_to or '…'}"
        active.append({"label": f"发布日期：{span}", "remove": params.url(**{"from": None, "to": None})})
    if params.catalogue:
        active.append({"label": "仅政府信息公开目录", "remove": params.url(catalogue=None)})
    return active
