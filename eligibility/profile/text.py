"""Facts from a free-text patient note (age, sex, conditions, treatments, labs, status).

Rules are data: ``data/text_rules.json`` (patterns, negation and history cues) and
``data/lexicon.json`` (what to look for). Negation works NegEx-style: a cue opens a scope
that runs forward through a list until a terminator or the end of the sentence, so
"denies smoking, diabetes, or ..." marks each listed item absent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from eligibility import rules
from eligibility.constraints import named_diagnoses
from eligibility.profile import lexicon
from eligibility.profile.errors import ProfileError
from eligibility.profile.model import (
    Condition,
    Lab,
    Medication,
    Performance,
    Profile,
    Route,
    Treatment,
)
from eligibility.profile.units import canonical_unit, lab_specs, load_data

_PLACEHOLDER = re.compile(r"\[\*\*[^\]]*\*\*\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|\n+|(?<=\w)\s+-\s+(?=[A-Z])")
_CLAUSE_BREAK = re.compile(r"[;:.!?()]")
_GROUP_ORDER = {"conditions": 0, "treatments": 1, "drugs": 2}


@dataclass
class _Rules:
    age: list[tuple[re.Pattern[str], str, bool]]
    age_not_patient: re.Pattern[str]
    sex_words: dict[str, str]
    sex_letter: re.Pattern[str]
    negation_pre: re.Pattern[str]
    negation_pseudo: re.Pattern[str]
    negation_post: re.Pattern[str]
    terminators: re.Pattern[str]
    uncertain_pre: re.Pattern[str]
    uncertain_post: re.Pattern[str]
    history: re.Pattern[str]
    presenting: re.Pattern[str]
    condition_over: re.Pattern[str]  # "resolved", "in remission": a condition that ended
    chronic_had: re.Pattern[str]  # "had asthma": matched at the end of the words before it
    family: re.Pattern[str]
    family_scope_end: re.Pattern[str]
    relative_as_source: re.Pattern[str]
    past_treatment: re.Pattern[str]
    current_medication: re.Pattern[str]
    planned_treatment: re.Pattern[str]
    planned_after: re.Pattern[str]  # "Bisphosphonate will be started": matched just after it
    drug_as_cause: re.Pattern[str]  # matched just after the drug
    drug_allergy: tuple[re.Pattern[str], re.Pattern[str]]  # before the drug, after it
    stopped_treatment: re.Pattern[str]  # "tapered off": matched just before the drug
    drug_level_after: re.Pattern[str]  # "Vit D: 14ng/ml": a level measured, not a drug taken
    treatment_place: re.Pattern[str]  # matched just after the treatment
    vaccine: tuple[re.Pattern[str], re.Pattern[str]]  # before the condition, after it
    relative_time: list[tuple[re.Pattern[str], dict[str, Any]]]
    duration: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]  # after, before, past
    number_words: dict[str, int]
    pregnancy: tuple[re.Pattern[str], re.Pattern[str]]
    breastfeeding: tuple[re.Pattern[str], re.Pattern[str]]
    health: tuple[re.Pattern[str], re.Pattern[str]]  # said to be healthy; tells of a complaint
    performance: list[tuple[str, re.Pattern[str]]]
    stage: re.Pattern[str]
    lab_name: re.Pattern[str]
    lab_value: re.Pattern[str]
    lab_not_after: re.Pattern[str]
    lab_per_field: re.Pattern[str]  # "WBC: 2 WBCs/hpf": a count under the microscope, not blood
    blast_percent: re.Pattern[str]
    blood_pressure: re.Pattern[str]
    temperature: tuple[re.Pattern[str], float]  # a reading; a fever from this many °C
    gestation: _Gestation
    routes: list[tuple[Route, re.Pattern[str], re.Pattern[str] | None]]  # route, before, after
    route_names: list[tuple[Route, re.Pattern[str]]]


@dataclass(frozen=True)
class _Gestation:
    pregnancy: tuple[re.Pattern[str], ...]  # weeks of the pregnancy now
    birth: tuple[re.Pattern[str], ...]  # weeks of the pregnancy the person was born at
    earlier: re.Pattern[str]  # just before a pregnancy's weeks: not this pregnancy now
    someone_else: re.Pattern[str]  # before a birth: someone else's


def _gestation(block: dict[str, Any]) -> _Gestation:
    def compiled(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p.replace("{weeks}", block["weeks"]), re.I) for p in patterns)

    return _Gestation(
        compiled(block["pregnancy"]),
        compiled(block["birth"]),
        re.compile(block["earlier"], re.I),
        re.compile(block["someone_else"], re.I),
    )


def _words(cues: list[str]) -> re.Pattern[str]:
    ordered = sorted(cues, key=len, reverse=True)
    return re.compile(r"(?<![\w/])(?:" + "|".join(ordered) + r")(?![\w/])", re.I)


@lru_cache(maxsize=1)
def text_rules() -> _Rules:
    data = load_data("text_rules.json")
    age = [
        (
            re.compile(row["pattern"], 0 if row.get("case_sensitive") else re.I),
            row["unit"],
            bool(row.get("only_first_sentence")),
        )
        for row in data["age"]
    ]
    sex_words = {word: sex for sex, words in data["sex"].items() for word in words}
    aliases = sorted(
        ((alias, spec.name) for spec in lab_specs() for alias in spec.aliases),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    lab_name = re.compile(
        r"(?<![\w-])(?P<name>" + "|".join(re.escape(a) for a, _ in aliases) + r")(?![\w-])", re.I
    )

    def either(block: dict[str, list[str]]) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return (
            re.compile("|".join(block["positive"]), re.I),
            re.compile("|".join(block["negative"]), re.I),
        )

    return _Rules(
        age=age,
        age_not_patient=re.compile(data["age_not_patient"], re.I),
        sex_words=sex_words,
        sex_letter=re.compile(
            r"\b\d{1,3}\s?(?:yo|y/o|y\.o\.|-year-old|year old)?\s*(?P<sex>[MF])\b"
        ),
        negation_pre=_words(data["negation_pre"]),
        negation_pseudo=re.compile("|".join(data["negation_pseudo"]), re.I),
        negation_post=re.compile(r"^\W{0,3}(?:" + "|".join(data["negation_post"]) + ")", re.I),
        terminators=_words(data["negation_terminators"]),
        uncertain_pre=_words(data["uncertain_pre"]),
        uncertain_post=re.compile("|".join(data["uncertain_post"]), re.I),
        history=_words(data["history_cues"]),
        presenting=_words(data["presenting_cues"]),
        condition_over=_words(data["condition_over_cues"]),
        chronic_had=re.compile(data["chronic_had_before"], re.I),
        family=re.compile("|".join(data["family_cues"]), re.I),
        family_scope_end=re.compile("|".join(data["family_scope_end"]), re.I),
        relative_as_source=re.compile("|".join(data["relative_as_source"]), re.I),
        past_treatment=_words(data["past_treatment_cues"]),
        current_medication=_words(data["current_medication_cues"]),
        planned_treatment=_words(data["planned_treatment_cues"]),
        planned_after=re.compile("|".join(data["planned_treatment_after"]), re.I),
        drug_as_cause=re.compile("|".join(data["drug_as_cause_after"]), re.I),
        drug_allergy=(
            re.compile("|".join(data["drug_allergy_before"]), re.I),
            re.compile("|".join(data["drug_allergy_after"]), re.I),
        ),
        stopped_treatment=re.compile("|".join(data["stopped_treatment_before"]), re.I),
        drug_level_after=re.compile(data["drug_level_after"], re.I),
        treatment_place=re.compile("|".join(data["treatment_place_after"]), re.I),
        vaccine=(
            re.compile("|".join(data["vaccine_before"]), re.I),
            re.compile("|".join(data["vaccine_after"]), re.I),
        ),
        relative_time=[(re.compile(row["pattern"], re.I), row) for row in data["relative_time"]],
        duration=(
            re.compile("|".join(data["duration_after"]), re.I),
            re.compile("|".join(data["duration_before"]), re.I),
            re.compile("|".join(data["duration_past"]), re.I),
        ),
        number_words={k: int(v) for k, v in data["age_number_words"].items()},
        pregnancy=either(data["pregnancy"]),
        breastfeeding=either(data["breastfeeding"]),
        health=either(data["health"]),
        performance=[
            (row["scale"], re.compile(row["pattern"], re.I)) for row in data["performance"]
        ],
        stage=re.compile(data["stage"], re.I),
        lab_name=lab_name,
        lab_value=re.compile(data["lab_value"], re.I),
        lab_not_after=re.compile(data["lab_not_after"], re.I),
        lab_per_field=re.compile(data["lab_per_field"], re.I),
        blast_percent=re.compile(data["blast_percent"], re.I),
        blood_pressure=re.compile(data["blood_pressure"]["pattern"], re.I),
        temperature=(
            re.compile(data["temperature"]["pattern"], re.I),
            float(data["temperature"]["fever_from"]),
        ),
        gestation=_gestation(data["gestational_age"]),
        routes=[
            (
                cast(Route, row["route"]),  # the data's routes are the model's: a test checks
                re.compile(r"(?<![\w-])(?:" + "|".join(row["before"]) + r")\s+$", re.I),
                re.compile(r"\s+(?:" + "|".join(row["after"]) + r")(?![\w-])", re.I)
                if row["after"]
                else None,
            )
            for row in data["drug_routes"]["routes"]
        ],
        route_names=[
            (cast(Route, row["route"]), re.compile(r"\b(?:" + "|".join(row["names"]) + ")", re.I))
            for row in data["drug_routes"]["routes"]
        ],
    )


@lru_cache(maxsize=1)
def _lab_alias_table() -> dict[str, str]:
    return {alias.lower(): spec.name for spec in lab_specs() for alias in spec.aliases}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


# --- age and sex -------------------------------------------------------------------------------


def _age(text: str, first: str) -> float | None:
    r = text_rules()
    found: list[tuple[int, float]] = []
    for pattern, unit, first_only in r.age:
        where = first if first_only else text
        for m in pattern.finditer(where):
            if r.age_not_patient.search(where[max(0, m.start() - 40) : m.start()]):
                continue
            n = float(m.group("n"))
            years = {"year": n, "month": n / 12, "week": n * 7 / 365.25, "day": n / 365.25}[unit]
            found.append((m.start(), round(years, 2)))
            break
    return min(found)[1] if found else None


def _sex(text: str) -> str | None:
    r = text_rules()
    letter = r.sex_letter.search(text[:40])
    if letter:
        return "male" if letter.group("sex") == "M" else "female"
    for m in re.finditer(r"[A-Za-z]+", text):
        sex = r.sex_words.get(m.group(0).lower())
        if sex:
            return sex
    return None


# --- mentions -----------------------------------------------------------------------------------


@dataclass
class _Mention:
    entry: lexicon.Entry | None
    name: str
    group: str
    start: int
    end: int
    negated: bool = False
    history: bool = False
    current: bool = False
    past: bool = False  # said to be over ("former smoker", "quit smoking")
    stopped: bool = False  # a drug no longer taken ("tapered off Dilantin")
    date: dt.date | None = None
    stage: str | None = None
    route: Route | None = None


def route_named(text: str) -> Route | None:
    """The route a FHIR dosage names ("Respiratory tract route", "Oral use"), if known."""
    for route, names in text_rules().route_names:
        if names.search(text):
            return route
    return None


def _route(sentence: str, mention: _Mention) -> Route | None:
    """How the drug is given, from the words right beside it ("inhaled corticosteroid",
    "steroid cream")."""
    before = sentence[max(0, mention.start - 25) : mention.start]
    for route, lead, tail in text_rules().routes:
        if lead.search(before) or (tail is not None and tail.match(sentence, mention.end)):
            return route
    return None


def _find_mentions(sentence: str) -> list[_Mention]:
    candidates: list[_Mention] = []
    for entry in lexicon.entries():
        for m in entry.pattern.finditer(sentence):
            candidates.append(_Mention(entry, entry.name, entry.group, m.start(), m.end()))
        if entry.absent_pattern is not None:
            for m in entry.absent_pattern.finditer(sentence):
                candidates.append(
                    _Mention(entry, entry.name, entry.group, m.start(), m.end(), negated=True)
                )
        if entry.past_pattern is not None:
            for m in entry.past_pattern.finditer(sentence):
                candidates.append(
                    _Mention(entry, entry.name, entry.group, m.start(), m.end(), past=True)
                )
    for m in lexicon.drug_suffix_regex().finditer(sentence):
        candidates.append(_Mention(None, m.group(0).lower(), "drugs", m.start(), m.end()))
    candidates.sort(key=lambda c: (-(c.end - c.start), _GROUP_ORDER[c.group], c.start))
    # A diagnosis the lexicon does not know ("diagnosed with Turner syndrome") is read by its
    # own name, as the eligibility engine reads it in a criterion.
    for a, b, name in named_diagnoses(sentence) if "diagnos" in sentence.lower() else ():
        candidates.append(_Mention(None, name, "conditions", a, b))
    chosen: list[_Mention] = []
    for c in candidates:
        if all(c.end <= x.start or c.start >= x.end for x in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _negated(sentence: str, mention: _Mention) -> bool:
    r = text_rules()
    if mention.negated:
        return True
    before = sentence[max(0, mention.start - 100) : mention.start]
    # "didn't respond to the usual corticosteroid inhaler": the drug was given.
    before = r.negation_pseudo.sub(lambda m: " " * len(m.group(0)), before)
    if _in_scope(r.negation_pre, before):
        return True
    return bool(r.negation_post.search(sentence[mention.end : mention.end + 40]))


def _uncertain(sentence: str, mention: _Mention) -> bool:
    """Whether a condition is only suspected, feared or screened for ("concern for possible
    diabetic ketoacidosis", "advice on osteoporosis prevention", "Hypothyroidism?")."""
    r = text_rules()
    if _in_scope(r.uncertain_pre, sentence[max(0, mention.start - 60) : mention.start]):
        return True
    return r.uncertain_post.match(sentence, mention.end) is not None


def _in_scope(cues: re.Pattern[str], before: str) -> bool:
    """Whether the last cue in ``before`` (the words before a mention) still reaches the
    mention: no clause break or terminator ("but", "presents", ...) between them."""
    found = list(cues.finditer(before))
    if not found:
        return False
    gap = before[found[-1].end() :]
    return not _CLAUSE_BREAK.search(gap) and not text_rules().terminators.search(gap)


def _clause_before(sentence: str, pos: int, width: int = 80) -> str:
    window = sentence[max(0, pos - width) : pos]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)]
    return window[breaks[-1] :] if breaks else window


