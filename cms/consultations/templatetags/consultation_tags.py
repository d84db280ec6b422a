from django import template

from sites.models import SiteType

from ..selectors import consultations_for_column

register = template.Library()


@register.simple_tag(takes_context=True)
def column_consultations(context, column):
    """The consultations ``column`` lists; cluster-wide on the portal."""
    profile = getattr(context.get("request"), "site_profile", None)
    return consultations_for_column(column, cluster_wide=bool(profile and profile.site_type == SiteType.PORTAL))
