"""The synonym and abbreviation table: well formed, and expanding what it should."""

import json

import pytest

from matching.synonyms import TABLE, default_synonyms, parse_table
from matching.text import terms

RAW = json.loads(TABLE.read_text(encoding="utf-8"))


def test_table_loads():
    table = default_synonyms()
    assert len(table.abbreviations) >= 50
    assert len(table.groups) >= 20


def test_abbreviations_are_written_as_in_notes_and_expand_to_words():
    for short, full in RAW["abbreviations"].items():
        assert short == short.strip() and " " not in short, short
        assert any(c.isupper() for c in short), f"{short}: abbreviations match case-sensitively"
        assert terms(full), f"{short}: expansion {full!r} has no searchable word"
        assert full.lower() != short.lower()


def test_no_phrase_is_in_two_groups_or_twice_in_one():
    seen: dict[tuple[str, ...], int] = {}
    for number, group in enumerate(RAW["groups"]):
        stems = [tuple(terms(p)) for p in group]
        assert all(stems), f"group {group}: every phrase needs a searchable word"
        assert len(set(stems)) == len(stems), f"group {group} repeats a phrase"
        for phrase in stems:
            assert seen.setdefault(phrase, number) == number, f"{phrase} is in two groups"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("History of MI in 2010", ["myocardial infarction"]),
        ("relapsed B-ALL after two lines", ["B-cell acute lymphoblastic leukemia"]),
        ("ALL in first remission", ["acute lymphoblastic leukemia"]),
        ("all of the tests were normal", []),
        (
            "Known COPD and CHF.",
            ["chronic obstructive pulmonary disease", "congestive heart failure"],
        ),
        ("AMI on admission", ["acute myocardial infarction"]),
    ],
)
def test_abbreviations_expand_case_sensitively_and_whole(text, expected):
    assert default_synonyms().abbreviation_expansions(text) == expected


def test_groups_expand_to_their_other_members():
    added = default_synonyms().group_expansions("She had a heart attack last year.")
    assert "myocardial infarction" in added
    assert "heart attack" not in added


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"abbreviations": {"MI": ""}, "groups": []},
        {"abbreviations": {}, "groups": [["only one"]]},
        {"abbreviations": {}},
    ],
)
def test_a_malformed_table_is_refused(data):
    with pytest.raises(ValueError, match="synonym table"):
        parse_table(data)
