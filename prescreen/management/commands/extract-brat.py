"""``trialmatch extract-brat IN_DIR OUT_DIR``: tag criteria texts, write brat ``.ann`` files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eligibility.entities import ModelMissingError, default_tagger, extract
from eligibility.entities.batch import FolderError, annotate_folder


class Command(BaseCommand):
    help = (
        "For every *.txt in IN_DIR, write a brat .ann file of the same name in OUT_DIR with the "
        "entities found (Chia's types and character offsets)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("in_dir", metavar="IN_DIR", help="folder of criteria .txt files")
        parser.add_argument("out_dir", metavar="OUT_DIR", help="folder for the .ann files")

    def handle(self, *args: Any, in_dir: str, out_dir: str, **options: Any) -> None:
        try:
            result = annotate_folder(Path(in_dir), Path(out_dir), extract)
        except (FolderError, ModelMissingError) as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(
            f"wrote {result.files} .ann file(s) with {result.entities} entities to {out_dir} "
            f"(model: {default_tagger().model})"
        )
