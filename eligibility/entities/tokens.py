"""Tokenisation that keeps character offsets, one sequence per line of criteria."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Runs of letters and digits stay whole ("HbA1c", "18years"); every other visible character is
# its own token, so comparators, units and brackets can start or end an entity.
_TOKEN = re.compile(r"[^\W_]+|\S")
_LINE = re.compile(r"[^\r\n]+")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize_lines(text: str) -> list[list[Token]]:
    """Tokens of every non-blank line; offsets index ``text`` itself."""
    lines = []
    for line in _LINE.finditer(text):
        base = line.start()
        tokens = [
            Token(match.group(), base + match.start(), base + match.end())
            for match in _TOKEN.finditer(line.group())
        ]
        if tokens:
            lines.append(tokens)
    return lines
