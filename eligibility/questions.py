"""Plain-language questions and glossary help for each criterion.

A question is phrased so that "yes" means the criterion describes the person, for
inclusion and exclusion alike; the verdict logic does the inverting.
"""

from __future__ import annotations

import re

from eligibility import rules
from eligibility.model import Constraint, Criterion, GlossaryHit, ParsedCriteria

_FILLER = frozenset(rules.load("questions.json")["filler_words"])
_ANCHOR = re.compile(
    r"\b(?:before|prior to|preceding|of|since)\s+(?:the\s+)?(?:start|first dose|initiation|"
    r"enrol\w*|randomi\w*|screening|registration|baseline|day 1|study entry|study treatment|"
    r"study drug)(?:\s+of\s+(?:the\s+)?(?:protocol[- ]specified |study )?(?:therapy|treatment|"
    r"drug))?",
    re.I,
)
_OR_TAIL = re.compile(r"[\s,;]+(?:OR|or|AND|and)\s*[;,.]?\s*$")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_OR_WORD = re.compile(r"\bor\b|/")
_LEAD_TAIL = re.compile(
    r"\s*(?:,?\s*(?:with|and|including|meeting|who (?:have|meet|are)|if|when)\s+)?(?:any|one|all|"
    r"either|at least one|one or more|1 or more)\s+of\s+(?:the\s+)?(?:following|these|"
    r"below)\b[^.]*$|:\s*$",
    re.I,
)
_FIRST_SENTENCE = re.compile(r"[.;](?<!\be\.g.)(?<!\bi\.e.)\s+(?=[A-Z(])")
_PRONOUNS = [
    (re.compile(r"\b(?:his or her|his/her|her/his|their)\b", re.I), "your"),
    (re.compile(r"\b(?:he or she|he/she|she/he|they)\b", re.I), "you"),
    (re.compile(r"\b(?:him or her|him/her|them)\b", re.I), "you"),
    (re.compile(r"\b(?:themselves|himself or herself)\b", re.I), "yourself"),
]
_SUBJ = (
    r"^(?:the\s+|a\s+|all\s+|any\s+)?(?:participants?|patients?|subjects?|individuals?|people|"
    r"persons?|those|volunteers?|children|adults?)"
)
# Pattern table: the first row whose pattern matches the criterion gives its question.
_TEXT_TABLE: list[tuple[str, str]] = [
    (
        _SUBJ + r"\s+(?:with|who have)\s+(?P<x>.+?)\s+(?:are|is|will be|may be|"
        r"can be)\s+(?:also\s+)?(?:eligible|allowed|permitted|included)$",
        "Does this describe you: {x}?",
    ),
    (
        r"^(?:either\s+)?(?P<x>(?:relapsed?|refractory|primary refractory|recurrent|"
        r"in\b[^.]{0,60}?\b(?:relapse|remission)|progressive|progression)\b.+)",
        "Does this describe your disease: {x0}?",
    ),
    (
        r"^history (?:and/or|or|and) presence of\s+(?P<x>.+)",
        "Do you have, or have you ever had, {x}?",
    ),
    (
        r"^(?:current or (?:past|prior|previous)|(?:past|prior|previous) or current)\s+(?P<x>.+)",
        "Do you have, or have you ever had, {x}?",
    ),
    (
        r"^(?:signed\s+|written\s+)*informed consent\b.*|^(?:\w+\s+){0,4}(?:give|provide|"
        r"sign)\w*\s+(?:\w+\s+)?informed consent\b.*",
        "Are you able to give written informed consent to take part?",
    ),
    (
        r"^(?:(?:participants?|patients?|subjects?)\s+(?:must\s+be\s+|is\s+|"
        r"are\s+)?)?(?:must\s+be\s+)?(?P<w>(?:able|willing)(?:\s+and\s+(?:able|"
        r"willing))?)\s+to\s+(?P<x>.+)",
        "Are you {w} to {x}?",
    ),
    (
        _SUBJ + r"\s+(?:must|should|need to)\s+have\s+(?:had\s+)(?P<x>.+)",
        "Have you had {x}?",
    ),
    (
        _SUBJ + r"\s+(?:must|should|need to)\s+have\s+(?P<x>.+)",
        "Do you have {x}?",
    ),
    (
        _SUBJ + r"\s+(?:must|should|need to)\s+be\s+(?P<x>.+)",
        "Are you {x}?",
    ),
    (
        r"^(?:participants?|patients?|subjects?|individuals?|people)\s+(?:with|having)\s+(?P<x>.+)",
        "Do you have {x}?",
    ),
    (
        _SUBJ + r"\s+who\s+(?:are|is)\s+(?P<x>.+)",
        "Are you {x}?",
    ),
    (
        _SUBJ + r"\s+who\s+(?:have|has)\s+(?P<x>.+)",
        "Have you {x}?",
    ),
    (
        r"^(?:a\s+|any\s+|prior\s+|previous\s+|known\s+)*history of\s+(?P<x>.+)",
        "Have you ever had {x}?",
    ),
    (
        r"^(?:confirmed\s+|established\s+|clinical\s+)?diagnos(?:is|ed)\s+(?:of|with)\s+(?P<x>.+)",
        "Have you been diagnosed with {x}?",
    ),
    (
        r"^currently\s+(?P<x>(?:receiving|taking|using|enrolled|participating|on|in)\b.+)",
        "Are you currently {x}?",
    ),
    (r"^(?:current|active|ongoing)\s+(?P<x>.+)", "Do you currently have {x0}?"),
    (r"^(?:prior|previous)\s+(?P<x>.+)", "Have you had {x0}?"),
    (r"^(?:known|documented|confirmed)\s+(?:to\s+have\s+)?(?P<x>.+)", "Do you have {x0}?"),
    (_SUBJ + r"\s+(?:who|that)\s+(?:are|is)\s+(?P<x>.+)", "Are you {x}?"),
    (_SUBJ + r"\s+(?:who|that)\s+(?:have|has)\s+(?P<x>.+)", "{have_x}?"),
    (_SUBJ + r"\s+(?:has|have)\s+(?P<x>.+)", "{have_x}?"),
    (_SUBJ + r"\s+(?:is|are)\s+(?P<x>.+)", "Are you {x}?"),
    (_SUBJ + r"\s+(?:who|that)\s+(?P<x>\w+.*)", "Do you {x}?"),
    (r"^(?:must|should)\s+have\s+(?P<x>.+)", "Do you have {x}?"),
    (r"^presence\s+of\s+(?P<x>.+)", "Do you have {x}?"),
    (r"^(?:evidence|signs?|symptoms?)\s+of\s+(?P<x>.+)", "Do you have signs of {x}?"),
    (
        r"^(?:life expectancy|expected survival)\s+(?:of\s+|is\s+|must be\s+|"
        r"should be\s+)?(?P<x>.+)",
        "Is your life expectancy {x}?",
    ),
    (r"^(?:unable|inability|not able)\s+to\s+(?P<x>.+)", "Are you unable to {x}?"),
    (r"^(?:ability|capacity)\s+to\s+(?P<x>.+)", "Are you able to {x}?"),
    (r"^capable\s+of\s+(?P<x>.+)", "Are you capable of {x}?"),
    (
        r"^(?:participation|participating|enrolled|enrollment|enrolment)\s+in\s+(?P<x>.+)",
        "Are you taking part in {x}?",
    ),
    (r"^no\s+(?:prior|previous)\s+(?P<x>.+)", "Can you confirm you have not had any prior {x}?"),
    (r"^no\s+(?P<x>.+)", "Can you confirm you do not have {x}?"),
    (r"^(?:treatment|therapy|treated)\s+with\s+(?P<x>.+)", "Have you been treated with {x}?"),
    (r"^(?:use|using|usage)\s+of\s+(?P<x>.+)", "Do you use {x}?"),
    (r"^(?P<w>fluent|proficient)\s+in\s+(?P<x>.+)", "Are you {w} in {x}?"),
    (
        r"^(?:lives?|living|resides?|residing|resident)\s+(?:in|of|within)\s+(?P<x>.+)",
        "Do you live in {x}?",
    ),
    (r"^(?:has\s+)?access to\s+(?P<x>.+)", "Do you have access to {x}?"),
    (r"^lifetime\s+(?:history|diagnosis)\s+of\s+(?P<x>.+)", "Have you ever had {x}?"),
    (
        r"^(?:any\s+)?(?:other\s+)?(?:conditions?|diseases?|illness(?:es)?|disorders?)\s+(?:that|"
        r"which)\s+(?P<x>.+)",
        "Do you have a condition that {x}?",
    ),
    (
        r"^(?P<x>(?:clinically significant|severe|uncontrolled|significant|serious|symptomatic|"
        r"chronic|acute|adequate|measurable|evaluable|histologically|cytologically|pathologically|"
        r"radiologically|moderate|mild|recurrent|persistent|unstable|untreated|major|metastatic|"
        r"advanced|locally advanced|newly diagnosed)\b.+)",
        "Do you have {x0}?",
    ),
    (
        r"^(?P<x>(?:skeletally mature|right[- ]handed|left[- ]handed|ambulatory|"
        r"english[- ]speaking|literate|post-?menopausal|pre-?menopausal|hospitali[sz]ed|"
        r"on dialysis|undergoing|scheduled|planning|planned|referred|awaiting|receiving|"
        r"taking)\b.*)",
        "Are you {x0}?",
    ),
    (r"^(?:has|have)\s+(?P<x>.+)", "{have_x}?"),
    (r"^(?:is|are)\s+(?P<x>.+)", "Are you {x}?"),
]
_TEXT_TEMPLATES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.I), template) for pattern, template in _TEXT_TABLE
]


