"""Verdicts: answers or patient facts against parsed criteria.

Every item gets met / not_met / unknown / not_applicable with a reason a person can read;
the trial verdict names the criteria that decide it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from eligibility import rules
from eligibility.estimates import ADULT, MARGIN, body_mass_index, kidney_estimate
from eligibility.model import (
    ANSWERS,
    BLOOD_PRESSURES,
    CORRECTABLE,
    CURRENT_OR_PLANNED,
    DIABETES_TYPES,
    HEART_FAILURE,
    INSULIN_DEPENDENT,
    SUSTAINED,
    TYPE_1,
    TYPE_2,
    Constraint,
    Criterion,
    CriterionOutcome,
    CriterionVerdict,
    ParsedCriteria,
    Verdict,
    high_pressure_limits,
)
from eligibility.questions import addressed_to


class AnswerError(ValueError):
    """Answers that name unknown criteria or use values other than yes / no / not_sure."""

    def __init__(self, unknown_ids: list[str], bad_values: dict[str, object]) -> None:
        self.unknown_ids = unknown_ids
        self.bad_values = bad_values
        parts = []
        if unknown_ids:
            parts.append("unknown criterion ids: " + ", ".join(unknown_ids))
        if bad_values:
            listed = ", ".join(f"{k}={v!r}" for k, v in bad_values.items())
            parts.append(f"bad answer values (use {', '.join(ANSWERS)}): {listed}")
        super().__init__("; ".join(parts))


def check_answers(parsed: ParsedCriteria, answers: Mapping[str, object]) -> None:
    """Raise ``AnswerError`` when ``answers`` do not fit ``parsed``."""
    asked = {item.id for item in parsed.items if item.asked}
    unknown = sorted(str(k) for k in answers if k not in asked)
    bad = {str(k): v for k, v in answers.items() if k in asked and v not in ANSWERS}
    if unknown or bad:
        raise AnswerError(unknown, bad)


# --- facts -------------------------------------------------------------------------------------

_SCALES = ("ecog", "karnofsky", "lansky")
_HEART_FAILURE = Constraint("condition", "heart failure", "present")


def _compare(actual: float, op: str, value: float) -> bool | None:
    if op == ">=":
        return actual >= value
    if op == ">":
        return actual > value
    if op == "<=":
        return actual <= value
    if op == "<":
        return actual < value
    if op == "==":
        return actual == value
    return None


def _scale_value(facts: Mapping[str, Any], concept: str) -> tuple[float, float] | None:
    """The person's score on ``concept`` as a range, converting from another scale if needed."""
    if facts.get(concept) is not None:
        v = float(facts[concept])
        return v, v
    table = rules.performance_table()["ecog_to_karnofsky"]
    if concept == "ecog":
        for other in ("karnofsky", "lansky"):
            if facts.get(other) is not None:
                score = float(facts[other])
                for grade, (lo, hi) in table.items():
                    if lo - 5 <= score <= hi + 5:
                        return float(grade), float(grade)
    elif facts.get("ecog") is not None:
        lo, hi = table[str(int(facts["ecog"]))]
        return float(lo), float(hi)
    elif facts.get("karnofsky" if concept == "lansky" else "lansky") is not None:
        v = float(facts["karnofsky" if concept == "lansky" else "lansky"])
        return v, v
    return None


def _start_date(facts: Mapping[str, Any]) -> dt.date:
    value = facts.get("start_date")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return dt.date.today()


def _days(value: float, unit: str | None) -> float | None:
    return rules.convert(value, unit or "day", "day")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


# Routes that keep a drug where it is given (an inhaler, a cream, eye drops).
LOCAL_ROUTES = frozenset({"inhaled", "topical", "nasal", "eye"})


