"""Rule tables: compiled once from the data files in ``eligibility/data``.

Everything the engine recognises by wording lives here or in the JSON files, so rules are
added as data, not as code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from eligibility.model import Constraint, Kind


def load(name: str) -> Any:
    """A data file of ``eligibility/data`` (JSON)."""
    return json.loads(resources.files("eligibility").joinpath("data", name).read_text("utf-8"))


# Classes and grades written as roman numerals ("NYHA class III", "grade Ⅲ").
_ROMAN_CLASSES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def class_number(token: str) -> int:
    """A class written "3", "III" or "Ⅲ" as a number."""
    token = token.lower()
    return int(token) if token.isdigit() else _ROMAN_CLASSES[token]


# --- regex sources ---------------------------------------------------------------------------


def _split_alternatives(source: str) -> list[str]:
    """Top-level ``|`` branches of a pattern."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            current.append(source[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = _class_end(source, i)
            current.append(source[i:j])
            i = j
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _class_end(source: str, i: int) -> int:
    j = i + 1
    if j < len(source) and source[j] == "^":
        j += 1
    if j < len(source) and source[j] == "]":
        j += 1
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


_PLAIN_FIRST = re.compile(r"[^\\()\[\]|?*+{}.^$A-Z]")
_QUANTIFIERS = ("?", "*", "+", "{")


