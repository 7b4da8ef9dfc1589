"""Entity recognition quality and speed on the held-out Chia trials.

    .venv/bin/python benchmarks/eligibility_eval.py [--chia DIR] [--limit N]

Corpus: ``../shared/data/chia/chia_without_scope`` beside the project root (Chia, Kury et al.
2020, CC BY 4.0); the script says so and exits 0 when it is absent.

Split: by trial, fixed and deterministic (``eligibility.entities.corpus.split_of``): the first
eight hex digits of SHA-256 of the NCT id modulo 10 put buckets 0-1 (about 20 %) in the held-out
set scored here, bucket 2 in a development set used for all tuning, the rest in training. The
held-out trials are never trained or tuned on.

Metric: lenient matching over Condition, Drug, Procedure, Measurement, Value, Temporal and
Person. A predicted entity is correct when it overlaps (shares a character with) a gold entity of
the same type; precision = matched predictions / predictions (TP_pred / pred), recall = gold
entities overlapped by a prediction of their type / gold entities (TP_gold / gold), F1 their
harmonic mean; micro pools the counts of all seven types. Speed is wall time of ``extract`` per
trial (inclusion + exclusion text), model loading excluded.

Retraining: ``.venv/bin/python -m eligibility.entities.train`` reads the training and
development trials from the same folder and rewrites ``eligibility/entities/data/model.crfsuite``
and ``lexicon.json``; ``--tune`` trains on training only and scores the development set.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from eligibility.entities.corpus import HELD_OUT, load_corpus, trials_in  # noqa: E402
from eligibility.entities.scoring import Score  # noqa: E402
from eligibility.entities.tagger import ModelMissingError, default_tagger  # noqa: E402

DEFAULT_CHIA = PROJECT_ROOT.parent / "shared" / "data" / "chia" / "chia_without_scope"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chia", type=Path, default=DEFAULT_CHIA, help="Chia brat folder")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N trials")
    args = parser.parse_args(argv)
    if not args.chia.is_dir() or not any(args.chia.glob("*.txt")):
        print(f"Chia corpus not found at {args.chia}; nothing to evaluate.")
        return 0
    trials = trials_in(args.chia, HELD_OUT)
    if args.limit > 0:
        trials = trials[: args.limit]
    documents = load_corpus(args.chia, trials)
    try:
        tagger = default_tagger()
    except ModelMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    predictions = [tagger.extract(d.text) for d in documents]
    elapsed = time.perf_counter() - started
    score = Score()
    for document, predicted in zip(documents, predictions, strict=True):
        score.add(predicted, document.annotations)
    print(f"held-out: {len(trials)} trials, {len(documents)} texts (lenient match)")
    print(score.table())
    print(f"speed: {1000 * elapsed / max(len(trials), 1):.1f} ms per trial")
    return 0


if __name__ == "__main__":
    sys.exit(main())
