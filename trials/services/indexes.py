"""Building the site indexes once, at the end of an import that fills the catalogue, rather
than row by row.

Sites are indexed by point, city and postcode: keys that arrive in random order, so every new
site lands on a random page of each of these indexes. While they fit in memory that is cheap;
at registry scale (3 million sites for 400k trials) it is the larger part of what an import
costs. An import that has written as many trials as the catalogue held when it began drops
them, and builds them again from sorted keys when it ends: seconds, instead of minutes of
random writes.

On PostgreSQL the foreign keys from sites, facets and change events to trials go the same way:
each of their rows is otherwise checked at commit, about a tenth of the server's work in an
import, where adding the key back checks them all in one pass.

Each definition is kept in ``DeferredIndex`` in the same transaction as the drop, so that an
import that was killed leaves it there for the next import to build (searches meanwhile are
slower, never wrong).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from trials.models import DeferredIndex, ImportRun, Site, Trial

# The site indexes with randomly ordered keys: city, postcode (the model's) and the point
# index of migration 0002. The index by trial grows at its end and stays.
DEFERRABLE = (*(index.name for index in Site._meta.indexes), "trials_site_geo")
# Tables whose foreign keys to trials are deferred too, on PostgreSQL.
KEYS_FROM = ("trials_site", "trials_trialfacet", "trials_changeevent")
# Below this many trials written, building the indexes again costs more than it saves.
DEFER_FROM = 5_000


def should_defer(written: int, catalogue_at_start: int) -> bool:
    """Whether an import that has written ``written`` trials into a catalogue that held
    ``catalogue_at_start`` should now drop the deferrable indexes."""
    return written >= max(DEFER_FROM, catalogue_at_start)


class Deferral:
    """Decides, chunk by chunk, when an import drops the deferrable indexes. The catalogue is
    counted once, and only for an import that reaches ``DEFER_FROM`` trials."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.catalogue_at_start: int | None = None
        self.dropped = False

    def due(self) -> bool:
        """Whether the indexes should be dropped now."""
        written = self.run.imported + self.run.updated
        if self.dropped or written < DEFER_FROM:
            return False
        if self.catalogue_at_start is None:
            self.catalogue_at_start = Trial.objects.count() - self.run.imported
        return should_defer(written, self.catalogue_at_start)

    def after_chunk(self) -> None:
        if self.due():
            drop_deferrable()
            self.dropped = True


def existing_definitions() -> dict[str, str]:
    """The deferrable indexes and foreign keys present in the database, by name, with the
    statement that makes each."""
    return {name: make for name, make, _ in _present()}


def _present() -> list[tuple[str, str, str]]:
    """(name, statement that makes it, statement that drops it) of each deferrable index and
    (on PostgreSQL) foreign key present."""
    names = list(DEFERRABLE)
    marks = ", ".join(["%s"] * len(names))
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        sql = (
            "SELECT indexname, indexdef FROM pg_indexes "
            f"WHERE schemaname = current_schema() AND indexname IN ({marks})"
        )
    else:
        sql = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, names)
        found = [
            (name, make, f"DROP INDEX {connection.ops.quote_name(name)}")
            for name, make in cursor.fetchall()
        ]
        if postgresql:
            tables = ", ".join(["%s"] * len(KEYS_FROM))
            cursor.execute(
                "SELECT quote_ident(conname), conrelid::regclass::text, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND confrelid = 'trials_trial'::regclass "
                f"AND conrelid::regclass::text IN ({tables}) ORDER BY conname",
                list(KEYS_FROM),
            )
            found += [
                (
                    name,
                    f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}",
                    f"ALTER TABLE {table} DROP CONSTRAINT {name}",
                )
                for name, table, definition in cursor.fetchall()
            ]
    return found


def drop_deferrable() -> list[str]:
    """Drop the deferrable indexes and foreign keys, keeping their definitions; the names."""
    present = _present()
    with transaction.atomic(), connection.cursor() as cursor:
        _check_pending_constraints(cursor)
        for name, make, drop in present:
            DeferredIndex.objects.create(name=name, definition=make)
            cursor.execute(drop)
    return [name for name, _, _ in present]


def build_deferred() -> list[str]:
    """Build every index an import dropped (this one, or one that was killed); the names."""
    built = []
    for deferred in DeferredIndex.objects.order_by("pk"):
        with transaction.atomic():
            if deferred.name not in existing_definitions():
                with connection.cursor() as cursor:
                    _check_pending_constraints(cursor)
                    cursor.execute(deferred.definition)
            deferred.delete()
        built.append(deferred.name)
    return built


def _check_pending_constraints(cursor: CursorWrapper) -> None:
    """PostgreSQL will not change a table's indexes while foreign keys wait to be checked at
    commit (only where a caller's transaction spans the import): check them now."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