def by_first_character(alternatives: list[str]) -> str:
    """One alternation of ``alternatives``, matching exactly what ``a|b|...`` matches.

    The regex engine enters every branch of a case-insensitive alternation at every position
    it tries. Branches that start with the same character are grouped (in their own order, so
    the same branch still wins), and a lookahead on the first characters rejects most
    positions before any branch is entered.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        first = alternative[:1]
        # A non-ASCII letter may fold onto an ASCII one ("ſ" onto "s"): only uncased ones pass.
        uncased = first.isascii() or first.lower() == first.upper()
        if not _PLAIN_FIRST.fullmatch(first) or not uncased or alternative[1:2] in _QUANTIFIERS:
            raise ValueError(f"{alternative!r} does not start with one plain lowercase character")
        groups.setdefault(first, []).append(alternative[1:])
    lookahead = "(?=[" + "".join(re.escape(c) for c in groups) + "])"
    branches = "|".join(re.escape(c) + "(?:" + "|".join(rests) + ")" for c, rests in groups.items())
    return f"(?:{lookahead}(?:{branches}))"


_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = frozenset("dDwWsS")


def first_characters(source: str) -> frozenset[str] | None:
    """The characters a match of ``source`` can start with; None when not known.

    Known for patterns made of literal characters, plain character lists, groups and
    alternations, with optional parts; anything else (ranges, classes such as ``\\w``, a dot,
    a pattern that can match nothing) gives None.
    """
    found: set[str] = set()
    for alternative in _split_alternatives(source):
        firsts = _branch_firsts(alternative)
        if firsts is None:
            return None
        found |= firsts
    return frozenset(found)


def _branch_firsts(branch: str) -> set[str] | None:
    """First characters of one branch (no top-level ``|``); None when not known or empty."""
    found: set[str] = set()
    i = 0
    while i < len(branch):
        ch = branch[i]
        if ch == "\\":
            code = branch[i + 1 : i + 2]
            if code in _ZERO_WIDTH_ESCAPES:
                i += 2
                continue
            if code.isalnum() or code in _CLASS_ESCAPES:
                return None
            chars, j = {code}, i + 2
        elif ch == "[":
            j = _class_end(branch, i)
            body = branch[i + 1 : j - 1]
            if body.startswith("^") or "\\" in body or "-" in body[1:-1]:
                return None
            chars = set(body)
        elif ch == "(":
            j = _group_end(branch, i)
            inner = branch[i + 1 : j - 1]
            if inner.startswith(("?=", "?!", "?<=", "?<!")):
                i = j
                continue
            inner = re.sub(r"^\?(?:[:>]|P<\w+>)", "", inner)
            if inner.startswith("?"):
                return None
            inner_firsts = first_characters(inner)
            if inner_firsts is None:
                return None
            chars = set(inner_firsts)
        elif ch in ".^$|)?*+{":
            return None
        else:
            chars, j = {ch}, i + 1
        found |= chars
        if not _optional(branch, j):
            return found
        i = j + 1 if branch[j] in "?*" else branch.index("}", j) + 1
        if i < len(branch) and branch[i] in "?+":  # lazy or possessive
            i += 1
    return None


def _group_end(source: str, i: int) -> int:
    depth = 0
    j = i
    while j < len(source):
        ch = source[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = _class_end(source, j)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def _optional(source: str, j: int) -> bool:
    return j < len(source) and (source[j] in "?*" or source.startswith("{0", j))


def checked_first(source: str) -> str:
    """``source`` as one group behind a lookahead on the characters a match can start with
    (no lookahead where they are not known).

    The regex engine then passes over a word that cannot start a match without entering
    the branches of ``source``; the lookahead is derived, so it follows edits of the pattern.
    """
    firsts = first_characters(source)
    if not firsts:
        return f"(?:{source})"
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + f"])(?:{source})"


# --- headings, notes, definitions, group lead-ins -----------------------------------------

_KIND_HEADING = re.compile(
    r"^(?:(?:[IVX]{1,4}|\d{1,2})(?:\.\d{1,2})*\.?\s+)?"
    r"(?:(?:key|main|major|general|principal|additional|specific|other|patient|subject|"
    r"participant|study|selected|intra-?operative|intra-?surgery|pre-?operative|post-?operative|"
    r"surgical|imaging|radiographic|radiological|laboratory|clinical|medical)\s+"
    r"(?:\([^)]{0,60}\)\s+)?)?"
    r"(?P<kind>inclusion|exclusion|eligibility|ineligibility|"
    r"non-?inclusion)(?:\s+(?:criteria|criterion|conditions?|"
    r"requirements?))?(?P<label>\s*(?:\([^)]{0,60}\)|for\s[^:]{1,50}|for\s[^:(]{1,50}\([^)]{0,60}\)|"
    r"-\s[^:]{1,50}))?\s*(?::\s*(?P<rest>.*)|\.?\s*$)",
    re.I,
)
# A heading's label that addresses its lines to one group or part of the study ("for healthy
# participants", "(Part A)", "for biomarkers substudy"), not to everyone ("for all groups") nor
# a topic ("for medical history and comorbidities", "(continued)").
_GROUP_LABEL = re.compile(
    r"^(?!(?:for\s+)?(?:all|every|each|both|any)\b).*\b(?:patients?|participants?|subjects?|"
    r"volunteers?|controls?|individuals?|women|men|(?:fe)?males?|children|adults?|infants?|"
    r"asthmatics|diabetics|(?:non-?)?smokers|users|survivors|donors|recipients|cohorts?|arms?|groups?|"
    r"parts?|phases?|stages?|modules?|sub-?stud(?:y|ies)|escalation|expansion)\b",
    re.I,
)
_SECTION_HEADING = [
    re.compile(p, re.I)
    for p in (
        r"^(?:for\s+|in\s+)?(?:part|cohort|arm|group|phase|stage|module|substudy|sub-study|"
        r"dose[- ]escalation|dose[- ]expansion|expansion|"
        r"escalation)\b[^.;]{0,50}?(?:\bonly)?\s*:?\s*$",
        # Not a lead-in for everyone ("Patients must meet the following criteria for study
        # entry:").
        r"^(?![^:]*\b(?:must|should|following|criteria|eligible)\b)"
        r"(?:healthy|adult|pediatric|paediatric)?\s*(?:patients|participants|subjects|"
        r"volunteers|controls)\b[^.;]{0,50}:\s*$",
        r"^(?:healthy (?:controls|volunteers|participants|subjects)|controls)\s*:?\s*$",
        # "Diabetes-related for participant with T2D": the lines below are for that group only.
        r"^[\w-]+(?:\s+[\w-]+)?\s+for\s+(?:all\s+)?(?:participants?|patients?|subjects?)\s+"
        r"with(?:out)?\s+[^.;:]{1,40}:?\s*$",
    )
]
_NOTES = [
    re.compile(p, re.I)
    for p in (
        r"^the above is a summary",
        r"\bother (?:[\w/]+[- ])*criteria(?: details)? (?:may|might|will) apply\b",
        r"^(?:additional|further|other) (?:inclusion |exclusion |eligibility )?criteria (?:may|"
        r"might) apply",
        r"^(?:please )?(?:see|refer to|consult) (?:the )?(?:study )?protocol\b",
        r"^for (?:more|further) (?:information|details)",
        # "For Hepatitis B (HBV), ... infections, requirements will be substudy dependent."
        r"\brequirements\s+(?:will\s+be|are)\s+(?:[\w-]+\s+)?dependent\b",
        r"^(?:there are )?no (?:inclusion|exclusion|eligibility) criteria\.?$",
        # "One half of the study sample will be recruited from the general population of
        # smokers ...": where a share of the participants comes from, not what each must be.
        r"^(?:(?:one|the other|a) )?(?:half|third|quarter|part) of the (?:study )?(?:sample|"
        r"participants|cohort) will be recruited\b",
        # "SMOKING CRITERIA:", a label over the lines that follow it in a flat list.
        r"^(?!.*\b(?:of|following|any|all|each|one|these|below)\b)[a-z][a-z /&-]{1,30}\s+"
        r"criteria\s*:\s*$",
        r"^(?:none|nil|n/a|not specified|not applicable|none specified)\s*[.;]?$",
        # "Obesity-related", a label over the lines that follow it.
        r"^[a-z]+-related\s*:?\s*$",
        # A formula the criteria use ("Woman CrCl = (140- age [years old]) x weight (kg) x 0.85"):
        # how a value is computed, not a criterion, even if it names one sex.
        r"^(?:(?:wo)?m[ae]n\s+|(?:fe)?males?\s+)?(?:crcl|creatinine clearance|e?gfr|bsa|bmi)\s*"
        r"(?:\([^)]*\)\s*)?=",
    )
]
_DEFINED = re.compile(
    r"^(?P<term>[^.;:]{2,90}?)\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:is|are|will be|"
    r"shall be)\s+(?:defined|considered|characteri[sz]ed)\s+(?:as|by|to\s+be)\b",
    re.I,
)
_DEFINED_COLON = re.compile(r"^(?P<term>[^.;:(]{2,60}?)\s*(?:is\s+)?defined as\b", re.I)
_EXAMPLES_LEAD_IN = re.compile(
    r"(?:such as|including|includes?(?: but (?:is )?not limited to)?|e\.g\.?|for example|"
    r"as follows)\s*:?\s*$",
    re.I,
)
# "Known autoimmune disease (e.g., systemic lupus erythematosus)": examples of the term before
# the brackets, one case of it rather than a second thing the person must have.
EXAMPLES_OPEN = re.compile(
    r"\s*[(\[]\s*(?:e\.\s?g\.?|for\s+example|such\s+as|including|like)\s*[,:]?\s*", re.I
)
# "(including mixed small cell lung cancer and non-small cell lung cancer)": a case of the term
# itself that has both, not examples of other kinds.
MIXED = re.compile(r"\b(?:mixed|combined|both)\b", re.I)
# Words that say how well a condition is controlled ("uncontrolled hypertension", "not under
# stable control"): its having it decides nothing by itself.
UNCONTROLLED = (
    r"uncontroll(?:ed|able)|poorly[- ]controlled|not\s+(?:well[- ])?controlled|"
    r"not\s+under\s+(?:stable\s+)?control|decompensated"
)
_ALL_LEAD_IN = re.compile(r"\b(?:all|each|both) of\s+(?:the\s+)?(?:following|these|below)\b", re.I)
_ANY_LEAD_IN = re.compile(
    r"\b"
    + checked_first(
        r"(?:any|one|either|at least (?:one|1)|one or more|1 or more)\s+of\s+(?:the\s+)?"
        r"(?:following|these|below|criteria|conditions)\b[^.]{0,80}$|one of\s*:?\s*$|(?:any|"
        r"one) of the following\b"
    ),
    re.I,
)
_ALTERNATIVE = re.compile(
    r"^(?:either\b|or\b|in (?:untreated |first |second |third |\w+ )*(?:relapse|remission)|"
    r"relapsed?\b|refractory\b|primary refractory|recurrent\b|resistant\b|intolerant\b|"
    r"progressive disease|progression (?:on|after|during)|persistent\b|untreated\b)",
    re.I,
)
_NEW_CRITERION = re.compile(
    r"^(?:age[sd]?\b|\d|≥|≤|>|<|greater than|less than|at least|eastern cooperative|ecog|"
    r"karnofsky|lansky|(?:participants?|patients?|subjects?|men|women|females?|males?)\b|must\b|"
    r"has\b|have\b|able\b|willing\b|adequate\b|signed\b|written\b|life expectancy|measurable|"
    r"documented|diagnosis|histolog|confirmed)",
    re.I,
)


_HEADING_HINT = re.compile(r"clu|ligib", re.I)
_PLAIN_TOKEN = re.compile(r"[a-z0-9+]+")
_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


# "Study Exclusion Criteria. History of aspiration pneumonia ...": a heading that opens a
# paragraph of criteria, closed by a full stop.
_KIND_SENTENCE = re.compile(
    r"^(?:(?:study|patient|subject|participant)\s+)?(?P<kind>inclusion|exclusion)\s+"
    r"criteri(?:a|on)\.\s+(?P<rest>[A-Z].*)",
    re.I,
)


def kind_heading(line: str) -> tuple[Kind, str, str | None] | None:
    """``(kind, rest of the line, label)`` when the line is an inclusion/exclusion heading."""
    if not _HEADING_HINT.search(line, 0, 70):
        return None
    m = _KIND_SENTENCE.match(line)
    if m:
        kind_word = m.group("kind").lower()
        return ("exclusion" if kind_word == "exclusion" else "inclusion"), m.group("rest"), None
    if len(line) > 120:
        return None
    m = _KIND_HEADING.match(line)
    if not m:
        return None
    rest = (m.group("rest") or "").strip()
    if m.group("rest") is None and not re.search(r"criteri|:|^\w+$", line, re.I):
        return None
    word = m.group("kind").lower()
    kind: Kind = "exclusion" if word.startswith(("exc", "inel", "non")) else "inclusion"
    label = (m.group("label") or "").strip(" -")
    if label.startswith("(") and label.endswith(")"):
        label = label[1:-1].strip()
    return kind, rest, label if _GROUP_LABEL.search(label) else None


_SECTION_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in _SECTION_HEADING), re.I)
# The topics of a sponsor's template ("Age", "Type of Participant and Disease
# Characteristics", "Prior/Concomitant Therapy"): headings over lines for everyone, never
# criteria themselves.
_TOPIC_HEADING = re.compile(
    r"^(?:(?:disease|patient|prior concurrent|concurrent) (?:characteristics|therapy)|"
    r"age|sex|weight|informed consent|medical conditions|diagnostic assessments|"
    r"other exclusions|prior/(?:concomitant|concurrent) therapy|"
    r"prior/concurrent clinical study experience|type of participant and disease "
    r"characteristics|sex and contraceptive/barrier requirements)\s*:?\s*$",
    re.I,
)
# A label naming one group of a study ("AD group :", "Cognitive impairment-free control group :",
# "DDD patients:"), bulleted or not: a heading only where the criteria name several groups. A
# sex alone ("Female participants:") is not one: its lines' own sex decides whom they address.
_GROUP_HEADING = re.compile(
    r"^(?!(?:all|every|each|both|any|(?:fe)?males?|(?:wo)?men)\b)(?:[\w-]+\s+){1,4}"
    r"(?:groups?|cohorts?|arms?|patients|participants|subjects|volunteers|controls)\s*:$",
    re.I,
)
# "All enrolled subjects:", "All participants:": the lines below are for every group again.
_EVERY_GROUP_HEADING = re.compile(
    r"^(?:all|every|each)\s+(?:[\w-]+\s+)?(?:groups?|cohorts?|arms?|patients|participants|"
    r"subjects|volunteers)\s*:$",
    re.I,
)
# The rules anchored at the start are tried there alone (cheap enough to try on every
# line); the others along the whole text, when it holds one of the words they need.
_NOTE_AT_START = re.compile(
    "|".join(f"(?:{p.pattern})" for p in _NOTES if p.pattern.startswith("^")), re.I
)
_NOTE_ANYWHERE = re.compile(
    "|".join(f"(?:{p.pattern})" for p in _NOTES if not p.pattern.startswith("^")), re.I
)


def _heading(pattern: re.Pattern[str], line: str) -> bool:
    """Headings are short: a long line that starts like one is a criterion."""
    return len(line) <= 80 and pattern.match(line) is not None


def section_heading(line: str) -> bool:
    return _heading(_SECTION_ANY, line)


def topic_heading(line: str) -> bool:
    return _heading(_TOPIC_HEADING, line)


def group_heading(line: str) -> bool:
    return _heading(_GROUP_HEADING, line)


def every_group_heading(line: str) -> bool:
    return _heading(_EVERY_GROUP_HEADING, line)


_NOTE_HINTS = ("summary", "apply", "protocol", "information", "details", "criteria", "dependent")


def is_note(text: str) -> bool:
    if _NOTE_AT_START.match(text) is not None:
        return True
    lowered = text.lower()
    return any(h in lowered for h in _NOTE_HINTS) and _NOTE_ANYWHERE.search(text) is not None


# "Women under 50 years old would be consider postmenopausal if ...": who counts as what.
_CONSIDERED = re.compile(
    r"^(?P<term>[^.;:]{2,90}?)\s+(?:is|are|will be|would be|shall be)\s+consider(?:ed)?\s+"
    r"(?:to\s+be\s+)?(?:post-?menopausal|(?:of\s+)?(?:non-?)?child-?bearing\s+potential|"
    r"(?:surgically\s+)?sterile|infertile)\b",
    re.I,
)


# "Patient has morbid obesity defined as …" states a criterion and defines its term in passing.
_ABOUT_THE_PERSON = re.compile(
    r"^(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+)?(?:has|have|had|is|are|with|must)\b",
    re.I,
)


def defined_term(text: str) -> str | None:
    lowered = text.lower()
    if "defined" not in lowered and "consider" not in lowered and "characteri" not in lowered:
        return None
    m = _DEFINED.match(text) or _DEFINED_COLON.match(text) or _CONSIDERED.match(text)
    if not m:
        return None
    term = m.group("term").strip()
    if len(term.split()) > 10 or _ABOUT_THE_PERSON.match(term):
        return None
    return term


# "may be enrolled": permission to join, not a requirement.
MAY_JOIN = r"(?:may|can)\s+(?:also\s+)?be\s+(?:enrolled|included)"
# Not "eligible for" a treatment ("All patients who are eligible for elective surgery of the
# lumbar spine"), which is a requirement.
_PERMISSIVE = re.compile(
    r"\b(?:(?:are|is|will be|may be|can be|remain)\s+(?:also\s+|still\s+)?(?:eligible|allowed|"
    rf"permitted)|{MAY_JOIN})\b(?!\s+for\s+(?!(?:the|this|entry|inclusion|participation|study|"
    r"trial|enrol\w*)\b))[^.]{0,120}\.?$",
    re.I,
)


# "the following subjects may have a DEXA scan performed:": what comes after lists who may be
# tested, not who is ruled out.
_WHO_MAY_UNDERGO = re.compile(
    r"\bthe following (?:subjects|patients|participants|individuals|women|men)\s+(?:may|will|"
    r"should|must)\s+(?:have|undergo|receive|be\s+(?:asked|offered|required))\b[^.;]*:?\s*$",
    re.I,
)


# An inclusion line that introduces exclusions ("Individuals will be precluded from enrolling
# if they endorse any of the following conditions").
_EXCLUDES_WHAT_FOLLOWS = re.compile(
    r"\b(?:(?:will|would|shall)\s+be\s+(?:precluded|excluded)|(?:are|is)\s+(?:precluded|excluded)|"
    r"(?:will|would)\s+not\s+be\s+(?:eligible|enrolled|included))\b[^.]*\b(?:if|who|when|with)\b"
    r"[^.]*\b(?:following|below)\b",
    re.I,
)


def excludes_what_follows(text: str) -> bool:
    """A lead-in, listed with the inclusions, whose lines rule people out."""
    lowered = text.lower()
    return ("follow" in lowered or "below" in lowered) and _EXCLUDES_WHAT_FOLLOWS.search(
        text
    ) is not None


# "In case the surgeon identifies during surgery any circumstance that ...": what follows is
# found in the operating room, not in a record or by asking the person.
_FOUND_IN_SURGERY = re.compile(
    r"\b(?:identif\w*|finds?|found|discover\w*|observ\w*|determin\w*)\s+(?:\w+\s+){0,2}?"
    r"during\s+(?:the\s+)?(?:surgery|operation|surgical\s+procedure)\b",
    re.I,
)


_DURING_SURGERY_HEADING = re.compile(r"^(?:[IVX\d.]+\s+)?intra-?(?:operative|surgery)\b", re.I)


def decided_during_surgery(heading: str) -> bool:
    """An "Intraoperative Exclusion Criteria" heading: the surgeon decides its lines."""
    return _DURING_SURGERY_HEADING.match(heading) is not None


def found_in_surgery(text: str) -> bool:
    """A lead-in whose lines the surgeon decides during the operation."""
    return "during" in text.lower() and _FOUND_IN_SURGERY.search(text) is not None


def lists_who_may_undergo(text: str) -> bool:
    """A lead-in whose lines say who may be tested or treated, not who may join."""
    return "following" in text.lower() and _WHO_MAY_UNDERGO.search(text) is not None


# "History of another primary malignancy except for:": the lines under it are the exceptions.
_EXCEPTIONS_LEAD_IN = re.compile(
    r"\b(?:except(?:\s+for)?|with\s+the\s+exception\s+of)(?:\s+(?:the\s+)?following"
    r"(?:\s+\w+)?)?\s*:\s*$",
    re.I,
)


def lists_exceptions(text: str) -> bool:
    """A line whose own sub-items are the cases it leaves out, not options of it."""
    return "xcept" in text and _EXCEPTIONS_LEAD_IN.search(text) is not None


def without_exceptions_lead_in(text: str) -> str:
    """The line less its "except for:" at the end."""
    return _EXCEPTIONS_LEAD_IN.sub("", text).rstrip(" ,;")


_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs)\.", re.I)
# "Patients with brain metastases are allowed provided they are stable (i.e. …), and have not
# received steroids for at least 7 days …": what follows binds that group alone.
_GROUP_ALLOWED = re.compile(
    r"^(?:the\s+)?(?:patients?|subjects?|participants?|individuals|women|men)\s+(?:with|having)\b"
    r"[^.;]{0,160}?\b(?:are|is|will\s+be|may\s+be|can\s+be)\s+(?:also\s+)?(?:eligible|allowed|"
    r"permitted|included)\b",
    re.I,
)


_ONLY_IF = re.compile(r"\bonly\s+if\b", re.I)
# "A female participant is eligible to participate if she is not pregnant ...", "A subject is
# eligible for inclusion if all the following criteria are met:": what anyone who joins must
# meet, said of participants at large rather than of a group otherwise left out.
_ANYONE_ELIGIBLE_IF = re.compile(
    r"(?:^|:\s*)(?:an?\s+|the\s+)?(?:(?:fe)?male\s+)?(?:participants?|patients?|subjects?|"
    r"persons?|individuals?)\s+(?:is|are|will\s+be)\s+eligible\b[^.;:]{0,40}?\bif\b",
    re.I,
)
_SENTENCE_BEFORE = re.compile(r"[.;]\s")


def is_permissive(text: str) -> bool:
    """A line that only widens who may join ("... are eligible", "Patients with brain metastases
    are allowed provided ..."): a "no" rules nobody out. Not one that says who is eligible
    "only if" or what any participant must meet to be, nor one that states a requirement and
    then, in a later sentence or clause or in brackets, whom it lets in ("... within 90 days
    prior to enrollment. Note: Participants with mixed histology are eligible provided ...")."""
    if _GROUP_ALLOWED.match(_ABBREVIATION.sub("", text)):
        return True
    m = _PERMISSIVE.search(text)
    if m is None or _ONLY_IF.search(m.group(0)) or _ANYONE_ELIGIBLE_IF.search(text):
        return False
    before = _ABBREVIATION.sub("", text[: m.start()])
    return not _SENTENCE_BEFORE.search(before) and not _inside_brackets(before)


def _inside_brackets(before: str) -> bool:
    """ "Must have at least one EGFR-sensitive mutation: ... (inclusion of patients with exon 20
    insertion mutation is allowed)": an allowance in brackets qualifies a requirement."""
    opened = before.count("(") + before.count("（")
    return opened > before.count(")") + before.count("）")


# A sentence, a clause or a dash before the permission: the line states an exclusion first.
_CLAUSE_BEFORE = re.compile(r"[.;]|\S-\s|\s[-–]\s")


def is_exception(text: str) -> bool:
    """An exclusion line that is itself an exception ("Patients with eczema ... are permitted
    provided that ..."), not one that states an exclusion and then what it allows ("...; local
    radiotherapy may be allowed", "(basal cell carcinoma is allowed)")."""
    m = _PERMISSIVE.search(text)
    if m is None:
        return False
    if _CONDITIONS_FOLLOW.search(m.group(0)):
        return True
    before = _ABBREVIATION.sub("", text[: m.start()])
    return not _CLAUSE_BEFORE.search(before) and before.count("(") <= before.count(")")


# "Participants with HCV co-infection will be allowed entry into Phase 3 studies if:": the
# items below are the terms of the exception, however the line began.
_CONDITIONS_FOLLOW = re.compile(r"\b(?:if|provided(?:\s+that)?|when)\s*:\s*$", re.I)


# A line that only introduces the list after it ("Treatment with any of the following:",
# "Participants are excluded from the study if any of the following criteria apply:", "The
# person who meet all the following criteria the object to the clinical trial") or says that
# more criteria exist ("Further criteria apply.").
_LIST_NAMED = re.compile(
    r"\bfollowing\s+(?:[\w-]+\s+)?(?:criteria|criterion|requirements)\b|"
    r"\bcriteria\s+(?:apply|are\s+met|below)\b",
    re.I,
)
_LIST_FOLLOWS = re.compile(
    r"\b(?:(?:any|all|each|either|one|one or more|at least one|none)\s+of\s+)?the\s+following\b|"
    r"\bas\s+follows\b",
    re.I,
)
# Words a lead-in may have before "any of the following": more say something of their own
# ("A sore and scratchy throat ... together with at least 2 of the following clinical signs:").
_LEAD_IN_WORDS = 6


def only_leads_in(text: str) -> bool:
    """Whether ``text`` says nothing but that a list follows or that other criteria apply (the
    caller checks that it names no condition, measure or person of its own)."""
    lowered = text.lower()
    if "follow" not in lowered and "criteri" not in lowered and "requirement" not in lowered:
        return False
    text = text.strip()
    if ":" in text.rstrip(" )*:"):
        return False  # "...: neck stiffness, ..." has content of its own
    if _LIST_NAMED.search(text):
        return True
    follows = _LIST_FOLLOWS.search(text)
    return (
        follows is not None
        and text.rstrip(" )*").endswith(":")
        and len(text[: follows.start()].split()) <= _LEAD_IN_WORDS
    )


def is_any_lead_in(text: str) -> bool:
    return " of" in text.lower() and _ANY_LEAD_IN.search(text) is not None


_SOME_OF_LEAD_IN = re.compile(
    r"\bat\s+least\s+(?:two|three|four|[2-9])\s+(?:\(\d\)\s+)?of\s+(?:the\s+)?"
    r"(?:following|these|below)\b|\bat\s+least\s+(?:one|two|three|four|[1-9])\b[^:.;]{0,60}:\s*$",
    re.I,
)
# "at least two of the following clinical symptoms:", "with at least one (1) of the following:"
_AT_LEAST_N_OF = re.compile(
    r"\bat\s+least\s+(?P<n>one|two|three|four|[1-9])\s+(?:\(\d\)\s+)?of\s+(?:the\s+)?"
    r"(?:following|these|below)\b",
    re.I,
)


# "Hematological: Neutrophil count <1.5×10^9/L; Platelet count < 75×10^9/L; Hemoglobin < 9 g/dL",
# "Abnormal blood counts (hemoglobin less than 12 g/dl, platelets less than 150,000/ul, ...)":
# results listed apart, any one of which rules people out.
_RESULTS_APART = re.compile(r"[;,]")


def results_listed_apart(text: str, constraints: list[Constraint]) -> bool:
    """Whether test results stand one to a clause, commas or semicolons between them."""
    return all(c.concept == "measurement" for c in constraints) and all(
        _RESULTS_APART.search(text, a.span[1], b.span[0]) is not None
        for a, b in zip(constraints, constraints[1:], strict=False)
    )


def options_needed(text: str) -> int:
    """How many of the lines a lead-in lists must hold ("at least two of the following
    clinical symptoms:" 2); one for any other."""
    m = _AT_LEAST_N_OF.search(text)
    if m is None:
        return 1
    count = m.group("n").lower()
    return int(NUMBER_WORDS[count]) if count in NUMBER_WORDS else int(count)


def lists_options(text: str) -> bool:
    """Whether a line offers a choice among the lines it lists ("any of the following", "at
    least two of the following clinical signs:", "at least one risk factor for acute renal
    failure:")."""
    return is_any_lead_in(text) or _SOME_OF_LEAD_IN.search(text) is not None


# "Non-reproductive potential defined as:": each item under it is one way of being so.
_WAYS_OF_NON_CHILDBEARING = re.compile(
    r"\b(?:non[- ]?(?:reproductive|child[- ]?bearing)|not\s+of\s+child[- ]?bearing|"
    r"post[- ]?menopausal)\b[^.:;]{0,40}\bdefined\s+as\s*:?\s*$",
    re.I,
)


# "Adequate bone marrow reserve or organ function as demonstrated by any of the following
# laboratory values:": every value shows the function adequate, whatever word joins them.
_ADEQUATE_FUNCTION = re.compile(r"^adequate\b[^:.;]{0,60}\b(?:function|reserve)\b", re.I)


def group_logic(text: str, kind: Kind) -> str:
    """How a lead-in combines the items under it: "any" or "all"."""
    if kind == "inclusion" and _ADEQUATE_FUNCTION.search(text):
        return "all"
    if is_any_lead_in(text) or _EXAMPLES_LEAD_IN.search(text):
        return "any"
    if _AT_LEAST_N_OF.search(text):
        return "any"  # of which ``options_needed`` must hold
    if _WAYS_OF_NON_CHILDBEARING.search(text):
        return "any"
    if _ALL_LEAD_IN.search(text):
        return "all"
    return "any" if kind == "exclusion" else "all"


def reads_as_alternative(text: str) -> bool:
    return bool(_ALTERNATIVE.match(text)) and not starts_new_criterion(text)


def starts_new_criterion(text: str) -> bool:
    return bool(_NEW_CRITERION.match(text))


_GENERIC = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "or",
        "and",
        "to",
        "in",
        "on",
        "for",
        "with",
        "as",
        "is",
        "are",
        "disease",
        "diseases",
        "status",
        "patient",
        "patients",
        "participant",
        "participants",
        "subject",
        "subjects",
    ]
)


