"""The one signal of this app, for what Wagtail's own signals cannot tell.

A takedown is in effect when it commits, but Wagtail hears of it only when the
background unpublish runs (a withdrawn (撤销) page stays live for good, and
Wagtail never hears of it): every listing and the search index must drop the
pages at once, and a restore bring them back.
"""

from django.dispatch import Signal

# Sent after commit, ``sender=Takedown``, with ``page_ids: list[int]`` (every page a
# takedown reached, or its restore released) and ``restored: bool``. Receivers re-read the pages.
takedown_changed = Signal()