def _events(facts: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    wanted = _norm(name)
    found = []
    for event in facts.get("events") or []:
        if isinstance(event, str):
            event = {"name": event}
        if isinstance(event, Mapping) and _norm(str(event.get("name", ""))) == wanted:
            found.append(event)
    return found


def _denied(facts: Mapping[str, Any], name: str) -> bool:
    """Whether the person explicitly denies ``name`` (a known absence, not a gap in the notes)."""
    wanted = _norm(name)
    return any(_norm(str(n)) == wanted for n in facts.get("events_absent") or [])


def _event_days_ago(event: Mapping[str, Any], start: dt.date, onset: bool = False) -> float | None:
    """Days from the event to ``start``: 0 for one active now, unless ``onset`` asks when a
    lasting condition began, which only its date tells."""
    if event.get("active") and not onset:
        return 0.0
    when = event.get("date")
    if isinstance(when, str):
        try:
            when = dt.date.fromisoformat(when)
        except ValueError:
            return None
    if isinstance(when, dt.date):
        return float((start - when).days)
    return None


# The profile's names for the types of diabetes and for insulin (a test checks them).
TYPE_1_DIABETES, TYPE_2_DIABETES, INSULIN = "type 1 diabetes", "type 2 diabetes", "insulin"


def _has_diabetes_type(qualifier: str, facts: Mapping[str, Any]) -> bool | None:
    """Whether a person with diabetes has the type the line names: type 1 is told by the
    type, insulin dependence by the type or by insulin taken now; type 2 by the type alone,
    since a note that says only "diabetic" does not tell it."""
    if qualifier == TYPE_2:
        if _events(facts, TYPE_2_DIABETES):
            return True
        return False if _events(facts, TYPE_1_DIABETES) else None
    if _events(facts, TYPE_1_DIABETES):
        return True
    insulin = [e for e in _events(facts, INSULIN) if e.get("active") is not False]
    if qualifier == INSULIN_DEPENDENT and insulin:
        return True
    if not _events(facts, TYPE_2_DIABETES):
        return None
    if qualifier == TYPE_1:
        return False
    return False if facts.get("events_complete") or _denied(facts, INSULIN) else None


# Qualifiers that count from when a condition began or a drug was started: how long it has
# lasted ("asthma for at least 6 months") and how long ago it was diagnosed ("diagnosed with
# diabetes at least 6 months before screening").
_SINCE_ONSET = frozenset({"duration", "diagnosed"})


def _days_between(later: object, earlier: object) -> float | None:
    try:
        return float((dt.date.fromisoformat(str(later)) - dt.date.fromisoformat(str(earlier))).days)
    except ValueError:
        return None


def _since_onset(c: Constraint, events: list[Mapping[str, Any]], start: dt.date) -> bool | None:
    """A duration counts from an event's ``since`` date to the start of the study while it
    goes on, or to its end (``date``) once over; a diagnosis counts from ``since`` alone. A
    diagnosis window the dates cannot tell still holds for a condition active now."""
    window = _days(float(c.value or 0), c.unit)
    if window is None:
        return None
    spans = []
    for e in events:
        since = e.get("since")
        if since is None:
            continue
        if c.qualifier == "diagnosed" or e.get("active"):
            spans.append(_days_between(start.isoformat(), since))
        elif e.get("date") not in (None, since):
            spans.append(_days_between(e["date"], since))
    known = [d for d in spans if d is not None]
    if not known:
        if c.qualifier == "diagnosed" and c.op == "within" and any(e.get("active") for e in events):
            return True
        return None
    if c.op == "within":
        return min(known) <= window
    return any(_compare(d, c.op, window) for d in known)


def _implied_by_a_condition(c: Constraint, facts: Mapping[str, Any]) -> bool | None:
    """A measurement the facts do not give, read from a condition the person has that puts it
    at or above a value: someone obese has a BMI of 30 or more, so meets "BMI > 25" and fails
    "BMI <= 27", and "BMI > 35" stays open."""
    if not isinstance(c.value, int | float):
        return None
    for condition, floor in rules.implied_floors().get(c.name, ()):
        if not any(e.get("active") is not False for e in _events(facts, condition)):
            continue
        limit = float(c.value)
        if (c.op == ">=" and floor >= limit) or (c.op == ">" and floor > limit):
            return True
        if (c.op == "<" and floor >= limit) or (c.op == "<=" and floor > limit):
            return False
    return None


def _implied_now(c: Constraint, facts: Mapping[str, Any]) -> bool:
    """Whether the person has, now, a term that means ``c``'s condition is present ("on
    immunosuppressive medications" for "immunocompromised"); a kind of it stays open."""
    term = rules.term_by_name().get(c.name)
    if term is None or not term.implied_by or c.qualifier not in (None, "active", "history"):
        return False
    return any(
        e.get("active") is not False for name in term.implied_by for e in _events(facts, name)
    )


_SEXES = ("male", "female")


_TIMES_ULN = "x uln"
_ESTIMATE_UNIT = "ml/min"


def _estimate_holds(c: Constraint, value: float, estimate: float) -> bool | None:
    """An estimated value (mL/min) against a limit ``c`` of ``value``, decided only clear of
    it by the margin."""
    limit = rules.convert(value, c.unit or _ESTIMATE_UNIT, _ESTIMATE_UNIT)
    if limit is None:
        return None
    outcomes = {_compare(estimate * (1 + m), c.op, limit) for m in (-MARGIN, MARGIN)}
    return outcomes.pop() if len(outcomes) == 1 else None


def _against_upper_normal(
    c: Constraint, term: rules.Term, value: float, unit: object, facts: Mapping[str, Any]
) -> bool | None:
    """A result against a limit in times the upper limit of normal ("AST ≤ 2.5 × ULN"):
    decided when it is the same for the lowest and the highest ULN laboratories give adults;
    a child's limits are others."""
    age = facts.get("age")
    if term.upper_normal is None or not isinstance(c.value, int | float):
        return None
    if not isinstance(age, int | float) or age < ADULT:
        return None
    low, high, normal_unit = term.upper_normal
    result = rules.measured_in(term, value, unit, normal_unit)
    if result is None:
        return None
    outcomes = {_compare(result / uln, c.op, float(c.value)) for uln in (low, high)}
    return outcomes.pop() if len(outcomes) == 1 else None


def constraint_holds(c: Constraint, facts: Mapping[str, Any]) -> bool | None:
    """Whether the person's facts satisfy ``c``; None when the facts do not say."""
    if c.concept == "age" and c.qualifier in _SEXES:
        # A limit given for one sex: none for the other, unknown while the sex is.
        sex = facts.get("sex")
        if sex not in _SEXES:
            return None
        if sex != c.qualifier:
            return True
    if c.concept == "age" and facts.get("age") is not None and isinstance(c.value, int | float):
        age = float(facts["age"])
        limit = rules.convert(float(c.value), c.unit or "year", "year")
        return None if limit is None else _compare(age, c.op, limit)
    if c.concept == "sex" and c.op == "any":
        return True
    if c.concept == "sex" and facts.get("sex"):
        return str(facts["sex"]).lower() == c.value
    if c.concept in _SCALES and isinstance(c.value, int | float):
        scale = _scale_value(facts, c.concept)
        if scale is None:
            return None
        low, high = (
            _compare(scale[0], c.op, float(c.value)),
            _compare(scale[1], c.op, float(c.value)),
        )
        return low if low == high else None
    if c.concept == "nyha" and isinstance(c.value, int | float):
        if facts.get("nyha") is not None:
            return _compare(float(facts["nyha"]), c.op, float(c.value))
        # Someone known to have no heart failure has no limit on activity (class I), but has
        # no "class I-III heart failure" either.
        if constraint_holds(_HEART_FAILURE, facts) is False:
            return c.qualifier != HEART_FAILURE and _compare(1.0, c.op, float(c.value))
        return None
    if c.concept in ("pregnancy", "breastfeeding"):
        key = "pregnant" if c.concept == "pregnancy" else "breastfeeding"
        if c.qualifier == CURRENT_OR_PLANNED:
            # A current pregnancy decides it, and so does being a man; not being pregnant now
            # leaves the plan unknown.
            if facts.get("sex") == "male":
                present = False
            elif facts.get(key) is True:
                present = True
            else:
                return None
            return (not present) if c.op == "absent" else present
        if facts.get(key) is None or c.qualifier == "planned":
            return None
        state = bool(facts[key])
        return (not state) if c.op == "absent" else state
    if c.concept == "health":
        healthy = facts.get("healthy")
        return None if healthy is None else bool(healthy) == (c.op == "present")
    if c.concept == "measurement" and isinstance(c.value, int | float):
        measured = (facts.get("measurements") or {}).get(c.name)
        if not measured:
            estimate = kidney_estimate(c.name, facts)
            if estimate is not None:
                return _estimate_holds(c, float(c.value), estimate)
            worked_out = body_mass_index(facts) if c.name == "bmi" else None
            if worked_out is not None:
                measured = (round(worked_out, 1), "kg/m2")
            else:
                return _implied_by_a_condition(c, facts)
        value, unit = measured if isinstance(measured, list | tuple) else (measured, c.unit)
        term = rules.term_by_name().get(c.name)
        converted = rules.measured_in(
            term, float(value), unit, rules.unit_of(term, float(c.value), c.unit)
        )
        if converted is not None:
            holds = _compare(converted, c.op, float(c.value))
        elif c.unit == _TIMES_ULN and term is not None:
            holds = _against_upper_normal(c, term, float(value), unit, facts)
        else:
            return None
        if holds and c.qualifier == SUSTAINED:
            return None  # one reading past the limit does not show that it lasts
        return None if holds is False and c.qualifier == CORRECTABLE else holds
    if c.name == "prior lines of therapy" and isinstance(c.value, int | float):
        lines = facts.get("lines_of_therapy")
        if isinstance(lines, int | float) and not isinstance(lines, bool):
            return _compare(float(lines), c.op, float(c.value))
        return None
    if c.op == "not_within":
        # "No radiotherapy within 28 days": the window read the other way round.
        held = constraint_holds(replace(c, op="within"), facts)
        return None if held is None else not held
    if c.concept in ("condition", "drug", "procedure", "therapy"):
        events = _events(facts, c.name)
        if not events and c.op in ("present", "absent") and _implied_now(c, facts):
            return c.op == "present"
        if not events:
            if facts.get("events_complete") or _denied(facts, c.name):
                if c.op in ("present", "within") or c.qualifier in _SINCE_ONSET:
                    return False
                return True if c.op == "absent" else None
            return None
        if c.qualifier in DIABETES_TYPES and c.op in ("present", "absent"):
            has = _has_diabetes_type(c.qualifier, facts)
            return None if has is None else has == (c.op == "present")
        if c.qualifier in DIABETES_TYPES and c.op == "within":
            # "Diabetes mellitus requiring insulin ... within 3 months": the type first, then
            # the window on the person's diabetes.
            has = _has_diabetes_type(c.qualifier, facts)
            if not has:
                return has
        elif c.qualifier == "specific" or c.qualifier in DIABETES_TYPES:
            return None
        if c.concept in ("drug", "therapy") and all(e.get("route") in LOCAL_ROUTES for e in events):
            # Inhaled or topical use only: the line may mean the drug by mouth or vein.
            return None
        if c.purpose and not _events(facts, c.purpose):
            # Had the treatment, but nothing says it was for this condition.
            return None
        if c.qualifier in _SINCE_ONSET and isinstance(c.value, int | float):
            return _since_onset(c, events, _start_date(facts))
        past = c.qualifier == "active" and all(e.get("active") is False for e in events)
        # "acute MI" or "active tuberculosis" is not decided by one that is past; a term that
        # means the present ("Smoker") is, when it is said to be over ("former smoker").
        over = past and c.name in rules.present_tense_terms() and all(e.get("over") for e in events)
        if c.op == "present":
            if past:
                return False if over else None
            return True
        if c.op == "absent":
            return over
        start = _start_date(facts)
        onset = c.op != "within" and c.name in rules.lasting_terms()
        ages = [_event_days_ago(e, start, onset) for e in events]
        known = [a for a in ages if a is not None]
        if not known or not isinstance(c.value, int | float):
            return None
        window = _days(float(c.value), c.unit)
        if window is None:
            return None
        latest = min(known)
        if c.op == "within":
            return latest <= window
        return _compare(latest, c.op, window)
    return None


_DESCRIBED_AS = {
    "duration": "duration of ",
    "diagnosed": "time since diagnosis of ",
    "male": "men's ",
    "female": "women's ",
}


# What a value the record lacks was worked out from, said with it in a reason.
_WORKED_OUT_FROM = {
    "egfr": "your creatinine, age and sex",
    "creatinine clearance": "your creatinine, age, sex and weight",
    "bmi": "your weight and height",
}


def _describe(c: Constraint, facts: Mapping[str, Any] | None = None) -> str:
    """The constraint in a reason; with ``facts``, a value they give only as worked out from
    others says so ("egfr >= 60 ml/min, worked out from your creatinine, age and sex")."""
    value = "" if c.value is None else f" {c.value}" + (f" {c.unit}" if c.unit else "")
    aim = f" for {c.purpose}" if c.purpose else ""
    kind = (
        f"{c.qualifier} "
        if c.qualifier in DIABETES_TYPES
        else _DESCRIBED_AS.get(c.qualifier or "", "")
    )
    described = f"{kind}{c.name}{aim} {c.op.replace('_', ' ')}{value}"
    if facts is not None and c.concept == "measurement" and _worked_out(c.name, facts):
        described += f", worked out from {_WORKED_OUT_FROM[c.name]}"
    return described


def _worked_out(name: str, facts: Mapping[str, Any]) -> bool:
    if name not in _WORKED_OUT_FROM or (facts.get("measurements") or {}).get(name):
        return False
    if name == "bmi":
        return body_mass_index(facts) is not None
    return kidney_estimate(name, facts) is not None


_CONDITIONAL = re.compile(
    r"\b(?:must|should|shall|will|need(?:s)?\s+to|has\s+to|have\s+to|had\s+to|agrees?|"
    r"required|willing|consent|able\s+to|contracepti\w*|birth[- ]control|condoms?|"
    r"steril\w*|pregnancy\s+test|negative\s+(?:[\w/]+\s+){0,3}pregnancy|"
    rf"{rules.MAY_JOIN}|(?:may|can)\s+(?:also\s+)?(?:participate|enrol+)|"
    r"eligible\s+(?:to\s+(?:participate|enrol+|join)\s+)?(?:only\s+)?if)\b",
    re.I,
)
_GROUP_WORDS = frozenset(rules.load("questions.json")["group_words"])


_A_LINE_OF = re.compile(r"\s*(?:regimens?|lines?)\b", re.I)


def _without_counted(constraints: list[Constraint], text: str) -> list[Constraint]:
    """Drop the therapy that "prior lines of <therapy>" counts, and the "<therapy> regimens"
    the line goes on to count: the count decides it."""
    lines = [c.span for c in constraints if c.name == "prior lines of therapy"]
    if not lines:
        return constraints
    return [
        c
        for c in constraints
        if not (
            c.concept in ("therapy", "drug")
            and c.op in ("present", "absent")
            and (
                any(a <= c.span[0] <= b + 12 for a, b in lines)
                or _A_LINE_OF.match(text, c.span[1]) is not None
            )
        )
    ]


def _qualified(item: Criterion) -> bool:
    """Whether the text says more about the group than its constraints check
    ("postmenopausal women", "women of childbearing potential", "women with ...")."""
    chars = list(item.text)
    for c in item.constraints:
        for i in range(max(0, c.span[0]), min(len(chars), c.span[1])):
            chars[i] = " "
    words = re.findall(r"[A-Za-z][A-Za-z/'-]*", "".join(chars))
    return any(w.lower() not in _GROUP_WORDS for w in words)


# A line that speaks to both sexes ("Female patients of childbearing potential and male patients
# with partners ..."): a line under it that names one sex speaks to that group only.
_FEMALE = re.compile(r"\b(?:wom[ae]n|females?|girls?)\b", re.I)
_MALE = re.compile(r"\b(?:m[ae]n|males?|boys?)\b", re.I)


def _speaks_to_both_sexes(item: Criterion) -> bool:
    return bool(_FEMALE.search(item.text) and _MALE.search(item.text))


# "Patients with a history of hypertension must be well-controlled ...", "Participants with
# hepatitis B virus (HBV) infection must be treated with antiviral therapy prior to enrolment":
# "Patients with psoriasis must have a baseline ophthalmologic exam": a line for the people who
# have the condition it opens with; it asks nothing of others.
_WITH_A_CONDITION = re.compile(
    r"\s*(?:\d+[.)]\s*)?(?:all\s+)?(?:patients?|participants?|subjects?|individuals?|those)\s+"
    r"(?:with|who\s+(?:have|had)|having)\s+(?:an?\s+)?(?:(?:known|prior|previous|documented)\s+)?"
    r"(?:history\s+of\s+)?",
    re.I,
)
_MUST_AFTER = re.compile(
    r"[^.;]{0,100}?\b(?:must|should|needs?\s+to|(?:is|are)\s+required\s+to|ha(?:s|ve)\s+to)\b",
    re.I,
)


def _condition_group(item: Criterion, constraints: list[Constraint]) -> Constraint | None:
    """The condition a line is addressed to, as "Patients with X must ..." names it."""
    lead = _WITH_A_CONDITION.match(item.text)
    if lead is None:
        return None
    for c in constraints:
        if c.concept == "condition" and c.span[0] == lead.end():
            if _MUST_AFTER.match(item.text, c.span[0]):
                return Constraint("condition", c.name, "present", span=c.span)
            return None
    return None


def _applies_from_facts(
    item: Criterion, facts: Mapping[str, Any], under_both_sexes: bool = False, choice: bool = False
) -> tuple[bool | None, str, bool]:
    """Whether the criterion describes the person, judged by its constraints; the flag is
    True when the criterion only speaks to a group (one sex) the person is not in, as a line
    under one that speaks to both sexes does when it names one."""
    constraints = _without_counted(item.constraints, item.text)
    person_sex = facts.get("sex")
    addressed = addressed_to(item.text)
    if (
        addressed is not None
        and person_sex in _SEXES
        and person_sex != addressed
        and (_MALE if addressed == "female" else _FEMALE).search(item.text) is None
    ):
        # "If female of childbearing potential, must have a negative pregnancy test", "For
        # women only: pregnant (or lactating) ...": what it asks is asked of the other sex.
        return None, f"this applies to {addressed} participants only", True
    if person_sex in _SEXES:
        # Age limits given for the other sex do not speak to the person.
        other = next(s for s in _SEXES if s != person_sex)
        constraints = [c for c in constraints if not (c.concept == "age" and c.qualifier == other)]
    if item.kind == "exclusion":
        # "Not pregnant" never rules anyone out: it is the negative test asked of participants.
        constraints = [c for c in constraints if (c.concept, c.op) != ("pregnancy", "absent")]
    if not constraints:
        return None, "", False
    group = _condition_group(item, constraints)
    if group is not None:
        member = constraint_holds(group, facts)
        if member is False:
            return None, f"this applies to participants with {group.name} only", True
        rest = [c for c in constraints if c.span != group.span]
        value, reason = _holds_all(item, rest, facts, choice) if rest else (None, "")
        return (value, reason, False) if member else (None, "", False)
    sexes = [c for c in constraints if c.concept == "sex"]
    if not sexes:
        value, reason = _holds_all(item, constraints, facts, choice)
        if value is False and item.kind == "exclusion" and _examples_only(item.text, constraints):
            return None, "", False
        return value, reason, False
    sex = sexes[0]
    in_group = constraint_holds(sex, facts)
    rest = [c for c in constraints if c.concept != "sex"]
    if sex.op == "any" and not rest:
        return True, "the study takes people of either sex", False
    conditional = under_both_sexes or _CONDITIONAL.search(item.text, sex.span[1]) is not None
    if in_group is False:
        if conditional:
            return None, f"this applies to {sex.value} participants only", True
        return False, f"your details do not match {_describe(sex)}", False
    if rest:
        value, reason = _holds_all(item, rest, facts, choice)
        if value is False or (value and in_group):
            return value, reason, False
        return None, "", False
    if in_group and item.covered and not _qualified(item):
        return True, f"your details match {_describe(sex)}", False
    return None, "", False


# "or" that joins a constraint's span to words it does not read: "pregnant or who have not given
# birth", "18 or an emancipated minor", but not "18 or older" or "male or female aged 65".
_OR_AFTER = re.compile(r"\s*\)?\s*,?\s*or\b" + rules.NO_CHOICE_AFTER_OR, re.I)
# "co-infected with HBV and HCV": both at once.
_BOTH = re.compile(r"\bco-?infect|\bboth\b", re.I)
_LIST_SEPARATORS = re.compile(r"(?:\s|,|\bor\b|/)*", re.I)
# "cervical spine fracture, infection and malignant tumor", "such as major depression, bipolar
# disorder and schizophrenia": in an exclusion, each condition of such a list rules people out.
_AND_LIST_SEPARATORS = re.compile(r"(?:\s|,|\b(?:and|or)\b|/)*", re.I)
# "smoking, previous lumbar spine surgery, Diabetes Melitus (DM) and neuromuscular disorders":
# things had or done, listed; each rules people out.
_HISTORY_LIST_SEPARATORS = re.compile(
    r"\s*(?:,|;|\band\b|\bor\b|/)\s*(?:(?:and|or)\s+)?(?:(?:previous|prior|past|known|"
    r"current|active|history\s+of)\s+)?(?:[a-z]+\s+)?|\s*\([^()]{1,12}\)\s*(?:,|\band\b|\bor\b)\s*",
    re.I,
)
# "cervical spine fracture, infection and malignant tumor": the site may be of every one.
_SITE_BEFORE = re.compile(r"\b(?:spine|spinal|cervical|lumbar|thoracic|sacral|vertebral)\s+$", re.I)


# A NYHA class is a degree of heart failure: listed among conditions, it is one of them.
_CONDITION_LIKE = ("condition", "nyha")
# Listed among the conditions an exclusion names ("Cord compression, Pregnancy, Hypertension"),
# a pregnancy is one more of them.
_LISTED_LIKE_CONDITIONS = (*_CONDITION_LIKE, "pregnancy", "breastfeeding")
_EVENT_CONCEPTS = (*_CONDITION_LIKE, "procedure", "therapy", "drug")
_EXAMPLE_CONCEPTS = (*_CONDITION_LIKE, "measurement")
_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")
_HOW_CONTROLLED = re.compile(rf"\b(?:{rules.UNCONTROLLED}|uncontroled|unstable|untreated)\b", re.I)
_EXAMPLES_LEAD = re.compile(r"\b(?:such\s+as|including|e\.\s?g\.|i\.\s?e\.|for\s+example)", re.I)


def _examples_only(text: str, constraints: list[Constraint]) -> bool:
    """Whether an exclusion reads only examples of its own term ("Inability to provide informed
    consent (e.g., ... diagnosed dementia ...)", "metabolic disease such as diabetes mellitus"):
    none of them holding does not say the term does not."""
    lead = _CASES_OPEN.search(text)
    return (
        lead is not None
        and all(c.span[0] >= lead.end() for c in constraints)
        and not _CLAUSE_STOP.search(text, lead.end(), max(c.span[0] for c in constraints))
        and len(_WORDS.findall(text, 0, lead.start())) >= 2
    )


def _cannot_all_hold(constraints: list[Constraint]) -> bool:
    """Whether two of the limits exclude each other ("under 18 years and over 70 of age",
    "BMI <18.5 kg/m2 or BMI > 35 kg/m2"): then the line names either, not both."""
    for low in constraints:
        if low.op not in _UPPER_BOUNDS or not isinstance(low.value, int | float):
            continue
        for high in constraints:
            if (
                high.op in _LOWER_BOUNDS
                and (high.concept, high.name, high.unit) == (low.concept, low.name, low.unit)
                and isinstance(high.value, int | float)
                and high.value >= low.value
            ):
                return True
    return False


def _a_bare_list(
    text: str,
    constraints: list[Constraint],
    separators: re.Pattern[str] = _LIST_SEPARATORS,
    concepts: tuple[str, ...] = _CONDITION_LIKE,
) -> bool:
    """Whether the conditions stand in a list with nothing but commas, "or" or "/" between
    them ("Hypertension, dyslipidemia, obstructive sleep apnea, cardiovascular disease (for
    example, ... heart failure)"; what the brackets give as examples is left aside)."""
    if any(c.concept not in concepts for c in constraints):
        return False
    brackets = [m.span() for m in _BRACKETED.finditer(text)]
    outside = [c for c in constraints if not any(a <= c.span[0] < b for a, b in brackets)]
    constraints = outside if len(outside) > 1 else constraints
    return all(
        separators.fullmatch(text, a.span[1], b.span[0]) is not None
        for a, b in zip(constraints, constraints[1:], strict=False)
    )


_SENTENCE_BREAK = re.compile(r"[.;]\s+(?=[A-Z])")
_BRACKETED = re.compile(r"\([^()]*\)")
_EXAMPLES_BRACKET = re.compile(
    r"\(\s*(?:i\.?\s?e\.?|e\.?\s?g\.?|for\s+example|such\s+as|including)[\s,:]", re.I
)


def _offers_a_choice(item: Criterion, constraints: list[Constraint]) -> bool:
    """Whether "or" joins the constraints, outside a bracket that holds none of them
    ("diabetes mellitus (Type 1 or 2) requiring daily insulin"); an inclusion's sentences must
    all hold, so there the "or" has to join two in one sentence ("Age 21 or above at the time of
    the surgery. Have had ... or the decision has been made ...")."""
    starts = [c.span[0] for c in constraints]
    treatments_end = [c.span[1] for c in constraints if c.concept in ("drug", "therapy")]

    def blank(m: re.Match[str]) -> str:
        # Examples of a treatment the line asks about ("autoimmune disease that has required
        # systemic treatment ... (ie, with the use of ... corticosteroids, or immunosuppressive
        # drugs)") offer a choice among ways of treating it, not the line's choice.
        inside = any(m.start() <= at < m.end() for at in starts)
        of_a_treatment = _EXAMPLES_BRACKET.match(m.group(0)) and any(
            0 <= m.start() - end <= 20 for end in treatments_end
        )
        return m.group(0) if inside and not of_a_treatment else " " * len(m.group(0))

    text = _BRACKETED.sub(blank, item.text)
    if _cannot_all_hold(constraints):
        return True
    if item.kind == "exclusion":
        end = max(c.span[1] for c in constraints)
        if rules.results_listed_apart(text, constraints):
            return True
        if (
            all(c.concept in _LISTED_LIKE_CONDITIONS for c in constraints)
            and any(c.concept in _CONDITION_LIKE for c in constraints)
            and not _BOTH.search(text)
            and _a_bare_list(text, constraints, _AND_LIST_SEPARATORS, _LISTED_LIKE_CONDITIONS)
            and not _SITE_BEFORE.search(
                text, max(0, constraints[0].span[0] - 30), constraints[0].span[0]
            )
        ):
            return True
        if (
            any(c.concept in _CONDITION_LIKE for c in constraints)
            and any(c.concept not in _CONDITION_LIKE for c in constraints)
            and _a_bare_list(text, constraints, _HISTORY_LIST_SEPARATORS, _EVENT_CONCEPTS)
        ):
            return True
        if (
            all(c.concept in _EXAMPLE_CONCEPTS for c in constraints)
            and any(c.concept in _CONDITION_LIKE for c in constraints)
            and _EXAMPLES_LEAD.search(text)
            and not _BOTH.search(text)
            and not rules.MIXED.search(text)
            and not _HOW_CONTROLLED.search(text)
        ):
            # "thrombosis events ..., such as cerebrovascular accidents (including ... cerebral
            # hemorrhage ...), deep vein thrombosis and pulmonary embolism": each example is
            # one case of what rules people out (unless how well it is controlled decides).
            return True
        if (
            all(c.concept in _CONDITION_LIKE for c in constraints) and not _BOTH.search(text)
        ) or any(c.qualifier == CURRENT_OR_PLANNED for c in constraints):
            # "... symptomatic coronary artery disease, cardiac arrhythmia, or other heart
            # disease": an "or" to the end of the sentence still lists conditions that rule
            # people out. "pregnant, breastfeeding, or planning a pregnancy": the plan, read
            # with the first pregnancy, comes after the last constraint's words.
            stop = _SENTENCE_BREAK.search(text, end)
            end = stop.start() if stop else len(text)
        return bool(rules.EITHER.search(text, constraints[0].span[0], end))
    return any(
        rules.EITHER.search(text, a.span[0], b.span[1])
        and not _SENTENCE_BREAK.search(text, a.span[1], b.span[0])
        for a, b in zip(constraints, constraints[1:], strict=False)
    ) or (
        # "should be hypertension, dyslipidaemia or T2D": a list whose "or" comes before a last
        # term the vocabulary does not name.
        _a_bare_list(text, constraints)
        and _OR_AFTER.match(text, constraints[-1].span[1]) is not None
    )


_OR_BEFORE = re.compile(
    r"(?<!male )(?<!female )(?<!men )(?<!women )\bor\s+(?:[\w-]+\s+){0,2}$", re.I
)


def _or_around(text: str, span: tuple[int, int]) -> bool:
    start, end = span
    return bool(_OR_AFTER.match(text, end) or _OR_BEFORE.search(text, max(0, start - 30), start))


_BRACKET_OPENS = re.compile(
    r"\s*(?:[(\[]\s*(?:defined\s+as\s+|i\.e\.,?\s+|with\s+|(?:blood\s+pressures?|BP)\s*:\s*)?|:\s*|"
    r"with\s+(?:an?\s+)?|of\s+)$",
    re.I,
)


def _without_defined(constraints: list[Constraint], text: str) -> list[Constraint]:
    """Drop a condition a measurement defines: "poorly controlled diabetes (HbA1c of 8.0% or
    higher)", "obesity with body mass index (BMI) above 30", "Obese: BMI >=30", "Hypertension
    of > 170/100 mm of Hg" hold when the measurement does."""
    kept = []
    for c, after in zip(constraints, [*constraints[1:], None], strict=True):
        defined = (
            after is not None
            and (c.concept, after.concept) == ("condition", "measurement")
            and _BRACKET_OPENS.match(text[c.span[1] : after.span[0]]) is not None
        )
        if not defined:
            kept.append(c)
    return kept


def _opens_with_the_defined(text: str, constraints: list[Constraint]) -> bool:
    """Whether the line opens with what it reads ("Patients with poorly controlled diabetes
    (HbA1c ...)"), so that a measurement defining its condition says all of it; words before
    it ("Patients with recurrent binge eating ... and obesity (BMI >=30)") say more."""
    before = _WORDS.findall(text, 0, constraints[0].span[0])
    return len(before) <= 4 and not any(w.lower() == "and" for w in before)


def _by_sentence(text: str, constraints: list[Constraint]) -> list[list[Constraint]]:
    """The constraints grouped by the sentence they stand in, in order."""
    groups: list[list[Constraint]] = []
    for c in constraints:
        if groups and not _SENTENCE_BREAK.search(text, groups[-1][-1].span[1], c.span[0]):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _holds_all(
    item: Criterion, constraints: list[Constraint], facts: Mapping[str, Any], choice: bool = False
) -> tuple[bool | None, str]:
    """``constraints`` read together: when "or" joins two of them any one decides, else all.
    ``choice``: the line is one of the options of the line above it ("... at least 1 of the
    following comorbidities: * Hypertension, dyslipidemia, obstructive sleep apnea"), so a
    bare list of conditions in it is a choice too."""
    text = item.text
    stated = _without_defined(constraints, text)
    denied = [c for c in constraints if c not in stated and constraint_holds(c, facts) is False]
    if denied and all(c.concept == "measurement" for c in stated):
        # "Hypertension of > 170/100 mm of Hg" for one who has no hypertension; a line that
        # reads more ("..., history of stroke") may still hold by that.
        return False, f"your details do not match {_describe(denied[0], facts)}"
    covered = item.covered or (
        len(stated) < len(constraints) and _opens_with_the_defined(text, constraints)
    )
    constraints = stated
    sentences = _by_sentence(text, constraints) if item.kind == "inclusion" else []
    if len(sentences) > 1:
        # Each sentence of an inclusion must hold, whatever choice another one offers ("a) BMI
        # >= 27 ... with >= 2 obesity-related complications. At least one complication should
        # be hypertension, dyslipidaemia or T2D").
        judged = [_holds_all(item, group, facts, choice) for group in sentences]
        broken = [r for r in judged if r[0] is False]
        if broken:
            return broken[0]
        if all(r[0] is True for r in judged):
            return True, "; ".join(r[1] for r in judged)
        return None, ""
    results = _with_examples_folded(text, [(c, constraint_holds(c, facts)) for c in constraints])
    results = _shared_high_limit_folded(_high_pressure_folded(text, results))
    # An exclusion's term and its examples alone are a choice among them, as "or" makes one.
    examples_only = item.kind == "exclusion" and len(results) == 1 < len(constraints)
    constraints = [c for c, _ in results]
    if _only_a_womans(text, results, facts):
        return False, f"your details do not match {_describe(constraints[0], facts)}"
    any_of = examples_only or (
        len(constraints) > 1
        # "no history of hypertension or diabetes": neither, not one of them.
        and not all(c.op == "absent" for c in constraints)
        and ((choice and _a_bare_list(text, constraints)) or _offers_a_choice(item, constraints))
    )
    subject = _subject_of_a_choice(text, constraints) if any_of else []
    if subject:
        # "Male over the age of 60 who has sustained a hip or spine fracture": the person
        # named must be so, and then the choice must hold.
        head = [(c, r) for c, r in results if c in subject]
        failed = [c for c, r in head if r is False]
        if failed:
            return False, f"your details do not match {_describe(failed[0], facts)}"
        value, reason = _holds_all(
            item, [c for c in constraints if c not in subject], facts, choice
        )
        if value is False or (value and all(r is True for _, r in head)):
            return value, reason
        return None, ""
    if any_of:
        hit = [c for c, r in results if r is True]
        results_only = _two_tests_either(text, constraints)
        # An inclusion whose words are not all read is met by a condition of its choice, not
        # by an age or a treatment that only stands beside the choice ("aged >= 1 year with
        # persistent diarrhoea ... and/or children with abdominal pain", "NSCLC not amenable to
        # treatment with a curative aim (e.g. surgery or radiation)").
        decisive = [
            c
            for c in hit
            if (
                covered
                or results_only
                or item.kind == "exclusion"
                or c.concept in _HEAD_CONCEPTS
                or c.concept in _CONDITION_LIKE
            )
            and not _state_of_a_condition(text, c, constraints)
        ]
        if decisive:
            return True, f"your details match {_describe(decisive[0], facts)}"
        if (covered or results_only) and all(r is False for _, r in results):
            return False, "your details match none of " + "; ".join(
                _describe(c, facts) for c in constraints
            )
        return None, ""
    expecting_or_nursing = [c for c, r in results if r is True and c.concept in _REPRODUCTIVE]
    if (
        item.kind == "exclusion"
        and expecting_or_nursing
        and len({c.concept for c in constraints}) > 1
        and all(c.concept in _REPRODUCTIVE for c in constraints)
    ):
        # "Pregnant and lactating women": either state rules a woman out.
        return True, f"your details match {_describe(expecting_or_nursing[0], facts)}"
    failed = [c for c, r in results if r is False]
    if failed and not covered and any(_or_around(text, c.span) for c in failed):
        failed = []  # "pregnant or who gave birth within 6 hours": the other case may hold
    if failed:
        return False, f"your details do not match {_describe(failed[0], facts)}"
    if not covered and item.kind == "exclusion":
        listed = _listed_alone(text, [c for c, r in results if r is True])
        if listed is not None:
            return True, f"your details match {_describe(listed, facts)}"
    if not covered and item.kind == "exclusion":
        case = _case_of_a_category(text, results)
        if case is not None:
            return True, f"your details match {_describe(case, facts)}"
    if not covered and len(results) == 1 and results[0][1] is True:
        c = results[0][0]
        medicine = _treated_with_medication(text, c, facts)
        if medicine is not None:
            return True, f"your details match {_describe(c, facts)}, treated with {medicine}"
        if c.concept in ("measurement", "age") and _or_around(text, c.span):
            # "morbidly obese (defined as a body mass index >40, or weighs more than 100 lbs
            # over ideal body weight)", "(... or having a BMI >39)": a limit met is one choice
            # of the line met, as is an age ("skeletally immature (<18 years of age or no
            # radiographic evidence of epiphyseal closure)").
            return True, f"your details match {_describe(c, facts)}"
        # "Patients with cirrhosis or those with biliary obstruction", "Tuberculosis, mycosis, or
        # viral disease": the line's head is one choice of it, and that one holds.
        if (
            (
                c.concept in _HEAD_CONCEPTS
                # "history of steroids or alcohol use": a medicine, where a surgery or a therapy
                # may be limited to a part of the body after the choice ("surgery or algological
                # procedure of the lumbar region")
                or (item.kind == "exclusion" and c.concept == "drug" and c.op == "present")
            )
            and _HEAD.fullmatch(text, 0, max(0, c.span[0]))
            and _or_around(text, c.span)
        ):
            return True, f"your details match {_describe(c, facts)}"
    if covered and all(r is True for _, r in results):
        return True, "your details match " + "; ".join(_describe(c, facts) for c in constraints)
    return None, ""


_MAY_LIST_EXAMPLES = re.compile(r"[(\[]|\bincluding\b|\bsuch\s+as\b|\be\.g\b", re.I)
# ", including schizophrenia and schizoaffective disorder": examples listed without brackets, to
# the end of the clause.
_EXAMPLES_LISTED = re.compile(
    r"\s*,?\s*(?:including|such\s+as|e\.g\.?,?)\s*(?:but\s+not\s+limited\s+to)?\s*:?\s*", re.I
)
_CLAUSE_STOP = re.compile(r"[.;]\s")


# "Cord compression, Pregnancy, Hypertension, Cardiovascular disease, Joint hyper mobility":
# a line that only lists things, each of which rules people out.
_BARE_LIST = re.compile(
    r"\s*(?:\d{1,2}[.)]\s*)?(?:(?:a\s+)?history\s+of:?\s+)?(?:[\w'/-]+(?:\s+[\w'/-]+){0,3}\s*,\s*)+"
    r"(?:(?:and|or|and/or)\s+)?[\w'/-]+(?:\s+[\w'/-]+){0,3}\s*[.;]?\s*",
    re.I,
)
_LIST_ITEM = re.compile(r"[^,;.]+")
_ITEM_LEAD = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s*)?(?:(?:a\s+)?history\s+of:?\s+)?(?:and/or|and|or)?\s*", re.I
)


