"""``trialmatch judge``: label (patient, trial) pairs as TREC Clinical Trials does, with a score."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.corpus import InputError, load_corpus, load_queries
from matching.embeddings import ModelError, add_model_option, corpus_encoder
from matching.rerank import EligibilityReranker, judge_pairs
from matching.retrieval import Settings, TrialRetriever

SHOWN = 5


def read_pairs(path: Path, query_ids: set[str], trial_ids: set[str]) -> list[tuple[str, str]]:
    """(query-id, corpus-id) pairs of a TSV file; a first line naming no known id is a header.

    Extra columns (a label, a score) are ignored; unknown ids are an error naming them.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    pairs: list[tuple[str, str, int]] = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                parts = [p.strip() for p in line.rstrip("\r\n").split("\t")]
                if len(parts) < 2:
                    parts = line.split()
                if len(parts) < 2 or not parts[0] or not parts[1]:
                    raise InputError(
                        f"{path}:{number}: expected 'query-id<TAB>corpus-id', got {line.strip()!r}"
                    )
                query_id, trial_id = parts[0], parts[1]
                if number == 1 and query_id not in query_ids and trial_id not in trial_ids:
                    continue
                pairs.append((query_id, trial_id, number))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if not pairs:
        raise InputError(f"{path}: no pairs in the file")
    for kind, known, position in (("query", query_ids, 0), ("corpus", trial_ids, 1)):
        unknown = [(str(p[position]), p[2]) for p in pairs if p[position] not in known]
        if unknown:
            names = list(dict.fromkeys(name for name, _ in unknown))
            listed = ", ".join(names[:SHOWN]) + (
                f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
            )
            raise InputError(
                f"{path}:{unknown[0][1]}: unknown {kind} id{'s' if len(names) > 1 else ''} {listed}"
            )
    return [(q, t) for q, t, _ in pairs]


class Command(BaseCommand):
    help = (
        "Judge each (query-id, corpus-id) pair of PAIRS as TREC Clinical Trials does (2 eligible, "
        "1 excluded, 0 not relevant) and write 'qid<TAB>docid<TAB>label<TAB>score' lines, score "
        "being the confidence that the patient is eligible (0..1). Exits 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True, help="corpus JSONL: _id, title, text, ...")
        parser.add_argument("--queries", required=True, help="queries JSONL: _id, text")
        parser.add_argument(
            "--pairs", required=True, help="TSV: query-id, corpus-id (header and extra columns ok)"
        )
        parser.add_argument("--out", required=True, help="TSV file to write")
        add_model_option(parser)

    def handle(self, *args, corpus, queries, pairs, out, model, **options):
        started = time.perf_counter()
        try:
            trials = load_corpus(corpus)
            patients = load_queries(queries)
            notes = {q.query_id: q.text for q in patients}
            wanted = read_pairs(Path(pairs), set(notes), {t.trial_id for t in trials})
            if not Path(out).parent.is_dir():
                raise InputError(f"{out}: folder {Path(out).parent} does not exist")
        except InputError as error:
            raise CommandError(str(error), returncode=2) from None
        cache = Path(settings.HOME) / "cache" / "embeddings"
        encoder = corpus_encoder(cache, len(trials), model, self.stderr.write)
        try:
            reranker = EligibilityReranker(TrialRetriever(trials, Settings(), encoder), trials)
            judged = judge_pairs(reranker, notes, wanted)
        except ModelError as error:
            raise CommandError(str(error)) from None
        try:
            with Path(out).open("w", encoding="utf-8") as handle:
                handle.writelines(
                    f"{j.query_id}\t{j.trial_id}\t{j.label}\t{j.score:.6f}\n" for j in judged
                )
        except OSError as error:
            raise CommandError(f"{out}: cannot write ({error.strerror})", returncode=2) from None
        self.stderr.write(
            f"Judged {len(judged)} pairs in {time.perf_counter() - started:.1f} s; wrote {out}"
        )
