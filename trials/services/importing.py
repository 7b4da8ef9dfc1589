"""The one write path for trials: every import, file or sync, goes through ``import_items``.

Records are written in chunks, each chunk in one transaction with bulk inserts, which is what
makes large imports fast. When a chunk fails, it is rolled back and written again one record
at a time, each in its own savepoint, so one bad record costs only itself: a record is either
written whole (trial, sites, facets, change events) or not at all.
"""

from __future__ import annotations

import hashlib
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import DatabaseError, connection, transaction
from django.db.models import JSONField, Model
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from ctgov.record import TrialRecord
from ctgov.sources import ReadItem
from trials.facets import facet_values
from trials.models import ChangeEvent, ImportFailure, ImportRun, Site, Trial, TrialFacet

CHUNK_SIZE = 500
_T = TypeVar("_T")
NCT_ID_RE = re.compile(r"^NCT\d{8}$")
_PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
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

    With ``read_ahead``, ``items`` are read (and hashed) in a second thread while the
    database writes the chunk before; only for item sources that do not use the database.
    """
    if run.pk is None:
        run.save()
    chunks = _chunks(items, chunk_size)
    if read_ahead:
        chunks = _in_background(chunks)
    for chunk, failures in chunks:
        if failures:
            _record_failures(run, failures)
        if chunk:
            _write_chunk(run, chunk)
        run.save(update_fields=["imported", "updated", "unchanged", "failed"])
        if progress is not None:
            progress(run)
    run.finished_at = timezone.now()
    run.save()
    return run


def _in_background(source: Iterator[_T], depth: int = 2) -> Iterator[_T]:
    """Run ``source`` in a thread, ``depth`` values ahead of the consumer.

    The database drivers let go of the interpreter lock while the database works, so
    reading and parsing the next chunk overlaps with writing this one.
    """
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


# Dataclasses are serialised as their fields, without the slow copies of ``asdict``.
_CANONICAL = json.JSONEncoder(
    default=vars, sort_keys=True, separators=(",", ":"), ensure_ascii=False
)
_COMPACT = json.JSONEncoder(default=vars, separators=(",", ":"), ensure_ascii=False)


def _canonical_json(record: TrialRecord) -> str:
    """``record.to_dict()`` as sorted, compact JSON."""
    return _CANONICAL.encode(record)


def _hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


class _RawJson(str):
    """JSON text already serialised, to be stored as it is."""


def parse_partial_date(value: str) -> date | None:
    """``2015``, ``2015-04`` or ``2015-04-07`` as a date (first day of the month or year)."""
    match = _PARTIAL_DATE_RE.match((value or "").strip())
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
    if not (_PARTIAL_DATE_RE.match(incoming) and _PARTIAL_DATE_RE.match(stored)):
        return False
    common = min(len(incoming), len(stored))
    return incoming[:common] < stored[:common]


@dataclass
class _Pending:
    """A record read and ready to be written, with what is derived from it."""

    item: ReadItem
    record: TrialRecord
    json: _RawJson
    hash: str
    existing_id: int | None = None
    before: dict[str, Any] = field(default_factory=dict)


def _chunks(
    items: Iterable[ReadItem], size: int
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
            canonical = _RawJson(_canonical_json(record))
            chunk[record.nct_id] = _Pending(item, record, canonical, _hash(canonical))
        if len(chunk) >= size or len(failures) >= size:
            yield list(chunk.values()), failures
            chunk, failures = {}, []
    if chunk or failures:
        yield list(chunk.values()), failures


def _record_failures(run: ImportRun, failures: list[tuple[ReadItem, str, str]]) -> None:
    ImportFailure.objects.bulk_create(
        ImportFailure(
            run=run,
            source=item.error.source if item.error else item.source,
            location=(item.error.location if item.error else item.location)[:100],
            nct_id=nct_id[:16],
            reason=reason,
        )
        for item, nct_id, reason in failures
    )
    run.failed += len(failures)


def _write_chunk(run: ImportRun, chunk: list[_Pending]) -> None:
    try:
        with transaction.atomic():
            counts = _write(run, chunk)
    except _WRITE_ERRORS:
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        for pending in chunk:
            pending.existing_id, pending.before = None, {}
            try:
                with transaction.atomic():
                    one = _write(run, [pending])
            except _WRITE_ERRORS as exc:
                _record_failures(
                    run, [(pending.item, pending.record.nct_id, f"could not be saved: {exc}")]
                )
                continue
            for key, value in one.items():
                counts[key] += value
    run.imported += counts["imported"]
    run.updated += counts["updated"]
    run.unchanged += counts["unchanged"]


def _write(run: ImportRun, chunk: list[_Pending]) -> dict[str, int]:
    """Write one chunk; the caller holds the transaction."""
    stored = {
        row["nct_id"]: row
        for row in Trial.objects.filter(nct_id__in=[p.record.nct_id for p in chunk])
        .annotate(lud=KeyTextTransform("last_update_posted_date", "record"))
        .values("id", "nct_id", "content_hash", "lud")
    }
    new: list[_Pending] = []
    changed: list[_Pending] = []
    unchanged = 0
    for pending in chunk:
        row = stored.get(pending.record.nct_id)
        if row is None:
            new.append(pending)
        elif row["content_hash"] == pending.hash or is_older(
            pending.record.last_update_posted_date, row["lud"] or ""
        ):
            unchanged += 1
        else:
            pending.existing_id = row["id"]
            changed.append(pending)

    _load_before(changed)
    now = timezone.now()
    if new:
        _insert(Trial, [{"nct_id": p.record.nct_id, **_trial_values(p)} for p in new], now)
        ids = dict(
            Trial.objects.filter(nct_id__in=[p.record.nct_id for p in new]).values_list(
                "nct_id", "id"
            )
        )
        for pending in new:
            pending.existing_id = ids[pending.record.nct_id]
    for pending in changed:
        values = _trial_values(pending)
        values["record"] = json.loads(pending.json)
        Trial.objects.filter(pk=pending.existing_id).update(updated_at=now, **values)

    changed_ids = [p.existing_id for p in changed]
    if changed_ids:
        Site.objects.filter(trial_id__in=changed_ids).delete()
        TrialFacet.objects.filter(trial_id__in=changed_ids).delete()
    written = new + changed
    _insert(Site, [site for p in written for site in _sites(p)], now)
    _insert(
        TrialFacet,
        [
            {"trial_id": p.existing_id, "name": name, "value": value}
            for p in written
            for name, value in facet_values(p.record)
        ],
        now,
    )
    events = [
        {
            "trial_id": p.existing_id,
            "run_id": run.pk,
            "kind": ChangeEvent.Kind.CREATED.value,
            "before": None,
            "after": {"title": p.record.title, "status": p.record.overall_status},
        }
        for p in new
    ]
    for pending in changed:
        events += _change_events(run, pending)
    _insert(ChangeEvent, events, now)
    return {"imported": len(new), "updated": len(changed), "unchanged": unchanged}


def _insert(model: type[Model], rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert rows of plain column values, the fastest way the database offers.

    The ORM's bulk_create spends most of an import preparing values one by one; here each
    value is prepared once, then PostgreSQL takes the rows by COPY and SQLite by one
    prepared INSERT run for every row (one statement per table, so its statement cache
    stays small).
    """
    if not rows:
        return
    ops = connection.ops
    auto_now = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    fields = [model._meta.get_field(name) for name in [*rows[0], *auto_now]]
    adapters = [(i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f))]
    extra = [ops.adapt_datetimefield_value(now)] * len(auto_now)
    values = []
    for row in rows:
        line = [*row.values(), *extra]
        for i, adapt in adapters:
            line[i] = adapt(line[i])
        values.append(line)
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for line in values:
                    copy.write_row(line)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def _adapter(model_field: Any) -> Callable[[Any], Any] | None:
    """How to turn a Python value into what the database driver takes for this column."""
    if isinstance(model_field, JSONField):
        return _json_param
    if model_field.get_internal_type() == "DateField":
        return connection.ops.adapt_datefield_value
    return None


