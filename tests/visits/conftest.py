from __future__ import annotations

import pytest

from cms.visits.counting import forget_salt


@pytest.fixture(autouse=True)
def _fresh_salt():
    """The tests empty Redis (salts included); the process's copy of today's salt goes with it."""
    forget_salt()
    yield
    forget_salt()
