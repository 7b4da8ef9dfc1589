"""Train the entity tagger on Chia and write the models the package ships.

    python -m eligibility.entities.train                 # training + development -> data/
    python -m eligibility.entities.train --tune          # training only, scored on development
    python -m eligibility.entities.clusters              # rebuild the word clusters first

Two models are written: the CRF alone (``model.crfsuite.xz``), which runs anywhere, and the CRF
fed by the MiniLM encoder's head (``model-encoder.crfsuite.xz`` and ``head.npz.xz``), trained
only when torch and transformers are installed (the ``embeddings`` extra): 15-20 minutes on two
shared CPU cores, against 4 for the CRF alone (``--no-encoder``). Both share the line filter,
the lexicon and the word clusters. Training without the encoder removes encoder files left in
the output folder, since they would no longer match the lexicon.

The held-out trials (see ``eligibility.entities.corpus.split_of``) are never read here. The
lexicon features and the head's label probabilities of the training texts come from models fitted
on the other folds of the training set, so the CRF learns how far each can be trusted on text
they have not seen annotated.
"""

from __future__ import annotations

import argparse
import lzma
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pycrfsuite

from eligibility.entities import encoder
from eligibility.entities.base import ENTITY_TYPES
from eligibility.entities.brat import Annotation
from eligibility.entities.clusters import CLUSTERS_FILE, Clusters, dump_clusters, parse_clusters
from eligibility.entities.corpus import (
    DEVELOPMENT,
    TRAINING,
    Document,
    bio_labels,
    load_corpus,
    trials_in,
)
from eligibility.entities.features import (
    Lexicon,
    build_lexicon,
    dump_lexicon,
    line_features,
    phrase_key,
    sentence_features,
)
from eligibility.entities.scoring import Score
from eligibility.entities.tagger import (
    DATA_DIR,
    ENCODER_MODEL_FILE,
    HEAD_FILE,
    KEEP,
    LEXICON_FILE,
    LINES_FILE,
    MODEL_FILE,
    SKIP,
    Tagger,
    with_head,
)
from eligibility.entities.tokens import Token, tokenize_lines

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHIA = PROJECT_ROOT.parent / "shared" / "data" / "chia" / "chia_without_scope"
FOLDS = 5

TRAINING_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.1,
    "c2": 0.1,
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


#: Every BIO label the CRF can emit, in the head's output order.
LABELS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")))


def train(
    documents: Sequence[Document],
    out_dir: Path,
    clusters: Clusters,
    verbose: bool = False,
    params: dict[str, float | int | bool] | None = None,
    token_encoder: encoder.TokenEncoder | None = None,
) -> None:
    """Fit the line filter and the CRF on ``documents``; write the model files to out_dir.

    Lines without any entity are mostly criteria Chia chose not to annotate (consent,
    contraception, compliance); the line filter learns to recognise them. With
    ``token_encoder`` the encoder model is trained as well.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = pycrfsuite.Trainer(verbose=verbose)
    for document in documents:
        for tokens, marked in _lines(document):
            lines.append([line_features(tokens)], [KEEP if marked else SKIP])
    lines.set_params(LINE_PARAMS)
    _fit(lines, out_dir / LINES_FILE)
    # Per line: its fold, word features (from the lexicon of the other folds) and BIO labels.
    examples: list[tuple[int, list[list[str]], list[str]]] = []
    for fold in range(FOLDS):
        lexicon = lexicon_of([d for d in documents if _fold(d) != fold])
        for document in (d for d in documents if _fold(d) == fold):
            for tokens, marked in _lines(document):
                features = sentence_features(tokens, lexicon, clusters)
                examples.append((fold, features, bio_labels(tokens, marked)))
    settings = {**TRAINING_PARAMS, **(params or {})}
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for _, features, labels in examples:
        trainer.append(features, labels)
    trainer.set_params(settings)
    _fit(trainer, out_dir / MODEL_FILE)
    (out_dir / LEXICON_FILE).write_bytes(_compress(dump_lexicon(lexicon_of(documents))))
    if (out_dir / CLUSTERS_FILE).resolve() != (DATA_DIR / CLUSTERS_FILE).resolve():
        (out_dir / CLUSTERS_FILE).write_bytes(dump_clusters(clusters))
    if token_encoder is None:
        for name in (ENCODER_MODEL_FILE, HEAD_FILE):
            (out_dir / name).unlink(missing_ok=True)
        return
    _train_with_encoder(documents, out_dir, examples, token_encoder, verbose, settings)


def _train_with_encoder(
    documents: Sequence[Document],
    out_dir: Path,
    examples: list[tuple[int, list[list[str]], list[str]]],
    token_encoder: encoder.TokenEncoder,
    verbose: bool,
    settings: dict[str, float | int | bool],
) -> None:
    """The head's probabilities for each fold come from a head fitted on the other folds."""
    by_fold = {fold: [d for d in documents if _fold(d) == fold] for fold in range(FOLDS)}
    vectors = [
        v
        for fold in range(FOLDS)
        for document in by_fold[fold]
        for v in token_encoder.encode(document.text, [t for t, _ in _lines(document)])
    ]
    folds = np.array([fold for fold, _, line in examples for _ in line])
    stacked = np.concatenate(vectors)
    labels = np.array([label for _, _, line in examples for label in line])
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for fold in range(FOLDS):
        inside = folds == fold
        head = encoder.fit_head(stacked[~inside], labels[~inside].tolist(), LABELS)
        probabilities = iter(head.features(stacked[inside]))
        for line_fold, features, line_labels in examples:
            if line_fold == fold:
                line_head = [next(probabilities) for _ in line_labels]
                trainer.append(with_head(features, line_head), line_labels)
    trainer.set_params(settings)
    _fit(trainer, out_dir / ENCODER_MODEL_FILE)
    head = encoder.fit_head(stacked, labels.tolist(), LABELS)
    (out_dir / HEAD_FILE).write_bytes(_compress(encoder.dump_head(head)))


