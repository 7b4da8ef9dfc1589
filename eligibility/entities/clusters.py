"""Word clusters learnt from unlabelled criteria text, as extra features for the tagger.

Words that occur in the same contexts ("within 6 *weeks*", "within 6 *months*") land in the same
cluster, so the tagger can generalise from an annotated word to the many it has never seen
annotated. Vectors are counts of the words one and two places to the left and right, weighted
by positive pointwise mutual information and reduced by SVD; k-means at a few sizes gives each
word one cluster per size.

    python -m eligibility.entities.clusters    # rewrites data/clusters.json.xz

The texts are the Chia criteria of the training and development trials and the eligibility
criteria of ``ctgov/v2/studies.jsonl``, leaving out every trial the fixed split holds out.
The shipped file maps a lower-cased word to its cluster ids; numpy is needed only to build it.
"""

from __future__ import annotations

import argparse
import json
import lzma
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eligibility.entities.corpus import HELD_OUT, split_of
from eligibility.entities.tokens import tokenize_lines

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLUSTERS_FILE = "clusters.json.xz"
SIZES = (32, 128, 512)
MIN_COUNT = 3
CONTEXT_WORDS = 1500
DIMENSIONS = 100
NUMBER = "<num>"

Clusters = dict[str, list[int]]


def word_key(word: str) -> str:
    """The form a word is clustered under: lower case, every digit run the same."""
    return NUMBER if word.isdigit() else word.lower()


def chia_texts(directory: Path) -> Iterator[str]:
    """Criteria texts of the Chia trials outside the held-out set."""
    for path in sorted(directory.glob("*.txt")):
        if split_of(path.stem.split("_", 1)[0]) != HELD_OUT:
            yield path.read_text(encoding="utf-8")


def study_texts(path: Path) -> Iterator[str]:
    """Eligibility criteria of API v2 study records, one JSON object per line."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            protocol = json.loads(line).get("protocolSection", {})
            nct = protocol.get("identificationModule", {}).get("nctId", "")
            criteria = protocol.get("eligibilityModule", {}).get("eligibilityCriteria")
            if criteria and split_of(nct) != HELD_OUT:
                yield str(criteria)


def build_clusters(texts: Iterable[str], sizes: Sequence[int] = SIZES, seed: int = 13) -> Clusters:
    """Cluster ids, one per size in ``sizes``, of every word seen ``MIN_COUNT`` times."""
    import numpy as np

    lines = [[word_key(t.text) for t in line] for text in texts for line in tokenize_lines(text)]
    counts = Counter(word for line in lines for word in line)
    vocabulary = sorted(w for w, n in counts.items() if n >= MIN_COUNT)
    row = {w: i for i, w in enumerate(vocabulary)}
    context = {w: i for i, (w, _) in enumerate(counts.most_common(CONTEXT_WORDS))}
    width = len(context)
    matrix = np.zeros((len(vocabulary), 4 * width), dtype=np.float32)
    for line in lines:
        padded = ["<s>", "<s>", *line, "</s>", "</s>"]
        for i in range(2, len(padded) - 2):
            r = row.get(padded[i])
            if r is None:
                continue
            for slot, offset in enumerate((-2, -1, 1, 2)):
                c = context.get(padded[i + offset])
                if c is not None:
                    matrix[r, slot * width + c] += 1
    total = matrix.sum()
    expected = np.outer(matrix.sum(axis=1), matrix.sum(axis=0)) / max(total, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ppmi = np.maximum(np.log(matrix / expected), 0.0)
    ppmi = np.nan_to_num(ppmi, nan=0.0, posinf=0.0).astype(np.float32)
    left, singular, _ = np.linalg.svd(ppmi, full_matrices=False)
    vectors = left[:, :DIMENSIONS] * np.sqrt(singular[:DIMENSIONS])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    rng = np.random.default_rng(seed)
    assignments = [_kmeans(vectors, min(k, len(vocabulary)), rng) for k in sizes]
    return {w: [int(a[i]) for a in assignments] for w, i in row.items()}


def _kmeans(
    data: npt.NDArray[np.floating], k: int, rng: np.random.Generator, rounds: int = 25
) -> npt.NDArray[np.intp]:
    """Spherical k-means: cosine similarity to unit-length centroids."""
    import numpy as np

    centroids = data[rng.choice(len(data), size=k, replace=False)]
    labels = np.zeros(len(data), dtype=np.intp)
    for _ in range(rounds):
        labels = np.argmax(data @ centroids.T, axis=1)
        for j in range(k):
            members = data[labels == j]
            if len(members):
                centre = members.sum(axis=0)
                centroids[j] = centre / max(float(np.linalg.norm(centre)), 1e-9)
    return labels


def dump_clusters(clusters: Clusters) -> bytes:
    text = json.dumps(clusters, sort_keys=True, separators=(",", ":"))
    return lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def parse_clusters(data: bytes) -> Clusters:
    loaded = json.loads(data.decode("utf-8"))
    return {str(k): [int(i) for i in v] for k, v in loaded.items()}


def main(argv: Sequence[str] | None = None) -> int:
    from eligibility.entities.tagger import DATA_DIR
    from eligibility.entities.train import DEFAULT_CHIA

    parser = argparse.ArgumentParser(prog="python -m eligibility.entities.clusters")
    parser.add_argument("--chia", type=Path, default=DEFAULT_CHIA, help="Chia folder")
    parser.add_argument(
        "--studies",
        type=Path,
        default=DEFAULT_CHIA.parents[1] / "ctgov" / "v2" / "studies.jsonl",
        help="API v2 studies, one JSON object per line",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR / CLUSTERS_FILE)
    args = parser.parse_args(argv)
    if not args.chia.is_dir() or not any(args.chia.glob("*.txt")):
        print(f"error: no Chia texts in {args.chia}", file=sys.stderr)
        return 2
    texts = list(chia_texts(args.chia))
    if args.studies.is_file():
        texts.extend(study_texts(args.studies))
    clusters = build_clusters(texts)
    args.out.write_bytes(dump_clusters(clusters))
    print(f"{len(clusters)} words from {len(texts)} texts -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
