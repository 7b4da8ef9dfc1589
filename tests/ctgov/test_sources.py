"""read_paths: every supported layout, and a clear error item for every bad input."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ctgov.sources import ReadItem, read_paths, read_stream
from tests.conftest import shared_path


def _study(nct_id: str, title: str = "A study") -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {"overallStatus": "RECRUITING"},
        }
    }


def _xml(nct_id: str) -> str:
    return (
        f"<clinical_study><id_info><nct_id>{nct_id}</nct_id></id_info>"
        "<brief_title>Caf&#233; &amp; tea</brief_title></clinical_study>"
    )


def _summary(items: list[ReadItem]) -> list[tuple[str, str, str]]:
    """(location, NCT id or "", error reason or "") per item, for compact assertions."""
    return [
        (
            i.location,
            i.record.nct_id if i.record else i.error.nct_id if i.error else "",
            i.error.reason if i.error else "",
        )
        for i in items
    ]


def _read(*paths: Path | str) -> list[ReadItem]:
    return list(read_paths(paths))


def test_shared_jsonl_reads_every_record() -> None:
    items = _read(shared_path("ctgov", "v2", "studies.jsonl"))
    assert len(items) == 467
    assert all(i.record and not i.error for i in items)
    assert items[0].location == "line 1"
    assert items[0].record is not None and items[0].record.nct_id == "NCT00000410"


def test_shared_xml_folder_reads_every_file() -> None:
    items = _read(shared_path("ctgov", "legacy-xml"))
    assert len(items) == 126
    assert all(i.record and i.location == "" for i in items)
    assert items[0].source.endswith("NCT00000102.xml")


def test_jsonl_broken_line_in_the_middle_keeps_reading(tmp_path: Path) -> None:
    path = tmp_path / "studies.jsonl"
    lines = [json.dumps(_study("NCT00000001")), '{"protocolSection": {', ""]
    lines += [json.dumps(_study("NCT00000003"))]
    path.write_text("\n".join(lines) + "\n")
    items = _read(path)
    assert [(loc, nct) for loc, nct, _ in _summary(items)] == [
        ("line 1", "NCT00000001"),
        ("line 2", ""),
        ("line 4", "NCT00000003"),
    ]
    error = items[1].error
    assert error is not None and error.source == str(path)
    assert error.reason.startswith("broken JSON")


def test_jsonl_with_broken_first_line_is_still_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "studies.jsonl"
    path.write_text('{"broken": \n' + json.dumps(_study("NCT00000002")) + "\n")
    assert [loc for loc, _, _ in _summary(_read(path))] == ["line 1", "line 2"]


def test_jsonl_missing_id_and_wrong_types_are_per_line_errors(tmp_path: Path) -> None:
    wrong = _study("NCT00000002")
    wrong["protocolSection"]["conditionsModule"] = {"conditions": "Asthma"}
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join([json.dumps({"protocolSection": {}}), json.dumps(wrong), json.dumps([1, 2]), "7"])
    )
    assert _summary(_read(path)) == [
        ("line 1", "", "missing NCT id (no protocolSection)"),
        (
            "line 2",
            "NCT00000002",
            "protocolSection.conditionsModule.conditions: expected a list, got a string ('Asthma')",
        ),
        ("line 3", "", "expected a study object, got a list"),
        ("line 4", "", "expected a study object, got a number (7)"),
    ]


def test_json_array_records_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "ctg-studies.json"
    path.write_text(json.dumps([_study("NCT00000001"), {"x": 1}, _study("NCT00000003")], indent=2))
    assert _summary(_read(path)) == [
        ("record 1", "NCT00000001", ""),
        ("record 2", "", "missing NCT id (no protocolSection)"),
        ("record 3", "NCT00000003", ""),
    ]


def test_truncated_json_array_reports_the_broken_record(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps([_study("NCT00000001"), _study("NCT00000002")])
    path.write_text(text[: len(text) - 30])
    summary = _summary(_read(path))
    assert summary[0] == ("record 1", "NCT00000001", "")
    assert summary[1][0] == "record 2"
    assert summary[1][2].startswith("broken JSON")
    assert len(summary) == 2


@pytest.mark.parametrize("token_first", [False, True])
def test_api_page_is_streamed_from_studies(tmp_path: Path, token_first: bool) -> None:
    page: dict[str, Any] = {"studies": [_study("NCT00000001"), _study("NCT00000002")]}
    page = {"nextPageToken": "abc", **page} if token_first else {**page, "nextPageToken": "abc"}
    pretty = tmp_path / "page.json"
    pretty.write_text(json.dumps(page, indent=2))
    one_line = tmp_path / "page-line.json"
    one_line.write_text(json.dumps(page))
    for path in (pretty, one_line):
        assert [(loc, nct) for loc, nct, _ in _summary(_read(path))] == [
            ("record 1", "NCT00000001"),
            ("record 2", "NCT00000002"),
        ]


def test_single_study_file_has_no_location(tmp_path: Path, seed_path: Path) -> None:
    pretty = tmp_path / "one.json"
    pretty.write_text(json.dumps(_study("NCT00000009"), indent=2))
    one_line = tmp_path / "one-line.json"
    one_line.write_text(json.dumps(_study("NCT00000008")))
    assert _summary(_read(pretty, one_line, seed_path)) == [
        ("", "NCT00000009", ""),
        ("", "NCT00000008", ""),
        ("", "NCT04521231", ""),
    ]


def test_broken_single_json_document(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "protocolSection": {\n    "identificationModule": \n')
    [item] = _read(path)
    assert item.error is not None
    assert item.location == ""
    assert item.error.reason.startswith("broken JSON")


def test_format_is_sniffed_not_taken_from_the_name(tmp_path: Path) -> None:
    xml_named_json = tmp_path / "study.json"
    xml_named_json.write_text(_xml("NCT00000005"))
    jsonl_named_txt = tmp_path / "dump.txt"
    jsonl_named_txt.write_text(
        "\ufeff" + json.dumps(_study("NCT00000006")) + "\n" + json.dumps(_study("NCT00000007"))
    )
    items = _read(xml_named_json, jsonl_named_txt)
    assert [nct for _, nct, _ in _summary(items)] == ["NCT00000005", "NCT00000006", "NCT00000007"]
    assert items[0].record is not None and items[0].record.brief_title == "Café & tea"


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "NCT00000001.xml"
    path.write_text(_xml("NCT00000001")[:60])
    [item] = _read(path)
    assert item.error is not None
    assert item.error.reason.startswith("truncated XML")
    assert item.error.source == str(path)


def test_xml_wrapper_with_several_studies(tmp_path: Path) -> None:
    path = tmp_path / "many.xml"
    path.write_text(f"<search_results>{_xml('NCT00000001')}{_xml('NCT00000002')}</search_results>")
    assert [(loc, nct) for loc, nct, _ in _summary(_read(path))] == [
        ("record 1", "NCT00000001"),
        ("record 2", "NCT00000002"),
    ]


def test_foreign_xml_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss><channel/></rss>")
    [item] = _read(path)
    assert item.error is not None and "not a ClinicalTrials.gov" in item.error.reason


def test_all_public_xml_style_zip(tmp_path: Path) -> None:
    archive = tmp_path / "AllPublicXML.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Contents.txt", "NCT00000001\nNCT00000002\n")
        zf.writestr("NCT0000xxxx/", "")
        zf.writestr("NCT0000xxxx/NCT00000001.xml", _xml("NCT00000001"))
        zf.writestr("NCT0000xxxx/NCT00000002.xml", _xml("NCT00000002")[:50])
        zf.writestr("NCT0000xxxx/NCT00000003.xml", _xml("NCT00000003"))
    items = _read(archive)
    assert [(i.source, bool(i.record)) for i in items] == [
        (f"{archive}!NCT0000xxxx/NCT00000001.xml", True),
        (f"{archive}!NCT0000xxxx/NCT00000002.xml", False),
        (f"{archive}!NCT0000xxxx/NCT00000003.xml", True),
    ]
    error = items[1].error
    assert error is not None and error.source == f"{archive}!NCT0000xxxx/NCT00000002.xml"
    assert error.reason.startswith("truncated XML")


def test_bulk_json_zip_with_a_bad_member(tmp_path: Path) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("NCT00000001.json", json.dumps(_study("NCT00000001"), indent=2))
        zf.writestr("NCT00000002.json", '{"protocolSection": ')
        zf.writestr("empty.json", "")
        zf.writestr("NCT00000003.json", json.dumps(_study("NCT00000003")))
    items = _read(archive)
    summary = [
        (i.source.split("!")[1], nct, reason[:12])
        for i, (_, nct, reason) in zip(items, _summary(items), strict=True)
    ]
    assert summary == [
        ("NCT00000001.json", "NCT00000001", ""),
        ("NCT00000002.json", "", "broken JSON:"),
        ("empty.json", "", "empty file"),
        ("NCT00000003.json", "NCT00000003", ""),
    ]


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "studies.jsonl.gz"
    lines = [json.dumps(_study(f"NCT0000000{n}")) for n in range(1, 4)]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert [loc for loc, _, _ in _summary(_read(path))] == ["line 1", "line 2", "line 3"]


def test_folder_is_read_recursively_and_skips_docs(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "NCT00000002.xml").write_text(_xml("NCT00000002"))
    (tmp_path / "a" / "one.json").write_text(json.dumps(_study("NCT00000001")))
    (tmp_path / "README.md").write_text("# data")
    (tmp_path / ".hidden.json").write_text("{")
    nct_ids = sorted(i.record.nct_id for i in _read(tmp_path) if i.record)
    assert nct_ids == ["NCT00000001", "NCT00000002"]
    assert all(not i.error for i in _read(tmp_path))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"hello world", "unknown format"),
        (b"PK\x03\x04 not really a zip", "broken zip archive"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    [item] = _read(path)
    assert item.record is None and item.error is not None
    assert item.error.reason.startswith(reason)
    assert (item.source, item.error.source, item.location) == (str(path), str(path), "")


def test_missing_path_then_reading_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "one.json"
    good.write_text(json.dumps(_study("NCT00000001")))
    missing = tmp_path / "nope.jsonl"
    assert _summary(_read(missing, good)) == [
        ("", "", "no such file or directory"),
        ("", "NCT00000001", ""),
    ]


class _CountingStream(io.BytesIO):
    """A file that remembers how far it has been read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.furthest = max(self.furthest, self.tell())
        return line