def _words(text: str) -> list[str]:
    return [w for w in _PLAIN_TOKEN.findall(text.lower()) if w not in _GENERIC]


def term_score(term: str, text: str) -> float:
    """How well ``text`` uses a defined ``term``: share of its words found, plus phrase bonus."""
    words = _words(term)
    if not words:
        return 0.0
    lowered = text.lower()
    if term.lower() in lowered:
        return 2.0
    tokens = _words(text)
    found = sum(1 for w in words if any(t.startswith(w[:6]) or w.startswith(t[:6]) for t in tokens))
    return found / len(words)


# --- numbers, comparators, units ------------------------------------------------------------

# After "or", what makes it no choice: a bound ("18 or older", "12 months or more", "more than
# or equal to") unless a number follows ("or more than 5"), and "with or without anti-PD1/PD-L1
# agents", "as monotherapy or in combination with chemotherapy".
NO_CHOICE_AFTER_OR = (
    r"(?!\s+(?:older|more|greater|younger|less|fewer|longer|above|below|higher|lower|equal|"
    r"without|(?:in\s+)?combination)\b(?!\s+(?:than\s+)?\d))"
)
# "or" that offers a choice ("age > 65 or ECOG 2").
EITHER = re.compile(r"\bor\b" + NO_CHOICE_AFTER_OR, re.I)
NUMBER_WORDS: dict[str, float] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
# A number in digits or in words; the lookahead rejects other characters before any branch.
NUM = (
    r"(?:(?=[\d"
    + "".join(sorted({word[0] for word in NUMBER_WORDS}))
    + r"])(?:\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?|"
    + by_first_character(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r"))"
)

# Comparator phrases to operators, longest first.
COMPARATORS: list[tuple[str, str]] = [
    (
        r"greater than or equal to|more than or equal to|equal to or (?:greater|more|higher) than",
        ">=",
    ),
    (
        r"higher than or equal to|superior or equal to|at least|no less than|not less than|"
        r"minimum(?: of)?",
        ">=",
    ),
    (r"less than or equal to|equal to or (?:less|lower) than|lower than or equal to", "<="),
    (r"at or (?:less|lower|fewer) than|at or below|at or under", "<="),
    (r"at or (?:more|greater|higher) than|at or above|at or over", ">="),
    (
        r"no more than|not more than|no greater than|not greater than|not exceeding|"
        r"maximum(?: of)?",
        "<=",
    ),
    (r"up to|at most|no higher than|not higher than|inferior or equal to", "<="),
    (r"greater or equal to|more or equal to|superior or equal to", ">="),
    (r"less or equal to|inferior or equal to", "<="),
    (r"≥|=>|>=|>/=|≧|⩾", ">="),
    (r"≤|=<|<=|</=|≦|⩽", "<="),
    (r"not older than|no older than", "<="),
    (r"not younger than|no younger than", ">="),
    (
        r"greater than|more than|higher than|older than|above|over|exceeding|exceeds?|"
        r"in excess of|>",
        ">",
    ),
    (r"less than|lower than|fewer than|younger than|below|under|<", "<"),
]
CMP = by_first_character([a for p, _ in COMPARATORS for a in _split_alternatives(p)])
_CMP_LOOKUP = [(re.compile(rf"^(?:{p})$", re.I), op) for p, op in COMPARATORS]

POSTFIX_GE = r"(?:or|and)\s+(?:more|greater|higher|above|older|over|longer)"
POSTFIX_LE = r"(?:or|and)\s+(?:less|fewer|lower|below|younger|under|better)"


def comparator(phrase: str) -> str | None:
    phrase = _SPACES.sub(" ", phrase.strip().lower())
    for pattern, op in _CMP_LOOKUP:
        if pattern.match(phrase):
            return op
    return None


def number(text: str) -> float | None:
    text = text.strip().lower()
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def pregnancy_plan_words() -> frozenset[str]:
    """The words of a line that asks only about a pregnancy, now or planned (read when a man
    meets such a line, not on import)."""
    return frozenset(load("questions.json")["pregnancy_plan_words"])


@lru_cache(maxsize=1)
def childbearing_words() -> frozenset[str]:
    """The words of a woman's contraception, which a man meets no more than a pregnancy, on a
    line that names childbearing potential or women alone."""
    return frozenset(load("questions.json")["childbearing_words"])


@lru_cache(maxsize=1)
def unit_table() -> dict[str, Any]:
    return load("units.json")  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def unit_regex() -> re.Pattern[str]:
    """One alternation of every unit spelling, each in a group named after its index."""
    parts = []
    for index, entry in enumerate(unit_table()["units"]):
        alternation = "|".join(entry["patterns"])
        parts.append(f"(?P<u{index}>{alternation})")
    return re.compile(r"\s*(?:" + "|".join(parts) + ")", re.I)


def match_unit(text: str, pos: int = 0) -> tuple[str, int] | None:
    """The canonical unit spelled at ``text[pos:]`` and where it ends."""
    m = unit_regex().match(text, pos)
    if not m or m.end() == pos:
        return None
    units = unit_table()["units"]
    for name, value in m.groupdict().items():
        if value is not None:
            return units[int(name[1:])]["unit"], m.end()
    return None


TIME_UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h|minutes?|mins?)\b"
TIME_UNITS: dict[str, str] = {
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "year": "year",
    "years": "year",
    "mo": "month",
    "mos": "month",
    "month": "month",
    "months": "month",
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "d": "day",
    "day": "day",
    "days": "day",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "minutes": "minute",
}


