from django import template

from sites.models import SiteType
from sites.page_cache import depends_on

from ..selectors import CLUSTER_LIST_TAG, is_cluster_list, published_reports

register = template.Library()


@register.simple_tag(takes_context=True)
def cluster_site_reports(context, column):
    """On the portal's 政府网站工作年度报表 column: every site's published reports; elsewhere nothing."""
    request = context.get("request")
    profile = getattr(request, "site_profile", None)
    if not (profile and profile.site_type == SiteType.PORTAL and is_cluster_list(column)):
        return []
    depends_on(request, CLUSTER_LIST_TAG)  # a report published on any site retires this page
    return published_reports()
