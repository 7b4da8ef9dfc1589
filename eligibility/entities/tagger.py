"""The CRF tagger: criteria text in, typed entity spans out.

Two models ship in ``data/``: the CRF over word features alone, and a CRF that also takes label
probabilities from the MiniLM encoder (``eligibility.entities.encoder``). The encoder model runs
when torch and transformers are installed; without them the tagger uses the CRF alone, and
``Tagger.model`` says which one is in use.
"""

from __future__ import annotations

import lzma
import threading
from collections import Counter
from pathlib import Path

import pycrfsuite

from eligibility.entities import encoder
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
ENCODER_MODEL_FILE = "model-encoder.crfsuite.xz"
HEAD_FILE = "head.npz.xz"

#: What ``Tagger.model`` reports.
CRF_ONLY = "CRF"
WITH_ENCODER = "MiniLM encoder + CRF"

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
    """The token CRF, the line filter, the lexicon, the word clusters and, where it can run, the
    encoder with its head; one instance serves any number of texts.

    ``use_encoder`` None takes the encoder model when its packages are installed and its files
    are in ``model_dir``; True requires it; False keeps to the CRF alone.
    """

    def __init__(
        self,
        model_dir: Path = DATA_DIR,
        skip_threshold: float = SKIP_THRESHOLD,
        use_encoder: bool | None = None,
    ) -> None:
        self.lexicon: Lexicon = parse_lexicon(_read(model_dir / LEXICON_FILE))
        self.clusters: Clusters = parse_clusters(_read(model_dir / CLUSTERS_FILE))
        self._line_filter = _Crf(model_dir / LINES_FILE)
        self.skip_threshold = skip_threshold
        self._lock = threading.Lock()
        self._encoder: encoder.TokenEncoder | None = None
        self._head: encoder.Head | None = None
        if use_encoder is None:
            use_encoder = encoder.available() and all(
                (model_dir / name).is_file() for name in (ENCODER_MODEL_FILE, HEAD_FILE)
            )
        if use_encoder:
            if not encoder.available():
                raise ModelMissingError(
                    "the encoder model needs torch and transformers "
                    "(install the 'embeddings' extra)"
                )
            self._head = encoder.parse_head(_read(model_dir / HEAD_FILE))
            self._model = _Crf(model_dir / ENCODER_MODEL_FILE)
            self._encoder = encoder.TokenEncoder()
        else:
            self._model = _Crf(model_dir / MODEL_FILE)

    @property
    def model(self) -> str:
        """Which model tags: ``WITH_ENCODER`` or ``CRF_ONLY``."""
        return WITH_ENCODER if self._encoder is not None else CRF_ONLY

    def skip_probability(self, tokens: list[Token]) -> float:
        """How likely the line is a criterion of a kind Chia leaves without entities."""
        with self._lock:
            self._line_filter.tagger.set([line_features(tokens)])
            return float(self._line_filter.tagger.marginal(SKIP, 0))

    def tag_lines(self, text: str, lines: list[list[Token]]) -> list[list[str]]:
        """BIO labels for lines of ``text``; lines the filter skips are all ``O``."""
        labels = [["O"] * len(tokens) for tokens in lines]
        kept = [
            i
            for i, tokens in enumerate(lines)
            if self.skip_probability(tokens) < self.skip_threshold
        ]
        heads: list[list[dict[str, float]] | None] = [None] * len(kept)
        if self._encoder is not None and self._head is not None:
            vectors = self._encoder.encode(text, [lines[i] for i in kept])
            heads = [self._head.features(v) for v in vectors]
        items = [self.item(lines[i], head) for i, head in zip(kept, heads, strict=True)]
        with self._lock:
            for i, item in zip(kept, items, strict=True):
                labels[i] = list(self._model.tagger.tag(item))
        return labels

    def item(
        self, tokens: list[Token], head: list[dict[str, float]] | None = None
    ) -> pycrfsuite.ItemSequence:
        """The CRF's input for one line, with the head's label probabilities when given."""
        features = sentence_features(tokens, self.lexicon, self.clusters)
        return pycrfsuite.ItemSequence(features if head is None else with_head(features, head))

    def extract(self, text: str) -> list[Entity]:
        entities: list[Entity] = []
        lines = tokenize_lines(text)
        for tokens, labels in zip(lines, self.tag_lines(text, lines), strict=True):
            entities.extend(decode(text, tokens, labels))
        return entities


def with_head(features: list[list[str]], head: list[dict[str, float]]) -> list[dict[str, float]]:
    """Word features and the head's, per token; a word feature listed twice counts twice."""
    merged = []
    for words, probabilities in zip(features, head, strict=True):
        item = {name: float(n) for name, n in Counter(words).items()}
        item.update(probabilities)
        merged.append(item)
    return merged


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
