"""``trialmatch match --patient FILE [--top N] --json``: the JSON contract; exit 2 on bad input."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.matching.conftest import run_installed
from tests.matching.test_match_service import SEED_ID, SEED_PATIENT, import_seed

pytestmark = pytest.mark.django_db

NOTE = (
    "34-year-old man with B-cell acute lymphoblastic leukemia in second relapse. "
    "ECOG performance status 1. Bone marrow blasts 40%. No prior stem cell transplant."
)


def _match(*args: str) -> dict:
    out = StringIO()
    call_command("match", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    "name, content",
    [
        ("patient.json", json.dumps(SEED_PATIENT)),
        ("note.txt", NOTE),
    ],
)
def test_json_output_contract(tmp_path, name, content):
    import_seed()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    data = _match("--patient", str(path), "--top", "5", "--json")
    assert set(data) == {"results"}
    assert 1 <= len(data["results"]) <= 5
    first = data["results"][0]
    assert {"nct_id", "score", "verdict", "reasons"} <= set(first)
    assert first["nct_id"] == SEED_ID
    assert first["verdict"] in ("likely_eligible", "likely_not_eligible", "needs_review")
    assert isinstance(first["score"], float)
    assert all(isinstance(r, str) and r for r in first["reasons"])


def test_empty_catalogue_has_a_message(tmp_path):
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(SEED_PATIENT), encoding="utf-8")
    data = _match("--patient", str(path), "--json")
    assert data["results"] == []
    assert "empty" in data["message"]


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("bad.json", json.dumps({**SEED_PATIENT, "age": -3}), "age: must be at least 0"),
        ("bad.json", '{"age": 34,', "not valid JSON"),
        (
            "bundle.json",
            json.dumps({"resourceType": "Bundle", "entry": [{"resource": "x"}]}),
            "entry[0].resource",
        ),
        ("note.pdf", "x", "expected a .txt note"),
        ("missing.json", None, "no such file"),
    ],
)
def test_bad_patient_file_exits_2_naming_the_problem(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _match("--patient", str(path), "--json")
    assert caught.value.returncode == 2
    assert expected in str(caught.value)


def test_bad_top_exits_2(tmp_path):
    import_seed()
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(SEED_PATIENT), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _match("--patient", str(path), "--top", "0", "--json")
    assert caught.value.returncode == 2
    assert "top" in str(caught.value)


def test_console_script_exit_code_and_stderr(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**SEED_PATIENT, "sex": "robot"}), encoding="utf-8")
    done = run_installed("match", "--patient", str(path), "--json", home=tmp_path)
    assert done.returncode == 2
    assert "sex" in done.stderr and done.stdout == ""
