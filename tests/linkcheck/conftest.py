"""Fixtures of the link checker's tests: local servers on loopback (``helpers.LinkServer``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .helpers import LinkServer


@pytest.fixture
def link_server() -> Iterator[LinkServer]:
    server = LinkServer()
    yield server
    server.stop()


@pytest.fixture
def other_server() -> Iterator[LinkServer]:
    """A second host: 127.0.0.2 is loopback too (Linux answers the whole 127.0.0.0/8)."""
    server = LinkServer(host="127.0.0.2")
    yield server
    server.stop()
