"""Criteria text to a tree of items.

Criteria arrive as markdown-ish bullets, numbered lists, wrapped legacy XML text, run-on
paragraphs, with headings and nested sub-lists that are sometimes flattened. The splitter
keeps what the author meant: which items are inclusion or exclusion, which items a
lead-in ("any of the following:") owns, which lines are definitions or notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from eligibility import rules
from eligibility.constraints import extract
from eligibility.model import Criterion, Kind, Logic, Role

_ESCAPE = re.compile(r"\\([<>=*_\-\[\]()#+.!~|^])")
_MARKER = re.compile(
    r"^(?:(?P<bullet>[*\-•·▪◦‣○●■□➢➤–—o])(?=\s)"
    r"|(?P<num>\(?\d{1,2}(?:\.\d{1,2})*[.)])(?=\s|$)"
    r"|(?P<roman>\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)[.)])(?=\s)"
    r"|(?P<alpha>\(?[a-zA-Z][.)])(?=\s))\s*",
)
# "… transplant. 9. Hypersensitivity … 10.Pregnant …": the next number, escaped or not, with or
# without a space before the item's first word.
_INLINE_NUMBER = re.compile(r"(?<=[\s.;:,])(\d{1,2})\\?[.)](?:\s+(?=[A-Z(])|(?=[A-Z]))")
_LEADING_NUMBER = re.compile(r"\s*(?P<bullet>[*\-•]\s+)?\(?(?P<n>\d{1,2})\\?[.)]\s")
_NUMBER_THEN_WORD = re.compile(r"^(\s*\d{1,2}\\?[.)])(?=[A-Z])")
# "a. QTcF ≥450 ms ...;b. Clinically significant arrhythmias ...;c. ...", "i. Oral steroids ...
# ii. Chemotherapy ...": lettered or numbered items run together on one line, in order.
_INLINE_LETTER = re.compile(
    r"(?<![^\s.;:,)）])\(?(?P<letter>[a-h]|i{1,3}|iv|vi{0,3}|ix|x)"
    r"(?:\.\s*(?=[A-Z])|\)\s*(?=[A-Za-z]))"
)
_SERIES = (tuple("abcdefgh"), ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"))
_INLINE_BULLET = re.compile(r"(?:\s+|(?<=[:.]))[•▪◦]\s+")
_HEADING_MID_LINE = re.compile(r"(?<=[).])[ \t]+(?=(?:Exclusion|Inclusion) Criteria\s*:)")
_OR_TAIL = re.compile(r"[\s,;]+(?:OR|or)\s*[;,.]?\s*$")
_RULE_LINE = re.compile(r"[-*•_=.\s]+")
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)


def _ends_with_or(text: str) -> bool:
    """Whether ``text`` ends in an "or" joiner (a cheap look at its end before the regex)."""
    tail = text.rstrip()
    while tail[-1:] in (",", ";", "."):
        tail = tail[:-1].rstrip()
    return tail.endswith(("or", "OR")) and _OR_TAIL.search(text) is not None


@dataclass
class _Node:
    text: str
    kind: Kind
    indent: int
    mclass: str
    section: str | None
    line: int
    role: Role = "criterion"
    logic: Logic | None = None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    inferred: bool = False
    explains: _Node | None = None
    synthetic: bool = False
    numbered_as: Kind | None = None
    during_surgery: bool = False
    option_of: _Node | None = None


@dataclass
class SplitResult:
    items: list[Criterion]
    notes: list[str]


def _marker_class(match: re.Match[str] | None) -> str:
    if match is None:
        return "text"
    for name in ("bullet", "num", "roman", "alpha"):
        value = match.group(name)
        if value:
            return f"{name}:{value}" if name == "bullet" else name
    return "text"


@dataclass
class _RunOn:
    """Numbered items run together on one line, and the number the next one will carry:
    the run can go on in a later line ("… adjacent level 10. Segmental angulation …")."""

    next_number: int | None = None
    indent: int = 0


def _explode(line: str, run: _RunOn) -> list[str]:
    """Split a line that carries several numbered items or bullets run together."""
    parts = _INLINE_BULLET.split(line) if ("•" in line or "▪" in line or "◦" in line) else [line]
    out: list[str] = []
    for part in parts:
        first = _LEADING_NUMBER.match(part)
        if first:
            expected, search_from = int(first.group("n")) + 1, first.end()
        elif run.next_number is not None:
            expected, search_from = run.next_number, 0
        else:
            out.append(part)
            continue
        cuts: list[int] = []
        for m in _INLINE_NUMBER.finditer(part, search_from):
            if int(m.group(1)) == expected:
                cuts.append(m.start())
                expected += 1
        indent = len(part) - len(part.lstrip())
        if first:
            run.next_number, run.indent = (expected, indent) if cuts else (None, 0)
            if cuts and first.group("bullet"):  # "* 1. … 2. …": the numbers mark the items
                shift = first.end("bullet") - indent
                part = " " * indent + part[first.end("bullet") :]
                cuts = [cut - shift for cut in cuts]
        elif cuts:
            run.next_number = expected
        if not cuts:
            out.append(part)
            continue
        pieces = [part[a:b].rstrip() for a, b in pairwise([0, *cuts])]
        pieces.append(" " * run.indent + part[cuts[-1] :])
        # "10.Pregnant": each item cut off gets a space after its number.
        out.append(pieces[0])
        out.extend(_NUMBER_THEN_WORD.sub(r"\1 ", piece, count=1) for piece in pieces[1:])
    return [piece for part in out for piece in _lettered(part)]


def _lettered(line: str) -> list[str]:
    """Split a line whose items a, b, c ... (or i, ii, iii ...) run together; after a lead-in
    on the same line they are indented under it. A line holding two such runs is left whole."""
    if not any(second in line for second in ("b.", "b)", "ii.", "ii)")):
        return [line]
    markers: list[re.Match[str]] = []
    series: tuple[str, ...] = ()
    for m in _INLINE_LETTER.finditer(line):
        letter = m.group("letter")
        if not markers:
            series = next((s for s in _SERIES if s[0] == letter), ())
            if series:
                markers.append(m)
        elif letter == series[0]:
            return [line]  # lists of their own within the line: left whole
        elif len(markers) < len(series) and letter == series[len(markers)]:
            markers.append(m)
    if len(markers) < 2:
        return [line]
    indent = len(line) - len(line.lstrip())
    head = line[: markers[0].start()].rstrip()
    if head.strip() and not re.search(r"[A-Za-z]{2}", head):
        return [line]  # "* a) ... or b) ...": a bullet's alternatives, read as one line
    out = [head] if head.strip() else []
    pad = " " * (indent + 4 if out else indent)
    ends = [m.start() for m in markers[1:]] + [len(line)]
    for m, end in zip(markers, ends, strict=True):
        marker = line[m.start() : m.end()].strip()
        out.append(f"{pad}{marker} {line[m.end() : end].strip()}")
    return out


def _clean(text: str) -> str:
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


_THREE_LETTERS = re.compile(r"[^\W\d_](?:[^a-zA-Z]*?[^\W\d_]){2}")


def _is_garbage(text: str) -> bool:
    return _THREE_LETTERS.search(text) is None


def _marker_and_body(line: str) -> tuple[re.Match[str] | None, str]:
    """A stripped line's marker and its text, without the number an escaped list ("3\\.
    Progressed after ...") or a bullet ("* 1\\. Male or female patients") leaves in it; the
    number does not place the line."""
    marker = _MARKER.match(line)
    body = line[marker.end() :] if marker else line
    if not marker or marker.group("bullet"):
        body = _NUMBER_LEFT_IN.sub("", body, count=1)
    return marker, _clean(body)


_NUMBER_LEFT_IN = re.compile(r"^\d{1,2}\\?[.)]\s+(?=\S)")


def _names_several_groups(lines: list[str]) -> bool:
    """Whether the criteria label the lines of two or more groups of the study ("AD group :",
    "Non AD demented group :"): only then is such a label, even bulleted, a heading."""
    labels = set()
    for line in lines:
        stripped = line.strip()
        if stripped.endswith(":"):
            marker, body = _marker_and_body(stripped)
            if rules.group_heading(body) or (marker is None and rules.section_heading(body)):
                labels.add(body.lower())
    return len(labels) >= 2


def split(text: str) -> SplitResult:
    """Split criteria text into items (ids, kinds, roles, parents and group logic)."""
    notes: list[str] = []
    if not text or not text.strip():
        return SplitResult([], ["No criteria text"])
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if _LIGATURE.search(raw):
        raw = raw.translate(_LIGATURES)  # "deﬁned" pasted from a PDF reads as "defined"
    raw = _HEADING_MID_LINE.sub("\n", raw)  # "… Board (MAB) Exclusion Criteria:• …"
    lines: list[str] = []
    run = _RunOn()
    for line in raw.split("\n"):
        lines.extend(_explode(line, run))

    several_groups = _names_several_groups(lines)
    roots: list[_Node] = []
    stack: list[_Node] = []
    kind: Kind = "inclusion"
    section: str | None = None
    during_surgery = False
    current: _Node | None = None
    blank_before = True
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _RULE_LINE.fullmatch(stripped):
            blank_before = True
            continue
        indent = len(line) - len(line.lstrip())
        marker, body = _marker_and_body(stripped)
        heading = rules.kind_heading(body)
        if heading is not None:
            kind, rest, label = heading
            section = label
            during_surgery = rules.decided_during_surgery(body)
            stack = []
            current = None
            blank_before = True
            if not rest:
                continue
            body = rest
            marker = None
        if not body:
            continue
        opens_section = (
            marker is None and (rules.section_heading(body) or rules.every_group_heading(body))
        ) or (several_groups and rules.group_heading(body))
        heads = opens_section or (marker is None and rules.topic_heading(body))
        if marker is None and current is not None and not blank_before:
            wraps = (
                indent > current.indent
                or body[:1].islower()
                or (current.mclass == "text" and not current.text.endswith((".", ":", ";")))
            )
            if wraps and not heads:
                current.text = f"{current.text} {body}"
                continue
        if (
            marker is None
            and current is not None
            and blank_before
            and indent > current.indent
            and current.mclass != "text"
            and not heads
        ):
            current.text = f"{current.text} {body}"
            continue
        blank_before = False
        if heads:
            if opens_section:
                section = None if rules.every_group_heading(body) else body.rstrip(":").strip()
            node = _Node(body, kind, indent, "heading", section, number, role="note")
            roots.append(node)
            stack = []
            current = None
            continue
        mclass = _marker_class(marker)
        node = _Node(body, kind, indent, mclass, section, number, during_surgery=during_surgery)
        _place(node, stack, roots)
        current = node

    nodes = _flatten(roots)
    nodes = [n for n in nodes if not _is_garbage(n.text) or n.children]
    if not nodes:
        return SplitResult([], ["No criteria text"])
    for node in nodes:
        _assign_role(node)
    roots = _rebuild_roots(nodes)
    _quiet_empty_groups(nodes)
    _infer_flattened_groups(roots)
    _join_or_siblings(roots)
    _attach_definitions(roots)
    _exclusions_listed_as_inclusions(roots)
    _quiet_bare_lead_ins(roots)
    _mark_possible_options(roots)
    items = _to_criteria(roots)
    if not any(item.role == "criterion" for item in items):
        notes.append("No criteria found in the text")
    return SplitResult(items, notes)


def _place(node: _Node, stack: list[_Node], roots: list[_Node]) -> None:
    """Nest by indentation; at equal indentation a new marker style after a lead-in nests."""
    while stack:
        top = stack[-1]
        if top.indent > node.indent:
            stack.pop()
            continue
        if top.indent < node.indent:
            break
        if top.mclass == node.mclass:
            stack.pop()
            break
        same = [
            i for i, s in enumerate(stack) if s.indent == node.indent and s.mclass == node.mclass
        ]
        if same:
            del stack[same[-1] :]
            break
        if top.text.rstrip().endswith(":"):
            break
        stack.pop()
        break
    if stack:
        parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
    else:
        roots.append(node)
    stack.append(node)


def _flatten(roots: list[_Node]) -> list[_Node]:
    out: list[_Node] = []

    def walk(nodes: list[_Node]) -> None:
        for n in nodes:
            out.append(n)
            walk(n.children)

    walk(roots)
    return out


def _rebuild_roots(nodes: list[_Node]) -> list[_Node]:
    """Drop removed nodes from the tree, keeping order."""
    keep = {id(n) for n in nodes}
    roots: list[_Node] = []
    for n in nodes:
        n.children = [c for c in n.children if id(c) in keep]
        if n.parent is not None and id(n.parent) not in keep:
            n.parent = None
        if n.parent is None:
            roots.append(n)
    return roots


def _assign_role(node: _Node) -> None:
    if node.role == "note":
        return
    if (
        rules.is_note(node.text)
        or (node.parent is not None and rules.lists_who_may_undergo(node.parent.text))
        or (node.parent is not None and rules.lists_exceptions(node.parent.text))
        or node.during_surgery
        or _under_surgeons_findings(node)
    ):
        node.role = "note"
    elif rules.defined_term(node.text) is not None and not node.children:
        node.role = "definition"
    if node.children and node.role == "criterion":
        node.logic = "any" if rules.group_logic(node.text, node.kind) == "any" else "all"


def _under_surgeons_findings(node: _Node) -> bool:
    """Whether a line above this one says the surgeon finds these during the operation."""
    parent = node.parent
    while parent is not None:
        if rules.found_in_surgery(parent.text):
            return True
        parent = parent.parent
    return False


def _quiet_empty_groups(nodes: list[_Node]) -> None:
    """A line whose sub-items are all notes ("Age:" over "Not specified") asks nothing."""
    for node in reversed(nodes):  # sub-items before the lines above them
        notes_only = all(child.role == "note" for child in node.children)
        own_line = rules.lists_who_may_undergo(node.text) or rules.lists_exceptions(node.text)
        if node.role == "criterion" and node.children and notes_only:
            # A line over its exceptions is judged by its own words.
            node.role, node.logic = ("criterion" if own_line else "note"), None


def _infer_flattened_groups(siblings: list[_Node]) -> None:
    """A childless "any of the following" line owns the alternatives listed after it."""
    for node in list(siblings):
        _infer_flattened_groups(node.children)
    index = 0
    while index < len(siblings):
        head = siblings[index]
        index += 1
        if head.role != "criterion" or head.children or not rules.is_any_lead_in(head.text):
            continue
        joined: list[_Node] = []
        follows_or = False
        position = index
        while position < len(siblings):
            node = siblings[position]
            if node.kind != head.kind or node.mclass == "heading":
                break
            if node.role == "criterion" and (follows_or or rules.reads_as_alternative(node.text)):
                joined.append(node)
                follows_or = _ends_with_or(node.text)
            else:
                follows_or = False
                if node.role == "criterion" and not rules.starts_new_criterion(node.text):
                    break
            position += 1
        if not joined:
            continue
        for node in joined:
            siblings.remove(node)
            node.parent = head
            node.inferred = True
            head.children.append(node)
        head.logic = "any"


def _quiet_bare_lead_ins(roots: list[_Node]) -> None:
    """A lead-in whose list stands at its own level ("Treatment with any of the following:"
    over items flattened beside it) is a note: the items are the criteria, and the line
    itself is no question anyone can answer."""
    for node in _flatten(roots):
        if (
            node.role == "criterion"
            and not node.children
            and rules.only_leads_in(node.text)
            and not extract(node.text)
        ):
            node.role = "note"


_OPENS_A_LIST = re.compile(r"(?::|\bas\s+follows|\bthe\s+following)\s*$", re.I)


def _mark_possible_options(siblings: list[_Node]) -> None:
    """Inclusions after a childless lead-in that ends with a colon may be items of its list,
    flattened beside it: after a line offering a choice ("Exhibit at least two of the
    following clinical symptoms:" over "Cough", "Dyspnea or tachypnea"), up to the next line
    that opens a criterion of its own; after any other lead-in ("... is defined as:"), the lines
    that go on its sentence in lower case ("the absence of chest pain but positive stress
    tests;"), which stay its choices only if they cannot all hold (checked once their
    constraints are read)."""
    for node in siblings:
        _mark_possible_options(node.children)
    for index, head in enumerate(siblings):
        text = head.text.rstrip()
        if head.children or head.kind != "inclusion" or not text.endswith(":"):
            continue
        if head.role not in ("criterion", "definition"):
            continue
        choice = head.role == "criterion" and rules.lists_options(text)
        for node in siblings[index + 1 :]:
            if node.kind != head.kind or node.mclass == "heading":
                break
            if node.role != "criterion":
                continue
            if _OPENS_A_LIST.search(node.text) or rules.lists_options(node.text):
                break
            if choice and rules.starts_new_criterion(node.text):
                break
            if not choice and not node.text[:1].islower():
                break
            node.option_of = head


def _join_or_siblings(siblings: list[_Node]) -> None:
    """``A OR`` followed by ``B`` makes an OR group, unless the parent already is one."""
    for node in siblings:
        _join_or_siblings(node.children)
    parent = siblings[0].parent if siblings else None
    if parent is not None and parent.logic == "any":
        return
    index = 0
    while index < len(siblings) - 1:
        first = siblings[index]
        if first.role != "criterion" or not _ends_with_or(first.text):
            index += 1
            continue
        end = index + 1
        while end < len(siblings) - 1 and _ends_with_or(siblings[end].text):
            end += 1
        members = [n for n in siblings[index : end + 1] if n.role == "criterion"]
        group = _Node(
            "One of the following:",
            first.kind,
            first.indent,
            "group",
            first.section,
            first.line,
            logic="any",
            parent=parent,
            synthetic=True,
        )
        for m in members:
            m.parent = group
        group.children = members
        siblings[index : end + 1] = [group]
        index += 1


def _attach_definitions(roots: list[_Node]) -> None:
    nodes = _flatten(roots)
    order = {id(n): n.line for n in nodes}
    for node in nodes:
        if node.role != "definition":
            continue
        term = rules.defined_term(node.text) or ""
        candidates = [
            n for n in nodes if n.role == "criterion" and n.kind == node.kind and not n.synthetic
        ]
        best: _Node | None = None
        best_score = 0.0
        for cand in candidates:
            score = rules.term_score(term, cand.text)
            if score <= 0:
                continue
            before = order[id(cand)] < order[id(node)]
            distance = abs(order[id(cand)] - order[id(node)])
            key = score + (0.001 if before else 0.0) - distance * 1e-6
            if key > best_score:
                best, best_score = cand, key
        if best is None or best_score < 0.5:
            preceding = [c for c in candidates if order[id(c)] < order[id(node)]]
            best = preceding[-1] if preceding else None
        node.explains = best


def _exclusions_listed_as_inclusions(roots: list[_Node]) -> None:
    """Lines under an inclusion lead-in that rules people out count as exclusions; they keep
    the ids of where they are listed."""
    for node in _flatten(roots):
        if not (
            node.kind == "inclusion"
            and node.role == "criterion"
            and node.children
            and rules.excludes_what_follows(node.text)
        ):
            continue
        for member in _flatten([node]):
            member.numbered_as = member.numbered_as or member.kind
            member.kind = "exclusion"


def _to_criteria(roots: list[_Node]) -> list[Criterion]:
    items: list[Criterion] = []
    ids: dict[int, str] = {}
    counters: dict[tuple[str, str], int] = {}

    def prefix(kind: Kind) -> str:
        return "inc" if kind == "inclusion" else "exc"

    def next_id(kind: Kind, role: str) -> str:
        key = (kind, role)
        counters[key] = counters.get(key, 0) + 1
        letter = "d" if role == "definition" else "n"
        return f"{prefix(kind)}-{letter}{counters[key]}"

    def walk(nodes: list[_Node], parent_id: str | None) -> None:
        position = 0
        for node in nodes:
            if node.role == "criterion":
                position += 1
                listed = node.numbered_as or node.kind
                if parent_id is None:
                    counters[(listed, "top")] = counters.get((listed, "top"), 0) + 1
                    item_id = f"{prefix(listed)}-{counters[(listed, 'top')]}"
                else:
                    item_id = f"{parent_id}.{position}"
            else:
                item_id = next_id(node.numbered_as or node.kind, node.role)
            ids[id(node)] = item_id
            items.append(
                Criterion(
                    id=item_id,
                    kind=node.kind,
                    role=node.role,
                    text=node.text,
                    parent=parent_id if node.role == "criterion" else None,
                    logic=node.logic if node.children else None,
                    section=node.section,
                )
            )
            walk(node.children, item_id if node.role == "criterion" else parent_id)

    walk(roots, None)
    by_id = {item.id: item for item in items}
    for node in _flatten(roots):
        item = by_id[ids[id(node)]]
        if node.role == "definition" and node.explains is not None:
            target = ids.get(id(node.explains))
            item.parent = target
            if target:
                by_id[target].definitions.append(item.id)
        if node.role == "criterion":
            item.children = [ids[id(c)] for c in node.children if c.role == "criterion"]
        if node.option_of is not None:
            item.option_of = ids[id(node.option_of)]
    return items
