"""The done-when rows: the seed trial NCT04521231, whose sub-items arrive flattened."""

import json

import pytest

import eligibility
from tests.conftest import SEED_FIXTURE


@pytest.fixture(scope="module")
def parsed():
    record = json.loads(SEED_FIXTURE.read_text("utf-8"))
    text = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    return eligibility.parse_criteria(text)


def _find(parsed, start):
    matches = [item for item in parsed.items if item.text.startswith(start)]
    assert len(matches) == 1, f"expected one item starting {start!r}"
    return matches[0]


@pytest.mark.parametrize(
    ("kind", "starts", "concept", "name", "op", "value", "unit"),
    [
        ("inclusion", "Aged 18 years", "age", "age", ">=", 18, "year"),
        ("inclusion", "Eastern Cooperative", "ecog", "ecog", "<=", 2, None),
        (
            "inclusion",
            "Greater than or equal to 5%",
            "measurement",
            "bone marrow blasts",
            ">=",
            5,
            "%",
        ),
        ("exclusion", "Allogeneic HSCT", "procedure", "allogeneic hsct", "within", 12, "week"),
        ("exclusion", "Immunotherapy within", "therapy", "immunotherapy", "within", 4, "week"),
        ("exclusion", "Cancer chemotherapy", "therapy", "chemotherapy", "within", 2, "week"),
        (
            "exclusion",
            "Currently receiving",
            "therapy",
            "investigational treatment",
            "within",
            30,
            "day",
        ),
        (
            "exclusion",
            "Active ALL in the central",
            "measurement",
            "csf white blood cells",
            ">",
            5,
            "cells/mm3",
        ),
        (
            "exclusion",
            "Female participant",
            "breastfeeding",
            "breastfeeding after last dose",
            "within",
            96,
            "hour",
        ),
        ("exclusion", "History of malignancy", "condition", "malignancy", "within", 3, "year"),
    ],
)
def test_seed_constraints(parsed, kind, starts, concept, name, op, value, unit):
    item = _find(parsed, starts)
    assert item.kind == kind
    assert item.role == "criterion"
    found = [(c.concept, c.name, c.op, c.value, c.unit) for c in item.constraints]
    assert (concept, name, op, value, unit) in found


def test_breastfeeding_window_counts_from_the_last_dose(parsed):
    item = _find(parsed, "Female participant")
    window = next(c for c in item.constraints if c.concept == "breastfeeding")
    assert window.anchor == "last dose"
    assert item.text[window.span[0] : window.span[1]].startswith("breastfeed")


@pytest.mark.parametrize(
    ("definition", "explains"),
    [
        ("First Relapse is defined", "In untreated first"),
        ("Primary Refractory disease is defined", "Either refractory to primary induction"),
        ("Second relapse or later relapse is defined", "In untreated first"),
        ("Refractory relapse is defined", "In untreated first"),
        ("Refractory to salvage is defined", "Either refractory to primary induction"),
    ],
)
def test_definitions_attach_to_the_criterion_using_the_term(parsed, definition, explains):
    item = _find(parsed, definition)
    target = _find(parsed, explains)
    assert item.role == "definition"
    assert item.parent == target.id
    assert item.id in target.definitions
    assert any(h.text == item.text for h in target.help)


def test_exactly_five_definitions_and_no_note(parsed):
    assert sum(item.role == "definition" for item in parsed.items) == 5
    assert not [item for item in parsed.items if item.role == "note"]


def test_any_of_the_following_is_an_or_group_of_the_relapse_alternatives(parsed):
    head = _find(parsed, "Participants with B-precursor ALL")
    assert head.logic == "any"
    members = [
        item.text for item in parsed.items if item.parent == head.id and item.role == "criterion"
    ]
    assert members == [
        _find(parsed, "Either refractory").text,
        _find(parsed, "In untreated first").text,
        _find(parsed, "Relapsed or Refractory at any time").text,
        _find(parsed, "Relapse at any time after allogenic").text,
    ]
    for starts in (
        "Eastern Cooperative",
        "Participants with relapse or refractory",
        "Greater than",
    ):
        assert _find(parsed, starts).parent is None


def test_ids_are_stable_and_shaped(parsed):
    ids = parsed.ids
    assert len(ids) == len(set(ids))
    assert ids[:3] == ["inc-1", "inc-2", "inc-2.1"]
    assert _find(parsed, "Allogeneic HSCT").id == "exc-3"
    again = eligibility.parse_criteria(
        json.loads(SEED_FIXTURE.read_text("utf-8"))["protocolSection"]["eligibilityModule"][
            "eligibilityCriteria"
        ]
    )
    assert again.ids == ids


@pytest.mark.parametrize(
    ("starts", "question"),
    [
        ("Aged 18 years", "Are you 18 years or older?"),
        (
            "Allogeneic HSCT",
            "Have you had an allogeneic stem cell transplant (HSCT) in the last 12 weeks?",
        ),
        ("Immunotherapy within", "Have you had immunotherapy in the last 4 weeks?"),
        ("Cancer chemotherapy", "Have you had chemotherapy in the last 2 weeks?"),
        ("Eastern Cooperative", "Is your ECOG performance status 2 or lower?"),
        (
            "Greater than or equal to 5%",
            "Has a recent test shown the share of blasts in your bone marrow is 5% or more?",
        ),
        (
            "Female participant",
            "Women only: Do you expect to breastfeed during treatment or within 96 hours after "
            "the last dose?",
        ),
    ],
)
def test_seed_questions(parsed, starts, question):
    assert _find(parsed, starts).question == question


@pytest.mark.parametrize(
    ("starts", "terms"),
    [
        ("Allogeneic HSCT", {"HSCT", "allogeneic"}),
        ("Eastern Cooperative", {"ECOG", "performance status"}),
        ("Active ALL in the central", {"CNS", "CSF", "ALL"}),
        ("Either refractory", {"refractory", "salvage therapy", "induction therapy"}),
        ("Participants with relapse or refractory", {"TKI", "relapse", "refractory", "Ph+"}),
    ],
)
def test_jargon_comes_with_glossary_help(parsed, starts, terms):
    assert terms <= {h.term for h in _find(parsed, starts).help}


def test_every_criterion_is_asked_and_definitions_are_not(parsed):
    for item in parsed.items:
        if item.role == "criterion":
            assert item.question.endswith("?")
        else:
            assert item.question == ""
