"""The CRF tagger: criteria text in, typed entity spans out."""

from __future__ import annotations

import lzma
import threading
from pathlib import Path

import pycrfsuite

from eligibility.entities.base import Entity
from eligibility.entities.clusters import CLUSTERS_FILE, Clusters, parse_clusters
from eligibility.entities.features import (
    Lexicon,
    line_features,
    parse_lexicon,
    sentence_features,
)
from eligibility.entities.tokens import Token, tokenize_lines

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_FILE = "model.crfsuite.xz"
LINES_FILE = "lines.crfsuite.xz"
LEXICON_FILE = "lexicon.json.xz"

#: Chia leaves some criteria unannotated by design (consent, contraception, compliance,
#: criteria it cannot represent); a line the line filter gives at least this probability of
#: being such a criterion is not tagged.
SKIP_THRESHOLD = 0.5
SKIP = "skip"
KEEP = "keep"


class ModelMissingError(RuntimeError):
    """The shipped model files are not where the package expects them."""


def _read(path: Path) -> bytes:
    try:
        return lzma.decompress(path.read_bytes())
    except FileNotFoundError as error:
        raise ModelMissingError(
            f"entity model file {path} is missing; "
            "retrain with 'python -m eligibility.entities.train'"
        ) from error
    except lzma.LZMAError as error:
        raise ModelMissingError(f"entity model file {path} is damaged ({error})") from error


class _Crf:
    """A CRF model opened from memory; crfsuite reads the bytes in place, so they are kept."""

    def __init__(self, path: Path) -> None:
        self.data = _read(path)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(self.data)


class Tagger:
    """The token CRF, the line filter, the lexicon and the word clusters; one instance serves
    any number of texts."""

    def __init__(self, model_dir: Path = DATA_DIR, skip_threshold: float = SKIP_THRESHOLD) -> None:
        self.lexicon: Lexicon = parse_lexicon(_read(model_dir / LEXICON_FILE))
        self.clusters: Clusters = parse_clusters(_read(model_dir / CLUSTERS_FILE))
        self._model = _Crf(model_dir / MODEL_FILE)
        self._line_filter = _Crf(model_dir / LINES_FILE)
        self.skip_threshold = skip_threshold
        self._lock = threading.Lock()

    def skip_probability(self, tokens: list[Token]) -> float:
        """How likely the line is a criterion of a kind Chia leaves without entities."""
        with self._lock:
            self._line_filter.tagger.set([line_features(tokens)])
            return float(self._line_filter.tagger.marginal(SKIP, 0))

    def tag_line(self, tokens: list[Token]) -> list[str]:
        if self.skip_probability(tokens) >= self.skip_threshold:
            return ["O"] * len(tokens)
        features = sentence_features(tokens, self.lexicon, self.clusters)
        with self._lock:
            return list(self._model.tagger.tag(features))

    def extract(self, text: str) -> list[Entity]:
        entities: list[Entity] = []
        for tokens in tokenize_lines(text):
            entities.extend(decode(text, tokens, self.tag_line(tokens)))
        return entities


def decode(text: str, tokens: list[Token], labels: list[str]) -> list[Entity]:
    """Entities from BIO labels; an ``I-`` that does not continue its type starts an entity."""
    runs: list[tuple[str, int, int]] = []
    for index, label in enumerate(labels):
        prefix, _, label_type = label.partition("-")
        if prefix == "I" and runs and runs[-1][0] == label_type and runs[-1][2] == index:
            runs[-1] = (label_type, runs[-1][1], index + 1)
        elif prefix in ("B", "I"):
            runs.append((label_type, index, index + 1))
    entities = []
    for kind, first, last in runs:
        first, last = _trim(tokens, first, last)
        if first < last:
            start, end = tokens[first].start, tokens[last - 1].end
            entities.append(Entity(kind, start, end, text[start:end]))
    return entities


_EDGE_JUNK = frozenset("\\,;:.*")


def _trim(tokens: list[Token], first: int, last: int) -> tuple[int, int]:
    """Drop separators and unbalanced brackets from the edges of a token run."""
    while first < last:
        words = [t.text for t in tokens[first:last]]
        if words[0] in _EDGE_JUNK or (words[0] == "(" and ")" not in words):
            first += 1
        elif words[-1] in _EDGE_JUNK or (words[-1] == ")" and "(" not in words):
            last -= 1
        else:
            break
    return first, last


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
