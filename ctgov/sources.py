"""Reading trial records from files, folders and archives of any supported format.

Formats are recognised by content, not by name: API v2 JSON (one study, a JSON array,
an API page ``{"studies": [...]}``, JSON Lines), legacy ``<clinical_study>`` XML, and zip
or gzip archives of any of these. Everything streams: a bulk export is read one record at
a time, and a bad record becomes an error item while reading goes on with the next one.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from ctgov.errors import RecordError
from ctgov.legacy_xml import parse_clinical_study
from ctgov.record import TrialRecord
from ctgov.v2 import parse_study

_HEAD_BYTES = 64 * 1024
# A JSON object whose first line is longer than this is never JSON Lines in practice; it is
# streamed as one document instead of being read into memory to find out.
_FIRST_LINE_LIMIT = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
# Files inside folders and archives that are documentation, not data (AllPublicXML.zip
# ships a Contents.txt, for instance). Paths given explicitly are always read.
_SKIPPED_SUFFIXES = {".txt", ".md", ".rst", ".html", ".htm", ".pdf", ".csv", ".tsv", ".log"}
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_READ_FAILURES = (OSError, EOFError, zlib.error, zipfile.BadZipFile, RuntimeError)


@dataclass
class ReadError:
    source: str  # file path, or "archive.zip!member.xml"
    location: str  # "line 12", "record 3", "" for a whole file
    reason: str
    nct_id: str = ""


@dataclass
class ReadItem:
    """One record read from a source, or the reason it could not be read."""

    source: str
    location: str
    record: TrialRecord | None = None
    error: ReadError | None = None


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadItem]:
    """Stream every record under ``paths`` (files, folders, zips; format detected)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _read_folder(path)
        elif path.exists():
            yield from _read_file(path)
        else:
            yield _error(str(given), "", "no such file or directory")


