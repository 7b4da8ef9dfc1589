"""Train the entity tagger on Chia and write the model the package ships.

    python -m eligibility.entities.train                 # training + development -> data/
    python -m eligibility.entities.train --tune          # training only, scored on development

The held-out trials (see ``eligibility.entities.corpus.split_of``) are never read here. The
lexicon features of the training texts come from the other folds of the training set, so the
CRF learns how far a lexicon match can be trusted on words it has not seen annotated.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pycrfsuite

from eligibility.entities.base import ENTITY_TYPES
from eligibility.entities.brat import Annotation
from eligibility.entities.corpus import (
    DEVELOPMENT,
    TRAINING,
    Document,
    bio_labels,
    load_corpus,
    split_of,
)
from eligibility.entities.features import (
    Lexicon,
    build_lexicon,
    phrase_key,
    save_lexicon,
    line_features,
    sentence_features,
)
from eligibility.entities.scoring import Score
from eligibility.entities.tagger import (
    DATA_DIR,
    KEEP,
    LEXICON_PATH,
    LINES_PATH,
    MODEL_PATH,
    SKIP,
    Tagger,
)
from eligibility.entities.tokens import Token, tokenize_lines

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHIA = PROJECT_ROOT.parent / "shared" / "data" / "chia" / "chia_without_scope"
FOLDS = 5

TRAINING_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}
LINE_PARAMS: dict[str, float | int | bool] = {"c1": 0.1, "c2": 0.1, "max_iterations": 200}


def _lines(document: Document) -> Iterator[tuple[list[Token], list[Annotation]]]:
    annotations = [a for a in document.annotations if a.type in ENTITY_TYPES]
    for tokens in tokenize_lines(document.text):
        start, end = tokens[0].start, tokens[-1].end
        yield tokens, [a for a in annotations if a.overlaps(start, end)]


def _phrases(documents: Sequence[Document]) -> Iterator[tuple[str, str]]:
    for document in documents:
        for annotation in document.annotations:
            if annotation.type in ENTITY_TYPES and len(annotation.spans) == 1:
                words = [t.text for line in tokenize_lines(annotation.text) for t in line]
                if words:
                    yield phrase_key(words), annotation.type


def lexicon_of(documents: Sequence[Document]) -> Lexicon:
    lines = ([t.text for t in tokens] for d in documents for tokens in tokenize_lines(d.text))
    return build_lexicon(_phrases(documents), lines)


def _fold(document: Document) -> int:
    return int(document.trial[3:]) % FOLDS


def train(documents: Sequence[Document], out_dir: Path, verbose: bool = False) -> None:
    """Fit the line filter and the CRF on ``documents``; write the model files to out_dir.

    Lines without any entity are criteria Chia chose not to annotate: they teach the line
    filter, and are kept out of the CRF so that they do not teach it to miss real entities.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = pycrfsuite.Trainer(verbose=verbose)
    for document in documents:
        for tokens, annotations in _lines(document):
            lines.append([line_features(tokens)], [KEEP if annotations else SKIP])
    lines.set_params(LINE_PARAMS)
    lines.train(str(out_dir / LINES_PATH.name))
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for fold in range(FOLDS):
        lexicon = lexicon_of([d for d in documents if _fold(d) != fold])
        for document in (d for d in documents if _fold(d) == fold):
            for tokens, annotations in _lines(document):
                if annotations:
                    trainer.append(
                        sentence_features(tokens, lexicon), bio_labels(tokens, annotations)
                    )
    trainer.set_params(TRAINING_PARAMS)
    trainer.train(str(out_dir / MODEL_PATH.name))
    save_lexicon(lexicon_of(documents), out_dir / LEXICON_PATH.name)


def evaluate(tagger: Tagger, documents: Sequence[Document]) -> tuple[Score, float]:
    """Lenient scores and milliseconds per document."""
    score = Score()
    started = time.perf_counter()
    predictions = [tagger.extract(d.text) for d in documents]
    elapsed = time.perf_counter() - started
    for document, predicted in zip(documents, predictions, strict=True):
        score.add(predicted, document.annotations)
    return score, 1000 * elapsed / max(len(documents), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eligibility.entities.train")
    parser.add_argument("--chia", type=Path, default=DEFAULT_CHIA, help="Chia folder")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where the model goes")
    parser.add_argument(
        "--tune", action="store_true", help="train on training only and score development"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.chia.is_dir() or not any(args.chia.glob("*.txt")):
        print(f"error: no Chia texts in {args.chia}", file=sys.stderr)
        return 2
    corpus = load_corpus(args.chia)
    sides = {TRAINING} if args.tune else {TRAINING, DEVELOPMENT}
    documents = [d for d in corpus if split_of(d.trial) in sides]
    started = time.perf_counter()
    if not args.tune:
        train(documents, args.out, args.verbose)
        print(f"trained on {len(documents)} texts in {time.perf_counter() - started:.0f} s")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        train(documents, Path(tmp), args.verbose)
        print(f"trained on {len(documents)} texts in {time.perf_counter() - started:.0f} s")
        tagger = Tagger(
            Path(tmp) / MODEL_PATH.name,
            Path(tmp) / LEXICON_PATH.name,
            Path(tmp) / LINES_PATH.name,
        )
        development = [d for d in corpus if split_of(d.trial) == DEVELOPMENT]
        score, ms = evaluate(tagger, development)
        print(score.table())
        print(f"{ms:.1f} ms per text; model {(Path(tmp) / MODEL_PATH.name).stat().st_size} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
