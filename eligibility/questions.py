"""Plain-language questions and glossary help for each criterion.

A question is phrased so that "yes" means the criterion describes the person, for
inclusion and exclusion alike; the verdict logic does the inverting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from eligibility import rules
from eligibility.model import (
    BLOOD_PRESSURES,
    CURRENT_OR_PLANNED,
    DIABETES_TYPES,
    HEART_FAILURE,
    Constraint,
    Criterion,
    GlossaryHit,
    ParsedCriteria,
    high_pressure_limits,
)

_ANCHOR = re.compile(
    r"\b(?:before|prior to|preceding|of|since)\s+(?:the\s+)?(?:start|first dose|initiation|"
    r"enrol\w*|randomi\w*|screening|registration|baseline|day 1|study entry|study treatment|"
    r"study drug)(?:\s+of\s+(?:the\s+)?(?:protocol[- ]specified |study )?(?:therapy|treatment|"
    r"drug))?|\bat\s+(?:the\s+)?time\s+of\s+(?:(?:signing|obtaining|giving|providing)\s+(?:the\s+)?"
    r"(?:written\s+)?)?(?:informed\s+)?consent(?:\s+form)?|"
    r"\b(?:at\s+(?:the\s+)?time|on\s+the\s+day)\s+of\s+(?:the\s+)?(?:surgery|operation)",
    re.I,
)
_OR_TAIL = re.compile(r"[\s,;]+(?:OR|or|AND|and)\s*[;,.]?\s*$")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_OR_WORD = re.compile(r"\bor\b|/")
# A unit after a number ("30 kg/m2", "10^9/L"): its "/" is no "or", as in "HBV/HCV" or "3/4".
_UNIT_AFTER_NUMBER = re.compile(r"(?<=\d)\s*(?:[a-zµμ%]+|\^\d+)/[a-z0-9²³]+", re.I)
_LEAD_TAIL = re.compile(
    r"\s*(?:,?\s*(?:with|and|including|meeting|who (?:have|meet|are)|if|when)\s+)?\b(?:any|one|all|"
    r"either|at least (?:one|two|three|four|[2-9])|one or more|1 or more)\s+(?:\(\d\)\s+)?of\s+"
    r"(?:the\s+)?(?:following|these|below)\b[^.]*$|:\s*$",
    re.I,
)
# Not the stop of a list number the line starts with ("1. Male or female patients, ...").
_FIRST_SENTENCE = re.compile(
    r"(?<!^\d)(?<!^\d\d)[.;](?<!\be\.g.)(?<!\bi\.e.)(?<!\bU\.S\.)\s+(?=[A-Z(])"
)
# For questions from the wording: also not after "eg.", "ex.", "vs.", "U.S.", nor (checked in
# code) inside brackets; a bullet or a full-width stop also ends a sentence.
_TEXT_SENTENCE = re.compile(
    r"[.;](?<!\be\.g.)(?<!\bi\.e.)(?<!\bU\.S\.)(?<!\b(?:[Ee][gx]|vs|[Nn]o|ie)\.)\s+(?=[A-Z(])"
    r"|[.;]\s*(?=[•·▪])|[。；]\s*(?=\S)"
)
# "Autoimmune disease e.g. rheumatoid arthritis": the example is one way of having the term.
_EXAMPLES_UNBRACKETED = re.compile(r"\b(?:e\.\s?g\.|for\s+example|such\s+as)(?=[\s,:])", re.I)
_PRONOUNS = [
    (re.compile(r"\b(?:his or her|his/her|her/his|their)\b", re.I), "your"),
    (re.compile(r"\bthe (?:patient|subject|participant)(?:'|’)s\b", re.I), "your"),
    (re.compile(r"\b(?:he or she|he/she|she/he|they)\b", re.I), "you"),
    (re.compile(r"\b(?:him or her|him/her|them)\b", re.I), "you"),
    (re.compile(r"\b(?:themselves|himself or herself)\b", re.I), "yourself"),
]
_DATA = rules.load("questions.json")
_FILLER = frozenset(_DATA["filler_words"])


_PARTICIPLES = frozenset(_DATA["participles"])
_MACROS = {**_DATA["macros"], "participle": "|".join(sorted(_PARTICIPLES))}


def _expand(pattern: str) -> str:
    """``pattern`` with each ``{name}`` of the data's macros written out."""
    for name, text in _MACROS.items():
        pattern = pattern.replace("{" + name + "}", text)
    return pattern


_GROUP = re.compile(r"\(\?P<[a-z0-9]+>")
_ROW_QUESTIONS: list[str] = [row["question"] for row in _DATA["text_patterns"]]
# The words a subject can start with; other text skips the rows that need one.
_SUBJECT_WORDS = frozenset(
    form for word in re.findall(r"[a-z]+", _MACROS["subject"]) for form in (word, word[:-1])
)


_OPTIONAL_SUBJECT = re.compile(r"^\(\?:\{subject\}\\s\+(?:\(\?:who\\s\+\)\?)?\)\?")


def _any_row(subject: bool) -> re.Pattern[str]:
    """All rows in one pattern, each closed by an empty group named after its index (the
    name of the last group matched says which row matched first). Without ``subject``, the
    rows that need one are left out and an optional one is dropped, so that text that does
    not start with a subject skips them at once. With it, consecutive rows that start with the
    same subject lead share one match of it (a subject matched once, not once a row)."""
    parts: list[str] = []
    lead = ""
    run: list[str] = []  # consecutive rows that start with ``lead``
    for i, row in enumerate(_DATA["text_patterns"]):
        pattern = row["pattern"]
        if not subject:
            if pattern.startswith("{subject}"):
                continue
            pattern = _OPTIONAL_SUBJECT.sub("", pattern)
        row_lead = next((x for x in _SUBJECT_LEADS if pattern.startswith(x)), "")
        if run and row_lead != lead:
            parts.append(f"{_expand(lead)}(?:{'|'.join(run)})")
            run = []
        source = f"(?:{_GROUP.sub('(?:', _expand(pattern[len(row_lead) :]))})(?P<_{i}>)"
        if row_lead:
            lead = row_lead
            run.append(source)
        else:
            parts.append(source)
    if run:
        parts.append(f"{_expand(lead)}(?:{'|'.join(run)})")
    return re.compile("|".join(parts))


# Subject leads that rows share (longest first).
_SUBJECT_LEADS = (
    "(?:{subject}\\s+(?:who\\s+)?)?",
    "(?:{subject}\\s+)?",
    "{subject}\\s+",
)


@dataclass(frozen=True)
class TextRows:
    """The text rules compiled: each row alone, and all rows in one pattern with and without
    the rows that need a subject."""

    patterns: list[re.Pattern[str]]
    with_subject: re.Pattern[str]
    without_subject: re.Pattern[str]


@cache
def text_rows() -> TextRows:
    """Compiled on first use: the table is large, and most imports never ask a question."""
    # The patterns are written in lower case and matched against the lowered criterion, so
    # that the matcher can skip a row by its first letter; values are cut from the original.
    return TextRows(
        [re.compile(_expand(row["pattern"])) for row in _DATA["text_patterns"]],
        _any_row(subject=True),
        _any_row(subject=False),
    )


def _first_word(text: str) -> str:
    """What ``text`` says before its first space (without copying the rest)."""
    end = text.find(" ")
    return text if end < 0 else text[:end]


def _lowered(text: str) -> str:
    """``text`` in lower case, letter for letter (so that positions still match)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_PRONOUN_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PRONOUNS), re.I)


def _pronoun(m: re.Match[str]) -> str:
    word = m.group(0)
    return next(replacement for pattern, replacement in _PRONOUNS if pattern.fullmatch(word))


# Every pronoun replaced starts with one of these words.
_PRONOUN_SCAN = re.compile(
    r"\b"
    + rules.by_first_character(
        [
            "his",
            "her",
            "him(?:self)?",
            "the(?:ir|y|m(?:selves)?| (?:patient|subject|participant)(?:'|’)s)",
            "she",
            "he",
        ]
    )
    + r"\b",
    re.I,
)


def _you(text: str) -> str:
    """The criterion's words addressed to the reader ("their" becomes "your")."""
    if _PRONOUN_SCAN.search(text) is None:
        return text
    return _PRONOUN_ANY.sub(_pronoun, text)