def read_stream(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """Stream every record of one open binary file (seekable), detecting its format."""
    last_location = ""
    try:
        for item in _dispatch(stream, source):
            last_location = item.location
            yield item
    except _READ_FAILURES as exc:
        where = f"after {last_location}" if last_location else ""
        yield _error(source, where, f"cannot read the data: {exc}")


def _error(source: str, location: str, reason: str, nct_id: str = "") -> ReadItem:
    return ReadItem(source, location, error=ReadError(source, location, reason, nct_id))


def _record(source: str, location: str, parse: Any, data: Any) -> ReadItem:
    try:
        return ReadItem(source, location, record=parse(data))
    except RecordError as exc:
        return _error(source, location, exc.reason, exc.nct_id)


def _is_skipped(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return (
        base.startswith(".")
        or "__MACOSX" in name.split("/")
        or Path(base).suffix.lower() in _SKIPPED_SUFFIXES
    )


def _read_folder(folder: Path) -> Iterator[ReadItem]:
    problems: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        dirs[:] = sorted(d for d in dirs if not _is_skipped(d + "/"))
        for name in sorted(files):
            if not _is_skipped(name):
                yield from _read_file(Path(root, name))
    for problem in problems:
        yield _error(str(problem.filename or folder), "", f"cannot read folder: {problem.strerror}")


def _read_file(path: Path) -> Iterator[ReadItem]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield _error(str(path), "", f"cannot open: {exc.strerror or exc}")
        return
    with stream:
        yield from read_stream(stream, str(path))


def _sniff(head: bytes) -> str:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    text = head.removeprefix(_BOM).lstrip()
    if not text:
        return "empty" if len(head) < _HEAD_BYTES else "unknown"
    return {ord("<"): "xml", ord("["): "array", ord("{"): "object"}.get(text[0], "unknown")


def _rewind(stream: IO[bytes]) -> None:
    """Back to the start of the data, past a UTF-8 byte order mark."""
    stream.seek(0)
    if stream.read(len(_BOM)) != _BOM:
        stream.seek(0)


def _dispatch(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    head = stream.read(_HEAD_BYTES)
    kind = _sniff(head)
    _rewind(stream)
    if kind == "zip":
        yield from _read_zip(stream, source)
    elif kind == "gzip":
        with gzip.GzipFile(fileobj=stream) as unpacked:
            yield from _dispatch(unpacked, source)  # type: ignore[arg-type]
    elif kind == "xml":
        first_tag = _FIRST_TAG.search(head)
        if first_tag and first_tag.group(1) == b"clinical_study":
            yield from _read_one_xml(stream, source)
        else:
            yield from _read_xml(stream, source)
    elif kind == "array":
        yield from _read_json_items(stream, source, "item")
    elif kind == "object":
        yield from _read_json_object(stream, source)
    elif kind == "empty":
        yield _error(source, "", "empty file")
    else:
        start = head.removeprefix(_BOM).lstrip()[:20]
        yield _error(source, "", f"unknown format (starts with {start!r}); expected JSON or XML")


def _read_zip(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        yield _error(source, "", f"broken zip archive: {exc}")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir() or _is_skipped(info.filename):
                continue
            member_source = f"{source}!{info.filename}"
            try:
                member = archive.open(info)
            except (*_READ_FAILURES, NotImplementedError) as exc:
                yield _error(member_source, "", f"cannot open archive member: {exc}")
                continue
            with member:
                yield from read_stream(member, member_source)


def _read_one_xml(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """The usual layout, one study per file, parsed in one go (faster than events)."""
    try:
        root = ET.parse(stream).getroot()
    except ET.ParseError as exc:
        yield _error(source, "", _xml_reason(exc))
        return
    yield _record(source, "", parse_clinical_study, root)


def _read_xml(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """Any other XML, streamed: several ``<clinical_study>`` under a wrapper element."""
    root: ET.Element | None = None
    depth = 0
    count = 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = element
                depth += 1
                continue
            depth -= 1
            if depth == 1 and root is not None and root.tag != "clinical_study":
                if element.tag == "clinical_study":
                    count += 1
                    yield _record(source, f"record {count}", parse_clinical_study, element)
                root.remove(element)
    except ET.ParseError as exc:
        location = (
            f"record {count + 1}" if root is not None and root.tag != "clinical_study" else ""
        )
        yield _error(source, location, _xml_reason(exc))
        return
    if root is not None and root.tag == "clinical_study":
        yield _record(source, "", parse_clinical_study, root)
    elif count == 0:
        tag = root.tag if root is not None else "none"
        yield _error(source, "", f"not a ClinicalTrials.gov <clinical_study> document (<{tag}>)")


def _xml_reason(exc: ET.ParseError) -> str:
    message = str(exc)
    if message.startswith(("no element found", "unclosed token")):
        return f"truncated XML: {message}"
    return f"broken XML: {message}"


def _read_json_items(stream: IO[bytes], source: str, prefix: str) -> Iterator[ReadItem]:
    """Records of a JSON array (``item``) or API page (``studies.item``), one at a time."""
    number = 0
    try:
        for number, data in enumerate(ijson.items(stream, prefix, use_float=True), 1):
            yield _record(source, f"record {number}", parse_study, data)
    except ijson.JSONError as exc:
        yield _error(source, f"record {number + 1}", f"broken JSON: {_ijson_reason(exc)}")


def _ijson_reason(exc: Exception) -> str:
    message = str(exc).strip() or type(exc).__name__
    if "premature EOF" in message or "Incomplete JSON" in message:
        return f"truncated ({message})"
    return message.splitlines()[0]


def _read_json_object(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """A stream starting with ``{``: JSON Lines, one study, or an API page."""
    first = stream.readline(_FIRST_LINE_LIMIT)
    first_complete = first.endswith(b"\n") or len(first) < _FIRST_LINE_LIMIT
    first_is_object = False
    if first_complete:
        with contextlib.suppress(orjson.JSONDecodeError):
            first_is_object = isinstance(orjson.loads(first), dict)
    second = _next_content_line(stream) if first_complete else b""
    _rewind(stream)
    if second and (first_is_object or second.startswith(b"{")):
        yield from _read_json_lines(stream, source)
    elif first_is_object:
        yield from _read_whole_json(stream, source, "")
    else:
        yield from _read_json_document(stream, source)


def _next_content_line(stream: IO[bytes]) -> bytes:
    while True:
        line = stream.readline(_HEAD_BYTES)
        if not line:
            return b""
        if line.strip():
            return line


def _read_json_lines(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    for number, line in enumerate(iter(stream.readline, b""), 1):
        if not line.strip():
            continue
        location = f"line {number}"
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield _error(source, location, f"broken JSON: {exc}")
            continue
        yield from _from_json_value(data, source, location)


def _read_whole_json(stream: IO[bytes], source: str, location: str) -> Iterator[ReadItem]:
    try:
        data = orjson.loads(stream.read())
    except orjson.JSONDecodeError as exc:
        yield _error(source, location, f"broken JSON: {exc}")
        return
    yield from _from_json_value(data, source, location)


def _from_json_value(data: Any, source: str, location: str) -> Iterator[ReadItem]:
    """One study, or every study of an API page, from an already parsed value."""
    if _is_page(data):
        for number, study in enumerate(data["studies"], 1):
            where = f"{location}, record {number}" if location else f"record {number}"
            yield _record(source, where, parse_study, study)
    else:
        yield _record(source, location, parse_study, data)


def _is_page(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("studies"), list)
        and "protocolSection" not in data
    )


def _read_json_document(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """A multi-line JSON object: a single study is read whole, an API page is streamed."""
    try:
        is_page = _top_level_key(stream, {"studies", "protocolSection"}) == "studies"
    except ijson.JSONError as exc:
        yield _error(source, "", f"broken JSON: {_ijson_reason(exc)}")
        return
    _rewind(stream)
    if is_page:
        yield from _read_json_items(stream, source, "studies.item")
    else:
        yield from _read_whole_json(stream, source, "")


def _top_level_key(stream: IO[bytes], wanted: set[str]) -> str:
    """The first of ``wanted`` found among the top-level keys, without building values."""
    for prefix, event, value in ijson.parse(stream):
        if prefix == "" and event == "map_key" and value in wanted:
            return str(value)
    return ""
