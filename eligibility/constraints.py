"""Structured constraints found in a criterion's text.

Each extractor reads one sentence at a time and reports ``Constraint`` objects whose span
points into the criterion's own text, so a page can highlight what was understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from eligibility import rules
from eligibility.model import (
    CORRECTABLE,
    CURRENT_OR_PLANNED,
    HEART_FAILURE,
    INSULIN_DEPENDENT,
    SUSTAINED,
    TYPE_1,
    TYPE_2,
    Constraint,
)
from eligibility.rules import CMP, NUM, POSTFIX_GE, POSTFIX_LE, TIME_UNIT

# The stop comes first so the regex engine can skip ahead to it; the look-behinds then
# check the words before it (with the stop itself).
_SENTENCE_END = re.compile(
    r"[.;](?<!\be\.g.)(?<!\bi\.e.)(?<!\bvs.)(?<!\bapprox.)(?<!\bDr.)\s+(?=[A-Z(])"
)
_EXCEPTION = re.compile(
    r"\b(?:allow(?:ed|s|ing)?|permitted|acceptable|eligible|exceptions?|except|unless|exempt|"
    r"not\s+(?:an?\s+)?exclusion(?:ary)?|not\s+(?:be\s+)?excluded|"
    r"may\s+(?:still\s+)?(?:be\s+)?(?:enrolled|included)|"
    r"may\s+be\s+considered\s+for\s+(?:participation|inclusion|enrol+ment))\b|"
    r"\bis\s+not\s+an?\s*$",
    re.I,
)
# "non-" negates only the word it joins: "non-smoker", but not "non-squamous NSCLC".
_NEGATION = re.compile(
    r"\b(?:no|not|without|never|free of|free from|absence of|none|nor|neither|"
    # "HER2-negative breast cancer" is a kind of it; "PCR-negative for" is a result
    r"(?:(?<!-)negative|negative(?=\s+for\b))(?: for)?)\b|\bnon\b(?!-)|\bnon-\s*$",
    re.I,
)
# "No evidence of contraindications to the procedure such as pregnancy, active infection, ...":
# the examples of what must be absent.
_EXAMPLES_TAIL = re.compile(r"\b(?:such\s+as|including|e\.g\.,?|like)\s+[^.;]{0,100}$", re.I)
_NEGATED_HEAD = re.compile(r"\b(?:no|(?<!or\s)without|free\s+of|absence\s+of)\s+[^.;]{0,80}$", re.I)


def _in_negated_examples(segment: str, at: int) -> bool:
    before = segment[max(0, at - 200) : at]
    m = _EXAMPLES_TAIL.search(before)
    return m is not None and bool(_NEGATED_HEAD.search(_NOT_NEGATION.sub(" ", before[: m.start()])))


_HISTORY = re.compile(r"\b(?:history of|prior|previous(?:ly)?|past|ever|had|lifetime)\b", re.I)
_ACTIVE = re.compile(
    r"\b(?:active|current(?:ly)?|ongoing|uncontrolled|concurrent|concomitant|symptomatic|"
    r"untreated|presence of|present|receiving|undergoing|on|acute)\b",
    re.I,
)
_NOT_LIMITED = re.compile(r"\bnot\s+(?:be\s+)?(?:limited|restricted)", re.I)
_CLAUSE_BREAK = re.compile(r"[,;.]")


def _refers_back(concept: str, name: str, windowed: set[tuple[str, str]]) -> bool:
    """Whether a mention names again what a time window already bounds ("major surgery …
    less than 14 days of elimination of the effects of surgery"), so it adds no constraint."""
    return any(c == concept and (n == name or n.endswith(f" {name}")) for c, n in windowed)


def _clause_tail(segment: str, pos: int) -> str:
    """The words just before ``pos`` in the same clause (at most 50 characters)."""
    context = segment[max(0, pos - 50) : pos]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(context)]
    return context[breaks[-1] :] if breaks else context


_DIGIT = re.compile(r"\d")
_TIME_WORD = re.compile(
    r"\b(?:last|past|previous|preceding|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b"
)
Extractor = Callable[[str, int, int, "_Terms"], Iterator[Constraint]]


class _Terms:
    """What one criterion may contain, found once for all its sentences.

    Cheap substring tests here let each extractor skip a sentence that cannot match.
    """

    def __init__(self, text: str, pool: rules.Pool | None = None) -> None:
        lowered = text.lower()
        self.lowered = lowered
        self.terms = rules.candidate_terms(rules.ALL_CONCEPTS, lowered, pool)
        self.digits = _DIGIT.search(text) is not None
        self.time_words = self.digits or _TIME_WORD.search(lowered) is not None
        self.drug_suffix = self.has(*rules.drug_suffixes())
        self.diagnosis = "diagnos" in lowered
        self.events = [t for t in self.terms if t.concept != "measurement"]
        self.text = text
        self._sentence: _Sentence | None = None

    def has(self, *words: str) -> bool:
        lowered = self.lowered
        for word in words:  # noqa: SIM110 - a plain loop: any() costs a generator per call
            if word in lowered:
                return True
        return False

    def of(self, *concepts: str) -> list[rules.Term]:
        return [t for t in self.terms if t.concept in concepts]

    def extractors(self) -> list[Extractor]:
        """The extractors whose own first checks on the whole criterion pass, in order."""
        has, digits = self.has, self.digits
        found: list[Extractor] = []
        if digits and has("year", "yr", "age", "month", "old"):
            found.append(_age)
        found.append(_sex)
        if digits and has("ecog", "perf", "karnofsky", "kps", "lansky", "zubrod", "who", "world"):
            found.append(_performance)
        if has("nyha", "new york"):
            found.append(_nyha)
        if has("pregnan", "breast", "lactat", "nursing"):
            found.append(_reproductive)
        if has("health"):
            found.append(_health)
        if digits and any(t.concept == "measurement" for t in self.terms):
            found.append(_measurements)
        if digits and "/" in self.lowered and has("pressure", "bp", "hypertens"):
            found.append(_blood_pressure_pair)
        if self.events or self.drug_suffix or self.diagnosis:
            found.append(_events)
        if has("line", "regimen"):
            found.append(_lines_of_therapy)
        return found

    def sentence(self, start: int, end: int) -> _Sentence:
        """The words of ``text[start:end]``, found once for all extractors."""
        if self._sentence is None or self._sentence.span != (start, end):
            self._sentence = _Sentence(self.text, start, end)
        return self._sentence


class _Sentence:
    """Substring tests on one sentence, for skipping patterns that need an absent word."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.span = (start, end)
        self.whole = start == 0 and end == len(text)
        segment = text[start:end]
        # Case-insensitive matching folds some non-ASCII letters onto ASCII ones
        # ("ſ" matches "s"), which ``str.lower`` does not: no test is trusted there.
        self.lowered = segment.lower() if segment.isascii() else None

    def has(self, *words: str) -> bool:
        """False only when no word of ``words`` can be in the sentence."""
        lowered = self.lowered
        if lowered is None:
            return True
        for word in words:  # noqa: SIM110 - a plain loop: any() costs a generator per call
            if word in lowered:
                return True
        return False


def _sentences(text: str) -> list[tuple[int, int]]:
    if ". " not in text and "; " not in text and ".\n" not in text:
        return [(0, len(text))]
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.start() + 1))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


# "Treatment with any of the following agents within 28 days of Screening:": the window of a
# lead-in times the treatments listed under it.
_LEAD_IN_WINDOW = re.compile(
    rf"\bwithin\s+(?:the\s+(?:last|past|previous)\s+)?(?P<n>{NUM})\s*(?P<unit>days?|weeks?|"
    r"months?|years?)\b[^:.;]{0,60}:\s*$",
    re.I,
)
_TIMED_CONCEPTS = frozenset({"drug", "therapy", "procedure"})


def timed_by_lead_in(lead_in: str, constraints: list[Constraint]) -> list[Constraint]:
    """``constraints`` of an item listed under ``lead_in``, the treatments given its window."""
    m = _LEAD_IN_WINDOW.search(lead_in)
    if m is None:
        return constraints
    value, unit = _num(m.group("n")), rules.time_unit(m.group("unit"))
    return [
        replace(c, op="within", value=value, unit=unit)
        if c.concept in _TIMED_CONCEPTS and c.op == "present"
        else c
        for c in constraints
    ]


_GROUP_OF = re.compile(
    r"\b(?:participants?|patients?|subjects?|individuals?)\s+(?=with(?:out)?\s)", re.I
)


def section_group(section: str) -> Constraint | None:
    """The condition a section heading addresses its lines to, as in "Diabetes-related for
    participant with T2D" or "Patients without adjacent degenerative disc"; None for others."""
    lead = _GROUP_OF.search(section)
    if lead is None:
        return None
    for c in extract(section[lead.end() :]):
        if c.concept == "condition" and c.op in ("present", "absent") and c.span[0] <= 8:
            return c
    return None


def extract(text: str, pool: rules.Pool | None = None) -> list[Constraint]:
    """Every constraint in ``text``, in reading order, without duplicates.

    ``pool`` (``rules.Pools.of(whole criteria text).terms``) saves rescanning a text whose
    items are parsed one by one.
    """
    found: list[Constraint] = []
    if _DIGITS_IN_BRACKETS.search(text):
        text = _WORDS_WITH_DIGITS.sub(_digits_only, text)
    terms = _Terms(text, pool)
    extractors = terms.extractors()
    for index, (start, end) in enumerate(_sentences(text)):
        if index > 0 and _EXCEPTION.search(text, start, end):
            continue
        for extractor in extractors:
            found.extend(extractor(text, start, end, terms))
    found = _class_for_heart_failure(found)
    if terms.has("adult") and not any(c.concept == "age" for c in found):
        adult = _ADULT.match(text)
        if adult:
            found.append(Constraint("age", "age", ">=", 18, "year", adult.span("word")))
    found.sort(key=lambda c: (c.span[0], c.span[1]))
    unique: list[Constraint] = []
    seen: dict[tuple[object, ...], Constraint] = {}
    for c in found:
        # An age limit for men is not the same limit for women.
        sex = c.qualifier if c.concept == "age" else None
        key = (c.concept, c.name, c.op, c.value, c.unit, sex)
        first = seen.get(key)
        if first is None:
            seen[key] = c
            unique.append(c)
        elif c.concept == "pregnancy" and {first.qualifier, c.qualifier} == {None, "planned"}:
            first.qualifier = CURRENT_OR_PLANNED  # "pregnant ... or planning a pregnancy"
    return unique


# "Adult men or women diagnosed with ...", "all adult patients", "Adults unable to consent": a
# line that names adults and gives no age of its own asks for 18 or older ("Adult Spinal
# deformity" is a condition, not a person).
_ADULT = re.compile(
    r"^(?:\d{1,2}[.)]\s*)?(?:(?:all|only)\s+)?(?P<word>adults\b|adult(?=\s+(?:male|female|men|"
    r"women|patients?|subjects?|participants?|volunteers?|individuals?|persons?|people)\b))",
    re.I,
)


# A number written out with its digits after it ("seventy-two (72) hours", "six (6) months"):
# the digits stand alone, padded to the same length so that spans still point into the text.
_WORDS_WITH_DIGITS = re.compile(
    r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen)\s*\(\s*(?P<digits>\d+)\s*\)",
    re.I,
)


_DIGITS_IN_BRACKETS = re.compile(r"\(\s*\d+\s*\)")


def _digits_only(m: re.Match[str]) -> str:
    return m.group("digits").ljust(len(m.group(0)))


def _num(value: str) -> float | int | None:
    number = rules.number(value)
    if number is None:
        return None
    return int(number) if number == int(number) else number


# --- age ----------------------------------------------------------------------------------------

# Words that put a number in an age context: a word of age anywhere, or a person at the start.
_AGE_MENTION = re.compile(
    rules.checked_first(
        r"\bage[sd]?\b|years? old|years? of age|\by/?o\b|\bolder\b|\byounger\b|\badults?\b"
    ),
    re.I,
)
_AGE_PERSON = re.compile(
    r"(?:healthy\s+)?(?:male|female|men|women|patients?|participants?|subjects?|volunteers?|"
    r"individuals?|children|adolescents?|persons?|people|boys?|girls?)\b",
    re.I,
)
_AGE_UNIT = r"(?P<u>years?|yrs?|months?)"
_AGE_RANGE = re.compile(
    rf"(?:\bage[sd]?\b[^0-9.;]{{0,25}}?|"
    rf"\bbetween\s+(?:the\s+ages?\s+of\s+)?)(?P<a>\d{{1,3}})\s*(?:years?|yrs?|"
    rf"(?P<ua>months?)(?=\s*(?:-|–|to|and|through)\s*\d{{1,3}}\s*(?:years?|yrs?)))?\s*(?:-|–|to|and|"
    rf"through)\s*(?P<b>\d{{1,3}}(?:\.\d{{1,2}})?)\s*{_AGE_UNIT}?|(?P<a2>\d{{1,3}})\s*(?:-|–|"
    rf"to)\s*(?P<b2>\d{{1,3}}(?:\.\d{{1,2}})?)\s*(?P<u2>years?|yrs?)\s*(?:of\s+age|old|age\b|"
    rf"inclusive\b)",
    re.I,
)
_AGE_CMP = re.compile(
    rf"(?P<cmp>{CMP})\s*(?:(?:the\s+)?age\s+(?:of\s+)?)?(?P<n>\d{{1,3}})"
    rf"\s*{_AGE_UNIT}?(?P<tail>\s*(?:of\s+age|old))?",
    re.I,
)
# "18 years or older", "18+", and after the word age "Age 18 or older" (no unit).
_AGE_POSTFIX = re.compile(
    rf"(?P<n>\d{{1,3}})\s*(?:\([a-z-]+\)\s*)?(?:\+|(?:{_AGE_UNIT}\s*(?:of\s+age|old)?\s*)?"
    rf"(?P<post>{POSTFIX_GE}|{POSTFIX_LE}))",
    re.I,
)
_SHARED_AGE_UNIT = re.compile(
    rf"\s*(?:and|,)\s*(?:{CMP})\s*\d{{1,3}}\s*{_AGE_UNIT}\s*(?:of\s+age|old)", re.I
)
_YEARS_OF_AGE = re.compile(r"\s*(?:years?|yrs?)\s*(?:of\s+age|old)\b", re.I)
_AGE_AGED = re.compile(
    r"(?<!of )\bage[sd]?\s*(?:of\s+|is\s+|:\s*)?(?P<cmp>" + CMP + r")\s*(?P<n>\d{1,3})\b", re.I
)
_NOT_AGE_TAIL = re.compile(
    r"^\s*(?:of\s+(?:disease|follow|treatment|experience|education|smoking|symptoms)|since|prior|"
    r"before|after|ago|duration|history|from|post)",
    re.I,
)


_OTHER_AGE = re.compile(
    r"\b(?:gestation(?:al)?|bone|mental|developmental|corrected|post-?menstrual|"
    r"post-?conceptional|skeletal|reading|tumou?r|lesion|wound|scar|fracture|injury|infarct|"
    r"thrombus|clot|embryo|fetal|foetal|pregnancy|onset|diagnosis)\s+age\b|\bage\s+(?:at|of)\s+(?:the\s+)?"
    r"(?:first\s+|initial\s+)?(?:diagnosis|onset|menarche|menopause|tumou?r|lesion|wound|scar|"
    r"fracture|injury|infarct|thrombus|clot|pregnancy|implant|transplant|surgery|symptom|"
    r"presentation|disease)|\bgestation\b|\byears?\s+(?:since|after|from|post)\b|"
    r"\b(?:mri|ct|pet|scans?|imaging|images?|x-?rays?|radiographs?|echocardiograms?|biops(?:y|ies)|"
    r"samples?|specimens?|tissue|blocks?|tests?|results?)\s+(?:(?:is|are|was|were|no)\s+)?"
    r"(?:less|more|older|younger|under|over|within|[<>≤≥])",
    re.I,
)
# After an age: the age at an earlier event, not now ("Less than 50 years of age at the time of
# migraine onset").
_AGE_AT_EVENT = re.compile(
    r"\s*(?:(?:years?|yrs?|months?)\s*)?(?:(?:of\s+age|old)\s*)?(?:\(.{0,12}\)\s*)?"
    r"at\s+(?:the\s+)?(?:time\s+of\s+)?(?:(?:first|initial|his|her|their)\s+)?"
    r"(?:[a-z'-]+\s+){0,2}?(?:diagnosis|onset|menarche|menopause)\b",
    re.I,
)
# Before an age: a condition on who must do something else ("if under 18 years of age,
# willing to provide assent"), not a limit on who may join.
_IF_BEFORE = re.compile(
    r"\b(?:if|when|where)\s+(?:(?:the\s+)?(?:patient|participant|subject|child)\s+is\s+)?"
    r"(?:aged\s+)?$",
    re.I,
)
# Before a number: how long something has lasted ("amenorrhea is 12 months or more",
# "amenorrheic for at least 12 months", "pain ... for 6 weeks or more but 1 year or less"),
# not an age.
_HOW_LONG_BEFORE = re.compile(
    r"(?:\b(?:amenorrh\w*|for|lasting|duration)\s+(?:(?:is|was|has\s+been|of)\s+)*|"
    r"\bor\s+(?:more|longer)\s+(?:but|and)\s+)(?:at\s+least\s+|less\s+than\s+|≥\s*|>\s*)?$",
    re.I,
)
_SHORT_UNIT = re.compile(r"\s*(?:weeks?|wks?|days?|hours?|hrs?|minutes?)\b", re.I)

