"""The 互动交流 column's mailboxes and their latest public replies (one query each)."""

from __future__ import annotations

from django import template

from cms.content.visibility import publicly_listed

from ..models import Letter, LetterState, MailboxPage

register = template.Library()
LATEST_REPLIES = 5


@register.simple_tag
def column_mailboxes(column) -> list[MailboxPage]:
    return list(publicly_listed(MailboxPage.objects.child_of(column)).order_by("path"))


@register.simple_tag
def latest_public_replies(mailboxes) -> list[Letter]:
    """The newest public replies of these mailboxes; no personal data is read."""
    return list(
        Letter.objects.filter(mailbox__in=mailboxes, is_public=True, state=LetterState.REPLIED)
        .select_related("mailbox")
        .only("number", "subject", "kind", "replied_at", "mailbox__url_path", "mailbox__title")
        .order_by("-replied_at")[:LATEST_REPLIES]
    )