def _listed_alone(text: str, held: list[Constraint]) -> Constraint | None:
    """The first of ``held`` that is a whole item of a line that only lists things."""
    if not held or _BARE_LIST.fullmatch(text) is None:
        return None
    items = set()
    for m in _LIST_ITEM.finditer(text):
        words = _ITEM_LEAD.sub("", m.group(0), count=1).strip()
        if words:
            items.add(words.lower())
    for c in held:
        if text[c.span[0] : c.span[1]].strip().lower() in items:
            return c
    return None


# What may stand before the condition a line is about.
_HEAD = re.compile(
    r"\s*(?:\d{1,2}[.)]\s*)?(?:(?:a|an|any|the|being|known|active|current(?:ly)?|history\s+of|presence\s+of|"
    r"(?:known|confirmed|documented|diagnosis)\s+or\s+(?:suspected|suspicion\s+of)|"
    r"diagnosis\s+of|evidence\s+of|(?:patients?|subjects?|participants?)\s+(?:with|who\s+(?:are|is|"
    r"have|has)))\s+)*(?:[\w-]+\s+(?:and/)?or\s+)?",
    re.I,
)
_HEAD_CONCEPTS = frozenset({"condition", "pregnancy", "breastfeeding"})
# "Diabetes mellitus requiring medication", "Patients with the diagnosis of hypothyroidism that
# require thyroid replacement therapy": all the line adds to the condition is that it is treated
# with medicines.
_NEEDS_MEDICATION = re.compile(
    r"\s*,?\s*(?:(?:that|which|who)\s+)?(?:requir(?:e|es|ed|ing)|needing|treated\s+with)\s+"
    r"(?:(?:daily|regular|chronic|ongoing|current|continuous|pharmacological|drug|medical|"
    r"thyroid|replacement)\s+)*(?:medications?|medicines?|drugs?|treatment|therapy|"
    r"pharmacotherapy)\s*[.;,]?\s*",
    re.I,
)


