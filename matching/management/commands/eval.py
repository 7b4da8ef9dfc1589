"""``trialmatch eval``: NDCG@10, P@10, P@10 of eligible trials, MRR and Recall@100 of a run."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.corpus import InputError, load_corpus, load_qrels, load_run
from matching.evaluation import MEASURE_NAMES, evaluate, restrict_qrels

LABELS = {
    "ndcg@10": "NDCG@10",
    "p@10": "P@10 (relevant)",
    "p@10_eligible": "P@10 (eligible)",
    "mrr": "MRR",
    "recall@100": "Recall@100",
}


class Command(BaseCommand):
    help = (
        "Score a TREC run file against judgments (query-id corpus-id score; 2 eligible, "
        "1 excluded, 0 not relevant) with trec_eval's measures. Exits 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--qrels", required=True, help="judgments TSV (header line allowed)")
        parser.add_argument("--run", required=True, help="TREC run file")
        parser.add_argument("--json", action="store_true", help="print a JSON object")
        parser.add_argument(
            "--corpus",
            help="only count judgments of this corpus's trials (when it is a subset of the judged)",
        )

    def handle(self, *args, qrels, run, json: bool, corpus, **options):
        try:
            judgments = load_qrels(qrels)
            ranked = load_run(run)
            if corpus:
                judgments = restrict_qrels(judgments, (t.trial_id for t in load_corpus(corpus)))
        except InputError as error:
            raise CommandError(str(error), returncode=2) from None
        figures = evaluate(judgments, ranked)
        if not figures["queries"]:
            raise CommandError(
                f"{qrels}: no query has a relevant judgment to measure against", returncode=2
            )
        if json:
            self.stdout.write(_dumps(figures))
            return
        self.stdout.write(f"{'queries':<18}{int(figures['queries'])}")
        for name in MEASURE_NAMES:
            self.stdout.write(f"{LABELS[name]:<18}{figures[name]:.4f}")


def _dumps(figures: dict[str, float]) -> str:
    ordered: dict[str, float] = {"queries": int(figures["queries"])}
    ordered.update({name: round(figures[name], 4) for name in MEASURE_NAMES})
    return json.dumps(ordered)
