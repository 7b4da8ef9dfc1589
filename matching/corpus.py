"""Reading and writing the files of a retrieval experiment: corpus, queries, qrels and TREC runs.

The corpus and query formats are TrialGPT's (one JSON object a line); qrels and runs are the
TREC formats every evaluation tool reads. Each reader checks its input and raises
:class:`InputError` with the file and line, so commands can report bad input plainly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class InputError(ValueError):
    """A file given by the user is missing or malformed; the message names the place."""


@dataclass(frozen=True)
class Trial:
    """The searchable fields of one trial, split so that fields can be weighted apart."""

    trial_id: str
    title: str = ""
    conditions: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    summary: str = ""
    inclusion: str = ""
    exclusion: str = ""
    text: str = ""

    @property
    def full_text(self) -> str:
        """Everything the trial says, as a plain bag-of-words baseline indexes it."""
        return "\n".join([self.title, self.text or self._joined_body()])

    def _joined_body(self) -> str:
        return "\n".join(
            [*self.conditions, *self.drugs, self.summary, self.inclusion, self.exclusion]
        )


@dataclass(frozen=True)
class Query:
    """A patient description to match trials against."""

    query_id: str
    text: str


@dataclass(frozen=True)
class RunEntry:
    query_id: str
    doc_id: str
    rank: int
    score: float


@dataclass
class Ranking:
    """The ranked trials for one query, best first."""

    query_id: str
    scored: list[tuple[str, float]] = field(default_factory=list)


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from None
                if not isinstance(value, dict):
                    raise InputError(f"{path}:{number}: expected a JSON object")
                yield number, value
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def _required_id(path: Path, number: int, value: Mapping[str, Any]) -> str:
    identifier = value.get("_id")
    if not isinstance(identifier, str) or not identifier.strip():
        raise InputError(f'{path}:{number}: missing "_id"')
    if any(c.isspace() for c in identifier.strip()):
        raise InputError(f'{path}:{number}: "_id" {identifier!r} contains whitespace')
    return identifier.strip()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def trial_from_json(record: Mapping[str, Any], trial_id: str) -> Trial:
    """A :class:`Trial` from one TrialGPT corpus object (``metadata`` is optional)."""
    metadata = record.get("metadata")
    meta: Mapping[str, Any] = metadata if isinstance(metadata, dict) else {}
    title = _text(record.get("title")) or _text(meta.get("brief_title"))
    return Trial(
        trial_id=trial_id,
        title=title,
        conditions=_names(meta.get("diseases_list")),
        drugs=_names(meta.get("drugs_list")),
        summary=_text(meta.get("brief_summary")),
        inclusion=_text(meta.get("inclusion_criteria")),
        exclusion=_text(meta.get("exclusion_criteria")),
        text=_text(record.get("text")),
    )


def _unique(path: Path, items: Iterable[tuple[int, str]]) -> None:
    seen: set[str] = set()
    for number, identifier in items:
        if identifier in seen:
            raise InputError(f'{path}:{number}: duplicate "_id" {identifier!r}')
        seen.add(identifier)


def load_corpus(path: Path | str) -> list[Trial]:
    """The trials of a TrialGPT corpus file; an empty corpus is an error."""
    path = Path(path)
    trials: list[Trial] = []
    numbered: list[tuple[int, str]] = []
    for number, record in _json_lines(path):
        trial_id = _required_id(path, number, record)
        numbered.append((number, trial_id))
        trials.append(trial_from_json(record, trial_id))
    _unique(path, numbered)
    if not trials:
        raise InputError(f"{path}: no trials in the corpus")
    return trials


def load_queries(path: Path | str) -> list[Query]:
    """The patient descriptions of a TrialGPT queries file; each needs an id and some text."""
    path = Path(path)
    queries: list[Query] = []
    numbered: list[tuple[int, str]] = []
    for number, record in _json_lines(path):
        query_id = _required_id(path, number, record)
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f'{path}:{number}: query {query_id!r} has no "text"')
        numbered.append((number, query_id))
        queries.append(Query(query_id, text))
    _unique(path, numbered)
    if not queries:
        raise InputError(f"{path}: no queries in the file")
    return queries


def _text_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                parts = line.split()
                if parts:
                    yield number, parts
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def load_qrels(path: Path | str) -> dict[str, dict[str, int]]:
    """Judgments ``query-id corpus-id score`` (TSV, optional header, or 4-column TREC qrels)."""
    path = Path(path)
    qrels: dict[str, dict[str, int]] = {}
    for number, parts in _text_lines(path):
        if len(parts) == 4:
            parts = [parts[0], parts[2], parts[3]]
        if len(parts) != 3:
            raise InputError(
                f"{path}:{number}: expected 'query-id corpus-id score', got {len(parts)} fields"
            )
        query_id, doc_id, grade = parts
        try:
            score = int(grade)
        except ValueError:
            if number == 1 and not qrels:
                continue
            raise InputError(f"{path}:{number}: relevance {grade!r} is not an integer") from None
        qrels.setdefault(query_id, {})[doc_id] = score
    if not qrels:
        raise InputError(f"{path}: no judgments in the file")
    return qrels


def load_run(path: Path | str) -> dict[str, dict[str, float]]:
    """A TREC run file ``qid Q0 docid rank score tag`` as scores by query and document."""
    path = Path(path)
    run: dict[str, dict[str, float]] = {}
    for number, parts in _text_lines(path):
        if len(parts) != 6:
            raise InputError(
                f"{path}:{number}: expected 'qid Q0 docid rank score tag', got {len(parts)} fields"
            )
        query_id, _, doc_id, rank, score, _ = parts
        try:
            int(rank)
            value = float(score)
        except ValueError:
            raise InputError(f"{path}:{number}: rank or score is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"{path}:{number}: score {score!r} is not a finite number")
        docs = run.setdefault(query_id, {})
        if doc_id in docs:
            raise InputError(f"{path}:{number}: {doc_id} listed twice for query {query_id}")
        docs[doc_id] = value
    if not run:
        raise InputError(f"{path}: no ranked documents in the file")
    return run


def run_lines(rankings: Sequence[Ranking], top: int, tag: str) -> Iterator[str]:
    """TREC run lines, ranks from 1, at most ``top`` documents a query."""
    for ranking in rankings:
        for rank, (doc_id, score) in enumerate(ranking.scored[:top], start=1):
            yield f"{ranking.query_id} Q0 {doc_id} {rank} {score:.6f} {tag}\n"


def write_run(path: Path | str, rankings: Sequence[Ranking], top: int, tag: str) -> None:
    """Write a TREC run file; the parent folder must exist."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist")
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(run_lines(rankings, top, tag))
