"""The one write path for trials: every import, file or sync, goes through ``import_items``.

Records are written in chunks, each chunk in one transaction with bulk inserts, which is what
makes large imports fast. When a chunk fails, it is rolled back and written again one record
at a time, each in its own savepoint, so one bad record costs only itself: a record is either
written whole (trial, sites, facets, change events) or not at all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import queue
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

import orjson
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from ctgov.record import TrialRecord
from ctgov.sources import ReadItem
from ctgov.values import ISO_DATE_RE, NCT_ID_RE
from trials.facets import facet_values
from trials.models import ChangeEvent, ImportFailure, ImportRun, Site, Trial, TrialFacet
from trials.services import indexes

CHUNK_SIZE = 500
# SQLite settings for the import's connection: a 64 MiB page cache, and a write-ahead log of
# up to 20,000 pages (80 MB) between checkpoints.
_SQLITE_IMPORT_SETTINGS = (("cache_size", -64 * 1024), ("wal_autocheckpoint", 20_000))
_T = TypeVar("_T")
# What writing one record can fail with; anything else is a bug and should stop the import.
_WRITE_ERRORS = (DatabaseError, ValueError, TypeError)


def import_items(
    items: Iterable[ReadItem],
    *,
    run: ImportRun,
    progress: Callable[[ImportRun], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    read_ahead: bool = False,
) -> ImportRun:
    """Upsert every record of ``items`` into the catalogue, counting into ``run``.

    A record identical to the stored copy, or older than it (by last update posted), counts
    as unchanged; a new one as imported; any other as updated. Unreadable items and records
    that cannot be written become ``ImportFailure`` rows.

    With ``read_ahead``, ``items`` are read, parsed and turned into column values in a second
    process while this one writes the chunk before; only for item sources that do not use
    the database.
    """
    if run.pk is None:
        run.save()
    chunks = _chunks(items, chunk_size, connection.ops.adapt_datefield_value)
    if read_ahead:
        chunks = _in_background(chunks)
    deferral = indexes.Deferral(run)

    def written(counts: _Counts) -> None:
        for key in _COUNT_FIELDS:
            setattr(run, key, getattr(run, key) + counts[key])
        run.save(update_fields=list(_COUNT_FIELDS))
        if progress is not None:
            progress(run)

    with _import_session():
        indexes.build_deferred()  # those an import that was killed left unbuilt
        try:
            if (writers := _parallel_writers()) > 1:
                _write_in_parallel(chunks, run.pk, writers, deferral, written)
            else:
                for chunk, failures in chunks:
                    written(_write_all(run.pk, chunk, failures))
                    deferral.after_chunk()
        except BaseException:
            with suppress(DatabaseError):  # the error that stopped the import comes first
                indexes.build_deferred()
            raise
        indexes.build_deferred()
    if needs_tidying(run.imported + run.updated, Trial.objects.count()):
        tidy_search_tables()
    run.finished_at = timezone.now()
    run.save()
    return run


_COUNT_FIELDS = ("imported", "updated", "unchanged", "failed")
_Counts = Counter[str]
_Chunk = tuple[list["_Pending"], list[tuple[ReadItem, str, str]]]


def _parallel_writers() -> int:
    """How many connections write at once: ``IMPORT_WRITERS`` on PostgreSQL outside a
    transaction (a caller's, or a test's, which other connections could not see into), else
    one. The server spends more CPU on a chunk (full-text vectors above all) than the
    importer, and one connection is served by one server process: a second connection puts
    the server's work on another core."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return settings.IMPORT_WRITERS


def _write_in_parallel(
    chunks: Iterator[_Chunk],
    run_id: int,
    count: int,
    deferral: indexes.Deferral,
    written: Callable[[_Counts], None],
) -> None:
    """Hand chunks to ``count`` writer threads, each with its own connection.

    A chunk that shares a trial with one being written waits for it, so that of two copies
    of a trial the later one in the input is still written last. Before indexes are dropped,
    every chunk under way is finished, so the drop never waits on a writer. When anything
    fails, no further chunk is started, and those already written still count.
    """
    writers = _Writers(run_id, count)
    under_way: list[set[str]] = []

    def collect() -> None:
        ids, outcome = writers.results.get()
        under_way.remove(ids)
        if isinstance(outcome, BaseException):
            raise outcome
        written(outcome)

    try:
        for chunk, failures in chunks:
            ids = {p.nct_id for p in chunk}
            while len(under_way) >= count or any(ids & other for other in under_way):
                collect()
            under_way.append(ids)
            writers.jobs.put((chunk, failures))
            if deferral.due():
                while under_way:
                    collect()
                deferral.after_chunk()
        while under_way:
            collect()
    except BaseException:
        writers.stopping.set()
        raise
    finally:
        leftover = writers.close()
        with suppress(DatabaseError):  # the error that stopped the import comes first
            for counts in leftover:
                written(counts)


