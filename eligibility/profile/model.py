"""The patient profile: one structured description of a patient, whatever the source.

JSON, free text and FHIR readers all produce a ``Profile``; matching reads it through
``to_facts()`` (the eligibility engine's facts) and ``search_text()`` (retrieval).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eligibility import rules
from eligibility.profile import lexicon
from eligibility.profile.errors import ProfileError, join_path
from eligibility.profile.units import Normalised, find_lab, normalise

Sex = Literal["female", "male", "other", "unknown"]
ConditionStatus = Literal["active", "resolved", "history", "absent"]
TreatmentKind = Literal[
    "drug",
    "procedure",
    "radiation",
    "transplant",
    "chemotherapy",
    "immunotherapy",
    "targeted therapy",
    "hormonal therapy",
    "cell therapy",
    "therapy",
]
TreatmentStatus = Literal["completed", "ongoing", "absent"]
MedicationStatus = Literal["active", "stopped", "absent"]
# How a drug is given; the local ones ("inhaled" steroids) may not count where a trial means
# the drug taken by mouth or vein.
Route = Literal[
    "oral", "intravenous", "subcutaneous", "intramuscular", "inhaled", "topical", "nasal", "eye"
]
Source = Literal["json", "text", "fhir"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Location(_Strict):
    """Where the patient lives: coordinates, or a postcode / city to geocode later."""

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    postcode: str | None = None
    city: str | None = None
    country: str | None = None

    @model_validator(mode="after")
    def _pair(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class Condition(_Strict):
    name: str = Field(min_length=1)
    code: str | None = None
    system: str | None = None
    stage: str | None = None
    status: ConditionStatus = "active"
    onset: dt.date | None = None
    diagnosed: dt.date | None = None

    @property
    def date(self) -> dt.date | None:
        return self.onset or self.diagnosed


class Treatment(_Strict):
    """A treatment the patient had (or is having): drug, regimen, procedure, transplant."""

    name: str = Field(min_length=1)
    kind: TreatmentKind = "therapy"
    code: str | None = None
    system: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: TreatmentStatus = "completed"
    line: int | None = Field(default=None, ge=1, le=20)
    route: Route | None = None

    @model_validator(mode="after")
    def _order(self) -> Treatment:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end is before start")
        return self

    @property
    def date(self) -> dt.date | None:
        return self.end or self.start


class Medication(_Strict):
    name: str = Field(min_length=1)
    code: str | None = None
    system: str | None = None
    dose: str | None = None
    start: dt.date | None = None
    status: MedicationStatus = "active"
    route: Route | None = None


class Lab(_Strict):
    """A lab value or measurement as given; ``normalised()`` brings it to the table's unit."""

    name: str = Field(min_length=1)
    value: float
    unit: str | None = None
    date: dt.date | None = None
    code: str | None = None

    def normalised(self) -> Normalised:
        return normalise(self.name, self.value, self.unit, self.code)


class Performance(_Strict):
    """Performance status on the scale it was measured on; the others are estimated. ``nyha``
    is the functional class of heart failure (1 to 4), a scale of its own."""

    ecog: int | None = Field(default=None, ge=0, le=5)
    karnofsky: int | None = Field(default=None, ge=0, le=100, multiple_of=10)
    lansky: int | None = Field(default=None, ge=0, le=100, multiple_of=10)
    nyha: int | None = Field(default=None, ge=1, le=4)

    def ecog_estimate(self) -> int | None:
        """ECOG grade, measured or read from the Karnofsky (or Lansky) score."""
        if self.ecog is not None:
            return self.ecog
        score = self.karnofsky if self.karnofsky is not None else self.lansky
        if score is None:
            return None
        for grade, (low, high) in rules.performance_table()["ecog_to_karnofsky"].items():
            if low <= score <= high:
                return int(grade)
        return None

    def karnofsky_range(self) -> tuple[int, int] | None:
        """Karnofsky score as a range: exact when measured, the ECOG grade's band otherwise."""
        if self.karnofsky is not None:
            return self.karnofsky, self.karnofsky
        if self.ecog is None:
            return None
        low, high = rules.performance_table()["ecog_to_karnofsky"][str(self.ecog)]
        return int(low), int(high)