_PRONOUN_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PRONOUNS), re.I)


def _pronoun(m: re.Match[str]) -> str:
    word = m.group(0)
    return next(replacement for pattern, replacement in _PRONOUNS if pattern.fullmatch(word))


_TEMPLATE_ANY = re.compile(
    "|".join(
        f"(?P<t{i}>{re.sub(r'[(][?]P<[a-z0-9]+>', '(?:', p.pattern)})"
        for i, (p, _) in enumerate(_TEXT_TEMPLATES)
    ),
    re.I,
)


_PRONOUN_HINTS = ("his", "her", "the", "him")
# Every pronoun matched contains one of these (exactly so in ASCII text).
_PRONOUN_WORDS = ("his", "her", "thei", "they", "them", "him", "he or she", "he/she", "she/he")


def _you(text: str) -> str:
    """The criterion's words addressed to the reader ("their" becomes "your")."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _PRONOUN_HINTS):
        return text
    if text.isascii() and not any(word in lowered for word in _PRONOUN_WORDS):
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
}


def _quantity(value: object, unit: str | None) -> str:
    if unit is None:
        return _fmt(value)
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


def _age_phrase(cons: list[Constraint]) -> str | None:
    ops = {c.op: c for c in cons}
    unit = cons[0].unit or "year"
    if ">=" in ops and "<=" in ops:
        return f"between {_fmt(ops['>='].value)} and {_fmt(ops['<='].value)} {unit}s old"
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


def _event_question(c: Constraint, display: str) -> str | None:
    window = f"{_fmt(c.value)} {_plural(c.value, c.unit or 'day')}" if c.value is not None else ""
    verb = "had" if c.concept in ("procedure", "therapy", "condition") else "taken"
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
    return term.display if term else c.name


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
        return f"Are you {cons[0].value}?"
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
            states = " or ".join(
                "pregnant" if c.concept == "pregnancy" else "breastfeeding" for c in cons
            )
            return f"{prefix}Are you {states}?"
        if all(c.op == "absent" for c in cons):
            states = " or ".join(
                "pregnant" if c.concept == "pregnancy" else "breastfeeding" for c in cons
            )
            return f"{prefix}Can you confirm you are not {states}?"
        return None
    if concepts == {"measurement"} and len({c.name for c in cons}) == 1:
        c = cons[0]
        display = _display(c)
        ops = {x.op: x for x in cons}
        if ">=" in ops and "<=" in ops:
            lo, hi = ops[">="], ops["<="]
            low_q, high_q = _quantity(lo.value, lo.unit), _quantity(hi.value, hi.unit)
            return f"{prefix}Has a recent test shown {display} is between {low_q} and {high_q}?"
        if len(cons) > 1 or c.op not in _OP_WORDS:
            return None
        return (
            f"{prefix}Has a recent test shown {display} is "
            + _OP_WORDS[c.op].format(q=_quantity(c.value, c.unit))
            + "?"
        )
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
        if any(c.name in _STATUS_TERMS for c in cons):
            return None
        known = rules.term_by_name()
        if any(c.concept == "condition" and c.name not in known for c in cons):
            return None
        shapes = {(c.op, c.value, c.unit, c.qualifier) for c in cons}
        if len(shapes) != 1 or len(concepts) != 1:
            return None
        if len(cons) == 1:
            question = _event_question(cons[0], _display(cons[0]))
            return f"{prefix}{question}" if question else None
        names = [_display(c) for c in cons]
        listed = ", ".join(names[:-1]) + f"{joiner}{names[-1]}"
        question = _event_question(cons[0], listed)
        return f"{prefix}{question}" if question else None
    return None


def _first_sentence(text: str) -> tuple[str, str]:
    m = _FIRST_SENTENCE.search(text)
    if not m:
        return text, ""
    return text[: m.start() + 1], text[m.end() :]


def _uncovered_words(sentence: str, cons: list[Constraint]) -> list[str]:
    chars = list(sentence)
    for c in cons:
        for i in range(max(0, c.span[0]), min(len(chars), c.span[1])):
            chars[i] = " "
    rest = _ANCHOR.sub(" ", "".join(chars))
    rest = _BRACKETED.sub(" ", rest)
    return [w for w in _PLAIN_WORD.findall(rest) if w.lower() not in _FILLER]


_PARTICIPLES = frozenset(rules.load("questions.json")["participles"])


def _have(rest: str) -> str:
    """ "have X" as a question: "Have you received ..." but "Do you have diabetes"."""
    first = rest.split(" ", 1)[0].lower()
    if first in _PARTICIPLES or (first.endswith("ed") and len(first) > 4):
        return f"Have you {rest}"
    return f"Do you have {rest}"


def text_question(text: str) -> str:
    """A faithful question built from the criterion's own words."""
    body = _you(_without_or_tail(text.strip()).rstrip(".;:, "))
    first = _TEMPLATE_ANY.match(body)
    if first is not None and first.lastgroup is not None:
        pattern, template = _TEXT_TEMPLATES[int(first.lastgroup[1:])]
        m = pattern.match(body)
        if m:
            values = {k: v for k, v in m.groupdict().items() if v is not None}
            if "x" in values:
                x = values["x"]
                values["x0"] = x[:1].lower() + x[1:] if x[1:2].islower() else x
            if "w" in values:
                values["w"] = values["w"].lower()
            if "x" in values:
                values["have_x"] = _have(values["x"])
            return template.format(**values)
    lowered = body[:1].lower() + body[1:] if body[1:2].islower() else body
    return f"Does this apply to you: {lowered}?"