def _treated_with_medication(text: str, c: Constraint, facts: Mapping[str, Any]) -> str | None:
    """The medicine the person takes for ``c`` when the line asks for ``c`` requiring
    medication and nothing more; None when no medicine of theirs is known to treat it."""
    known = rules.treatments().get(c.name)
    if (
        known is None
        or not _NEEDS_MEDICATION.fullmatch(text, c.span[1])
        or not _HEAD.fullmatch(text, 0, c.span[0])
    ):
        return None
    drugs, endings = known
    for event in facts.get("events") or []:
        if isinstance(event, Mapping) and event.get("active") is not False:
            name = _norm(str(event.get("name", "")))
            if name in drugs or (endings and name.endswith(endings)):
                return name
    return None


_DISEASE_STATES = frozenset({"relapse", "relapsed or refractory disease"})
_STATE_WORDS = re.compile(
    r"(?:[\s,/]|\b(?:or|and|locally|advanced|metastatic|recurrent|refractory|unresectable|"
    r"progressive|persistent)\b)*",
    re.I,
)


_AND = re.compile(r"\band\b", re.I)


def _two_tests_either(text: str, constraints: list[Constraint]) -> bool:
    """Whether the line offers a choice of two tests' results ("Serum creatinine ≤1.5×ULN or
    calculated creatinine clearance ≥45 mL/min"), which decides it whatever words stand beside
    them; not one test's two limits ("platelets ≥100,000 or ≥50,000 if marrow is involved")."""
    if len(constraints) != 2 or any(c.concept != "measurement" for c in constraints):
        return False
    first, second = constraints
    between = text[first.span[1] : second.span[0]]
    return (
        first.name != second.name
        and rules.EITHER.search(between) is not None
        and _AND.search(between) is None
    )


