"""The condition, treatment and drug lexicon (``data/lexicon.json``), compiled once.

Shared by the free-text reader (to find mentions) and the profile (to add synonyms and
abbreviations to retrieval text and to the engine's facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from eligibility.profile.units import load_data


@dataclass(frozen=True)
class Entry:
    """One lexicon row: a canonical name and how text may spell it."""

    group: str
    name: str
    pattern: re.Pattern[str]
    kind: str = ""
    synonyms: tuple[str, ...] = ()
    cancer: bool = False
    chronic: bool = False
    absent_pattern: re.Pattern[str] | None = None
    past_pattern: re.Pattern[str] | None = None


def _compile(patterns: list[str], abbreviations: list[str]) -> re.Pattern[str]:
    parts = [f"(?i:{p})" for p in patterns]
    parts += [re.escape(a) for a in abbreviations]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])")


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    data = load_data("lexicon.json")
    out: list[Entry] = []
    for group in ("conditions", "treatments", "drugs"):
        for row in data[group]:
            absent = row.get("absent_patterns")
            past = row.get("past_patterns")
            out.append(
                Entry(
                    group=group,
                    name=row["name"],
                    pattern=_compile(row["patterns"], row.get("abbreviations", [])),
                    kind=row.get("kind", "drug" if group == "drugs" else ""),
                    synonyms=tuple(row.get("synonyms", [])),
                    cancer=bool(row.get("cancer", False)),
                    chronic=bool(row.get("chronic", False)),
                    absent_pattern=_compile(absent, []) if absent else None,
                    past_pattern=_compile(past, []) if past else None,
                )
            )
    return tuple(out)


def of(group: str) -> list[Entry]:
    return [e for e in entries() if e.group == group]


@lru_cache(maxsize=1)
def drug_suffix_regex() -> re.Pattern[str]:
    return re.compile(str(load_data("lexicon.json")["drug_suffixes"]), re.I)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def lookup(name: str, group: str | None = None) -> Entry | None:
    """The entry ``name`` stands for: its canonical name, or a spelling that covers all of it."""
    key = _key(name)
    candidates = [e for e in entries() if group is None or e.group == group]
    for entry in candidates:
        if _key(entry.name) == key:
            return entry
    for entry in candidates:
        if entry.pattern.fullmatch(name.strip()):
            return entry
    return None