def _compress(data: bytes) -> bytes:
    return lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)


def _fit(trainer: pycrfsuite.Trainer, target: Path) -> None:
    """Train into a scratch file and store it xz-compressed (a third of the size)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "model.crfsuite"
        trainer.train(str(scratch))
        target.write_bytes(_compress(scratch.read_bytes()))


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
    parser.add_argument("--keep", type=Path, help="with --tune, keep the model in this folder")
    parser.add_argument("--c1", type=float, help="L1 penalty of the CRF")
    parser.add_argument("--c2", type=float, help="L2 penalty of the CRF")
    parser.add_argument("--iterations", type=int, help="L-BFGS iterations of the CRF")
    parser.add_argument(
        "--no-encoder", action="store_true", help="train the CRF alone, even if torch is installed"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.chia.is_dir() or not any(args.chia.glob("*.txt")):
        print(f"error: no Chia texts in {args.chia}", file=sys.stderr)
        return 2
    clusters_path = DATA_DIR / CLUSTERS_FILE
    if not clusters_path.is_file():
        print(
            f"error: no word clusters at {clusters_path}; "
            "build them with 'python -m eligibility.entities.clusters'",
            file=sys.stderr,
        )
        return 2
    clusters = parse_clusters(lzma.decompress(clusters_path.read_bytes()))
    params: dict[str, float | int | bool] = {}
    for name in ("c1", "c2"):
        value = getattr(args, name)
        if value is not None:
            if value < 0:
                parser.error(f"--{name} must be zero or more")
            params[name] = value
    if args.iterations is not None:
        if args.iterations < 1:
            parser.error("--iterations must be 1 or more")
        params["max_iterations"] = args.iterations
    token_encoder = None
    if not args.no_encoder:
        if encoder.available():
            token_encoder = encoder.TokenEncoder()
        else:
            print("torch or transformers is not installed: training the CRF alone")
    sides = [TRAINING] if args.tune else [TRAINING, DEVELOPMENT]
    documents = load_corpus(args.chia, [t for side in sides for t in trials_in(args.chia, side)])
    started = time.perf_counter()
    if not args.tune:
        train(documents, args.out, clusters, args.verbose, params, token_encoder)
        print(f"trained on {len(documents)} texts in {time.perf_counter() - started:.0f} s")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        target = args.keep or Path(tmp)
        train(documents, target, clusters, args.verbose, params, token_encoder)
        print(f"trained on {len(documents)} texts in {time.perf_counter() - started:.0f} s")
        development = load_corpus(args.chia, trials_in(args.chia, DEVELOPMENT))
        for use_encoder in (False, True) if token_encoder else (False,):
            tagger = Tagger(target, use_encoder=use_encoder)
            score, ms = evaluate(tagger, development)
            print(f"development, {tagger.model}:")
            print(score.table())
            print(f"{ms:.1f} ms per text")
        size = sum(p.stat().st_size for p in target.iterdir())
        print(f"model files {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
