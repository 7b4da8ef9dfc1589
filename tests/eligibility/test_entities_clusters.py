"""The word clusters the tagger ships: what they group, and how they are built and read."""

import json
import lzma
from pathlib import Path

import pytest

from eligibility.entities import Tagger, default_tagger
from eligibility.entities.clusters import (
    NUMBER,
    SIZES,
    build_clusters,
    dump_clusters,
    parse_clusters,
    study_texts,
    word_key,
)
from eligibility.entities.corpus import HELD_OUT, split_of
from eligibility.entities.tagger import DATA_DIR


@pytest.fixture(scope="module")
def shipped() -> Tagger:
    return default_tagger()


# Words that play the same part in criteria, so the coarsest clustering groups them together.
@pytest.mark.parametrize(
    ("word", "alike"),
    [
        ("months", "weeks"),
        ("females", "males"),
        ("mg", "kg"),
        ("women", "men"),
    ],
)
def test_words_used_alike_share_a_cluster(shipped: Tagger, word: str, alike: str) -> None:
    coarse = SIZES.index(min(SIZES))
    assert shipped.clusters[word][coarse] == shipped.clusters[alike][coarse]


def test_numbers_are_clustered_as_one_word(shipped: Tagger) -> None:
    assert word_key("2024") == word_key("6") == NUMBER
    assert word_key("HbA1c") == "hba1c"
    assert NUMBER in shipped.clusters


def test_shipped_clusters_are_small_and_complete() -> None:
    path = DATA_DIR / "clusters.json.xz"
    assert path.stat().st_size < 200_000
    clusters = parse_clusters(lzma.decompress(path.read_bytes()))
    assert len(clusters) > 2000
    assert all(len(ids) == len(SIZES) for ids in clusters.values())
    assert all(0 <= ids[n] < SIZES[n] for ids in clusters.values() for n in range(len(SIZES)))


def test_build_groups_words_seen_in_the_same_contexts() -> None:
    texts = []
    for drug in ("aspirin", "heparin", "warfarin", "insulin"):
        for dose in range(1, 6):
            texts.append(f"treatment with {drug} {dose} mg daily\n")
    for organ in ("liver", "kidney", "heart", "lung"):
        for grade in range(1, 6):
            texts.append(f"severe {organ} disease grade {grade}\n")
    clusters = parse_clusters(lzma.decompress(dump_clusters(build_clusters(texts, (2, 2, 2)))))
    assert "aspirin" in clusters
    assert "<unseen>" not in clusters
    drugs = {tuple(clusters[w]) for w in ("aspirin", "heparin", "warfarin", "insulin")}
    organs = {tuple(clusters[w]) for w in ("liver", "kidney", "heart", "lung")}
    assert len(drugs) == 1 and len(organs) == 1
    assert drugs != organs


def test_study_texts_leave_out_held_out_trials(tmp_path: Path) -> None:
    held = next(f"NCT{n:08d}" for n in range(1000) if split_of(f"NCT{n:08d}") == HELD_OUT)
    kept = next(f"NCT{n:08d}" for n in range(1000) if split_of(f"NCT{n:08d}") != HELD_OUT)
    lines = [
        {
            "protocolSection": {
                "identificationModule": {"nctId": nct},
                "eligibilityModule": {"eligibilityCriteria": f"text of {nct}"},
            }
        }
        for nct in (held, kept)
    ]
    path = tmp_path / "studies.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    assert list(study_texts(path)) == [f"text of {kept}"]
