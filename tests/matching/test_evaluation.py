"""Evaluation figures on hand-made judgments whose right answers are known."""

import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.corpus import InputError, load_qrels, load_run
from matching.evaluation import evaluate, restrict_qrels, split_queries

QRELS = {"q1": {"d1": 2, "d2": 1, "d3": 0}, "q2": {"d4": 2}}


def _run(order: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    return {q: {d: float(len(docs) - i) for i, d in enumerate(docs)} for q, docs in order.items()}


def test_perfect_ranking_scores_one():
    figures = evaluate(QRELS, _run({"q1": ["d1", "d2", "d3"], "q2": ["d4", "d1"]}))
    assert figures["ndcg@10"] == pytest.approx(1.0)
    assert figures["mrr"] == pytest.approx(1.0)
    assert figures["recall@100"] == pytest.approx(1.0)
    # q1: 2 relevant of 10 ranks, q2: 1 of 10 -> mean 0.15; eligible: 1 each -> 0.1
    assert figures["p@10"] == pytest.approx(0.15)
    assert figures["p@10_eligible"] == pytest.approx(0.10)
    assert figures["queries"] == 2


def test_reversed_ranking_matches_hand_computed_figures():
    figures = evaluate({"q1": QRELS["q1"]}, _run({"q1": ["d3", "d2", "d1"]}))
    # trec_eval gains are the grades: DCG = 1/log2(3) + 2/log2(4); ideal = 2 + 1/log2(3)
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    ideal = 2 + 1 / math.log2(3)
    assert figures["ndcg@10"] == pytest.approx(dcg / ideal)
    assert figures["mrr"] == pytest.approx(0.5)


def test_a_query_missing_from_the_run_counts_as_zero():
    figures = evaluate(QRELS, _run({"q1": ["d1", "d2", "d3"]}))
    assert figures["ndcg@10"] == pytest.approx(0.5)
    assert figures["queries"] == 2


def test_queries_without_a_relevant_trial_are_not_averaged():
    figures = evaluate({**QRELS, "q3": {"d9": 0}}, _run({"q1": ["d1", "d2"], "q2": ["d4"]}))
    assert figures["queries"] == 2
    assert figures["ndcg@10"] == pytest.approx(1.0)


def test_judgments_can_be_limited_to_a_corpus():
    assert restrict_qrels(QRELS, ["d1", "d2"]) == {"q1": {"d1": 2, "d2": 1}}


def test_the_held_out_split_is_fixed_and_about_thirty_percent():
    ids = [f"sigir-{n}" for n in range(20141, 20200)]
    tuning, held = split_queries(ids)
    assert (tuning, held) == split_queries(reversed(ids))
    assert not set(tuning) & set(held)
    assert len(held) == round(0.3 * len(ids))


def test_qrels_with_and_without_header(tmp_path):
    with_header = tmp_path / "a.tsv"
    with_header.write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\n")
    without = tmp_path / "b.tsv"
    without.write_text("q1\td1\t2\nq1\td2\t0\n")
    trec = tmp_path / "c.txt"
    trec.write_text("q1 0 d1 2\nq1 0 d2 0\n")
    expected = {"q1": {"d1": 2, "d2": 0}}
    assert load_qrels(with_header) == load_qrels(without) == load_qrels(trec) == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q1\td1\t2\nq1\td2\n", "b.tsv:2: expected 'query-id corpus-id score'"),
        ("q1\td1\t2\nq1\td2\tyes\n", "b.tsv:2: relevance 'yes' is not an integer"),
        ("", "no judgments"),
    ],
)
def test_bad_qrels_are_reported_with_their_line(tmp_path, content, message):
    path = tmp_path / "b.tsv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_qrels(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q1 Q0 d1 1 2.0\n", "expected 'qid Q0 docid rank score tag'"),
        ("q1 Q0 d1 one 2.0 t\n", "rank or score is not a number"),
        ("q1 Q0 d1 1 nan t\n", "not a finite number"),
        ("q1 Q0 d1 1 2.0 t\nq1 Q0 d1 2 1.0 t\n", "d1 listed twice"),
    ],
)
def test_bad_runs_are_reported(tmp_path, content, message):
    path = tmp_path / "run.txt"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_run(path)


def _write_pair(tmp_path):
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t1\nq2\td3\t1\n")
    run = tmp_path / "run.txt"
    run.write_text("q1 Q0 d1 1 3.0 t\nq1 Q0 d2 2 2.0 t\nq2 Q0 d9 1 1.0 t\nq2 Q0 d3 2 0.5 t\n")
    return qrels, run


def test_eval_command_prints_json(tmp_path, capsys):
    qrels, run = _write_pair(tmp_path)
    call_command("eval", qrels=str(qrels), run=str(run), json=True)
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"queries", "ndcg@10", "p@10", "p@10_eligible", "mrr", "recall@100"}
    assert figures["queries"] == 2
    assert figures["mrr"] == pytest.approx(0.75)
    assert figures["p@10"] == pytest.approx(0.15)
    assert figures["p@10_eligible"] == pytest.approx(0.05)
    assert figures["recall@100"] == pytest.approx(1.0)


def test_eval_command_prints_a_table(tmp_path, capsys):
    qrels, run = _write_pair(tmp_path)
    call_command("eval", qrels=str(qrels), run=str(run))
    out = capsys.readouterr().out
    assert "NDCG@10" in out and "MRR               0.7500" in out


@pytest.mark.parametrize("broken", ["qrels", "run"])
def test_eval_command_exits_2_on_missing_files(tmp_path, broken):
    qrels, run = _write_pair(tmp_path)
    paths = {"qrels": str(qrels), "run": str(run), broken: str(tmp_path / "absent.txt")}
    with pytest.raises(CommandError, match="absent.txt: no such file") as error:
        call_command("eval", **paths)
    assert error.value.returncode == 2
