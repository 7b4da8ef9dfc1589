"""Real criteria judged from patient facts: one row per criterion and person.

Rows live in ``data/fact_rows.json`` as ``[source id, kind, criterion text, facts, verdict]``;
the strings come from the shared ClinicalTrials.gov records, the SIGIR trial corpus and the Chia
corpus. They pin the readings that used to rule people out for the wrong reason: a sex word
joined to the condition by "and/or", a sex word with a qualifier the engine cannot check,
gestational age or age at onset read as the person's age, lines written for one sex only,
explicit denials, counts of prior lines of therapy, the age subgroups of a range, "causes of" a
condition, a planned pregnancy, "healthy volunteers" against someone with an active condition, a
condition named inside a longer one ("left atrial hypertension") or as one kind or severity of
it ("idiopathic osteoporosis", "uncontrolled hypertension"), an "acute" event that is over,
lines saying what is not an exclusion or who may be enrolled, and the negative pregnancy test
an exclusion asks of participants.
"""

import json
from pathlib import Path

import pytest

import eligibility

ROWS = json.loads((Path(__file__).parent / "data" / "fact_rows.json").read_text("utf-8"))
HEADINGS = {"inclusion": "Inclusion Criteria:", "exclusion": "Exclusion Criteria:"}


@pytest.mark.parametrize(
    ("kind", "text", "facts", "expected"),
    [row[1:] for row in ROWS],
    ids=[f"{row[0]}-{i}" for i, row in enumerate(ROWS)],
)
def test_verdict_of_real_criterion(kind, text, facts, expected):
    parsed = eligibility.parse_criteria(f"{HEADINGS[kind]}\n\n* {text}")
    item = parsed.top_level()[0]
    assert item.kind == kind
    verdict = eligibility.evaluate(parsed, facts=facts).get(item.id)
    assert verdict.verdict == expected, verdict.reason


def test_a_line_for_the_other_sex_never_decides_the_trial():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Age ≥18 years\n"
        "* female patients have adequate birth-control method"
    )
    verdict = eligibility.evaluate(parsed, facts={"sex": "male", "age": 50})
    assert verdict.verdict == "likely_eligible"
    assert "female participants only" in verdict.get("inc-2").reason
