"""Integrity of the rule tables kept as data (units, vocabulary, glossary, scales)."""

import json
import re
from pathlib import Path

import pytest

from eligibility import rules
from eligibility.profile import lexicon

DATA = Path(rules.__file__).parent / "data"
ROWS = json.loads((Path(__file__).parent / "data" / "constraint_rows.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_data_files_are_json_objects(name):
    assert isinstance(json.loads((DATA / name).read_text("utf-8")), dict)


def test_units_are_canonical_and_convertible():
    table = rules.unit_table()
    units = [u["unit"] for u in table["units"]]
    assert len(units) == len(set(units))
    for entry in table["units"]:
        assert entry["unit"] == entry["unit"].lower()
        assert entry["unit"] == "ms" or not entry["unit"].endswith("s"), "units are singular"
        for pattern in entry["patterns"]:
            re.compile(pattern, re.I)
    for conversion in table["conversions"]:
        assert conversion["from"] in units and conversion["to"] in units
        assert conversion["factor"] > 0
    assert set(table["time_units"]) <= set(units)
    assert set(rules.TIME_UNITS.values()) <= set(units)


@pytest.mark.parametrize(
    ("spelling", "unit"),
    [
        ("x ULN", "x uln"),
        ("× institutional upper limit of normal", "x uln"),
        ("xULN", "x uln"),
        ("x 10^9/L", "10^9/l"),
        ("× 10⁹/L", "10^9/l"),
        ("x 109/L", "10^9/l"),
        ("x10^3/µL", "10^9/l"),
        ("cells/mm^3", "cells/mm3"),
        ("/mm3", "cells/mm3"),
        ("cells/µL", "cells/mm3"),
        ("per cubic millimeter", "cells/mm3"),
        ("g/dL", "g/dl"),
        ("g/L", "g/l"),
        ("G/L", "10^9/l"),
        ("mL/min/1.73 m2", "ml/min"),
        ("mg/dL", "mg/dl"),
        ("µmol/L", "µmol/l"),
        ("umol/L", "µmol/l"),
        ("%", "%"),
        ("kg/m2", "kg/m2"),
        ("mmHg", "mmhg"),
        ("msec", "ms"),
        ("pounds", "lb"),
        ("weeks", "week"),
        ("yrs", "year"),
        ("hours", "hour"),
    ],
)
def test_unit_spellings(spelling, unit):
    found = rules.match_unit(spelling)
    assert found is not None and found[0] == unit


@pytest.mark.parametrize(
    ("value", "unit", "target", "factor", "expected"),
    [
        (1.5, "10^9/l", "cells/mm3", 1.0, 1500),
        (90, "g/l", "g/dl", 1.0, 9),
        (1.0, "mg/dl", "µmol/l", 88.42, 88.42),
        (12, "week", "day", 1.0, 84),
        (96, "hour", "day", 1.0, 4),
        (1, "year", "month", 1.0, 12),
    ],
)
def test_conversions(value, unit, target, factor, expected):
    assert rules.convert(value, unit, target, factor) == pytest.approx(expected)


def test_vocabulary_entries_are_complete():
    vocabulary = rules.vocabulary()
    assert set(vocabulary) == {"measurement", "therapy", "procedure", "drug", "condition"}
    for concept, terms in vocabulary.items():
        names = [t.name for t in terms]
        assert len(names) == len(set(names)), concept
        for term in terms:
            assert term.name == term.name.lower()
            assert term.display


def test_a_measurement_a_condition_implies_is_one_the_vocabulary_reads():
    measurements = {t.name for t in rules.vocabulary()["measurement"]}
    floors = rules.implied_floors()
    assert floors["bmi"] == (("obesity", 30.0),)
    for measurement, found in floors.items():
        assert measurement in measurements
        assert all(rules.term_by_name()[name].concept == "condition" for name, _ in found)


def test_a_measurements_own_unit_is_a_unit_of_the_table():
    units = {u["unit"] for u in rules.unit_table()["units"]}
    owned = {t.name: t.unit for ts in rules.vocabulary().values() for t in ts if t.unit}
    assert owned["bmi"] == "kg/m2"
    for name, unit in owned.items():
        assert rules.term_by_name()[name].concept == "measurement"
        assert unit in units


def test_the_words_of_a_pregnancy_line_say_nothing_a_man_could_meet():
    listed = rules.load("questions.json")["pregnancy_plan_words"]
    assert len(listed) == len(set(listed))
    words = rules.pregnancy_plan_words()
    assert all(w == w.lower() and w.isalpha() for w in words)
    assert {"pregnant", "planning", "become"} <= set(words)
    assert not {"father", "men", "male", "sperm", "partner", "contraception"} & set(words)


def test_the_words_of_a_womans_contraception_name_no_man_and_no_pregnancy():
    listed = rules.load("questions.json")["childbearing_words"]
    assert len(listed) == len(set(listed))
    words = rules.childbearing_words()
    assert all(w == w.lower() and w.isalpha() for w in words)
    assert {"childbearing", "contraception", "not"} <= words
    assert not {"father", "men", "male", "sperm", "partner", "fertile", "patients"} & words
    # Each list holds its own words: a pregnancy word never needs the childbearing condition.
    assert not words & rules.pregnancy_plan_words()


def test_literal_prefilter_never_hides_a_match():
    """The fast prefilter must keep every term whose pattern matches a real criterion."""
    terms = [t for ts in rules.vocabulary().values() for t in ts]
    for _, text, _ in ROWS:
        lowered = text.lower()
        for term in terms:
            if term.pattern.search(text):
                assert term in rules.candidate_terms((term.concept,), lowered), (term.name, text)
    entries = rules.glossary()
    for _, text, _ in ROWS:
        wanted = {i for i, e in enumerate(entries) if e.pattern.search(text)}
        assert wanted <= set(rules.glossary_index().candidates(text.lower())), text


def test_every_term_names_the_words_that_let_the_prefilter_skip_it():
    """A term without them is tried on every criterion of every trial."""
    for terms in rules.vocabulary().values():
        for term in terms:
            assert term.literals, term.name


REQUIRED_GLOSSARY = [
    "ECOG",
    "HSCT",
    "CNS",
    "CSF",
    "blasts",
    "salvage therapy",
    "refractory",
    "relapse",
    "remission",
    "TKI",
    "CAR T",
    "ULN",
    "Karnofsky",
    "Lansky",
]


def test_glossary_covers_the_jargon_and_each_entry_finds_its_own_term():
    entries = {e.term: e for e in rules.glossary()}
    assert set(REQUIRED_GLOSSARY) <= set(entries)
    for term, entry in entries.items():
        assert len(entry.text) > 20, term
        assert entry.pattern.search(term), f"glossary pattern for {term!r} does not match it"


def test_performance_table():
    table = rules.performance_table()
    mapping = table["ecog_to_karnofsky"]
    assert sorted(mapping) == ["0", "1", "2", "3", "4", "5"]
    previous_low = 101
    for grade in sorted(mapping):
        low, high = mapping[grade]
        assert 0 <= low <= high <= 100 and high < previous_low
        previous_low = low


@pytest.mark.parametrize(
    ("phrase", "op"),
    [
        ("≥", ">="),
        ("greater than or equal to", ">="),
        ("at least", ">="),
        (">/=", ">="),
        ("≤", "<="),
        ("no more than", "<="),
        ("not older than", "<="),
        ("up to", "<="),
        (">", ">"),
        ("more than", ">"),
        ("older than", ">"),
        ("<", "<"),
        ("below", "<"),
    ],
)
def test_comparators(phrase, op):
    assert rules.comparator(phrase) == op


QUESTIONS = json.loads((DATA / "questions.json").read_text("utf-8"))
# Values a question may use beside the pattern's own groups; the x forms need group x.
DERIVED = {"x0", "x1", "have_x", "had_x", "a_x"}


@pytest.mark.parametrize("row", QUESTIONS["text_patterns"], ids=lambda row: row["pattern"][:40])
def test_question_patterns_are_lower_case_and_fill_their_questions(row):
    """The rows are matched against the lowered criterion and fill their question."""
    assert set(row) == {"pattern", "question"}
    pattern, question = row["pattern"], row["question"]
    plain = re.sub(r"\\.|\(\?P<\w+>|\{\w+\}", "", pattern)
    assert plain == plain.lower(), "patterns are matched against lower-case text"
    macros = set(re.findall(r"\{([a-z_]+)\}", pattern))
    assert macros <= set(QUESTIONS["macros"]) | {"participle"}
    expanded = pattern
    for name, text in QUESTIONS["macros"].items():
        expanded = expanded.replace("{" + name + "}", text)
    expanded = expanded.replace("{participle}", "|".join(QUESTIONS["participles"]))
    groups = set(re.compile(expanded).groupindex)
    fields = set(re.findall(r"\{(\w+)\}", question))
    assert fields <= groups | (DERIVED if "x" in groups else set())
    assert question.endswith("?")
    assert question[:1].isupper() or question.startswith(("{have_x}", "{had_x}"))


def test_question_word_lists_are_lower_case_and_distinct():
    np = QUESTIONS["noun_phrase"]
    lists = [QUESTIONS["participles"], *np["heads"].values()]
    lists += [np[key] for key in ("end_words", "relative_words", "clause_words", "refuse_words")]
    lists += [np[key] for key in ("bad_words", "count_heads", "determiners", "lead_words")]
    lists += [np[key] for key in ("people_words", "window_words", "window_leads", "time_words")]
    for words in lists:
        assert words == [w.lower() for w in words]
        assert len(words) == len(set(words))
    heads = [w for words in np["heads"].values() for w in words]
    assert len(heads) == len(set(heads)), "a head word names one kind"
    assert set(np["count_heads"]) <= set(heads)
    for key, template in np["questions"].items():
        assert any(part in np["heads"] for part in key.split("_")), key
        assert re.findall(r"\{(\w+)\}", template) == ["x"]
    for key in ("lead", "refuse_pattern"):
        re.compile(np[key])
    re.compile(QUESTIONS["lead_noise"])
    assert {"label", "rest"} <= set(re.compile(QUESTIONS["scope_label"]).groupindex)


def _expanded(pattern):
    for name, text in QUESTIONS["macros"].items():
        pattern = pattern.replace("{" + name + "}", text)
    return pattern


def test_coordination_and_label_data_are_well_formed():
    """The lists that cut coordinated statements and the patterns of the labelled questions."""
    coordination = QUESTIONS["coordination"]
    lists = [QUESTIONS["adverbs"]]
    lists += [coordination[key] for key in ("verbs", "open_ends", "closed_ends", "first_words")]
    for words in lists:
        assert words == [w.lower() for w in words]
        assert len(words) == len(set(words))
    assert all(start.endswith(" ") for start in coordination["question_starts"])
    group = QUESTIONS["group_label"]
    for key in ("scope", "subject"):
        groups = set(re.compile(_expanded(group[key])).groupindex)
        assert {"female", "male", "potential", "rest"} <= groups
    assert group["first_words"] == [w.lower() for w in group["first_words"]]
    assert set(group["labels"]) == {"female", "male"}
    opinion = QUESTIONS["opinion_label"]
    re.compile(opinion["pattern"])
    assert opinion["label"].endswith(", ") and opinion["reach"] > 0
    re.compile(_expanded(QUESTIONS["self_report"]))


_COMPARATOR_PHRASES = [
    "age ≥ 18 years",
    "Greater than or equal to 2 lines",
    "more than 4 weeks",
    "Equal to or less than 3",
    "no more than two prior regimens",
    "At least 12 weeks",
    ">/= 1.5",
    "=< 2",
    "older than 65",
    "over 20 years",
    "exceeds 5",
    "minimum of 3 cycles",
    "under 12 months",
    "in excess of 100",
    "not younger than 18",
    "higher than 50 kg",
    "≦ 1",
]


@pytest.mark.parametrize("text", _COMPARATOR_PHRASES)
def test_factored_comparators_match_what_the_plain_alternation_matches(text):
    plain = re.compile("(?:" + "|".join(p for p, _ in rules.COMPARATORS) + ")", re.I)
    factored = re.compile(rules.CMP, re.I)
    assert [m.span() for m in factored.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert factored.search(text) is not None


def test_number_words_are_found_in_their_factored_form():
    pattern = re.compile(rf"^{rules.NUM}$", re.I)
    for word, value in rules.NUMBER_WORDS.items():
        assert pattern.match(word.upper()), word
        assert rules.number(word) == value
    assert re.match(rules.NUM, "fourteen", re.I).group(0) == "fourteen"  # not "four"


def test_factoring_refuses_a_branch_without_a_plain_first_character():
    with pytest.raises(ValueError):
        rules.by_first_character(["(?:a|b)c"])
    with pytest.raises(ValueError):
        rules.by_first_character(["s?he"])
    with pytest.raises(ValueError):  # "ſ" and "s" both match "S" when case is ignored
        rules.by_first_character(["ſome", "some"])


@pytest.mark.parametrize(
    ("source", "firsts"),
    [
        ("infections?", {"i"}),
        ("(?:other |another )?malignan(?:cy|cies)", {"o", "a", "m"}),
        (r"\bECOG\b|Zubrod", {"E", "Z"}),
        ("dis[ck]|disk", {"d"}),
        (r"\(CNS\)", {"("}),
        ("a{0,2}b", {"a", "b"}),
        (r"\d+ years", None),
        ("(?:a|b)?", None),  # can match nothing
        ("[a-z]+itis", None),
        (".*", None),
    ],
)
def test_first_characters(source, firsts):
    assert rules.first_characters(source) == (None if firsts is None else frozenset(firsts))


def test_first_character_lookahead_never_hides_a_match():
    """Every vocabulary pattern finds the same spans as its plain alternation."""
    texts = [text for _, text, _ in ROWS]
    for term in (t for ts in rules.vocabulary().values() for t in ts):
        plain = re.compile(rf"(?<![\w-])(?:{term.source})(?![\w])", term.pattern.flags)
        for text in texts:
            found = [m.span() for m in term.pattern.finditer(text)]
            assert found == [m.span() for m in plain.finditer(text)], (term.name, text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("age ≥18 years", {"age", "18", "years"}),
        ("1,000 cells/µl", {"1", "000", "cells", "µl"}),
        ("naïve_patients (no prior-therapy)", {"naïve", "patients", "no", "prior", "therapy"}),
        ("a\u00a0b\u2009c", {"a", "b", "c"}),
        ("≥≤", set()),
    ],
)
def test_words_are_runs_of_letters_and_digits(text, words):
    assert rules.words_of(text) == words


def test_a_terms_own_questions_answer_a_case_the_engine_reads():
    """Events are asked by state; measurements by comparison, with the limit in the question."""
    events = {"present", "active", "history", "absent"}
    limits = {"<": {"q"}, "<=": {"q"}, ">": {"q"}, ">=": {"q"}, "between": {"low", "high"}}
    asked = set()
    for term in rules.term_by_name().values():
        for case, question in term.questions:
            assert question.endswith("?"), (term.name, case)
            slots = set(re.findall(r"{(\w+)}", question))
            if term.concept == "measurement":
                assert slots == limits.get(case), (term.name, case)
            else:
                assert case in events and not slots, (term.name, case)
            asked.add(term.concept)
    assert {"measurement", "condition"} <= asked


def test_each_kind_of_cancer_is_one_the_note_reader_names():
    """A kind of cancer decides a line only when a profile can hold it under the same name (a
    lexicon row's own or one of its synonyms: every kind of lymphoma is also "lymphoma")."""
    cancers = [entry for entry in lexicon.of("conditions") if entry.cancer]
    read = {name.lower() for entry in cancers for name in (entry.name, *entry.synonyms)}
    kinds = rules.cancer_terms()
    assert kinds
    assert kinds <= read, kinds - read


def test_each_treated_condition_and_medicine_is_one_the_engine_and_note_reader_name():
    """A condition of ``treatments.json`` is one the vocabulary reads in criteria; its medicines
    are ones the note reader names, and its endings name medicines the note reader finds."""
    conditions = {term.name for term in rules.vocabulary()["condition"]}
    medicines = {entry.name.lower() for entry in lexicon.of("drugs")}
    suffixes = lexicon.drug_suffix_regex()
    table = rules.treatments()
    assert table
    for condition, (drugs, endings) in table.items():
        assert condition in conditions, condition
        assert drugs <= medicines, drugs - medicines
        for ending in endings:
            assert suffixes.fullmatch(f"abc{ending}"), ending


def test_sizes_of_unitless_values_are_in_order_and_in_units_the_engine_converts():
    """A measurement without a unit of its own reads a bare value in the unit its size implies;
    the sizes do not overlap and each unit converts to the others."""
    sized = [t for t in rules.vocabulary()["measurement"] if t.unitless]
    assert len(sized) >= 5
    for term in sized:
        assert term.unit is None, term.name
        bounds = [(low, below) for low, below, _ in term.unitless]
        assert all(low < below for low, below in bounds), term.name
        assert all(a[1] <= b[0] for a, b in zip(bounds, bounds[1:], strict=False)), term.name
        first = term.unitless[0][2]
        for _, _, unit in term.unitless[1:]:
            assert rules.convert_measured(term, 1.0, unit, first) is not None, (term.name, unit)


def test_a_measurements_own_factors_go_both_ways():
    """haemoglobin 5.5 mmol/L is 8.9 g/dL and 89 g/L; glucose 100 mg/dL is 5.55 mmol/L."""
    terms = rules.term_by_name()
    owned = [t for t in terms.values() if t.conversions]
    assert owned
    for term in owned:
        for a, b, factor in term.conversions:
            assert a != b and factor > 0, term.name
            there = rules.convert_measured(term, 2.0, a, b)
            assert there == pytest.approx(2.0 * factor)
            assert rules.convert_measured(term, there, b, a) == pytest.approx(2.0)
    hb = terms["hemoglobin"]
    assert rules.convert_measured(hb, 5.5, "mmol/l", "g/l") == pytest.approx(88.6, abs=0.1)
    assert rules.convert_measured(terms["glucose"], 100, "mg/dl", "mmol/l") == pytest.approx(
        5.55, abs=0.01
    )
