"""Measurements worked out from others a record gives, as study sites work them out.

Criteria often limit the eGFR or the creatinine clearance where a record gives only the serum
creatinine; the standard equations turn it into either. Both hold for adults only, and sites
use other equations too (MDRD, CKD-EPI 2009, ideal body weight), so an estimate decides a limit
only when it clears the limit by more than ``MARGIN`` either way. The body mass index is no
estimate: weight over height squared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility import rules

MARGIN = 0.1
ADULT = 18.0


def egfr_ckd_epi_2021(creatinine_mg_dl: float, age: float, female: bool) -> float:
    """eGFR in mL/min/1.73 m² by the race-free CKD-EPI 2021 creatinine equation."""
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = creatinine_mg_dl / kappa
    value = 142 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age
    return value * 1.012 if female else value


def cockcroft_gault(creatinine_mg_dl: float, age: float, weight_kg: float, female: bool) -> float:
    """Creatinine clearance in mL/min by the Cockcroft-Gault equation."""
    value = (140 - age) * weight_kg / (72 * creatinine_mg_dl)
    return value * 0.85 if female else value


# A height or weight written bare ("Height: 177") in the unit an adult's would be in.
_BARE = {"body height": (100.0, 250.0, "cm"), "body weight": (30.0, 300.0, "kg")}


def _measured(facts: Mapping[str, Any], name: str, unit: str) -> float | None:
    found = (facts.get("measurements") or {}).get(name)
    if not found:
        return None
    value, given = found if isinstance(found, list | tuple) else (found, None)
    term = rules.term_by_name().get(name)
    if not given and name in _BARE:
        low, high, bare_unit = _BARE[name]
        given = bare_unit if low <= float(value) <= high else None
    return rules.measured_in(term, float(value), given, unit)


def kidney_estimate(name: str, facts: Mapping[str, Any]) -> float | None:
    """The eGFR or creatinine clearance (mL/min) the person's creatinine, age, sex and, for
    the clearance, weight give; None when one of them is missing or the person is a child."""
    age, sex = facts.get("age"), facts.get("sex")
    if name not in ("egfr", "creatinine clearance") or sex not in ("female", "male"):
        return None
    if not isinstance(age, int | float) or isinstance(age, bool) or age < ADULT:
        return None
    creatinine = _measured(facts, "serum creatinine", "mg/dl")
    if creatinine is None or creatinine <= 0:
        return None
    if name == "egfr":
        return egfr_ckd_epi_2021(creatinine, float(age), sex == "female")
    weight = _measured(facts, "body weight", "kg")
    if weight is None or weight <= 0:
        return None
    return cockcroft_gault(creatinine, float(age), weight, sex == "female")


def body_mass_index(facts: Mapping[str, Any]) -> float | None:
    """kg/m² from the body weight and height; None when either is missing."""
    weight = _measured(facts, "body weight", "kg")
    height = _measured(facts, "body height", "cm")
    if weight is None or height is None or weight <= 0 or height <= 0:
        return None
    return weight / (height / 100) ** 2
