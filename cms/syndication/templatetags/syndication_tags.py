from django import template

from ..models import PushRecord, PushStatus
from ..selectors import unit_name

register = template.Library()


@register.inclusion_tag("syndication/origin.html", takes_context=True)
def push_origin(context, page) -> dict:
    """来源：<unit>, linked to the original, on a page that came in through a push."""
    record = (
        PushRecord.objects.filter(resulting_page_id=page.pk, status=PushStatus.ACCEPTED)
        .select_related("source", "source_site__profile__organisation")
        .first()
    )
    if record is None:
        return {"origin": None}
    request = context.get("request")
    return {
        "origin": {
            "unit": unit_name(record.source_site),
            "url": record.source.get_full_url(request) if record.source.live else "",
        }
    }