def _clause_after(sentence: str, pos: int, width: int = 60) -> str:
    window = sentence[pos : pos + width]
    end = _CLAUSE_BREAK.search(window)
    return window[: end.start()] if end else window


def _shift(as_of: dt.date, n: int, unit: str) -> dt.date:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return as_of - dt.timedelta(days=n)
    if unit == "week":
        return as_of - dt.timedelta(weeks=n)
    months = n * 12 if unit == "year" else n
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(as_of.day, last_day))


def _times(sentence: str, as_of: dt.date, age: float | None) -> list[tuple[int, int, dt.date]]:
    r = text_rules()
    out: list[tuple[int, int, dt.date]] = []
    for pattern, row in r.relative_time:
        for m in pattern.finditer(sentence):
            groups = m.groupdict()
            if groups.get("year"):
                year = int(groups["year"])
                if year <= as_of.year:
                    out.append((m.start(), m.end(), dt.date(year, 1, 1)))
                continue
            if groups.get("age"):
                at = int(groups["age"])
                if age is not None and at <= age:
                    out.append((m.start(), m.end(), _shift(as_of, round(age - at), "year")))
                continue
            raw = groups.get("n") or str(row.get("n", ""))
            n = r.number_words.get(raw.lower(), 1 if raw.lower() in ("a", "an") else None)
            if n is None and raw.isdigit():
                n = int(raw)
            unit = groups.get("unit") or row.get("unit")
            if n is not None and unit:
                out.append((m.start(), m.end(), _shift(as_of, n, unit)))
    return out


