"""Brat standoff files: offsets stay exact through writing and reading, whatever the text."""

from pathlib import Path

import pytest

from eligibility.entities import Entity, extract
from eligibility.entities.brat import BratError, format_ann, parse_ann, read_text, write_ann
from eligibility.entities.tagger import decode
from eligibility.entities.tokens import tokenize_lines

TEXTS = [
    "Age ≥ 18 years\r\nHbA1c ≤ 7.5 % within 3 months\r\nNo prior chemotherapy\r\n",
    "Patients aged 18 – 75 years\nCafé-au-lait spots or Sjögren’s syndrome\n\nBMI < 30 kg/m²\n",
    "Hemoglobin ≥ 9 g/dL\rPlatelets ≥ 100 × 10⁹/L\r",
    "µ-opioid agonists within 14 days; QTc > 450 ms",
]


@pytest.mark.parametrize("text", TEXTS)
def test_extracted_spans_slice_the_text(text: str) -> None:
    entities = extract(text)
    assert entities
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
        assert "\n" not in entity.text and "\r" not in entity.text


@pytest.mark.parametrize("text", TEXTS)
def test_written_file_reads_back_to_the_same_spans(tmp_path: Path, text: str) -> None:
    source = tmp_path / "NCT00000000_inc.txt"
    source.write_bytes(text.encode("utf-8"))
    entities = extract(read_text(source))
    target = tmp_path / "NCT00000000_inc.ann"
    write_ann(target, entities)
    back = parse_ann(target.read_text(encoding="utf-8"))
    assert [(a.type, a.spans, a.text) for a in back] == [
        (e.type, ((e.start, e.end),), e.text) for e in entities
    ]
    on_disk = read_text(source)
    for annotation in back:
        assert on_disk[annotation.start : annotation.end] == annotation.text


def test_crlf_counts_two_characters_as_chia_does(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"No diabetes\r\nHistory of stroke\r\n")
    text = read_text(source)
    assert text.index("History") == 13


def test_reader_keeps_discontinuous_spans_and_skips_relations() -> None:
    content = (
        "T1\tValue 251 263;276 284\tgreater than 6 months\n"
        "R1\tHas_value Arg1:T2 Arg2:T1\t\n"
        "*\tOR T1 T3\n"
        "T2\tObservation 235 250\tLife expectancy\n"
        "#1\tAnnotatorNotes T1\tnote\n"
    )
    annotations = parse_ann(content)
    assert [(a.id, a.type, a.spans) for a in annotations] == [
        ("T1", "Value", ((251, 263), (276, 284))),
        ("T2", "Observation", ((235, 250),)),
    ]
    assert annotations[0].overlaps(280, 281)
    assert not annotations[0].overlaps(264, 275)


@pytest.mark.parametrize(
    "line",
    ["T1\tCondition\tasthma", "T1\tCondition 5\tasthma", "T1\tCondition 9 4\tasthma", "T1"],
)
def test_reader_rejects_malformed_entity_lines(line: str) -> None:
    with pytest.raises(BratError, match=":1:"):
        parse_ann(line + "\n")


def test_writer_numbers_lines_and_refuses_text_it_cannot_hold() -> None:
    assert format_ann([Entity("Drug", 3, 10, "aspirin"), Entity("Value", 11, 15, "≥ 18")]) == (
        "T1\tDrug 3 10\taspirin\nT2\tValue 11 15\t≥ 18\n"
    )
    with pytest.raises(BratError):
        format_ann([Entity("Drug", 0, 5, "a\tb")])


def test_tokens_keep_offsets_on_every_line() -> None:
    text = "ECOG 0-1\r\n\r\nHbA1c≥7%\n"
    lines = tokenize_lines(text)
    assert [[t.text for t in line] for line in lines] == [
        ["ECOG", "0", "-", "1"],
        ["HbA1c", "≥", "7", "%"],
    ]
    assert all(text[t.start : t.end] == t.text for line in lines for t in line)


def test_decode_turns_bio_tags_into_spans() -> None:
    text = "age over 18 years , no aspirin"
    tokens = tokenize_lines(text)[0]
    labels = ["B-Person", "B-Value", "I-Value", "I-Value", "O", "B-Negation", "I-Drug"]
    assert [(e.type, e.text) for e in decode(text, tokens, labels)] == [
        ("Person", "age"),
        ("Value", "over 18 years"),
        ("Negation", "no"),
        ("Drug", "aspirin"),
    ]


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("in the CNS ).", ["O", "O", "B-Condition", "I-Condition", "I-Condition"], "CNS"),
        (
            "HbA1c level \\ >",
            ["B-Measurement", "I-Measurement", "I-Measurement", "O"],
            "HbA1c level",
        ),
        ("( ECOG ) 2", ["B-Measurement", "I-Measurement", "I-Measurement", "O"], "( ECOG )"),
        (", ;", ["B-Value", "I-Value"], None),
    ],
)
def test_decode_trims_separators_and_unbalanced_brackets(
    text: str, labels: list[str], expected: str | None
) -> None:
    entities = decode(text, tokenize_lines(text)[0], labels)
    assert [e.text for e in entities] == ([] if expected is None else [expected])
