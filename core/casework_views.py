"""What the public pages of every citizen's case share (a letter's mailbox, an application page):
the receipt shown once (Post/Redirect/Get through the session).

The query code is a credential: it is never in a URL, never written back into a form and
shown exactly once, on the receipt right after the submission.
"""

from __future__ import annotations

from django.http import HttpRequest


def stash_receipt(request: HttpRequest, key: str, page_id: int, receipt: dict) -> None:
    """Keep ``receipt`` (JSON-serialisable, naming its ``number``) for the next receipt page of ``page_id``."""
    request.session[key] = {**receipt, "page": page_id}
    request.session.pop(f"{key}_shown", None)


def take_receipt(request: HttpRequest, key: str, page_id: int) -> tuple[dict | None, str | None]:
    """(the receipt, None) the first time it is asked for on its own page; afterwards (None, its number),
    so a refresh says it was shown without showing the code again. Another page's receipt is left alone."""
    receipt = request.session.get(key)
    if receipt and receipt.get("page") == page_id:
        del request.session[key]
        request.session[f"{key}_shown"] = receipt.get("number") or "—"
        return receipt, None
    return None, request.session.get(f"{key}_shown")