def time_unit(word: str) -> str:
    return TIME_UNITS.get(word.lower(), word.lower())


def unit_of(term: Term | None, value: float, unit: str | None) -> str | None:
    """The unit of a measured ``value``: the one written, else the term's own, else the one
    its size implies."""
    if unit is not None or term is None:
        return unit
    if term.unit is not None:
        return term.unit
    return next((u for low, below, u in term.unitless if low <= abs(value) < below), None)


def measured_in(term: Term | None, value: float, unit: object, target: str | None) -> float | None:
    """A measured ``value`` in ``target``, from the unit written beside it, else the term's own
    or the one its size implies."""
    written = str(unit).lower() if unit else None
    return convert_measured(term, value, unit_of(term, value, written), target)


def convert_measured(
    term: Term | None, value: float, unit: str | None, target: str | None
) -> float | None:
    """``value`` of the measurement ``term`` in ``unit`` expressed in ``target``: through the
    term's own factors first, then the shared ones."""
    if term is None:
        return convert(value, unit, target)
    for a, b, factor in term.conversions:
        if unit == a:
            found = convert(value * factor, b, target)
        elif target == a:
            found = convert(value, unit, b)
            found = None if found is None else found / factor
        else:
            continue
        if found is not None:
            return found
    return convert(value, unit, target, term.molar_factor)


