"""``trialmatch sync`` against the fake API: paging, retries, resuming, incremental syncs."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.sync.fakeapi import FakeApi, Reply, error_reply, html_reply, load_pages
from trials.models import ImportFailure, ImportRun, SyncCheckpoint, Trial
from trials.services.syncing import query_key, sync

ALL_NINE = [
    "NCT01100827",
    "NCT03606070",
    "NCT04571398",
    "NCT05032404",
    "NCT05905653",
    "NCT06025175",
    "NCT06050278",
    "NCT05991206",
    "NCT06715774",
]
PAGE_2 = "ZVNj7o2Elu8o3lpp"
PAGE_3 = "ZVNj7o2Elu8o3lpq"

pytestmark = pytest.mark.django_db


def run_sync(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sync", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_sync(*args: str) -> tuple[CommandError, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("sync", *args, stdout=out, stderr=io.StringIO())
    return error.value, out.getvalue()


def checkpoint(term: str | None = None) -> SyncCheckpoint:
    return SyncCheckpoint.objects.get(query_key=query_key(term, None, []))


def catalogue() -> list[str]:
    return sorted(Trial.objects.values_list("nct_id", flat=True))


def test_sync_walks_every_page(api, sleeps):
    out, _ = run_sync("--term", "spine")

    assert out.strip().splitlines()[-1] == "imported 9, updated 0, unchanged 0, failed 0"
    assert catalogue() == sorted(ALL_NINE)
    assert api.tokens_requested() == [None, PAGE_2, PAGE_3]
    assert api.requests[0].params["query.term"] == "spine"
    assert "filter.advanced" not in api.requests[0].params
    trial = Trial.objects.get(nct_id="NCT06715774")
    assert trial.source == f"{api.url}/studies/NCT06715774"
    saved = checkpoint("spine")
    assert saved.completed_at is not None
    assert saved.next_page_token == ""
    assert (saved.pages_done, saved.records_seen) == (3, 9)
    assert saved.latest_update_seen == date(2024, 12, 4)
    run = ImportRun.objects.get()
    assert run.kind == ImportRun.Kind.SYNC
    assert "term 'spine'" in run.sources
    assert run.finished_at is not None


def test_next_sync_is_incremental_from_the_latest_update_seen(api, sleeps):
    run_sync("--term", "spine")
    out, _ = run_sync("--term", "spine")

    fourth = api.requests[3].params
    assert fourth.get("pageToken") is None
    assert fourth["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-12-04,MAX]"
    assert out.strip() == "imported 0, updated 0, unchanged 9, failed 0"


def test_a_different_query_has_its_own_checkpoint(api, sleeps):
    run_sync("--term", "spine")
    run_sync("--condition", "sciatica")

    assert "filter.advanced" not in api.requests[3].params
    assert api.requests[3].params["query.cond"] == "sciatica"
    assert SyncCheckpoint.objects.count() == 2


def test_since_sets_the_date_filter(api, sleeps):
    run_sync("--since", "2023-01-01", "--status", "recruiting, not yet recruiting")

    params = api.requests[0].params
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2023-01-01,MAX]"
    assert params["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING"
    assert params["sort"] == "LastUpdatePostDate:asc"


def test_rate_limit_and_server_error_are_retried_transparently(api, sleeps, caplog):
    api.fail(1, reply=error_reply(429, retry_after="7"))
    api.fail(2, reply=error_reply(500))

    out, _ = run_sync()

    assert "HTTP 429 Too Many Requests: Server error; retry 1 of 5 in 7.0 s" in caplog.text

    assert out.strip() == "imported 9, updated 0, unchanged 0, failed 0"
    assert api.tokens_requested() == [None, PAGE_2, PAGE_2, PAGE_2, PAGE_3]
    assert sleeps[0] == 7.0
    assert len(sleeps) == 2


def test_retries_exhausted_saves_progress_and_a_rerun_resumes(api, sleeps):
    api.fail(*range(1, 7), reply=error_reply(503))

    error, out = run_failing_sync()

    assert error.returncode == 2
    message = str(error)
    assert "ClinicalTrials.gov could not be reached" in message
    assert "HTTP 503" in message
    assert "Progress is saved (1 page of this query done)" in message
    assert "running the same command again resumes" in message
    assert out.strip() == "imported 3, updated 0, unchanged 0, failed 0"
    assert catalogue() == sorted(ALL_NINE[:3])
    saved = checkpoint()
    assert saved.next_page_token == PAGE_2
    assert saved.completed_at is None
    assert len(sleeps) == 5  # the client's default of 5 retries

    asked_before = len(api.requests)
    out, _ = run_sync()

    assert api.tokens_requested()[asked_before:] == [PAGE_2, PAGE_3]
    assert out.strip() == "imported 6, updated 0, unchanged 0, failed 0"
    assert catalogue() == sorted(ALL_NINE)
    saved.refresh_from_db()
    assert saved.completed_at is not None
    assert saved.pages_done == 3
    assert "(resumed)" in ImportRun.objects.first().sources


def test_limit_stops_early_and_the_next_sync_carries_on(api, sleeps):
    out, _ = run_sync("--limit", "4")

    assert out.strip() == "imported 4, updated 0, unchanged 0, failed 0"
    assert catalogue() == sorted(ALL_NINE[:4])
    assert [request.params["pageSize"] for request in api.requests] == ["4", "1"]
    saved = checkpoint()
    assert saved.completed_at is None
    assert saved.next_page_token == api.token(4)

    out, _ = run_sync()

    assert api.requests[2].params["pageToken"] == api.token(4)
    assert out.strip() == "imported 5, updated 0, unchanged 0, failed 0"
    assert catalogue() == sorted(ALL_NINE)


def test_a_saved_token_the_api_refuses_starts_the_query_over(api, sleeps, caplog):
    run_sync("--limit", "3")
    SyncCheckpoint.objects.update(next_page_token="expired-token")

    out, _ = run_sync()

    assert api.tokens_requested()[1:] == ["expired-token", None, PAGE_2, PAGE_3]
    assert "the saved page token was refused; starting this query over" in caplog.text
    assert out.strip() == "imported 6, updated 0, unchanged 3, failed 0"
    assert checkpoint().completed_at is not None


def test_limit_at_the_end_of_the_catalogue_completes(api, sleeps):
    run_sync("--limit", "9")

    assert checkpoint().completed_at is not None


def test_an_explicit_since_starts_over_instead_of_resuming(api, sleeps):
    run_sync("--limit", "3")
    run_sync("--since", "2020-01-01")

    assert api.requests[1].params.get("pageToken") is None
    assert api.requests[1].params["filter.advanced"] == (
        "AREA[LastUpdatePostDate]RANGE[2020-01-01,MAX]"
    )


def test_a_bad_record_is_counted_and_the_others_imported(settings, sleeps):
    server = FakeApi(load_pages("page-bad-record")).start()
    settings.CTGOV_API_URL = server.url
    try:
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("sync", stdout=out, stderr=err)
    finally:
        server.stop()

    assert exit_.value.code == 1
    assert out.getvalue().strip() == "imported 2, updated 0, unchanged 0, failed 1"
    assert catalogue() == ["NCT05144685", "NCT05772143"]
    failure = ImportFailure.objects.get()
    assert failure.location == "page 1 record 2"
    assert failure.nct_id == "NCT03810573"
    assert "enrollmentInfo.count" in failure.reason
    assert "page 1 record 2" in err.getvalue()
    assert checkpoint().completed_at is not None


def test_a_page_that_is_not_json_is_a_clear_error(api, sleeps):
    api.fail(0, reply=html_reply())

    error, out = run_failing_sync()

    assert error.returncode == 2
    assert "sent an answer that cannot be used" in str(error)
    assert "not JSON (text/html)" in str(error)
    assert out.strip() == "imported 0, updated 0, unchanged 0, failed 0"
    assert Trial.objects.count() == 0


def test_a_refused_request_is_a_clear_error(api, sleeps):
    api.fail(0, reply=Reply(status=400, body=b"The filter.advanced expression is invalid"))

    error, _ = run_failing_sync("--since", "2024-01-01")

    assert error.returncode == 2
    assert "ClinicalTrials.gov refused the request" in str(error)
    assert "HTTP 400 Bad Request: The filter.advanced expression is invalid" in str(error)
    assert sleeps == []


def test_progress_is_shown_on_a_terminal(api, sleeps):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    call_command("sync", stdout=io.StringIO(), stderr=err)

    assert "studies synced: imported" in err.getvalue()


def test_no_progress_when_not_on_a_terminal(api, sleeps):
    _, err = run_sync()

    assert err == ""


def test_the_service_returns_the_run(api, sleeps):
    seen: list[int] = []

    run = sync(term="spine", progress=lambda run: seen.append(run.imported))

    assert (run.imported, run.failed) == (9, 0)
    assert seen[-1] == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-01"], "--since must be a date like 2024-01-31, not '2024-13-01'"),
        (["--since", "yesterday"], "--since must be a date like 2024-01-31"),
        (["--limit", "0"], "--limit must be a positive whole number, not '0'"),
        (["--limit", "-5"], "--limit must be a positive whole number"),
        (["--limit", "ten"], "--limit must be a positive whole number, not 'ten'"),
        (["--status", "OPEN"], "unknown status 'OPEN'; use one of: ACTIVE_NOT_RECRUITING"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(api, args, message):
    error, _ = run_failing_sync(*args)

    assert error.returncode == 2
    assert message in str(error)
    assert api.requests == []
