"""What people type becomes a safe full-text query: no syntax of theirs reaches the engine."""

import pytest

from trials.search.text import parse


@pytest.mark.parametrize(
    ("typed", "fts5", "tsquery"),
    [
        ("blinatumomab", '"blinatumomab"*', "('blinatumomab':*)"),
        ("breast cancer ", '"breast" AND "cancer"', "('breast') & ('cancer')"),
        ("covid-19 vaccine", '"covid 19" AND "vaccine"*', "('covid' & '19') & ('vaccine':*)"),
        ('"lung cancer', '"lung" AND "cancer"*', "('lung') & ('cancer':*)"),
        ("asthma AND NOT copd", '"asthma" AND "copd"*', "('asthma') & ('copd':*)"),
        (
            "NEAR(heart failure)",
            '"near heart" AND "failure"*',
            "('near' & 'heart') & ('failure':*)",
        ),
        ("pain*", '"pain"*', "('pain':*)"),
        ("-smoking", '"smoking"*', "('smoking':*)"),
        ("((tumour", '"tumour"*', "('tumour':*)"),
        ("Crohn's disease", '"crohn s" AND "disease"*', "('crohn' & 's') & ('disease':*)"),
        ("Sjögren", '"sjögren"*', "('sjögren':*)"),
        ("type 2", '"type" AND "2"', "('type') & ('2')"),
        ("ab", '"ab"', "('ab')"),
    ],
)
def test_user_text_becomes_safe_terms(typed: str, fts5: str, tsquery: str) -> None:
    query = parse(typed)
    assert query.fts5() == fts5
    assert query.tsquery() == tsquery


@pytest.mark.parametrize("typed", ["", "   ", "😀🔥", "*", "()", '""', "the of and", "- + ^ :"])
def test_text_without_searchable_words_is_empty(typed: str) -> None:
    assert not parse(typed)