def convert(
    value: float, unit: str | None, target: str | None, factor: float = 1.0
) -> float | None:
    """``value`` in ``unit`` expressed in ``target``; ``factor`` converts mg/dL to µmol/L."""
    if unit == target:
        return value
    if unit is None or target is None:
        return None
    molar = {("mg/dl", "µmol/l"): factor, ("µmol/l", "mg/dl"): 1 / factor}
    if (unit, target) in molar and factor != 1.0:
        return value * molar[(unit, target)]
    table = {(c["from"], c["to"]): c["factor"] for c in unit_table()["conversions"]}
    if (unit, target) in table:
        return value * float(table[(unit, target)])
    if (target, unit) in table:
        return value / float(table[(target, unit)])
    for (a, b), f in table.items():
        for (c, d), g in table.items():
            if a == unit and c == target and b == d:
                return value * float(f) / float(g)
    return None


# --- vocabulary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    concept: str
    name: str
    display: str
    pattern: re.Pattern[str]
    context: re.Pattern[str] | None = None
    molar_factor: float = 1.0
    source: str = ""
    ignore_case: bool = True
    literals: tuple[str, ...] = ()
    # The term means the present state unless the line says otherwise ("Smoker").
    now: bool = False
    # A condition one keeps for years ("diabetes", "schizophrenia"): having it now says nothing
    # of how long ago it began.
    lasting: bool = False
    # One kind of cancer: beside "another cancer" it is an exception or an example.
    cancer: bool = False
    # A symptom or sign ("cough", "fever"): beside a condition on the same line it may be one
    # of that condition's signs, so the line is read from the condition alone.
    symptom: bool = False
    # Terms whose presence means this condition is present too: someone with HIV or on
    # immunosuppressive therapy has a weakened immune system.
    implied_by: tuple[str, ...] = ()
    # A measurement the condition puts at or above a value by definition: obesity is a body
    # mass index of 30 or more.
    implies: tuple[str, float] | None = None
    # The one unit a measurement is given in, so a limit or a value said without it is read in
    # it ("BMI < 20" against a BMI of 15 kg/m2).
    unit: str | None = None
    # Else the unit a value said without one is in, by its size: (from, below, unit), so
    # "platelets 300,000" is per mm3 and "Platelets ≥ 100 x 10^9/L" is met by it.
    unitless: tuple[tuple[float, float, str], ...] = ()
    # Factors between units that hold for this measurement only (haemoglobin in mmol/L is
    # 1.611 g/dL; glucose in mmol/L 18.016 mg/dL): (from, to, factor).
    conversions: tuple[tuple[str, str, float], ...] = ()
    # Questions in the term's own words, by qualifier or operator ("Do you smoke?").
    questions: tuple[tuple[str, str], ...] = ()
    # The lowest and highest upper limit of normal that laboratories give an adult's result,
    # in a unit: a limit in times the ULN ("AST ≤ 2.5 × ULN") is decided by a result that
    # meets it, or fails it, whichever of them the person's laboratory uses.
    upper_normal: tuple[float, float, str | None] | None = None


