"""The Chia corpus: documents, the fixed held-out split, and BIO labels for training.

The split is by trial so that a trial's inclusion and exclusion texts fall on the same side:
the first eight hex digits of SHA-256 of the NCT id, taken modulo 10, put buckets 0 and 1
(about 20 %) in the held-out set, bucket 2 (about 10 %) in the development set used for tuning,
and the rest in the training set. The shipped model is trained on training + development.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from eligibility.entities.brat import Annotation, read_ann, read_text
from eligibility.entities.tokens import Token

HELD_OUT = "held-out"
DEVELOPMENT = "development"
TRAINING = "training"


@dataclass(frozen=True, slots=True)
class Document:
    """One Chia criteria file (``NCTxxxxxxxx_inc`` or ``_exc``) and its gold entities."""

    name: str
    text: str
    annotations: tuple[Annotation, ...]

    @property
    def trial(self) -> str:
        return self.name.split("_", 1)[0]


def trials_in(directory: Path, side: str) -> list[str]:
    """The NCT ids of a Chia folder that fall on one side of the split, sorted."""
    trials = {p.stem.split("_", 1)[0] for p in directory.glob("*.txt")}
    return sorted(t for t in trials if split_of(t) == side)


def split_of(trial: str) -> str:
    """The fixed side of the split a trial falls on."""
    bucket = int(hashlib.sha256(trial.encode("utf-8")).hexdigest()[:8], 16) % 10
    if bucket < 2:
        return HELD_OUT
    if bucket == 2:
        return DEVELOPMENT
    return TRAINING


def load_corpus(directory: Path, trials: Collection[str] | None = None) -> list[Document]:
    """Every ``.txt`` with its ``.ann`` in a Chia folder (or those of ``trials``), by name."""
    wanted = None if trials is None else set(trials)
    documents = []
    for text_path in sorted(directory.glob("*.txt")):
        if wanted is not None and text_path.stem.split("_", 1)[0] not in wanted:
            continue
        ann_path = text_path.with_suffix(".ann")
        annotations = read_ann(ann_path) if ann_path.exists() else []
        documents.append(Document(text_path.stem, read_text(text_path), tuple(annotations)))
    return documents


def bio_labels(tokens: list[Token], annotations: list[Annotation]) -> list[str]:
    """BIO tags for one line, flattening Chia's nested and discontinuous spans.

    Each token takes the type of the shortest annotation with a fragment over it, so an
    entity nested inside another keeps its own type and the outer one keeps the rest.
    """
    chosen: list[Annotation | None] = []
    for token in tokens:
        covering = [a for a in annotations if a.overlaps(token.start, token.end)]
        chosen.append(min(covering, key=_length) if covering else None)
    labels = []
    for index, (token, annotation) in enumerate(zip(tokens, chosen, strict=True)):
        if annotation is None:
            labels.append("O")
            continue
        previous = chosen[index - 1] if index else None
        inside = (
            previous is not None
            and previous.type == annotation.type
            and (
                previous is annotation
                or annotation.overlaps(tokens[index - 1].start, tokens[index - 1].end)
                or previous.overlaps(token.start, token.end)
            )
        )
        labels.append(("I-" if inside else "B-") + annotation.type)
    return labels


def _length(annotation: Annotation) -> int:
    return sum(b - a for a, b in annotation.spans)
