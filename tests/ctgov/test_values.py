"""Age, date and code conversions shared by both readers."""

from __future__ import annotations

import pytest

from ctgov.errors import RecordError
from ctgov.values import check_nct_id, enum_code, normalise_date, parse_age, std_ages_for


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("18 Years", 18.0),
        ("1 Year", 1.0),
        ("6 Months", 0.5),
        ("18 Months", 1.5),
        ("2 Weeks", pytest.approx(14 / 365.25, abs=1e-4)),
        ("5 Days", pytest.approx(5 / 365.25, abs=1e-4)),
        ("24 Hours", pytest.approx(1 / 365.25, abs=1e-4)),
        ("N/A", None),
        ("", None),
        (" 65 years ", 65.0),
    ],
)
def test_parse_age(text: str, years: object) -> None:
    assert parse_age(text) == years


@pytest.mark.parametrize("text", ["eighteen", "18", "18 Parsecs", "Years"])
def test_parse_age_rejects_non_ages(text: str) -> None:
    with pytest.raises(ValueError, match="not an age"):
        parse_age(text)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("July 24, 2020", "2020-07-24"),
        ("July 2020", "2020-07"),
        ("September 1, 1999", "1999-09-01"),
        ("Sept 2001", "2001-09"),
        ("2015-04", "2015-04"),
        ("2015-04-07", "2015-04-07"),
        ("2015", "2015"),
        ("", ""),
    ],
)
def test_normalise_date_keeps_precision(text: str, iso: str) -> None:
    assert normalise_date(text) == iso


@pytest.mark.parametrize("text", ["Julember 2020", "February 30, 2020", "2020-13", "soon"])
def test_normalise_date_rejects_non_dates(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        normalise_date(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Completed", "COMPLETED"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("Drug", "DRUG"),
        ("Dietary Supplement", "DIETARY_SUPPLEMENT"),
        ("Placebo Comparator", "PLACEBO_COMPARATOR"),
    ],
)
def test_enum_code(text: str, code: str) -> None:
    assert enum_code(text) == code


@pytest.mark.parametrize(
    ("minimum", "maximum", "groups"),
    [
        (18.0, None, ["ADULT", "OLDER_ADULT"]),
        (None, 17.0, ["CHILD"]),
        (70.0, None, ["OLDER_ADULT"]),
        (14.0, 35.0, ["CHILD", "ADULT"]),
        (None, None, ["CHILD", "ADULT", "OLDER_ADULT"]),
        (18.0, 64.0, ["ADULT"]),
        (None, 18.0, ["CHILD", "ADULT"]),
        (65.0, 80.0, ["OLDER_ADULT"]),
    ],
)
def test_std_ages_for(minimum: float | None, maximum: float | None, groups: list[str]) -> None:
    assert std_ages_for(minimum, maximum) == groups


@pytest.mark.parametrize(
    ("value", "reason"),
    [(None, "missing"), ("", "missing"), (42, "must be a string"), ("NCT123", "invalid")],
)
def test_check_nct_id_rejects(value: object, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        check_nct_id(value)


def test_check_nct_id_normalises_case() -> None:
    assert check_nct_id(" nct01234567 ") == "NCT01234567"