def _without_or_tail(text: str) -> str:
    """``text`` less a trailing "or"/"and" joiner (checked cheaply before the regex)."""
    tail = text.rstrip()
    while tail[-1:] in (",", ";", "."):
        tail = tail[:-1].rstrip()
    if not tail.endswith(("or", "OR", "and", "AND")):
        return text
    return _OR_TAIL.sub("", text)


def _plural(value: object, unit: str) -> str:
    return unit if value in (1, 1.0) else f"{unit}s"


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_UNIT_WORDS = {
    "%": "%",
    "x uln": " times the upper limit of normal (ULN)",
    "cells/mm3": " cells/mm³",
    "10^9/l": " ×10⁹/L",
    "g/dl": " g/dL",
    "g/l": " g/L",
    "mg/dl": " mg/dL",
    "µmol/l": " µmol/L",
    "ml/min": " mL/min",
    "kg/m2": " kg/m²",
    "mmhg": " mmHg",
    "ms": " ms",
    "breaths/min": " breaths a minute",
}


_PER_MINUTE = "/min"


def _quantity(value: object, unit: str | None) -> str:
    if unit is None:
        return _fmt(value)
    if unit == "week" and isinstance(value, float) and not value.is_integer():
        # "13 6/7 weeks" of a pregnancy: whole weeks and days
        weeks, days = int(value), round((value - int(value)) * 7)
        return f"{weeks} {_plural(weeks, 'week')} and {days} {_plural(days, 'day')}"
    if unit in rules.TIME_UNITS.values():
        return f"{_fmt(value)} {_plural(value, unit)}"
    return f"{_fmt(value)}{_UNIT_WORDS.get(unit, ' ' + unit)}"


_STATUS_TERMS = frozenset({"relapse", "refractory disease", "relapsed or refractory disease"})
_OP_WORDS = {
    ">=": "{q} or more",
    ">": "more than {q}",
    "<=": "{q} or less",
    "<": "less than {q}",
    "==": "{q}",
}
_SCALE_WORDS = {
    ">=": "{q} or higher",
    ">": "higher than {q}",
    "<=": "{q} or lower",
    "<": "lower than {q}",
    "==": "{q}",
}


_SEX_NOUNS = {"male": "a man", "female": "a woman"}


def _age_phrase(cons: list[Constraint]) -> str | None:
    ops = {c.op: c for c in cons}
    unit = cons[0].unit or "year"
    if ">=" in ops and "<=" in ops:
        low, high = ops[">="], ops["<="]
        if (low.unit or "year") != (high.unit or "year"):
            # "2 months to 20 years"
            low_q = f"{_fmt(low.value)} {_plural(low.value, low.unit or 'year')}"
            high_q = f"{_fmt(high.value)} {_plural(high.value, high.unit or 'year')}"
            return f"between {low_q} and {high_q} old"
        return f"between {_fmt(low.value)} and {_fmt(high.value)} {unit}s old"
    c = cons[0]
    n = f"{_fmt(c.value)} {_plural(c.value, unit)}"
    return {
        ">=": f"{n} or older",
        ">": f"older than {n}",
        "<=": f"{n} or younger",
        "<": f"younger than {n}",
        "==": f"{n} old",
    }.get(c.op)


def _scale_phrase(cons: list[Constraint]) -> str:
    label = {
        "ecog": "ECOG performance status",
        "karnofsky": "Karnofsky score",
        "lansky": "Lansky score",
    }[cons[0].concept]
    ops = {c.op: c for c in cons}
    if ">=" in ops and "<=" in ops:
        return f"your {label} between {_fmt(ops['>='].value)} and {_fmt(ops['<='].value)}"
    c = cons[0]
    return f"your {label} " + _SCALE_WORDS[c.op].format(q=_fmt(c.value))


def _nyha_question(cons: list[Constraint]) -> str | None:
    """Heart failure of a class or worse is something to have; a bare class or better is how
    well the heart works, which it does fully (class I) without heart failure."""
    ops = {c.op: int(c.value) for c in cons if isinstance(c.value, int | float)}
    if ops.keys() == {">=", "<="}:
        classes = f"NYHA class {rules.ROMAN[ops['>=']]} to {rules.ROMAN[ops['<=']]}"
        return f"Do you have heart failure of {classes}?"
    if len(ops) != 1:
        return None
    ((op, value),) = ops.items()
    if op == "<=" and any(c.qualifier == HEART_FAILURE for c in cons):
        return f"Do you have heart failure of NYHA class {rules.ROMAN[value]} or better?"
    if op == "<=":
        return (
            f"Is your heart function NYHA class {rules.ROMAN[value]} or better (class I if you"
            " have no heart failure)?"
        )
    if op == ">=" and value < 4:
        return f"Do you have heart failure of NYHA class {rules.ROMAN[value]} or worse?"
    return (
        f"Do you have heart failure of NYHA class {rules.ROMAN[value]}?"
        if op in ("==", ">=")
        else None
    )


_HOW_LONG = {">": "more than", ">=": "at least", "<": "less than", "<=": "no more than"}


def _event_question(c: Constraint, display: str) -> str | None:
    window = f"{_fmt(c.value)} {_plural(c.value, c.unit or 'day')}" if c.value is not None else ""
    own = rules.term_questions().get(c.name)
    if own is not None:
        # A term with its own words asks only what they say; else the line's words do.
        asked = own.get(c.qualifier or "") if c.op == "present" else None
        return asked or own.get(c.op)
    verb = "had" if c.concept in ("procedure", "therapy", "condition") else "taken"
    if c.qualifier == "duration" and c.op in _HOW_LONG:
        return f"Have you {verb} {display} for {_HOW_LONG[c.op]} {window}?"
    if c.qualifier == "diagnosed":
        if c.op == "within":
            return f"Were you diagnosed with {display} in the last {window}?"
        if c.op in _HOW_LONG:
            return f"Were you diagnosed with {display} {_HOW_LONG[c.op]} {window} ago?"
    if c.op == "not_within":
        return f"Can you confirm you have not {verb} {display} in the last {window}?"
    if c.op == "within":
        if c.qualifier == "active" and c.concept != "condition":
            return f"Are you receiving {display} now, or have you had it in the last {window}?"
        return f"Have you {verb} {display} in the last {window}?"
    if c.op in (">", ">="):
        more = "more than" if c.op == ">" else "at least"
        return f"Has it been {more} {window} since you last had {display}?"
    if c.op == "present":
        if c.concept == "condition":
            if c.qualifier == "history":
                return f"Have you ever had {display}?"
            if c.qualifier == "active":
                return f"Do you currently have {display}?"
            return f"Do you have {display}?"
        if c.qualifier == "active":
            return f"Are you currently receiving {display}?"
        return f"Have you {verb} {display}?"
    if c.op == "absent":
        if c.concept == "condition":
            return f"Can you confirm you do not have {display}?"
        return f"Can you confirm you have not {verb} {display}?"
    return None


def _display(c: Constraint) -> str:
    term = rules.term_by_name().get(c.name)
    display = term.display if term else c.name
    return f"{c.qualifier} {display}" if c.qualifier in DIABETES_TYPES else display


def _own_measurement_question(cons: list[Constraint]) -> str | None:
    """A measurement asked in its term's own words ("Were you born before 32 weeks of
    pregnancy?"); one of a pregnancy asks of the pregnancy too, so a line's "Pregnant" beside
    it adds nothing."""
    measured = [c for c in cons if c.concept == "measurement"]
    if not measured or len({c.name for c in measured}) != 1:
        return None
    own = rules.term_questions().get(measured[0].name)
    rest = [c for c in cons if c.concept != "measurement"]
    if own is None or any(c.concept != "pregnancy" or c.op != "present" for c in rest):
        return None
    usual = rules.term_by_name()[measured[0].name].unit

    def unit(c: Constraint) -> str | None:
        # A limit said without its unit, or as so many a minute, is in the term's own ("Heart
        # rate of at least 90/min": 90 bpm).
        return usual if c.unit in (None, _PER_MINUTE) else c.unit

    ops = {c.op: c for c in measured}
    if len(measured) == 2 and ">=" in ops and "<=" in ops and "between" in own:
        low, high = ops[">="], ops["<="]
        same = unit(low) == unit(high) and float(str(low.value)).is_integer()
        return own["between"].format(
            low=_fmt(low.value) if same else _quantity(low.value, unit(low)),
            high=_quantity(high.value, unit(high)),
        )
    c = measured[0]
    if len(measured) > 1 or c.op not in own:
        return None
    return own[c.op].format(q=_quantity(c.value, unit(c)))


