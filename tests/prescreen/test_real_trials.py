"""Real ClinicalTrials.gov records: every trial's pre-screener renders and takes answers."""

import re
from collections import Counter

from ctgov.sources import read_paths
from prescreen import engine
from tests.conftest import shared_path
from trials.models import ImportRun, Trial
from trials.services.importing import import_items

SAMPLE_EVERY = 10


def test_every_sampled_trial_asks_and_answers(client, db):
    items = list(read_paths([shared_path("ctgov", "v2", "studies.jsonl")]))[::SAMPLE_EVERY]
    run = import_items(items, run=ImportRun())
    assert run.failed == 0
    problems = []
    checked = 0
    for trial in Trial.objects.all():
        questions = engine.questions(engine.parse(trial.eligibility_criteria))
        html = client.get(f"/trials/{trial.nct_id}/prescreen/").content.decode()
        if not questions:
            continue
        checked += 1
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        duplicated = [i for i, n in ids.items() if n > 1]
        if html.count('<fieldset class="question"') != len(questions) or duplicated:
            problems.append((trial.nct_id, "page", duplicated))
        response = client.post(
            f"/trials/{trial.nct_id}/prescreen/answer/",
            {q.id: "not_sure" for q in questions},
            HTTP_HX_REQUEST="true",
        )
        if response.status_code != 200 or "need the study team" not in response.content.decode():
            problems.append((trial.nct_id, "answer", response.status_code))
    assert checked >= 40
    assert problems == []
