"""Integrity of the profile's rule tables: they load, compile and agree with the engine."""

from __future__ import annotations

import re

import pytest

from eligibility import rules
from eligibility.profile import lexicon
from eligibility.profile.text import text_rules
from eligibility.profile.units import lab_specs, load_data, unit_aliases
from eligibility.verdicts import INSULIN, LOCAL_ROUTES, TYPE_1_DIABETES, TYPE_2_DIABETES


def test_text_rules_compile() -> None:
    r = text_rules()
    assert r.age and r.performance and r.relative_time
    assert r.negation_pre.search("She denies smoking")
    assert not r.negation_pre.search("She smokes")


@pytest.mark.parametrize("entry", lexicon.entries(), ids=lambda e: f"{e.group}:{e.name}")
def test_every_lexicon_entry_recognises_its_own_name(entry: lexicon.Entry) -> None:
    assert entry.pattern.search(entry.name), entry.name


def test_the_engine_reads_the_types_of_diabetes_by_the_lexicon_names() -> None:
    conditions = {e.name for e in lexicon.of("conditions")}
    assert {TYPE_1_DIABETES, TYPE_2_DIABETES} <= conditions
    assert INSULIN in {e.name for e in lexicon.of("drugs")}


def test_a_condition_the_engine_counts_as_lasting_is_chronic_in_the_lexicon() -> None:
    """The note reader keeps a lasting condition of a record's history active, and the engine
    then gives it no onset: the two tables must agree on which conditions last."""
    lasting = rules.lasting_terms()
    assert {"diabetes", "hypertension", "schizophrenia"} <= lasting
    for entry in lexicon.of("conditions"):
        names = {entry.name.lower(), *(s.lower() for s in entry.synonyms)}
        if names & lasting:
            assert entry.chronic, entry.name
    assert all(e.group == "conditions" for e in lexicon.entries() if e.chronic)


def test_lexicon_names_are_unique_per_group() -> None:
    for group in ("conditions", "treatments", "drugs"):
        names = [e.name.lower() for e in lexicon.of(group)]
        assert len(names) == len(set(names)), group


def test_treatment_kinds_are_profile_kinds() -> None:
    from typing import get_args

    from eligibility.profile.model import TreatmentKind

    assert {e.kind for e in lexicon.of("treatments")} <= set(get_args(TreatmentKind))


def test_drug_routes_are_profile_routes_and_name_themselves() -> None:
    from typing import get_args

    from eligibility.profile.model import Route
    from eligibility.profile.text import route_named

    routes = [route for route, _, _ in text_rules().routes]
    assert len(routes) == len(set(routes))
    assert set(routes) == set(get_args(Route))
    assert set(routes) > LOCAL_ROUTES  # the engine's local routes are routes a profile gives
    for route in routes:
        assert route_named(f"{route} route") == route


def test_lab_aliases_point_to_one_analyte() -> None:
    seen: dict[str, str] = {}
    for spec in lab_specs():
        for alias in (spec.name, *spec.aliases):
            assert seen.setdefault(alias.lower(), spec.name) == spec.name, alias


def test_lab_units_and_conversions_are_known_units() -> None:
    units = set(load_data("labs.json")["units"])
    for spec in lab_specs():
        assert spec.unit is None or spec.unit in units, spec.name
        assert set(spec.convert) <= units, spec.name
        assert spec.unit not in spec.convert


def test_unit_spellings_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for canonical, spellings in load_data("labs.json")["units"].items():
        for spelling in spellings:
            key = re.sub(r"\s+", "", spelling.lower())
            assert seen.setdefault(key, canonical) == canonical, spelling
    assert unit_aliases()["g/dl"] == "g/dl"


def test_canonical_units_are_spelled_as_the_engine_spells_them() -> None:
    engine_units = {u["unit"] for u in rules.unit_table()["units"]}
    for spec in lab_specs():
        assert spec.unit is None or spec.unit in engine_units, (spec.name, spec.unit)


def test_lab_names_match_the_engine_vocabulary() -> None:
    """Where the engine knows an analyte, the profile keeps it under the engine's name."""
    engine = {t.name: t for t in rules.vocabulary()["measurement"]}
    for spec in lab_specs():
        hits = [
            t.name for t in engine.values() if t.context is None and t.pattern.fullmatch(spec.name)
        ]
        if hits and not spec.distinct:
            assert spec.name in hits, (spec.name, hits)


def test_distinct_analyte_keeps_its_own_name_in_the_facts() -> None:
    from eligibility.profile import load_profile

    labs = [
        {"name": "total bilirubin", "value": 1.0, "unit": "mg/dL"},
        {"name": "direct bilirubin", "value": 0.2, "unit": "mg/dL"},
    ]
    facts = load_profile({"labs": labs}).to_facts()["measurements"]
    assert facts["total bilirubin"] == (1.0, "mg/dl")
    assert facts["direct bilirubin"] == (0.2, "mg/dl")


def test_lab_conversions_agree_with_the_engine() -> None:
    """Where the engine converts the same units (or the same molar mass), it gets the same value."""
    compared = 0
    for spec in lab_specs():
        term = rules.term_by_name().get(spec.name)
        for unit, factor in spec.convert.items():
            engine = rules.convert_measured(term, 1.0, unit, spec.unit)
            if engine is not None:
                assert factor == pytest.approx(engine, rel=1e-3), (spec.name, unit)
                compared += 1
    assert compared >= 8


def test_upper_limits_of_normal_are_ranges_in_the_units_profiles_keep() -> None:
    """A result in a profile compares with "≤ 2.5 x ULN" through the range of upper limits
    laboratories use: in order, and in the unit the profile keeps the result in."""
    kept = {spec.name: spec.unit for spec in lab_specs()}
    ranged = [t for t in rules.vocabulary()["measurement"] if t.upper_normal is not None]
    assert {t.name for t in ranged} >= {"ast", "alt", "total bilirubin", "serum creatinine"}
    for term in ranged:
        assert term.upper_normal is not None
        low, high, unit = term.upper_normal
        assert 0 < low < high <= 2 * low, term.name
        assert term.name in kept and kept[term.name] == unit, term.name