def _pressure_question(cons: list[Constraint]) -> str | None:
    """Both pressures under one limit ("BP < 160/100 mmHg"), asked as the reading is given; a
    high one is past it in either number."""
    if [c.name for c in cons] != list(BLOOD_PRESSURES) or len({c.op for c in cons}) != 1:
        return None
    words = _OP_WORDS.get(cons[0].op)
    if words is None:
        return None
    limit = f"{_fmt(cons[0].value)}/{_fmt(cons[1].value)} mmHg"
    either = ", in either number" if high_pressure_limits(cons) else ""
    return f"Is your blood pressure {words.format(q=limit)}{either}?"


def template_question(cons: list[Constraint], joiner: str) -> str | None:
    """A question from the constraints alone, or None when they do not make one."""
    if not cons:
        return None
    concepts = {c.concept for c in cons}
    prefix = ""
    if "sex" in concepts and len(concepts) > 1:
        sex = next(c for c in cons if c.concept == "sex")
        prefix = "Women only: " if sex.value == "female" else "Men only: "
        cons = [c for c in cons if c.concept != "sex"]
        concepts = {c.concept for c in cons}
    if concepts == {"sex"}:
        return "Are you male or female?" if cons[0].op == "any" else f"Are you {cons[0].value}?"
    if concepts == {"health"}:
        return f"{prefix}Are you healthy?"
    own = _own_measurement_question(cons) or _pressure_question(cons)
    if own:
        return f"{prefix}{own}"
    if concepts == {"age"} and any(c.qualifier in _SEX_NOUNS for c in cons):
        # "Male Age 2 months to 20 years ... Female Age 2 months to 11 years"
        groups = {sex: [c for c in cons if c.qualifier == sex] for sex in _SEX_NOUNS}
        phrases = {sex: _age_phrase(group) for sex, group in groups.items() if group}
        if len(phrases) < 2 or None in phrases.values():
            return None
        asked = ", or ".join(f"{_SEX_NOUNS[sex]} {phrase}" for sex, phrase in phrases.items())
        return f"Are you {asked}?"
    if concepts == {"age"}:
        phrase = _age_phrase(cons)
        return f"{prefix}Are you {phrase}?" if phrase else None
    if concepts <= {"ecog", "karnofsky", "lansky"}:
        parts = []
        for concept in ("ecog", "karnofsky", "lansky"):
            group = [c for c in cons if c.concept == concept]
            if group:
                parts.append(_scale_phrase(group))
        return f"{prefix}Is " + f"{joiner}".join(parts) + "?"
    if concepts == {"nyha"}:
        question = _nyha_question(cons)
        return f"{prefix}{question}" if question else None
    if concepts <= {"pregnancy", "breastfeeding"}:
        windows = [c for c in cons if c.op == "within"]
        if windows:
            w = windows[0]
            span = f"{_fmt(w.value)} {_plural(w.value, w.unit or 'day')}"
            acts = " or ".join(
                "become pregnant" if c.concept == "pregnancy" else "breastfeed" for c in cons
            )
            return (
                f"{prefix}Do you expect to {acts} during treatment or within {span} "
                "after the last dose?"
            )
        if all(c.op == "present" for c in cons):
            if any(c.qualifier == "planned" for c in cons):
                return f"{prefix}Are you pregnant or planning to become pregnant?"
            states = [
                state
                for c in cons
                for state in (
                    ("pregnant", "planning to become pregnant")
                    if c.qualifier == CURRENT_OR_PLANNED
                    else ("pregnant" if c.concept == "pregnancy" else "breastfeeding",)
                )
            ]
            listed = (
                " or ".join(states)
                if len(states) < 3
                else ", ".join(states[:-1]) + ", or " + states[-1]
            )
            return f"{prefix}Are you {listed}?"
        if all(c.op == "absent" for c in cons):
            negated = " or ".join(
                "pregnant" if c.concept == "pregnancy" else "breastfeeding" for c in cons
            )
            return f"{prefix}Can you confirm you are not {negated}?"
        return None
    if concepts == {"measurement"} and len({c.name for c in cons}) == 1:
        c = cons[0]
        display = _display(c)
        ops = {x.op: x for x in cons}
        if ">=" in ops and "<=" in ops:
            lo, hi = ops[">="], ops["<="]
            low_q, high_q = _quantity(lo.value, lo.unit), _quantity(hi.value, hi.unit)
            return f"{prefix}Has a recent test shown {display} is between {low_q} and {high_q}?"
        below = ops.get("<") or ops.get("<=")
        above = ops.get(">") or ops.get(">=")
        if (
            len(cons) == 2
            and below is not None
            and above is not None
            and isinstance(below.value, int | float)
            and isinstance(above.value, int | float)
        ):
            # "BMI less than 20 or greater than 50": outside a range; "BMI >15 and < 30 kg/m2":
            # inside one, its ends left out.
            outside = joiner == " or " and below.value < above.value
            inside = joiner == " and " and above.value < below.value
            if outside or inside:
                first, second = (below, above) if outside else (above, below)
                return (
                    f"{prefix}Has a recent test shown {display} is "
                    + _OP_WORDS[first.op].format(q=_quantity(first.value, first.unit))
                    + joiner
                    + _OP_WORDS[second.op].format(q=_quantity(second.value, second.unit))
                    + "?"
                )
        if len(cons) > 1 or c.op not in _OP_WORDS:
            return None
        return (
            f"{prefix}Has a recent test shown {display} is "
            + _OP_WORDS[c.op].format(q=_quantity(c.value, c.unit))
            + "?"
        )
    if concepts == {"measurement"}:
        shared = _shared_limit_question(cons)
        if shared:
            return f"{prefix}{shared}"
    lines = [c for c in cons if c.name == "prior lines of therapy"]
    if lines:
        ops = {c.op: c for c in lines}
        if ">=" in ops and "<=" in ops:
            low, high = ops[">="].value, ops["<="].value
            between = f"between {_fmt(low)} and {_fmt(high)}"
            return f"{prefix}Have you had {between} lines of treatment before?"
        first = lines[0]
        count = f"{_fmt(first.value)} {_plural(first.value, 'line')}"
        words = {
            ">=": f"at least {count}",
            ">": f"more than {count}",
            "<=": f"no more than {count}",
            "<": f"fewer than {count}",
            "==": f"exactly {count}",
        }
        return f"{prefix}Have you had {words.get(first.op, count)} of treatment before?"
    if concepts <= {"therapy", "procedure", "drug", "condition"}:
        if any(c.name in _STATUS_TERMS or c.qualifier == "specific" for c in cons):
            return None  # the term's name alone would lose its kind ("epidural steroids")
        cons, types = _types_folded(cons)
        known = rules.term_by_name()
        if any(c.concept == "condition" and c.name not in known for c in cons):
            return None
        shapes = {(c.op, c.value, c.unit, c.qualifier, c.purpose) for c in cons}
        if len(shapes) != 1 or len(concepts) != 1:
            return None
        purpose = cons[0].purpose
        aim = f" for {known[purpose].display if purpose in known else purpose}" if purpose else ""
        names = [f"{types[c.name]} {_display(c)}" if c.name in types else _display(c) for c in cons]
        listed = ", ".join(names[:-1]) + f"{joiner}{names[-1]}" if len(names) > 1 else names[0]
        question = _event_question(cons[0], listed + aim)
        return f"{prefix}{question}" if question else None
    return None


def _shared_limit_question(cons: list[Constraint]) -> str | None:
    """Results listed under one limit ("AST/ALT ≤ 2.5 x ULN"): each within a limit from
    above, any past a limit from below ("AST or ALT > 3 x ULN")."""
    names = [c.name for c in cons]
    if len(set(names)) != len(names) or len({(c.op, c.value, c.unit) for c in cons}) != 1:
        return None
    c = cons[0]
    if c.op not in _OP_WORDS:
        return None
    limit = _OP_WORDS[c.op].format(q=_quantity(c.value, c.unit))
    displays = [_display(x) for x in cons]
    if c.op in ("<", "<="):
        listed = ", ".join(displays[:-1]) + f" and {displays[-1]}"
        return f"Have recent tests shown {listed} are each {limit}?"
    listed = ", ".join(displays[:-1]) + f" or {displays[-1]}"
    return f"Has a recent test shown {listed} is {limit}?"


