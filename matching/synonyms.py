"""The synonym and abbreviation table (``data/synonyms.json``) and the expansions it gives.

Patient notes say "MI" or "heart attack" where trials say "myocardial infarction"; expanding
both sides with the same table lets a word-matching ranker see they mean the same thing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matching.text import terms

TABLE = Path(__file__).resolve().parent / "data" / "synonyms.json"


@dataclass(frozen=True)
class Synonyms:
    abbreviations: dict[str, str]
    groups: tuple[tuple[str, ...], ...]

    def abbreviation_expansions(self, text: str) -> list[str]:
        """Full forms of the abbreviations written in ``text`` (case-sensitive, whole words)."""
        found = _abbreviation_pattern(tuple(sorted(self.abbreviations))).findall(text)
        return [self.abbreviations[a] for a in dict.fromkeys(found)]

    def group_expansions(self, text: str) -> list[str]:
        """The other members of each group one of whose phrases occurs in ``text``."""
        stems = terms(text)
        joined = f" {' '.join(stems)} "
        added: list[str] = []
        for group in self.groups:
            present = [p for p in group if f" {' '.join(terms(p))} " in joined]
            if present:
                added.extend(p for p in group if p not in present)
        return added


@lru_cache(maxsize=16)
def _abbreviation_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


def parse_table(data: object) -> Synonyms:
    """Check and load the table; a malformed table is a programming error worth a clear message."""
    if not isinstance(data, dict):
        raise ValueError("synonym table: expected a JSON object")
    abbreviations = data.get("abbreviations")
    groups = data.get("groups")
    if not isinstance(abbreviations, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in abbreviations.items()
    ):
        raise ValueError("synonym table: 'abbreviations' must map text to text")
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(p, str) and p.strip() for p in g)
        for g in groups
    ):
        raise ValueError("synonym table: 'groups' must be lists of two or more phrases")
    return Synonyms(dict(abbreviations), tuple(tuple(g) for g in groups))


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    return parse_table(json.loads(TABLE.read_text(encoding="utf-8")))