def _begun(sentence: str, mention: _Mention, as_of: dt.date) -> dt.date | None:
    """When something still going on began, from how long it has lasted ("asthma for 5
    years", "since 2019", "a 10-year history of diabetes"); None when the note does not say,
    or says it all in the past ("took prednisone for 4 months")."""
    r = text_rules()
    after, before, past = r.duration
    m = after.match(sentence, mention.end) or before.search(
        sentence, max(0, mention.start - 60), mention.start
    )
    if m is None or past.search(_clause_before(sentence, mention.start)):
        return None
    groups = m.groupdict()
    if groups.get("year"):
        year = int(groups["year"])
        return dt.date(year, 1, 1) if year <= as_of.year else None
    raw = (groups.get("n") or "").lower()
    n = r.number_words.get(raw, 1 if raw in ("a", "an") else None)
    if n is None and raw.isdigit():
        n = int(raw)
    return _shift(as_of, n, groups["unit"]) if n is not None else None


def _assign_times(mentions: list[_Mention], times: list[tuple[int, int, dt.date]]) -> None:
    """A time dates the mention just before it, or else the first after it unless a nearer
    time stands between ("cold symptoms one week ago ... until two days ago, when he developed
    a new fever": the fever is two days old)."""
    for start, _end, when in times:
        before = [m for m in mentions if m.end <= start]
        after = [m for m in mentions if m.start >= start]
        target = before[-1] if before else (after[0] if after else None)
        if (
            not before
            and target is not None
            and any(start < other < target.start for other, _, _ in times)
        ):
            target = None
        if target is not None and target.date is None:
            target.date = when