def _panel_question(item: Criterion, cons: list[Constraint], between: str) -> str | None:
    """Several results, one limit each ("ANC >= 1.75 x 109 / L, platelet >= 100 x 109 / L,
    hemoglobin is more than or equal to 9 g / dl"): each must hold, or, listed apart in an
    exclusion, any one rules the person out. A line that offers a choice ("creatinine ≤ 1.5 x
    ULN or creatinine clearance ≥ 50 mL/min") is left to its words."""
    names = [c.name for c in cons]
    if (
        len(cons) < 2
        or len(set(names)) != len(names)
        or any(c.concept != "measurement" or c.op not in _OP_WORDS for c in cons)
        or rules.EITHER.search(between)
    ):
        return None
    parts = [
        f"{_display(c)} is " + _OP_WORDS[c.op].format(q=_quantity(c.value, c.unit)) for c in cons
    ]
    if item.kind == "exclusion" and rules.results_listed_apart(item.text, cons):
        return f"Has a recent test shown {', '.join(parts[:-1])} or {parts[-1]}?"
    return f"Have recent tests shown {', '.join(parts[:-1])} and {parts[-1]}?"


def _types_folded(cons: list[Constraint]) -> tuple[list[Constraint], dict[str, str]]:
    """The constraints less a type of diabetes named with a time ("Diagnosed with T2D greater
    than or equal to 180 days"), and that type by the name of the term the time is about: the
    question asks about that type's time."""
    typed = {c.name: c for c in cons if c.qualifier in DIABETES_TYPES and c.op == "present"}
    timed = {c.name for c in cons if c.name in typed and c is not typed[c.name]}
    if not timed:
        return cons, {}
    kept = [c for c in cons if not (c.name in timed and c is typed[c.name])]
    return kept, {name: str(typed[name].qualifier) for name in timed}


def _first_sentence(text: str) -> tuple[str, str]:
    m = _FIRST_SENTENCE.search(text)
    if not m:
        return text, ""
    return text[: m.start() + 1], text[m.end() :]


# Other stops that end a sentence (none of them ASCII).
_OTHER_STOPS = re.compile("[•·▪。；]")
_LIST_NUMBER_END = re.compile(r"\s\d{1,2}[.)]$")


def _text_sentence(text: str) -> tuple[str, str]:
    """The first sentence of ``text`` and the rest, for a question from the wording."""
    for m in _TEXT_SENTENCE.finditer(text):
        head = text[: m.start() + 1]
        if head.count("(") > head.count(")") and ")" in text[m.end() :]:
            continue  # a stop inside brackets closed later: "(ex. CBT. Light therapy)"
        if _LIST_NUMBER_END.search(head):
            continue  # the number of the next item of a list: "... transplant. 9. Allergy"
        return head, text[m.end() :]
    return text, ""


# "History of liver cirrhosis with or without hepatitis viral co-infection", "cirrhosis of any
# aetiology": what may be either way asks nothing more, unless it is what the line reads or
# more of the clause follows; nor does a diagnosis called the primary or the clinical one.
_EITHER_WAY = re.compile(
    r"\bwith\s+or\s+without\s+(?:[A-Za-z][\w/-]*\s*){1,5}(?=[.;,)]|$)|"
    # "Between 18-80 years of age and may be of either gender or any race"
    r"(?:\band\s+)?(?:\bmay\s+be\s+)?\bof\s+(?:either|any|both)\s+(?:genders?|sex(?:es)?)\b"
    r"(?:\s+(?:and|or)\s+(?:of\s+)?any\s+race\b)?|"
    # "diagnosed with cirrhosis of any aetiology", "a primary diagnosis of schizophrenia"
    r"\bof\s+any\s+(?:a?etiology|aetiologies|etiologies|cause|causes|origin|type|types|kind)\b|"
    r"\b(?:primary|clinical)(?=\s+diagnosis\b)|"
    # "active local or systemic infection": every place it may be
    r"\b(?:local(?:ized)?\s+(?:and/)?or\s+systemic|systemic\s+(?:and/)?or\s+local(?:ized)?)\b",
    re.I,
)


# "No history of diabetes": the negation an "absent" constraint after it already reads.
_NEGATION = re.compile(r"\b(?:no|not|never|without)\b", re.I)
_NEGATION_REACH = re.compile(
    r"(?:\s+(?:a|any|known|prior|previous|history|of|evidence|diagnosis))*\s+", re.I
)


# "ALP > 1.5 × ULN (unless the ALP elevation is not from hepatic origin ...)": a bracket that
# makes an exception or a condition is no aside.
_QUALIFYING_BRACKET = re.compile(
    r"[(\[]\s*(?:unless|except|excluding|if|only\s+if|provided|but|when)\b", re.I
)


def _an_aside(sentence: str, bracket: tuple[int, int], cons: list[Constraint]) -> bool:
    """A bracket says nothing more unless something read only there stands in it: then its
    other words say more of that ("(AST/ALT ≤2.5 x ULN unless liver metastases are present
    ...)", "skeletally immature (<18 years of age or no radiographic evidence ...)"), where
    "age >22 years (... used in adults in 22 years and older)" repeats the line."""
    start, end = bracket
    if _QUALIFYING_BRACKET.match(sentence, start):
        return False
    inside = {c.name for c in cons if start <= c.span[0] < end}
    outside = {c.name for c in cons if not start <= c.span[0] < end}
    return inside <= outside


def _uncovered_text(sentence: str, cons: list[Constraint]) -> str:
    """``sentence`` less the constraints' spans, the words that gave a measurement its sense
    ("Preterm infants born ... 34 weeks of gestation"), the time anchors, bracketed asides,
    what may be either way and the negation of what is absent."""
    spans = [(max(0, c.span[0]), c.span[1]) for c in cons]
    terms = rules.term_by_name()
    for name in {c.name for c in cons if c.concept == "measurement"}:
        context = terms[name].context if name in terms else None
        if context is not None:
            spans.extend(m.span() for m in context.finditer(sentence))
    either = [
        m.span()
        for m in _EITHER_WAY.finditer(sentence)
        if not any(a < m.end() and m.start() < b for a, b in spans)
    ]
    absent = [c.span[0] for c in cons if c.op == "absent"]
    negations = [
        m.span()
        for m in _NEGATION.finditer(sentence, 0, absent[0] if absent else 0)
        if absent and _NEGATION_REACH.fullmatch(sentence, m.end(), absent[0])
    ]
    asides = [
        m.span() for m in _BRACKETED.finditer(sentence) if _an_aside(sentence, m.span(), cons)
    ]
    parts, end = [], 0
    for start, stop in sorted(spans + either + negations + asides):
        if start > end:
            parts.append(sentence[end:start])
        parts.append(" ")
        end = max(end, stop)
    parts.append(sentence[end:])
    return _ANCHOR.sub(" ", "".join(parts))


def _uncovered_words(uncovered: str) -> list[str]:
    """The words of ``_uncovered_text`` that say something (fillers left out)."""
    return [w for w in _PLAIN_WORD.findall(uncovered) if w.lower() not in _FILLER]


# "A respiratory rate of at least 20/min or a PaCO2 of 32mmHg or lower": "or" after a limit,
# before words no constraint reads, offers a choice the template would not ask.
_OR_UNREAD = re.compile(
    r"\s*,?\s*(?:and/)?or"
    + rules.NO_CHOICE_AFTER_OR
    + r"\s+(?:an?\s+|the\s+)?(?P<word>[A-Za-z][\w-]*)",
    re.I,
)


def _unread_choice(sentence: str, cons: list[Constraint]) -> bool:
    """Whether "or" after a measurement's limit offers words no constraint reads."""
    for c in cons:
        m = _OR_UNREAD.match(sentence, c.span[1]) if c.concept == "measurement" else None
        if m is not None and not any(o.span[0] <= m.start("word") < o.span[1] for o in cons):
            return True
    return False


# "pregnant women with severe anemia", "pregnancy women affected by thalassemia": the words after
# such a link narrow who the criterion is about, so the constraints alone do not say it all.
_NARROWED = re.compile(
    r"\b(?:with|affected by|suffering from|diagnosed with|who (?:have|has|are|is)|having)\s+"
    r"(?:(?:a|an|the|any|known|history of|not|no)\s+)*(?P<word>[^\W\d_][\w'-]*)",
    re.I,
)


# Constraints on who the person is; "with ..." after them says more about that person.
_PERSON_CONCEPTS = frozenset(
    {"age", "sex", "pregnancy", "breastfeeding", "ecog", "karnofsky", "lansky"}
)


_PERSON_QUALIFIERS = frozenset(_DATA["person_qualifiers"])


