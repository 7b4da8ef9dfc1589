"""Stored trial vectors and the nearest-neighbour search over them.

Each trial's title, conditions and summary are embedded once (``trialmatch embed``) and kept
as float16 bytes in ``TrialVector``, keyed by a hash of the embedded text, so an unchanged
trial is never embedded again. pgvector is not assumed: the site process loads every vector
once into one float16 matrix (400k trials × 384 dimensions ≈ 300 MB) and ranks them with a
dot product, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from matching.embeddings import MODEL_NAME, load_encoder
from matching.models import TrialVector
from trials.models import Trial

Encode = Callable[[Sequence[str]], np.ndarray]

DIMENSIONS = 384
DTYPE = np.float16
MAX_TEXT = 700  # characters (~150 tokens): what the trial is about, not every detail
# Nearest trials fused with the full-text candidates.
SEMANTIC_K = 100
# Cosine similarities of MiniLM: below the floor a trial is about something else, from the
# ceiling on it is about the same thing in other words.
COS_FLOOR = 0.3
COS_FULL = 0.6
# A trial found by meaning alone never counts as much as one that names the condition.
SEMANTIC_WEIGHT = 0.8
# How often the loaded matrix checks the table for new or changed vectors.
RECHECK_SECONDS = 60.0
CHUNK_ROWS = 32_768


def trial_text(title: str, conditions: Sequence[str] | None, summary: str) -> str:
    """What a trial's vector is made from: what it is about, in the registry's words."""
    parts = [title.strip(), "; ".join(c for c in conditions or [] if c), " ".join(summary.split())]
    return ". ".join(p for p in parts if p)[:MAX_TEXT]


def text_hash(text: str) -> str:
    """Key of a stored vector: the model and the text, so either changing means re-embedding."""
    return hashlib.sha256(f"{MODEL_NAME}\0{text}".encode()).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=DTYPE)


# --- the one-off batch --------------------------------------------------------------------------


@dataclass
class EmbedStats:
    embedded: int = 0
    current: int = 0
    total: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"Embedded {self.embedded} trials, {self.current} already current, "
            f"{self.total} in the catalogue, in {self.seconds:.1f} s ({self.rate:.1f} trials/s)."
        )


def embed_catalogue(
    encode: Encode,
    *,
    batch: int = 256,
    limit: int | None = None,
    progress: Callable[[EmbedStats], None] | None = None,
) -> EmbedStats:
    """Embed every trial whose vector is missing or stale, ``batch`` trials per commit.

    Each batch is stored in its own transaction, so an interrupted run keeps what it finished
    and the next run starts where it stopped. ``limit`` caps how many trials are embedded.
    """
    started = time.perf_counter()
    stats = EmbedStats(total=Trial.objects.count())
    last_id = 0
    while limit is None or stats.embedded < limit:
        rows = list(
            Trial.objects.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "title", "conditions", "brief_summary")[:batch]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        stored = dict(
            TrialVector.objects.filter(trial_id__in=[r[0] for r in rows]).values_list(
                "trial_id", "text_hash"
            )
        )
        pending: list[tuple[int, str, str]] = []
        for trial_id, title, conditions, summary in rows:
            text = trial_text(title, conditions, summary)
            key = text_hash(text)
            if stored.get(trial_id) == key:
                stats.current += 1
            else:
                pending.append((trial_id, text, key))
        if limit is not None:
            pending = pending[: limit - stats.embedded]
        if pending:
            vectors = encode([text for _, text, _ in pending])
            _store([(trial_id, key) for trial_id, _, key in pending], vectors)
            stats.embedded += len(pending)
        stats.seconds = time.perf_counter() - started
        if progress is not None:
            progress(stats)
    stats.seconds = time.perf_counter() - started
    if stats.embedded:
        forget_index()
    return stats


def _store(keys: list[tuple[int, str]], vectors: np.ndarray) -> None:
    if vectors.shape != (len(keys), DIMENSIONS):
        raise ValueError(f"expected {len(keys)} vectors of {DIMENSIONS}, got {vectors.shape}")
    now = timezone.now()
    rows = [
        TrialVector(trial_id=trial_id, text_hash=key, vector=to_bytes(v), updated_at=now)
        for (trial_id, key), v in zip(keys, vectors, strict=True)
    ]
    with transaction.atomic():
        TrialVector.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["trial"],
            update_fields=["text_hash", "vector", "updated_at"],
        )


# --- the loaded matrix --------------------------------------------------------------------------


class VectorIndex:
    """All stored vectors as one float16 matrix, with the trial id of each row."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, signature: tuple) -> None:
        self.ids = ids
        self.matrix = matrix
        self.signature = signature
        self.checked = time.monotonic()

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.matrix.nbytes)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` trial ids most similar to ``query`` (a unit vector), best first."""
        n = len(self)
        if n == 0 or k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        torch = sys.modules.get("torch")  # loaded with the encoder; never loaded for this alone
        if torch is not None:
            # torch multiplies float16 on the CPU ten times faster than numpy converts it.
            product = torch.from_numpy(self.matrix) @ torch.from_numpy(q.astype(DTYPE))
            scores = product.float().numpy()
        else:
            scores = np.empty(n, dtype=np.float32)
            # numpy has no float16 BLAS: convert a slice at a time, keeping the copy small.
            for start in range(0, n, CHUNK_ROWS):
                block = self.matrix[start : start + CHUNK_ROWS].astype(np.float32)
                scores[start : start + CHUNK_ROWS] = block @ q
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top]


def _signature() -> tuple:
    found = TrialVector.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (found["n"], found["last"])


def load_index() -> VectorIndex:
    """Read every stored vector into a new matrix (rows filled in place, never a list)."""
    signature = _signature()
    count = signature[0]
    ids = np.zeros(count, dtype=np.int64)
    matrix = np.zeros((count, DIMENSIONS), dtype=DTYPE)
    row = 0
    rows = TrialVector.objects.order_by("trial_id").values_list("trial_id", "vector")
    for trial_id, data in rows.iterator(chunk_size=5000):
        if row >= count:
            break  # stored while reading: picked up at the next check
        vector = from_bytes(data)
        if vector.shape[0] != DIMENSIONS:
            continue
        ids[row] = trial_id
        matrix[row] = vector
        row += 1
    return VectorIndex(ids[:row], matrix[:row], signature)


_lock = threading.Lock()
_index: VectorIndex | None = None
_encoder: Encode | None = None
_encoder_loaded = False


def index() -> VectorIndex:
    """The process's matrix, loaded on first use and reloaded when the table has changed."""
    global _index
    with _lock:
        now = time.monotonic()
        if _index is None:
            _index = load_index()
        elif now - _index.checked > RECHECK_SECONDS:
            if _signature() != _index.signature:
                _index = load_index()
            _index.checked = now
        return _index


def encoder() -> Encode | None:
    """The process's query encoder, or None when the embedding packages are not installed."""
    global _encoder, _encoder_loaded
    with _lock:
        if not _encoder_loaded:
            _encoder = load_encoder()
            _encoder_loaded = True
        return _encoder


def forget_index() -> None:
    """Drop the loaded matrix; the next search reads the table again."""
    global _index
    with _lock:
        _index = None


def reset() -> None:
    """Forget the loaded matrix and encoder (after ``embed``, and between tests)."""
    global _index, _encoder, _encoder_loaded
    with _lock:
        _index = None
        _encoder = None
        _encoder_loaded = False


# --- semantic candidates ------------------------------------------------------------------------


@dataclass
class SemanticHits:
    """Trials near the patient's text (nct_id → cosine), or a note saying why there are none."""

    scores: dict[str, float]
    note: str = ""


NO_PACKAGES = (
    "The catalogue has trial vectors but the embedding packages are not installed "
    "(pip install 'trialmatch[embeddings]'), so trials were matched on words only."
)


def semantic_search(text: str, k: int = SEMANTIC_K) -> SemanticHits:
    """The ``k`` trials nearest in meaning to ``text``; empty when no vectors are stored."""
    if not text.strip():
        return SemanticHits({})
    loaded = index()
    if len(loaded) == 0:
        return SemanticHits({})
    encode = encoder()
    if encode is None:
        return SemanticHits({}, NO_PACKAGES)
    query = encode([text])[0]
    nearest = loaded.nearest(query, k)
    names = dict(Trial.objects.filter(id__in=[i for i, _ in nearest]).values_list("id", "nct_id"))
    return SemanticHits({names[i]: s for i, s in nearest if i in names})


def semantic_relevance(cosine: float) -> float:
    """A cosine similarity as a relevance in [0, 1] on the full-text candidates' scale."""
    scaled = (cosine - COS_FLOOR) / (COS_FULL - COS_FLOOR)
    return SEMANTIC_WEIGHT * min(1.0, max(0.0, scaled))


def fuse(
    lexical: dict[str, float], semantic: dict[str, float], limit: int, floor: float = 0.1
) -> dict[str, float]:
    """Full-text and semantic candidates in one relevance: the better of the two, plus a little
    when both agree; a trial found by meaning alone below ``floor`` is dropped. Best ``limit``
    kept."""
    fused = dict(lexical)
    for nct_id, cosine in semantic.items():
        near = semantic_relevance(cosine)
        words = lexical.get(nct_id, 0.0)
        if near < floor and not words:
            continue
        fused[nct_id] = min(1.0, max(words, near) + 0.1 * min(words, near))
    ordered = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return dict(ordered)