@pytest.mark.parametrize("layout", ["array", "page", "jsonl"])
def test_large_input_is_read_lazily(layout: str) -> None:
    studies = [_study(f"NCT{n:08d}", "x" * 200) for n in range(20_000)]
    if layout == "array":
        data = json.dumps(studies, indent=1).encode()
    elif layout == "page":
        data = json.dumps({"studies": studies, "nextPageToken": None}, indent=1).encode()
    else:
        data = "\n".join(json.dumps(s) for s in studies).encode()
    assert len(data) > 5_000_000
    stream = _CountingStream(data)
    items = read_stream(stream, "big.json")
    first = next(items)
    assert first.record is not None and first.record.nct_id == "NCT00000000"
    assert stream.furthest < len(data) // 10
    assert sum(1 for _ in items) == 19_999


def test_corrupt_zip_member_is_reported_and_the_next_member_read(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.jsonl", json.dumps(_study("NCT00000001")))
        zf.writestr("b.json", json.dumps(_study("NCT00000002")))
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"NCT00000001", b"NCT00000071", 1))
    items = _read(archive)
    assert [(i.source.split("!")[1], bool(i.record)) for i in items] == [
        ("a.jsonl", False),
        ("b.json", True),
    ]
    assert items[0].error is not None and "Bad CRC-32" in items[0].error.reason
