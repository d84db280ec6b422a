from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_root(context) -> Page | None:
    """The current site's root page (Wagtail caches the Site on the request)."""
    site = Site.find_for_request(context["request"])
    return site.root_page if site else None


@register.simple_tag
def main_navigation(root: Page | None):
    """Top-level columns shown in menus: one query, whatever the size of the cluster."""
    if root is None:
        return Page.objects.none()
    return Page.objects.child_of(root).live().in_menu()


@register.simple_tag
def breadcrumb(page: Page):
    """Ancestors from the site's home page down to the page's parent."""
    return page.get_ancestors().filter(depth__gte=2)
