"""Lab names and units: one spelling per analyte and unit, so values compare across sources.

The table lives in ``data/labs.json``; units are spelled as the eligibility engine spells
them, so a normalised value can be handed to it unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from eligibility import rules


@cache
def load_data(name: str) -> Any:
    """A JSON data file of ``eligibility/profile/data``, read once; callers must not mutate it."""
    text = resources.files("eligibility.profile").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class LabSpec:
    name: str
    aliases: tuple[str, ...]
    unit: str | None
    loinc: tuple[str, ...] = ()
    convert: dict[str, float] = field(default_factory=dict)
    distinct: bool = False


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _unit_key(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower()).replace("μ", "µ").replace("×", "x")


@lru_cache(maxsize=1)
def unit_aliases() -> dict[str, str]:
    """Every known unit spelling (squashed, lower case) to its canonical unit."""
    table: dict[str, str] = {}
    for canonical, spellings in load_data("labs.json")["units"].items():
        table[_unit_key(canonical)] = canonical
        for spelling in spellings:
            table[_unit_key(spelling)] = canonical
    return table


@lru_cache(maxsize=1)
def lab_specs() -> tuple[LabSpec, ...]:
    return tuple(
        LabSpec(
            name=entry["name"],
            aliases=tuple(entry["aliases"]),
            unit=entry["unit"],
            loinc=tuple(entry.get("loinc", [])),
            convert={k: float(v) for k, v in entry.get("convert", {}).items()},
            distinct=bool(entry.get("distinct", False)),
        )
        for entry in load_data("labs.json")["labs"]
    )


@lru_cache(maxsize=1)
def _by_alias() -> dict[str, LabSpec]:
    table: dict[str, LabSpec] = {}
    for spec in lab_specs():
        table.setdefault(_squash(spec.name), spec)
        for alias in spec.aliases:
            table.setdefault(_squash(alias), spec)
    return table


@lru_cache(maxsize=1)
def _by_loinc() -> dict[str, LabSpec]:
    return {code: spec for spec in lab_specs() for code in spec.loinc}


def canonical_unit(unit: str | None) -> str | None:
    """The canonical spelling of ``unit``; None when it is not in the table."""
    if unit is None or not unit.strip():
        return None
    return unit_aliases().get(_unit_key(unit))


def find_lab(name: str, loinc: str | None = None) -> LabSpec | None:
    """The table entry for a lab named ``name`` (or coded ``loinc``)."""
    if loinc and loinc in _by_loinc():
        return _by_loinc()[loinc]
    key = _squash(name)
    key = re.sub(r"^(?:serum|plasma|blood|absolute)\s+", "", key) if key not in _by_alias() else key
    return _by_alias().get(key)


# Units a note often leaves out because they go without saying ("EF 25", "BMI 31").
_UNITLESS_OK = ("%", "kg/m2")


@dataclass(frozen=True)
class Normalised:
    """A lab value in the canonical name and unit of its analyte."""

    name: str
    value: float
    unit: str | None
    known: bool


def normalise(name: str, value: float, unit: str | None, loinc: str | None = None) -> Normalised:
    """Bring a lab to its canonical name and unit; ``known`` is False when that was not possible.

    ``known`` False keeps the value as given (with its unit spelled canonically where the unit
    is known), so nothing a person entered is lost.
    """
    spec = find_lab(name, loinc)
    spelled = canonical_unit(unit)
    if spec is not None and unit is None:
        # "platelets 300,000", "Hb 9.8": the size of the number says its unit
        spelled = rules.unit_of(rules.term_by_name().get(spec.name), value, None)
    if spec is None:
        return Normalised(_squash(name), value, spelled or (unit.strip() if unit else None), False)
    if spelled == spec.unit or (unit is None and spec.unit in _UNITLESS_OK):
        return Normalised(spec.name, value, spec.unit, True)
    if spec.unit is None and spelled is None:
        return Normalised(spec.name, value, None, True)
    if spelled is not None and spelled in spec.convert:
        converted = round(value * spec.convert[spelled], 6)
        return Normalised(spec.name, converted, spec.unit, True)
    return Normalised(spec.name, value, spelled or (unit.strip() if unit else None), False)
