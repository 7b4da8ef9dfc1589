"""Keeping the catalogue in step with ClinicalTrials.gov through its API v2.

A sync walks the pages of one query, oldest update first, importing each page through the
one write path (``import_items``) and saving a ``SyncCheckpoint`` with it, so a sync that is
cut off (network, rate limit, Ctrl-C) resumes at the page after the last one saved. Once a
query has been walked to the end, the next sync of it asks only for studies updated since the
latest update it saw.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ctgov.client import OVERALL_STATUSES, ApiClient, ApiError, Page, study_params
from ctgov.errors import RecordError
from ctgov.sources import ReadError, ReadItem
from ctgov.v2 import parse_study
from trials.models import ImportRun, SyncCheckpoint
from trials.services.importing import import_items, parse_partial_date

logger = logging.getLogger(__name__)


class SyncError(Exception):
    """The sync stopped early; the message says why and what a rerun will do."""

    def __init__(self, message: str, run: ImportRun) -> None:
        super().__init__(message)
        self.run = run  # what was imported before it stopped


def parse_statuses(value: str | list[str] | None) -> list[str]:
    """``recruiting, not yet recruiting`` -> API codes; raises ValueError naming a bad one."""
    if not value:
        return []
    parts = value.split(",") if isinstance(value, str) else value
    codes: list[str] = []
    for part in parts:
        code = "_".join(part.replace("-", " ").upper().split())
        if not code:
            continue
        if code not in OVERALL_STATUSES:
            raise ValueError(
                f"unknown status {part.strip()!r}; use one of: {', '.join(OVERALL_STATUSES)}"
            )
        if code not in codes:
            codes.append(code)
    return codes


def query_key(term: str | None, condition: str | None, statuses: list[str]) -> str:
    """The checkpoint key of a query: what it asks for, not where or since when."""
    query = {"term": term or "", "condition": condition or "", "status": sorted(statuses)}
    return hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()


def sync(
    term: str | None = None,
    condition: str | None = None,
    since: date | None = None,
    limit: int | None = None,
    status: str | list[str] | None = None,
    base_url: str | None = None,
    progress: Callable[[ImportRun], None] | None = None,
    *,
    client: ApiClient | None = None,
) -> ImportRun:
    """Import the studies of a query from the API, resuming or going on from its checkpoint.

    ``since`` (a date) asks only for studies updated on or after it; without it, an
    unfinished walk of the same query resumes from its saved page token, and a finished one
    goes on from the latest update it saw. ``limit`` stops after that many studies (a
    later sync carries on from there). Raises ValueError for bad arguments and SyncError
    when the API cannot be used; what was imported until then stays, and so does the
    checkpoint.
    """
    statuses = parse_statuses(status)
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number, not {limit}")
    base_url = (base_url or settings.CTGOV_API_URL).rstrip("/")
    client = client or ApiClient(base_url)

    checkpoint, _ = SyncCheckpoint.objects.get_or_create(
        query_key=query_key(term, condition, statuses)
    )
    saved_since = checkpoint.params.get("since")
    resume = (
        bool(checkpoint.next_page_token)
        and checkpoint.completed_at is None
        and (since is None or saved_since == since.isoformat())
    )
    if resume:
        since = date.fromisoformat(saved_since) if saved_since else None
    else:
        if since is None:
            since = checkpoint.latest_update_seen
        checkpoint.next_page_token = ""
        checkpoint.pages_done = 0
        checkpoint.records_seen = 0
        checkpoint.completed_at = None
    params = study_params(term=term, condition=condition, status=statuses, since=since)
    checkpoint.params = {
        "term": term or "",
        "condition": condition or "",
        "status": statuses,
        "since": since.isoformat() if since else None,
        "api": params,
    }
    checkpoint.save()

    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SYNC, sources=_describe(base_url, checkpoint.params, resume)
    )
    token = checkpoint.next_page_token or None
    while True:
        try:
            for page in client.iter_pages(params, page_token=token, limit=limit):
                _import_page(page, checkpoint, run, base_url, progress)
            return run
        except ApiError as exc:
            if token and exc.status == 400 and checkpoint.next_page_token == token:
                # A saved token the API no longer takes would stop every later sync too.
                logger.warning("the saved page token was refused; starting this query over")
                token = None
                checkpoint.next_page_token = ""
                checkpoint.pages_done = checkpoint.records_seen = 0
                checkpoint.save()
                continue
            run.finished_at = timezone.now()
            run.save()
            raise SyncError(_stopped_message(exc, checkpoint), run) from None


def _import_page(
    page: Page,
    checkpoint: SyncCheckpoint,
    run: ImportRun,
    base_url: str,
    progress: Callable[[ImportRun], None] | None,
) -> None:
    """Import one page and move the checkpoint past it, both or neither."""
    number = checkpoint.pages_done + 1
    latest: list[date] = []
    with transaction.atomic():
        import_items(_items(page.studies, number, base_url, latest), run=run, progress=progress)
        checkpoint.pages_done = number
        checkpoint.records_seen += len(page.studies)
        checkpoint.next_page_token = page.next_page_token or ""
        if latest:
            seen = max(latest)
            if checkpoint.latest_update_seen is None or seen > checkpoint.latest_update_seen:
                checkpoint.latest_update_seen = seen
        if page.next_page_token is None:
            checkpoint.completed_at = timezone.now()
        checkpoint.save()


def _items(
    studies: list[dict[str, Any]], page: int, base_url: str, latest: list[date]
) -> Iterator[ReadItem]:
    for index, study in enumerate(studies, start=1):
        nct_id = _raw_nct_id(study)
        source = f"{base_url}/studies/{nct_id}" if nct_id else f"{base_url}/studies"
        location = f"page {page} record {index}"
        try:
            record = parse_study(study)
        except RecordError as exc:
            error = ReadError(source, location, exc.reason, nct_id=exc.nct_id or nct_id)
            yield ReadItem(source=source, location=location, error=error)
            continue
        updated = parse_partial_date(record.last_update_posted_date)
        if updated is not None:
            latest.append(updated)
        # The study's own URL is where its copy came from; page numbers shift as studies change.
        yield ReadItem(source=source, location="", record=record)


def _raw_nct_id(study: Any) -> str:
    """The NCT id of a study as sent, if it can be found without trusting its shape."""
    ident = study.get("protocolSection") if isinstance(study, dict) else None
    ident = ident.get("identificationModule") if isinstance(ident, dict) else None
    nct_id = ident.get("nctId") if isinstance(ident, dict) else None
    return nct_id.strip()[:16] if isinstance(nct_id, str) else ""


def _describe(base_url: str, params: dict[str, Any], resume: bool) -> str:
    parts = [f"{name} {params[name]!r}" for name in ("term", "condition") if params[name]]
    if params["status"]:
        parts.append(f"status {','.join(params['status'])}")
    if params["since"]:
        parts.append(f"updated since {params['since']}")
    what = ", ".join(parts) or "all studies"
    return f"{base_url}/studies: {what}{' (resumed)' if resume else ''}"


def _stopped_message(exc: ApiError, checkpoint: SyncCheckpoint) -> str:
    done = checkpoint.pages_done
    saved = f"{done} page{'s' if done != 1 else ''} of this query done"
    if exc.retryable:
        what = "could not be reached"
    elif exc.status is not None:
        what = "refused the request"
    else:
        what = "sent an answer that cannot be used"
    return (
        f"ClinicalTrials.gov {what}: {exc}. Progress is saved ({saved}); "
        "running the same command again resumes from there."
    )