def _narrowed(uncovered: str, cons: list[Constraint]) -> bool:
    """Whether words of ``_uncovered_text`` narrow a criterion on who the person is: after
    "with", "affected by", ..., or a word such as "postmenopausal" or "Japanese" (events and
    measurements say their own scope)."""
    if any(c.concept not in _PERSON_CONCEPTS for c in cons):
        return False
    if any(w.lower() in _PERSON_QUALIFIERS for w in _PLAIN_WORD.findall(uncovered)):
        return True
    return any(m.group("word").lower() not in _FILLER for m in _NARROWED.finditer(uncovered))


_ADVERBS = frozenset(_DATA["adverbs"])


def _participle_first(rest: str) -> bool:
    """Whether ``rest`` starts with a participle ("received ...", "previously undergone ..."),
    not a noun or an adjective ("diabetes", "previously documented evidence")."""
    words = rest.split(" ", 2)
    first = words[0].lower()
    if first in _ADVERBS and len(words) > 1:
        return words[1].lower() in _PARTICIPLES  # "previously documented evidence": an adjective
    return first in _PARTICIPLES or (first.endswith("ed") and len(first) > 4)


def _have(rest: str) -> str:
    """ "have X" as a question: "Have you received ..." but "Do you have diabetes"."""
    return _perfect_or(rest, "Do you have")


def _had(rest: str) -> str:
    """ "had X" as a question: "Have you undergone ..." but "Have you had a stroke"."""
    return _perfect_or(rest, "Have you had")


def _perfect_or(rest: str, otherwise: str) -> str:
    """``rest`` after "have"/"had": "Have you received ..." when it starts with a participle,
    "Can you confirm you have not received ...?" for its negation, else ``otherwise``."""
    if rest[:4].lower() == "not " and _participle_first(rest[4:]):
        return f"Can you confirm you have {rest}"
    return f"Have you {rest}" if _participle_first(rest) else f"{otherwise} {rest}"


_LOWER_WORDS = ("A ", "An ", "Any ", "The ")


def _lower_first(text: str) -> str:
    """``text`` with a capital first letter lowered, unless it starts an acronym."""
    if text[1:2].islower() or text.startswith(_LOWER_WORDS):
        return text[:1].lower() + text[1:]
    return text


def _lower_common(text: str) -> str:
    """Like ``_lower_first``, but a name in capitals ("Clinical Frailty Scale") stays."""
    second = text.split(" ", 2)[1:2]
    if second and second[0][:1].isupper() and not second[0].isupper():
        return text
    return _lower_first(text)


_A_NOT_AN = ("uni", "use", "usu", "uri", "ure", "uro", "eu", "one", "once", "u.")


def _article(text: str) -> str:
    """ "a" or "an" before ``text`` (by its spelling, which is right for plain words)."""
    lowered = text.lower()
    return "an" if lowered[:1] in "aeiou" and not lowered.startswith(_A_NOT_AN) else "a"


def _from_template(template: str, values: dict[str, str]) -> str:
    """``template`` filled from a row's groups and the forms of ``x`` it asks for."""
    for key in ("w", "v"):
        if key in values:
            values[key] = values[key].lower()
    if "x" in values:
        x = values["x"]
        values["x0"] = _lower_first(x)
        if "x1" in template:
            values["x1"] = _lower_common(x)
        if "have_x" in template:
            values["have_x"] = _have(x)
        if "had_x" in template:
            values["had_x"] = _had(x)
        if "a_x" in template:
            values["a_x"] = f"{_article(x)} {values['x0']}"
    return template.format(**values)


_NP = _DATA["noun_phrase"]
_NP_LEAD = re.compile(_NP["lead"], re.I)
_NP_LEAD_WORDS = frozenset(_NP["lead_words"])
_NP_RELATIVE = frozenset(_NP["relative_words"])
_NP_CLAUSE = frozenset(_NP["clause_words"])
_NP_REFUSE = frozenset(_NP["refuse_words"])
_NP_REFUSE_PATTERN = re.compile(_NP["refuse_pattern"], re.I)
_NP_WINDOW = frozenset(_NP["window_words"])
_NP_WINDOW_LEADS = frozenset(_NP["window_leads"])
_NP_TIME = frozenset(_NP["time_words"])
_NP_PEOPLE = frozenset(_NP["people_words"])
_NP_KINDS = {word: kind for kind, words in _NP["heads"].items() for word in words}
_NP_SUFFIXES = tuple(_NP["condition_suffixes"])
_NP_NOT_HEADS = frozenset(_NP["not_heads"])
_NP_BAD_WORDS = frozenset(_NP["bad_words"])
_NP_COUNT = frozenset(_NP["count_heads"])
_NP_DETERMINERS = frozenset(_NP["determiners"])
_NP_QUESTIONS: dict[str, str] = _NP["questions"]
_JOINERS = ("or", "and", "and/or")
_TOKENS = re.compile(r"\([^)]*\)|\[[^\]]*\]|[a-z]+")
_GROUP_LINKS = frozenset({"or", "and", "in"})


def _head_kind(word: str) -> str | None:
    """What a head noun names: a condition, an event or a treatment (None: none of these)."""
    word = word.rsplit("/", 1)[-1].strip(".,'\"")
    kind = _NP_KINDS.get(word) or _NP_KINDS.get(word[:-1] if word.endswith("s") else word)
    if kind is None and word.endswith(_NP_SUFFIXES) and word not in _NP_NOT_HEADS:
        kind = "condition"
    return kind


def _has_window(words: list[str]) -> bool:
    """Whether ``words`` set a time window: "within", "ago", "in the past", "last 6 months"."""
    if not _NP_WINDOW.isdisjoint(words):
        return True
    return any(
        word in _NP_WINDOW_LEADS
        and ((i and words[i - 1] == "the") or words[i + 1 : i + 2] and words[i + 1] in _NP_TIME)
        for i, word in enumerate(words)
    )


