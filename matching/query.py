"""From a long patient note to a retrieval query: negated findings out, demographics read out.

A note says as much about what the patient does *not* have ("denies smoking, diabetes") as about
what they have; matched word for word, those negated findings pull in exactly the wrong trials.
The negation handling follows NegEx (Chapman et al. 2001): a trigger opens a scope that runs to
a termination word, a clause boundary or the end of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")
CLAUSE_END = re.compile(r"[;:()]|\.(?!\d)")

PSEUDO_NEGATIONS = (
    r"not only",
    r"no longer",
    r"not necessarily",
    r"no (?:significant )?(?:change|improvement|response|relief)",
    r"(?:did|does|has|have|had) not (?:respond|improve|resolve|subside)\w*",
    r"not (?:improv|respond|resolv|relieved|controlled|responsive)\w*",
    r"without (?:improvement|relief|response|success)",
    r"unable to",
    r"gram[- ]negative",
)
PRE_NEGATIONS = (
    r"denie[sd]|deny(?:ing)?",
    r"negative for",
    r"no (?:known |prior |previous |past |personal )?(?:history|evidence|signs?|symptoms?) of",
    r"free of",
    r"absence of",
    r"rule[sd]? out|ruled out",
    r"never",
    r"without",
    r"not",
    r"no",
)
TERMINATIONS = (
    r"but|however|although|though|yet|except|apart from|aside from|other than",
    r"which|who|whose|while|whereas|since|because|due to",
    r"is|are|was|were|has|had|have|presents?|presented|reports?|reported|complains?",
    r"shows?|showed|reveals?|revealed|demonstrates?|demonstrated|notes?|noted",
    r"takes|took|taking|uses|used|receives?|received|underwent|undergoes|started|began",
    r"develop(?:s|ed)|now|currently|recently",
    r"he|she|they|his|her|their|the patient|patient",
)
POST_NEGATION = re.compile(
    r"\b(?:is|are|was|were)\s+(?:otherwise\s+)?(?:normal|unremarkable|negative|clear)\b"
    r"|\b(?:unremarkable|within normal limits)\b",
)
NEGATED_WORD = re.compile(r"\bnon-?(?:smok|drink|alcohol)\w*", re.IGNORECASE)

_PSEUDO = re.compile(r"\b(?:" + "|".join(PSEUDO_NEGATIONS) + r")\b", re.IGNORECASE)
_PRE = re.compile(r"\b(?:" + "|".join(PRE_NEGATIONS) + r")\b", re.IGNORECASE)
_TERMINATION = re.compile(r"\b(?:" + "|".join(TERMINATIONS) + r")\b|,\s*(?:and|but)\b", re.I)


def _negated_spans(clause: str) -> list[tuple[int, int]]:
    """(start, end) of each negation trigger and its scope within one clause."""
    protected = [m.span() for m in _PSEUDO.finditer(clause)]
    spans: list[tuple[int, int]] = []
    position = 0
    while match := _PRE.search(clause, position):
        start, trigger_end = match.span()
        if any(a <= start < b for a, b in protected):
            position = trigger_end
            continue
        stop = _TERMINATION.search(clause, trigger_end)
        end = stop.start() if stop else len(clause)
        spans.append((start, end))
        position = max(end, trigger_end)
    return spans


def _clauses(sentence: str) -> list[str]:
    parts: list[str] = []
    position = 0
    for match in CLAUSE_END.finditer(sentence):
        parts.append(sentence[position : match.end()])
        position = match.end()
    parts.append(sentence[position:])
    return [p for p in parts if p.strip()]


def _drop_post_negated(clause: str) -> str:
    """'A neurologic examination is unremarkable' says nothing the patient has: drop it."""
    pieces = re.split(r"(,\s*(?:and\s+|but\s+)?|\s+and\s+|\s+but\s+)", clause)
    kept = [p for p in pieces if not POST_NEGATION.search(p)]
    return "".join(kept)


def remove_negated(text: str) -> str:
    """The note without negated findings; what the patient has is left as written."""
    kept_sentences: list[str] = []
    for sentence in SENTENCE_END.split(text):
        kept_clauses: list[str] = []
        for clause in _clauses(sentence):
            clause = NEGATED_WORD.sub(" ", clause)
            pieces: list[str] = []
            position = 0
            for start, end in _negated_spans(clause):
                pieces.append(clause[position:start])
                position = end
            pieces.append(clause[position:])
            kept_clauses.append(_drop_post_negated("".join(pieces)))
        kept_sentences.append(" ".join(c.strip() for c in kept_clauses if c.strip()))
    return re.sub(r"\s+", " ", " ".join(s for s in kept_sentences if s)).strip()


AGE = re.compile(
    r"\b(\d{1,3}(?:\.\d+)?)[- ]?(?:(years?|yrs?|months?|mos?|weeks?|wks?|days?)[- ]old"
    r"|(?:yo|y/o|y\.o\.))",
    re.IGNORECASE,
)
AGE_WORDS = (
    (re.compile(r"\b(?:newborn|neonate)\b", re.I), 0.01),
    (re.compile(r"\binfant\b", re.I), 0.5),
    (re.compile(r"\btoddler\b", re.I), 2.0),
)
FEMALE = re.compile(r"\b(?:woman|women|female|girl|lady|she|her|mother|pregnant)\b", re.I)
MALE = re.compile(r"\b(?:man|men|male|boy|gentleman|he|his|him)\b", re.I)
UNIT_YEARS = {"y": 1.0, "m": 1 / 12, "w": 1 / 52, "d": 1 / 365}


@dataclass(frozen=True)
class Demographics:
    age_years: float | None = None
    sex: str | None = None

    def terms(self) -> list[str]:
        """Words trials use for this kind of person: 'children', 'adults', 'women' ..."""
        words: list[str] = []
        if self.age_years is not None:
            if self.age_years < 1:
                words += ["infant", "infants"]
            if self.age_years < 18:
                words += ["child", "children", "pediatric"]
            if 12 <= self.age_years < 18:
                words += ["adolescent"]
            if self.age_years >= 18:
                words += ["adult"]
            if self.age_years >= 65:
                words += ["elderly", "older"]
        if self.sex == "female":
            words += ["women", "female"]
        elif self.sex == "male":
            words += ["men", "male"]
        return words


def demographics(text: str) -> Demographics:
    """Age in years and sex as a note states them, when it does."""
    age: float | None = None
    if match := AGE.search(text):
        unit = (match.group(2) or "y")[0].lower()
        age = float(match.group(1)) * UNIT_YEARS.get(unit, 1.0)
    else:
        for pattern, years in AGE_WORDS:
            if pattern.search(text):
                age = years
                break
    female, male = len(FEMALE.findall(text)), len(MALE.findall(text))
    sex = "female" if female > male else "male" if male > female else None
    return Demographics(age, sex)


NOT_YEARS = r"(?!\s*(?:days?|weeks?|months?|kg|%))"
RANGE = re.compile(
    r"(?:\bage[sd]?\s*(?:between\s+|from\s+)?(\d{1,3})\s*(?:years?|yrs?)?\s*(?:-|–|to|and)\s*"
    r"(\d{1,3})" + NOT_YEARS + r"|(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:years?|yrs?))",
    re.IGNORECASE,
)
MINIMUM = re.compile(
    r"(?:(?:≥|>=|>|over|older than|greater than|at least)\s*(\d{1,3})\s*(?:years?|yrs?)"
    r"|(\d{1,3})\s*(?:years?|yrs?)\s*(?:of age\s*)?(?:or|and)\s*(?:older|over|above)"
    r"|\bage[sd]?\s*(?:≥|>=|>)\s*(\d{1,3})" + NOT_YEARS + r"|\bage[sd]?\s*(\d{1,3})\s*\+)",
    re.IGNORECASE,
)


def age_limits(inclusion: str) -> tuple[float, float] | None:
    """(youngest, oldest) age in years an inclusion text admits, when it states one plainly."""
    if match := RANGE.search(inclusion):
        low, high = (float(g) for g in match.groups() if g)
        if low < high <= 120:
            return low, high
    if match := MINIMUM.search(inclusion):
        low = float(next(g for g in match.groups() if g))
        if low <= 100:
            return low, 200.0
    return None
