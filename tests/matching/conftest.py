"""A tiny hand-made corpus in TrialGPT's format, written where each test wants it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from matching.corpus import load_corpus, load_qrels, load_queries
from matching.evaluation import evaluate, restrict_qrels
from matching.retrieval import rank_queries
from tests.conftest import shared_path

TRIALS = [
    {
        "_id": "NCT00000001",
        "title": "Smoking Cessation With Varenicline",
        "text": "Summary: Helping adult smokers quit smoking.",
        "metadata": {
            "diseases_list": ["Smoking", "Tobacco Use Disorder"],
            "brief_summary": "Helping adult smokers quit smoking with varenicline.",
            "inclusion_criteria": "Current smokers of 10 or more cigarettes a day. Age 18 to 70",
            "exclusion_criteria": "Pregnancy",
        },
    },
    {
        "_id": "NCT00000002",
        "title": "Inhaled Corticosteroids in Adult Asthma",
        "text": "Summary: Budesonide for adults with persistent asthma.",
        "metadata": {
            "diseases_list": ["Asthma"],
            "brief_summary": "Budesonide for adults with persistent asthma and wheezing.",
            "inclusion_criteria": "Adults with persistent asthma. Age 18 years or older",
            "exclusion_criteria": "Current smokers",
        },
    },
    {
        "_id": "NCT00000003",
        "title": "Kawasaki Disease in Children: Infliximab",
        "text": "Summary: Infliximab for children with Kawasaki disease and coronary aneurysm.",
        "metadata": {
            "diseases_list": ["Mucocutaneous Lymph Node Syndrome"],
            "brief_summary": "Infliximab for children with Kawasaki disease.",
            "inclusion_criteria": "Children aged 1-16 years with fever and strawberry tongue",
            "exclusion_criteria": "",
        },
    },
    {
        "_id": "NCT00000004",
        "title": "Early Invasive Strategy After Myocardial Infarction",
        "text": "Summary: Angiography within 24 hours of acute myocardial infarction.",
        "metadata": {
            "diseases_list": ["Myocardial Infarction", "Coronary Artery Disease"],
            "brief_summary": "Angiography within 24 hours of acute myocardial infarction.",
            "inclusion_criteria": "Adults with acute MI and chest pain",
            "exclusion_criteria": "",
        },
    },
]

QUERIES = [
    {
        "_id": "p1",
        "text": "A 45-year-old man with persistent asthma and wheezing. He denies smoking.",
    },
    {"_id": "p2", "text": "A 3-year-old boy with 6 days of fever, strawberry tongue and rash."},
    {"_id": "p3", "text": "A 60-year-old woman with crushing chest pain; ECG shows an acute MI."},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    return {
        "corpus": write_jsonl(tmp_path / "corpus.jsonl", TRIALS),
        "queries": write_jsonl(tmp_path / "queries.jsonl", QUERIES),
        "dir": tmp_path,
    }


def rank(tiny: dict[str, Path], **options) -> list[list[str]]:
    """``trialmatch rank`` over the tiny corpus; the run file's lines split into fields."""
    out = tiny["dir"] / "run.txt"
    call_command(
        "rank",
        corpus=str(tiny["corpus"]),
        queries=str(tiny["queries"]),
        out=str(out),
        **options,
    )
    return [line.split() for line in out.read_text().splitlines()]


def corpus_options(tiny: dict[str, Path], out: Path) -> list[str]:
    """The options every corpus command takes, for running the installed script."""
    return ["--corpus", str(tiny["corpus"]), "--queries", str(tiny["queries"]), "--out", str(out)]


def run_installed(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``trialmatch`` script run as a user runs it: exit code and both streams."""
    env = None if home is None else {**os.environ, "TRIALMATCH_HOME": str(home)}
    return subprocess.run(
        [str(Path(sys.executable).with_name("trialmatch")), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="session")
def sigir():
    """The shared SIGIR subset: its trials, patients and the judgments of those trials."""
    folder = shared_path("trialgpt", "sigir")
    trials = load_corpus(folder / "subsets" / "corpus.jsonl")
    queries = load_queries(folder / "queries.jsonl")
    qrels = restrict_qrels(load_qrels(folder / "qrels" / "test.tsv"), [t.trial_id for t in trials])
    return trials, queries, qrels


def ndcg(ranker, queries, qrels) -> float:
    """NDCG@10 of ``ranker``'s run over ``queries``."""
    run = {r.query_id: dict(r.scored) for r in rank_queries(ranker, queries)}
    return evaluate(qrels, run)["ndcg@10"]


@pytest.fixture
def models_used(monkeypatch) -> list[str]:
    """The models the command asks for, each answered by a small fake encoder."""
    used: list[str] = []

    def fake_encoder(cache_dir, model, progress=None):
        used.append(model.name)
        return lambda texts: np.random.default_rng(len(texts)).normal(size=(len(texts), 8))

    monkeypatch.setattr("matching.embeddings.load_encoder", fake_encoder)
    return used