def _json_param(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, _RawJson):
        return str(value)
    return _COMPACT.encode(value)


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


def _site_summary(record: TrialRecord) -> list[dict[str, str]]:
    return [
        {
            "facility": loc.facility,
            "city": loc.city[:200],
            "state": loc.state[:200],
            "zip": loc.zip[:32],
            "country": loc.country[:100],
            "status": loc.status[:32],
        }
        for loc in record.locations
    ]


def _site_key(sites: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return sorted(tuple(site[k] for k in sorted(site)) for site in sites)


def _change_events(run: ImportRun, pending: _Pending) -> list[dict[str, Any]]:
    record, before = pending.record, pending.before
    events = []

    def event(kind: ChangeEvent.Kind, old: Any, new: Any) -> None:
        events.append(
            {
                "trial_id": pending.existing_id,
                "run_id": run.pk,
                "kind": kind.value,
                "before": old,
                "after": new,
            }
        )

    if before["status"] != record.overall_status:
        event(ChangeEvent.Kind.STATUS, before["status"], record.overall_status)
    sites = _site_summary(record)
    if _site_key(before["sites"]) != _site_key(sites):
        event(ChangeEvent.Kind.SITES, before["sites"], sites)
    if before["criteria"] != record.eligibility.criteria:
        event(ChangeEvent.Kind.ELIGIBILITY, before["criteria"], record.eligibility.criteria)
    return events


def _flat(*groups: Iterable[str]) -> str:
    """Distinct non-empty strings, one a line, for the full-text index."""
    return "\n".join(dict.fromkeys(s.strip() for group in groups for s in group if s.strip()))


def _trial_values(pending: _Pending) -> dict[str, Any]:
    record = pending.record
    elig = record.eligibility
    names = [i.name for i in record.interventions if i.name]
    return {
        "title": record.title,
        "official_title": record.official_title,
        "brief_summary": record.brief_summary,
        "overall_status": record.overall_status[:32],
        "study_type": record.study_type[:32],
        "phases": list(record.phases),
        "conditions": list(record.conditions),
        "intervention_names": list(dict.fromkeys(names)),
        "lead_sponsor": record.lead_sponsor,
        "enrollment_count": record.enrollment_count,
        "sex": elig.sex[:8],
        "minimum_age_years": elig.minimum_age,
        "maximum_age_years": elig.maximum_age,
        "healthy_volunteers": elig.healthy_volunteers,
        "start_date": parse_partial_date(record.start_date),
        "completion_date": parse_partial_date(record.completion_date),
        "last_update_posted": parse_partial_date(record.last_update_posted_date),
        "eligibility_criteria": elig.criteria,
        "search_conditions": _flat(record.conditions, record.condition_mesh_terms),
        "search_interventions": _flat(
            names,
            (other for i in record.interventions for other in i.other_names),
            record.intervention_mesh_terms,
        ),
        "search_keywords": _flat(record.keywords),
        "record": pending.json,
        "content_hash": pending.hash,
        "source": _where(pending.item),
    }


def _where(item: ReadItem) -> str:
    return f"{item.source} {item.location}".strip()


def _sites(pending: _Pending) -> Iterator[dict[str, Any]]:
    for position, (loc, summary) in enumerate(
        zip(pending.record.locations, _site_summary(pending.record), strict=True)
    ):
        yield {
            "trial_id": pending.existing_id,
            "position": position,
            **summary,
            "contacts": _RawJson(_COMPACT.encode(loc.contacts) if loc.contacts else "[]"),
            "latitude": loc.geo.lat if loc.geo else None,
            "longitude": loc.geo.lon if loc.geo else None,
        }