def _only_a_womans(
    text: str, results: list[tuple[Constraint, bool | None]], facts: Mapping[str, Any]
) -> bool:
    """Whether a line asks a man only what no man is: pregnant or breastfeeding, now or planned
    ("Nursing mothers or women who are pregnant or plan to become pregnant during the time of
    the study"), or, on a line that names childbearing potential or women alone, without
    contraception ("Pregnant or lactating women, or women of childbearing age not using an
    acceptable method of contraception")."""
    if facts.get("sex") != "male" or not results:
        return False
    if not all(
        c.concept in _REPRODUCTIVE and (r is False or (r is None and c.qualifier == "planned"))
        for c, r in results
    ):
        return False
    # A number spelt out is a time like one in digits ("in the next three (3) years").
    words = {w.lower() for w in _WORDS.findall(text)} - rules.pregnancy_plan_words()
    words -= rules.NUMBER_WORDS.keys()
    return not words or (
        words <= rules.childbearing_words()
        and (
            _CHILDBEARING.search(text) is not None
            or (_FEMALE.search(text) is not None and _ANYONE.search(text) is None)
        )
    )


def _state_of_a_condition(text: str, c: Constraint, constraints: list[Constraint]) -> bool:
    """Whether ``c`` is the state of the condition named right after it ("stage III or IV
    non-small cell lung cancer ..., locally advanced or relapsed or metastatic non-small cell
    lung cancer"): a relapse of another disease does not meet it."""
    if c.name not in _DISEASE_STATES:
        return False
    at = _STATE_WORDS.match(text, c.span[1])
    start = at.end() if at else c.span[1]
    following = text[start:].lower()
    return any(
        d.concept == "condition"
        and d.name not in _DISEASE_STATES
        and (d.span[0] == start or following.startswith(text[d.span[0] : d.span[1]].lower()))
        for d in constraints
    )


