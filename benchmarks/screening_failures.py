"""How often screening rules TREC 2021 patients out of real trials, and on which lines.

    .venv/bin/python benchmarks/screening_failures.py [--trials N] [--seed S] [--show N]

Every TREC 2021 topic (a long admission note) is read into a profile and screened against N
trials drawn (with ``--seed``) from the shared ClinicalTrials.gov records. A failure is a
top-level or nested criterion the engine marks "not met": a failed inclusion or a met exclusion.
TREC's "excluded" means exactly that, so a failure the line does not support costs an eligible
patient their trial. No judgments exist for these pairs: the figures are a count to compare
between versions of the engine, and ``--show`` prints failures for a person to read (age and
healthy-volunteer lines, nearly always right, left out of the sample).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eligibility import evaluate
from matching.screening import parsed, profile_of

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ROUTINE = ("match age", "good health")


def load_trials(path: Path) -> list[tuple[str, str]]:
    trials = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            study = json.loads(line)["protocolSection"]
            criteria = study.get("eligibilityModule", {}).get("eligibilityCriteria")
            if criteria:
                trials.append((study["identificationModule"]["nctId"], criteria))
    return trials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=120, help="trials drawn (default 120)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draw (default 1)")
    parser.add_argument("--show", type=int, default=0, help="failures to print for reading")
    args = parser.parse_args(argv)
    topics_file = DATA / "trialgpt" / "trec_2021" / "queries.jsonl"
    studies_file = DATA / "ctgov" / "v2" / "studies.jsonl"
    if not topics_file.is_file() or not studies_file.is_file():
        print(f"shared data not found under {DATA}; nothing to measure")
        return 0
    topics = [json.loads(line) for line in topics_file.read_text(encoding="utf-8").splitlines()]
    trials = load_trials(studies_file)
    trials = random.Random(args.seed).sample(trials, min(args.trials, len(trials)))
    started = time.perf_counter()
    failures = []
    for topic in topics:
        facts = profile_of(topic["text"]).to_facts()
        for nct_id, text in trials:
            criteria = parsed(text)
            for outcome in evaluate(criteria, facts=facts).criteria:
                if outcome.verdict == "not_met":
                    item = criteria.get(outcome.id)
                    failures.append((topic["_id"], nct_id, item, outcome.reason))
    seconds = time.perf_counter() - started
    pairs = len(topics) * len(trials)
    ruled_out = len({(t, n) for t, n, item, _ in failures if item.parent is None})
    print(
        f"{len(topics)} topics x {len(trials)} trials = {pairs} pairs in {seconds:.1f} s: "
        f"{len(failures)} failed lines, {ruled_out} pairs ruled out"
    )
    reasons = Counter(reason.split(";")[0] for *_, reason in failures)
    print("most frequent reasons:")
    for reason, count in reasons.most_common(15):
        print(f"  {count:>5}  {reason}")
    if args.show:
        unusual = [f for f in failures if not any(r in f[3] for r in ROUTINE)]
        for topic_id, nct_id, item, reason in random.Random(args.seed).sample(
            unusual, min(args.show, len(unusual))
        ):
            print(f"{topic_id} {nct_id} {item.id} {item.kind}: {item.text[:140]!r}\n    {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
