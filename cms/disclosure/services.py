"""Business actions of the catalogue: index-number allocation and the scheme it follows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sites.models import Organisation

from . import index_numbers
from .models import IndexNumber, IndexNumberScheme, IndexSequence, Topic


class AllocationError(Exception):
    """An item cannot get an index number (no issuing organisation, bad format…)."""


def format_for(organisation: Organisation) -> str:
    scheme = IndexNumberScheme.objects.filter(organisation=organisation).only("format").first()
    return scheme.format if scheme else index_numbers.DEFAULT_FORMAT


def allocate_index_number(page) -> IndexNumber:
    """The page's 索引号, allocated now if it has none, otherwise the frozen one.

    Must run inside the transaction that publishes the page for the first time:
    the per-(organisation, year) counter row is locked (SELECT … FOR UPDATE)
    until that transaction ends, so concurrent publishers queue up, and a
    rolled-back publish also rolls back its serial — no gaps, no duplicates.
    """
    existing = IndexNumber.objects.filter(page_id=page.pk).first()
    if existing:
        return existing
    organisation = page.issuing_organisation
    if organisation is None:
        raise AllocationError(f"“{page.title}”没有发布机构，无法分配索引号。")
    year = timezone.localtime(page.publication_date).year
    fmt = format_for(organisation)
    category = _category_letter(page.topic_id)  # looked up before taking the lock, to hold it briefly
    with transaction.atomic():
        IndexSequence.objects.get_or_create(organisation=organisation, year=year)
        sequence = IndexSequence.objects.select_for_update().get(organisation=organisation, year=year)
        sequence.last_serial += 1
        sequence.save(update_fields=["last_serial"])
        value = index_numbers.render(
            fmt,
            org_code=organisation.index_code,
            year=year,
            serial=sequence.last_serial,
            category=category,
        )
        return IndexNumber.objects.create(
            value=value, page=page, organisation=organisation, year=year, serial=sequence.last_serial, title=page.title
        )


def _category_letter(topic_id: int | None) -> str:
    if topic_id is None:
        return ""
    topic = Topic.objects.select_related("parent").get(pk=topic_id)
    return topic.top_level.code


def reserve_existing_index_number(page, value: str, organisation: Organisation) -> IndexNumber:
    """Keep an index number an item already had (imports), moving the sequence past it."""
    parsed = index_numbers.parse(format_for(organisation), value, org_code=organisation.index_code)
    if parsed is None:
        raise AllocationError(f"索引号“{value}”与机构“{organisation}”的索引号格式“{format_for(organisation)}”不符。")
    year, serial = parsed
    with transaction.atomic():
        IndexSequence.objects.get_or_create(organisation=organisation, year=year)
        sequence = IndexSequence.objects.select_for_update().get(organisation=organisation, year=year)
        if serial > sequence.last_serial:
            sequence.last_serial = serial
            sequence.save(update_fields=["last_serial"])
        return IndexNumber.objects.create(
            value=value, page=page, organisation=organisation, year=year, serial=serial, title=page.title
        )


def allocate_at_publication(page) -> IndexNumber:
    """The 索引号 of a catalogue item going live: its frozen one, or one allocated now.

    Called inside the transaction of the save that publishes the item, on every
    publish path (``cms.content.models.ArticlePage.save``); raising undoes the publication."""
    if page.issuing_organisation_id is None:
        # A catalogue item without a stated issuer is issued by its site's organisation.
        page.issuing_organisation = _site_organisation(page)
        type(page).objects.filter(pk=page.pk).update(issuing_organisation=page.issuing_organisation)
    return allocate_index_number(page)


def _site_organisation(page) -> Organisation | None:
    site = page.get_site()
    profile = getattr(site, "profile", None) if site else None
    return profile.organisation if profile else None