_REPRODUCTIVE = frozenset({"pregnancy", "breastfeeding"})
# The words of a line that asks only about a pregnancy, now or planned ("Pregnant or planning
# to become pregnant during the course of the trial"); one of any other ("Contraindication for
# an MRI scan (e.g. ... pregnancy)", "or father children") keeps it open for a man.
_WORDS = re.compile(r"[^\W\d_]+")
_CHILDBEARING = re.compile(r"\bchild-?\s?bearing\b", re.I)
# Words for people who may be men ("fertile patients ... unwilling to take effective
# contraceptive measures").
_ANYONE = re.compile(
    r"\b(?:patients?|subjects?|participants?|those|persons?|individuals?|people|fertile|"
    r"anyone|couples?)\b",
    re.I,
)
# "neurological disorder such as stroke or spinal cord injury", "(ex. Obstructive sleep apnea,
# ...)": the cases of a category of conditions the line names in words the engine does not read.
_CASES_OPEN = re.compile(
    r"(?:\bsuch\s+as|\be\.\s?g\.?|\bex\.|\bfor\s+example|\bincluding(?:,?\s+but\s+not\s+"
    r"limited\s+to)?)\s*[,:]?\s*",
    re.I,
)
_CATEGORY = re.compile(
    r"\b(?:diseases?|disorders?|conditions?|illness(?:es)?|patholog(?:y|ies)|diagnos[ie]s|"
    r"co-?morbidit(?:y|ies))\s*(?:other\s+than\s+[\w\s'-]+?\s*)?[(,:]?\s*$",
    re.I,
)
# The category's own degree or cause ("not under stable control", "untreated", "serious",
# "neuropathy ... from diabetes"): its cases hold only in part.
_CATEGORY_QUALIFIED = re.compile(
    r"\b(?:uncontroll\w*|not\s+(?:under\s+)?(?:stable\s+)?control\w*|unstable|untreated|severe|"
    r"serious|significant|symptomatic|poorly|inabilit\w*|unable|active|acute|uncompensated|"
    r"clinically|impair\w*|interfere\w*|affect\w*|preclude\w*|contraindicat\w*|from)\b",
    re.I,
)


def _case_of_a_category(
    text: str, results: list[tuple[Constraint, bool | None]]
) -> Constraint | None:
    """A condition that holds among the cases a line lists after "such as" (or "e.g.",
    "including") for a category of conditions it names in words nothing was read from, with no
    degree or cause of its own ("metabolic disease such as diabetes mellitus")."""
    if not results:
        return None
    first = min(c.span[0] for c, _ in results)
    opener = None
    for m in _CASES_OPEN.finditer(text, 0, first):
        opener = m
    if (
        opener is None
        or _CLAUSE_STOP.search(text, opener.end(), first)
        or not _CATEGORY.search(text, 0, opener.start())
        or _CATEGORY_QUALIFIED.search(text, 0, opener.start())
    ):
        return None
    for c, held in results:
        if held is True and c.concept == "condition" and c.qualifier != "specific":
            return c
    return None


def _with_examples_folded(
    text: str, results: list[tuple[Constraint, bool | None]]
) -> list[tuple[Constraint, bool | None]]:
    """A term and the examples after it as one: any of them holding is the term holding
    ("Known autoimmune disease (e.g., systemic lupus erythematosus)", "Lifetime diagnosis of a
    psychotic disorder, including schizophrenia and schizoaffective disorder")."""
    if len(results) < 2 or not _MAY_LIST_EXAMPLES.search(text):
        return results  # no brackets, no examples: most lines
    constraints = [c for c, _ in results]
    folded: list[tuple[Constraint, bool | None]] = []
    i = 0
    while i < len(results):
        group = results[i : i + 1 + _examples_after(text, constraints, i)]
        i += len(group)
        hit = [x for x in group if x[1] is True]
        if hit:
            folded.append(hit[0])
        else:
            head = group[0][0]
            folded.append((head, False if all(v is False for _, v in group) else None))
    return folded


