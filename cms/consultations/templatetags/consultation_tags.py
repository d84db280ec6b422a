from django import template

from sites.models import SiteType
from sites.page_cache import below_tag, depends_on

from ..selectors import CLUSTER_LIST_TAG, consultations_for_column, home_path

register = template.Library()


@register.simple_tag(takes_context=True)
def column_consultations(context, column):
    """The consultations ``column`` lists; cluster-wide on the portal."""
    request = context.get("request")
    profile = getattr(request, "site_profile", None)
    cluster_wide = bool(profile and profile.site_type == SiteType.PORTAL)
    # A site's list reads its whole tree; the portal's, every site's (sites.page_cache).
    depends_on(request, CLUSTER_LIST_TAG if cluster_wide else below_tag(home_path(column.path)))
    return consultations_for_column(column, cluster_wide=cluster_wide)