def _required(branch: str) -> set[str] | None:
    """Literals of which every match of ``branch`` contains one; None when unknown."""
    runs: list[str] = []
    groups: list[str] = []
    run = ""
    i = 0
    while i < len(branch):
        ch = branch[i]
        if ch.isalnum():
            if _optional(branch, i + 1):
                runs.append(run)
                run = ""
            else:
                run += ch
            i += 1
            continue
        runs.append(run)
        run = ""
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _class_end(branch, i)
        elif ch == "(":
            j = _group_end(branch, i)
            inner = branch[i + 1 : j - 1]
            if not _optional(branch, j) and not inner.startswith(("?=", "?!", "?<=", "?<!")):
                groups.append(re.sub(r"^\?(?:[:>]|P<\w+>|[a-zA-Z-]+:)", "", inner))
            i = j
        else:
            i += 1
    runs.append(run)
    longest = max((r for r in runs if r.lower() not in _STOP_RUNS), key=len, default="")
    if len(longest) >= 3 or (len(longest) == 2 and not groups):
        return {longest.lower()}
    for group in groups:
        found: set[str] = set()
        for alternative in _split_alternatives(group):
            needed = _required(alternative)
            if needed is None:
                break
            found |= needed
        else:
            return found
    return None


_STOP_RUNS = frozenset({"the", "and", "for", "with", "ation", "ies", "ery"})


