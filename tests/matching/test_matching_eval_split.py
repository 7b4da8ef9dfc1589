"""``benchmarks/matching_eval.py --split``: one split evaluated, the others never touched."""

import importlib.util
import json
from pathlib import Path

import pytest

from matching.evaluation import split_queries

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "matching_eval.py"


@pytest.fixture(scope="module")
def matching_eval():
    spec = importlib.util.spec_from_file_location("matching_eval", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


QRELS = {f"topic-{n}": {"NCT1": n % 3, "NCT2": 1} for n in range(20)}


def test_the_tuning_split_alone_holds_no_held_out_query(matching_eval):
    tuning, held_out = split_queries(QRELS)
    assert tuning and held_out
    splits = matching_eval.selected_splits(QRELS, "tuning")
    assert list(splits) == ["tuning"]
    assert set(splits["tuning"]) == set(tuning)


def test_held_out_alone_and_all_three_by_default(matching_eval):
    _, held_out = split_queries(QRELS)
    assert set(matching_eval.selected_splits(QRELS, "held-out")["held-out"]) == set(held_out)
    every = matching_eval.selected_splits(QRELS)
    assert list(every) == ["tuning", "held-out", "all"]
    assert every["all"] == QRELS


def test_the_grids_refuse_the_held_out_split(matching_eval, capsys):
    with pytest.raises(SystemExit) as exit_:
        matching_eval.main(["--split", "held-out", "--tune"])
    assert exit_.value.code == 2
    assert "--tune and --ablation work on the tuning split" in capsys.readouterr().err


def test_the_outside_check_refuses_tuning(matching_eval, capsys):
    with pytest.raises(SystemExit) as exit_:
        matching_eval.main(["--trec-2021", "--tune"])
    assert exit_.value.code == 2
    assert "--trec-2021 is an outside check" in capsys.readouterr().err


@pytest.mark.skipif(
    not (SCRIPT.parents[2] / "shared" / "data" / "trialgpt" / "trec_2021").is_dir(),
    reason="shared TREC 2021 data absent",
)
def test_the_outside_check_judges_every_trec_pair_among_the_subset(matching_eval, capsys):
    assert matching_eval.main(["--trec-2021", "--no-embeddings", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["pairs"], figures["relevant"], figures["eligible"]) == (29, 18, 12)
    for name in ("judge_auroc", "bm25_auroc", "retrieval_relevance_auroc", "label_accuracy"):
        assert 0.0 <= figures[name] <= 1.0