def _about_a_relative(before: str) -> bool:
    """Whether the words before a mention put it in a relative's history: a family cue whose
    clause runs on to the mention."""
    r = text_rules()
    cues = list(r.family.finditer(before))
    return bool(cues) and not r.family_scope_end.search(before, cues[-1].end())


def _told_as_history(clause: str) -> bool:
    """Whether a history cue puts what follows in the past: not once the person is said to
    present with it ("with a history of tuberculosis has started to complain of productive
    cough")."""
    r = text_rules()
    cues = list(r.history.finditer(clause))
    return bool(cues) and not r.presenting.search(clause, cues[-1].end())


def _read_mentions(
    sentence: str, as_of: dt.date, age: float | None, section: str | None = None
) -> list[_Mention]:
    """The mentions of one sentence; ``section`` is the note's heading it stands under
    ("history": past medical history, "family": family history)."""
    r = text_rules()
    if section == "family":
        return []
    mentions = _find_mentions(sentence)
    vaccine_before, vaccine_after = r.vaccine
    kept = []
    for m in mentions:
        before = r.relative_as_source.sub(lambda x: " " * len(x.group(0)), sentence[: m.start])
        if _about_a_relative(before):
            continue
        if m.past:
            m.history = True
            kept.append(m)
            continue
        if m.group == "conditions" and (
            vaccine_before.search(sentence, max(0, m.start - 40), m.start)
            or vaccine_after.match(sentence, m.end)
        ):
            continue  # "hepatitis B vaccine", "no TB vaccination": not the disease
        m.negated = _negated(sentence, m)
        clause = _clause_before(sentence, m.start)
        if m.group == "conditions":
            if not m.negated and _uncertain(sentence, m):
                continue
            over = bool(
                r.condition_over.search(clause)
                or r.condition_over.search(_clause_after(sentence, m.end))
            )
            m.history = section == "history" or over or _told_as_history(clause)
            if m.entry is not None and m.entry.chronic:
                # "History of hypertension", "PMH: asthma", "prior MI, HLD, HTN", "previously
                # diagnosed with diabetes": a lasting condition the person still has, unless
                # it is said to be over or simply had ("She had asthma as a child").
                m.history = over or bool(r.chronic_had.search(clause))
            stage = r.stage.search(sentence, max(0, m.start - 30), min(len(sentence), m.end + 40))
            if stage:
                m.stage = stage.group("stage") or stage.group("relapse")
                if stage.group("stage"):
                    m.stage = "stage " + m.stage
        else:
            if r.planned_treatment.search(clause) or r.planned_after.match(sentence, m.end):
                continue  # "a candidate for corticosteroid therapy": not had, not taken
            if r.treatment_place.match(sentence, m.end):
                continue  # "the pediatric surgery clinic"
            allergy_before, allergy_after = r.drug_allergy
            if allergy_before.search(sentence, max(0, m.start - 60), m.start) or (
                allergy_after.match(sentence, m.end)
            ):
                continue  # "allergic to penicillin": not taken
            if r.drug_level_after.match(sentence, m.end):
                continue  # "Vit D: 14ng/ml": its level, not a dose
            if m.group == "drugs" and r.stopped_treatment.search(
                sentence, max(0, m.start - 40), m.start
            ):
                m.stopped, m.history, m.negated = True, True, False
                kept.append(m)
                continue
            past = [c.end() for c in r.past_treatment.finditer(clause)]
            now = [c.end() for c in r.current_medication.finditer(clause)]
            # The cue nearest the mention decides: "s/p transplant on tacrolimus" is current,
            # and so is "is treated with", which holds the past cue "treated with".
            m.current = bool(now) and (not past or now[-1] >= past[-1])
            m.history = (section == "history" or bool(past)) and not m.current
            if r.drug_as_cause.match(sentence, m.end):
                # "NSAID gastritis": the drug was taken, not that it still is.
                m.current, m.history = False, True
            m.route = _route(sentence, m)
        if not m.negated:
            begun = _begun(sentence, m, as_of)
            if begun is not None:
                m.date, m.history = begun, False
                m.current = m.group != "conditions"
        kept.append(m)
    _assign_times(kept, _times(sentence, as_of, age))
    return kept


