"""A small client for the ClinicalTrials.gov API v2 ``/studies`` endpoint.

The public API rate-limits, has bad minutes and drops connections, so every request is
retried with exponential back-off and jitter; a request that still fails ends in one
``ApiError`` whose message can be shown to a user as it is.
"""

from __future__ import annotations

import email.utils
import http.client
import importlib.metadata
import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

logger = logging.getLogger(__name__)


def _version() -> str:
    try:
        return importlib.metadata.version("trialmatch")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


USER_AGENT = f"TrialMatch/{_version()} (clinical trial finder; ClinicalTrials.gov API v2 sync)"
MAX_PAGE_SIZE = 1000

# The API's overallStatus codes (filter.overallStatus accepts these only).
OVERALL_STATUSES = (
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)


class ApiError(Exception):
    """The API could not be reached, or answered something unusable; the message says which."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        # True when the request might succeed later (outage, rate limit), False for a bad query.
        self.retryable = retryable
        self.status = status  # the HTTP status of a refused request


@dataclass(frozen=True)
class Page:
    """One page of studies, and the token that fetches the page after it."""

    studies: list[dict[str, Any]]
    next_page_token: str | None
    total_count: int | None = None


def study_params(
    *,
    term: str | None = None,
    condition: str | None = None,
    status: list[str] | None = None,
    since: date | None = None,
) -> dict[str, str]:
    """Query parameters for ``/studies``, oldest update first so a sync can resume by date."""
    params = {"format": "json", "sort": "LastUpdatePostDate:asc"}
    if term:
        params["query.term"] = term
    if condition:
        params["query.cond"] = condition
    if status:
        params["filter.overallStatus"] = ",".join(status)
    if since:
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
    return params


class ApiClient:
    """Fetches JSON from the API, retrying what is worth retrying."""

    default_sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(
        self,
        base_url: str,
        *,
        max_retries: int = 5,
        timeout: float = 60.0,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.user_agent = user_agent
        self._sleep = sleep if sleep is not None else type(self).default_sleep
        self._rng = rng or random.Random()

    def url(self, path: str, params: Mapping[str, str] | None = None) -> str:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base_url}/{path.lstrip('/')}{query}"

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path`` and decode its JSON body, retrying rate limits and outages."""
        url = self.url(path, params)
        attempt = 0
        while True:
            try:
                return self._get_once(url)
            except _Retry as retry:
                if attempt >= self.max_retries:
                    tries = "1 attempt" if attempt == 0 else f"{attempt + 1} attempts"
                    raise ApiError(
                        f"{url}: {retry.reason} (gave up after {tries})", retryable=True
                    ) from None
                delay = self._delay(attempt, retry.retry_after)
                logger.warning(
                    "ClinicalTrials.gov: %s; retry %d of %d in %.1f s",
                    retry.reason,
                    attempt + 1,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
                attempt += 1

    def iter_pages(
        self,
        params: Mapping[str, str],
        page_token: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Page]:
        """Every page of ``/studies`` for ``params``, from ``page_token`` (or the start) on.

        With ``limit``, pages shrink so that exactly ``limit`` studies come back at most
        and the last token still points at the first study not returned.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}")
        remaining = limit
        token = page_token
        while remaining is None or remaining > 0:
            size = page_size if remaining is None else min(page_size, remaining)
            query = {**params, "pageSize": str(size)}
            if token:
                query["pageToken"] = token
            else:
                query["countTotal"] = "true"
            page = _page(self.get_json("studies", query), self.url("studies", query))
            if len(page.studies) > size:
                # A server that ignores pageSize: the token cannot resume mid-page.
                raise ApiError(
                    f"{self.base_url}/studies sent {len(page.studies)} studies, "
                    f"more than the {size} asked for"
                )
            yield page
            if remaining is not None:
                remaining -= len(page.studies)
            token = page.next_page_token
            if not token or not page.studies:
                return

    def _get_once(self, url: str) -> Any:
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            if exc.code == 429 or 500 <= exc.code < 600:
                retry_after = _retry_after(exc.headers.get("Retry-After"))
                raise _Retry(f"HTTP {exc.code} {exc.reason}{detail}", retry_after) from None
            raise ApiError(
                f"{url}: HTTP {exc.code} {exc.reason}{detail}", status=exc.code
            ) from None
        except urllib.error.URLError as exc:
            raise _Retry(f"cannot connect: {exc.reason}") from None
        except TimeoutError:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise _Retry(f"connection failed: {exc or type(exc).__name__}") from None
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            kind = content_type.split(";")[0].strip() or "unknown content type"
            raise ApiError(f"{url}: the answer is not JSON ({kind}): {_snippet(body)}") from None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff * 5)
        ceiling = min(self.max_backoff, self.backoff * 2**attempt)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)


def iter_pages(
    base_url: str,
    params: Mapping[str, str],
    page_token: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    limit: int | None = None,
    **client_options: Any,
) -> Iterator[Page]:
    """``ApiClient(base_url, **client_options).iter_pages(...)`` in one call."""
    return ApiClient(base_url, **client_options).iter_pages(params, page_token, page_size, limit)


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _page(data: Any, url: str) -> Page:
    if not isinstance(data, dict) or not isinstance(data.get("studies", []), list):
        raise ApiError(f"{url}: the answer is not a page of studies")
    token = data.get("nextPageToken")
    total = data.get("totalCount")
    return Page(
        studies=list(data.get("studies", [])),
        next_page_token=token if isinstance(token, str) and token else None,
        total_count=total if isinstance(total, int) else None,
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read()
    except (OSError, http.client.HTTPException):
        return ""
    return f": {_snippet(body)}" if body else ""


def _snippet(body: bytes, size: int = 200) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= size else f"{text[:size]}…"
