"""``trialmatch rank``: the TREC run-file contract and its handling of bad input."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.corpus import load_run
from matching.embeddings import CORPUS_MODEL, ModelError, available

from .conftest import QUERIES, TRIALS, corpus_options, rank, run_installed, write_jsonl

TRIAL_IDS = {t["_id"] for t in TRIALS}


@pytest.mark.parametrize("method", ["lexical", "bm25"])
def test_run_file_has_every_query_ranks_from_one_and_falling_scores(tiny, method):
    lines = rank(tiny, method=method)
    assert all(len(parts) == 6 and parts[1] == "Q0" and parts[5] == method for parts in lines)
    by_query: dict[str, list[list[str]]] = {}
    for parts in lines:
        by_query.setdefault(parts[0], []).append(parts)
    assert list(by_query) == [q["_id"] for q in QUERIES]
    for rows in by_query.values():
        assert [int(r[3]) for r in rows] == list(range(1, len(TRIALS) + 1))
        assert {r[2] for r in rows} == TRIAL_IDS
        scores = [float(r[4]) for r in rows]
        assert scores == sorted(set(scores), reverse=True), "scores must strictly fall"


def test_top_limits_trials_per_query_and_tag_is_written(tiny):
    lines = rank(tiny, method="lexical", top=2, tag="mytag")
    assert len(lines) == 2 * len(QUERIES)
    assert {parts[3] for parts in lines} == {"1", "2"}
    assert {parts[5] for parts in lines} == {"mytag"}


def test_each_patient_gets_the_trial_for_their_condition_first(tiny):
    firsts = {parts[0]: parts[2] for parts in rank(tiny, method="lexical") if parts[3] == "1"}
    assert firsts == {"p1": "NCT00000002", "p2": "NCT00000003", "p3": "NCT00000004"}


def test_denied_smoking_ranks_the_smoking_trial_lower_than_reported_smoking(tiny):
    def smokingrank(note: str) -> int:
        write_jsonl(tiny["queries"], [{"_id": "p", "text": note}])
        lines = rank(tiny, method="lexical")
        return next(int(p[3]) for p in lines if p[2] == "NCT00000001")

    assert smokingrank("A 50-year-old man. He denies smoking. Cough for a week.") > smokingrank(
        "A 50-year-old man. He smokes 20 cigarettes a day. Cough for a week."
    )


@pytest.mark.skipif(not available(CORPUS_MODEL), reason="sentence embeddings are not installed")
def test_default_method_ranks_with_embeddings(tiny):
    lines = rank(tiny)
    assert len(lines) == len(QUERIES) * len(TRIALS)
    firsts = {parts[0]: parts[2] for parts in lines if parts[3] == "1"}
    assert firsts["p2"] == "NCT00000003"


@pytest.mark.parametrize(
    ("corpus_lines", "message"),
    [
        (None, "corpus.jsonl: no such file"),
        (
            '{"_id": "NCT1", "title": "a"}\n{"_id": "NCT2", "title": \n',
            "corpus.jsonl:2: not valid JSON",
        ),
        ('{"title": "no id"}\n', 'corpus.jsonl:1: missing "_id"'),
        ('{"_id": "NCT1"}\n{"_id": "NCT1"}\n', 'corpus.jsonl:2: duplicate "_id"'),
        ("[1, 2]\n", "corpus.jsonl:1: expected a JSON object"),
        ("\n", "no trials in the corpus"),
    ],
)
def test_bad_corpus_exits_2_with_the_line(tiny, corpus_lines, message):
    if corpus_lines is None:
        tiny["corpus"].unlink()
    else:
        tiny["corpus"].write_text(corpus_lines)
    with pytest.raises(CommandError, match=message) as error:
        rank(tiny, method="lexical")
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("query_lines", "message"),
    [
        ('{"text": "a note"}\n', 'queries.jsonl:1: missing "_id"'),
        ('{"_id": "p1"}\n', "queries.jsonl:1: query 'p1' has no \"text\""),
        ('{"_id": "p1", "text": "x"\n', "queries.jsonl:1: not valid JSON"),
    ],
)
def test_bad_queries_exit_2_with_the_line(tiny, query_lines, message):
    tiny["queries"].write_text(query_lines)
    with pytest.raises(CommandError, match=message) as error:
        rank(tiny, method="lexical")
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [({"top": 0}, "--top must be between 1"), ({"tag": "two words"}, "--tag must be one word")],
)
def test_bad_options_exit_2(tiny, options, message):
    with pytest.raises(CommandError, match=message) as error:
        rank(tiny, method="lexical", **options)
    assert error.value.returncode == 2


def test_the_installed_command_exits_2_with_a_message_and_no_traceback(tiny, tmp_path):
    tiny["corpus"].write_text('{"title": "no id"}\n')
    result = run_installed("rank", *corpus_options(tiny, tmp_path / "run.txt"))
    assert result.returncode == 2
    assert 'missing "_id"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run.txt").exists()


def test_run_file_reads_back(tiny):
    rank(tiny, method="bm25", top=3)
    run = load_run(tiny["dir"] / "run.txt")
    assert set(run) == {q["_id"] for q in QUERIES}
    assert all(len(docs) == 3 for docs in run.values())


def test_an_output_folder_that_does_not_exist_exits_2(tiny):
    with pytest.raises(CommandError, match="does not exist") as error:
        call_command(
            "rank",
            corpus=str(tiny["corpus"]),
            queries=str(tiny["queries"]),
            out=str(tiny["dir"] / "missing" / "run.txt"),
            method="bm25",
        )
    assert error.value.returncode == 2


def test_a_damaged_model_is_a_clear_error_not_a_traceback(tiny, monkeypatch):
    def damaged(texts):
        raise ModelError("all-mpnet-base-v2: the weights are not the published ones")

    monkeypatch.setattr("matching.embeddings.load_encoder", lambda *args, **kwargs: damaged)
    with pytest.raises(CommandError, match="not the published ones") as error:
        rank(tiny)
    assert error.value.returncode == 1
    assert not (tiny["dir"] / "run.txt").exists()


@pytest.mark.skipif(not available(CORPUS_MODEL), reason="sentence embeddings are not installed")
def test_embedding_a_long_corpus_tells_its_progress(tiny, monkeypatch):
    monkeypatch.setattr("matching.embeddings.CHUNK", 2)
    told = io.StringIO()
    rank(tiny, stderr=told)
    lines = told.getvalue().splitlines()
    assert f"Embedded 2 of {len(TRIALS)} texts" in lines
    assert f"Embedded {len(TRIALS)} of {len(TRIALS)} texts" in lines


def test_a_corpus_over_the_limit_is_embedded_with_the_faster_model_and_says_so(
    tiny, monkeypatch, models_used
):
    monkeypatch.setattr("matching.embeddings.LARGE_CORPUS", len(TRIALS) - 1)
    told = io.StringIO()
    rank(tiny, stderr=told)
    assert models_used == ["all-MiniLM-L6-v2"]
    assert f"Embedding {len(TRIALS)} trials with all-MiniLM-L6-v2" in told.getvalue()


def test_without_the_corpus_model_the_smaller_one_ranks_and_says_so(tiny, monkeypatch, models_used):
    monkeypatch.setattr(
        "matching.embeddings.available", lambda model: model.name == "all-MiniLM-L6-v2"
    )
    told = io.StringIO()
    rank(tiny, stderr=told)
    assert models_used == ["all-MiniLM-L6-v2"]
    assert "all-mpnet-base-v2 is not installed; embedding with all-MiniLM-L6-v2" in told.getvalue()


def test_the_model_can_be_named(tiny, monkeypatch, models_used):
    monkeypatch.setattr("matching.embeddings.LARGE_CORPUS", len(TRIALS) - 1)
    told = io.StringIO()
    rank(tiny, model="all-mpnet-base-v2", stderr=told)
    assert models_used == ["all-mpnet-base-v2"]
    assert "Embedding" not in told.getvalue()


def test_an_unknown_model_exits_2(tiny, tmp_path):
    result = run_installed("rank", *corpus_options(tiny, tmp_path / "run.txt"), "--model", "gpt")
    assert result.returncode == 2
    assert "invalid choice: 'gpt'" in result.stderr


def test_without_embeddings_the_ranking_uses_words_and_says_so(tiny, monkeypatch):
    monkeypatch.setattr("matching.embeddings.load_encoder", lambda *args, **kwargs: None)
    told = io.StringIO()
    lines = rank(tiny, stderr=told)
    assert "Sentence embeddings are not installed (all-mpnet-base-v2" in told.getvalue()
    assert "using words alone" in told.getvalue()
    firsts = {p[0]: p[2] for p in lines if p[3] == "1"}
    assert firsts["p2"] == "NCT00000003"