# --- labs, performance, pregnancy -------------------------------------------------------------


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit_after(text: str) -> str | None:
    tokens = text.split()[:3]
    for size in (3, 2, 1):
        if len(tokens) < size:
            continue
        candidate = "".join(tokens[:size]).rstrip(".,;:")
        unit = canonical_unit(candidate)
        if unit:
            return unit
    return None


def _weeks(m: re.Match[str]) -> float:
    days = next((m.group(g) for g in ("plus", "days") if g in m.re.groupindex and m.group(g)), 0)
    return round(int(m.group("weeks")) + int(days) / 7, 2)


def _gestational_ages(sentence: str) -> tuple[list[Lab], list[tuple[int, int]]]:
    """How far along the pregnancy is now, and the week of pregnancy the person was born in."""
    g = text_rules().gestation
    labs: list[Lab] = []
    taken: list[tuple[int, int]] = []
    for name, patterns, not_this in (
        ("gestational age at birth", g.birth, g.someone_else),
        ("gestational age", g.pregnancy, g.earlier),
    ):
        for pattern in patterns:
            for m in pattern.finditer(sentence):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                if not not_this.search(sentence, 0, m.start()):
                    labs.append(Lab(name=name, value=_weeks(m), unit="week"))
    return labs, taken


def _labs(sentence: str) -> list[Lab]:
    r = text_rules()
    aliases = _lab_alias_table()
    labs, taken = _gestational_ages(sentence)
    for m in r.blood_pressure.finditer(sentence):
        systolic, diastolic = int(m.group("systolic")), int(m.group("diastolic"))
        if 50 <= systolic <= 300 and 20 <= diastolic < systolic:
            labs.append(Lab(name="systolic blood pressure", value=systolic, unit="mmhg"))
            labs.append(Lab(name="diastolic blood pressure", value=diastolic, unit="mmhg"))
            taken.append((m.start(), m.end()))
    for m in r.blast_percent.finditer(sentence):
        where = (m.group("where") or "") + (m.group("after") or "")
        name = (
            "peripheral blood blasts"
            if re.search(r"blood|circulat", where, re.I)
            else "bone marrow blasts"
        )
        labs.append(Lab(name=name, value=_number(m.group("value")), unit="%"))
        taken.append((m.start(), m.end()))
    for m in r.lab_name.finditer(sentence):
        alias = m.group("name")
        if any(a <= m.start() < b for a, b in taken):
            continue
        if len(alias) <= 2 and not alias[0].isupper():
            continue
        if r.lab_not_after.search(sentence, max(0, m.start() - 30), m.start()):
            continue
        v = r.lab_value.match(sentence, m.end())
        if not v or v.group("cmp"):
            continue
        gap = sentence[m.end() : v.start("value")]
        if re.search(r"[a-z]{3,}", gap, re.I) and not re.search(
            r"^\s*\)?\s*(?:\([^)]*\))?\s*(?:of|is|was|at|are|were|level|levels|count|value)?\s*[:=]?\s*$",
            gap,
            re.I,
        ):
            continue
        rest = sentence[v.start("value") + len(v.group("value")) :]
        if r.lab_per_field.match(rest):
            continue
        unit = _unit_after(rest)
        labs.append(Lab(name=aliases[alias.lower()], value=_number(v.group("value")), unit=unit))
        taken.append((m.start(), v.end()))
    return labs


