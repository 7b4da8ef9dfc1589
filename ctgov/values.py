"""Value normalisation shared by the readers: ages, dates, enum codes, NCT ids.

Both source formats must land on the same vocabulary (API v2 codes, ISO dates, ages in
years), so the conversions live in one place.
"""

from __future__ import annotations

import re
from datetime import date

from ctgov.errors import RecordError

NCT_ID_RE = re.compile(r"^NCT\d{8}$")

# Days per unit, divided by the days of an average year to get years.
_DAYS_PER_YEAR = 365.25
_AGE_UNITS = {
    "year": _DAYS_PER_YEAR,
    "month": _DAYS_PER_YEAR / 12,
    "week": 7.0,
    "day": 1.0,
    "hour": 1 / 24,
    "minute": 1 / 1440,
}
_AGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+?)s?$")
_NO_LIMIT = {"", "n/a", "na", "none", "not applicable"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# An ISO date at the precision the registry gives: year, year-month or full date.
ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TEXT_DATE_RE = re.compile(r"^([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})$")


def check_nct_id(value: object) -> str:
    """The NCT id, upper-cased, or a RecordError saying why it is unusable."""
    if value is None or value == "":
        raise RecordError("missing NCT id")
    if not isinstance(value, str):
        raise RecordError(f"NCT id must be a string, got {type(value).__name__}")
    nct_id = value.strip().upper()
    if not NCT_ID_RE.match(nct_id):
        raise RecordError(f"invalid NCT id {value!r} (expected NCT followed by 8 digits)")
    return nct_id


def parse_age(text: str) -> float | None:
    """Years for an age such as "18 Years", "6 Months" or "2 Weeks"; None when not limited.

    Raises ValueError for text that is not an age, so a typo never reads as "no limit".
    """
    cleaned = text.strip().lower()
    if cleaned in _NO_LIMIT:
        return None
    match = _AGE_RE.match(cleaned)
    if not match or match.group(2) not in _AGE_UNITS:
        raise ValueError(f"not an age: {text!r}")
    days = float(match.group(1)) * _AGE_UNITS[match.group(2)]
    return round(days / _DAYS_PER_YEAR, 4)


def std_ages_for(minimum: float | None, maximum: float | None) -> list[str]:
    """The API v2 age groups (child < 18, adult 18-64, older adult 65+) an age range touches."""
    low = 0.0 if minimum is None else minimum
    high = float("inf") if maximum is None else maximum
    groups = []
    if low < 18:
        groups.append("CHILD")
    if low < 65 and high >= 18:
        groups.append("ADULT")
    if high >= 65:
        groups.append("OLDER_ADULT")
    return groups


def normalise_date(text: str) -> str:
    """ISO date keeping the source's precision: "July 24, 2020" -> "2020-07-24", "July 2020"
    -> "2020-07", "2015-04" stays. Raises ValueError for anything else."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    iso = ISO_DATE_RE.match(cleaned)
    if iso:
        year, month, day = iso.groups()
        _check_date(int(year), int(month or 1), int(day or 1), text)
        return cleaned
    match = _TEXT_DATE_RE.match(cleaned)
    if not match or match.group(1).lower() not in _MONTHS:
        raise ValueError(f"not a date: {text!r}")
    month_number = _MONTHS[match.group(1).lower()]
    year_number = int(match.group(3))
    if match.group(2) is None:
        _check_date(year_number, month_number, 1, text)
        return f"{year_number:04d}-{month_number:02d}"
    day_number = int(match.group(2))
    _check_date(year_number, month_number, day_number, text)
    return f"{year_number:04d}-{month_number:02d}-{day_number:02d}"


def _check_date(year: int, month: int, day: int, text: str) -> None:
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def enum_code(text: str) -> str:
    """API v2 style code for a legacy display value: "Active, not recruiting" ->
    "ACTIVE_NOT_RECRUITING", "Dietary Supplement" -> "DIETARY_SUPPLEMENT"."""
    return re.sub(r"[^A-Z0-9]+", "_", text.strip().upper()).strip("_")
