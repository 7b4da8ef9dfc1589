"""A fake API server per test, with the API URL pointed at it and back-off sleeps recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ctgov.client import ApiClient
from tests.sync.fakeapi import FakeApi, load_pages


@pytest.fixture
def api(settings) -> Iterator[FakeApi]:
    """The three recorded pages of nine studies, served three at a time."""
    server = FakeApi(load_pages("page-1", "page-2", "page-3")).start()
    settings.CTGOV_API_URL = server.url
    yield server
    server.stop()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Every back-off the client waits, instead of waiting it."""
    waited: list[float] = []
    monkeypatch.setattr(ApiClient, "default_sleep", staticmethod(waited.append))
    return waited
