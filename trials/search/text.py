"""Turning free text a person typed into a safe full-text query for FTS5 or PostgreSQL.

Nothing of the user's syntax reaches the engine: the text is cut into word tokens (letters and
digits only), so quotes, ``AND``/``NEAR``, ``*``, ``-``, parentheses and emoji cannot break the
query. Words joined by punctuation ("covid-19", "b-all") stay a phrase (on SQLite; PostgreSQL
only requires all of them); every word must match;
the last word may also match as a prefix, for a word still being typed (the search tries that
only when the words as typed find little: prefix expansion is costly on a large index).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")
MAX_CHUNKS = 16
MAX_WORD_LENGTH = 64
MIN_PREFIX_LENGTH = 3

# PostgreSQL's English stop words: dropped on both databases so both find the same trials.
_STOP_WORDS = """a about above after again against all am an and any are as at be because been
    before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class TextQuery:
    """Phrases (each a tuple of words) that must all match; the last may be a prefix."""

    phrases: tuple[tuple[str, ...], ...]
    prefix_last: bool

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def as_typed(self) -> TextQuery:
        """The same words without the prefix on the last one."""
        return TextQuery(self.phrases, False)

    def fts5(self) -> str:
        """An FTS5 MATCH expression: ``"covid 19" AND "vaccin"*``."""
        parts = []
        for i, phrase in enumerate(self.phrases):
            star = "*" if self.prefix_last and i == len(self.phrases) - 1 else ""
            parts.append('"' + " ".join(phrase) + '"' + star)
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """A ``to_tsquery`` expression: ``('covid' & '19') & ('vaccin':*)``.

        Words of a phrase are ANDed, not chained with ``<->``: a phrase test needs every
        candidate's stored vector (the GIN index keeps no positions), forty times slower on
        common words, for little gain in what is found.
        """
        parts = []
        for i, phrase in enumerate(self.phrases):
            words = [f"'{word}'" for word in phrase]
            if self.prefix_last and i == len(self.phrases) - 1:
                words[-1] += ":*"
            parts.append("(" + " & ".join(words) + ")")
        return " & ".join(parts)


def parse(text: str) -> TextQuery:
    """The safe query for ``text``; empty when no searchable word is left."""
    text = (text or "")[:1000]
    phrases: list[tuple[str, ...]] = []
    for chunk in text.split():
        words = tuple(w[:MAX_WORD_LENGTH] for w in _WORD.findall(chunk.casefold()))
        if not words or all(w in STOP_WORDS for w in words):
            continue
        if words not in phrases:
            phrases.append(words)
    phrases = phrases[:MAX_CHUNKS]
    last_word = phrases[-1][-1] if phrases else ""
    prefix_last = (
        bool(phrases)
        and not text[-1:].isspace()
        and len(last_word) >= MIN_PREFIX_LENGTH
        and not last_word.isdigit()
    )
    return TextQuery(tuple(phrases), prefix_last)
