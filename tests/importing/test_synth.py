"""Synthetic trials: valid, unique, importable, and the same for the same seed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ctgov.sources import read_paths
from ctgov.synth import SynthError, generate, load_studies
from tests.conftest import shared_path


def tiny_source(tmp_path: Path) -> Path:
    """Three small real-shaped studies, enough to recombine."""
    studies = []
    for n, (status, city, lat) in enumerate(
        [("RECRUITING", "Boston", 42.36), ("COMPLETED", "Lyon", 45.76), ("WITHDRAWN", "", None)]
    ):
        location = {"facility": f"Hospital {n}", "city": city, "country": "France"}
        if lat is not None:
            location["geoPoint"] = {"lat": lat, "lon": 4.84}
        studies.append(
            {
                "protocolSection": {
                    "identificationModule": {
                        "nctId": f"NCT0000000{n}",
                        "briefTitle": f"Title {n}",
                        "officialTitle": f"Official title {n}",
                    },
                    "statusModule": {
                        "overallStatus": status,
                        "lastUpdatePostDateStruct": {"date": f"202{n}-01-02"},
                    },
                    "conditionsModule": {"conditions": [f"Condition {n}"]},
                    "eligibilityModule": {"eligibilityCriteria": f"Criteria {n}", "sex": "ALL"},
                    "contactsLocationsModule": {
                        "locations": [location],
                        "locations_nested": [location],
                    },
                },
                "derivedSection": {"conditionBrowseModule": {"meshes": [{"term": f"Mesh {n}"}]}},
            }
        )
    path = tmp_path / "source.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in studies))
    return path


def synth(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def test_synth_writes_n_unique_importable_trials(tmp_path: Path):
    out = tmp_path / "synthetic.jsonl"
    assert synth("--n", "40", "--out", str(out), "--source", str(tiny_source(tmp_path))) == (
        f"wrote 40 trials to {out}\n"
    )
    items = list(read_paths([out]))
    assert [i.error for i in items if i.error] == []
    ids = [i.record.nct_id for i in items]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert ids[0] == "NCT90000000" and ids[-1] == "NCT90000039"
    records = [i.record for i in items]
    # Parts are recombined: conditions and titles do not always travel together.
    pairs = {(r.brief_title[-1], r.conditions[0][-1]) for r in records}
    assert len(pairs) > 3
    # Sites are moved a little, never copied exactly, and the duplicate copy is dropped.
    lats = [loc.geo.lat for r in records for loc in r.locations if loc.geo]
    assert lats and not {42.36, 45.76} & set(lats)
    assert all(abs(lat - 42.36) <= 0.05 or abs(lat - 45.76) <= 0.05 for lat in lats)
    assert all(len(r.locations) == 1 for r in records)


def test_synth_is_deterministic_for_a_seed(tmp_path: Path):
    source = str(tiny_source(tmp_path))
    paths = [tmp_path / name for name in ("a.jsonl", "b.jsonl", "c.jsonl")]
    for path, seed in zip(paths, ("7", "7", "8"), strict=True):
        synth("--n", "25", "--out", str(path), "--seed", seed, "--source", source)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_synth_streams_without_building_the_whole_output():
    studies = [{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}]
    stream = generate(studies, 10_000_000, seed=1)
    assert next(stream)["protocolSection"]["identificationModule"]["nctId"] == "NCT90000000"


def test_synth_from_the_shared_studies_imports_cleanly(tmp_path: Path):
    studies = load_studies(shared_path("ctgov", "v2", "studies.jsonl"))
    out = tmp_path / "s.jsonl"
    with out.open("w") as stream:
        for study in generate(studies, 200, seed=3):
            stream.write(json.dumps(study) + "\n")
    items = list(read_paths([out]))
    assert [i.error for i in items if i.error] == []
    sites = sum(len(i.record.locations) for i in items)
    assert 2 < sites / len(items) < 30


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--n", "0"], "--n must be between 1 and 10,000,000"),
        (["--source", "/nonexistent/studies.jsonl"], "source studies not found"),
        (["--out", "/nonexistent/dir/out.jsonl"], "folder not found for --out"),
    ],
)
def test_synth_reports_bad_input_clearly(tmp_path: Path, args, message):
    defaults = {"--n": "5", "--out": str(tmp_path / "o.jsonl"), "--source": None}
    values = dict(zip(args[::2], args[1::2], strict=True))
    argv = []
    for flag, value in {**defaults, **values}.items():
        if value is None:
            value = str(tiny_source(tmp_path))
        argv += [flag, value]
    with pytest.raises(CommandError) as excinfo:
        synth(*argv)
    assert str(excinfo.value).startswith(message)


def test_a_source_that_is_not_studies_is_refused(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"not": "a study"}\n')
    with pytest.raises(SynthError, match="line 1: not an API v2 study"):
        load_studies(path)
