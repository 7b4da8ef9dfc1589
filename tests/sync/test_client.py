"""The API client against the fake server: paging, retries, and the errors a user sees."""

from __future__ import annotations

import random
import socket
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest

from ctgov.client import ApiClient, ApiError, _retry_after, iter_pages, study_params
from tests.sync.fakeapi import Reply, error_reply, html_reply

PARAMS = study_params(term="spine")


def client(api, sleeps, **options) -> ApiClient:
    return ApiClient(api.url, sleep=sleeps.append, **options)


def test_pages_follow_next_page_token_to_the_end(api, sleeps):
    pages = list(client(api, sleeps).iter_pages(PARAMS))

    assert [len(page.studies) for page in pages] == [3, 3, 3]
    assert pages[0].total_count == 9
    assert [page.next_page_token for page in pages] == [
        "ZVNj7o2Elu8o3lpp",
        "ZVNj7o2Elu8o3lpq",
        None,
    ]
    assert api.tokens_requested() == [None, "ZVNj7o2Elu8o3lpp", "ZVNj7o2Elu8o3lpq"]
    first = api.requests[0].params
    assert first["query.term"] == "spine"
    assert first["pageSize"] == "1000"
    assert first["countTotal"] == "true"
    assert first["format"] == "json"
    assert first["sort"] == "LastUpdatePostDate:asc"
    assert "countTotal" not in api.requests[1].params
    assert "TrialMatch" in api.requests[0].headers["User-Agent"]
    assert sleeps == []


def test_module_level_iter_pages_starts_from_a_token(api, sleeps):
    pages = list(iter_pages(api.url, PARAMS, page_token="ZVNj7o2Elu8o3lpq", sleep=sleeps.append))

    assert [len(page.studies) for page in pages] == [3]
    assert api.tokens_requested() == ["ZVNj7o2Elu8o3lpq"]


@pytest.mark.parametrize(
    ("limit", "sizes_asked", "studies"),
    [(1, ["1"], 1), (4, ["4", "1"], 4), (9, ["9", "6", "3"], 9), (50, ["50", "47", "44"], 9)],
)
def test_limit_shrinks_the_pages(api, sleeps, limit, sizes_asked, studies):
    pages = list(client(api, sleeps).iter_pages(PARAMS, limit=limit))

    assert sum(len(page.studies) for page in pages) == studies
    assert [request.params["pageSize"] for request in api.requests] == sizes_asked


@pytest.mark.parametrize(
    ("fault", "waited"),
    [
        (error_reply(429, retry_after="7"), [7.0]),
        (error_reply(503, retry_after="2"), [2.0]),
        (error_reply(500), None),
        (error_reply(502), None),
        (error_reply(520), None),
    ],
)
def test_rate_limits_and_outages_are_retried(api, sleeps, fault, waited):
    api.fail(1, reply=fault)

    pages = list(client(api, sleeps, backoff=1.0).iter_pages(PARAMS))

    assert sum(len(page.studies) for page in pages) == 9
    assert api.tokens_requested() == [
        None,
        "ZVNj7o2Elu8o3lpp",
        "ZVNj7o2Elu8o3lpp",
        "ZVNj7o2Elu8o3lpq",
    ]
    if waited is not None:
        assert sleeps == waited
    else:
        assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0


def test_back_off_doubles_with_jitter_up_to_a_ceiling(api, sleeps):
    api.fail(*range(0, 6), reply=error_reply(500))
    api_client = client(api, sleeps, max_retries=6, backoff=1.0, max_backoff=8.0)
    api_client._rng = random.Random(1)

    pages = list(api_client.iter_pages(PARAMS))

    assert len(pages) == 3
    ceilings = [1, 2, 4, 8, 8, 8]
    assert len(sleeps) == 6
    for waited, ceiling in zip(sleeps, ceilings, strict=True):
        assert ceiling / 2 <= waited <= ceiling
    assert len(set(sleeps[3:])) > 1, "jitter spreads waits that hit the ceiling"


def test_retries_exhausted_is_one_clear_error(api, sleeps):
    api.fail(*range(1, 10), reply=error_reply(503))

    pages = client(api, sleeps, max_retries=3).iter_pages(PARAMS)
    assert len(next(pages).studies) == 3
    with pytest.raises(ApiError) as error:
        next(pages)

    assert error.value.retryable
    assert "HTTP 503" in str(error.value)
    assert "gave up after 4 attempts" in str(error.value)
    assert len(api.requests) == 1 + 4
    assert len(sleeps) == 3


def test_timeouts_are_retried(api, sleeps):
    api.fail(0, reply=Reply(body=b"{}", delay=1.0))

    pages = list(client(api, sleeps, timeout=0.3).iter_pages(PARAMS))

    assert sum(len(page.studies) for page in pages) == 9
    assert api.tokens_requested()[:2] == [None, None]
    assert sleeps


def test_connection_refused_gives_up_cleanly(sleeps):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api_client = ApiClient(f"http://127.0.0.1:{port}/api/v2", max_retries=2, sleep=sleeps.append)

    with pytest.raises(ApiError) as error:
        list(api_client.iter_pages(PARAMS))

    assert "cannot connect" in str(error.value)
    assert "gave up after 3 attempts" in str(error.value)
    assert error.value.retryable


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (html_reply(), "the answer is not JSON (text/html): <html><body><h1>Service"),
        (Reply(body=b'{"studies": [', content_type="application/json"), "is not JSON"),
        (Reply(body=b'["NCT01100827"]'), "the answer is not a page of studies"),
        (Reply(status=400, body=b"The pageSize is invalid"), "HTTP 400 Bad Request: The pageSize"),
        (Reply(status=404, body=b""), "HTTP 404"),
    ],
)
def test_unusable_answers_are_not_retried(api, sleeps, reply, message):
    api.fail(0, reply=reply)

    with pytest.raises(ApiError) as error:
        list(client(api, sleeps).iter_pages(PARAMS))

    assert message in str(error.value)
    assert not error.value.retryable
    assert len(api.requests) == 1
    assert sleeps == []


def test_a_server_that_ignores_page_size_is_an_error(api, sleeps):
    api.fail(0, reply=Reply(body=b'{"studies": [{}, {}, {}], "nextPageToken": "x"}'))

    with pytest.raises(ApiError, match="sent 3 studies, more than the 2 asked for"):
        list(client(api, sleeps).iter_pages(PARAMS, limit=2))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"format": "json", "sort": "LastUpdatePostDate:asc"}),
        ({"term": "lung cancer"}, {"query.term": "lung cancer"}),
        ({"condition": "sciatica"}, {"query.cond": "sciatica"}),
        (
            {"status": ["RECRUITING", "NOT_YET_RECRUITING"]},
            {"filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING"},
        ),
        (
            {"since": date(2024, 3, 1)},
            {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2024-03-01,MAX]"},
        ),
    ],
)
def test_study_params(params, expected):
    assert expected.items() <= study_params(**params).items()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), (" 120 ", 120.0), ("", None), ("soon", None), (None, None)],
)
def test_retry_after_in_seconds(header, seconds):
    assert _retry_after(header) == seconds


def test_retry_after_as_http_date():
    when = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= _retry_after(format_datetime(when, usegmt=True)) <= 30
    past = datetime.now(UTC) - timedelta(seconds=30)
    assert _retry_after(format_datetime(past, usegmt=True)) == 0.0
