"""``trialmatch search``: the JSON contract and the errors a person gets for bad options."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .factory import make_trial, record, site

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    make_trial(
        record(
            "NCT00000001",
            "Asthma in adults",
            status="RECRUITING",
            phases=("PHASE2",),
            conditions=("Asthma",),
            sites=(site("Lyon", 45.76, 4.84, zip="69003"),),
        )
    )
    make_trial(
        record(
            "NCT00000002",
            "Asthma in children",
            status="COMPLETED",
            phases=("PHASE3",),
            conditions=("Asthma",),
            sites=(site("Paris", 48.86, 2.35),),
        )
    )
    make_trial(record("NCT00000003", "Gout", status="RECRUITING", phases=("PHASE2",)))


def run(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


def test_json_contract(catalogue) -> None:
    data = run_json("asthma")
    assert set(data) == {"total", "results"}
    assert data["total"] == 2
    first = data["results"][0]
    assert set(first) == {"nct_id", "title", "status", "score", "distance_km"}
    assert first["distance_km"] is None
    assert isinstance(first["score"], float) and first["score"] > 0
    assert {r["nct_id"] for r in data["results"]} == {"NCT00000001", "NCT00000002"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "recruiting"], ["NCT00000001", "NCT00000003"]),
        (["asthma", "--status", "RECRUITING,completed"], ["NCT00000001", "NCT00000002"]),
        (["--status", "COMPLETED", "--status", "Recruiting", "--phase", "phase3"], ["NCT00000002"]),
        (["--phase", "PHASE2", "asthma"], ["NCT00000001"]),
        (["asthma", "--limit", "1"], ["NCT00000001"]),
    ],
)
def test_status_and_phase_options(catalogue, args, expected) -> None:
    data = run_json(*args)
    assert sorted(r["nct_id"] for r in data["results"]) == expected


def test_near_by_point_and_by_city(catalogue) -> None:
    by_point = run_json("asthma", "--near", "45.76,4.84", "--radius-km", "50")
    assert [(r["nct_id"], r["distance_km"]) for r in by_point["results"]] == [("NCT00000001", 0.0)]
    by_city = run_json("--near", "paris")
    assert [r["nct_id"] for r in by_city["results"]] == [
        "NCT00000002",
        "NCT00000001",
        "NCT00000003",
    ]
    assert by_city["results"][1]["distance_km"] == pytest.approx(392, abs=3)
    assert by_city["results"][2]["distance_km"] is None
    by_zip = run_json("--near", "69003", "--radius-km", "10")
    assert by_zip["total"] == 1


def test_table_output(catalogue) -> None:
    text = run("asthma", "--near", "Lyon")
    assert text.splitlines()[0] == "2 trials found; showing 2."
    assert "NCT00000001" in text and "Asthma in adults" in text and "KM" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "OPEN"], "--status: unknown value 'OPEN'"),
        (["--phase", "PHASE5"], "--phase: unknown value 'PHASE5'"),
        (["--status", "RECRUITING,,bogus"], "unknown value 'bogus'"),
        (["--radius-km", "10"], "--radius-km needs --near"),
        (["--near", "Atlantis"], "no site in the catalogue"),
        (["--near", "95,10"], "latitude"),
        (["--near", "Lyon", "--radius-km", "-5"], "more than 0"),
        (["--limit", "0"], "--limit"),
        (["--limit", "101"], "--limit"),
    ],
)
def test_bad_options_exit_with_status_2(catalogue, args, message) -> None:
    with pytest.raises(CommandError, match=message) as excinfo:
        run(*args)
    assert excinfo.value.returncode == 2
