"""``trialmatch synth --n N --out FILE``: synthetic trials for load tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctgov.synth import MAX_COUNT, SynthError, load_studies, write_jsonl

DEFAULT_SOURCE = settings.BASE_DIR.parent / "shared" / "data" / "ctgov" / "v2" / "studies.jsonl"


class Command(BaseCommand):
    help = (
        "Write N realistic synthetic trials as API v2 JSON Lines, recombined from real "
        f"studies; ids start at NCT90000000. Default source: {DEFAULT_SOURCE}"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--n", type=int, required=True, help="how many trials")
        parser.add_argument("--out", required=True, help="the JSON Lines file to write")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same trials")
        parser.add_argument(
            "--source", default=str(DEFAULT_SOURCE), help="real API v2 studies, JSON Lines"
        )

    def handle(self, *args: Any, n: int, out: str, seed: int, source: str, **options: Any) -> None:
        if not 1 <= n <= MAX_COUNT:
            raise CommandError(f"--n must be between 1 and {MAX_COUNT:,}")
        out_path = Path(out)
        if not out_path.parent.is_dir():
            raise CommandError(f"folder not found for --out: {out_path.parent}")
        try:
            studies = load_studies(source)
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        partial = out_path.with_name(out_path.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as stream:
                count = write_jsonl(studies, n, stream, seed=seed)
            os.replace(partial, out_path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {out_path}: {exc}") from exc
        self.stdout.write(f"wrote {count:,} trials to {out_path}")
