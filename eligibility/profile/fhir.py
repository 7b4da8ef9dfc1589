"""A profile from a FHIR R4 Bundle, including mCODE-flavoured oncology bundles.

Reads Patient, Condition, Observation (labs, ECOG / Karnofsky, TNM stage group, pregnancy),
MedicationStatement / MedicationRequest and Procedure. Resources of other types are
skipped; a malformed field raises ``ProfileError`` naming it
(``entry[3].resource.valueQuantity.value: expected a number``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import ValidationError

from eligibility import rules
from eligibility.profile import lexicon
from eligibility.profile.errors import ProfileError
from eligibility.profile.model import (
    Condition,
    Lab,
    Location,
    Medication,
    Performance,
    Profile,
    Route,
    Treatment,
    error_from_validation,
)
from eligibility.profile.text import route_named

LOINC = "http://loinc.org"
ECOG_LOINC = "89247-1"
KARNOFSKY_LOINC = "89243-0"
NYHA_LOINC = "88020-3"
_NYHA_CLASS = re.compile(r"\b(?:class\s*)?(?P<n>IV|I{1,3}|[1-4])\b", re.I)
PREGNANCY_LOINC = "82810-3"
BREASTFEEDING_LOINC = "63895-7"
STAGE_LOINCS = {"21908-9", "21902-2"}
# LOINC answer codes of the ECOG scale (LL529-9).
ECOG_ANSWERS = {
    "LA9622-7": 0,
    "LA9623-5": 1,
    "LA9624-3": 2,
    "LA9625-0": 3,
    "LA9626-8": 4,
    "LA9627-6": 5,
}
PREGNANT = {"77386006": True, "60001007": False, "LA15173-0": True, "LA26683-5": False}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?$")


def _fail(path: str, message: str) -> ProfileError:
    return ProfileError(message, path)


def _obj(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "expected an object")
    return value


def _list(value: object, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(path, "expected a list")
    return value


def _text(value: object, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(path, "expected text")
    return value.strip() or None


def _date(value: object, path: str) -> dt.date | None:
    """A FHIR date or dateTime (year or year-month allowed) as a date."""
    if value is None:
        return None
    m = _DATE.match(value) if isinstance(value, str) else None
    if not m:
        raise _fail(path, "expected a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise _fail(path, "not a real calendar date") from None


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, "expected a number")
    return float(value)


def _route(res: dict[str, Any], path: str) -> Route | None:
    """How the drug is given: the route of the first dosage (a MedicationStatement's
    ``dosage``, a MedicationRequest's ``dosageInstruction``) that names a known one."""
    key = "dosageInstruction" if res.get("resourceType") == "MedicationRequest" else "dosage"
    for i, dosage in enumerate(_list(res.get(key), f"{path}.{key}")):
        where = f"{path}.{key}[{i}]"
        name, _, _ = _codeable(_obj(dosage, where).get("route"), f"{where}.route")
        route = route_named(name) if name else None
        if route:
            return route
    return None


def _codeable(value: object, path: str) -> tuple[str | None, str | None, str | None]:
    """(name, code, system) of a CodeableConcept: its text, else the first coding's display."""
    if value is None:
        return None, None, None
    cc = _obj(value, path)
    codings = _list(cc.get("coding"), f"{path}.coding")
    code = system = display = None
    for i, coding in enumerate(codings):
        c = _obj(coding, f"{path}.coding[{i}]")
        if code is None:
            code = _text(c.get("code"), f"{path}.coding[{i}].code")
            system = _text(c.get("system"), f"{path}.coding[{i}].system")
            display = _text(c.get("display"), f"{path}.coding[{i}].display")
    name = _text(cc.get("text"), f"{path}.text") or display or code
    return name, code, system


def _codes(value: object, path: str) -> list[tuple[str | None, str | None]]:
    if value is None:
        return []
    cc = _obj(value, path)
    out = []
    for i, coding in enumerate(_list(cc.get("coding"), f"{path}.coding")):
        c = _obj(coding, f"{path}.coding[{i}]")
        out.append(
            (
                _text(c.get("system"), f"{path}.coding[{i}].system"),
                _text(c.get("code"), f"{path}.coding[{i}].code"),
            )
        )
    return out


def _status_code(res: dict[str, Any], key: str, path: str) -> str | None:
    _, code, _ = _codeable(res.get(key), f"{path}.{key}")
    return code.lower() if code else None


def _period(res: dict[str, Any], prefix: str, path: str) -> tuple[dt.date | None, dt.date | None]:
    """Start and end from ``<prefix>DateTime`` or ``<prefix>Period``."""
    when = _date(res.get(f"{prefix}DateTime"), f"{path}.{prefix}DateTime")
    if when is not None:
        return when, when
    period = res.get(f"{prefix}Period")
    if period is None:
        return None, None
    p = _obj(period, f"{path}.{prefix}Period")
    return (
        _date(p.get("start"), f"{path}.{prefix}Period.start"),
        _date(p.get("end"), f"{path}.{prefix}Period.end"),
    )


class _Reader:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.fields: dict[str, Any] = {}
        self.conditions: list[Condition] = []
        self.treatments: list[Treatment] = []
        self.medications: list[Medication] = []
        self.labs: list[Lab] = []
        self.performance: dict[str, int] = {}
        self.stages: list[str] = []

    def patient(self, res: dict[str, Any], path: str) -> None:
        if "birth_date" in self.fields or "sex" in self.fields:
            return
        birth = _date(res.get("birthDate"), f"{path}.birthDate")
        if birth is not None:
            self.fields["birth_date"] = birth
        gender = _text(res.get("gender"), f"{path}.gender")
        if gender is not None:
            if gender not in ("male", "female", "other", "unknown"):
                raise _fail(f"{path}.gender", "expected male, female, other or unknown")
            self.fields["sex"] = gender
        addresses = _list(res.get("address"), f"{path}.address")
        if addresses:
            a = _obj(addresses[0], f"{path}.address[0]")
            location = Location(
                postcode=_text(a.get("postalCode"), f"{path}.address[0].postalCode"),
                city=_text(a.get("city"), f"{path}.address[0].city"),
                country=_text(a.get("country"), f"{path}.address[0].country"),
            )
            if location.postcode or location.city:
                self.fields["location"] = location

    def condition(self, res: dict[str, Any], path: str) -> None:
        name, code, system = _codeable(res.get("code"), f"{path}.code")
        if not name:
            raise _fail(f"{path}.code", "a Condition needs a code or text")
        verification = _status_code(res, "verificationStatus", path)
        if verification == "entered-in-error":
            return
        clinical = _status_code(res, "clinicalStatus", path)
        status = "active"
        if verification == "refuted":
            status = "absent"
        elif clinical in ("resolved", "remission", "inactive"):
            status = "resolved" if clinical == "resolved" else "history"
        onset, _ = _period(res, "onset", path)
        stage = None
        for i, s in enumerate(_list(res.get("stage"), f"{path}.stage")):
            summary, _, _ = _codeable(
                _obj(s, f"{path}.stage[{i}]").get("summary"), f"{path}.stage[{i}].summary"
            )
            stage = stage or summary
        self.conditions.append(
            Condition(
                name=name,
                code=code,
                system=system,
                stage=stage,
                status=status,  # type: ignore[arg-type]
                onset=onset,
                diagnosed=_date(res.get("recordedDate"), f"{path}.recordedDate"),
            )
        )

    def observation(self, res: dict[str, Any], path: str) -> None:
        if res.get("status") in ("entered-in-error", "cancelled"):
            return
        name, code, _ = _codeable(res.get("code"), f"{path}.code")
        loincs = {c for s, c in _codes(res.get("code"), f"{path}.code") if s == LOINC and c}
        when, _ = _period(res, "effective", path)
        if ECOG_LOINC in loincs or KARNOFSKY_LOINC in loincs:
            scale = "ecog" if ECOG_LOINC in loincs else "karnofsky"
            self.performance[scale] = self._score(res, path, scale)
            return
        if NYHA_LOINC in loincs:
            self.performance["nyha"] = self._nyha(res, path)
            return
        if PREGNANCY_LOINC in loincs or BREASTFEEDING_LOINC in loincs:
            key = "pregnant" if PREGNANCY_LOINC in loincs else "breastfeeding"
            self.fields[key] = self._yes_no(res, path)
            return
        if loincs & STAGE_LOINCS or re.search(r"tnm|stage group", name or "", re.I):
            stage, _, _ = _codeable(res.get("valueCodeableConcept"), f"{path}.valueCodeableConcept")
            if stage:
                self.stages.append(stage)
            return
        if "valueQuantity" in res:
            self._quantity(res["valueQuantity"], name, code, when, f"{path}.valueQuantity")
        for i, comp in enumerate(_list(res.get("component"), f"{path}.component")):
            c = _obj(comp, f"{path}.component[{i}]")
            cname, ccode, _ = _codeable(c.get("code"), f"{path}.component[{i}].code")
            if "valueQuantity" in c:
                self._quantity(
                    c["valueQuantity"], cname, ccode, when, f"{path}.component[{i}].valueQuantity"
                )

    def _quantity(
        self, value: object, name: str | None, code: str | None, when: dt.date | None, path: str
    ) -> None:
        q = _obj(value, path)
        number = _number(q.get("value"), f"{path}.value")
        unit = _text(q.get("unit"), f"{path}.unit") or _text(q.get("code"), f"{path}.code")
        if not name:
            raise _fail(path.rsplit(".", 1)[0] + ".code", "an Observation needs a code or text")
        self.labs.append(Lab(name=name, value=number, unit=unit, date=when, code=code))

    def _score(self, res: dict[str, Any], path: str, scale: str) -> int:
        top = 5 if scale == "ecog" else 100
        if "valueInteger" in res:
            value = res["valueInteger"]
            if isinstance(value, bool) or not isinstance(value, int):
                raise _fail(f"{path}.valueInteger", "expected a whole number")
        elif "valueQuantity" in res:
            q = _obj(res["valueQuantity"], f"{path}.valueQuantity")
            value = int(_number(q.get("value"), f"{path}.valueQuantity.value"))
        elif "valueCodeableConcept" in res:
            text, code, _ = _codeable(res["valueCodeableConcept"], f"{path}.valueCodeableConcept")
            digits = re.search(r"\d+", text or "")
            if code in ECOG_ANSWERS and scale == "ecog":
                value = ECOG_ANSWERS[code]
            elif digits:
                value = int(digits.group(0))
            else:
                raise _fail(
                    f"{path}.valueCodeableConcept", f"no {scale.upper()} score in the answer"
                )
        else:
            raise _fail(f"{path}.value[x]", f"the {scale.upper()} observation has no value")
        if not 0 <= value <= top:
            raise _fail(f"{path}.value[x]", f"{scale.upper()} must be between 0 and {top}")
        return int(value)

    def _nyha(self, res: dict[str, Any], path: str) -> int:
        """The NYHA class, as a whole number or an answer such as "Class II"."""
        if "valueInteger" in res:
            value = res["valueInteger"]
            if isinstance(value, bool) or not isinstance(value, int):
                raise _fail(f"{path}.valueInteger", "expected a whole number")
        elif "valueCodeableConcept" in res:
            text, code, _ = _codeable(res["valueCodeableConcept"], f"{path}.valueCodeableConcept")
            found = _NYHA_CLASS.search(text or "")
            if found is None:
                raise _fail(f"{path}.valueCodeableConcept", "no NYHA class in the answer")
            value = rules.class_number(found.group("n"))
        else:
            raise _fail(f"{path}.value[x]", "the NYHA observation has no value")
        if not 1 <= value <= 4:
            raise _fail(f"{path}.value[x]", "the NYHA class must be between 1 and 4")
        return int(value)

    def _yes_no(self, res: dict[str, Any], path: str) -> bool | None:
        if "valueBoolean" in res:
            value = res["valueBoolean"]
            if not isinstance(value, bool):
                raise _fail(f"{path}.valueBoolean", "expected true or false")
            return value
        text, code, _ = _codeable(res.get("valueCodeableConcept"), f"{path}.valueCodeableConcept")
        if code in PREGNANT:
            return PREGNANT[code]
        lowered = (text or "").lower()
        if re.search(r"\bnot\b|\bno\b|negative", lowered):
            return False
        if re.search(r"pregnant|breast|yes|positive", lowered):
            return True
        return None

    def medication(self, res: dict[str, Any], path: str) -> None:
        key = "medicationCodeableConcept"
        if key not in res:
            ref = _obj(res.get("medicationReference", {}), f"{path}.medicationReference")
            name = _text(ref.get("display"), f"{path}.medicationReference.display")
            code = system = None
            if not name:
                raise _fail(
                    f"{path}.{key}", "a medication needs medicationCodeableConcept or a display"
                )
        else:
            name, code, system = _codeable(res.get(key), f"{path}.{key}")
            if not name:
                raise _fail(f"{path}.{key}", "a medication needs a code or text")
        status = _text(res.get("status"), f"{path}.status") or "active"
        start, end = _period(res, "effective", path)
        start = start or _date(res.get("authoredOn"), f"{path}.authoredOn")
        route = _route(res, path)
        if status in ("not-taken", "entered-in-error", "cancelled"):
            if status == "not-taken":
                self.medications.append(
                    Medication(name=name, code=code, system=system, status="absent")
                )
            return
        if status in ("completed", "stopped") or (end is not None and end < self.as_of):
            entry = lexicon.lookup(name, "treatments")
            kind = entry.kind if entry else "drug"
            self.treatments.append(
                Treatment(
                    name=name,
                    kind=kind,  # type: ignore[arg-type]
                    code=code,
                    system=system,
                    start=start,
                    end=end,
                    route=route,
                )
            )
            return
        self.medications.append(
            Medication(name=name, code=code, system=system, start=start, route=route)
        )

    def procedure(self, res: dict[str, Any], path: str) -> None:
        name, code, system = _codeable(res.get("code"), f"{path}.code")
        if not name:
            raise _fail(f"{path}.code", "a Procedure needs a code or text")
        status = _text(res.get("status"), f"{path}.status") or "completed"
        if status == "entered-in-error":
            return
        start, end = _period(res, "performed", path)
        entry = lexicon.lookup(name, "treatments")
        kind = entry.kind if entry else "procedure"
        if re.search(r"radiation|radiotherap", name, re.I):
            kind = "radiation"
        state = {"not-done": "absent", "in-progress": "ongoing"}.get(status, "completed")
        self.treatments.append(
            Treatment(
                name=name,
                kind=kind,  # type: ignore[arg-type]
                code=code,
                system=system,
                start=start,
                end=end if state == "completed" else None,
                status=state,  # type: ignore[arg-type]
            )
        )

    def profile(self, bundle_id: str | None) -> Profile:
        if self.stages:
            cancers = [c for c in self.conditions if c.stage is None] or self.conditions
            if cancers:
                cancers[0].stage = self.stages[0]
        return Profile(
            id=bundle_id,
            as_of=self.as_of,
            conditions=self.conditions,
            treatments=self.treatments,
            medications=self.medications,
            labs=self.labs,
            performance=Performance(**self.performance),
            source="fhir",
            **self.fields,
        )


_HANDLERS = {
    "Patient": _Reader.patient,
    "Condition": _Reader.condition,
    "Observation": _Reader.observation,
    "MedicationStatement": _Reader.medication,
    "MedicationRequest": _Reader.medication,
    "Procedure": _Reader.procedure,
}


def profile_from_fhir(bundle: object, as_of: dt.date | None = None) -> Profile:
    """A profile from a FHIR R4 Bundle (JSON already parsed)."""
    if not isinstance(bundle, dict):
        raise ProfileError("expected a FHIR Bundle (a JSON object)")
    kind = bundle.get("resourceType")
    if kind != "Bundle":
        raise ProfileError(f"expected a FHIR Bundle, got resourceType {kind!r}", "resourceType")
    reader = _Reader(as_of or dt.date.today())
    for i, item in enumerate(_list(bundle.get("entry"), "entry")):
        path = f"entry[{i}]"
        res = _obj(_obj(item, path).get("resource"), f"{path}.resource")
        rtype = res.get("resourceType")
        if not isinstance(rtype, str):
            raise _fail(f"{path}.resource.resourceType", "expected the resource type as text")
        handler = _HANDLERS.get(rtype)
        if handler is None:
            continue
        try:
            handler(reader, res, f"{path}.resource")
        except ValidationError as exc:
            raise error_from_validation(exc, [f"{path}.resource"]) from None
    try:
        return reader.profile(_text(bundle.get("id"), "id"))
    except ValidationError as exc:
        raise error_from_validation(exc) from None
