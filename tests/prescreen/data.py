"""The seed trial, read and imported like real data, plus two made-up trials that ask
the same shared facts (age, ECOG, pregnancy) in other words."""

from __future__ import annotations

import json

from ctgov.record import Eligibility, TrialRecord
from ctgov.sources import ReadItem, read_paths
from ctgov.v2 import parse_study
from tests.conftest import SEED_FIXTURE
from trials.models import ImportRun
from trials.services.importing import import_items

SEED_ID = "NCT04521231"
OLDER_ID = "NCT09100001"
YOUNGER_ID = "NCT09100002"

OLDER_CRITERIA = """Inclusion Criteria:

* Age 65 years or older
* ECOG performance status of 0 or 1

Exclusion Criteria:

* Pregnant
"""

YOUNGER_CRITERIA = """Inclusion Criteria:

* Age 16 years or older
* ECOG performance status 0-2

Exclusion Criteria:

* Known hypersensitivity to aspirin
"""


def seed_criteria() -> str:
    """The seed trial's criteria text as the catalogue stores it."""
    return parse_study(json.loads(SEED_FIXTURE.read_text())).eligibility.criteria


def _trial(nct_id: str, title: str, criteria: str) -> TrialRecord:
    return TrialRecord(
        nct_id=nct_id,
        brief_title=title,
        overall_status="RECRUITING",
        study_type="INTERVENTIONAL",
        eligibility=Eligibility(criteria=criteria, sex="ALL"),
    )


def load_trials() -> None:
    items = list(read_paths([SEED_FIXTURE]))
    items += [
        ReadItem(
            source="tests",
            location="older",
            record=_trial(OLDER_ID, "Older adults", OLDER_CRITERIA),
        ),
        ReadItem(
            source="tests", location="younger", record=_trial(YOUNGER_ID, "Teens", YOUNGER_CRITERIA)
        ),
    ]
    run = import_items(items, run=ImportRun())
    assert run.failed == 0, list(run.failures.values_list("reason", flat=True))
    assert run.imported == 3
