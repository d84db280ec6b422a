"""What retires the anonymous page cache: every change a public page can show."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.disclosure.models import Topic

from .models import FooterLink, Organisation, SiteAppearance, SiteProfile
from .page_cache import bump_generation

# Models whose rows appear on public pages outside the page tree itself.
SHOWN_ON_PAGES = (Site, SiteProfile, SiteAppearance, FooterLink, Organisation, Topic)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    bump_generation()


@receiver(post_delete)
def _row_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, (Page, *SHOWN_ON_PAGES)):
        bump_generation()


@receiver(post_save)
def _row_saved(sender, instance, **kwargs) -> None:
    if isinstance(instance, SHOWN_ON_PAGES):
        bump_generation()
