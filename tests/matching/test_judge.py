"""``trialmatch judge``: the pair-labelling contract and its handling of bad input."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.embeddings import CORPUS_MODEL, ModelError, available

from .conftest import QUERIES, TRIALS, corpus_options, run_installed

PAIRS = [(q["_id"], t["_id"]) for q in QUERIES for t in TRIALS]


def _write_pairs(path: Path, rows: list[tuple[str, ...]], header: str | None = None) -> Path:
    lines = ([header] if header else []) + ["\t".join(row) for row in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _judge(tiny, pairs: Path, **options) -> list[list[str]]:
    out = tiny["dir"] / "judged.tsv"
    call_command(
        "judge",
        corpus=str(tiny["corpus"]),
        queries=str(tiny["queries"]),
        pairs=str(pairs),
        out=str(out),
        **options,
    )
    return [line.split("\t") for line in out.read_text().splitlines()]


@pytest.fixture(params=["embeddings when installed", "words alone"])
def judged(request, tiny, monkeypatch) -> list[list[str]]:
    if request.param == "words alone":
        monkeypatch.setattr("matching.embeddings.load_encoder", lambda *args, **kwargs: None)
    rows = [(q, d, "1") for q, d in PAIRS]
    return _judge(tiny, _write_pairs(tiny["dir"] / "pairs.tsv", rows, "query-id\tcorpus-id\tscore"))


def test_every_pair_is_judged_in_order_with_label_and_score(judged):
    assert all(len(parts) == 4 for parts in judged)
    assert [(p[0], p[1]) for p in judged] == PAIRS
    assert {p[2] for p in judged} <= {"0", "1", "2"}
    assert all(0.0 <= float(p[3]) <= 1.0 for p in judged)


def test_each_patient_is_judged_relevant_to_the_trial_for_their_condition(judged):
    labels = {(p[0], p[1]): int(p[2]) for p in judged}
    assert labels["p1", "NCT00000002"] >= 1
    assert labels["p2", "NCT00000003"] >= 1
    assert labels["p3", "NCT00000004"] >= 1
    assert labels["p2", "NCT00000001"] == 0


def test_a_child_is_less_likely_eligible_for_an_adult_trial(judged):
    scores = {(p[0], p[1]): float(p[3]) for p in judged}
    assert scores["p2", "NCT00000003"] > scores["p2", "NCT00000001"]


def test_header_and_extra_columns_are_optional(tiny, judged):
    bare = _judge(tiny, _write_pairs(tiny["dir"] / "bare.tsv", PAIRS))
    assert bare == judged


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "pairs.tsv: no such file"),
        ("", "pairs.tsv: no pairs in the file"),
        ("p1\tNCT00000001\np1\n", "pairs.tsv:2: expected 'query-id<TAB>corpus-id'"),
        ("p1\tNCT00000001\np9\tNCT00000002\n", "pairs.tsv:2: unknown query id p9"),
        (
            "p1\tNCT00000001\np1\tNCT404\np2\tNCT405\n",
            "pairs.tsv:2: unknown corpus ids NCT404, NCT405",
        ),
        (b"p1\tNCT00000001\n\xff\xfe\n", "pairs.tsv: not UTF-8 text"),
    ],
)
def test_bad_pairs_exit_2_naming_the_problem(tiny, content, message):
    path = tiny["dir"] / "pairs.tsv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message) as error:
        _judge(tiny, path)
    assert error.value.returncode == 2


def test_bad_corpus_and_missing_output_folder_exit_2(tiny):
    pairs = _write_pairs(tiny["dir"] / "pairs.tsv", PAIRS)
    with pytest.raises(CommandError, match="does not exist") as error:
        call_command(
            "judge",
            corpus=str(tiny["corpus"]),
            queries=str(tiny["queries"]),
            pairs=str(pairs),
            out=str(tiny["dir"] / "missing" / "out.tsv"),
        )
    assert error.value.returncode == 2
    tiny["corpus"].write_text('{"_id": "NCT1", "title": \n')
    with pytest.raises(CommandError, match="corpus.jsonl:1: not valid JSON") as error:
        _judge(tiny, pairs)
    assert error.value.returncode == 2


def test_the_installed_command_exits_2_without_a_traceback(tiny):
    pairs = _write_pairs(tiny["dir"] / "pairs.tsv", [("p1", "NCT00000001"), ("nobody", "NCTx")])
    out = tiny["dir"] / "out.tsv"
    result = run_installed("judge", *corpus_options(tiny, out), "--pairs", str(pairs))
    assert result.returncode == 2
    assert "unknown query id nobody" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_damaged_model_is_a_clear_error_not_a_traceback(tiny, monkeypatch):
    def damaged(texts):
        raise ModelError("all-mpnet-base-v2: the weights are not the published ones")

    monkeypatch.setattr("matching.embeddings.load_encoder", lambda *args, **kwargs: damaged)
    pairs = _write_pairs(tiny["dir"] / "pairs.tsv", [(q, d, "1") for q, d in PAIRS])
    with pytest.raises(CommandError, match="not the published ones") as error:
        _judge(tiny, pairs)
    assert error.value.returncode == 1


@pytest.mark.skipif(not available(CORPUS_MODEL), reason="sentence embeddings are not installed")
def test_embedding_a_long_corpus_tells_its_progress(tiny, monkeypatch):
    monkeypatch.setattr("matching.embeddings.CHUNK", 2)
    told = io.StringIO()
    _judge(
        tiny, _write_pairs(tiny["dir"] / "pairs.tsv", [(q, d, "1") for q, d in PAIRS]), stderr=told
    )
    assert f"Embedded {len(TRIALS)} of {len(TRIALS)} texts" in told.getvalue().splitlines()


def test_a_corpus_over_the_limit_is_judged_with_the_faster_model(tiny, monkeypatch, models_used):
    monkeypatch.setattr("matching.embeddings.LARGE_CORPUS", len(TRIALS) - 1)
    told = io.StringIO()
    rows = [(q, d, "1") for q, d in PAIRS]
    _judge(tiny, _write_pairs(tiny["dir"] / "pairs.tsv", rows), stderr=told)
    assert models_used == ["all-MiniLM-L6-v2"]
    assert "with all-MiniLM-L6-v2" in told.getvalue()
