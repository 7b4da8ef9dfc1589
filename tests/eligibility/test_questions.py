"""Questions a person answers Yes / No / Not sure: one row per real criterion string."""

import pytest

import eligibility

ROWS = [
    # Templates from the constraints.
    ("Age ≥18 years;", "Are you 18 years or older?"),
    ("Aged 18-75 years (inclusive), males and females;", "Are you between 18 and 75 years old?"),
    ("Patients less than 18 years old", "Are you younger than 18 years?"),
    ("ECOG performance status 0-1.", "Is your ECOG performance status 1 or lower?"),
    ("ECOG performance status score >2", "Is your ECOG performance status higher than 2?"),
    (
        "ECOG performance status ≤2 (Karnofsky ≥60%, see Appendix A).",
        "Is your ECOG performance status 2 or lower and your Karnofsky score 60 or higher?",
    ),
    (
        "Karnofsky performance score >/= 30 at time of study entry.",
        "Is your Karnofsky score 30 or higher?",
    ),
    ("Pregnant or breastfeeding women.", "Are you pregnant or breastfeeding?"),
    ("Currently pregnant", "Are you pregnant?"),
    (
        "Negative pregnancy test in women of childbearing potential",
        "Can you confirm you are not pregnant?",
    ),
    (
        "Absolute neutrophil count (ANC) ≥ 1.5 x 109/L",
        "Has a recent test shown your neutrophil count (ANC) is 1.5 ×10⁹/L or more?",
    ),
    (
        "Have a Body Mass Index (BMI) > 40 kg/m2.",
        "Has a recent test shown your body mass index (BMI) is more than 40 kg/m²?",
    ),
    (
        "AST < 2.5 × ULN",
        "Has a recent test shown your AST liver enzyme level is less than 2.5 times the upper "
        "limit of normal (ULN)?",
    ),
    (
        "Creatinine clearance at least 60 mL/min",
        "Has a recent test shown your creatinine clearance (a kidney test) is 60 mL/min or more?",
    ),
    (
        "Major surgery within 30 days of randomization. Minor surgical procedures, such as "
        "catheter placement or minimally invasive biopsies, are allowed.",
        "Have you had major surgery in the last 30 days?",
    ),
    (
        "Physical therapy within the last year due to back pain",
        "Have you had physical therapy in the last 1 year?",
    ),
    ("Prior EGFR TKI therapy.", "Have you had EGFR TKI therapy?"),
    (
        "Prior therapy with a tyrosine kinase inhibitor",
        "Have you had a tyrosine kinase inhibitor (TKI)?",
    ),
    ("HIV positive status", "Do you have HIV?"),
    ("Previous treatment with blinatumomab", "Have you taken blinatumomab?"),
    (
        "More than two lines of chemotherapy of any type",
        "Have you had more than 2 lines of treatment before?",
    ),
    (
        "Prior lines of systemic anti-tumor therapy ≥ 2.",
        "Have you had at least 2 lines of treatment before?",
    ),
    (
        "Subjects failed in or were intolerant to 1-2 lines of chemotherapy.",
        "Have you had between 1 and 2 lines of treatment before?",
    ),
    ("Female", "Are you female?"),
    # Questions from the criterion's own wording.
    (
        "Known to have a psychiatric or substance abuse disorder that may have an impact on "
        "compliance with trial requirements",
        "Do you have a psychiatric or substance abuse disorder that may have an impact on "
        "compliance with trial requirements?",
    ),
    ("Life expectancy of at least 12 weeks", "Is your life expectancy at least 12 weeks?"),
    ("Unable to swallow oral medication", "Are you unable to swallow oral medication?"),
    (
        "Patient has had at least one prior systemic treatment for NSCLC",
        "Have you had at least one prior systemic treatment for NSCLC?",
    ),
    (
        "The patient has acute or chronic infection at the surgical site",
        "Do you have acute or chronic infection at the surgical site?",
    ),
    (
        "No prior systemic therapy for advanced stage disease.",
        "Can you confirm you have not had any prior systemic therapy for advanced stage disease?",
    ),
    (
        "Participation in another interventional clinical trial",
        "Are you taking part in another interventional clinical trial?",
    ),
    ("Fluent in English", "Are you fluent in English?"),
    ("Severe scoliosis", "Do you have severe scoliosis?"),
    (
        "Subjects who smoke more than 10 cigarettes per day",
        "Do you smoke more than 10 cigarettes per day?",
    ),
    (
        "Able to provide informed consent",
        "Are you able to give written informed consent to take part?",
    ),
    (
        "Willing and able to comply with the study visits",
        "Are you willing and able to comply with the study visits?",
    ),
    (
        "Patients with uncontrollable brain metastases;",
        "Do you have uncontrollable brain metastases?",
    ),
    ("History of allergy to titanium", "Have you ever had allergy to titanium?"),
    ("Diagnosis of psychiatric disorder", "Have you been diagnosed with psychiatric disorder?"),
    ("Current breast feeding", "Are you breastfeeding?"),
    ("Right handed", "Are you right handed?"),
    (
        "Abnormal screening laboratory parameters",
        "Does this apply to you: abnormal screening laboratory parameters?",
    ),
    (
        "Patients must have their own transport to the clinic",
        "Do you have your own transport to the clinic?",
    ),
]


@pytest.mark.parametrize(("text", "question"), ROWS, ids=[r[0][:40] for r in ROWS])
def test_question(text, question):
    parsed = eligibility.parse_criteria(text)
    assert [i.question for i in parsed.items] == [question]


def test_exclusions_are_asked_the_same_way_as_inclusions():
    inc = eligibility.parse_criteria("Inclusion Criteria:\n* Pregnant")
    exc = eligibility.parse_criteria("Exclusion Criteria:\n* Pregnant")
    assert inc.items[0].question == exc.items[0].question == "Are you pregnant?"


def test_the_rest_of_a_long_criterion_is_kept_as_details():
    parsed = eligibility.parse_criteria(
        "Immunotherapy within 4 weeks before start of protocol-specified therapy. "
        "Prior failed CD19 directed therapy will be allowed"
    )
    item = parsed.items[0]
    assert item.question == "Have you had immunotherapy in the last 4 weeks?"
    assert item.details.startswith("Prior failed CD19")
    assert not item.covered


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Salvage therapy after relapse", {"salvage therapy", "relapse"}),
        ("Prior CAR T cell therapy", {"CAR T"}),
        ("Karnofsky ≥ 70", {"Karnofsky"}),
        ("Bilirubin ≤ 1.5 x ULN", {"bilirubin", "ULN"}),
        ("In complete remission (CR1)", {"remission"}),
        ("Lansky play score ≥ 50", {"Lansky"}),
    ],
)
def test_glossary_help(text, terms):
    item = eligibility.parse_criteria(text).items[0]
    assert terms <= {h.term for h in item.help}
    assert all(h.text for h in item.help)
