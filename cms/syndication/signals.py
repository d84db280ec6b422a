"""The one signal of this app, for what Wagtail's own signals cannot tell.

A withdrawn (撤销) page stays live — Wagtail sends nothing — yet it must leave
every listing and the search index; its restore brings it back. Takedowns of
the other kinds and their restores unpublish and publish through Wagtail, whose
``page_unpublished``/``page_published`` already tell every listener.
"""

from django.dispatch import Signal

# Sent after commit, ``sender=Takedown``, with ``page_ids: list[int]`` (every page a
# withdrawn takedown reached, or its restore brought back). Receivers re-read the pages.
takedown_changed = Signal()