def _alternation(words: list[str]) -> str:
    """``words`` as one regex alternation, grouped by first letter so that it is quick."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(
        f"{re.escape(letter)}(?:{'|'.join(rests)})" for letter, rests in by_letter.items()
    )


# The head phrase: words up to the first end word, comma or bracket (at most ten); a bracket
# joined to the rest of its word by a hyphen is part of it ("(HIV)-associated").
_NP_WORD = r"(?:[^\s,;(\[]+|\([^()\s]*\)(?=-))+"
_NP_PHRASE = re.compile(
    _NP_WORD
    + r"(?:\s+(?!(?:"
    + _alternation(_NP["end_words"])
    + r"|other\s+than|-)(?=[\s,;(\[]|$))"
    + _NP_WORD
    + "){0,9}"
)


def _noun_question(body: str, lowered: str | None = None) -> str | None:
    """A question for a bare noun phrase naming a condition ("Pulmonary edema or cyanosis").

    Only a phrase whose head noun is a known condition, event or treatment word qualifies,
    and only when no verb outside a relative clause makes the criterion a statement.
    """
    if ":" in body or ";" in body:
        return None
    if lowered is None:
        lowered = _lowered(body)
    first = _first_word(lowered)
    if first in _NP_BAD_WORDS and first not in _NP_LEAD_WORDS:
        return None
    lead = _NP_LEAD.match(lowered) if first in _NP_LEAD_WORDS else None
    keep = lead.group("keep") if lead else None
    start = (lead.end("keep") if keep else lead.end()) if lead else 0
    phrase = _NP_PHRASE.match(lowered, start)
    if phrase is None:
        return None
    words = phrase.group().split()
    while words and words[-1] in _JOINERS:
        words.pop()
    if not words or len(words) > 8:
        return None
    kind = _head_kind(words[-1])
    if kind is None or not _NP_BAD_WORDS.isdisjoint(words):
        return None
    # The words outside brackets: what the criterion itself says.
    plain = [t for t in _TOKENS.findall(lowered, start) if t[0] not in "(["]
    if not _NP_REFUSE.isdisjoint(plain) or _NP_REFUSE_PATTERN.search(lowered):
        return None
    if any(w in _NP_PEOPLE and plain[i - 1] in _GROUP_LINKS for i, w in enumerate(plain) if i):
        return None  # "... in subjects", "... or patients who ...": about someone else
    relative = next((i for i, w in enumerate(plain) if w in _NP_RELATIVE), None)
    if not _NP_CLAUSE.isdisjoint(plain[:relative]):
        return None
    rest = body[start:]
    kept = body[lead.start("keep") :] if lead and keep else rest
    # A capital after the first word marks a name ("Parkinson's Disease"), an acronym does not.
    named = any(w[:1].isupper() and not w.isupper() for w in body[start : phrase.end()].split()[1:])
    x = kept if named and not kept.startswith(_LOWER_WORDS) else _lower_first(kept)
    window = _has_window(plain)
    if lead and lead.group("now"):
        key = "current_" + kind
    elif lead and lead.group("recent"):
        key = "recent_" + kind
    elif kind == "treatment":
        key = "treatment_window" if window else ""
    else:
        key = "condition_window" if kind == "condition" and window else kind
        if x.startswith("other "):
            x = "any " + x
        elif (
            not named
            and not keep
            and words[-1] in _NP_COUNT
            # "medical conditions causing significant functional disability": many of them.
            and not any(w[:-1] in _NP_COUNT and w.endswith("s") for w in words[:-1])
            and words[0] not in _NP_DETERMINERS
            and words[0][:1].isalpha()
            and not rest.split(None, 1)[0].isupper()
            and "'" not in rest
        ):
            x = f"{_article(x)} {x}"
    template = _NP_QUESTIONS.get(key)
    return template.format(x=x) if template else None


_LEAD_NOISE = re.compile(_DATA["lead_noise"])
_SCOPE = re.compile(_DATA["scope_label"], re.I)


_PLAIN = re.compile(_expand("{plain}"))
_TWO_WORDS = re.compile(r"\S+\s+\S+")
# A clause with a subject of its own after a comma ("..., they may be post-menopausal").
_NEW_CLAUSE = re.compile(r"[,;]\s*(?:they|you|she|he|it|there)\s")


def _one_statement(lowered: str) -> bool:
    """Whether ``lowered`` says one thing after its first two words ("must have", "who are"):
    no cut between statements, no second verb joined by "and"/"or", no other group of people,
    no "must" (the ``plain`` macro of the text rules, for rules that do not check it
    themselves)."""
    start = lead.end() if (lead := _TWO_WORDS.match(lowered)) else 0
    return _COORD_CUT.search(lowered, start) is None and _PLAIN.match(lowered, start) is not None


_SEX_GROUP = _DATA["group_label"]
_GROUP_SCOPE = re.compile(_expand(_SEX_GROUP["scope"]))
_GROUP_SUBJECT = re.compile(_expand(_SEX_GROUP["subject"]))
_GROUP_FIRST_WORDS = frozenset(_SEX_GROUP["first_words"])
_OPINION_DATA = _DATA["opinion_label"]
_OPINION = re.compile(_OPINION_DATA["pattern"])
_OPINION_REACH: int = _OPINION_DATA["reach"]
_OPINION_LABEL: str = _OPINION_DATA["label"]
_OPINION_WHO = re.compile(r"^(\S+),\s+who\b,?")
_WHO_VERB = re.compile(r"\S+\s+(who\s+)(?!(?:is|has|was|does)\b)[a-z]+s\b", re.I)
_SELF_REPORT = re.compile(_expand(_DATA["self_report"]))
_SELF_REPORT_REACH = 40


_STOPS = ".;:,? 。；：，？"
_NOISY_START = frozenset("•·▪◦*-–.(0123456789")


def _without_lead(text: str) -> str:
    """``text`` less a stray list number or bullet at its start."""
    text = text.strip()
    if text[:1] in _NOISY_START or text[1:2] == ")" or text[:1] in "ivxIVX":
        text = _LEAD_NOISE.sub("", text, count=1)
    return text


_CONSEQUENCE = _DATA["consequence"]
_CONSEQUENCE_LEAD = re.compile(_CONSEQUENCE["lead"], re.I)
_CONSEQUENCE_TAIL = re.compile(_CONSEQUENCE["tail"], re.I)
_ASIDE_KEPT = re.compile(_CONSEQUENCE["aside_kept"], re.I)
# Words one of which every consequence the patterns read contains: most lines have none.
_CONSEQUENCE_STEMS = ("exclu", "eligib", "enrol", "includ")
# Where a line's first clause ends: a consequence after it belongs to another statement.
_CLAUSE_STOP = re.compile(r"[.;:]\s|\bnote\b", re.I)
# A lead-in with nothing left once the list and the consequence are cut ("Patients will be
# excluded from the study if they meet", "Study Participants: Participants").
_BARE_LEAD = re.compile(
    r"(?:[^:]{0,40}:\s*)?(?:(?:the|a|an|all)\s+)?(?:patients?|participants?|subjects?|persons?|"
    r"individuals?)?(?:\s*who)?(?:\s*(?:meets?|meeting|fulfil+s?|fulfil+ing|satisf(?:y|ies)))?"
    r"(?:\s*(?:(?:all|any|each)\s+)?(?:of\s+)?the\s+following\s+criteria(?:\s+(?:are\s+met|apply))?)?"
    r"|(?:the\s+)?following\s+criteria\s+(?:must|should)\s+be\s+(?:met|satisfied|fulfilled)"
    r"|all\s+answers\s+must\s+be\s+yes(?:\s+to\s+be\s+eligible(?:\s+for\s+the\s+study)?)?"
    # "Exhibit at least two of the following clinical symptoms of pneumonia:"
    r"|(?:(?:the\s+)?(?:patients?|participants?|subjects?)\s+)?(?:must\s+)?(?:exhibits?|shows?|"
    r"presents?(?:\s+with)?|displays?)",
    re.I,
)


def _without_consequence(text: str) -> str:
    """``text`` less what it says the study does with such a person ("... will be excluded",
    "Patients are excluded if they ..."): the question asks about the person. Empty when
    that is all it says."""
    said = any(stem in text for stem in _CONSEQUENCE_STEMS)
    lead = _CONSEQUENCE_LEAD.match(text) if said else None
    if lead is not None:
        text = ("Patients who " if lead.group("who") else "") + text[lead.end() :]
    return _without_consequence_tail(text)


def _without_consequence_tail(text: str) -> str:
    """``text`` less a closing "... will be excluded (from the study)" and the reason after it,
    in its first clause only."""
    if "exclu" not in text and "eligib" not in text:
        return text
    tail = _CONSEQUENCE_TAIL.search(text)
    if tail is None or tail.start() == 0:
        return text
    before = text[: tail.start()]
    if before.count("(") != before.count(")") or _CLAUSE_STOP.search(before):
        return text  # "(e.g., ... would be excluded)", "... Note: Pregnant women are excluded"
    aside = tail.group("aside") or ""
    return before + (aside if _ASIDE_KEPT.match(aside) else "")


# "Patients with cirrhosis or those with biliary obstruction": one group, two conditions.
_OTHERS_WITH = re.compile(r"\bor those with\b")
# An abbreviation whose stop stays at the end of a question ("... in the U.S.?").
_ABBREVIATION_END = re.compile(r"\b(?:U\.S|etc)$")


def _body(text: str) -> str:
    """The criterion's words as a question's body: no list number, trailing stop, question
    mark or joiner."""
    words = _without_or_tail(_without_lead(text))
    body = (_without_consequence(words) or words).rstrip(_STOPS)
    if "those with" in body:
        body = _OTHERS_WITH.sub("or", body)
    if _ABBREVIATION_END.search(body):
        body += "."
    return _you(body)


def _question(body: str) -> str | None:
    """A question built from ``body`` by the first rule that fits it, or None."""
    if not body:
        return None
    lowered = _lowered(body)
    question = _single_question(body, lowered)
    if (
        question is None
        and len(lowered) <= _COORDINATION["most_characters"]
        and (" and " in lowered or " or " in lowered)
        and _coordination_start(_first_word(lowered))
    ):
        question = _coordinated_question(body, lowered)
    return question


# "Are you hospitalized patients with ...": the reader is one of the people the line names.
_PEOPLE_NAMED = re.compile(
    r"^Are you (?!(?:the|a|an|all|any|only|not|one)\b)((?:[\w-]+ ){1,5}?)"
    r"(patient|subject|participant|individual|person)s\b"
)


def _one_person(question: str) -> str:
    """``question`` with the people it names made the one person asked ("Are you a hospitalized
    patient with ...?")."""
    m = _PEOPLE_NAMED.match(question)
    if m is None:
        return question
    words = m.group(1)
    return f"Are you {_article(words)} {words}{m.group(2)}{question[m.end() :]}"


def _coordination_start(word: str) -> bool:
    """Whether a criterion starting with ``word`` may be statements about the reader: a subject
    ("Participant is ..."), a verb ("Agrees to ..."), a participle or an adverb before one."""
    return (
        word in _SUBJECT_WORDS
        or word in _COORD_FIRST_WORDS
        or word in _PARTICIPLES
        or word in _ADVERBS
        or word.endswith(("ed", "s"))
    )


def _single_question(body: str, lowered: str) -> str | None:
    """A question for ``body`` as one statement: a text rule, a noun phrase or a scope label."""
    subject = _first_word(lowered) in _SUBJECT_WORDS
    rows = text_rows()
    first = (rows.with_subject if subject else rows.without_subject).match(lowered)
    if first is not None and first.lastgroup is not None:
        i = int(first.lastgroup[1:])
        m = rows.patterns[i].match(lowered)
        if m is not None:
            values = {
                name: body[m.start(name) : m.end(name)]
                for name, value in m.groupdict().items()
                if value is not None
            }
            return _one_person(_from_template(_ROW_QUESTIONS[i], values))
    question = _noun_question(body, lowered)
    if question is None and (":" in body or "：" in body):
        scope = _SCOPE.match(body)
        inner = _question(_body(scope.group("rest"))) if scope else None
        if scope and inner:
            question = f"{scope.group('label').strip()}: {inner}"
    if question is None and _first_word(lowered) in _GROUP_FIRST_WORDS:
        question = _group_question(body, lowered)
    if question is None and (
        "opinion" in lowered[:_OPINION_REACH] or "judg" in lowered[:_OPINION_REACH]
    ):
        question = _opinion_question(body, lowered)
    if question is None and "report" in lowered[:_SELF_REPORT_REACH]:
        question = _self_report_question(body, lowered)
    return question


def addressed_to(text: str) -> str | None:
    """The sex a line opens by addressing ("If female of childbearing potential, ...", "For
    women only: ..."), whatever its constraints read; None when it opens otherwise."""
    lowered = _lowered(text.lstrip())
    if _first_word(lowered) not in ("if", "for"):
        return None
    scope = _GROUP_SCOPE.match(lowered)
    if scope is None:
        return None
    return "female" if scope.group("female") else "male"


def _group_question(body: str, lowered: str) -> str | None:
    """A question for a criterion on one sex ("Female participant must agree not to breastfeed",
    "If female of childbearing potential, must have ..."), asked of the reader under a label
    that says whom it is for ("Women only: Do you agree not to breastfeed ...?")."""
    scope = _GROUP_SCOPE.match(lowered)
    if scope is not None:
        rest = _body(body[scope.start("rest") :])
    else:
        scope = _GROUP_SUBJECT.match(lowered)
        if scope is None:
            return None
        rest = _without_who("participants " + body[scope.start("rest") :])
    inner = _statement_question(rest)
    if inner is None:
        return None
    sex = "female" if scope.group("female") else "male"
    potential = "potential" if scope.group("potential") else "any"
    return f"{_SEX_GROUP['labels'][sex][potential]}: {inner}"


def _opinion_question(body: str, lowered: str) -> str | None:
    """A criterion the investigator judges ("Patients who, in the opinion of the investigator,
    present a risk of suicide"), asked as such: "In the study doctor's opinion, do you ...?"."""
    opinion = _OPINION.search(lowered)
    if opinion is None or opinion.start() > _OPINION_REACH:
        return None
    rest = _OPINION_WHO.sub(r"\1 who", body[: opinion.start()] + " " + body[opinion.end() :], 1)
    inner = _statement_question(_without_who(rest.strip()))
    if inner is None:
        return None
    return f"{_OPINION_LABEL}{inner[:1].lower()}{inner[1:]}"


def _self_report_question(body: str, lowered: str) -> str | None:
    """A criterion the person reports ("Participants must self-report that they are not
    currently incarcerated"): what they report is what they are asked."""
    lead = _SELF_REPORT.match(lowered)
    if lead is None:
        return None
    rest = body[lead.end() :]
    if rest[:4].lower() == "you ":
        rest = "participants " + rest[4:]
    return _statement_question(rest)


def _without_who(text: str) -> str:
    """``text`` without the "who" before a verb in -s ("Man who agrees to ..." becomes "Man
    agrees to ..."), which the rules ask as a statement ("Do you agree to ...?")."""
    m = _WHO_VERB.match(text)
    return text if m is None else text[: m.start(1)] + text[m.end(1) :]


def _statement_question(rest: str) -> str | None:
    """A question for ``rest``, the statement under a label: a text rule when it says one
    thing, else its statements one by one; None for one with a clause of its own."""
    rest_lowered = _lowered(rest)
    if _NEW_CLAUSE.search(rest_lowered):
        return None
    inner = None
    if _one_statement(rest_lowered):
        inner = _single_question(rest, rest_lowered)
    if inner is None:
        inner = _coordinated_question(rest, rest_lowered)
    if inner is None or not inner.startswith(_COORD_QUESTION_STARTS):
        return None
    return inner


_COORDINATION = _DATA["coordination"]
# A joiner before a verb that starts another statement about the same person: "..., and has",
# " or is", " and who are". Cuts inside brackets are skipped in code. Each branch starts with
# a literal (a comma, a space), so that the search skips to those characters at once.
_COORD_CUT = re.compile(
    r"(?:,\s*(?:(?P<comma>and/or|and|or)\s+)?| (?P<word>and/or|and|or)\s+)(?:who\s+)?"
    r"(?=(?:" + _alternation(_COORDINATION["verbs"]) + r")\s)"
)
_COORD_SUBJECT = re.compile(_expand(r"{subject}\s+(?:(?:who|that)\s+)?"))
_COORD_OPEN_ENDS = frozenset(_COORDINATION["open_ends"])
_COORD_FIRST_WORDS = frozenset(_COORDINATION["verbs"] + _COORDINATION["first_words"])
_COORD_CLOSED_ENDS = frozenset(_COORDINATION["closed_ends"])
_COORD_QUESTION_STARTS = tuple(_COORDINATION["question_starts"])


# Words that, in a statement, speak of someone else ("... as judged by the investigator"), join
# a clause with a subject of its own ("and the start date is ..."), oblige ("must") or say
# who is eligible, or start a list: the cut is not between two statements about the person.
_COORD_OTHER = re.compile(
    r"\b(?:subjects?|patients?|participants?|investigators?|physicians?|doctors?|you|must"
    r"|should|shall|women|men|females|males|children|adults|individuals|persons|people|those)\b"
    r"|\b(?:and|or)\s+(?:the|a|an|this|that|its|your)\s+(?:[\w-]+\s+){0,4}(?:is|are|was|were)\s"
    r"|\b(?:be|is|are|were|been)\s+(?:not\s+)?(?:eligible|ineligible|excluded|allowed|permitted"
    r"|included|enrolled)\b|[,;.]\s*\(?\d{1,2}\)\s|:"
)
_AND_A = re.compile(r"\band an? ")
_NEGATED_HAVE = re.compile(r"you (?:had|have) not ")
_INNER_LIST = re.compile(r",\s*(?:and|or)\s|[.;:]\s")
_PLURAL_ROLE = re.compile(
    r"are you (?:the |only |current |active |regular )*\w+(?:ers|ates|ents|ists|ors)\b"
)


def _open_end(part: str) -> bool:
    """Whether ``part`` ends where its object should follow ("has received", "is taking",
    "agrees to download"): the object is shared with the next statement, which a question for
    each part would lose."""
    words = part.lower().rsplit(None, 2)
    last = words[-1].strip(",")
    if len(words) > 1 and words[-2] == "to":
        return True
    if last in _COORD_CLOSED_ENDS:
        return False
    return last in _COORD_OPEN_ENDS or last in _PARTICIPLES or last.endswith(("ing", "ed"))


def _coordinated_question(body: str, lowered: str) -> str | None:
    """Statements joined by "and" or "or" ("Subject is able to read English and has given
    consent"), each asked by the rules in turn and joined as the criterion joins them; None
    unless every statement has a question of its own. The cheap checks of every statement
    come before the rules ask any, so that most criteria that are no such list cost little."""
    cuts: list[tuple[int, int]] = []
    joiner: str | None = None
    word: str | None = None
    for m in _COORD_CUT.finditer(lowered):
        before = lowered[: m.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        word = m.group("comma") or m.group("word")
        if word is not None and joiner is not None and word != joiner:
            return None  # "and" beside "or": which binds first is unclear
        joiner = word or joiner
        cuts.append((m.start(), m.end()))
    if not cuts or word is None or len(cuts) >= _COORDINATION["most_statements"]:
        return None  # no cut, no joiner before the last statement, or too many statements
    if word != "and" and _AND_A.search(lowered):
        return None  # "has an email or is willing to create one and a phone": "and" binds last
    subject = _COORD_SUBJECT.match(lowered)
    prefix = body[: subject.end()] if subject else ""
    texts, start = [], 0
    for i, (cut_start, cut_end) in enumerate(cuts + [(len(body), len(body))]):
        part = body[start:cut_start].rstrip()
        text = part if i == 0 else _without_who(prefix + part)
        if not _may_stand_alone(text, part[len(prefix) :] if i == 0 else part, i < len(cuts)):
            return None
        texts.append(text)
        start = cut_end
    questions = []
    for text in texts:
        question = _single_question(text, _lowered(text))
        if question is None or not question.startswith(_COORD_QUESTION_STARTS):
            return None
        if _PLURAL_ROLE.match(question.lower()) or _NEGATED_HAVE.search(question):
            return None  # "Are you candidates" (one person), "have you had not ..."
        questions.append(question[:-1])
    middle = "".join(f", {q[:1].lower()}{q[1:]}" for q in questions[1:-1])
    said = "and" if word == "and" else "or"
    last = questions[-1]
    return f"{questions[0]}{middle}, {said} {last[:1].lower()}{last[1:]}?"


def _may_stand_alone(text: str, words: str, more: bool) -> bool:
    """Whether a statement of a coordinated criterion (``text``, its own ``words`` without the
    subject) can be asked alone: its object is not shared with the next one (``more``: one
    follows), it speaks of no one else, and it is one clause."""
    if more and _open_end(text):
        return False
    lowered = _lowered(words)
    if _COORD_OTHER.search(lowered, lowered.find(" ") + 1 if " " in lowered else len(lowered)):
        return False
    # "understand it well, and voluntarily volunteer", a second sentence
    return _INNER_LIST.search(_BRACKETED.sub("", _lowered(text))) is None


def text_question(text: str) -> str:
    """A faithful question built from the criterion's own words."""
    body = _body(text)
    return _question(body) or _generic_question(body)


def _generic_question(body: str) -> str:
    """The question when no rule fits: the criterion's own words, asked as they are."""
    return f"Does this apply to you: {_lower_first(body)}?"


def _a_named_diagnosis_alone(cons: list[Constraint]) -> bool:
    return (
        len(cons) == 1
        and cons[0].concept == "condition"
        and cons[0].op == "present"
        and cons[0].qualifier is None
        and cons[0].name not in rules.term_by_name()
    )


_NAMES_THE_LIST = re.compile(r"\b(?:following|below)\b[^?]*\?$")
# A lead-in's label ("Study Participants: ...").
_LEAD_LABEL = re.compile(r"^[^:]{1,40}:\s*")


_COUNT_WORDS = {int(n): word for word, n in rules.NUMBER_WORDS.items() if 1 <= n <= 9}


def _items_needed(item: Criterion) -> int:
    """How many of a group's items must hold; 0 for all of them."""
    return rules.options_needed(item.text) if item.logic == "any" else 0


def _count_word(n: int) -> str:
    return _COUNT_WORDS.get(n, str(n))


def group_lead(item: Criterion) -> str:
    """How many of a group's items must hold, as a page lists them ("At least two of the
    following:"); empty for a line that is no group."""
    if item.logic is None:
        return ""
    needed = _items_needed(item)
    if needed == 0:
        return "All of the following:"
    if needed == 1:
        return "Any of the following:"
    return f"At least {_count_word(needed)} of the following:"


def question_for(item: Criterion) -> tuple[str, bool, str]:
    """``(question, covered, details)``: covered when the constraints say all the criterion says."""
    if item.logic is not None:
        needed = _items_needed(item)
        which = "all" if needed == 0 else f"at least {_count_word(needed)}"
        lead = _LEAD_TAIL.sub("", item.text).strip(" :;.,")
        unlabelled = _LEAD_LABEL.sub("", lead)
        if _BARE_LEAD.fullmatch(_without_consequence(unlabelled).strip(" :;.,")) or (
            item.text == "One of the following:"
        ):
            verb = "Does" if needed == 1 else "Do"
            return f"{verb} {which} of the following apply to you?", False, ""
        body = _body(lead)
        question = _question(body)
        label = item.text.strip().endswith(":") and lead == item.text.strip()[:-1].strip()
        if question is None and label and len(lead.split()) <= 5:
            # A label over its items ("Hepatic:", "Prior therapy:"): the items are the questions.
            verb = "does" if needed == 1 else "do"
            return f"{lead}: {verb} {which} of the following apply to you?", False, ""
        if question is None:
            # "Treatment with any of the following:" asks in its own words: "Have you been
            # treated with any of the following?"
            whole = _question(_body(item.text))
            if whole is not None and _NAMES_THE_LIST.search(whole):
                return whole, False, ""
        base = (question or _generic_question(body)).rstrip("?")
        return f"{base}, with {which} of the following?", False, ""
    sentence, rest = _first_sentence(item.text)
    sentence = _without_consequence_tail(sentence)
    cons = [c for c in item.constraints if c.span[1] <= len(sentence) + 1]
    if cons:
        between = item.text[cons[0].span[0] : cons[-1].span[1]]
        joiner = (
            " or "
            if len(cons) > 1
            and (
                _OR_WORD.search(_UNIT_AFTER_NUMBER.sub(" ", between))
                or (rules.EXAMPLES_OPEN.search(between) and not rules.MIXED.search(between))
                or _EXAMPLES_UNBRACKETED.search(between)
            )
            else " and "
        )
        question = template_question(cons, joiner) or _panel_question(item, cons, between)
        # A term's own words (and how long it lasted) leave none over for the template.
        events_only = all(
            (c.op in ("present", "absent") or c.qualifier == "duration")
            and c.concept in ("condition", "drug", "procedure", "therapy")
            for c in cons
        )
        uncovered = _uncovered_text(sentence, cons)
        if (
            len(_uncovered_words(uncovered)) <= (0 if events_only else 3)
            and not _narrowed(uncovered, cons)
            and not _unread_choice(sentence, cons)
        ):
            if question:
                return question, not rest, rest
            if not rest and all(c.name in rules.term_questions() for c in cons):
                # A term with its own questions asks none of this line's ("Current smokers or
                # have stopped smoking less than 6 months ago"): the line's words are asked, and
                # the facts still decide it.
                return text_question(item.text), True, ""
            if not rest and _a_named_diagnosis_alone(cons):
                # "Diagnosis of narcolepsy": a condition the vocabulary does not know, asked in
                # the line's words and decided by a diagnosis of that very name.
                return text_question(item.text), True, ""
    if rest or (not item.text.isascii() and _OTHER_STOPS.search(item.text)):
        sentence, rest = _text_sentence(_without_lead(item.text))
        if rest:
            question = _question(_body(sentence))
            if question:
                return question, False, rest
            return _generic_question(_body(item.text)), False, ""
    return text_question(item.text), False, ""


def glossary_for(text: str, pool: rules.Pool | None = None) -> list[GlossaryHit]:
    """Glossary entries for the terms ``text`` uses, in glossary order."""
    entries = rules.glossary()
    return [
        GlossaryHit(entries[i].term, entries[i].text)
        for i in rules.glossary_index().candidates(text.lower(), pool)
        if entries[i].pattern.search(text)
    ]


def annotate(parsed: ParsedCriteria, pools: rules.Pools | None = None) -> None:
    """Fill in questions, help and coverage for every item of ``parsed``."""
    by_id = {item.id: item for item in parsed.items}
    for item in parsed.items:
        item.help = glossary_for(item.text, pools.glossary if pools else None)
        if item.role != "criterion":
            continue
        if rules.lists_exceptions(item.text):
            # Its exceptions are the notes after it: asked with them in mind, and never
            # decided from the facts alone.
            line = replace(item, text=rules.without_exceptions_lead_in(item.text))
            question, _, item.details = question_for(line)
            item.question = f"{question.rstrip('?')}, other than the cases listed below?"
            item.covered = False
            continue
        item.question, item.covered, item.details = question_for(item)
    for item in parsed.items:
        if item.role == "definition" and item.parent in by_id:
            term = rules.defined_term(item.text) or "Definition"
            by_id[item.parent].help.append(GlossaryHit(term, item.text))
