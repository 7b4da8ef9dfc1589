"""The one write path for trials: every import, file or sync, goes through ``import_items``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ctgov.sources import ReadItem
from trials.models import ImportRun


def import_items(
    items: Iterable[ReadItem],
    *,
    run: ImportRun,
    progress: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Upsert every record of ``items`` into the catalogue, counting into ``run``."""
    raise NotImplementedError