def question_for(item: Criterion) -> tuple[str, bool, str]:
    """``(question, covered, details)``: covered when the constraints say all the criterion says."""
    if item.logic is not None:
        which = "at least one" if item.logic == "any" else "all"
        lead = _LEAD_TAIL.sub("", item.text).strip(" :;.,")
        if not lead or item.text == "One of the following:":
            verb = "Does" if item.logic == "any" else "Do"
            return f"{verb} {which} of the following apply to you?", False, ""
        base = text_question(lead).rstrip("?")
        return f"{base}, with {which} of the following?", False, ""
    sentence, rest = _first_sentence(item.text)
    cons = [c for c in item.constraints if c.span[1] <= len(sentence) + 1]
    if cons:
        between = item.text[cons[0].span[0] : cons[-1].span[1]]
        joiner = " or " if _OR_WORD.search(between) and len(cons) > 1 else " and "
        question = template_question(cons, joiner)
        events_only = all(
            c.op in ("present", "absent")
            and c.concept in ("condition", "drug", "procedure", "therapy")
            for c in cons
        )
        if question and len(_uncovered_words(sentence, cons)) <= (0 if events_only else 3):
            return question, not rest, rest
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
        item.question, item.covered, item.details = question_for(item)
    for item in parsed.items:
        if item.role == "definition" and item.parent in by_id:
            term = rules.defined_term(item.text) or "Definition"
            by_id[item.parent].help.append(GlossaryHit(term, item.text))
