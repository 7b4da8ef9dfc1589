"""``trialmatch rank``: rank a TrialGPT-format corpus for each patient, write a TREC run file."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.corpus import InputError, load_corpus, load_queries, write_run
from matching.embeddings import ModelError, add_model_option, corpus_encoder
from matching.rerank import EligibilityReranker
from matching.retrieval import Bm25Baseline, Ranker, Settings, TrialRetriever, rank_queries

MAX_TOP = 100_000


class Command(BaseCommand):
    help = (
        "Rank every trial of CORPUS (TrialGPT JSONL) for each patient of QUERIES and write a TREC "
        "run file (qid Q0 docid rank score tag). No database is used. Exits 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True, help="corpus JSONL: _id, title, text, ...")
        parser.add_argument("--queries", required=True, help="queries JSONL: _id, text")
        parser.add_argument("--out", required=True, help="run file to write")
        parser.add_argument("--top", type=int, default=100, help="trials per query (default 100)")
        parser.add_argument(
            "--method",
            choices=("system", "retrieval", "lexical", "bm25"),
            default="system",
            help="system (retrieval reranked by eligibility screening), retrieval (words + "
            "embeddings when installed), lexical (words only), bm25 baseline",
        )
        parser.add_argument("--tag", default=None, help="run tag (default: the method)")
        add_model_option(parser)

    def handle(self, *args, corpus, queries, out, top, method, tag, model, **options):
        if not 1 <= top <= MAX_TOP:
            raise CommandError(f"--top must be between 1 and {MAX_TOP}", returncode=2)
        if tag is not None and (not tag or any(c.isspace() for c in tag)):
            raise CommandError("--tag must be one word", returncode=2)
        started = time.perf_counter()
        try:
            trials = load_corpus(corpus)
            patients = load_queries(queries)
            if not Path(out).parent.is_dir():
                raise InputError(f"{out}: folder {Path(out).parent} does not exist")
            ranker = self._ranker(method, trials, model)
            rankings = rank_queries(ranker, patients)
            write_run(out, rankings, top, tag or method)
        except InputError as error:
            raise CommandError(str(error), returncode=2) from None
        except ModelError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{out}: cannot write ({error.strerror})", returncode=2) from None
        self.stderr.write(
            f"Ranked {len(trials)} trials for {len(patients)} queries ({method}) in "
            f"{time.perf_counter() - started:.1f} s; wrote {out}"
        )

    def _ranker(self, method: str, trials: list, model: str) -> Ranker:
        if method == "bm25":
            return Bm25Baseline(trials)
        encoder = None
        if method in ("system", "retrieval"):
            cache = Path(settings.HOME) / "cache" / "embeddings"
            encoder = corpus_encoder(cache, len(trials), model, self.stderr.write)
        retriever = TrialRetriever(trials, Settings(), encoder)
        if method == "system":
            return EligibilityReranker(retriever, trials)
        return retriever