_PUNCTUATION_ONLY = re.compile(r"[\s,;]*")


def _high_pressure_folded(
    text: str, results: list[tuple[Constraint, bool | None]]
) -> list[tuple[Constraint, bool | None]]:
    """A high blood pressure's two limits, in one reading ("> 170/100 mm of Hg") or listed
    ("systolic > 140 mmHg, diastolic > 90 mmHg"), as one met by either pressure past its limit;
    words between them say how they join ("SBP > 160 mmHg and DBP > 100 mmHg", "systolic > 150
    mmHg and/or diastolic > 100 mmHg"), as they do any two limits."""
    pair = high_pressure_limits([c for c, _ in results])
    if pair is None:
        return results
    (systolic, first), (diastolic, second) = (results[i] for i in pair)
    between = (systolic.span[1], max(systolic.span[1], diastolic.span[0]))
    if not _PUNCTUATION_ONLY.fullmatch(text, *between):
        return results
    if True in (first, second):
        held: bool | None = True
        kept = systolic if first is True else diastolic
    else:
        held = False if (first, second) == (False, False) else None
        kept = systolic
    # The one limit spans both, so that what stands after them ("..., or hypertensive
    # emergencies") is still read as after it.
    both = replace(kept, span=(systolic.span[0], max(systolic.span[1], diastolic.span[1])))
    return [
        (both, held) if i == pair[0] else (c, r) for i, (c, r) in enumerate(results) if i != pair[1]
    ]


def _shared_high_limit_folded(
    results: list[tuple[Constraint, bool | None]],
) -> list[tuple[Constraint, bool | None]]:
    """Results listed under one limit from below ("AST/ALT > 3 x ULN", "AST (SGOT) / ALT
    (SGPT) > 3 x ULN": their limits end where the one written does) as one, met by any of
    them past it; a shared limit from above ("AST/ALT ≤ 2.5 x ULN") all must meet, as any
    limits do."""
    groups: dict[tuple[int, str, str | None], list[int]] = {}
    for i, (c, _) in enumerate(results):
        if c.concept == "measurement" and c.op in _LOWER_BOUNDS and c.name not in BLOOD_PRESSURES:
            groups.setdefault((c.span[1], c.op, c.unit), []).append(i)
    shared = [g for g in groups.values() if len({results[i][0].name for i in g}) > 1]
    if not shared:
        return results
    folded: dict[int, tuple[Constraint, bool | None]] = {}
    dropped: set[int] = set()
    for group in shared:
        values = [results[i][1] for i in group]
        held = True if True in values else (False if all(v is False for v in values) else None)
        kept = results[group[values.index(True)] if True in values else group[0]][0]
        start = min(results[i][0].span[0] for i in group)
        folded[group[0]] = (replace(kept, span=(start, kept.span[1])), held)
        dropped.update(group[1:])
    return [folded.get(i, x) for i, x in enumerate(results) if i not in dropped]


def _examples_after(text: str, constraints: list[Constraint], i: int) -> int:
    """How many of the constraints after the ``i``-th stand in brackets as its examples."""
    head = constraints[i]
    if i + 1 == len(constraints):
        return 0
    opens = rules.EXAMPLES_OPEN.match(text, head.span[1], constraints[i + 1].span[0])
    if opens is not None and opens.end() == constraints[i + 1].span[0]:
        closes = text.find(")", opens.end())
        end = closes if closes >= 0 else len(text)
    else:
        opens = _EXAMPLES_LISTED.match(text, head.span[1], constraints[i + 1].span[0])
        if opens is None or opens.end() != constraints[i + 1].span[0]:
            return 0
        stop = _CLAUSE_STOP.search(text, opens.end())
        end = stop.start() if stop else len(text)
    members = [c for c in constraints[i + 1 :] if c.span[0] < end]
    if (
        # "failed conservative treatment (e.g. NSAIDs, ...) for at least 6 months": the examples
        # do not carry the term's time.
        any(c.op != "present" for c in [head, *members])
        # "Small cell lung cancer (including mixed small cell lung cancer and non-small cell
        # lung cancer)": a case of the term itself, not other kinds.
        or any(c.name == head.name for c in members)
        or rules.MIXED.search(text, opens.end(), end)
    ):
        return 0
    return len(members)


# Who a line speaks to, before "who"/"with" and the choice it then offers.
_RELATIVE = re.compile(r"\b(?:who|whom|that|with|having)\b", re.I)
_PERSON = frozenset({"age", "sex"})


def _subject_of_a_choice(text: str, constraints: list[Constraint]) -> list[Constraint]:
    """The age and sex constraints that name the person before a relative clause holding the
    line's "or" ("Male over the age of 60 who has ... hip or spine fracture"); else []."""
    head = []
    for c in constraints:
        if c.concept not in _PERSON:
            break
        head.append(c)
    if not head or len(head) == len(constraints):
        return []
    relative = _RELATIVE.search(text, head[-1].span[1], constraints[len(head)].span[0])
    if relative is None or rules.EITHER.search(text, head[0].span[0], relative.start()):
        return []
    return head


def _combine(logic: str, values: list[bool | None], needed: int = 1) -> bool | None:
    """``needed`` of the values must hold when any may ("at least two of the following")."""
    if logic == "any":
        held = sum(1 for v in values if v is True)
        if held >= needed:
            return True
        undecided = sum(1 for v in values if v is None)
        return False if values and held + undecided < needed else None
    if any(v is False for v in values):
        return False
    return True if values and all(v is True for v in values) else None


def _outcome(item: Criterion, applies: bool | None) -> CriterionOutcome:
    if applies is None:
        return "unknown"
    if item.kind == "exclusion":
        return "not_met" if applies else "met"
    return "met" if applies else "not_met"


