"""The CRF tagger: criteria text in, typed entity spans out."""

from __future__ import annotations

import threading
from pathlib import Path

import pycrfsuite

from eligibility.entities.base import Entity
from eligibility.entities.features import (
    Lexicon,
    line_features,
    load_lexicon,
    sentence_features,
)
from eligibility.entities.tokens import Token, tokenize_lines

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "model.crfsuite"
LEXICON_PATH = DATA_DIR / "lexicon.json"
LINES_PATH = DATA_DIR / "lines.crfsuite"

#: Chia leaves some criteria unannotated by design (consent, contraception, compliance,
#: criteria it cannot represent); a line the line filter gives at least this probability of
#: being such a criterion is not tagged.
SKIP_THRESHOLD = 0.5
SKIP = "skip"
KEEP = "keep"


class ModelMissingError(RuntimeError):
    """The shipped model files are not where the package expects them."""


class Tagger:
    """A loaded model and lexicon; one instance serves any number of texts."""

    def __init__(
        self,
        model_path: Path = MODEL_PATH,
        lexicon_path: Path = LEXICON_PATH,
        lines_path: Path = LINES_PATH,
        skip_threshold: float = SKIP_THRESHOLD,
    ) -> None:
        for path in (model_path, lexicon_path, lines_path):
            if not path.is_file():
                raise ModelMissingError(
                    f"entity model file {path} is missing; "
                    "retrain with 'python -m eligibility.entities.train'"
                )
        self.lexicon: Lexicon = load_lexicon(lexicon_path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._lines = pycrfsuite.Tagger()
        self._lines.open(str(lines_path))
        self.skip_threshold = skip_threshold
        self._lock = threading.Lock()

    def skip_probability(self, tokens: list[Token]) -> float:
        """How likely the line is a criterion of a kind Chia leaves without entities."""
        with self._lock:
            self._lines.set([line_features(tokens)])
            return float(self._lines.marginal(SKIP, 0))

    def tag_line(self, tokens: list[Token]) -> list[str]:
        if self.skip_probability(tokens) >= self.skip_threshold:
            return ["O"] * len(tokens)
        features = sentence_features(tokens, self.lexicon)
        with self._lock:
            return list(self._tagger.tag(features))

    def extract(self, text: str) -> list[Entity]:
        entities: list[Entity] = []
        for tokens in tokenize_lines(text):
            entities.extend(decode(text, tokens, self.tag_line(tokens)))
        return entities


def decode(text: str, tokens: list[Token], labels: list[str]) -> list[Entity]:
    """Entities from BIO labels; an ``I-`` that does not continue its type starts an entity."""
    entities: list[Entity] = []
    kind: str | None = None
    start = end = 0
    for token, label in zip(tokens, labels, strict=True):
        prefix, _, label_type = label.partition("-")
        if prefix == "I" and label_type == kind:
            end = token.end
            continue
        if kind is not None:
            entities.append(Entity(kind, start, end, text[start:end]))
            kind = None
        if prefix in ("B", "I"):
            kind, start, end = label_type, token.start, token.end
    if kind is not None:
        entities.append(Entity(kind, start, end, text[start:end]))
    return entities


_default: Tagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> Tagger:
    """The shipped model, loaded once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger()
    return _default
