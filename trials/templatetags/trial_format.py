"""How trial facts read on the page: labels for codes, partial dates, distances, criteria."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from ctgov.values import ISO_DATE_RE
from trials import forms as labels

register = template.Library()

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_HEADING_RE = re.compile(
    r"^\s*(?:key\s+|main\s+|major\s+)?(inclusion|exclusion)\s+criteria\s*:?\s*$", re.IGNORECASE
)
# The registry writes criteria as Markdown, escaping characters such as "<" ("\\<").
_MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|^=])")
_BULLET_RE = re.compile(r"^(\s*)(?:[*\-•·▪◦+]|\d{1,2}[.)]|[a-z][.)])\s+(.*)$")


@register.filter
def partial_date(value: Any) -> str:
    """ "2025-05" -> "May 2025", "2025-05-07" -> "7 May 2025"; other text is shown as given."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    text = str(value or "").strip()
    match = ISO_DATE_RE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return text
    month_name = _MONTHS[int(month) - 1]
    return f"{int(day)} {month_name} {year}" if day else f"{month_name} {year}"


@register.filter
def distance(value: float | None) -> str:
    """Kilometres, as precise as is useful for travelling: "0.8 km", "12 km", "1,250 km"."""
    if value is None:
        return ""
    if value < 10:
        return f"{value:.1f} km"
    return f"{value:,.0f} km"


@register.filter
def facet_label(value: str, facet: str) -> str:
    return labels.value_label(facet, value)


@register.filter
def status_label(value: str) -> str:
    return labels.status_label(value)


@register.filter
def contact_role(value: str) -> str:
    return labels.contact_role_label(value)


@register.filter
def status_class(value: str) -> str:
    """A CSS modifier that groups statuses: open, soon, closed."""
    if value in {"RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}:
        return "open"
    if value == "NOT_YET_RECRUITING":
        return "soon"
    return "closed"


@dataclass
class CriteriaItem:
    text: str
    children: list[str] = field(default_factory=list)


@dataclass
class CriteriaBlock:
    """A paragraph (``text``) or a bulleted list (``items``)."""

    text: str = ""
    items: list[CriteriaItem] = field(default_factory=list)


@dataclass
class CriteriaSection:
    kind: str  # inclusion | exclusion | other
    title: str
    blocks: list[CriteriaBlock]


_SECTION_TITLES = {
    "inclusion": "Inclusion criteria",
    "exclusion": "Exclusion criteria",
    "other": "Eligibility criteria",
}


def split_criteria(text: str) -> dict[str, str]:
    """The criteria text cut at its "Inclusion Criteria:" / "Exclusion Criteria:" headings.

    Text before the first heading (or all of it, when there is no heading) is ``other``.
    """
    parts: dict[str, list[str]] = {"other": [], "inclusion": [], "exclusion": []}
    current = "other"
    for line in (text or "").splitlines():
        heading = _HEADING_RE.match(line)
        if heading:
            current = heading.group(1).lower()
            continue
        parts[current].append(line)
    return {kind: "\n".join(lines).strip("\n") for kind, lines in parts.items()}


def criteria_blocks(text: str) -> list[CriteriaBlock]:
    """Paragraphs and bullet lists, nested one level, with wrapped lines joined back."""
    blocks: list[CriteriaBlock] = []
    top_indent: int | None = None
    last_indent = 0
    for raw in _MARKDOWN_ESCAPE_RE.sub(r"\1", text).splitlines():
        if not raw.strip():
            continue
        bullet = _BULLET_RE.match(raw)
        current = blocks[-1] if blocks else None
        if bullet:
            indent = len(bullet.group(1).expandtabs())
            item_text = bullet.group(2).strip()
            if current is None or not current.items:
                blocks.append(CriteriaBlock(items=[CriteriaItem(item_text)]))
                top_indent = indent
            elif top_indent is not None and indent > top_indent:
                current.items[-1].children.append(item_text)
            else:
                current.items.append(CriteriaItem(item_text))
            last_indent = indent
            continue
        indent = len(raw) - len(raw.lstrip())
        line = raw.strip()
        if current is not None and current.items and indent > last_indent:
            last = current.items[-1]
            if last.children:
                last.children[-1] += " " + line
            else:
                last.text += " " + line
        else:
            blocks.append(CriteriaBlock(text=line))
    return blocks


def criteria_sections(text: str) -> list[CriteriaSection]:
    """The sections a visitor reads, skipping empty ones."""
    parts = split_criteria(text)
    sections = []
    for kind in ("other", "inclusion", "exclusion"):
        blocks = criteria_blocks(parts[kind])
        if blocks:
            sections.append(CriteriaSection(kind, _SECTION_TITLES[kind], blocks))
    return sections


@register.simple_tag(name="criteria_sections")
def criteria_sections_tag(text: str) -> list[CriteriaSection]:
    return criteria_sections(text)
