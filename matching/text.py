"""Turning clinical text into index terms: lower case, stop words out, Snowball stems."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
EXTRA_STOPWORDS = "also any may must within who whom whose has have had having been being per"
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(EXTRA_STOPWORDS.split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Lower-case word tokens, stop words kept (negation scopes need them)."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def terms(text: str, extra_stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Index terms: stemmed words without stop words or bare one-character tokens."""
    return [
        stem(w)
        for w in words(text)
        if w not in STOPWORDS and w not in extra_stopwords and (len(w) > 1 or w.isdigit())
    ]
