"""Signals other apps connect to (the search app re-indexes on this one)."""

from django.dispatch import Signal

# Sent after commit whenever a takedown or a restore changes pages, with
# ``page_ids: list[int]``: every page the takedown reached (the item, its aliases
# and copies). Receivers re-read the pages: a restored page is live again.
takedown_changed = Signal()
