"""Query processing of patient notes: negated findings out, demographics read, ages of trials."""

import pytest

from matching.query import age_limits, demographics, remove_negated
from matching.text import terms


@pytest.mark.parametrize(
    ("note", "gone", "kept"),
    [
        (
            "She denies smoking, diabetes, hypercholesterolemia, or a family history of heart "
            "disease.",
            ["smoking", "diabetes", "hypercholesterolemia", "heart"],
            [],
        ),
        (
            "A 58-year-old nonsmoker white female with mild exertional dyspnea.",
            ["nonsmoker", "smoker"],
            ["dyspnea", "female"],
        ),
        (
            "He denies upper respiratory tract symptoms. A chest x-ray shows bilateral "
            "infiltrates.",
            ["upper", "respiratory"],
            ["infiltrates", "chest"],
        ),
        (
            "The surgical incision shows no bleeding or signs of infection.",
            ["bleeding", "infection"],
            ["incision"],
        ),
        (
            "No fever but a productive cough for three weeks.",
            ["fever"],
            ["productive", "cough"],
        ),
        (
            "A neurologic examination is unremarkable, but a CT scan of the head shows a "
            "solitary mass.",
            ["neurologic"],
            ["solitary", "mass"],
        ),
        (
            "Physical examination is normal. The EKG shows nonspecific changes.",
            ["physical"],
            ["nonspecific", "ekg"],
        ),
        (
            "Urine culture was negative for bacteria; leukocytes in urine.",
            ["bacteria"],
            ["leukocytes", "urine"],
        ),
        (
            "She has no history of hypertension and takes metformin for diabetes.",
            ["hypertension"],
            ["metformin", "diabetes"],
        ),
        (
            "Her seizures did not respond to valproate.",
            [],
            ["seizures", "respond", "valproate"],
        ),
        (
            "The pain is not relieved by nitroglycerin.",
            [],
            ["pain", "relieved", "nitroglycerin"],
        ),
        (
            "Cultures grew a gram-negative rod.",
            [],
            ["gram", "negative", "rod"],
        ),
    ],
)
def test_negated_findings_are_removed_and_the_rest_kept(note, gone, kept):
    words = set(remove_negated(note).lower().replace("-", " ").replace(".", " ").split())
    for word in gone:
        assert word not in words, f"{word!r} should be gone from {remove_negated(note)!r}"
    for word in kept:
        assert word in words, f"{word!r} should stay in {remove_negated(note)!r}"


def test_denied_smoking_does_not_become_a_search_term():
    assert "smoke" not in terms(remove_negated("He denies smoking and alcohol use."))
    assert "smoke" in terms(remove_negated("He reports smoking two packs a day."))


@pytest.mark.parametrize(
    ("note", "age", "sex"),
    [
        ("A 58-year-old African-American woman presents to the ER", 58, "female"),
        ("An 8-year-old male presents in March to the ER with fever", 8, "male"),
        ("A 2-year-old boy is brought to the emergency department by his parents", 2, "male"),
        ("64-year-old obese female with diagnosis of diabetes mellitus", 64, "female"),
        ("A 6-month-old infant with wheezing", 0.5, None),
        ("A 32 yo man with back pain", 32, "male"),
        ("Patient with chest pain.", None, None),
    ],
)
def test_demographics_are_read_from_notes(note, age, sex):
    found = demographics(note)
    assert found.age_years == (pytest.approx(age) if age is not None else None)
    assert found.sex == sex


def test_demographic_words_match_the_age_group():
    assert "children" in demographics("A 4-year-old girl").terms()
    assert "adult" not in demographics("A 4-year-old girl").terms()
    assert "elderly" in demographics("A 78-year-old man").terms()


@pytest.mark.parametrize(
    ("criteria", "limits"),
    [
        ("Age 25 to 65 years", (25, 65)),
        ("Age>18 years", (18, 200)),
        ("Women aged 15-45 years resident in the area", (15, 45)),
        ("Age 18+", (18, 200)),
        ("age 21 to 65", (21, 65)),
        ("Children 0-15 years inclusive", (0, 15)),
        ("65 years of age or older", (65, 200)),
        ("The patient is 18 years of age or older", (18, 200)),
        ("Age >1 day", None),
        ("at any age ≥ 3 months (5 kg) of life", None),
        ("HbA1c between 7-10%", None),
        ("Patients with systemic lupus erythematosus", None),
    ],
)
def test_age_limits_of_trials(criteria, limits):
    assert age_limits(criteria) == limits
