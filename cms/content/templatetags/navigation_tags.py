from django import template
from wagtail.models import Page, Site

from cms.content.navigation import menu_columns, with_content
from cms.content.serving import ancestors_from_route

register = template.Library()


@register.simple_tag(takes_context=True)
def site_root(context) -> Page | None:
    """The current site's root page (Wagtail caches the Site on the request)."""
    site = Site.find_for_request(context["request"])
    return site.root_page if site else None


@register.simple_tag
def main_navigation(root: Page | None):
    """Top-level columns shown in menus that have content: one query, whatever the size of the cluster."""
    if root is None:
        return Page.objects.none()
    return with_content(menu_columns(root))


@register.simple_tag(takes_context=True)
def breadcrumb(context, page: Page):
    """Ancestors from the site's home page down to the page's parent: those the
    router already found for this request, or one query."""
    routed = ancestors_from_route(context.get("request"), page)
    return routed if routed is not None else page.get_ancestors().filter(depth__gte=2)


@register.simple_tag(takes_context=True)
def cluster_navigation(context) -> list[tuple[str, list]]:
    """站群导航: the portal and every open subsite but the one being read, grouped by type — one query."""
    from sites.models import SiteProfile, SiteStatus, SiteType

    current = Site.find_for_request(context["request"])
    groups: dict[str, list] = {SiteType.PORTAL: [], SiteType.TOWNSHIP: [], SiteType.DEPARTMENT: []}
    profiles = (
        SiteProfile.objects.filter(status=SiteStatus.OPEN, site_type__in=list(groups))
        .exclude(site_id=current.pk if current else None)
        .select_related("site")
        .order_by("site__site_name")
    )
    for profile in profiles:
        groups[profile.site_type].append(profile.site)
    return [
        ("门户网站", groups[SiteType.PORTAL]),
        ("乡镇街道", groups[SiteType.TOWNSHIP]),
        ("部门网站", groups[SiteType.DEPARTMENT]),
    ]