_SHORT_NUMBER = re.compile(r"\d\s*(?:weeks?|wks?|days?|hours?|hrs?|minutes?)\b", re.I)


# "sudden death under 40 years of age in first-degree relatives": the relatives' age.
_RELATIVES = re.compile(r"\b(?:relatives?|family\s+(?:members?|history)|sudden\s+death)\b", re.I)


def _patient_age(segment: str, a: int, b: int) -> bool:
    """False when the number at ``a:b`` is not the person's age (gestational age, age at
    diagnosis, years since an event, a relative's age)."""
    return not _OTHER_AGE.search(_clause_tail(segment, a) + segment[a:b]) and not (
        _RELATIVES.search(segment, max(0, a - 80), b + 60)
    )


def _age(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    """The sentence's age limits, less the subgroups of a range stated before them.

    "ages 2-18 months, studied by age group 12-18 months, 6-12 months, < 6 months" admits
    2 to 18 months: the later bounds only split that range into groups.
    """
    found = list(_age_bounds(text, start, end, terms))
    by_sex = _ages_by_sex(text, start, found)
    if by_sex:
        yield from by_sex
        return
    first: tuple[float, float, int] | None = None
    for low, high in zip(found, found[1:], strict=False):
        a, b = _years(low), _years(high)
        same = low.span == high.span and (low.op, high.op) == (">=", "<=")
        if same and a is not None and b is not None:
            first = (a, b, low.span[1])
            break
    for c in found:
        years = _years(c)
        if first and years is not None and c.span[0] >= first[2] and first[0] <= years <= first[1]:
            continue
        yield c


# The sex a group of age limits is for, named just before them ("Men aged 18-65 years and women
# aged 18-55 years", "Male Age 2 months to 20 years of age Female Age 2 months to 11 years").
_SEX_OF_AGES = re.compile(
    r"\b(?:(?P<male>males?|men|boys?)|(?P<female>females?|women|girls?))\b[^0-9;,]{0,25}$", re.I
)


def _ages_by_sex(text: str, start: int, found: list[Constraint]) -> list[Constraint]:
    """``found`` with each limit marked for the sex it is given for, when the sentence gives
    limits for men and for women apart; else []."""
    marked: list[Constraint] = []
    sex: str | None = None
    after = start
    for c in sorted(found, key=lambda c: c.span[0]):
        if c.span[0] >= after:
            number = _DIGIT.search(text, c.span[0], c.span[1])
            m = _SEX_OF_AGES.search(text, after, number.start() if number else c.span[0])
            if m is None:
                return []
            sex = "male" if m.group("male") else "female"
            after = c.span[1]
        marked.append(replace(c, qualifier=sex))
    if {c.qualifier for c in marked} != {"male", "female"}:
        return []
    return marked


def _years(c: Constraint) -> float | None:
    value = c.value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return rules.convert(float(value), c.unit or "year", "year")


_AGE_WORD = re.compile(r"\bage\b", re.I)
_AGE_PREFIX = re.compile(r"\bage", re.I)


def _age_bounds(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    if not terms.digits or not terms.has("year", "yr", "age", "month", "old"):
        return
    segment = text[start:end]
    if not _AGE_MENTION.search(segment) and not _AGE_PERSON.match(segment):
        return
    taken: list[tuple[int, int]] = []
    other: list[bool] = []

    def unusual() -> bool:
        """Whether the sentence speaks of another age or of weeks and days (found once)."""
        if not other:
            other.append(
                bool(
                    _OTHER_AGE.search(segment)
                    or _SHORT_NUMBER.search(segment)
                    or _RELATIVES.search(segment)
                )
            )
        return other[0]

    def free(a: int, b: int) -> bool:
        if unusual() and not _patient_age(segment, a, b):
            return False
        if _AGE_AT_EVENT.match(segment, b) or _IF_BEFORE.search(segment, max(0, a - 40), a):
            return False
        if _HOW_LONG_BEFORE.search(segment, max(0, a - 40), a):
            return False
        return all(b <= x or a >= y for x, y in taken)

    def emit(op: str, value: str, unit: str | None, a: int, b: int) -> Constraint:
        short = _SHORT_UNIT.match(segment, b) if unit is None and unusual() else None
        if short:
            unit, b = short.group(0).strip(), short.end()
        taken.append((a, b))
        unit_name = rules.time_unit(unit) if unit else "year"
        return Constraint("age", "age", op, _num(value), unit_name, (start + a, start + b))

    for m in _AGE_RANGE.finditer(segment):
        lo, hi = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
        unit = m.group("u") or m.group("u2")
        if not m.group("a") and not unit:
            continue
        # "2 months to 20 years": the lower bound in months
        low_in_years = int(lo) / 12 if m.group("ua") else int(lo)
        if low_in_years >= float(hi) or float(hi) > 120 or not free(m.start(), m.end()):
            continue
        if float(lo) > 0:  # "Children 0-15 years inclusive": no lower bound
            yield emit(">=", lo, m.group("ua") or unit, m.start(), m.end())
        yield emit("<=", hi, unit, m.start(), m.end())
    for m in _AGE_AGED.finditer(segment):
        op = rules.comparator(m.group("cmp"))
        if op and free(m.start(), m.end()) and int(m.group("n")) <= 120:
            unit_m = re.match(r"\s*" + _AGE_UNIT, segment[m.end() :], re.I)
            unit = unit_m.group("u") if unit_m else None
            yield emit(op, m.group("n"), unit, m.start(), m.end() + (unit_m.end() if unit_m else 0))
    for m in _AGE_CMP.finditer(segment):
        op = rules.comparator(m.group("cmp"))
        if not op or not free(m.start(), m.end()) or int(m.group("n")) > 120:
            continue
        has_age = bool(_AGE_WORD.search(m.group(0)))
        unit = m.group("u")
        # "Adults ≥ 18 and ≤ 80 years of age": the second bound's unit is the first's too.
        shared = None if unit or m.group("tail") else _SHARED_AGE_UNIT.match(segment, m.end())
        if shared:
            unit = shared.group("u")
        elif not unit and not m.group("tail") and not has_age:
            continue
        if _NOT_AGE_TAIL.match(segment[m.end() :]):
            continue
        before = segment[max(0, m.start() - 40) : m.start()].lower()
        near_age = re.search(
            r"\bage[sd]?\b|^\W*$|(?:patients?|participants?|subjects?|men|women|adults?|"
            r"individuals?|volunteers?|persons?)\W*$",
            before,
        )
        if not (m.group("tail") or has_age or near_age or shared):
            continue
        yield emit(op, m.group("n"), unit, m.start(), m.end())
    for m in _AGE_POSTFIX.finditer(segment):
        if not free(m.start(), m.end()) or int(m.group("n")) > 120:
            continue
        post = m.group("post")
        # "18+ years of age": the unit after the plus.
        tail = _YEARS_OF_AGE.match(segment, m.end()) if post is None else None
        if (
            (post is None or m.group("u") is None)
            and not _AGE_PREFIX.search(segment[max(0, m.start() - 20) : m.start()])
            and not tail
        ):
            continue
        op = "<=" if post is not None and not re.search(POSTFIX_GE, post, re.I) else ">="
        yield emit(op, m.group("n"), m.group("u"), m.start(), tail.end() if tail else m.end())


# --- sex ----------------------------------------------------------------------------------------

_SEX = re.compile(
    r"^(?:(?:an?|all)\s+)?(?:healthy\s+|adult\s+|postmenopausal\s+|pre-?menopausal\s+)?"
    r"(?P<sex>males?|females?|men|"
    r"women|man|woman|boys?|girls?)\b(?!\s*(?:and/or|or|and|/|&)\s*(?:[\w-]+\s+){0,2}?"
    r"(?:females?|males?|women|men|woman|man)\b)(?!\s+(?:who|"
    r"with\s+(?:reproductive|partners)|partners|participants?\s+of\s+child))",
    re.I,
)


# A later group of the other sex with its own limits ("Male Age 2 months to 20 years ...
# Female Age 2 months to 11 years"): the line speaks to both sexes.
_MALE_GROUP = re.compile(r"\b(?:males?|men|boys?)\s*:?\s*(?:age[sd]?\b|\d)", re.I)
_FEMALE_GROUP = re.compile(r"\b(?:females?|women|girls?)\s*:?\s*(?:age[sd]?\b|\d)", re.I)
# The other sex as a second group of the line ("Women of childbearing potential and men must ...",
# "... 72 hours prior to registration. Men should accept ...", "Male patients and female patients
# of reproductive age should ..."), not as a partner.
_AND_MEN = re.compile(
    r"(?:\b(?:and|or|for)|[.;,])\s+(?:fertile\s+|sexually\s+active\s+)?(?:males?|men)\b"
    r"(?!\s+partners?)",
    re.I,
)
_AND_WOMEN = re.compile(r"(?:\b(?:and|or|for)|[.;,])\s+(?:females?|women)\b(?!\s+partners?)", re.I)


# A line that admits both sexes and says nothing else ("Male or female", "Both genders are
# eligible for study", "Patients of both sexes."): everyone meets it.
_EITHER_SEX = re.compile(
    r"(?:(?:patients|participants|subjects|individuals)\s+(?:of|can\s+be)\s+)?"
    r"(?:(?:both\s+)?(?:males?|men)\s*(?:and/or|or|and|&|\\&|/)\s*(?:females?|women)"
    r"|(?:both|any|all|either)\s+(?:genders?|sex(?:es)?)"
    r"(?:\s+(?:males?|men)\s*(?:and|or|&|\\&|/)\s*(?:females?|women))?)"
    r"(?:\s+(?:patients|participants|subjects|volunteers))?"
    r"(?:\s+(?:are|is)\s+eligible(?:\s+for\s+(?:the\s+)?study)?)?"
    r"(?:\s*\([^()\d]*\))?[\s.;,]*",
    re.I,
)


def _sex(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    if start != 0:
        return
    if _EITHER_SEX.fullmatch(text):
        yield Constraint("sex", "sex", "any", None, None, (0, len(text)))
        return
    m = _SEX.match(text)
    if m:
        word = m.group("sex").lower()
        value = "female" if word.startswith(("fem", "wom", "girl")) else "male"
        others = (_MALE_GROUP, _AND_MEN) if value == "female" else (_FEMALE_GROUP, _AND_WOMEN)
        if any(other.search(text, m.end()) for other in others):
            return
        yield Constraint("sex", "sex", "==", value, None, (m.start("sex"), m.end("sex")))


# --- good health ---------------------------------------------------------------------------------

# "Healthy volunteers", "healthy male subjects", "in good health as determined by ...": the
# trial wants people without illness. Not "otherwise healthy" (apart from the condition studied),
# nor healthy controls, donors, tissue or habits, nor a line that also admits the ill ("healthy
# patients or patients with mild systemic disease").
_HEALTH = re.compile(
    r"(?<![\w-])(?<!otherwise )(?<!not )(?<!non-)"
    r"(?:(?:generally|medically|clinically|physically)\s+)?healthy\s+"
    r"(?:(?:adult|male|female|postmenopausal|pre-?menopausal|elderly|older|young|normal|"
    r"non-?smoking|ambulatory|japanese|chinese|caucasian)\s+(?:and\s+female\s+|and\s+male\s+)?){0,2}"
    r"(?:volunteers?|subjects?|participants?|individuals?|adults?|men|women|males?|females?|"
    r"persons?|people)\b"
    r"|(?<![\w-])(?<!otherwise )(?<!not )\bin\s+good\s+"
    r"(?:general\s+|physical\s+|overall\s+)?health\b"
    r"|^\s*(?:(?:generally|medically)\s+)?healthy\s*\.?\s*$",
    re.I,
)
# "a T-score ... 2.5 SD below the mean for a young, healthy adult": healthy people as the
# measure of a value, not who may join.
_HEALTH_SKIP = re.compile(
    r"\bcontrols?\b|\bdonors?\b|\bor\s+(?:patients?|subjects?)\b|"
    r"\b(?:mean|average|reference)\s+(?:values?\s+)?(?:for|of|in)\s+(?:an?\s+)?(?:young,?\s+)?healthy\b",
    re.I,
)


def _health(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    segment = text[start:end]
    if _HEALTH_SKIP.search(segment):
        return
    m = _HEALTH.search(segment)
    if m:
        yield Constraint(
            "health", "good health", "present", None, None, (start + m.start(), start + m.end())
        )


# --- performance status ---------------------------------------------------------------------------

_ECOG = re.compile(
    r"\b(?:(?-i:ECOG)|Eastern Cooperative Oncology Group|Zubrod|(?-i:WHO)|"
    r"World Health Organi[sz]ation)(?:\s*[(（](?:ECOG|WHO)[)）])?(?:[\s-]*(?:performance|PS|"
    r"perfomance)(?:\s+(?:status|score|scale|grade))?(?:\s*[(（](?:ECOG[\s-]*)?PS[)）])?)?|"
    r"\bperformance status(?:\s*\(PS\))?(?=\s*(?:of|:|=|≤|<|0|1|2))",
    re.I,
)
_KARNOFSKY = re.compile(
    r"\b(?:Karnofsky|KPS)(?:\s+performance)?(?:\s+(?:status|score|scale|"
    r"index))?(?:\s*\((?:KPS)\))?",
    re.I,
)
_LANSKY = re.compile(
    r"\b(?:Lansky)(?:\s+play)?(?:[\s-]+performance)?(?:\s+(?:status|score|scale))?(?:\s*\(LPS\))?",
    re.I,
)
_SCALE_LEAD = re.compile(
    r"^(?:\s|:|：|=|,|\(|\)|（|）|-(?=\s)|\bperformance\b|\bphysical\b|\bstatus\b|\bscore\b|"
    r"\bPS\b|\bgrade\b|\bstandard\b|\bof\b|\bmust\b|\bbe\b|\bis\b|\bshould\b|\bbetween\b|"
    r"\bthe\b|\ba\b|\brange\b)*",
    re.I,
)
_PCT = r"\s*%?"


def _scale_values(window: str, top: int) -> tuple[list[tuple[str, int]], int] | None:
    """Operator/value pairs read at the start of ``window`` for a 0..``top`` scale."""
    lead = _SCALE_LEAD.match(window)
    pos = lead.end() if lead else 0
    rest = window[pos:]
    m = re.match(rf"(?P<cmp>{CMP})\s*(?P<n>\d{{1,3}}){_PCT}", rest, re.I)
    if m:
        op = rules.comparator(m.group("cmp"))
        n = int(m.group("n"))
        if op and n <= top:
            return [(op, n)], pos + m.end()
    m = re.match(rf"(?P<a>\d{{1,3}}){_PCT}\s*(?:-|–|~|to|and)\s*(?P<b>\d{{1,3}}){_PCT}", rest)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        if a > b:
            a, b = b, a
        if b <= top:
            return _range(a, b, top), pos + m.end()
    m = re.match(r"(?P<list>\d(?:\s*,\s*\d)*\s*,?\s*(?:or|and)\s*\d)", rest)
    if m:
        values = sorted(int(v) for v in re.findall(r"\d", m.group("list")))
        if values[-1] <= top:
            return _range(values[0], values[-1], top), pos + m.end()
    m = re.match(rf"(?P<n>\d{{1,3}}){_PCT}\s*(?P<post>{POSTFIX_GE}|{POSTFIX_LE})", rest, re.I)
    if m and int(m.group("n")) <= top:
        op = ">=" if re.search(POSTFIX_GE, m.group("post"), re.I) else "<="
        if top == 5 and re.search(r"better|less|lower", m.group("post"), re.I):
            op = "<="
        return [(op, int(m.group("n")))], pos + m.end()
    m = re.match(r"(?P<n>\d{1,3})\b", rest)
    if m and int(m.group("n")) <= top:
        return [("==", int(m.group("n")))], pos + m.end()
    return None


def _range(a: int, b: int, top: int) -> list[tuple[str, int]]:
    if a == b:
        return [("==", a)]
    if a == 0:
        return [("<=", b)]
    if b == top:
        return [(">=", a)]
    return [(">=", a), ("<=", b)]


def _performance(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    if not terms.digits or not terms.has(
        "ecog", "perf", "karnofsky", "kps", "lansky", "zubrod", "who", "world"
    ):
        return
    segment = text[start:end]
    for concept, pattern, top in (
        ("ecog", _ECOG, 5),
        ("karnofsky", _KARNOFSKY, 100),
        ("lansky", _LANSKY, 100),
    ):
        for m in pattern.finditer(segment):
            if (
                concept == "ecog"
                and m.group(0).upper().startswith(("WHO", "WORLD"))
                and not re.search(r"perf|PS", m.group(0), re.I)
            ):
                continue
            parsed = _scale_values(segment[m.end() : m.end() + 60], top)
            if not parsed:
                continue
            pairs, length = parsed
            for op, value in pairs:
                yield Constraint(
                    concept, concept, op, value, None, (start + m.start(), start + m.end() + length)
                )


# --- NYHA class of heart failure ------------------------------------------------------------------

# The New York Heart Association's functional class, 1 (no limit on activity) to 4 (symptoms at
# rest): "NYHA class III or IV", "New York Heart Association Class II or greater", "NYHA I-II",
# "grade Ⅲ ~ Ⅳ heart failure according to NYHA standard", "heart failure ≤ NYHA II".
_NYHA_NAME = re.compile(r"\bnyha\b|\bnew\s+york\s+heart\s+association\b", re.I)
_NYHA_ONE = r"(?:iv|i{1,3}|[1-4]|[ⅠⅡⅢⅣ])(?![\w.])"
_NYHA_CMP = (
    r"(?P<cmp>≥|>=|>|≤|<=|<|\\<=?|\\>=?|greater\s+than(?:\s+or\s+equal\s+to)?|more\s+than|"
    r"worse\s+than|higher\s+than|less\s+than|at\s+least|above)?\s*"
)
_NYHA_CLASS = re.compile(
    r"(?:(?P<word>(?:functional\s+)?(?:class(?:ification)?|grade|stage)(?:\s+of)?)\s*|(?<=nyha)\s*)"
    + _NYHA_CMP
    + rf"(?P<a>{_NYHA_ONE})(?:\s*(?P<join>-|~|～|to|or|/|and)\s*(?P<b>{_NYHA_ONE}))?"
    r"(?P<post>\s*(?:,\s*)?(?:or|and)\s+(?:above|higher|greater|worse|more|over))?",
    re.I,
)
_NYHA_BEFORE = re.compile(
    r"(?P<cmp>≥|>=|>|≤|<=|<|greater\s+than|more\s+than|worse\s+than)\s*(?:the\s+)?$", re.I
)
_NYHA_REACH = 45
_NYHA_TOP = 4


def _nyha_bounds(m: re.Match[str], before: str) -> list[tuple[str, int]]:
    """(op, class) pairs a class expression sets; "III or IV" and "III-IV" are a range."""
    a = rules.class_number(m.group("a"))
    b = rules.class_number(m.group("b")) if m.group("b") else None
    cmp = (m.group("cmp") or "").lower().replace("\\", "")
    if not cmp:
        prefix = _NYHA_BEFORE.search(before)
        cmp = prefix.group("cmp").lower() if prefix else ""
    if b is not None:
        low, high = min(a, b), max(a, b)
        if low == 1:
            return [("<=", high)]
        return [(">=", low)] if high == _NYHA_TOP else [(">=", low), ("<=", high)]
    if m.group("post") or cmp in ("≥", ">=", "at least") or cmp.startswith("greater than or"):
        return [(">=", a)]
    if cmp in (">", "above") or cmp.endswith("than") and not cmp.startswith("less"):
        return [(">=", a + 1)] if a < _NYHA_TOP else []
    if cmp in ("≤", "<="):
        return [("<=", a)]
    if cmp in ("<", "less than"):
        return [("<=", a - 1)] if a > 1 else []
    return [("==", a)]


def _nyha(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    segment = text[start:end]
    for name in _NYHA_NAME.finditer(segment):
        near = [
            m
            for m in _NYHA_CLASS.finditer(
                segment, max(0, name.start() - _NYHA_REACH), name.end() + _NYHA_REACH
            )
            if m.group("word")
            or m.start() == name.end()
            or segment[name.end() : m.start()].isspace()
        ]
        if not near:
            continue
        m = min(near, key=lambda x: abs(x.start() - name.end()))
        first = min(m.start(), name.start())
        for op, value in _nyha_bounds(m, segment[max(0, first - 25) : first]):
            span = (start + first, start + max(m.end(), name.end()))
            yield Constraint("nyha", "NYHA class", op, value, None, span)
        return


_HEART_FAILURE_REACH = 40


def _class_for_heart_failure(found: list[Constraint]) -> list[Constraint]:
    """A NYHA class is of heart failure: the term beside it is part of the class's span, and
    no longer a condition of its own ("congestive heart failure NYHA class III or IV"); the
    class keeps that the line asks for heart failure (``HEART_FAILURE``)."""
    classes = [c for c in found if c.concept == "nyha"]
    if not classes:
        return found
    kept: list[Constraint] = []
    for c in found:
        beside = (
            [k for k in classes if _near(k.span, c.span, _HEART_FAILURE_REACH)]
            if (c.concept, c.name, c.op) == ("condition", "heart failure", "present")
            else []
        )
        if not beside:
            kept.append(c)
        for k in beside:
            k.span = (min(k.span[0], c.span[0]), max(k.span[1], c.span[1]))
            k.qualifier = HEART_FAILURE
    return kept


def _near(a: tuple[int, int], b: tuple[int, int], reach: int) -> bool:
    """Whether two spans overlap or lie within ``reach`` characters of each other."""
    return a[0] - reach <= b[1] and b[0] - reach <= a[1]


# --- pregnancy and breastfeeding ------------------------------------------------------------------

_PREGNANCY = re.compile(r"\bpregnan(?:t|cy|cies)\b", re.I)
_BREASTFEEDING = re.compile(
    r"\bbreast[- ]?feed(?:ing|s)?\b|\bbreastfed\b|\blactat(?:ing|ion)\b|\bnursing\b(?!\s+(?:home|"
    r"staff|care|facility))",
    re.I,
)
_AFTER_DOSE = re.compile(
    rf"(?:for\s+|within\s+)?(?:at\s+least\s+)?(?P<n>{NUM})\s*{TIME_UNIT}\s+(?:after|following|"
    rf"post)\s+"
    r"(?:the\s+)?(?:last|final)\s+(?:dose|administration|infusion|treatment)",
    re.I,
)
_PREGNANCY_SKIP = re.compile(
    r"(?:prevent(?:ing)?|avoid(?:ing)?|risk of|potential|possibility of|chance of|becom(?:e|ing)|"
    r"contracept\w*|during|achieve|undetected|suspects?\s+(?:that\s+)?(?:she|they)\s+(?:is|are|"
    r"may\s+be|might\s+be))\s+(?:a\s+|an\s+)?(?:early\s+)?$",
    re.I,
)


# "planning to become pregnant", "desire for a pregnancy": a pregnancy to come, unless the line
# speaks of both ("currently or planning to become pregnant").
_PLANNED = re.compile(
    r"\b(?:plan(?:s|ning)?|intend(?:s|ing)?|wish(?:es|ing)?|want(?:s|ing)?|desir(?:e|es|ing))"
    r"\s+(?:to\s+|on\s+)?(?:become|becoming|get|getting)\s+$|\b(?:desir(?:e|es|ing)|planned|"
    r"planning|plans?\s+for|wish(?:es)?\s+for)\s+(?:a\s+)?$",
    re.I,
)
_CURRENT_OR_PLANNED = re.compile(r"\bcurrent(?:ly)?\s+(?:and/)?or\s+\w+\s+$", re.I)


# "Female patients who are lactating must agree to stop breastfeeding": what a group must do,
# not who may join.
_WHO_ARE = re.compile(r"\b(?:who|that)\s+(?:are|is|become)\s+(?:currently\s+)?$", re.I)
_MUST_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:(?:must|should)\s+(?!be\s+(?:excluded|ineligible)\b|not\b)|will\s+(?:need|have)\s+"
    r"to\b|need\s+to\b|are\s+required\b|agrees?\b)",
    re.I,
)


def _reproductive(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    if not terms.has("pregnan", "breast", "lactat", "nursing"):
        return
    segment = text[start:end]
    window = (
        _AFTER_DOSE.search(segment)
        if terms.digits and terms.has("dose", "administration", "infusion")
        else None
    )
    for concept, pattern in (("pregnancy", _PREGNANCY), ("breastfeeding", _BREASTFEEDING)):
        for m in pattern.finditer(segment):
            before = segment[max(0, m.start() - 40) : m.start()]
            after = segment[m.end() : m.end() + 20]
            qualifier: str | None = None
            if concept == "pregnancy":
                if re.match(r"\s*test", after, re.I):
                    if re.search(r"negative\s+(?:\w+\s+){0,3}$", before, re.I):
                        yield Constraint(
                            concept,
                            concept,
                            "absent",
                            None,
                            None,
                            (start + m.start(), start + m.end()),
                        )
                    elif re.search(r"positive\s+(?:\w+\s+){0,3}$", before, re.I):
                        yield Constraint(
                            concept,
                            concept,
                            "present",
                            None,
                            None,
                            (start + m.start(), start + m.end()),
                        )
                    continue
                if re.search(r"negative\s+(?:[\w/]+\s+){0,3}$", before, re.I):
                    # "a negative urine or serum pregnancy", the word "test" left out.
                    yield Constraint(
                        concept, concept, "absent", None, None, (start + m.start(), start + m.end())
                    )
                    continue
                if _PLANNED.search(before) and not _CURRENT_OR_PLANNED.search(before):
                    qualifier = "planned"
                elif _PREGNANCY_SKIP.search(before) or re.match(
                    r"\s*(?:prevention|avoidance)", after, re.I
                ):
                    continue
            if _WHO_ARE.search(before) and _MUST_AFTER.match(after):
                continue
            negated = re.search(
                r"\b(?:not|non|no|neither|nor|refrain from|avoid|stop|"
                r"discontinue)\b[\s-]*(?:\w+\s+){0,4}$|\bnon-$",
                before,
                re.I,
            ) or _in_negated_examples(segment, m.start())
            op = "absent" if negated else "present"
            span = (start + m.start(), start + m.end())
            if window and op == "present" and 0 <= window.start() - m.end() <= 60:
                yield Constraint(
                    concept,
                    f"{concept} after last dose",
                    "within",
                    _num(window.group("n")),
                    rules.time_unit(window.group("unit")),
                    (span[0], start + window.end()),
                    qualifier=qualifier,
                    anchor="last dose",
                )
                continue
            yield Constraint(concept, concept, op, None, None, span, qualifier=qualifier)


# --- measurements ---------------------------------------------------------------------------------

_VALUE_AFTER = re.compile(
    r"^(?:\s*\((?![<>≤≥])[^)]{0,40}\))?(?:\s*\[[^\]]{0,20}\])?(?:\s|:|=|,|\)|\binterval\b|"
    r"\blevels?\b|\brate\b|\bcounts?\b|\bvalues?\b|\bconcentrations?\b|\bscores?\b|\btotal\b|"
    r"\bof\b|\bmust\b|\bshould\b|\bbe\b|\bis\b|\bare\b|\bwas\b|\bhas\b|\bhave\b|\bshall\b|"
    r"\bwith\b|\bat\s+screening\b|\bresult\b|\bmeasured\b|\bbaseline\b|\bserum\b|\bplasma\b|"
    r"\bblood\b|\bin\s+the\s+range\b|\ba\b|\bthe\b)*?"
    rf"(?:(?P<cmp>{CMP})\s*(?P<n>{NUM})|(?:between\s+)?(?P<a>{NUM})\s*(?P<au>%|"
    rf"[a-zA-Z/^0-9µμ³]+)?\s*(?:-|–|to|and)\s*(?P<b>{NUM})|"
    rf"(?P<pn>{NUM})(?P<post>[^,;]{{0,25}}?(?:{POSTFIX_GE}|{POSTFIX_LE})))",
    re.I,
)
# The other bound of a range said with two comparators.
_OTHER_BOUND = re.compile(rf"\s*(?:,\s*)?(?:and|or)\s*(?P<cmp>{CMP})\s*(?P<n>{NUM})", re.I)
_VALUE_BEFORE = re.compile(
    rf"(?P<cmp>{CMP})\s*(?P<n>{NUM})\s*(?P<unit>%|percent|weeks?'?)?\s*(?:of\s+|in\s+)?(?:the\s+)?$",
    re.I,
)
# "between 24 and 28 weeks of gestation", "11 0/7 to 13 6/7 weeks gestation": a range of weeks
# said before the measurement (sevenths are days).
_WEEKS_BEFORE = re.compile(
    rf"(?:between\s+)?(?P<a>{NUM})(?:\s+(?P<ad>[0-6])/7)?\s*(?:weeks?\s*)?(?:-|–|to|and)\s*"
    rf"(?P<b>{NUM})(?:\s+(?P<bd>[0-6])/7)?\s*weeks?'?\s*(?:of\s+)?$",
    re.I,
)
# "born before 32 weeks of gestation"
_WEEKS_BEFORE_OR_AFTER = re.compile(
    rf"\b(?P<cmp>before|after|beyond)\s+(?P<n>{NUM})\s*(?P<unit>weeks?'?)\s*(?:of\s+)?$", re.I
)
_BEFORE_OR_AFTER = {"before": "<", "after": ">", "beyond": ">"}
# "normal leukocyte count, platelet count >= 120": the first says its own level, so the
# value after the list does not belong to it.
_OWN_LEVEL = re.compile(r"\b(?:normal|abnormal|elevated|increased|decreased|low|high)\s+$", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,|and|or|/|&|\([^)]{0,30}\)|\s)*\s*$", re.I)


# "a change in body weight > 5 kg": the amount is a change, not the measurement ("a continuous
# increase in systolic blood pressure >= 150 mmHg" still reads the pressure).
_CHANGE_IN = re.compile(
    r"\b(?:changes?|loss|gain|decreases?|reductions?|drops?|fluctuations?)\s+"
    r"(?:of|in)\s+(?:(?:the|their|his|her)\s+)?$",
    re.I,
)


# "≥ 5% weight loss in previous 6 months": the amount is the change after the name.
_CHANGE_AFTER = re.compile(r"\s+(?:loss|gain|changes?|reductions?|decreases?|increases?)\b", re.I)


# "a weight of more than 45 kg (100 lbs.) over ideal body weight", "systolic blood pressure more
# than 2 standard deviations below the mean": an amount beside a reference the record does not
# give, not the measurement itself.
_RELATIVE_AMOUNT = re.compile(
    r"\s*(?:(?:\([^)]{0,20}\)\s*)?(?:over|above|below|under)\s+(?:(?:the|their|his|her)\s+)?"
    r"(?:ideal|predicted|expected|baseline)\b|(?:standard\s+deviations?|SDs?)\b)",
    re.I,
)


_BRACKET_OPEN = re.compile(r"\s*\(\s*")
_BRACKET_CLOSE = re.compile(r"\s*\)")


def _with_bracketed_names_folded(
    segment: str, mentions: list[tuple[int, int, rules.Term]]
) -> list[tuple[int, int, rules.Term]]:
    """A measurement's other name in brackets after it ("AST (SGOT) / ALT (SGPT) ≤ 2.5 x
    ULN") as part of the one mention, so that a list of them shares the limit after it."""
    folded: list[tuple[int, int, rules.Term]] = []
    for a, b, term in mentions:
        if folded and folded[-1][2] is term:
            close = _BRACKET_CLOSE.match(segment, b)
            if close and _BRACKET_OPEN.fullmatch(segment, folded[-1][1], a):
                folded[-1] = (folded[-1][0], close.end(), term)
                continue
        folded.append((a, b, term))
    return folded


def _measurements(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    candidates = terms.of("measurement")
    if not candidates or not terms.digits:
        return
    segment = text[start:end]
    mentions: list[tuple[int, int, rules.Term]] = []
    sentence = terms.sentence(start, end)
    for term in candidates:
        if term.literals and not sentence.whole and not sentence.has(*term.literals):
            continue
        if term.context is not None and not term.context.search(segment):
            continue
        for m in term.pattern.finditer(segment):
            if any(not (m.end() <= a or m.start() >= b) for a, b, _ in mentions):
                continue
            if _CHANGE_IN.search(segment, max(0, m.start() - 30), m.start()):
                continue
            if _CHANGE_AFTER.match(segment, m.end()):
                continue
            if _TARGET_OF_TREATMENT.search(segment, max(0, m.start() - 30), m.start()):
                continue
            mentions.append((m.start(), m.end(), term))
    mentions = _with_bracketed_names_folded(segment, sorted(mentions, key=lambda x: x[0]))
    values: list[list[tuple[str, float | int | None, str | None, int, int]] | None] = []
    for a, b, _term in mentions:
        values.append(_measure_value(segment, a, b, after_only=True))
    consumed = [(v[0][3], v[0][4]) for v in values if v]
    for i, (a, b, _term) in enumerate(mentions):
        if values[i] is None:
            found = _measure_value(segment, a, b, after_only=False)
            if found and all(found[0][4] <= x or found[0][3] >= y for x, y in consumed):
                values[i] = found
    for i in range(len(mentions) - 2, -1, -1):
        if values[i] is None and values[i + 1] is not None:
            gap = segment[mentions[i][1] : mentions[i + 1][0]]
            own = _OWN_LEVEL.search(segment, max(0, mentions[i][0] - 20), mentions[i][0])
            if _LIST_GAP.match(gap) and not own:
                values[i] = values[i + 1]
    transfusable = "transfus" in segment and _MAY_BE_TRANSFUSED.search(segment) is not None
    resists_treatment = _RESISTS_TREATMENT.search(segment) is not None
    for (a, b, term), found in zip(mentions, values, strict=True):
        for op, value, unit, va, vb in found or []:
            if unit == "week" and term.unit != "week":
                continue  # "≥ 4 weeks of neutrophil recovery": how long, not the count
            qualifier = CORRECTABLE if transfusable and op in (">", ">=") else None
            if resists_treatment or _SUSTAINED.match(segment, max(b, vb)):
                qualifier = SUSTAINED
            yield Constraint(
                "measurement",
                term.name,
                op,
                value,
                unit,
                (start + min(a, va), start + max(b, vb)),
                qualifier=qualifier,
            )


# "Hypertension that cannot be well controlled by antihypertensive medication (systolic blood
# pressure >= 150 mmHg ...)": the limits hold despite treatment, which one reading cannot show.
_RESISTS_TREATMENT = re.compile(
    r"\bdespite\s+(?:\w+\s+){0,4}?(?:treatment|therapy|medications?|drugs?)\b|"
    r"\bnot\s+(?:be\s+)?(?:well\s+|adequately\s+)?controlled\s+(?:with|by)\b|"
    r"\bcan(?:not|'t|\s+not)\s+(?:be\s+)?(?:well\s+)?control|\beven\s+after\b|"
    r"\bafter\s+(?:drug\s+)?treatment\b|\b(?:refractory|resistant)\s+to\b",
    re.I,
)
# "to maintain a systolic blood pressure of at least 90mmHg": what a treatment aims at, not the
# person's value.
_TARGET_OF_TREATMENT = re.compile(
    r"\b(?:to\s+(?:maintain|keep|achieve|reach|restore)|target(?:ing)?|goal\s+of)\s+"
    r"(?:an?\s+|the\s+|their\s+|his\s+|her\s+)?(?:mean\s+)?$",
    re.I,
)
# Just after a measurement's limit: it must last, or resist treatment ("for >30 minutes not
# corrected by fluid bolus", "despite fluid resuscitation", "on two consecutive readings").
_SUSTAINED = re.compile(
    r"\s*(?:\([^)]{0,20}\)\s*)?,?\s*(?:(?:for|over|lasting)\s+(?:>|≥|more\s+than\s+|at\s+least\s+|"
    r"longer\s+than\s+)?\s*\d+\s*(?:min|minutes?|hours?|hrs?|h|days?)\b|despite\b|"
    r"not\s+(?:corrected|responsive|responding)\b|unresponsive\b|refractory\b|persistent(?:ly)?\b|"
    r"sustained\b|on\s+(?:two|2|three|3|repeated|consecutive)\b)",
    re.I,
)


# "resting blood pressure (BP, <160/100 mmHg)", "Hypertension of > 170/100 mm of Hg": both
# pressures in one limit.
_PRESSURE_PAIR = re.compile(
    rf"\b(?:blood\s+pressure|BP|hypertension)\b[^0-9;.]{{0,25}}?(?P<cmp>{CMP})\s*"
    r"(?P<systolic>\d{2,3})\s*/\s*(?P<diastolic>\d{2,3})(?!\s*/|\d)(?:\s*mm\s*(?:of\s*)?hg)?",
    re.I,
)


_PRESSURE_NAMED = re.compile(r"\b(?:blood\s+pressure|BP)\b", re.I)


def _blood_pressure_pair(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    for m in _PRESSURE_PAIR.finditer(text, start, end):
        op = rules.comparator(m.group("cmp"))
        systolic, diastolic = int(m.group("systolic")), int(m.group("diastolic"))
        if op is None or systolic <= diastolic:
            continue
        # The limit starts at the pressure it names, not at the condition it may define
        # ("Hypertension (BP>140/90 mmHg)").
        named = list(_PRESSURE_NAMED.finditer(text, m.start(), m.start("cmp")))
        span = (named[-1].start() if named else m.start("cmp"), m.end())
        for name, value in (
            ("systolic blood pressure", systolic),
            ("diastolic blood pressure", diastolic),
        ):
            yield Constraint("measurement", name, op, value, "mmhg", span)


# "Hemoglobin ≥ 9.0 g/dL (patients may be transfused to meet this criterion)": a count below the
# limit can be raised before the study, so it rules nobody out.
_MAY_BE_TRANSFUSED = re.compile(r"\b(?:may|can)\s+be\s+transfused\b", re.I)


def _measure_value(
    segment: str, a: int, b: int, after_only: bool
) -> list[tuple[str, float | int | None, str | None, int, int]] | None:
    window = segment[b : b + 90]
    m = _VALUE_AFTER.match(window) if after_only else None
    if m:
        if m.group("cmp"):
            op = rules.comparator(m.group("cmp"))
            unit_m = rules.match_unit(window, m.end())
            unit, stop = unit_m if unit_m else (None, m.end())
            if op and not _RELATIVE_AMOUNT.match(window, stop):
                other = _OTHER_BOUND.match(window, stop)
                other_op = rules.comparator(other.group("cmp")) if other else None
                if other is None or other_op is None or (other_op[0] == "<") == (op[0] == "<"):
                    return [(op, _num(m.group("n")), unit, b, b + stop)]
                # "BMI >15 and < 30 kg/m2", "BMI less than 20 or greater than 50"
                unit_m = rules.match_unit(window, other.end())
                other_unit, other_stop = unit_m if unit_m else (unit, other.end())
                return [
                    (op, _num(m.group("n")), unit or other_unit, b, b + stop),
                    (other_op, _num(other.group("n")), other_unit, b, b + other_stop),
                ]
        elif m.group("a"):
            unit_m = rules.match_unit(window, m.end())
            unit, stop = unit_m if unit_m else (None, m.end())
            if unit is None and m.group("au"):
                au = rules.match_unit(m.group("au"))
                unit = au[0] if au else None
            lo, hi = _num(m.group("a")), _num(m.group("b"))
            if lo is not None and hi is not None and lo < hi:
                return [(">=", lo, unit, b, b + stop), ("<=", hi, unit, b, b + stop)]
        elif m.group("pn"):
            post = m.group("post")
            unit_m = rules.match_unit(window, m.start("post"))
            op = ">=" if re.search(POSTFIX_GE + r"\s*$", post, re.I) else "<="
            return [(op, _num(m.group("pn")), unit_m[0] if unit_m else None, b, b + m.end())]
    if after_only:
        return None
    before = segment[max(0, a - 60) : a]
    weeks = _WEEKS_BEFORE.search(before)
    if weeks:
        lo = _weeks_and_days(weeks.group("a"), weeks.group("ad"))
        hi = _weeks_and_days(weeks.group("b"), weeks.group("bd"))
        if lo is not None and hi is not None and lo < hi:
            where = a - len(before) + weeks.start()
            return [(">=", lo, "week", where, b), ("<=", hi, "week", where, b)]
    m = _VALUE_BEFORE.search(before) or _WEEKS_BEFORE_OR_AFTER.search(before)
    if m:
        op = rules.comparator(m.group("cmp")) or _BEFORE_OR_AFTER.get(m.group("cmp").lower())
        given = (m.group("unit") or "").lower()
        unit = "week" if given.startswith("week") else "%" if given else None
        stop = b
        if unit is None:
            unit_m = rules.match_unit(segment, b)
            if unit_m:
                unit, stop = unit_m
        if op:
            return [(op, _num(m.group("n")), unit, a - len(before) + m.start(), stop)]
    return None


def _weeks_and_days(weeks: str, sevenths: str | None) -> float | int | None:
    whole = _num(weeks)
    if whole is None or not sevenths or sevenths == "0":
        return whole
    return round(whole + int(sevenths) / 7, 2)


# --- therapies, procedures, drugs, conditions, time windows ---------------------------------------

# Each time window with the words one of which it needs (empty: always tried).
_MORE_THAN = rules.by_first_character(
    [
        "greater than or equal to",
        "more than or equal to",
        "more than",
        "greater than",
        "longer than",
        ">",
        "over",
        "at least",
        "≥",
        ">=",
        "minimum of",
        "no less than",
        "a minimum of",
    ]
)
_LESS_THAN = rules.by_first_character(
    ["less than", "fewer than", "<", "≤", "no more than", "up to"]
)
_WINDOWS: list[tuple[re.Pattern[str], str | None, tuple[str, ...]]] = [
    (
        re.compile(
            rf"(?P<cmp>{_MORE_THAN})\s*(?P<n>{NUM})\s*{TIME_UNIT}\s*(?:must\s+have\s+)?(?:since|before|"
            rf"prior|preceding|ago|from|after|elapsed|have elapsed|must elapse|between)",
            re.I,
        ),
        None,
        ("after", "ago", "before", "between", "elapse", "from", "preceding", "prior", "since"),
    ),
    (
        re.compile(
            rf"\b(?:for\s+|within\s+)?(?P<n>{NUM})\s*{TIME_UNIT}\s+(?:after|following|"
            rf"post)\s+(?:the\s+)?(?:last|final)\s+(?:dose|administration|infusion)",
            re.I,
        ),
        "after",
        ("dose", "administration", "infusion"),
    ),
    (
        re.compile(
            rf"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+|"
            rf"preceding\s+)?(?P<n>{NUM})(?:\s*|-){TIME_UNIT}",
            re.I,
        ),
        "within",
        ("within",),
    ),
    (
        re.compile(
            rf"\b(?:in|during|over)\s+the\s+(?:last|past|previous|preceding|"
            rf"prior)\s+(?P<n>{NUM})(?:\s*|-){TIME_UNIT}",
            re.I,
        ),
        "within",
        ("last", "past", "previous", "preceding", "prior"),
    ),
    (
        re.compile(
            rf"{_LESS_THAN}\s*(?P<n>{NUM})(?:\s*|-){TIME_UNIT}\s+(?:since|before|prior|preceding|from|of(?!\s+age\b)|ago)",
            re.I,
        ),
        "within",
        ("less than", "fewer than", "<", "≤", "no more than", "up to"),
    ),
    (
        re.compile(
            rf"(?<![<>≤≥\d]\s)(?<!than\s)\b(?P<n>{NUM})(?:\s*|-){TIME_UNIT}\s+(?:before|prior\s+to|"
            rf"preceding)\s+(?:the\s+)?(?:start|first|initiation|enrol|enroll|randomi|screening|"
            rf"study|day\s*1|baseline|registration|inclusion|treatment|consent|protocol|visit|"
            rf"dosing)",
            re.I,
        ),
        "within",
        ("before", "prior", "preceding"),
    ),
    (
        re.compile(
            r"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|"
            r"prior)\s+(?P<unit>year|month|week)\b",
            re.I,
        ),
        "within",
        ("last", "past", "previous", "preceding", "prior"),
    ),
    # "Current (past year) diagnosis of ...": the window alone in brackets.
    (
        re.compile(r"\(\s*(?:last|past|previous)\s+(?P<unit>year|month|week)\s*\)", re.I),
        "within",
        ("last", "past", "previous"),
    ),
    (
        re.compile(
            rf"\bin\s+(?:the\s+)?(?:<|≤|less\s+than\s+)?\s*(?P<n>{NUM})\s*{TIME_UNIT}"
            rf"(?!\s+(?:after|from|following|post))",
            re.I,
        ),
        "within",
        (),
    ),
]

_DIAGNOSIS = re.compile(
    r"\b(?:diagnosis of|diagnosed with)\s+(?P<name>(?:(?!with\b|within\b|who\b|that\b|which\b|"
    r"and\b|or\b|according\b|as\b|in\b|by\b|at\b|on\b|for\b|prior\b|before\b|after\b|other\b|of\b|"
    r"to\b|is\b|are\b|was\b|based\b|using\b|per\b|made\b|confirmed\b|"
    r"established\b|greater\b|less\b|more\b|than\b)[A-Za-z0-9+'-]+\s*){1,5})",
    re.I,
)
_EXCEPT_BEFORE = re.compile(
    r"\b(?:other than|except(?: for)?|excluding|with the exception of|apart from)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)
# "except replacement therapy (eg., thyroxine, insulin, or physiologic corticosteroid)": the
# examples in brackets belong to the exception.
_EXCEPT_EXAMPLES = re.compile(
    r"\b(?:other than|except(?: for)?|excluding|with the exception of|apart from)\s+"
    r"(?:[\w-]+\s+){0,3}\([^()]*$",
    re.I,
)
# "...; except Vitiligo or childhood asthma ..., and patients with type I Diabetes mellitus
# treated with a stable dose of Insulin": a clause of exceptions runs to the sentence's end.
_EXCEPT_CLAUSE = re.compile(
    r"(?:^|;)\s*(?:except(?:\s+for)?|excluding|other\s+than|apart\s+from)\b[^.;]*$", re.I
)
# "hepatitis C (with evidence of recent infection ...)": the infection in the brackets is the
# virus's own, named again.
_VIRUS_BRACKET = re.compile(
    r"\b(?:hepatitis\s*[a-e]?|hbv|hcv|hiv(?:-?[12])?|tuberculosis|tb)\b[^()]{0,12}\([^()]*$", re.I
)
_EXCEPT_PAREN = re.compile(
    r"\((?:except|excluding|other than|with the exception|unless|not including|"
    r"(?:this|which)\s+does\s+not\s+include)\b[^)]*\)|"
    r"\([^()]*\b(?:may\s+(?:still\s+)?be\s+(?:enrolled|included)|(?:is|are)\s+(?:allowed|"
    r"permitted|eligible))\b[^()]*\)",
    re.I,
)


_EXCEPT_PAREN_AFTER = re.compile(r"\s*(?:" + _EXCEPT_PAREN.pattern + ")", re.I)
# "another cancer" in any of its words: a kind of cancer named beside it is its exception or
# example ("... malignancy EXCEPT adequately treated ... in situ cervical cancer").
_ANOTHER_CANCER = re.compile(
    r"malignan|\b(?:other|another|additional|second|prior|previous|concurrent)\s+(?:primary\s+)?"
    r"(?:cancers?|tumou?rs?|carcinomas?|neoplasms?)\b",
    re.I,
)
# Kinds of cancer: the usual exceptions to "another cancer" ("malignancy (except non-melanoma
# skin cancer)"), which the term's question leaves to the person.
_CANCER_WORD = re.compile(r"\b(?:cancers?|carcinomas?|melanomas?|tumou?rs?)\b", re.I)


def _narrowed_by_exception(segment: str, b: int) -> bool:
    """Whether brackets just after a condition take some cases out ("a current substance use
    disorder (other than alcohol or cannabis)"): the rest may or may not be the person's."""
    m = _EXCEPT_PAREN_AFTER.match(segment, b)
    return m is not None and not _CANCER_WORD.search(m.group(0))


# "risk factors for osteoporosis", "is not considered as a systemic treatment", "regardless of
# whether hemodialysis is required", "unstable medical disease not related to SLE": the line
# names the condition or treatment without saying the person has it.
_NOT_ABOUT = re.compile(
    r"\b(?:(?:causes?|etiolog(?:y|ies)|risk(?:\s+factors?)?|development|prevention|prophylaxis|"
    r"screen(?:ed|ing))\s+(?:of|for)|(?:is|are)\s+not\s+(?:considered|counted|regarded)\s+as|"
    r"regardless\s+of\s+(?:whether|if)|(?:not\s+|un)related\s+to|not\s+(?:due|secondary)\s+to)\s+"
    r"(?:(?:the|a|an|any)\s+)?$",
    re.I,
)
# "Known family history of dementia": the relatives' condition; "personal or family history of
# melanoma" is the person's too.
_A_RELATIVES = re.compile(
    r"(?:(?<!\bor\s)(?<!\band\s)(?:family|familial)\s+(?:medical\s+)?history\s+of|"
    r"(?:first|1st|second|2nd)[- ]degree\s+relatives?\s+(?:with|of)|family\s+members?\s+with)\s+"
    r"(?:(?:the|a|an|any|known)\s+)?$",
    re.I,
)
# A kind or a severity of the condition the vocabulary names ("idiopathic osteoporosis",
# "uncontrolled hypertension", "class III or IV heart failure"), or the way a drug is given
# ("topical steroids"): a person known to have the condition or take the drug may or may not
# have that kind.
# A class or grade of heart failure ("III", "3", "Ⅲ"), and a range of them ("III-IV", "Ⅲ ~ Ⅳ").
_CLASS = r"(?:iv|i{1,3}|[1-4]|[ⅠⅡⅢⅣ])"
_CLASSES = rf"{_CLASS}(?:\s*(?:or|-|~|to|/)\s*{_CLASS})?"
_NYHA = r"(?:nyha|new\s+york\s+heart\s+association)"
_OR_WORSE = r"(?:\s+(?:and|or)\s+(?:above|higher|greater|worse))?"
_SPECIFIC = re.compile(
    r"\b(?:idiopathic|secondary|primary|familial|hereditary|inherited|congenital|juvenile|"
    # A ventricular arrhythmia, not any ("supraventricular or ventricular arrhythmia" is any).
    r"(?<!supra)(?<!supra-)(?<!supraventricular or )(?<!supraventricular/)ventricular|"
    r"(?<![\w-])(?:topical|inhaled|inhalational|intranasal|ophthalmic|intraocular|periocular|"
    r"intravitreal|intra-?articular|epidural|joint)|"
    r"(?:drug|steroid|chemotherapy|radiation)[- ]induced|gestational|neonatal|severe|"
    r"uncontroll(?:ed|able)|poorly[- ]controlled|poor\s+control(?:\s+of)?|unstable|"
    r"(?:de|un)compensated|end[- ]stage|"
    # A marker the condition carries or lacks: "ALK-positive NSCLC", "EGFR mutant NSCLC",
    # "antibodies-positive rheumatoid arthritis", "triple-negative breast cancer".
    r"[\w-]+-(?:positive|negative)|[\w-]+[- ](?:mutant|mutated)|"
    r"(?:high|low)[- ]risk|non-?metastatic|refractory|a?typical|"
    # Stopping it, not taking it: "Discontinued an antidepressant medication less than 1
    # month ago".
    r"(?:discontinued|stopped|ceased|withdrawn\s+from|tapered\s+off)(?:\s+(?:an?|the|their|his|"
    r"her))?|"
    rf"(?:{_NYHA}\s+)?(?:functional\s+)?(?:class|grade)\s*"
    rf"(?:≥|>=|>|above\s+)?\s*{_CLASSES}{_OR_WORSE}|{_NYHA}\s+{_CLASSES}{_OR_WORSE})"
    # "uncontrolled hyper- or hypothyroidism": the kind said of both.
    r"(?:\s+(?:right|left)(?:[- ]sided)?)?(?:\s+[a-z]+-\s*(?:or|and|/))?\s+$|"
    # A dose above a threshold before the drug ("dose>10mg/day prednisone").
    r"(?:>|≥|>=|more\s+than|greater\s+than|exceeding|above)\s*\d+(?:\.\d+)?\s*mg"
    r"(?:\s*/\s*(?:kg\s*/\s*)?d(?:ay)?)?\s+(?:of\s+)?$",
    re.I,
)
# "analgesics (e.g., NSAIDs ...) or butalbital on ≥ 15 days per month", "current regular use
# (more than 2 days per week) of a benzodiazepine": how often a drug is taken, which a note
# seldom says.
_HOW_OFTEN = re.compile(
    r"\b(?:\d+(?:\s*(?:-|to)\s*\d+)?|one|two|three|four|five|six|seven)\s*(?:or\s+more\s+)?"
    r"(?:days?|times?|occasions?)\s*(?:per|a|each|every|/|in\s+a)\s*(?:week|month)\b",
    re.I,
)
# "long-term steroid use", "prolonged use of steroids", "chronic systemic steroid therapy": how
# long the drug has been taken, which a note seldom says.
_LONG_TERM = re.compile(
    r"\b(?:long[- ]term|prolonged|chronic)\s+(?:use\s+of\s+)?(?:(?:systemic|oral|daily)\s+)?$",
    re.I,
)
# A kind of surgery or infection ("cervical spine surgery", "HIV-1 infection"): someone who
# had another kind has not had this one. The words here leave the term as broad as it is.
_KIND_OF = frozenset({"surgery", "infection", "radiotherapy"})
_BROAD_WORD = re.compile(
    r"(?:^|[\s(,;:/-])(?:any|prior|previous|recent|minor|planned|active|current|ongoing|serious|"
    r"severe|significant|clinically|uncontrolled|systemic|acute|chronic|known|of|with|or|and|"
    r"other|concurrent|untreated|elective|scheduled|no|had|has|have|a|an|the|requiring|"
    r"documented|intercurrent|previously|underwent|undergone|undergo|history|received|receiving|"
    r"including|cytotoxic|for|to)\s+$",
    re.I,
)
_WORD_BEFORE = re.compile(r"[A-Za-z0-9][\w-]*\s+$")
# "Hepatitis C virus (defined as ...) infection": the kind is named before the brackets.
_BRACKETS_AT_END = re.compile(r"\([^()]*\)\s*$")


def _a_kind_of(segment: str, a: int, name: str) -> bool:
    """Whether a word that names a kind stands before the broad term at ``a``."""
    if name not in _KIND_OF:
        return False
    before = _BRACKETS_AT_END.sub("", segment[max(0, a - 200) : a])[-30:]
    return bool(_WORD_BEFORE.search(before)) and not _BROAD_WORD.search(before)


# A kind named once for two terms joined by "or": "head and neck cancer or surgery", "surgery or
# previous fracture of spinal stenosis", "surgery or radiation to the spine".
_SHARED_BEFORE = re.compile(
    r"\b(?:cancers?|carcinomas?|tumou?rs?|diseases?|injur(?:y|ies)|trauma|fractures?|stenting|"
    r"angioplasty|grafting)\s*,?\s+or\s+$",
    re.I,
)
# Examples of a named kind of disease ("Active gastrointestinal disease such as Crohn's disease,
# ..., acute infection"): the infection listed is of that kind.
_EXAMPLES_OF_A_KIND = re.compile(
    r"\b(?!(?:systemic|serious|severe|significant|uncontrolled|intercurrent|medical|other|"
    r"concurrent|active|chronic|acute|underlying|any|major|unstable|comorbid)\b)[a-z]{4,}\s+"
    r"(?:diseases?|disorders?)\s*,?\s*(?:such\s+as|including|e\.g\.,?)[^.;:()]{0,150}$",
    re.I,
)
# Examples of conditions named by what they cause ("Medical conditions causing significant
# functional disability (e.g., stroke, COPD)"): the example counts only with that effect.
_EXAMPLES_OF_AN_EFFECT = re.compile(
    r"\b(?:caus(?:ing|es?)|resulting\s+in|leading\s+to)\s+(?:[\w-]+\s+){0,3}"
    r"(?:disabilit(?:y|ies)|impairments?|limitations?)\s*[(\[]\s*(?:e\.\s?g\.?|such\s+as|"
    r"including|for\s+example)[^()\[\]]*$",
    re.I,
)
_SHARED_AFTER = re.compile(
    r"\s+or\s+(?:(?:previous|prior)\s+)?(?:fractures?|injur(?:y|ies)|trauma|radiation|"
    r"radiotherapy|biops(?:y|ies)|damage)\s+(?:of|to)\s+\w",
    re.I,
)


def _shares_a_kind(segment: str, a: int, b: int, name: str) -> bool:
    return name in _KIND_OF and bool(
        _SHARED_BEFORE.search(segment, max(0, a - 40), a)
        or _SHARED_AFTER.match(segment, b)
        or _EXAMPLES_OF_A_KIND.search(segment, max(0, a - 200), a)
    )


# One type of diabetes ("type 1 diabetes", "insulin-dependent diabetes mellitus", "type 2
# diabetes", "T2DM", "diabetes mellitus type 2"), unless the line names the other types too
# ("Type 1 diabetes, Type 2 diabetes, or any other types").
_ONE_TYPE = re.compile(
    r"\b(?:(?P<type_1>type[\s-]*(?:1|i|one))|(?P<type_2>type[\s-]*(?:2|ii|two)|non[- ]insulin[- ]"
    r"depend[ae]nt)|(?<!non-)(?<!non )(?P<insulin>insulin[- ]depend[ae]nt))\s+$",
    re.I,
)
_TYPE_AFTER = re.compile(
    r",?\s*\(?type[\s-]*(?:(?P<type_1>1|i|one)|(?P<type_2>2|ii|two))\b"
    # "(Type 1 or 2)": both types.
    r"(?!\s*(?:or|and|/|,|-)\s*(?:type[\s-]*)?(?:[12]|ii?|one|two)\b)\)?",
    re.I,
)
# "diabetes mellitus requiring insulin": the insulin-dependent kind.
_INSULIN_AFTER = re.compile(
    r"\s+(?:requiring|dependent\s+on|treated\s+with)\s+(?:daily\s+)?insulin\b(?:\s+(?:treatment|therapy))?",
    re.I,
)
_TYPE_IN_TERM = re.compile(r"t(?:(?P<type_1>1)|(?P<type_2>2))d", re.I)
_NOT_TYPE_1 = re.compile(r"\btype[\s-]*(?:2|ii|two)\b|\bT2D|\b(?:other|any)\s+types?\b", re.I)
_OTHER_TYPES = {
    TYPE_1: _NOT_TYPE_1,
    INSULIN_DEPENDENT: _NOT_TYPE_1,
    TYPE_2: re.compile(
        r"\btype[\s-]*(?:1|i|one)\b|\bT1D|(?<!non-)(?<!non )\binsulin[- ]depend|"
        r"\b(?:other|any)\s+types?\b",
        re.I,
    ),
}


_DIABETES = re.compile(r"(?<![\w-])diabet|\bT[12]D", re.I)
# "type 1 or type 2 diabetes", "type 1 and 2 diabetes": every type, the types' words part of
# the term.
_BOTH_TYPES = re.compile(
    r"\btype[\s-]*(?:1|i|one)\s*(?:,|or|and|and/or|/)\s*(?:type[\s-]*)?(?:2|ii|two)\s+$", re.I
)


def _one_type(segment: str, a: int, b: int, name: str) -> tuple[str, int, int] | None:
    """The qualifier of a term for one type ("type 1 ", "insulin-dependent " before it, " type
    2" after it, "T2DM") and where the term with the type's words starts and ends. The type
    decides a line that names diabetes once; one that names it again ("type 1 diabetes and
    uncontrolled diabetes [HbA1c >= 10.0 %]") may rule out other types too, so it stays
    "specific"."""
    start, end = a, b
    m = _TYPE_IN_TERM.match(segment, a) if name == "diabetes" else None
    if m is None:
        m = _ONE_TYPE.search(segment, max(0, a - 25), a)
        if m is not None:
            start = m.start()
    if m is None and name == "diabetes":
        m = _TYPE_AFTER.match(segment, b) or _INSULIN_AFTER.match(segment, b)
        if m is not None:
            end = m.end()
    if m is None:
        return None
    kind = m.groupdict()
    qualifier = (
        TYPE_1 if kind.get("type_1") else TYPE_2 if kind.get("type_2") else INSULIN_DEPENDENT
    )
    if any(
        # "type 1 diabetes or uncontrolled type 2 diabetes" names one kind of each.
        not _SPECIFIC.search(segment, max(0, other.start() - 30), other.start())
        for other in _OTHER_TYPES[qualifier].finditer(segment)
        if not start <= other.start() < end
    ):
        return None
    if name != "diabetes" or len(_DIABETES.findall(segment)) > 1:
        return "specific", start, end
    return qualifier, start, end


# The same said after the condition ("hypertension is still poorly controlled"), a
# complication it names ("diabetic ketoacidosis", "diabetic foot ulcers"), a class or grade
# ("heart failure NYHA classification of III or IV"), a drug given where it acts ("steroid
# injections", "steroid cream") or above a dose ("corticosteroids (prednisone>10 mg/day or
# equivalent)").
_SPECIFIC_AFTER = re.compile(
    r"\s*(?:(?:that|which)\s+)?(?:(?:is|are|remains?)\s+)?(?:still\s+)?(?:(?:poorly|inadequately|"
    r"not(?:\s+well)?)[- ]controlled|uncontroll(?:ed|able)|unstable|refractory|decompensated|"
    r"(?:cannot|can\s*not|could\s+not)\s+be\s+(?:well\s+|adequately\s+)?controlled)\b|"
    r"\s*(?:that|which)\s+(?:might|may|could|would|can)\b|"
    r"\s+(?:ketoacidosis|retinopathy|neuropathy|nephropathy|macular\s+edema|foot|ulcers?|"
    r"gastroparesis|coma|complications?)\b|"
    # One type ("diabetes mellitus-insulin dependent"), one cause ("infection with HIV").
    r"[- ]+insulin[- ](?:dependent|requiring|treated)\b|"
    r"\s+(?:with|by|due\s+to|caused\s+by)\s+(?:an?\s+|the\s+)?(?:human\s+immuno|hiv|hepatitis|"
    r"h[bcd]v|virus|viral|bacteri|fung|myco|tubercul)|"
    # "systemic lupus erythematosus with anti-double-stranded ... antibody seropositivity".
    r"\s+with\s+(?:[\w-]+\s+){0,6}?(?:antibody\s+)?seropositiv|"
    # Giving it up: "smoking cessation".
    r"\s+cessation\b|"
    # Above a dose: "steroid therapy dose equivalent of more than 5mg prednisolone".
    r"\s+(?:therapy\s+|use\s+)?(?:at\s+)?(?:an?\s+)?(?:daily\s+)?dos(?:e|es|age)\b(?:\s+equivalent)?"
    r"(?:\s+(?:of|to))?\s*(?:more|greater|higher|>|≥|above|exceeding|at\s+least|in\s+excess)|"
    # A cancer that has not spread past its first layer: "cervical carcinoma in situ".
    r"\s+in[- ]situ\b|"
    # One form of it: "major depression with psychotic features".
    r"\s+with\s+(?:[\w-]+\s+){1,2}features\b|"
    # A condition it brings ("Parkinson's disease dementia", "HIV-associated nephropathy").
    r"\s+(?:dementia|psychosis)\b|[- ](?:associated|related)\b|"
    # An episode of it, not the condition: "COPD exacerbation", "asthma attacks", "migraine days".
    r"\s+(?:exacerbations?|flares?|attacks?|awakenings?|days|episodes?|crisis|crises)\b|"
    r"\s+(?:injections?|injected|infiltrations?|creams?|ointments?|eye\s*drops|inhalers?)\b|"
    # Taken for a long time, which a note seldom says.
    r"(?:\s+or\s+other\s+[\w-]+)?\s+(?:for\s+a\s+long\s+(?:time|period)|long[- ]term|"
    r"chronically)\b|"
    rf"\s+(?:greater|worse|higher)\s+than\s+(?:the\s+)?{_NYHA}\b|"
    # A stage of its own scale: "COPD GOLD >2", "COPD GOLD stage III".
    r"\s+GOLD\s*(?:stage|grade|class)?\s*(?:>|≥|>=|[1-4]\b|I{1,3}V?\b|IV\b)|"
    rf"\s*(?:\([^()]{{0,20}}\)\s*|\(\s*)?(?:{_NYHA}\s+)?"
    r"(?:(?:above|over|greater\s+than|higher\s+than)\s+)?(?:class(?:ification)?|grade)\s*"
    rf"(?:of\s+)?(?:≥|>=|>)?\s*{_CLASS}(?![\w.])|"
    r"\s*[(\[]\s*(?:(?:prednisone|prednisolone|dexamethasone|hydrocortisone)\s*)?(?:>|≥|>=|"
    r"more\s+than|greater\s+than|exceeding|above)\s*\d|"
    # Where it is, said after it or after the list it ends ("fracture, infection, and/or
    # deformity (...) of the spine").
    r"(?:\s*,\s*(?:and/or\s+|and\s+)?[\w-]+){0,2}\s*(?:\([^()]{0,120}\)\s*)?"
    r"\s+(?:at|to|of|in|on)\s+(?:the\s+)?(?:(?:operative|index|same|affected|treated|target|"
    r"study|surgical|local|lumbar|cervical|thoracic|spinal)\s+)?(?:levels?|sites?|areas?|"
    r"regions?|eyes?|joints?|sides?|segments?|spine)\b|"
    r"[^.;]{0,80}?\b(?:after|when|upon|on)\s+(?:stopping|reducing|withdrawal|cessation|"
    r"discontinu\w*)\b",
    re.I,
)
# How long a condition has lasted or a drug been taken ("asthma for at least 6 months", "disc
# herniation for less than 12 months", "ICS use for at least 3 months", "pain lasting more than 3
# months"): counted from when it began, not a time window before the study.
_DURATION_AFTER = re.compile(
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:(?:use|usage|treatment|therapy|symptoms?)\s+)?(?:(?:lasting|persisting|present|"
    r"existing)\s+(?:for\s+)?|(?P<for>for)\s+(?:a\s+(?:duration|period)\s+of\s+)?|"
    r"(?:of|with)\s+(?:a\s+)?duration\s+(?:of\s+)?|(?P<of>of|is|must\s+be|should\s+be)\s+)?"
    rf"(?P<cmp>{_MORE_THAN}|{_LESS_THAN})?\s*(?P<n>{NUM})\s*(?:consecutive\s+)?"
    r"(?P<unit>days?|weeks?|months?|years?)\b(?!\s*(?:before|prior|ago|since|from|after|"
    r"preceding|of\s+(?:the\s+)?(?:start|first|study|randomi|enrol|screening)))",
    re.I,
)


def _duration(segment: str, a: int, b: int) -> tuple[str, float | int, str, int, int] | None:
    """How long the term at ``a``..``b`` must have lasted: an operator, a number, a unit and
    where the words saying so (with the term) start and end.
    A bare number needs "for" ("for 6 months" means at least that long); "of" or "is" after
    the term needs "duration" before it ("duration of diabetes of at least 1 year")."""
    if _OFF_BEFORE.search(segment, max(0, a - 40), a):
        return None
    before = _DURATION_BEFORE.search(segment, max(0, a - 80), a)
    if before is not None:
        return _how_long(before, before.start(), b)
    m = _DURATION_AFTER.match(segment, b)
    if m is None or not (m.group("cmp") or m.group("for")):
        return None
    if m.group("of") and not _DURATION_OF.search(segment, max(0, a - 40), a):
        return None
    return _how_long(m, a, m.end())


def _how_long(
    m: re.Match[str], begin: int, end: int
) -> tuple[str, float | int, str, int, int] | None:
    """The operator (at least, when none is said), number and unit of a duration's words."""
    n = _num(m.group("n"))
    op = rules.comparator(m.group("cmp")) if m.group("cmp") else ">="
    if n is None or op not in (">", ">=", "<", "<="):
        return None
    return op, n, rules.time_unit(m.group("unit")), begin, end


# "off corticosteroids for at least 14 days", "free of seizures for 6 months": how long it has
# not been.
_OFF_BEFORE = re.compile(
    r"\b(?:off|free\s+(?:of|from)|without|stopped|discontinued|withdrawn\s+from|abstinent\s+"
    r"from|no|not\s+(?:on|taking|taken|received|receiving|had|used|using))\s+(?:[\w-]+\s+){0,3}$",
    re.I,
)
# "At least a 1-year history of migraine", "a 6-month history of chronic low back pain".
_DURATION_BEFORE = re.compile(
    rf"(?:(?P<cmp>{_MORE_THAN}|{_LESS_THAN})\s*(?:an?\s+)?)?(?P<n>{NUM})[- ]"
    r"(?P<unit>year|month|week|day)s?[- ](?:long\s+)?(?:history|duration)\s+of\s+"
    r"(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
_DURATION_OF = re.compile(r"\b(?:duration|length)\s+of\s+(?:[\w'-]+\s+){0,3}$", re.I)


# "Diagnosed with type 2 diabetes at least 6 months before screening", "onset of symptoms within
# 12 months": the time window counts from the diagnosis, however active the condition is now.
_DIAGNOSED_BEFORE = re.compile(
    r"\b(?:diagnos(?:ed|is|es)|onset)\s+(?:of|with|as)?\s*(?:(?:a|an|the)\s+)?"
    r"(?:[\w'-]+\s+){0,3}$",
    re.I,
)


# "asthma on regular prescribed controller therapy for 3 months", "migraines with at least 1
# prescription CGRP inhibitor therapy ... during the 3 months": the window times the treatment
# named between the condition and it.
_TREATED_GAP = re.compile(
    r"\s*(?:on|with|receiving|taking|using|managed\s+with|treated\s+with)\s+[^.;]{0,120}?"
    r"\b(?:therap(?:y|ies)|treatments?|medications?|drugs?|inhibitors?|regimens?)\b",
    re.I,
)


# "have not changed their medications for type 2 diabetes and chronic kidney disease in the past
# 4 weeks": the window times the change, and the person has the condition with a detail the
# facts do not give.
_TREATMENT_CHANGED_FOR = re.compile(
    r"\b(?:chang(?:e|es|ed|ing)|adjust(?:ed|ing|ments?)|modif(?:ied|ying|ications?))\s+"
    r"(?:(?:in|of|to)\s+)?(?:(?:their|the|any|his|her)\s+)?(?:[\w-]+\s+){0,2}?(?:medications?|"
    r"treatments?|therap(?:y|ies)|regimens?|doses?|dosing)\s+(?:for|of)\s+(?:[\w-]+\s+){0,6}?$",
    re.I,
)


# "Ongoing dementia treatment", "naive to HCV treatment": a treatment named by its condition
# says the person has the condition, and something of its treatment the facts do not give.
_TREATMENT_NAMED_BY = re.compile(
    r"[- ]+(?:treatments?|therap(?:y|ies)|medications?|medicines?|drugs?|regimens?)\b", re.I
)


def _treatment_changed_for(segment: str, start: int) -> bool:
    return _TREATMENT_CHANGED_FOR.search(segment, max(0, start - 120), start) is not None


# Nothing but "diagnosed" between the condition and its window: "asthma on regular controller
# therapy for 3 months prior to enrollment" times the therapy, not the diagnosis.
_BEFORE_DIAGNOSED = (
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:(?:that|which)\s+)?(?:(?:was|were|is|has\s+been|first)\s+)*"
)
_JUST_BEFORE_WINDOW = re.compile(
    _BEFORE_DIAGNOSED + r"(?:(?:diagnosed|confirmed|detected)\s*)?,?\s*", re.I
)
_DIAGNOSED_AFTER = re.compile(_BEFORE_DIAGNOSED + r"(?:diagnosed|confirmed|detected)\b", re.I)


# A treatment named as what a condition needed ("radiation pneumonitis that required steroid
# treatment", "autoimmune disease that has required systemic treatment (i.e. with ...
# corticosteroids)"): it says which cases of the condition count, so having had the treatment
# does not decide the line. Only for treatments given for many conditions; "kidney disease
# requiring dialysis" is still about dialysis.
_TREATMENT_OF = re.compile(
    r"\b(?:(?:that|which)\s+)?(?:(?:has|have|is|are)\s+)?(?:requir(?:e|es|ed|ing)|needing|needed|"
    r"receiving|treated\s+with|managed\s+with)\b"
    r"(?:(?!,\s*(?:or|and)\b|\bor\s+any\b)[^.;]){0,140}$",
    re.I,
)
_GENERIC_TREATMENTS = frozenset(
    {
        "corticosteroids",
        "immunosuppressive therapy",
        "systemic therapy",
        "nsaids",
        "opioids",
        "surgery",
    }
)


# "radiation-related toxicities requiring corticosteroids": a harm stands for the condition.
_HARM = re.compile(
    r"\b(?:toxicit(?:y|ies)|adverse\s+(?:events?|reactions?)|AEs?|complications?|side\s+effects?)"
    r"\s*$",
    re.I,
)
# "immunodeficiency or is receiving steroids": a second case, not what the condition needed.
_ALTERNATIVE = re.compile(r"\b(?:or|and)\b", re.I)


# "History or presence of", "current or past diagnosis of": ever and now alike.
_EVER_OR_NOW = re.compile(
    r"\b(?:history|past|prior|previous)\s+(?:or|and/or)\s+(?:presence|current|active)\b|"
    r"\b(?:presence|current|active)\s+(?:or|and/or)\s+(?:lifetime\b|(?:lifetime\s+)?(?:history|"
    r"past|prior|previous)\b)",
    re.I,
)
# Only a separator between two terms of a list: the second is read as the first is.
_SEPARATOR_ONLY = re.compile(r"\s*,?\s*(?:(?:or|and|and/or)\s+)?", re.I)


def _treats_named_condition(
    segment: str, at: int, mentions: list[tuple[int, int, str, str]]
) -> bool:
    """Whether the treatment at ``at`` is what a condition named just before needed."""
    m = _TREATMENT_OF.search(segment, max(0, at - 200), at)
    if m is None:
        return False
    if _HARM.search(segment, max(0, m.start() - 30), m.start()):
        return True
    return any(
        concept == "condition"
        and m.start() - 40 <= b <= m.start()
        and not _ALTERNATIVE.search(segment, b, m.start())
        for _a, b, concept, _name in mentions
    )


# "within 72 hours prior to the surgery", "at the time of surgery": the study's own operation, a
# point in time.
_BEFORE_THE_OPERATION = re.compile(
    r"\b(?:(?:prior\s+to|before|after|following|until|day\s+of|at\s+the\s+time\s+of)\s+"
    r"(?:the\s+(?:study\s+|planned\s+|scheduled\s+|index\s+|intended\s+|proposed\s+)?|"
    r"(?:study|planned|scheduled|index|intended|proposed)\s+)|"
    # "at least 18 years of age at the time of surgery"
    r"(?:on\s+the\s+day|at\s+the\s+time)\s+of\s+)$",
    re.I,
)


def _the_operation(segment: str, at: int) -> bool:
    """Whether the surgery at ``at`` is the study's operation, named as a point in time."""
    return _BEFORE_THE_OPERATION.search(segment, max(0, at - 30), at) is not None


# "no indication of radical radiation therapy", "candidate for surgery": whether the person
# should have it, not whether they had it.
_CANDIDATE_FOR = re.compile(
    r"\b(?:(?:indicat(?:ed|ions?)|candidates?|eligible|suitable|unsuitable|fit|unfit)\s+(?:of|for)|"
    r"treatable\s+(?:with|by))\s+(?:[\w-]+\s+){0,3}\(?(?:[\w-]+\s+(?:or|and)\s+)?"
    # "no longer suitable for radical surgery or radiotherapy combined with chemotherapy"
    r"(?:[\w-]+\s+(?:combined|in\s+combination|together)\s+with\s+)?$",
    re.I,
)
_CANDIDATE_WORDS = ("indicat", "candidat", "eligible for", "suitable for", "fit for", "treatable")
# "Patients may continue the use of LHRH agonists ... and corticosteroids", "Note: patients with
# brain metastases must have ... following local therapy (surgery or radiation)", "significant
# change in corticosteroids dose", "an increasing dose of corticosteroids", "change in treatment
# (e.g. start of chemotherapy ...)", "and allow preventive use of low-dose aspirin": what may go
# on, an aside, a change, what the line allows, advice ("Caution should be taken on treating
# patients with low dose heparin ... during treatment with bevacizumab"), the list of who may
# still join ("however, the following patients are allowed to be included in the group:
# vitiligo, ..., well-controlled type I diabetes"); none is a criterion.
_ASIDE_BEFORE = re.compile(
    r"\b(?:(?:may|can)\s+(?:continue|remain\s+on|keep)\b[^.]{0,120}|notes?\s*:[^.]{0,200}|"
    r"caution\s+(?:should|must|is\s+to)\s+be\s+(?:taken|exercised|used)\b[^.]{0,200}|"
    r"(?:(?:is|are)\s+(?:also\s+)?(?:allowed|permitted)|may\s+(?:also\s+)?be\s+(?:included|"
    r"enrolled))\b[^.;:]{0,60}:[^.;]{0,200}|"
    r"changes?\s+(?:in|of)\s+(?:the\s+)?(?:dose\s+of\s+|dosing\s+of\s+)?|"
    r"(?:increas(?:ing|ed)|escalating|rising)\s+doses?\s+of\s+|increases?\s+in\s+(?:the\s+)?"
    r"doses?\s+of\s+|"
    r"changes?\s+(?:in|of)\s+(?:the\s+)?(?:treatments?|therap(?:y|ies)|medications?)\s*\([^)]{0,120}|"
    r"allow(?:s|ing)?\s+(?:the\s+)?(?:\w+\s+){0,2}use\s+of\s+(?:[\w-]+\s+){0,3}"
    r"(?:(?:and|or)\s+(?:[\w-]+\s+){0,3})?)$",
    re.I,
)
_ASIDE_WORDS = (
    "allowed",
    "permitted",
    "be included",
    "be enrolled",
    "may continue",
    "can continue",
    "may remain",
    "note:",
    "notes:",
    "caution",
    "dose of",
    "doses of",
    "change in",
    "change of",
    "changes in",
    "allow ",
    "allows ",
    "allowing ",
)
# "local radiation therapy for bone pain may be allowed", "Replacement therapy (such as thyroid
# hormone, insulin, ...) is not considered as a systemic treatment", "intake of Aspirin or
# Clopidogrel is no contraindication": what the line permits.
_ALLOWED_AFTER = re.compile(
    r"[^.;:]{0,120}?\b(?:(?:is|are|may\s+be|will\s+be|can\s+be)\s+(?:also\s+)?(?:allowed|"
    r"permitted|acceptable)|(?:is|are)\s+not\s+(?:considered|counted|regarded)|(?:does|do)\s+not"
    r"\s+count|(?:is|are)\s+(?:no|not\s+an?)\s+contraindications?)\b|"
    # "hypothyroidism (hormone replacement) Can be included after treatment".
    r"\s*(?:\([^()]{0,60}\)\s*)?[^.;:()]{0,40}?\b(?:can|may)\s+(?:also\s+)?be\s+(?:included|"
    r"enrolled)\b",
    re.I,
)
# "AEs related to anti-PD-1, but AEs ... well controlled with steroids": the exception after
# "but" names what does not count.
_BUT_CLAUSE = re.compile(r",\s*but\b(?!\s+not\s+(?:limited|restricted))[^.;]{0,120}$", re.I)
# "At least one tumor lesion has not been subjected to local treatment such as irradiation":
# a treatment of the lesion, not of the person.
_LESION_BEFORE = re.compile(r"\blesions?\b[^.;]{0,100}$", re.I)


# "expected to require any form of antitumor treatment ... chemotherapy", "planned surgery",
# "planned or expected procedure (e.g. biopsy or surgery ...)": treatments still to come.
_STILL_TO_COME = re.compile(
    r"\b(?:scheduled|planned|planning|plans?|expected|anticipated|intend(?:s|ing)?)\s+"
    r"(?:(?:and|or)\s+(?:planned|scheduled|expected|anticipated)\s+)?(?:to\s+(?:undergo|receive|"
    r"have|take|start|begin|require|need)\b[^.;]{0,160}|(?:[\w-]+\s+){0,4}?(?:procedures?|"
    r"treatments?|therapy|surgery|interventions?)\s*\((?:e\.?g\.?|i\.?e\.?|such\s+as|"
    r"including)?[^()]*|(?:[\w-]+\s+){0,2})$",
    re.I,
)
# "unable to undergo MRI", "willing to undergo surgery": about whether the person can or will
# have it, not whether they had it.
_ABLE_TO = re.compile(
    r"\b(?:(?:un|in)?ab(?:le|ility)|(?:un)?willing(?:ness)?)\s+(?:\([^()]{0,30}\)\s+)?"
    r"(?:(?:and|or)\s+(?:un)?(?:able|"
    r"willing)\s+)?to\s+(?:undergo|receive|tolerate|have|take|start|begin|complete)\s+"
    r"(?:[\w-]+\s+(?:or|and|and/or)\s+|[\w-]+,\s+|(?:the|a|an|any|all|study|planned|"
    r"protocol|required|baseline)\s+)*$|"
    # "who ... cannot undergo definitive radiotherapy/chemotherapy"
    r"\b(?:can\s*not|can't|could\s+not)\s+(?:undergo|receive|tolerate|have|take)\s+"
    r"(?:[\w-]+\s*(?:/|,|\s(?:or|and|and/or)\s)\s*|(?:the|a|an|any|definitive|further|"
    r"radical|curative)\s+)*$",
    re.I,
)
# "A tobacco user who does not agree to suspend smoking prior to surgery", "willing to abstain
# from alcohol during the study": what the person will do, not what they have or had.
_AGREE_TO_STOP = re.compile(
    r"\b(?:agree(?:s|ing)?|(?:un)?willing(?:ness)?|consent(?:s|ing)?|commit(?:s|ted)?|"
    r"refus(?:e|es|ing))\s+to\s+(?:suspend|stop|quit|discontinue|abstain\s+from|"
    r"refrain\s+from|avoid|cease|give\s+up)\b[^.;]{0,80}$",
    re.I,
)
# The words one of which _ABLE_TO or _STILL_TO_COME needs ("able to", not "available").
_ABLE_WORDS = ("able to", "abilit", "willing", "cannot", "can not", "can't", "could not")
_TO_COME_WORDS = (
    "schedul",
    "planned",
    "planning",
    "plan to",
    "plans",
    "expect",
    "anticipat",
    "intend",
)


# "adverse events related to anti-PD-1 therapy", "toxicities from previous chemotherapy": the
# line is about the harm; having had the treatment does not decide it.
_CAUSED_BY = re.compile(
    r"\b(?:(?:related|attributed|attributable|due|secondary)\s+to|(?:induced|caused)\s+by|"
    r"resulting\s+from|as\s+a\s+result\s+of|(?:toxicit(?:y|ies)|side[- ]effects?|"
    r"complications?|sequelae)\s+(?:from|of|after))\s+(?:the\s+|prior\s+|previous\s+)?"
    r"(?:[\w-]+(?:\s+[\w-]+)?(?:\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+))*$",
    re.I,
)
# "chemotherapy or radiotherapy for metastatic NSCLC": the condition says which treatments
# count; it is not a criterion of its own, and a treatment given for something else does not
# count.
_FOR_CONDITION = re.compile(
    r"\b(?:for|to\s+treat)\s+(?:the\s+(?:treatment|management)\s+of\s+)?"
    r"(?:(?!other\b|than\b|non\b)[\w/-]+,?\s+){0,4}$",
    re.I,
)
_BEFORE_FOR = re.compile(
    r"[\s,]*(?:\([^()]*\)\s*)?(?:(?:was|were|is|are|has|have|been|being|used|given|"
    r"administered|received|indicated|prescribed|taken)\s+)*",
    re.I,
)
_LISTED_WITH = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|and|or|nor|/)\s*)?(?:[\w-]+\s+)?", re.I)
_TREATMENTS = frozenset({"therapy", "drug", "procedure"})
# "surgery for RVO in the study eye", "radiation therapy for bone pain": a treatment for
# something the vocabulary does not name is one kind of that treatment.
_FOR_UNNAMED = re.compile(
    r"\s+(?:(?:indicated|given|used)\s+)?for\s+(?!(?:at\s+least|more|less|longer|shorter|up\s+to|"
    r"over|under|a\s+(?:period|minimum|maximum|total|duration|few|couple)|the\s+duration|"
    r"(?:any|whatever)\s+(?:reason|indication|cause|condition|purpose)|(?:this|the)\s+study|"
    r"study|\d|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|many|"
    r"months|weeks|days|years)\b)[A-Za-z]",
    re.I,
)
# A term that says its own degree ("active bleeding", "unstable angina") is not one of a
# list that an "uncontrolled" before it describes.
_OWN_DEGREE = re.compile(
    r"(?:active|unstable|acute|major|significant|severe|serious|stable|mild)\b", re.I
)
_UNCONTROLLED_BEFORE = re.compile(rf"\b(?:{rules.UNCONTROLLED})\s+(?:[\w-]+\s+)?$", re.I)
# "immunosuppression other than corticosteroids for the management of an AE": the purpose
# after an exception still narrows the treatment named before it.
_EXCEPTION_BEFORE_FOR = re.compile(
    r"\s+(?:other\s+than|except(?:\s+for)?)\s+(?:[\w-]+\s+){0,2}[\w-]+(?=\s+for\b)", re.I
)
# "... for metastatic NSCLC including chemotherapy, immunotherapy": examples of those treatments.
_EXAMPLES_AFTER = re.compile(
    r"[\s,(]*(?:including|such\s+as|e\.g\.,?|i\.e\.,?)\s+(?:(?:but\s+)?not\s+limited\s+to:?\s+)?",
    re.I,
)
# Between two of those examples: a bracket closed before more ("(including investigational
# drugs), such as chemotherapy"), or an example the vocabulary does not name ("chemotherapy,
# target therapy, immunotherapy", "chemotherapy or immunologically mediated therapy (including
# but not limited to anti-PD-1").
_BETWEEN_EXAMPLES = re.compile(
    r"\s*\)\s*,?\s*(?:(?:and/or|and|or)\s+)?(?:(?:including|such\s+as|e\.g\.,?)\s+)?|"
    r"\s*,?\s*(?:(?:and/or|and|or|nor|/)\s*)?(?:[\w-]+(?:\s+[\w-]+){0,2}\s*(?:,\s*(?:(?:and/or|"
    r"and|or)\s+)?|\((?:including|such\s+as|e\.g\.,?)\s+(?:but\s+not\s+limited\s+to:?\s+)?))?"
    r"(?:[\w-]+\s+)?",
    re.I,
)


def _after_an_exception(segment: str, at: int) -> int:
    """Where the words after ``at`` go on once an exception ("other than steroids") is passed."""
    exception = _EXCEPTION_BEFORE_FOR.match(segment, at)
    return exception.end() if exception else at


def _purposes(segment: str, mentions: list[tuple[int, int, str, str]]) -> dict[int, int]:
    """For each treatment said to be for a condition named after it, that condition's index."""
    purposes: dict[int, int] = {}
    for j in range(1, len(mentions)):
        a, _b, concept, _name = mentions[j]
        m = _FOR_CONDITION.search(segment, max(0, a - 60), a) if concept == "condition" else None
        i = j - 1
        if (
            m is None
            or mentions[i][2] not in _TREATMENTS
            or not _BEFORE_FOR.fullmatch(segment, mentions[i][1], m.start())
        ):
            continue
        purposes[i] = j
        while (
            i > 0
            and mentions[i - 1][2] in _TREATMENTS
            and _LISTED_WITH.fullmatch(segment, mentions[i - 1][1], mentions[i][0])
        ):
            i -= 1
            purposes[i] = j
        k = j + 1
        if k < len(mentions) and _EXAMPLES_AFTER.fullmatch(segment, mentions[j][1], mentions[k][0]):
            while k < len(mentions) and mentions[k][2] in _TREATMENTS:
                purposes[k] = j
                if k + 1 < len(mentions) and not _BETWEEN_EXAMPLES.fullmatch(
                    segment, mentions[k][1], mentions[k + 1][0]
                ):
                    break
                k += 1
    return purposes


_ABBREVIATION_DOTS = re.compile(r"\b(?:i\.e|e\.g)\.", re.I)


# "hypersensitivity to X", "allergy to X or Y", "contraindication to X": about reacting to X,
# not about having had it.
_REACTION_TO = re.compile(
    r"\b(?:hypersensitiv\w*|allerg\w*|anaphyla\w*|intoleran\w*|contra-?indicat\w*|"
    r"adverse\s+(?:drug\s+)?(?:reactions?|effects?|events?|statements?))"
    r"(?:\s+(?:or|and|/)\s+(?:hypersensitiv\w*|allerg\w*|anaphyla\w*))?(?:\s+reactions?)?"
    r"\s+(?:to|of|against|for|with)\s+"
    r"(?:(?:the|a|an|any|one|of|either|components?|ingredients?)\s+)*"
    r"(?:[\w-]+(?:\s+[\w-]+){0,2}\s*(?:,\s*(?:or|and)?|/|\bor\b|\band\b)\s*(?:to\s+)?)*"
    r"(?:[\w-]+\s+)?$",
    re.I,
)
# The words one of which every match of _REACTION_TO holds: a sentence without any skips it.
_REACTION_WORDS = rules.literals(_REACTION_TO.pattern)
_DOSE_OF = re.compile(
    r"\b(?:last|first|final)\s+(?:dose|administration|infusion)\s+of\s+(?:the\s+)?(?:study\s+)?$",
    re.I,
)
# A negative result said right after the condition's name: "HIV negative", "HCV antibody
# negative", "Hepatitis B (HBV) negative".
_TESTED_NEGATIVE = re.compile(
    r"(?:\s*\([^()]{0,20}\))?(?:\s+(?:virus|antibod(?:y|ies)|antigen|Ab|serology|status|RNA|DNA|"
    r"PCR|test(?:ing)?|screen(?:ing)?)){0,3}(?:\s+|-)(?:sero-?)?negative\b(?!\s+symptoms?\b)",
    re.I,
)
# Just after a condition: the test for it, with no result said ("a HIV rapid test at time of
# enrollment", "hepatitis B screening").
_NAMES_A_TEST = re.compile(
    r"\s+(?:rapid\s+)?(?:tests?|testing|screen(?:ing)?|assays?)\b"
    r"(?!\s+(?:results?\s+)?(?:(?:is|was|are|were)\s+)?(?:positive|reactive|negative))",
    re.I,
)
_RESULT_BEFORE = re.compile(
    r"\b(?:positive|reactive|negative|abnormal)\s+(?:[\w-]+\s+){0,2}$", re.I
)
# Words between a negation and a term that show the negation is said of something else: "no
# inpatient treatment for schizophrenia", "will not be eligible if they have evidence of active
# malignancy", "not fully recovered from major surgery", "not been cured or relieved by surgery".
_NEGATION_ELSEWHERE = re.compile(
    r"\b(?:for|from|by|if|eligible|recover\w*|cured|reliev\w*|be|been)\b", re.I
)


_EXCEPT = re.compile(r"\b(?:unless|except)\b", re.I)


def _negation_reaches(segment: str, a: int) -> bool:
    """Whether the last negation in the clause before the term at ``a`` is said of the term."""
    window = segment[max(0, a - 150) : a]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)]
    clause = _NOT_NEGATION.sub(
        lambda m: " " * len(m.group(0)), window[breaks[-1] if breaks else 0 :]
    )
    found = list(_NEGATION.finditer(clause))
    if not found:
        return False
    if _EXCEPT.search(clause, 0, found[-1].start()):
        return False  # "unless treated ... with no clinical signs of malignancy in 5 years"
    gap = clause[found[-1].end() :]
    return len(gap) <= 45 and not _NEGATION_ELSEWHERE.search(gap)


_LIST_JOIN = re.compile(r"\s*(?:,|/|and|or|,\s*and|,\s*or|and/or)\s*", re.I)


def _listed_before_a_negative(segment: str, mentions: list[tuple[int, int, str, str]]) -> set[int]:
    """The conditions listed before one a negative result follows ("HBV, HCV and HIV
    negative"): the result is said of each."""
    found: set[int] = set()
    for j in range(len(mentions) - 1, 0, -1):
        a, b, concept, _ = mentions[j]
        if concept != "condition" or not (j in found or _TESTED_NEGATIVE.match(segment, b)):
            continue
        before = mentions[j - 1]
        if before[2] == "condition" and _LIST_JOIN.fullmatch(segment, before[1], a):
            found.add(j - 1)
    return found


_NOT_NEGATION = re.compile(
    r"\b(?:no|not)\s+(?:more|less|later|earlier|greater|fewer|higher|lower)\s+than\b", re.I
)
_ANCHOR_GAP = re.compile(
    r"\s*(?:before|prior to|after|following|preceding|of the|of study)\b", re.I
)


# "within 14days": the unit may follow the number with no space.
# "during the previous 6 months (severe or unstable angina pectoris, ..., stroke)": the window
# covers the whole list in brackets after it (to the end of the sentence if they never close).
_BRACKETED_LIST = re.compile(r"\s*\([^()]*(?:\)|$)")
# "cardiovascular impairment within 12 months of the first dose, such as ... myocardial
# infarction, cerebrovascular accident", "within 3 months before consent: myocardial
# infarction, ...": the window covers the list the clause goes on to give.
_LISTED_AFTER = re.compile(r"[^.;:]{0,100}?(?::|\bsuch as\b|\bincluding\b)", re.I)
_CLAUSE_END = re.compile(r"[.;]")
_TIME_HINT = re.compile(rf"(?:\b|(?<=\d)){rules.checked_first(TIME_UNIT)}", re.I)
_VAGUE_NAME = re.compile(r"(?:the|a|an|any|at|prior|previous|clinically|significant)\b")
_CONCEPT_ORDER = {"procedure": 0, "therapy": 1, "drug": 2, "condition": 3}


def named_diagnoses(text: str) -> list[tuple[int, int, str]]:
    """The conditions named after "diagnosis of" or "diagnosed with" ("diagnosed with Turner
    syndrome"): (start, end, lower-case name). A condition the vocabulary does not know is
    still one a criterion and a patient's note can share."""
    found = []
    for m in _DIAGNOSIS.finditer(text):
        words = m.group("name").rstrip()
        name = words.lower()
        if len(name) > 2 and not _VAGUE_NAME.match(name):
            found.append((m.start("name"), m.start("name") + len(words), name))
    return found


# "symptoms including dyspnea, fatigue, ... anemia": a list of a condition's signs.
_SIGNS_LISTED = re.compile(
    r"\b(?:signs?|symptoms?)(?:\s+(?:and|or|/)\s*(?:signs?|symptoms?))?\s*,?\s*(?:including|such\s+as|"
    r"like|e\.\s?g\.,?|for\s+example)\b[^.;()]*$",
    re.I,
)
# The words without which a rule of _events cannot apply, looked up once per sentence.
_CUE_WORDS: dict[str, tuple[str, ...]] = {
    "reaction": _REACTION_WORDS,
    "able": _ABLE_WORDS,
    "agree": ("agree", "willing", "consent to", "consents to", "consenting to", "commit", "refus"),
    "relatives": ("famil", "relative"),
    "to_come": _TO_COME_WORDS,
    "allowed": (
        "allowed",
        "permitted",
        "acceptable",
        "not considered",
        "not count",
        "not regarded",
        "no contraindication",
        "not a contraindication",
        "be included",
        "be enrolled",
    ),
    "candidate": _CANDIDATE_WORDS,
    "aside": _ASIDE_WORDS,
    "but": (", but",),
    "except": ("except", "other than", "apart from"),
    "examples": ("such as", "including", "e.g", " like "),
    "signs": ("symptom", "signs "),
    "effect": ("caus", "resulting in", "leading to"),
    "lesion": ("lesion",),
    "changed": ("chang", "adjust", "modif"),
    "often": ("per week", "per month", "a week", "a month", "/week", "/month", "each week"),
    "for": (" for ",),
}


def _cues(sentence: _Sentence) -> dict[str, bool]:
    """Which rules' words the sentence holds; all of them where it cannot be tested."""
    lowered = sentence.lowered
    if lowered is None:
        return dict.fromkeys(_CUE_WORDS, True)
    found = {}
    for key, words in _CUE_WORDS.items():  # plain loops: any() costs a generator per call
        found[key] = False
        for word in words:
            if word in lowered:
                found[key] = True
                break
    return found


def _listed_after(plain: str, at: int, mentions: list[tuple[int, int, str, str]]) -> list[int]:
    """The mentions a list opened soon after ``at`` ("...: ", "such as", "including") holds,
    to the end of its clause."""
    listed = _LISTED_AFTER.match(plain, at)
    if listed is None:
        return []
    stop = _CLAUSE_END.search(plain, listed.end())
    end_at = stop.start() if stop else len(plain)
    return [i for i, (a, *_r) in enumerate(mentions) if listed.end() <= a < end_at]


_WORDS_OF_ITS_OWN = re.compile(r"\b(?!(?:or|and)\b)\w", re.I)


def _bracket_closes_between(
    segment: str, window: tuple[int, int, str, float | int | None, str], at: int
) -> bool:
    """Whether a time said in brackets, after words of its own, ends them before ``at``:
    "(>=12 episodes in 3 months) and obesity" times the episodes, not the obesity, while
    "(within the last 6 months)/current use of steroids" and "current use (or within previous
    6 months) of hormone therapy" time what follows."""
    opened = segment.rfind("(", 0, window[0])
    return (
        opened > segment.rfind(")", 0, window[0])
        and _WORDS_OF_ITS_OWN.search(segment, opened + 1, window[0]) is not None
        and ")" in segment[window[1] : at]
    )


def _events(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    events = terms.events
    diagnosis = terms.diagnosis
    if not events and not terms.drug_suffix and not diagnosis:
        return
    segment = text[start:end]
    mentions: list[tuple[int, int, str, str]] = []

    def add(a: int, b: int, concept: str, name: str) -> None:
        for x, y, _, _ in mentions:  # a plain loop: any() costs a generator per call
            if not (b <= x or a >= y):
                return
        mentions.append((a, b, concept, name))

    candidates: list[tuple[int, int, int, str, str]] = []
    sentence = terms.sentence(start, end)
    for term in events:
        if term.literals and not sentence.whole and not sentence.has(*term.literals):
            continue
        for m in term.pattern.finditer(segment):
            candidates.append(
                (m.start(), m.end(), _CONCEPT_ORDER[term.concept], term.concept, term.name)
            )
    for m in rules.drug_suffix_regex().finditer(segment) if terms.drug_suffix else ():
        candidates.append((m.start(), m.end(), 2, "drug", m.group(0).lower()))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    for a, b, _order, concept, name in candidates:
        add(a, b, concept, name)
    for a, b, name in named_diagnoses(segment) if diagnosis else ():
        add(a, b, "condition", name)
    if not mentions:
        return
    excepted = (
        [(m.start(), m.end()) for m in _EXCEPT_PAREN.finditer(segment)] if "(" in segment else []
    )
    dose_of = "dose" in segment or "administration" in segment or "infusion" in segment
    # "i.e." and "e.g." end no sentence: their dots are hidden where a pattern stops at one.
    plain = _ABBREVIATION_DOTS.sub(lambda m: m.group(0).replace(".", ","), segment)
    cues = _cues(sentence)
    reaction, able, agree, relatives, to_come, allowed, candidate, aside, but, except_cue = (
        cues[key]
        for key in (
            "reaction",
            "able",
            "agree",
            "relatives",
            "to_come",
            "allowed",
            "candidate",
            "aside",
            "but",
            "except",
        )
    )
    except_in_brackets = except_cue and "(" in segment
    left_out = [
        bool(
            _EXCEPT_BEFORE.search(segment, max(0, x[0] - 20), x[0])
            or (except_in_brackets and _EXCEPT_EXAMPLES.search(segment, max(0, x[0] - 120), x[0]))
            or (except_cue and _EXCEPT_CLAUSE.search(segment, max(0, x[0] - 400), x[0]))
        )
        for x in mentions
    ]
    excepted_names = {x[3] for x, out in zip(mentions, left_out, strict=True) if out}
    mentions = [
        x
        for x, out in zip(mentions, left_out, strict=True)
        if not out
        and not _NOT_ABOUT.search(segment, max(0, x[0] - 40), x[0])
        and not (relatives and _A_RELATIVES.search(segment, max(0, x[0] - 40), x[0]))
        and not (reaction and _REACTION_TO.search(segment, max(0, x[0] - 70), x[0]))
        and not (dose_of and _DOSE_OF.search(segment, max(0, x[0] - 45), x[0]))
        and not (x[3] == "surgery" and _the_operation(segment, x[0]))
        and not (able and _ABLE_TO.search(segment, max(0, x[0] - 140), x[0]))
        and not (agree and _AGREE_TO_STOP.search(segment, max(0, x[0] - 130), x[0]))
        and not (to_come and _STILL_TO_COME.search(segment, max(0, x[0] - 200), x[0]))
        and not (allowed and _ALLOWED_AFTER.match(segment, x[1]))
        and not (candidate and _CANDIDATE_FOR.search(segment, max(0, x[0] - 80), x[0]))
        and not (aside and _ASIDE_BEFORE.search(segment, max(0, x[0] - 220), x[0]))
        and not (but and _BUT_CLAUSE.search(segment, max(0, x[0] - 130), x[0]))
        and not any(a < x[0] < b for a, b in excepted)
        and not (x[3] == "infection" and _VIRUS_BRACKET.search(segment, max(0, x[0] - 120), x[0]))
    ]
    cancers = rules.cancer_terms()
    if any(x[3] in cancers for x in mentions) and _ANOTHER_CANCER.search(terms.lowered):
        mentions = [x for x in mentions if x[3] not in cancers]
    if cues["signs"]:
        # "Gastrointestinal bleeding (symptoms including dyspnea, ..., anemia ...)": the signs
        # of the condition the line names are not conditions of their own.
        mentions = [
            x for x in mentions if not _SIGNS_LISTED.search(segment, max(0, x[0] - 200), x[0])
        ]
    symptoms = rules.symptom_terms()
    if any(x[3] in symptoms for x in mentions) and any(
        x[2] == "condition" and x[3] not in symptoms for x in mentions
    ):
        # "Fever, leucocytosis and/or systemic or localized active infection": a symptom
        # beside a condition may be its sign.
        mentions = [x for x in mentions if x[3] not in symptoms]
    if not mentions:
        return
    mentions.sort()
    windows: list[tuple[int, int, str, float | int | None, str]] = []
    for pattern, kind, needs in _WINDOWS if terms.time_words and _TIME_HINT.search(segment) else []:
        if needs and not sentence.has(*needs):
            continue
        for m in pattern.finditer(segment):
            if any(not (m.end() <= a or m.start() >= b) for a, b, *_ in windows):
                continue
            n = _num(m.group("n")) if "n" in pattern.groupindex else 1
            op = (rules.comparator(m.group("cmp")) or ">") if kind is None else kind
            windows.append((m.start(), m.end(), op, n, rules.time_unit(m.group("unit"))))
    windows.sort()
    examples, changed = cues["examples"], cues["changed"]
    assigned: dict[int, tuple[int, int, str, float | int | None, str]] = {}
    previous_end = 0
    leftover = []
    for w in windows:
        before = [
            i
            for i, (a, b, concept, _name) in enumerate(mentions)
            if previous_end <= a < w[0]
            and not (concept == "condition" and _TREATED_GAP.match(segment, b, w[0]))
            and not (changed and concept == "condition" and _treatment_changed_for(segment, a))
        ]
        # "Myocardial infarction (within 6 months ...)" times the infarction; "type 1 diabetes
        # or ... (A1c >9.5% or changes in diabetes medication doses within 3 mos.)" times what
        # the brackets say, not the diabetes, unless they define it ("Chronic use of steroids
        # (defined as more than 6 weeks of steroid use within 12 months ...)").
        opened = segment.rfind("(", previous_end, w[0])
        said_in_brackets = opened > segment.rfind(")", previous_end, w[0]) and (
            any(mentions[i][0] > opened for i in before)
            or len(segment[opened + 1 : w[0]].split()) > 3
        )
        if said_in_brackets:
            named = {mentions[i][3] for i in before if mentions[i][0] > opened}
            before = [i for i in before if mentions[i][0] > opened or mentions[i][3] in named]
        for i in before:
            assigned[i] = w
        if before and examples and mentions[before[-1]][2] in _TREATMENTS:
            # "Systemic anti-tumor therapy planned within 4 weeks ..., including cytotoxic
            # therapy, ..., immunotherapy": the treatments it lists have its time.
            for i in _listed_after(plain, w[1], mentions):
                if mentions[i][2] in _TREATMENTS and i not in assigned:
                    assigned[i] = w
        if not before and not said_in_brackets:
            leftover.append(w)
        previous_end = w[1]
    for w in leftover:
        after = [
            i
            for i, (a, *_r) in enumerate(mentions)
            if a >= w[1]
            and a - w[1] <= 80
            and i not in assigned
            and not _ANCHOR_GAP.match(segment, w[1], a)
            and not _bracket_closes_between(segment, w, a)
        ]
        if after:
            assigned[after[0]] = w
            bracket = _BRACKETED_LIST.match(segment, w[1])
            if bracket is not None:
                for i, (a, *_r) in enumerate(mentions):
                    if w[1] <= a < bracket.end() and i not in assigned:
                        assigned[i] = w
        for i in _listed_after(plain, w[1], mentions) if ":" in plain or examples else ():
            if i not in assigned:
                assigned[i] = w
    windowed = {(mentions[i][2], mentions[i][3]) for i in assigned}
    purposes = _purposes(segment, mentions) if sentence.has("for", "treat") else {}
    lesion, for_, effect = cues["lesion"], cues["for"], cues["examples"] and cues["effect"]
    often = cues["often"]
    previous: tuple[int, bool, str | None] | None = None  # end, a condition?, qualifier
    uncontrolled_until = -1  # the end of a condition said to be uncontrolled, and of its list
    taken_until = -1  # the end of a term with the words of its type after it
    tested_negative = _listed_before_a_negative(segment, mentions)
    for i, (a, b, concept, name) in enumerate(mentions):
        if a < taken_until:
            continue  # "insulin" of "diabetes requiring insulin"
        if i not in assigned and _refers_back(concept, name, windowed):
            continue
        if i in purposes.values():
            continue
        purpose = mentions[purposes[i]][3] if i in purposes else None
        context = _clause_tail(segment, a)
        negated = bool(
            _NEGATION.search(_NOT_NEGATION.sub(" ", context))
        ) and not _NOT_LIMITED.search(context)
        if not negated and examples:
            negated = _in_negated_examples(segment, a)
        changed_for = changed and concept == "condition" and _treatment_changed_for(segment, a)
        if changed_for:
            negated = False  # "have not changed their medications for" it: they have it
        tested = _TESTED_NEGATIVE.match(segment, b) if concept == "condition" else None
        if (
            concept == "condition"
            and tested is None
            and _NAMES_A_TEST.match(segment, b)
            and not _RESULT_BEFORE.search(segment, max(0, a - 30), a)
        ):
            continue  # "as determined by a HIV rapid test": the test, not the condition
        if tested is not None:
            # "HIV negative": a test that shows the person does not have it.
            negated, b = True, tested.end()
            taken_until = b
        elif i in tested_negative:
            negated = True  # "HBV, HCV and HIV negative"
        one_type = _one_type(segment, a, b, name)
        if one_type is not None and one_type[0] != "specific":
            a, b = one_type[1:]  # the type's words are part of the term
            taken_until = b
        elif one_type is None and name == "diabetes":
            both = _BOTH_TYPES.search(segment, max(0, a - 30), a)
            a = both.start() if both is not None else a
        treatment = _TREATMENT_NAMED_BY.match(segment, b) if concept == "condition" else None
        if treatment is not None:
            b = treatment.end()  # "dementia treatment" is what the line asks about
        qualifier = (
            "specific"
            # "hypothyroidism ...; except ... hypothyroidism treated with a stable dose of
            # thyroid replacement hormone": some cases of it do not count.
            if name in excepted_names
            or (one_type is not None and one_type[0] == "specific")
            or _SPECIFIC.search(segment, max(0, a - 30), a)
            or _SPECIFIC_AFTER.match(segment, b)
            or (concept == "condition" and _narrowed_by_exception(segment, b))
            or changed_for
            or treatment is not None
            or (name in _GENERIC_TREATMENTS and _treats_named_condition(plain, a, mentions))
            or _a_kind_of(segment, a, name)
            or (
                concept == "condition"
                and effect
                and _EXAMPLES_OF_AN_EFFECT.search(segment, max(0, a - 200), a)
            )
            or _shares_a_kind(segment, a, b, name)
            or (concept == "drug" and _LONG_TERM.search(segment, max(0, a - 40), a) is not None)
            or (concept in ("drug", "therapy") and often and _HOW_OFTEN.search(segment))
            or (concept != "condition" and _CAUSED_BY.search(segment, max(0, a - 100), a))
            or (
                concept in _TREATMENTS
                and lesion
                and _LESION_BEFORE.search(segment, max(0, a - 100), a)
            )
            or (
                concept in _TREATMENTS
                and purpose is None
                and for_
                and _FOR_UNNAMED.match(segment, _after_an_exception(segment, b))
            )
            else "history"
            if _HISTORY.search(context)
            else "active"
            if _ACTIVE.search(context)
            else None
        )
        if one_type is not None and qualifier != "specific":
            qualifier = one_type[0]  # "uncontrolled type 2 diabetes" stays "specific"
        elif qualifier is None and name in rules.present_tense_terms():
            qualifier = "active"
        if (
            qualifier is None
            and previous is not None
            and previous[1] == (concept == "condition")
            and previous[2] in ("active", "history")
            and _SEPARATOR_ONLY.fullmatch(segment, previous[0], a)
        ):
            qualifier = previous[2]  # "currently treated with radiation, chemotherapy"
        control = (
            _UNCONTROLLED_BEFORE.search(segment, max(0, a - 40), a)
            if concept == "condition" and qualifier == "specific"
            else None
        )
        if (
            concept == "condition"
            and qualifier is None
            and uncontrolled_until >= 0
            and _SEPARATOR_ONLY.fullmatch(segment, uncontrolled_until, a)
            and i not in assigned
            and not _OWN_DEGREE.match(segment, a)
        ):
            # "Uncontrolled pleural effusion, ascites, or pericardial effusion": how well each
            # is controlled decides, not having it.
            qualifier, uncontrolled_until = "specific", b
        elif (
            control is not None
            # The list starts there: "active infection, uncontrolled hypertension, unstable
            # angina" says it of hypertension alone.
            and not (
                previous is not None
                and previous[1]
                and _SEPARATOR_ONLY.fullmatch(segment, previous[0], control.start())
            )
        ):
            uncontrolled_until = b
        else:
            uncontrolled_until = -1
        # "History or presence of HIV, hepatitis B": the list is not read as the first term.
        shared = None if _EVER_OR_NOW.search(context) else qualifier
        previous = (b, concept == "condition", shared)
        window = assigned.get(i)
        duration = _duration(segment, a, b) if qualifier != "specific" else None
        if duration is not None:
            # How long it lasted within a time window ("steroids >1 month over the past
            # year") is more than the facts tell.
            qualifier = "specific" if window is not None else "duration"
        elif (
            window is not None
            and concept == "condition"
            and qualifier not in ("specific", "active")
            and (
                _DIAGNOSED_BEFORE.search(segment, max(0, a - 60), a)
                or _DIAGNOSED_AFTER.match(segment, b)
            )
            and _JUST_BEFORE_WINDOW.fullmatch(segment, b, window[0])
        ):
            qualifier = "diagnosed"
        if purpose and purposes[i] == i + 1:
            b = mentions[i + 1][1]  # the span reads "chemotherapy for NSCLC"
        if one_type is not None and qualifier != one_type[0] != "specific" and not negated:
            # "Diagnosed with T2D greater than or equal to 180 days before screening": the time
            # counts for that type only.
            yield Constraint(
                concept, name, "present", None, None, (start + a, start + b), qualifier=one_type[0]
            )
        if window is not None:
            wa, wb, op, n, unit = window
            anchor = "last dose" if op == "after" else None
            op = "within" if op == "after" else op
            if negated and op == "within" and _negation_reaches(segment, a):
                op = "not_within"  # "No radiotherapy within 28 days"
            yield Constraint(
                concept,
                name,
                op,
                n,
                unit,
                (start + min(a, wa), start + max(b, wb)),
                qualifier=qualifier,
                anchor=anchor,
                purpose=purpose,
            )
        elif qualifier == "duration" and duration is not None and not negated:
            op, n, unit, begin, end = duration
            yield Constraint(
                concept,
                name,
                op,
                n,
                unit,
                (start + begin, start + end),
                qualifier=qualifier,
                purpose=purpose,
            )
        else:
            yield Constraint(
                concept,
                name,
                "absent" if negated else "present",
                None,
                None,
                (start + a, start + b),
                qualifier="specific" if qualifier == "duration" else qualifier,
                purpose=purpose,
            )


_LINES_HINT = re.compile(r"\b(?:lines?|regimens?)\b", re.I)
_LINES = re.compile(
    rf"(?:(?P<cmp>{CMP})\s*|(?P<lo>{NUM})\s*(?:-|–|to|"
    rf"or)\s*)?(?P<n>{NUM})\s*(?:\(\d+\)\s*)?(?P<post>{POSTFIX_GE}|{POSTFIX_LE})?\s*"
    r"(?:prior\s+|previous\s+|systemic\s+|standard\s+|anti-?cancer\s+|treatment\s+|"
    r"therapeutic\s+)*(?:lines?|regimens?)\b(?:\s+of\s+(?:prior\s+|"
    r"previous\s+)?(?:\w+\s+)?(?:therapy|therapies|treatments?|chemotherapy))?",
    re.I,
)


_LINES_AFTER = re.compile(
    rf"\b(?:prior\s+|previous\s+)?lines?\s+of\s+(?:[\w-]+\s+){{0,3}}?(?:therapy|therapies|"
    rf"treatments?|chemotherapy)\s*(?P<cmp>{CMP})\s*(?P<n>{NUM})",
    re.I,
)


# "The number of previous chemotherapy regimens does not exceed 2".
_NUMBER_OF_LINES = re.compile(
    rf"\bnumber\s+of\s+(?:prior\s+|previous\s+)?(?:[\w-]+\s+){{0,2}}?(?:lines?|regimens?)\s+"
    rf"(?:of\s+(?:[\w-]+\s+){{0,2}}?)?(?:does|do|should|must|shall|may)\s+not\s+exceed\s+"
    rf"(?P<n>{NUM})",
    re.I,
)


def _lines_of_therapy(text: str, start: int, end: int, terms: _Terms) -> Iterator[Constraint]:
    if not terms.has("line", "regimen") or not _LINES_HINT.search(text, start, end):
        return
    for m in _NUMBER_OF_LINES.finditer(text, start, end):
        yield Constraint(
            "therapy", "prior lines of therapy", "<=", _num(m.group("n")), "line", m.span()
        )
    for m in _LINES_AFTER.finditer(text, start, end):
        op = rules.comparator(m.group("cmp")) or "=="
        yield Constraint(
            "therapy",
            "prior lines of therapy",
            op,
            _num(m.group("n")),
            "line",
            (m.start(), m.end()),
        )
    for m in _LINES.finditer(text, start, end):
        if m.group("cmp"):
            op = rules.comparator(m.group("cmp")) or "=="
        elif m.group("post"):
            op = ">=" if re.search(POSTFIX_GE, m.group("post"), re.I) else "<="
        elif m.group("lo"):
            low = _num(m.group("lo"))
            yield Constraint(
                "therapy", "prior lines of therapy", ">=", low, "line", (m.start(), m.end())
            )
            op = "<="
        else:
            op = "=="
        yield Constraint(
            "therapy",
            "prior lines of therapy",
            op,
            _num(m.group("n")),
            "line",
            (m.start(), m.end()),
        )
