from django import template
from wagtail.models import Site

from ..forms import default_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def header_search_scope(context) -> str:
    """The scope a search from this site's header box covers ("all" or "site"), so its
    placeholder names what the results page will search."""
    request = context.get("request")
    return default_scope(Site.find_for_request(request) if request else None)