def literals(source: str) -> tuple[str, ...]:
    """Lowercase literals, one of which every match of the pattern contains.

    Empty when some branch has no such literal: that pattern is always tried.
    """
    found: list[str] = []
    for alternative in _split_alternatives(source):
        needed = _required(alternative)
        if needed is None:
            return ()
        found.extend(sorted(needed))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1)
def term_questions() -> dict[str, dict[str, str]]:
    """Questions a term asks in its own words ("Do you smoke?" rather than "Do you have
    smoking?"), by qualifier or operator. A case a term has no question for is asked in the
    line's own words."""
    return {name: dict(t.questions) for name, t in term_by_name().items() if t.questions}


@lru_cache(maxsize=1)
def cancer_terms() -> frozenset[str]:
    """Kinds of cancer named as such: in a line on "another cancer" ("History of other
    malignancies unless ... in situ cervical or breast cancer") they are its exceptions or
    examples, not a second condition."""
    return frozenset(name for name, t in term_by_name().items() if t.cancer)


@lru_cache(maxsize=1)
def symptom_terms() -> frozenset[str]:
    return frozenset(name for name, t in term_by_name().items() if t.symptom)


@lru_cache(maxsize=1)
def present_tense_terms() -> frozenset[str]:
    """Terms that mean the present state unless the line says otherwise: a "Smoker" smokes
    now; one who smoked years ago is not one."""
    return frozenset(name for name, t in term_by_name().items() if t.now)


@lru_cache(maxsize=1)
def treatments() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """For each condition, the medicines that treat it and the endings of their classes'
    names (``treatments.json``)."""
    return {
        row["condition"]: (frozenset(row["drugs"]), tuple(row["endings"]))
        for row in load("treatments.json")["treats"]
    }


@lru_cache(maxsize=1)
def lasting_terms() -> frozenset[str]:
    """Conditions one keeps for years: one that is active began at a time the facts do not
    give, so it decides no "more than 6 months ago" and no "for at least 6 months"."""
    return frozenset(name for name, t in term_by_name().items() if t.lasting)


@lru_cache(maxsize=1)
def implied_floors() -> dict[str, tuple[tuple[str, float], ...]]:
    """For each measurement, the conditions that put it at or above a value, with the value
    ("bmi": obesity at 30)."""
    floors: dict[str, list[tuple[str, float]]] = {}
    for name, term in term_by_name().items():
        if term.implies is not None:
            floors.setdefault(term.implies[0], []).append((name, term.implies[1]))
    return {measurement: tuple(found) for measurement, found in floors.items()}


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, list[Term]]:
    data = load("vocabulary.json")
    out: dict[str, list[Term]] = {}
    for concept in ("measurement", "therapy", "procedure", "drug", "condition"):
        terms = []
        for entry in data[concept]:
            alternation = "|".join(entry["patterns"])
            flags = re.I if not re.fullmatch(r"[A-Z0-9|?\\b-]+", alternation) else 0
            context = entry.get("context")
            terms.append(
                Term(
                    concept=concept,
                    name=entry["name"],
                    display=entry.get("display", entry["name"]),
                    pattern=re.compile(
                        rf"(?<![\w-]){checked_first(alternation)}(?![\w])",
                        flags,
                    ),
                    context=re.compile(context, re.I) if context else None,
                    molar_factor=float(entry.get("molar_factor", 1.0)),
                    source=alternation,
                    ignore_case=bool(flags),
                    literals=literals(alternation),
                    now=bool(entry.get("now")),
                    lasting=bool(entry.get("lasting")),
                    cancer=bool(entry.get("cancer")),
                    symptom=bool(entry.get("symptom")),
                    implied_by=tuple(entry.get("implied_by", ())),
                    implies=(
                        (entry["implies"]["measurement"], float(entry["implies"]["at_least"]))
                        if "implies" in entry
                        else None
                    ),
                    unit=entry.get("unit"),
                    unitless=tuple(
                        (float(a), float(b), str(u)) for a, b, u in entry.get("unitless", [])
                    ),
                    conversions=tuple(
                        (str(a), str(b), float(f)) for a, b, f in entry.get("conversions", [])
                    ),
                    questions=tuple(entry.get("questions", {}).items()),
                    upper_normal=(
                        (
                            float(entry["upper_normal"][0]),
                            float(entry["upper_normal"][1]),
                            entry["upper_normal"][2],
                        )
                        if "upper_normal" in entry
                        else None
                    ),
                )
            )
        out[concept] = terms
    return out


