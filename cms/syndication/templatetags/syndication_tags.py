from django import template

from sites.page_cache import depends_on, page_tag

from ..models import PushRecord, PushStatus
from ..selectors import unit_name

register = template.Library()


@register.simple_tag(takes_context=True)
def push_origin(context, page) -> dict | None:
    """The unit and original's URL of a page that came in through a push, else None.

    The article's single 来源 line shows it in place of the page's own ``source``."""
    record = (
        PushRecord.objects.filter(resulting_page_id=page.pk, status=PushStatus.ACCEPTED)
        .select_related("source", "source_site__profile__organisation")
        .first()
    )
    if record is None:
        return None
    depends_on(context.get("request"), page_tag(record.source_id))  # the link goes when the original does
    return {
        "unit": unit_name(record.source_site),
        "url": record.source.get_full_url(context.get("request")) if record.source.live else "",
    }