class Profile(_Strict):
    """Everything known about one patient, dated relative to ``as_of``.

    ``history_complete`` says the conditions and treatments listed are all there are, so
    the engine may read anything unlisted as absent.
    """

    id: str | None = None
    as_of: dt.date = Field(default_factory=dt.date.today)
    age: float | None = Field(default=None, ge=0, le=130)
    birth_date: dt.date | None = None
    sex: Sex | None = None
    location: Location | None = None
    conditions: list[Condition] = Field(default_factory=list)
    treatments: list[Treatment] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    labs: list[Lab] = Field(default_factory=list)
    performance: Performance = Field(default_factory=Performance)
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    healthy: bool | None = None
    history: str = ""
    history_complete: bool = False
    source: Source = "json"

    @model_validator(mode="after")
    def _dates(self) -> Profile:
        if self.birth_date and self.birth_date > self.as_of:
            raise ValueError("birth_date is after as_of")
        return self

    @property
    def age_years(self) -> float | None:
        """Age at ``as_of``: from the birth date when known (completed months / 12)."""
        if self.birth_date is None:
            return self.age
        b, a = self.birth_date, self.as_of
        months = (a.year - b.year) * 12 + (a.month - b.month) - (1 if a.day < b.day else 0)
        return round(max(months, 0) / 12, 2)

    def present_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.status != "absent"]

    def to_facts(self) -> dict[str, Any]:
        """The facts the eligibility engine's ``evaluate(..., facts=...)`` reads.

        Event names are the profile's own names plus their lexicon synonyms and the engine
        vocabulary terms they match, so "allogeneic hematopoietic stem cell transplant"
        also answers criteria about "allogeneic hsct" and "stem cell transplant".
        """
        facts: dict[str, Any] = {"start_date": self.as_of.isoformat()}
        age = self.age_years
        if age is not None:
            facts["age"] = age
        if self.sex in ("female", "male"):
            facts["sex"] = self.sex
        for scale in ("ecog", "karnofsky", "lansky", "nyha"):
            value = getattr(self.performance, scale)
            if value is not None:
                facts[scale] = value
        # A man is neither pregnant nor breastfeeding: "Pregnancy" as an exclusion does not
        # rule him out, rather than staying a question for the study team.
        for key, value in (("pregnant", self.pregnant), ("breastfeeding", self.breastfeeding)):
            if value is not None:
                facts[key] = value
            elif self.sex == "male":
                facts[key] = False
        # Someone with an active condition is not who "healthy volunteers" means.
        healthy = self.healthy
        if healthy is None and any(c.status == "active" for c in self.conditions):
            healthy = False
        if healthy is not None:
            facts["healthy"] = healthy
        measurements = self._measurements()
        if measurements:
            facts["measurements"] = measurements
        events, absent = self._events()
        if events:
            facts["events"] = events
        if self.history_complete:
            facts["events_complete"] = True
        if absent:
            facts["events_absent"] = sorted(absent - {e["name"] for e in events})
        lines = [t.line for t in self.treatments if t.line is not None and t.status != "absent"]
        if lines:
            facts["lines_of_therapy"] = max(lines)
        return facts

    def _measurements(self) -> dict[str, tuple[float, str | None]]:
        latest: dict[str, tuple[dt.date, tuple[float, str | None]]] = {}
        for lab in self.labs:
            n = lab.normalised()
            spec = find_lab(n.name)
            own = spec is not None and spec.distinct
            name = n.name if own else _engine_name("measurement", n.name) or n.name
            when = lab.date or dt.date.min
            if name not in latest or when >= latest[name][0]:
                latest[name] = (when, (n.value, n.unit))
        return {name: value for name, (_, value) in latest.items()}

    def _events(self) -> tuple[list[dict[str, Any]], set[str]]:
        events: list[dict[str, Any]] = []
        absent: set[str] = set()

        def add(
            names: set[str],
            active: bool,
            when: dt.date | None,
            gone: bool,
            route: Route | None,
            since: dt.date | None = None,
            over: bool = False,
        ) -> None:
            for name in sorted(names):
                if gone:
                    absent.add(name)
                    continue
                event: dict[str, Any] = {"name": name, "active": active}
                if when is not None:
                    event["date"] = when.isoformat()
                if since is not None:
                    event["since"] = since.isoformat()
                if route is not None:
                    event["route"] = route
                if over:
                    event["over"] = True
                events.append(event)

        # Something the person has also answers for the broader terms its name holds ("urinary
        # tract infection" is an infection); something denied denies only itself: "no UTI" says
        # nothing of other infections.
        for c in self.conditions:
            gone = c.status == "absent"
            text = c.name if gone else c.name + (f" {c.stage}" if c.stage else "")
            names = _names(c.name, "conditions") | _engine_names(("condition",), text, gone)
            add(names, c.status == "active", c.date, gone, None, c.date, c.status == "resolved")
        for t in self.treatments:
            gone = t.status == "absent"
            text = t.name if gone else f"{t.name} ({t.kind})"
            names = _names(t.name, "treatments") | _engine_names(
                ("procedure", "therapy", "drug"), text, gone
            )
            add(names, t.status == "ongoing", t.date, gone, t.route, t.start)
        for m in self.medications:
            gone = m.status == "absent"
            names = _names(m.name, "drugs") | _engine_names(("drug", "therapy"), m.name, gone)
            add(names, m.status == "active", m.start, gone, m.route, m.start)
        return events, absent

    def search_text(self) -> str:
        """Terms for trial retrieval: conditions first (with synonyms), then treatments."""
        terms: list[str] = []
        for c in self.present_conditions():
            terms.append(c.name)
            entry = lexicon.lookup(c.name, "conditions")
            if entry:
                terms.extend([entry.name, *entry.synonyms])
            if c.stage:
                terms.append(c.stage)
        for t in self.treatments:
            if t.status != "absent":
                terms.append(t.name)
        for m in self.medications:
            if m.status == "active":
                terms.append(m.name)
        seen: set[str] = set()
        unique = []
        for term in terms:
            if term.lower() not in seen:
                seen.add(term.lower())
                unique.append(term)
        return "; ".join(unique)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _names(name: str, group: str) -> set[str]:
    names = {_norm(name)}
    entry = lexicon.lookup(name, group)
    if entry is not None:
        names.add(_norm(entry.name))
        names.update(_norm(s) for s in entry.synonyms)
    return names - {""}


