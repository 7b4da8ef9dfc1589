"""Every shared trial parses into a well-formed tree (no exceptions, no dangling parents)."""

import glob
import json
import xml.etree.ElementTree as ET

import pytest

import eligibility
from tests.conftest import shared_path


def _texts():
    texts = []
    with shared_path("ctgov", "v2", "studies.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            study = json.loads(line)["protocolSection"]
            texts.append(study.get("eligibilityModule", {}).get("eligibilityCriteria", ""))
    for path in sorted(glob.glob(str(shared_path("ctgov", "legacy-xml") / "*.xml"))):
        node = ET.parse(path).getroot().find("eligibility/criteria/textblock")
        texts.append(node.text if node is not None and node.text else "")
    return texts


@pytest.fixture(scope="module")
def parses():
    return [(text, eligibility.parse_criteria(text)) for text in _texts()]


def test_all_shared_trials_parse_into_well_formed_items(parses):
    assert len(parses) >= 590
    for text, parsed in parses:
        ids = parsed.ids
        assert len(ids) == len(set(ids))
        known = set(ids)
        for item in parsed.items:
            assert item.parent is None or item.parent in known
            assert item.text.strip()
            if item.role == "criterion":
                assert item.question.endswith("?")
            for c in item.constraints:
                assert 0 <= c.span[0] < c.span[1] <= len(item.text)
        if text.strip():
            assert parsed.items or parsed.notes


def test_most_trials_split_into_both_kinds(parses):
    both = sum(
        1
        for _, p in parses
        if {i.kind for i in p.items if i.role == "criterion"} == {"inclusion", "exclusion"}
    )
    assert both / len(parses) > 0.9


def test_evaluate_runs_on_every_trial(parses):
    for _, parsed in parses:
        answers = {item.id: "yes" for item in parsed.items if item.asked}
        verdict = eligibility.evaluate(parsed, answers=answers)
        assert verdict.verdict in ("likely_eligible", "likely_not_eligible", "needs_review")