def _fever_from_temperature(text: str, conditions: dict[str, Condition]) -> None:
    """A temperature read in the note over the fever limit: the person has a fever now, a new
    one if the fever told of earlier is over."""
    pattern, fever_from = text_rules().temperature
    readings = []
    for m in pattern.finditer(text):
        value = float(m.group("value"))
        fahrenheit = (m.group("unit") or "").upper() == "F" or value > 50
        readings.append((value - 32) * 5 / 9 if fahrenheit else value)
    if not any(fever_from <= r <= 45 for r in readings):
        return
    fever = conditions.get("fever")
    if fever is None or fever.status != "active":
        conditions["fever"] = Condition(name="fever", status="active")


def _performance(text: str) -> Performance:
    values: dict[str, int] = {}
    for scale, pattern in text_rules().performance:
        m = pattern.search(text)
        if m and scale not in values:
            values[scale] = rules.class_number(m.group("n"))
    return Performance(**values)


def _state(text: str, patterns: tuple[re.Pattern[str], re.Pattern[str]]) -> bool | None:
    positive, negative = patterns
    if positive.search(text):
        return True
    if negative.search(text):
        return False
    return None


# --- assembly -----------------------------------------------------------------------------------


_HEADING = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z /&'-]{1,40}?)\s*:\s*(?P<rest>.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s")