def evaluate(
    parsed: ParsedCriteria,
    answers: Mapping[str, str] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Verdict:
    """Judge every criterion from answers (first) and facts, then the trial as a whole.

    ``answers`` maps criterion ids to "yes" / "no" / "not_sure" ("yes" means the criterion
    describes the person, for exclusions too); unknown ids or values raise ``AnswerError``.
    ``facts`` keys: age (years), sex, ecog / karnofsky / lansky, nyha, pregnant, breastfeeding,
    measurements {name: (value, unit)}, events [{name, date | active, since, route}] (since:
    when it began; route: how a drug is given, "inhaled", "topical", ...), events_complete
    (no event missing from ``events``), events_absent (names the person denies),
    lines_of_therapy, start_date (ISO date windows count from).
    """
    answers = dict(answers or {})
    facts = dict(facts or {})
    check_answers(parsed, answers)
    by_id = {item.id: item for item in parsed.items}
    results: dict[str, CriterionVerdict] = {}
    applies: dict[str, bool | None] = {}
    cohorts: list[set[str]] = []  # the groups' lines, found once, when first needed
    # Whether the person is in the group each section is addressed to ("... for participant
    # with T2D"), judged once per section.
    membership: dict[str | None, bool | None] = {
        item.section: constraint_holds(item.group, facts)
        for item in parsed.items
        if item.section is not None and item.group is not None
    }

    def for_another_group(item: Criterion) -> bool:
        if item.kind != "inclusion" or item.parent is not None:
            return False
        if not cohorts:
            cohorts.append(_cohort_lines(parsed))
        return item.id in cohorts[0]

    def set_aside(item: Criterion, why: str) -> None:
        """Every line below ``item`` does not apply, for the reason ``why`` (a clause)."""
        for below in _descendants(parsed, item.id):
            results[below.id] = CriterionVerdict(
                below.id, "not_applicable", why[:1].upper() + why[1:] + "."
            )
            applies[below.id] = None

    def judge(item: Criterion, under_both_sexes: bool = False, choice: bool = False) -> bool | None:
        children = parsed.children_of(item.id)
        answer = answers.get(item.id)
        value: bool | None = None
        reason = ""
        other_group = False
        if (
            item.group is not None
            and item.parent is None
            and answer is None
            and membership.get(item.section) is False
        ):
            # "Diabetes-related for participant with T2D": a section for a group the facts show
            # the person is not in.
            reason = f"this applies to participants {_group_words(item.group)} only"
            other_group = True
            set_aside(item, reason)
            children = []
        if children and item.kind == "exclusion" and rules.is_exception(item.text):
            # The items of an exception ("... are permitted provided that they meet the
            # following conditions:") are its terms: none rules anyone out.
            set_aside(item, "a term of an exception; it rules nobody out")
            children = []
        if children and answer is None and not other_group:
            _, only_for, other_group = _applies_from_facts(item, facts, under_both_sexes)
            if other_group:
                # "Women of childbearing potential must use one of: ..." speaks, with all its
                # items, to a group the person is not in.
                reason = only_for
                set_aside(item, reason)
                children = []
        if children:
            both = _speaks_to_both_sexes(item)
            child_values = [judge(child, both, item.logic == "any") for child in children]
            needed = rules.options_needed(item.text) if item.logic == "any" else 1
            value = _combine(item.logic or "all", child_values, needed)
            failed_own_terms = _own_terms_failed(item, facts) if value is not False else None
            if failed_own_terms is not None:
                # "Skeletally mature (age at least 18 years) and:", "... eligible to participate
                # if she is not pregnant, not breastfeeding, and at least one of the following":
                # the age and the absences the line itself states must hold too.
                value, reason = False, failed_own_terms
            elif value and _unread_limit(item):
                # "≥27.0 kg/m² and presence of at least 1 of the following comorbidities:": a
                # comorbidity alone does not meet the line, whose own limit may not hold.
                value = None
            if value is not None and not reason:
                yes = [c.id for c, v in zip(children, child_values, strict=True) if v]
                if item.logic == "any" and needed > 1:
                    reason = (
                        f"at least {needed} listed items apply ({', '.join(yes)})"
                        if value
                        else f"fewer than {needed} of the listed items can apply"
                    )
                elif item.logic == "any":
                    reason = (
                        f"at least one listed item applies ({', '.join(yes)})"
                        if value
                        else "none of the listed items applies"
                    )
                else:
                    reason = "all listed items apply" if value else "not every listed item applies"
        if value is None and answer in ("yes", "no"):
            value = answer == "yes"
            reason = f"you answered {answer}"
        elif value is None and answer == "not_sure":
            reason = "you were not sure; the study team can check this"
        if value is None and answer is None and not children and not other_group:
            value, reason, other_group = _applies_from_facts(item, facts, under_both_sexes, choice)
        if value is False and item.option_of is not None and not children and not other_group:
            # Where the flattened list of the lead-in above ends is not marked: this line may
            # be one of its choices, which another choice can stand in for.
            value = None
            reason += f"; it may be one of the choices listed under {item.option_of}"
        if other_group:
            # Not the person's group: an inclusion for it rules nobody out, but under a line
            # that speaks to both sexes it does not decide that line either.
            value = None if under_both_sexes else item.kind == "inclusion"
        if value is None and not reason:
            reason = "not answered yet"
        outcome: CriterionOutcome = "not_applicable" if other_group else _outcome(item, value)
        if value is False and for_another_group(item):
            outcome = "not_applicable"
            reason += "; this line describes another group of the study"
        elif value is False and item.kind == "inclusion" and rules.is_permissive(item.text):
            # "Patients with brain metastases are allowed provided they are stable ..." under a
            # lead-in whose every line must hold: it rules nobody out there either.
            outcome = "not_applicable"
            reason += "; this line only widens who can take part"
            value = None
        elif item.kind == "exclusion" and rules.is_exception(item.text):
            # An exception to the exclusions ("... are permitted provided that ..."): whether
            # it applies or not, or is not known, it rules nobody out, and it decides nothing
            # for the line above it.
            outcome = "not_applicable"
            reason += "; this line is an exception that only widens who can take part"
            value = None
        if item.kind == "exclusion" and value is not None and not other_group:
            reason += "; this rules people out" if value else "; this does not rule you out"
        results[item.id] = CriterionVerdict(item.id, outcome, reason[:1].upper() + reason[1:] + ".")
        applies[item.id] = value
        return value

    for item in parsed.top_level():
        judge(item)
    ordered: list[CriterionVerdict] = []
    for item in parsed.items:
        if item.id in results:
            ordered.append(results[item.id])
        else:
            why = (
                "A definition, shown to explain another criterion."
                if item.role == "definition"
                else "Shown for information; not asked."
            )
            if item.role == "criterion":
                why = "Not reached."
            ordered.append(
                CriterionVerdict(
                    item.id, "not_applicable" if item.role != "criterion" else "unknown", why
                )
            )
    in_group = {item.id for item in parsed.items if membership.get(item.section) is True}
    return _trial_verdict(parsed, ordered, by_id, in_group)


_MUST_NOT = frozenset({"absent", "not_within"})


def _own_terms_failed(item: Criterion, facts: Mapping[str, Any]) -> str | None:
    """Why an inclusion over a list of lines rules the person out by its own age limit, or by
    something it says must be absent ("Blood routine examination criteria (no blood
    transfusion ... within 14 days ...):"), if it does."""
    if item.kind != "inclusion":
        return None
    for c in item.constraints:
        if (c.concept == "age" or c.op in _MUST_NOT) and constraint_holds(c, facts) is False:
            return f"your details do not match {_describe(c)}"
    return None


_LIMIT = re.compile(r"[≥≤<>]=?\s*\d")


def _unread_limit(item: Criterion) -> bool:
    """Whether an inclusion over a list of lines sets a limit of its own that no constraint of
    it reads ("≥27.0 kg/m² and ...", its measurement named on the line above)."""
    return item.kind == "inclusion" and any(
        not any(c.span[0] <= m.start() < c.span[1] for c in item.constraints)
        for m in _LIMIT.finditer(item.text)
    )


def _group_words(group: Constraint) -> str:
    kind = f"{group.qualifier} " if group.qualifier in DIABETES_TYPES else ""
    return f"{'with' if group.op == 'present' else 'without'} {kind}{group.name}"


def _cohort_lines(parsed: ParsedCriteria) -> set[str]:
    """Top-level inclusions that describe groups of the study, alike but for one term one has
    and the other has not ("COPD, smoker" and "COPD, non smoker"): a person fails all but their
    own."""
    signs = {
        item.id: {
            (c.concept, c.name, c.op)
            for c in item.constraints
            if c.op in _EITHER_SIGN and c.qualifier != "specific"
        }
        for item in parsed.top_level()
        if item.kind == "inclusion"
    }
    found: set[str] = set()
    for a, mine in signs.items():
        for b, theirs in signs.items():
            if a == b or not (mine & theirs):
                continue
            mine_only, theirs_only = mine - theirs, theirs - mine
            if len(mine_only) == len(theirs_only) == 1:
                (concept, name, op), other = next(iter(mine_only)), next(iter(theirs_only))
                if other == (concept, name, _EITHER_SIGN[op]):
                    found.update((a, b))
    return found


_EITHER_SIGN = {"present": "absent", "absent": "present"}


def _descendants(parsed: ParsedCriteria, item_id: str) -> list[Criterion]:
    below = parsed.children_of(item_id)
    return below + [d for child in below for d in _descendants(parsed, child.id)]


def _label(item: Criterion) -> str:
    text = item.text if len(item.text) <= 80 else item.text[:77].rstrip() + "…"
    return f"{item.id} ({text})"


def _fails_every_group(parsed: ParsedCriteria, failed: list[Criterion]) -> bool:
    """Whether the criteria address two or more groups of the study and a line of each fails."""
    groups = {_norm(item.section) for item in parsed.top_level() if item.section}
    return len(groups) >= 2 and groups == {_norm(item.section or "") for item in failed}


def _trial_verdict(
    parsed: ParsedCriteria,
    criteria: list[CriterionVerdict],
    by_id: Mapping[str, Criterion],
    in_group: set[str],
) -> Verdict:
    """The trial's verdict; a line under a section for one part or group of the study fails
    the person outright only when the facts put them in that group (``in_group``)."""
    top = {item.id for item in parsed.top_level()}
    failing = [c for c in criteria if c.id in top and c.verdict == "not_met"]
    hard = [c for c in failing if not by_id[c.id].section or c.id in in_group]
    scoped = [c for c in failing if by_id[c.id].section and c.id not in in_group]
    if scoped and _fails_every_group(parsed, [by_id[c.id] for c in scoped]):
        # "AD group", "Non AD demented group", "control group", each aged ≥ 40 or more: a
        # person who fails a line of every group is in none of them.
        hard, scoped = hard + scoped, []
    unknown = [c for c in criteria if c.id in top and c.verdict == "unknown"]
    if not top:
        return Verdict(
            "needs_review", "There are no criteria to check; the study team decides.", criteria
        )
    if hard:
        because = "; ".join(f"{_label(by_id[c.id])}: {c.reason.rstrip('.').lower()}" for c in hard)
        return Verdict(
            "likely_not_eligible",
            f"likely not eligible — because {because}",
            criteria,
            [c.id for c in scoped],
        )
    if unknown or scoped:
        ids = [c.id for c in unknown] + [c.id for c in scoped]
        explanation = f"some answers need the study team: {', '.join(ids)}"
        if scoped:
            explanation += " (criteria that apply to one part or group of the study only)"
        return Verdict("needs_review", explanation, criteria, [c.id for c in scoped])
    return Verdict(
        "likely_eligible",
        f"likely eligible — all {len(top)} criteria fit your answers; the study team makes the"
        f" final decision",
        criteria,
    )
