"""Importing a trial brings the similar-trial lists of it and its neighbours up to date."""

import json

import pytest
from django.core.management import call_command

from matching import similar
from matching.models import SimilarTrial
from trials.models import Trial

pytestmark = pytest.mark.django_db


def study(nct_id: str, title: str, condition: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {"overallStatus": "RECRUITING"},
            "conditionsModule": {"conditions": [condition]},
        }
    }


def write_jsonl(path, studies):
    path.write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    return str(path)


def similar_ids(nct_id: str) -> list[str]:
    trial = Trial.objects.get(nct_id=nct_id)
    return [
        row.similar.nct_id for row in SimilarTrial.objects.filter(trial=trial).exclude(similar=None)
    ]


def test_a_new_trial_appears_on_its_neighbours_lists(tmp_path, capsys):
    first = [
        study("NCT00000001", "Pembrolizumab in NSCLC", "Non-small Cell Lung Cancer"),
        study("NCT00000002", "Insulin pump study", "Type 1 Diabetes"),
    ]
    call_command("import", write_jsonl(tmp_path / "a.jsonl", first))
    assert similar_ids("NCT00000001") == []

    later = [study("NCT00000003", "Nivolumab in NSCLC", "Non-small Cell Lung Cancer")]
    call_command("import", write_jsonl(tmp_path / "b.jsonl", later))

    assert similar_ids("NCT00000001") == ["NCT00000003"]
    assert similar_ids("NCT00000003") == ["NCT00000001"]
    assert "similar --all" not in capsys.readouterr().err


def test_a_big_import_asks_for_a_full_recompute(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(similar, "REFRESH_AFTER_IMPORT_LIMIT", 1)
    studies = [
        study("NCT00000001", "Pembrolizumab in NSCLC", "Non-small Cell Lung Cancer"),
        study("NCT00000003", "Nivolumab in NSCLC", "Non-small Cell Lung Cancer"),
    ]
    call_command("import", write_jsonl(tmp_path / "a.jsonl", studies))

    assert "run `trialmatch similar --all`" in capsys.readouterr().err
    assert not SimilarTrial.objects.exists()