def _engine_names(concepts: tuple[str, ...], text: str, whole: bool = False) -> set[str]:
    """Names of the engine vocabulary terms of ``concepts`` that occur in ``text`` (``whole``:
    that are all of it, synonyms rather than broader terms)."""
    found = set()
    for term in rules.candidate_terms(concepts, text.lower()):
        if term.context is not None:
            continue
        if term.pattern.fullmatch(text.strip()) if whole else term.pattern.search(text):
            found.add(term.name)
    return found


def _engine_name(concept: str, name: str) -> str | None:
    """The engine term that names the same measurement as ``name``, when there is one."""
    best: tuple[int, str] | None = None
    for term in rules.vocabulary()[concept]:
        if term.name == name:
            return name
        if term.context is not None:
            continue
        m = term.pattern.search(name)
        if m and (best is None or m.end() - m.start() > best[0]):
            best = (m.end() - m.start(), term.name)
    return best[1] if best else None


_MESSAGES = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "finite_number": "expected a finite number",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date without a time",
    "date_type": "expected a date (YYYY-MM-DD)",
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_type": "expected text",
    "string_too_short": "must not be empty",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "dict_type": "expected an object",
    "list_type": "expected a list",
}


def error_from_validation(
    exc: ValidationError, prefix: list[str | int] | None = None
) -> ProfileError:
    """The first pydantic error as a ``ProfileError`` naming the field path."""
    err = exc.errors(include_url=False)[0]
    loc = [
        p
        for p in err["loc"]
        if not (isinstance(p, str) and p.startswith(("function-", "literal[")))
    ]
    kind = err["type"]
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"expected one of {expected}"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(err.get("ctx", {}).values()), "")
        if isinstance(bound, float):
            bound = f"{bound:g}"  # "at least 0", not "at least 0.0"
        word = {"greater_than_equal": "at least", "less_than_equal": "at most"}.get(kind, kind)
        message = f"must be {word} {bound}".replace("_", " ")
    elif kind == "multiple_of":
        message = f"must be a multiple of {err.get('ctx', {}).get('multiple_of')}"
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        message = _MESSAGES.get(kind, err["msg"].lower())
    path = join_path([*(prefix or []), *loc])
    return ProfileError(message, path or None)


def load_profile(data: object) -> Profile:
    """A profile from its JSON form; ``ProfileError`` names the first bad field."""
    if not isinstance(data, dict):
        raise ProfileError(f"expected a JSON object, got {type(data).__name__}")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc) from None