# Literals found in a text, each with the patterns that need it.
Pool = dict[str, tuple[int, ...]]
_WORD_MEMORY = 200_000
_WORD = re.compile(r"[^\W_]+")
# Every ASCII character that is not a letter or digit, as a space (other bytes unchanged).
_ASCII_NON_ALNUM = bytes(b if b >= 128 or chr(b).isalnum() else 32 for b in range(256))


class LiteralIndex:
    """Finds the few patterns worth trying on a text from the literals each one needs.

    Literals are runs of letters and digits, so each lies inside one word of the text: the
    words are looked up (and remembered, as vocabularies repeat) instead of the whole text
    being scanned for every literal. One trie-shaped regex finds the literals of a new word.
    """

    def __init__(self, literal_sets: list[tuple[str, ...]]) -> None:
        self.always = [i for i, lits in enumerate(literal_sets) if not lits]
        owners: dict[str, list[int]] = {}
        for i, lits in enumerate(literal_sets):
            for lit in lits:
                owners.setdefault(lit, []).append(i)
        self.owners = {lit: tuple(indices) for lit, indices in owners.items()}
        self.loose = [lit for lit in owners if not lit.isalnum()]
        words = [lit for lit in owners if lit.isalnum()]
        self.prefixes = {lit: [w for w in words if lit.startswith(w)] for lit in words}
        self.scan = re.compile(f"(?=({_trie(words)}))") if words else None
        self.seen: dict[str, tuple[str, ...]] = {}

    def literals_in(self, lowered: str) -> set[str]:
        """The literals that occur in ``lowered``."""
        words = words_of(lowered)
        seen = self.seen
        new = words.difference(seen)
        if new:
            if len(seen) + len(new) > _WORD_MEMORY:
                # A fresh table, not clear(): a parse running beside this one keeps its own.
                seen = self.seen = {}
                new = words
            scan, prefixes = self.scan, self.prefixes
            for word in new:
                hits = set(scan.findall(word)) if scan is not None else set()
                seen[word] = tuple({p for lit in hits for p in prefixes[lit]})
        found: set[str] = set().union(*map(seen.__getitem__, words))
        if self.loose:
            found.update(lit for lit in self.loose if lit in lowered)
        return found

    def pool(self, lowered: str) -> Pool:
        """The literals that occur in ``lowered`` (a whole criteria text), with their patterns."""
        owners = self.owners
        return {lit: owners[lit] for lit in sorted(self.literals_in(lowered))}

    def candidates(self, lowered: str, pool: Pool | None = None) -> list[int]:
        """Patterns that may match ``lowered``; ``pool`` narrows the search to a known text."""
        source = self.pool(lowered) if pool is None else pool
        hits = [indices for lit, indices in source.items() if lit in lowered]
        if not hits:
            return sorted(self.always)
        return sorted(set(self.always).union(*hits))


def words_of(lowered: str) -> set[str]:
    """The distinct runs of letters and digits of ``lowered``.

    Splitting at ASCII punctuation and spaces with a byte table is much faster than the
    regex; only the pieces holding other characters (``≥18``, ``µmol``) go through it.
    """
    pieces = set(lowered.encode().translate(_ASCII_NON_ALNUM).decode().split())
    if lowered.isascii():
        return pieces
    odd = [piece for piece in pieces if not piece.isascii()]
    pieces.difference_update(odd)
    for piece in odd:
        pieces.update(_WORD.findall(piece))
    return pieces


def _trie(words: list[str]) -> str:
    """A regex matching the longest of ``words`` that starts where it is tried."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


@cache
def term_index(concepts: tuple[str, ...]) -> tuple[LiteralIndex, list[Term]]:
    terms = [t for c in concepts for t in vocabulary()[c]]
    return LiteralIndex([t.literals for t in terms]), terms


def candidate_terms(
    concepts: tuple[str, ...], lowered: str, pool: Pool | None = None
) -> list[Term]:
    """The terms of ``concepts`` that may occur in ``lowered``, in table order."""
    index, terms = term_index(concepts)
    return [terms[i] for i in index.candidates(lowered, pool)]


@dataclass(frozen=True)
class Pools:
    """Literal pools of one whole criteria text, shared by all of its items."""

    terms: Pool
    glossary: Pool

    @classmethod
    def of(cls, text: str) -> Pools:
        found = sorted(_pool_index().literals_in(text.lower()))
        terms, glossary = term_index(ALL_CONCEPTS)[0].owners, glossary_index().owners
        return cls(
            {lit: terms[lit] for lit in found if lit in terms},
            {lit: glossary[lit] for lit in found if lit in glossary},
        )


@lru_cache(maxsize=1)
def _pool_index() -> LiteralIndex:
    """The literals of the vocabulary and of the glossary in one index, so that the words of
    a whole criteria text are looked up once for both."""
    terms = term_index(ALL_CONCEPTS)[1]
    return LiteralIndex([t.literals for t in terms] + [e.literals for e in glossary()])


ALL_CONCEPTS = ("measurement", "procedure", "therapy", "drug", "condition")


@lru_cache(maxsize=1)
def glossary_index() -> LiteralIndex:
    return LiteralIndex([e.literals for e in glossary()])


@lru_cache(maxsize=1)
def drug_suffixes() -> tuple[str, ...]:
    """Endings of drug names (monoclonal antibodies, kinase inhibitors, ...)."""
    return tuple(load("vocabulary.json")["drug_suffixes"])


@lru_cache(maxsize=1)
def drug_suffix_regex() -> re.Pattern[str]:
    return re.compile(r"\b[A-Za-z][a-z]{2,}(?:" + "|".join(drug_suffixes()) + r")\b")


@lru_cache(maxsize=1)
def term_by_name() -> dict[str, Term]:
    return {t.name: t for terms in vocabulary().values() for t in terms}


@lru_cache(maxsize=1)
def performance_table() -> dict[str, Any]:
    return load("performance.json")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    text: str
    pattern: re.Pattern[str]
    literals: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def glossary() -> list[GlossaryEntry]:
    data = load("glossary.json")
    return [
        GlossaryEntry(
            term,
            entry["text"],
            re.compile(
                checked_first(entry["pattern"]),
                re.I if term.islower() else 0,
            ),
            literals(entry["pattern"]),
        )
        for term, entry in data.items()
    ]