class _Writers:
    """Threads that write the chunks put in ``jobs``, each with its own connection, and
    answer every one in ``results`` with the trials it held and its counts or its error."""

    def __init__(self, run_id: int, count: int) -> None:
        self.run_id = run_id
        self.jobs: queue.Queue[_Chunk | None] = queue.Queue()
        self.results: queue.Queue[tuple[set[str], _Counts | BaseException]] = queue.Queue()
        self.stopping = threading.Event()  # the jobs left are answered with nothing
        self._threads = [
            threading.Thread(target=self._write, name=f"import-writer-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> list[_Counts]:
        """Stop the threads once the jobs given are done; the counts not yet collected."""
        for _ in self._threads:
            self.jobs.put(None)
        for thread in self._threads:
            thread.join()
        leftover = []
        while not self.results.empty():
            _, outcome = self.results.get()
            if not isinstance(outcome, BaseException):
                leftover.append(outcome)
        return leftover

    def _write(self) -> None:
        served = False
        try:
            with _session_settings():
                self._serve(None)
                served = True
        except BaseException as exc:
            if served:
                return  # putting the settings back failed: the connection closes anyway
            self._serve(exc)  # the connection could not be set up
        finally:
            connection.close()

    def _serve(self, broken: BaseException | None) -> None:
        while (job := self.jobs.get()) is not None:
            ids = {p.nct_id for p in job[0]}
            if broken is not None:
                self.results.put((ids, broken))
            elif not self.stopping.is_set():
                try:
                    self.results.put((ids, _write_all(self.run_id, *job)))
                except BaseException as exc:  # raised again by the importing thread
                    self.results.put((ids, exc))


def _write_all(
    run_id: int, chunk: list[_Pending], failures: list[tuple[ReadItem, str, str]]
) -> _Counts:
    """Record a chunk's read failures and write its records: what each came to."""
    counts: _Counts = Counter()
    if failures:
        counts["failed"] += _record_failures(run_id, failures)
    if chunk:
        counts.update(_write_chunk(run_id, chunk))
    return counts


# PostgreSQL settings for the import's session. Not waiting for the write-ahead log to reach
# the disk after each chunk: a crash can then lose the last chunks written, never corrupt
# anything, and importing the same files again writes what was lost. LZ4 for the large
# values (record JSON, criteria): the default compression costs the server more time than
# anything else an import asks of it, LZ4 a fraction of that for a few percent more space.
# A long pending list for the full-text GIN index: new entries are merged into the index in
# large sorted batches instead of every 4 MB, and the import merges what is left at the end,
# so searches never scan a long list.
_PG_IMPORT_SETTINGS = (
    ("synchronous_commit", "off"),
    ("default_toast_compression", "lz4"),
    ("gin_pending_list_limit", "262144"),
)
_PG_SEARCH_INDEX = "trials_trial_search_vector"
# Tables whose statistics and layout searches depend on.
_SEARCHED_TABLES = ("trials_trial", "trials_site", "trials_trialfacet")
# An import that wrote at least this many trials and a tenth of the catalogue is followed by
# a tidy-up (a tenth is the share autovacuum waits for before gathering statistics).
_TIDY_MIN_TRIALS = 1000


def needs_tidying(written: int, catalogue: int) -> bool:
    """Whether an import that wrote ``written`` trials into a catalogue now holding
    ``catalogue`` changed enough to tidy the search tables afterwards."""
    return written >= _TIDY_MIN_TRIALS and written * 10 >= catalogue


def tidy_search_tables() -> None:
    """Leave the search tables as fast to query as after a rebuild.

    A large import leaves SQLite's full-text index in many segments, each consulted by every
    search, and PostgreSQL without planner statistics or visibility map until autovacuum
    comes by (never, where it is off); at 400k trials either doubles the slowest searches.
    Merging the segments takes about 10 s at 400k trials on SQLite; vacuuming and analysing
    about 35 s on PostgreSQL. Inside a transaction (a caller's, or a test's) nothing is done.
    """
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO trials_trial_fts(trials_trial_fts) VALUES ('optimize')")
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for table in _SEARCHED_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")


@contextmanager
def _import_session() -> Iterator[None]:
    """Settings that speed up a long import, and on PostgreSQL the full-text index's pending
    entries merged at the end."""
    with _session_settings():
        yield
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [_PG_SEARCH_INDEX])


@contextmanager
def _session_settings() -> Iterator[None]:
    """This connection's settings for a long import, put back afterwards as it may serve
    other work. Inside a transaction (a caller's, or a test's) nothing is changed on
    PostgreSQL."""
    if connection.vendor == "sqlite":
        with _sqlite_settings(_SQLITE_IMPORT_SETTINGS):
            yield
        return
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    previous = []
    with connection.cursor() as cursor:
        for name, value in _PG_IMPORT_SETTINGS:
            cursor.execute("SELECT current_setting(%s)", [name])
            (old,) = cursor.fetchone()
            try:
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
            except DatabaseError:  # e.g. a server built without LZ4
                continue
            previous.append((name, old))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, old in previous:
                cursor.execute("SELECT set_config(%s, %s, false)", [name, old])


@contextmanager
def _sqlite_settings(settings: tuple[tuple[str, int], ...]) -> Iterator[None]:
    """Larger SQLite page cache and log while importing, put back afterwards.

    Sites are indexed by position and by trial, so each new site lands on a random page of
    those indexes, and full-text segments are merged again and again; with SQLite's default
    2 MB cache every insert rereads pages from the operating system, and with its default
    4 MB log a page rewritten many times is copied into the database file at every
    checkpoint instead of once.
    """
    previous = []
    with connection.cursor() as cursor:
        for name, value in settings:
            cursor.execute(f"PRAGMA {name}")
            previous.append((name, int(cursor.fetchone()[0])))
            cursor.execute(f"PRAGMA {name} = {value:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous:
                cursor.execute(f"PRAGMA {name} = {value:d}")


def _in_background(source: Iterator[_T]) -> Iterator[_T]:
    """Run ``source`` in a child process, one value ahead of the consumer.

    Reading and parsing take as much CPU as writing, and a thread would share the interpreter
    lock with the writer; a forked process runs on the other core. Values come back pickled
    through a pipe, so they must be plain data. Where processes cannot be forked, a thread
    does the reading. The process starts at once, before any writer thread: a process forked
    while other threads run may inherit a lock one of them held.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return _in_thread(source)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def produce() -> None:
        receiver.close()
        try:
            for value in source:
                sender.send(("value", value))
            sender.send(("end", None))
        except BrokenPipeError:  # the consumer stopped early
            return
        except BaseException as exc:  # handed to the consumer, which raises it
            with suppress(BrokenPipeError):
                sender.send(("error", _picklable(exc)))

    sys.stdout.flush()
    sys.stderr.flush()
    process = context.Process(target=produce, name="import-reader", daemon=True)
    process.start()
    sender.close()
    return _received(process, receiver)


def _received(process: BaseProcess, receiver: Connection) -> Iterator[Any]:
    """What the reading process sends, until it says it is done; its error raised here."""
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                process.join(timeout=5)
                raise RuntimeError(
                    f"the reading process stopped unexpectedly (exit code {process.exitcode})"
                ) from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join()


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` itself when it survives the trip to the consumer, else its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _in_thread(source: Iterator[_T], depth: int = 2) -> Iterator[_T]:
    """Run ``source`` in a thread, ``depth`` values ahead of the consumer."""
    slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                slots.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for value in source:
                if not offer("value", value):
                    return
            offer("end", None)
        except BaseException as exc:  # handed to the consumer, which raises it
            offer("error", exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join(timeout=5)


def content_hash(record: TrialRecord) -> str:
    """A stable hash of the record's canonical JSON: equal content, equal hash."""
    return _hash(_canonical_json(record))


def _canonical_json(record: TrialRecord) -> bytes:
    """``record.to_dict()`` as compact UTF-8 JSON, fields in the record's own order.

    orjson writes dataclasses directly, several times faster than the standard library,
    which matters at one record per trial imported.
    """
    return orjson.dumps(record)


def _hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def _compact(value: Any) -> str:
    return orjson.dumps(value).decode()


def parse_partial_date(value: str) -> date | None:
    """``2015``, ``2015-04`` or ``2015-04-07`` as a date (first day of the month or year)."""
    match = ISO_DATE_RE.match((value or "").strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_older(incoming: str, stored: str) -> bool:
    """Whether partial ISO date ``incoming`` is strictly before ``stored``.

    Dates are compared at the precision both have (``2015-08`` is not older than
    ``2015-08-04``); a missing or malformed date never counts as older.
    """
    incoming, stored = (incoming or "").strip(), (stored or "").strip()
    if not (ISO_DATE_RE.match(incoming) and ISO_DATE_RE.match(stored)):
        return False
    common = min(len(incoming), len(stored))
    return incoming[:common] < stored[:common]


# Columns written for each table, in the order ``_prepare`` lays out their values.
_TRIAL_COLUMNS = (
    "nct_id",
    "title",
    "official_title",
    "brief_summary",
    "overall_status",
    "study_type",
    "phases",
    "conditions",
    "intervention_names",
    "lead_sponsor",
    "enrollment_count",
    "sex",
    "minimum_age_years",
    "maximum_age_years",
    "healthy_volunteers",
    "start_date",
    "completion_date",
    "last_update_posted",
    "eligibility_criteria",
    "search_conditions",
    "search_interventions",
    "search_keywords",
    "record",
    "content_hash",
    "source",
)
_SITE_COLUMNS = (
    "trial_id",
    "position",
    "facility",
    "city",
    "state",
    "zip",
    "country",
    "status",
    "contacts",
    "latitude",
    "longitude",
)
_FACET_COLUMNS = ("trial_id", "name", "value")
_EVENT_COLUMNS = ("trial_id", "run_id", "kind", "before", "after")


@dataclass(slots=True)
class _Pending:
    """A record read and turned into column values, ready to be written.

    Only plain values are kept (no record object), so a chunk is cheap to hand over from
    the reading process to the writing one.
    """

    item: ReadItem  # where it was read, without the record
    nct_id: str
    updated: str  # last update posted, as read
    hash: str
    trial: tuple[Any, ...]  # values for _TRIAL_COLUMNS
    sites: list[tuple[Any, ...]]  # values for _SITE_COLUMNS, less trial_id
    facets: list[tuple[str, str]]
    title: str
    status: str
    criteria: str
    existing_id: int | None = None
    before: dict[str, Any] = field(default_factory=dict)


def _chunks(
    items: Iterable[ReadItem], size: int, adapt_date: Callable[[Any], Any]
) -> Iterator[tuple[list[_Pending], list[tuple[ReadItem, str, str]]]]:
    """Group items into chunks of distinct NCT ids, and the failures met on the way."""
    chunk: dict[str, _Pending] = {}
    failures: list[tuple[ReadItem, str, str]] = []
    for item in items:
        record = item.record
        if item.error is not None or record is None:
            reason = item.error.reason if item.error else "no record read"
            nct_id = item.error.nct_id if item.error else ""
            failures.append((item, nct_id, reason))
        elif not NCT_ID_RE.match(record.nct_id or ""):
            failures.append((item, "", f"invalid NCT id {record.nct_id!r}"))
        else:
            if record.nct_id in chunk:
                # The same trial twice in a row: write the first before reading the second.
                yield list(chunk.values()), failures
                chunk, failures = {}, []
            try:
                chunk[record.nct_id] = _prepare(item, record, adapt_date)
            except _WRITE_ERRORS as exc:
                failures.append((item, record.nct_id, f"could not be saved: {exc}"))
        if len(chunk) >= size or len(failures) >= size:
            yield list(chunk.values()), failures
            chunk, failures = {}, []
    if chunk or failures:
        yield list(chunk.values()), failures


def _prepare(item: ReadItem, record: TrialRecord, adapt_date: Callable[[Any], Any]) -> _Pending:
    """Everything the database needs from one record, as values the driver takes as they are."""
    canonical = _canonical_json(record)
    digest = _hash(canonical)
    canonical_text = canonical.decode()
    elig = record.eligibility
    interventions = record.interventions
    names = [i.name for i in interventions if i.name]
    encode = _compact
    trial = (
        record.nct_id,
        record.title,
        record.official_title,
        record.brief_summary,
        record.overall_status[:32],
        record.study_type[:32],
        encode(record.phases),
        encode(record.conditions),
        encode(list(dict.fromkeys(names))),
        record.lead_sponsor,
        record.enrollment_count,
        elig.sex[:8],
        elig.minimum_age,
        elig.maximum_age,
        elig.healthy_volunteers,
        adapt_date(parse_partial_date(record.start_date)),
        adapt_date(parse_partial_date(record.completion_date)),
        adapt_date(parse_partial_date(record.last_update_posted_date)),
        elig.criteria,
        _flat(record.conditions, record.condition_mesh_terms),
        _flat(
            names,
            (other for i in interventions for other in i.other_names),
            record.intervention_mesh_terms,
        ),
        _flat(record.keywords),
        canonical_text,
        digest,
        _where(item),
    )
    sites = [
        (
            position,
            loc.facility,
            loc.city[:200],
            loc.state[:200],
            loc.zip[:32],
            loc.country[:100],
            loc.status[:32],
            encode(loc.contacts) if loc.contacts else "[]",
            loc.geo.lat if loc.geo else None,
            loc.geo.lon if loc.geo else None,
        )
        for position, loc in enumerate(record.locations)
    ]
    return _Pending(
        item=ReadItem(source=item.source, location=item.location),
        nct_id=record.nct_id,
        updated=record.last_update_posted_date,
        hash=digest,
        trial=trial,
        sites=sites,
        facets=list(facet_values(record)),
        title=record.title,
        status=record.overall_status,
        criteria=elig.criteria,
    )


def _record_failures(run_id: int, failures: list[tuple[ReadItem, str, str]]) -> int:
    """Keep each failure with where it was read and why; how many there were."""
    ImportFailure.objects.bulk_create(
        ImportFailure(
            run_id=run_id,
            source=item.error.source if item.error else item.source,
            location=(item.error.location if item.error else item.location)[:100],
            nct_id=nct_id[:16],
            reason=reason,
        )
        for item, nct_id, reason in failures
    )
    return len(failures)


def _write_chunk(run_id: int, chunk: list[_Pending]) -> _Counts:
    try:
        with transaction.atomic():
            return _write(run_id, chunk)
    except _WRITE_ERRORS:
        pass  # written again one record at a time, to find the one that cannot be written
    counts: _Counts = Counter()
    for pending in chunk:
        pending.existing_id, pending.before = None, {}
        try:
            with transaction.atomic():
                counts.update(_write(run_id, [pending]))
        except _WRITE_ERRORS as exc:
            failure = (pending.item, pending.nct_id, f"could not be saved: {exc}")
            counts["failed"] += _record_failures(run_id, [failure])
    return counts


def _write(run_id: int, chunk: list[_Pending]) -> _Counts:
    """Write one chunk; the caller holds the transaction."""
    stored = {
        row["nct_id"]: row
        for row in Trial.objects.filter(nct_id__in=[p.nct_id for p in chunk])
        .annotate(lud=KeyTextTransform("last_update_posted_date", "record"))
        .values("id", "nct_id", "content_hash", "lud")
    }
    new: list[_Pending] = []
    changed: list[_Pending] = []
    unchanged = 0
    for pending in chunk:
        row = stored.get(pending.nct_id)
        if row is None:
            new.append(pending)
        elif row["content_hash"] == pending.hash or is_older(pending.updated, row["lud"] or ""):
            unchanged += 1
        else:
            pending.existing_id = row["id"]
            changed.append(pending)

    _load_before(changed)
    now = timezone.now()
    if new:
        _insert(Trial, _TRIAL_COLUMNS, [p.trial for p in new], now)
        ids = dict(
            Trial.objects.filter(nct_id__in=[p.nct_id for p in new]).values_list("nct_id", "id")
        )
        for pending in new:
            pending.existing_id = ids[pending.nct_id]
    if changed:
        _update_trials(changed, now)
        changed_ids = [p.existing_id for p in changed]
        Site.objects.filter(trial_id__in=changed_ids).delete()
        TrialFacet.objects.filter(trial_id__in=changed_ids).delete()
    written = new + changed
    _insert(Site, _SITE_COLUMNS, [(p.existing_id, *site) for p in written for site in p.sites], now)
    _insert(
        TrialFacet,
        _FACET_COLUMNS,
        [(p.existing_id, name, value) for p in written for name, value in p.facets],
        now,
    )
    events = [
        (
            p.existing_id,
            run_id,
            ChangeEvent.Kind.CREATED.value,
            None,
            _compact({"title": p.title, "status": p.status}),
        )
        for p in new
    ]
    for pending in changed:
        events += _change_events(run_id, pending)
    _insert(ChangeEvent, _EVENT_COLUMNS, events, now)
    return Counter(imported=len(new), updated=len(changed), unchanged=unchanged)


def _update_trials(changed: list[_Pending], now: datetime) -> None:
    """Overwrite the trial rows of changed records in place (their ids stay)."""
    ops = connection.ops
    table = ops.quote_name(Trial._meta.db_table)
    columns = ", ".join(
        f"{ops.quote_name(Trial._meta.get_field(c).column)} = %s"
        for c in (
            *_TRIAL_COLUMNS,
            "updated_at",
        )
    )
    stamp = ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns} WHERE id = %s",
            [(*p.trial, stamp, p.existing_id) for p in changed],
        )


def _insert(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]], now: datetime
) -> None:
    """Insert rows of values already prepared for the driver, the fastest way the database offers.

    The ORM's bulk_create spends most of an import preparing values one by one; here
    PostgreSQL takes the rows by COPY and SQLite by one prepared INSERT run for every row (one
    statement per table, so its statement cache stays small). Timestamps that the model fills
    in itself are set to ``now``.
    """
    if not rows:
        return
    ops = connection.ops
    meta = model._meta
    auto_now = [
        f.column
        for f in meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    names = [meta.get_field(name).column for name in columns] + auto_now
    table = ops.quote_name(meta.db_table)
    quoted = ", ".join(ops.quote_name(name) for name in names)
    if auto_now:
        extra = (ops.adapt_datetimefield_value(now),) * len(auto_now)
        rows = [(*row, *extra) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def _json_param(value: Any) -> str | None:
    return None if value is None else _compact(value)


def _load_before(changed: list[_Pending]) -> None:
    """Remember what the changed trials looked like, for their change events."""
    if not changed:
        return
    by_id = {p.existing_id: p for p in changed}
    for row in Trial.objects.filter(pk__in=list(by_id)).values(
        "id", "overall_status", "eligibility_criteria"
    ):
        by_id[row["id"]].before = {
            "status": row["overall_status"],
            "criteria": row["eligibility_criteria"],
            "sites": [],
        }
    for row in (
        Site.objects.filter(trial_id__in=list(by_id))
        .order_by("trial_id", "position")
        .values("trial_id", "facility", "city", "state", "zip", "country", "status")
    ):
        trial_id = row.pop("trial_id")
        by_id[trial_id].before["sites"].append(row)


_SUMMARY_KEYS = ("facility", "city", "state", "zip", "country", "status")


def _site_summary(pending: _Pending) -> list[dict[str, str]]:
    """The sites as change events show them (the prepared site values 1 to 6)."""
    return [dict(zip(_SUMMARY_KEYS, site[1:7], strict=True)) for site in pending.sites]


def _site_key(sites: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return sorted(tuple(site[k] for k in sorted(site)) for site in sites)


def _change_events(run_id: int, pending: _Pending) -> list[tuple[Any, ...]]:
    before = pending.before
    events = []

    def event(kind: ChangeEvent.Kind, old: Any, new: Any) -> None:
        events.append((pending.existing_id, run_id, kind.value, _json_param(old), _json_param(new)))

    if before["status"] != pending.status:
        event(ChangeEvent.Kind.STATUS, before["status"], pending.status)
    sites = _site_summary(pending)
    if _site_key(before["sites"]) != _site_key(sites):
        event(ChangeEvent.Kind.SITES, before["sites"], sites)
    if before["criteria"] != pending.criteria:
        event(ChangeEvent.Kind.ELIGIBILITY, before["criteria"], pending.criteria)
    return events


def _flat(*groups: Iterable[str]) -> str:
    """Distinct non-empty strings, one a line, for the full-text index."""
    return "\n".join(dict.fromkeys(s.strip() for group in groups for s in group if s.strip()))


def _where(item: ReadItem) -> str:
    return f"{item.source} {item.location}".strip()