def _sections(text: str) -> list[tuple[int, int, str]]:
    """Spans of the note under a heading: "history" (past medical history) or "family" (family
    history), named by the history and family cues.

    A heading alone on its line opens a section over the lines under it ("Mother: breast cancer"
    among them), until another heading alone on its line or a line of prose (not a list item,
    over 80 characters); a heading with text after it on the same line ("PMH: HTN, DM.") covers
    that sentence only.
    """
    r = text_rules()
    spans: list[tuple[int, int, str]] = []
    section: str | None = None
    opened = 0
    offset = 0
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        name = heading.group("name").strip() if heading else ""
        kind = (
            "family"
            if heading and r.family.fullmatch(name)
            else "history"
            if heading and r.history.fullmatch(name)
            else None
        )
        prose = bool(line.strip()) and not (_LIST_ITEM.match(line) or len(line.strip()) <= 80)
        opens = heading is not None and not heading.group("rest").strip()
        if section is not None and (opens or prose or kind is not None):
            spans.append((opened, offset, section))
            section = None
        if heading and kind is not None:
            rest = heading.group("rest")
            if rest.strip():
                first = _SENTENCE.split(rest, maxsplit=1)[0]
                spans.append((offset, offset + heading.start("rest") + len(first), kind))
            else:
                section, opened = kind, offset
        offset += len(line) + 1
    if section is not None:
        spans.append((opened, offset, section))
    return spans


def _section_at(spans: list[tuple[int, int, str]], position: int) -> str | None:
    return next((kind for start, end, kind in spans if start <= position < end), None)


