"""``trialmatch criteria`` and ``trialmatch screen`` against the catalogue."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import SEED_FIXTURE
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_trial():
    record = json.loads(SEED_FIXTURE.read_text("utf-8"))
    text = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    return Trial.objects.create(
        nct_id="NCT04521231",
        title="SC blinatumomab",
        eligibility_criteria=text,
        record={"nct_id": "NCT04521231", "eligibility": {"criteria": text}},
        content_hash="x",
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_criteria_json_contract(seed_trial):
    out, _ = run("criteria", "NCT04521231", "--json")
    data = json.loads(out)
    assert set(data) == {"nct_id", "criteria"}
    assert data["nct_id"] == "NCT04521231"
    keys = {"id", "kind", "role", "text", "question", "parent", "logic", "constraints"}
    for item in data["criteria"]:
        assert set(item) == keys
        assert item["kind"] in ("inclusion", "exclusion")
        assert item["role"] in ("criterion", "definition", "note")
        assert item["logic"] in ("all", "any", None)
        for c in item["constraints"]:
            assert set(c) == {"concept", "name", "op", "value", "unit", "span"}
            assert item["text"][c["span"][0] : c["span"][1]]
    by_id = {item["id"]: item for item in data["criteria"]}
    assert by_id["inc-1"]["constraints"][0] == {
        "concept": "age",
        "name": "age",
        "op": ">=",
        "value": 18,
        "unit": "year",
        "span": [5, 22],
    }
    assert by_id["inc-2"]["logic"] == "any"


def test_criteria_readable_list(seed_trial):
    out, _ = run("criteria", "nct04521231")
    assert "inc-1: Aged 18 years or older" in out
    assert "Q: Are you 18 years or older?" in out
    assert "(definition for inc-2.2)" in out


def test_criteria_of_a_trial_without_text_says_so(db):
    Trial.objects.create(nct_id="NCT00000001", title="x", record={}, content_hash="x")
    out, err = run("criteria", "NCT00000001", "--json")
    assert json.loads(out) == {"nct_id": "NCT00000001", "criteria": []}
    assert "No criteria text" in err


def test_unknown_trial_exits_1(db):
    with pytest.raises(CommandError) as info:
        run("criteria", "NCT99999999")
    assert info.value.returncode == 1
    assert "NCT99999999" in str(info.value)
    with pytest.raises(CommandError) as info:
        run("screen", "NCT99999999", "--answers", str(SEED_FIXTURE))
    assert info.value.returncode == 1


def _answers(tmp_path, data):
    path = tmp_path / "answers.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return str(path)


def test_screen_json_contract(seed_trial, tmp_path):
    path = _answers(tmp_path, {"inc-1": "yes", "exc-3": "yes", "inc-3": "not_sure"})
    out, _ = run("screen", "NCT04521231", "--answers", path, "--json")
    data = json.loads(out)
    assert set(data) == {"nct_id", "verdict", "explanation", "criteria"}
    assert data["verdict"] == "likely_not_eligible"
    assert "because exc-3" in data["explanation"]
    by_id = {c["id"]: c for c in data["criteria"]}
    assert set(by_id["inc-1"]) == {"id", "verdict", "reason"}
    assert by_id["inc-1"]["verdict"] == "met"
    assert by_id["exc-3"]["verdict"] == "not_met"
    assert by_id["inc-3"]["verdict"] == "unknown"
    assert by_id["inc-d1"]["verdict"] == "not_applicable"


def test_screen_readable(seed_trial, tmp_path):
    out, _ = run("screen", "NCT04521231", "--answers", _answers(tmp_path, {"inc-1": "no"}))
    assert out.startswith("NCT04521231: likely_not_eligible")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"inc-42": "yes", "inc-1": "yes"}, "unknown criterion ids: inc-42"),
        ({"inc-1": "maybe"}, "inc-1='maybe'"),
        ({"inc-1": "Yes"}, "inc-1='Yes'"),
        ('["inc-1"]', "must be a JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_answers_exit_2_with_a_clear_message(seed_trial, tmp_path, content, message):
    with pytest.raises(CommandError) as info:
        run("screen", "NCT04521231", "--answers", _answers(tmp_path, content))
    assert info.value.returncode == 2
    assert message in str(info.value)


def test_missing_answers_file_exits_2(seed_trial, tmp_path):
    with pytest.raises(CommandError) as info:
        run("screen", "NCT04521231", "--answers", str(tmp_path / "nope.json"))
    assert info.value.returncode == 2
    assert "not found" in str(info.value)
