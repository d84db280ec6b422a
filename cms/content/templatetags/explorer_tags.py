"""For the admin's page explorer (``wagtailadmin/pages/listing/_page_title_explore.html``)."""

from django import template
from wagtail.models import Page

from cms.content.models import ColumnPage, HomePage

register = template.Library()


@register.filter
def holds_items(page: Page) -> bool:
    """A site's home page or a column: clicking it in the explorer lists its items, not its edit form."""
    return issubclass(page.specific_class or Page, (HomePage, ColumnPage))