def profile_from_text(text: object, as_of: dt.date | None = None) -> Profile:
    """A profile from a free-text note; facts it cannot find stay unknown (None / empty)."""
    if not isinstance(text, str):
        raise ProfileError("expected the note as text", "text")
    if not text.strip():
        raise ProfileError("the note is empty", "text")
    as_of = as_of or dt.date.today()
    clean = _PLACEHOLDER.sub(" ", text)
    parts = sentences(clean)
    age = _age(clean, parts[0] if parts else clean)
    sex = _sex(clean)
    conditions: dict[str, Condition] = {}
    treatments: dict[str, Treatment] = {}
    medications: dict[str, Medication] = {}
    labs: list[Lab] = []
    sections = _sections(clean)
    cursor = 0
    for sentence in parts:
        cursor = max(cursor, clean.find(sentence, cursor))
        section = _section_at(sections, cursor)
        for m in _read_mentions(sentence, as_of, age, section):
            _merge(m, conditions, treatments, medications)
        labs.extend(_labs(sentence))
    _fever_from_temperature(clean, conditions)
    pregnant = None if sex == "male" else _state(clean, text_rules().pregnancy)
    breastfeeding = None if sex == "male" else _state(clean, text_rules().breastfeeding)
    # A note that tells of a complaint speaks of someone unwell, even when no condition in it
    # is known by name; "healthy" stays unknown unless the note says so and names no condition.
    healthy, unwell = text_rules().health
    if unwell.search(clean) or any(c.status == "active" for c in conditions.values()):
        well: bool | None = False
    else:
        well = True if healthy.search(clean) else None
    try:
        return Profile(
            as_of=as_of,
            age=age,
            sex=sex,  # type: ignore[arg-type]
            conditions=list(conditions.values()),
            treatments=list(treatments.values()),
            medications=list(medications.values()),
            labs=labs,
            performance=_performance(clean),
            pregnant=pregnant,
            breastfeeding=breastfeeding,
            healthy=well,
            history=text.strip(),
            source="text",
        )
    except ValueError as exc:
        raise ProfileError(f"could not read the note: {exc}", "text") from None


def _merge(
    m: _Mention,
    conditions: dict[str, Condition],
    treatments: dict[str, Treatment],
    medications: dict[str, Medication],
) -> None:
    """Fold one mention into the profile; a present mention beats an absent one."""
    if m.group == "conditions":
        status = (
            "absent"
            if m.negated
            else "resolved"
            if m.past
            else "history"
            if m.history
            else "active"
        )
        old = conditions.get(m.name)
        if old is None or (old.status == "absent" and status != "absent"):
            conditions[m.name] = Condition(name=m.name, status=status, onset=m.date, stage=m.stage)  # type: ignore[arg-type]
        elif status != "absent":
            old.onset = old.onset or m.date
            old.stage = old.stage or m.stage
            if status == "active":
                old.status = "active"
        return
    kind = m.entry.kind if m.entry else "drug"
    if m.stopped:
        medications.pop(m.name, None)  # taken no more, whatever an earlier sentence said
    if m.group == "drugs" and not m.history and not m.negated:
        med = medications.get(m.name)
        if med is None or med.status == "absent":
            medications[m.name] = Medication(name=m.name, start=m.date, route=m.route)
        return
    if m.group == "drugs" and m.negated:
        medications.setdefault(m.name, Medication(name=m.name, status="absent"))
        return
    status = "absent" if m.negated else "ongoing" if m.current else "completed"
    old_t = treatments.get(m.name)
    if old_t is None or (old_t.status == "absent" and status != "absent"):
        start = m.date
        end = m.date if status == "completed" else None
        treatments[m.name] = Treatment(
            name=m.name,
            kind=kind,  # type: ignore[arg-type]
            status=status,  # type: ignore[arg-type]
            start=start,
            end=end,
            route=m.route,
        )
    elif status != "absent" and old_t.start is None and m.date is not None:
        old_t.start = m.date
        old_t.end = m.date if old_t.status == "completed" else None
