"""Questions a person answers Yes / No / Not sure: one row per real criterion string."""

import pytest

import eligibility
from eligibility import questions

ROWS = [
    # Templates from the constraints.
    ("Age ≥18 years;", "Are you 18 years or older?"),
    ("Aged 18-75 years (inclusive), males and females;", "Are you between 18 and 75 years old?"),
    ("Patients less than 18 years old", "Are you younger than 18 years?"),
    # An example after "e.g." is one way of having the term (NCT01562210).
    (
        "Immunocompromised patients e.g. human immunodeficiency virus (HIV)",
        "Do you have a weakened immune system (immunodeficiency) or HIV?",
    ),
    ("Immunosuppressive disorders.", "Do you have a weakened immune system (immunodeficiency)?"),
    # What the person is reported to have or to take (NCT06485206).
    (
        "Reported to have had any prior fusion or CDA surgery in the cervical spine",
        "Have you had any prior fusion or CDA surgery in the cervical spine?",
    ),
    (
        "Reported to be taking medications known to potentially interfere with bone/soft tissue "
        "healing",
        "Are you taking medications known to potentially interfere with bone/soft tissue healing?",
    ),
    # An allergic reaction to something (NCT00353704).
    (
        "Allergic reaction against gabapentin and/or pregabalin",
        "Have you had an allergic reaction to gabapentin and/or pregabalin?",
    ),
    # A past event said with "were" (NCT02334514).
    (
        "Patients who were treated with oseltamivir in the previous 6 months",
        "Were you treated with oseltamivir in the previous 6 months?",
    ),
    # A limit said without its unit is in the measurement's own (NCT01526382).
    ("Heart rate of at least 90/min;", "Is your heart rate (pulse) 90 bpm or more?"),
    # Both pressures under one limit (NCT05365607); a high one is past it in either (Chia
    # NCT03352869).
    (
        "resting blood pressure (BP, <160/100 mmHg);",
        "Is your blood pressure less than 160/100 mmHg?",
    ),
    (
        "high blood pressure (>160/100mmHg)",
        "Is your blood pressure more than 160/100 mmHg, in either number?",
    ),
    # Breathing rate (Chia NCT02531971).
    (
        "Respiration rate 12-18 breaths per minute",
        "Is your breathing rate between 12 and 18 breaths a minute?",
    ),
    # "or" after a limit, before words nothing reads: a choice the template would drop
    # (NCT01526382, NCT01534065).
    (
        "A respiratory rate of at least 20/min or a PaCO2 of 32mmHg or lower or the use of "
        "mechanical ventilation;",
        "Does this apply to you: a respiratory rate of at least 20/min or a PaCO2 of 32mmHg or "
        "lower or the use of mechanical ventilation?",
    ),
    (
        "Subject is morbidly obese (defined as a body mass index >40, or weighs more than 100 "
        "lbs over ideal body weight).",
        "Are you morbidly obese (defined as a body mass index >40, or weighs more than 100 lbs "
        "over ideal body weight)?",
    ),
    # Each sex its own ages (NCT00841789).
    (
        "Male Age 2 months to 20 years of age Female Age 2 months to 11 years of age",
        "Are you a man between 2 months and 20 years old, or a woman between 2 months and 11 "
        "years old?",
    ),
    # Weeks of a pregnancy, and of the pregnancy one was born in (NCT01308112, NCT01260883,
    # NCT02708238).
    ("Pregnant, with gestational age <23 weeks", "Are you pregnant and less than 23 weeks along?"),
    ("Premature birth (<36 weeks gestation)", "Were you born before 36 weeks of pregnancy?"),
    (
        "term delivery (≥37 weeks gestation at birth);",
        "Were you born at 37 weeks of pregnancy or later?",
    ),
    # Symptoms (NCT00711399, NCT01766830).
    ("Patients with cough or shortness of breath", "Do you have a cough or shortness of breath?"),
    ("fever for ≥ 1 week", "Have you had a fever for at least 1 week?"),
    # "being", "having": no more than the condition
    ("Being diagnosed with diabetes mellitus", "Do you have diabetes?"),
    (
        "Patients having Lumbar radiculopathy diagnosed with lumbar disc herniation.",
        "Do you have nerve root pain (radiculopathy or sciatica) and a herniated (slipped) disc?",
    ),
    ("Has a primary diagnosis of schizophrenia.", "Do you have schizophrenia?"),
    ("Primary diagnosis of Major Depressive Disorder (MDD)", "Do you have major depression?"),
    # what may be either way asks nothing more
    (
        "History of liver cirrhosis with or without hepatitis viral co-infection.",
        "Have you ever had cirrhosis of the liver?",
    ),
    (
        "Sciatica with or without lower back pain for > 3 months",
        "Do you have sciatica with or without lower back pain for > 3 months?",
    ),
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
        "BMI less than 20 or greater than 50",
        "Has a recent test shown your body mass index (BMI) is less than 20 or more than 50?",
    ),
    (
        "BMI >15 and < 30 kg/m2",
        "Has a recent test shown your body mass index (BMI) is more than 15 kg/m² and less than "
        "30 kg/m²?",
    ),
    (
        "Screening Oswestry Disability Index (ODI) score ≥ 30 and < 90 on a 100-point scale",
        "Has a recent test shown your Oswestry Disability Index score is 30 or more and less "
        "than 90?",
    ),
    (
        "Body weight index (BMI) <18.5 kg/m2 or BMI > 35 kg/m2;",
        "Has a recent test shown your body mass index (BMI) is less than 18.5 kg/m² or more "
        "than 35 kg/m²?",
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
    (
        "Patients with other psychiatric comorbidities are included.",
        "Does this describe you: other psychiatric comorbidities?",
    ),
    ("Recurrent disc herniation", "Does this describe your disease: recurrent disc herniation?"),
    (
        "Previous or current exposure to Raptiva®",
        "Do you have, or have you ever had, exposure to Raptiva®?",
    ),
    (
        "Patients must be accessible for treatment and follow-up.",
        "Are you accessible for treatment and follow-up?",
    ),
    ("Patients who are cognitively impaired", "Are you cognitively impaired?"),
    ("Currently receiving HIV care", "Are you currently receiving HIV care?"),
    (
        "Must have primary residence in the United States",
        "Do you have primary residence in the United States?",
    ),
    ("Presence of ferromagnetic implants", "Do you have ferromagnetic implants?"),
    ("Evidence of parkinsonism", "Do you have signs of parkinsonism?"),
    ("Ability to swallow medications.", "Are you able to swallow medications?"),
    ("Capable of giving informed consent", "Are you capable of giving informed consent?"),
    ("No measurable lesion", "Can you confirm you do not have measurable lesion?"),
    ("Treated with epidural injections.", "Have you been treated with epidural injections?"),
    ("Use of prescribed opioids", "Do you use prescribed opioids?"),
    ("Lives in the United States.", "Do you live in the United States?"),
    ("Access to a mobile device", "Do you have access to a mobile device?"),
    ("Lifetime diagnosis of bipolar disorder", "Have you ever had bipolar disorder?"),
    ("Is a prisoner", "Are you a prisoner?"),
    ("Patient must have participated in Study REP001a.", "Have you participated in Study REP001a?"),
    (
        "Any condition that precludes the surgical procedure.",
        "Do you have a condition that precludes the surgical procedure?",
    ),
    # Questions from the criterion's wording: one row per rule of text_patterns.
    ("Self report of diagnosis with PTSD", "Have you been diagnosed with PTSD?"),
    (
        "Healthy subjects as established by clinical evaluation (medical history and physical "
        "examination) before entering in the study.",
        "Are you healthy, as established by clinical evaluation (medical history and physical "
        "examination) before entering in the study?",
    ),
    (
        "An alcohol and/or drug abuser currently or recently undergoing treatment for alcohol "
        "and/or drug abuse.",
        "Are you an alcohol and/or drug abuser currently or recently undergoing treatment for "
        "alcohol and/or drug abuse?",
    ),
    ("smokers", "Do you smoke?"),
    ("Current smokers", "Do you smoke?"),
    ("Current or lifetime psychosis", "Have you ever had psychosis?"),
    ("Known diagnosis of OSA", "Do you have obstructive sleep apnea?"),
    (
        "Known autoimmune disease (e.g., systemic lupus erythematosus)",
        "Do you have an autoimmune disease or lupus (systemic lupus erythematosus)?",
    ),
    # What a bracket says of the only thing the line reads is asked with it (NCT04691388).
    (
        "Small cell lung cancer (including mixed small cell lung cancer and non-small cell lung "
        "cancer);",
        "Do you have small cell lung cancer (including mixed small cell lung cancer and non-small "
        "cell lung cancer)?",
    ),
    (
        "Adequate liver function (AST (SGOT)/ALT (SGPT) ≤2.5 x institutional upper limit of "
        "normal unless liver metastases are present, in which case it must be ≤5x ULN, bilirubin "
        "< grade 2, transaminases no more than 3xULN/<5xULN in presence of liver metastases);",
        "Do you have adequate liver function (AST (SGOT)/ALT (SGPT) ≤2.5 x institutional upper "
        "limit of normal unless liver metastases are present, in which case it must be ≤5x ULN, "
        "bilirubin < grade 2, transaminases no more than 3xULN/<5xULN in presence of liver "
        "metastases)?",
    ),
    (
        "Any protected person (legal person protected by legal protection [guardianship, "
        "tutorship], person deprived of liberty, pregnant woman, breastfeeding woman, and minor)",
        "Does this apply to you: any protected person (legal person protected by legal protection "
        "[guardianship, tutorship], person deprived of liberty, pregnant woman, breastfeeding "
        "woman, and minor)?",
    ),
    # ... but not what repeats the line (NCT05365607).
    (
        "age >22 years (rationale is because the device has only been used in adults in 22 years "
        "and older);",
        "Are you older than 22 years?",
    ),
    # Several results, one limit each: all of them in an inclusion (NCT05821933), any one in
    # an exclusion that lists them apart (NCT00034437).
    (
        "Bone marrow function: Hemoglobin ≥9 g/dL Absolute neutrophil count (ANC) ≥1.5 × 10^9/L "
        "Platelet count ≥100 × 10^9/L",
        "Have recent tests shown your hemoglobin level is 9 g/dL or more, your neutrophil count "
        "(ANC) is 1.5 ×10⁹/L or more and your platelet count is 100 ×10⁹/L or more?",
    ),
    # "more than or equal to" is a bound, not a choice (NCT02526537).
    (
        "Absolute neutrophil count (ANC) >= 1.75 x 109 / L, platelet >= 100 x 109 / L, "
        "hemoglobin is more than or equal to 9 g / dl",
        "Have recent tests shown your neutrophil count (ANC) is 1.75 ×10⁹/L or more, your "
        "platelet count is 100 ×10⁹/L or more and your hemoglobin level is 9 g/dL or more?",
    ),
    # Results listed under one limit (NCT00997100, NCT04042844).
    (
        "AST (SGOT) / ALT (SGPT) ≤ 2.5 x ULN",
        "Have recent tests shown your AST liver enzyme level and your ALT liver enzyme level are "
        "each 2.5 times the upper limit of normal (ULN) or less?",
    ),
    (
        "Alanine aminotransferase (ALT) or aspartate aminotransferase (AST) ≥ 2 x ULN",
        "Has a recent test shown your ALT liver enzyme level or your AST liver enzyme level is 2 "
        "times the upper limit of normal (ULN) or more?",
    ),
    (
        "Current (past year) diagnosis of a substance use disorder",
        "Have you had alcohol or drug misuse in the last 1 year?",
    ),
    ("Age 18 and over.", "Are you 18 years or older?"),
    ("At least 18 years of age at the time of surgery", "Are you 18 years or older?"),
    ("18+ years of age", "Are you 18 years or older?"),
    (
        "History or evidence of orthopaedic or muscular problems,",
        "Do you have, or have you ever had, orthopaedic or muscular problems?",
    ),
    (
        "Current or previous use of the Beats Medical Parkinson's application.",
        "Are you using, or have you ever used, the Beats Medical Parkinson's application?",
    ),
    (
        "Current or recent (within 10 days of first dose of bevacizumab) use of aspirin "
        "(325 mg/day) or other nonsteroidal anti-inflammatory agents known to inhibit platelet "
        "function.",
        "Are you using, or have you recently used (within 10 days of first dose of bevacizumab), "
        "aspirin (325 mg/day) or other nonsteroidal anti-inflammatory agents known to inhibit "
        "platelet function?",
    ),
    (
        "Patients must have had prior platinum-based chemotherapy",
        "Have you had prior platinum-based chemotherapy?",
    ),
    ("Persons with a smoking habit.", "Do you smoke?"),
    (
        "Medical history of interstitial lung disease",
        "Have you ever had interstitial lung disease?",
    ),
    (
        "A diagnosis of MAS within the last 8 weeks prior to enrollment.",
        "Have you been diagnosed with MAS within the last 8 weeks prior to enrollment?",
    ),
    ("Concomitant use of any JAK inhibitor.", "Are you currently using any JAK inhibitor?"),
    (
        "Concurrent treatment with immunosuppressive agents",
        "Are you currently receiving treatment with immunosuppressive agents?",
    ),
    (
        "Concurrent administration of any other antitumour therapy",
        "Are you currently receiving any other antitumour therapy?",
    ),
    (
        "Concurrent enrollment in any other clinical trial;",
        "Are you currently taking part in any other clinical trial?",
    ),
    (
        "Currently performs at least 3 fasting fingerstick glucose measurements/week",
        "Do you currently perform at least 3 fasting fingerstick glucose measurements/week?",
    ),
    ("Currently a prisoner", "Are you currently a prisoner?"),
    ("Patients that are pregnant", "Are you pregnant?"),
    ("Patients that have a pacemaker", "Do you have a pacemaker?"),
    ("Patients who have been on ECMO < 6 hours.", "Have you been on ECMO < 6 hours?"),
    ("The patient has a spinal tumor", "Do you have a spinal tumor?"),
    ("Patient is older than 85", "Are you older than 85?"),
    ("patients who required emergency surgery,", "Have you required emergency surgery?"),
    (
        "Those who participate in another intervention study",
        "Do you participate in another intervention study?",
    ),
    ("Conservative methods are ineffective", "Have conservative methods been ineffective for you?"),
    (
        "There is currently a peripheral neuropathy of ≥CTCAE 2 degrees, except for trauma;",
        "Do you currently have a peripheral neuropathy of ≥CTCAE 2 degrees, except for trauma?",
    ),
    ("There is a history of immunodeficiency", "Do you have a history of immunodeficiency?"),
    ("Positive screen for HIV", "Have you tested positive for HIV?"),
    ("HCV antibody positive;", "Have you tested positive for HCV antibody?"),
    (
        "Clinical Frailty Scale score between 2 and 4.",
        "Is your Clinical Frailty Scale score between 2 and 4?",
    ),
    ("Any prior cervical spine surgery.", "Have you had any prior cervical spine surgery?"),
    (
        "Receipt of FVIII gene therapy at any time.",
        "Have you received FVIII gene therapy at any time?",
    ),
    (
        "Patient consents to treatment with epidural injection in a shared decision-making "
        "process with the treating physician.",
        "Do you consent to treatment with epidural injection in a shared decision-making process "
        "with the treating physician?",
    ),
    ("Owns a smartphone.", "Do you own a smartphone?"),
    ("Must agree not to donate blood or semen", "Do you agree not to donate blood or semen?"),
    ("Speak English", "Do you speak English?"),
    (
        "Must not have received prior systemic therapy for HCC",
        "Can you confirm you have not received prior systemic therapy for HCC?",
    ),
    (
        "Patient must not have hypokalemia (value < institutional lower limit of normal)",
        "Can you confirm you do not have hypokalemia (value < institutional lower limit of "
        "normal)?",
    ),
    (
        "Participants must not be a member of the same household as another research participant",
        "Can you confirm you are not a member of the same household as another research "
        "participant?",
    ),
    (
        "Does not understand written and spoken English",
        "Can you confirm you do not understand written and spoken English?",
    ),
    (
        "Must be a candidate for small molecule drug treatment.",
        "Are you a candidate for small molecule drug treatment?",
    ),
    (
        "Patient can read, write, and speak in English",
        "Can you read, write, and speak in English?",
    ),
    (
        "The participants cannot read or write in Japanese",
        "Are you unable to read or write in Japanese?",
    ),
    ("Previously diagnosed with osteomalacia;", "Have you been diagnosed with osteomalacia?"),
    (
        "Patients not treated with discectomy for the lumbar disc herniation.",
        "Can you confirm you have not been treated with discectomy for the lumbar disc herniation?",
    ),
    ("Patient operated with UBE technique", "Have you been operated with UBE technique?"),
    ("Participated in the WHIMS study", "Have you participated in the WHIMS study?"),
    ("Previously undergone spine surgery.", "Have you had spine surgery?"),
    ("Is currently using Insulin", "Are you currently receiving insulin?"),
    ("1. Male or female patients, age: ≥ 18 years of age;", "Are you 18 years or older?"),
    ("Children 0-15 years inclusive", "Are you 15 years or younger?"),
    (
        "Between 18-80 years of age and may be of either gender or any race.",
        "Are you between 18 and 80 years old?",
    ),
    (
        "Adults ≥ 18 and ≤ 80 years of age and skeletally mature at the time of surgery;",
        "Are you between 18 and 80 years old?",
    ),
    ("Evidence of an active infection.", "Do you currently have an infection?"),
    ("Patients with active local or systemic infection.", "Do you currently have an infection?"),
    (
        "Had previously received an allogeneic bone marrow transplant.",
        "Have you had an allogeneic stem cell transplant (HSCT)?",
    ),
    (
        "underwent lumbar disc herniation surgery",
        "Have you undergone lumbar disc herniation surgery?",
    ),
    (
        "The patient had a past recurrent disc herniation treated with sequestrectomy of the "
        "relevant disc.",
        "Have you had a past recurrent disc herniation treated with sequestrectomy of the "
        "relevant disc?",
    ),
    (
        "no history of hypertension or diabetes.",
        "Can you confirm you do not have high blood pressure (hypertension) or diabetes?",
    ),
    ("Clinical diagnosis of hypertension", "Do you have high blood pressure (hypertension)?"),
    (
        "Known or suspected active tuberculosis.",
        "Do you have, or are you suspected of having, active tuberculosis?",
    ),
    (
        "Known or suspected hypersensitivity to afatinib or any of its excipients.",
        "Do you have, or are you suspected of having, hypersensitivity to afatinib or any of its "
        "excipients?",
    ),
    (
        "Patients without NSCLC",
        "Can you confirm you do not have non-small cell lung cancer (NSCLC)?",
    ),
    ("Having pain due to LDH", "Do you have pain due to LDH?"),
    ("Having given their consent.", "Have you given your consent?"),
    ("Subjects under dialysis", "Are you under dialysis?"),
    (
        "Patients undergoing a lumbar slipped disc surgery",
        "Are you undergoing a lumbar slipped disc surgery?",
    ),
    ("At risk for suicide", "Are you at risk for suicide?"),
    ("Seeking therapy for paranoia", "Are you seeking therapy for paranoia?"),
    ("being treated with ART OR", "Are you being treated with ART?"),
    (
        "Be likely to return for all follow-up visits; and",
        "Are you likely to return for all follow-up visits?",
    ),
    (
        "Willingness to undergo repeat sleep study (PSG) and blood studies;",
        "Are you willing to undergo repeat sleep study (PSG) and blood studies?",
    ),
    (
        "Willingness and ability to comply with scheduled visit and study procedures",
        "Are you willing and able to comply with scheduled visit and study procedures?",
    ),
    (
        "Unwillingness to discontinue current ineffective psycho- or pharmacotherapy",
        "Are you unwilling to discontinue current ineffective psycho- or pharmacotherapy?",
    ),
    ("Refusal to undergo regional anesthesia.", "Do you refuse to undergo regional anesthesia?"),
    (
        "Agreement not to participate in a conception process (e.g., active attempt to become "
        "pregnant or to impregnate, donate sperm, in vitro fertilization).",
        "Do you agree not to participate in a conception process (e.g., active attempt to "
        "become pregnant or to impregnate, donate sperm, in vitro fertilization)?",
    ),
    ("Contraindications to undergo a MRI", "Is there a medical reason you cannot undergo a MRI?"),
    (
        "Contraindication of NSAIDs including intercurrent disease, hypersensitivity reaction "
        "or other medication",
        "Is there a medical reason you cannot take NSAIDs including intercurrent disease, "
        "hypersensitivity reaction or other medication?",
    ),
    ("Contraindication to MRI", "Is there a medical reason you cannot have MRI?"),
    (
        "Owning a smartphone compatible with the Sidekick Health app and capable of using it.",
        "Do you own a smartphone compatible with the Sidekick Health app and capable of using it?",
    ),
    ("shift workers", "Are you a shift worker?"),
    (
        "Female subjects who are pregnant, lactating, or planning to become pregnant during the "
        "study period.",
        "Women only: Are you pregnant, lactating, or planning to become pregnant during the "
        "study period?",
    ),
    (
        "At least six weeks of prior conservative treatment (e.g., physical therapy and/or use "
        "of anti-inflammatory medications, narcotics, and muscle relaxants at the "
        "manufacturer's recommended therapeutic dose);",
        "Have you had at least six weeks of prior conservative treatment (e.g., physical therapy "
        "and/or use of anti-inflammatory medications, narcotics, and muscle relaxants at the "
        "manufacturer's recommended therapeutic dose)?",
    ),
    ("Scheduled for elective spine surgery", "Are you scheduled for elective spine surgery?"),
    # A criterion that is only a noun phrase naming a condition.
    ("Pulmonary edema or cyanosis.", "Do you have pulmonary edema or cyanosis?"),
    ("Medically uncontrolled hypertension", "Do you have medically uncontrolled hypertension?"),
    ("Pain due to skin infections", "Do you have pain due to skin infections?"),
    ("Sensory deficit", "Do you have a sensory deficit?"),
    (
        "Antisocial or Borderline Personality Disorder",
        "Do you have Antisocial or Borderline Personality Disorder?",
    ),
    (
        "Other malignancy within the past five years other than basal cell skin cancer or "
        "carcinoma in situ of the cervix.",
        "Have you had any other malignancy within the past five years other than basal cell "
        "skin cancer or carcinoma in situ of the cervix?",
    ),
    (
        "Hospital admission in the previous 3 months.",
        "Have you had a hospital admission in the previous 3 months?",
    ),
    (
        "Concomitant psychological treatment for sleep problems",
        "Are you currently receiving psychological treatment for sleep problems?",
    ),
    (
        "Atropine treatment in the past 2 weeks.",
        "Have you had atropine treatment in the past 2 weeks?",
    ),
    ("Recent trauma (<6 months).", "Have you recently had trauma (<6 months)?"),
    ("Self-reported symptoms of depression", "Do you have symptoms of depression?"),
    ("Lumbar disc herniation proved by MRI", "Do you have lumbar disc herniation proved by MRI?"),
    # Shapes asked by their own rows: consent in other words, test results, "Any ... condition",
    # smoking, languages, "Absence of", lesions, "Had ...", "Who have ...", "In case of ...".
    (
        "Voluntarily agree to participate in the study and sign an informed consent form.",
        "Are you able to give written informed consent to take part?",
    ),
    ("Signed consent", "Are you able to give written informed consent to take part?"),
    ("Negative HIV test at screening", "Have you had a negative HIV test at screening?"),
    (
        "Positive urine test for drugs of abuse (blood for alcohol)",
        "Have you had a positive urine test for drugs of abuse (blood for alcohol)?",
    ),
    (
        "Who have undergone standard/open microdiscectomy",
        "Have you undergone standard/open microdiscectomy?",
    ),
    (
        "Had previous decompression at the involved levels.",
        "Have you had previous decompression at the involved levels?",
    ),
    (
        "Had a condition that prevented them from exercising.",
        "Have you had a condition that prevented you from exercising?",
    ),
    (
        "In case of significant vascular impairment proximal to the graft site.",
        "Do you have significant vascular impairment proximal to the graft site?",
    ),
    ("Cigarette smoking", "Do you smoke?"),
    ("Current Smoking", "Do you smoke?"),
    (
        "Smoking more than 5 cigarettes per day.",
        "Do you smoke more than 5 cigarettes per day?",
    ),
    ("English speakers", "Do you speak English?"),
    ("Sufficient fluency in English", "Do you speak English fluently?"),
    ("Non-English speaking patients", "Are you unable to speak English?"),
    ("Absence of measurable lesions;", "Can you confirm you do not have measurable lesions?"),
    (
        "At least one measurable lesion according to RECIST 1.1 criteria.",
        "Do you have at least one measurable lesion according to RECIST 1.1 criteria?",
    ),
    ("Poorly controlled hypertension.", "Do you have poorly controlled hypertension?"),
    (
        "Women with untreated thyroid abnormalities",
        "Women only: Do you have untreated thyroid abnormalities?",
    ),
    ("* Healthy participants", "Are you healthy?"),
    ("Male or female", "Are you male or female?"),
    ("Any gender", "Are you male or female?"),
    ("Both genders are eligible for study", "Are you male or female?"),
    ("Be a U.S. Resident", "Are you a U.S. Resident?"),
    ("Not residing in the U.S.", "Are you not residing in the U.S.?"),
    ("Postmenopausal women", "Are you a postmenopausal woman?"),
    (
        "Has not received physical therapy or rehabilitation in the last 3 months;",
        "Can you confirm you have not had physical therapy in the last 3 months?",
    ),
    ("Postmenopausal female, 55-75 years old", "Are you a postmenopausal woman, 55-75 years old?"),
    (
        "Participants having undergone a surgical procedure affecting the structure/biomechanics "
        "of the disc",
        "Have you undergone a surgical procedure affecting the structure/biomechanics of the disc?",
    ),
    (
        "Do you feel nervous, anxious, or on edge?",
        "Does this apply to you: do you feel nervous, anxious, or on edge?",
    ),
    ("Patients of both sexes.", "Are you male or female?"),
    ("Males and females (age 9 - 17.99)", "Are you between 9 and 17.99 years old?"),
    ("Not being able to fill out questionnaires", "Are you unable to fill out questionnaires?"),
    (
        "Subjects who are pregnant or plan to become pregnant in the next 24 months",
        "Are you pregnant or planning to become pregnant in the next 24 months?",
    ),
    (
        "Pregnant, or intend to become pregnant, during the course of the study",
        "Are you pregnant or planning to become pregnant during the course of the study?",
    ),
    (
        "Any terminal, systemic or autoimmune disease;",
        "Do you have any terminal, systemic or autoimmune disease?",
    ),
    (
        "Any condition contraindicated with blood sampling procedures required by the protocol.",
        "Do you have any condition contraindicated with blood sampling procedures required by "
        "the protocol?",
    ),
    (  # "disease" is not the head of "disease events": an event, asked as one
        "Any symptomatic coronary disease events within 6 months prior to the screening visit.",
        "Have you had any symptomatic coronary disease events within 6 months prior to the "
        "screening visit?",
    ),
    (
        "Other serious illness or medical condition potentially interfering with the study.",
        "Do you have any other serious illness or medical condition potentially interfering with "
        "the study?",
    ),
    # A stray list number or label before the criterion.
    (
        "2 History of uncontrolled intercurrent illness;",
        "Have you ever had uncontrolled intercurrent illness?",
    ),
    (
        ". There are ulcers, intestinal perforations, and intestinal obstruction.",
        "Do you have ulcers, intestinal perforations, and intestinal obstruction?",
    ),
    (
        "Cohort 2: Subjects with unresectable, stage III NSCLC evaluated by MDT.",
        "Cohort 2: Do you have unresectable, stage III NSCLC evaluated by MDT?",
    ),
    # Statements joined by "and" or "or", each asked in turn.
    (
        "Participants who had participated in other clinical trial within 1 month, or have plan "
        "for participation in other trial during follow up period of this trial",
        "Have you participated in other clinical trial within 1 month, or do you have plan for "
        "participation in other trial during follow up period of this trial?",
    ),
    (
        "Subject is capable of reading and understanding English and has provided written "
        "informed consent to participate.",
        "Are you capable of reading and understanding English, and are you able to give written "
        "informed consent to take part?",
    ),
    (
        "The patient has a primary hyperparathyroidism or hyperthyroidism, has chronic renal "
        "failure or has had previous fragility fractures.",
        "Do you have a primary hyperparathyroidism or hyperthyroidism, do you have chronic "
        "renal failure, or have you had previous fragility fractures?",
    ),
    (
        "Agrees to participate in the study and is able to understand and sign the Informed "
        "Consent",
        "Do you agree to participate in the study, and are you able to understand and sign the "
        "Informed Consent?",
    ),
    (
        "Subjects who are pregnant or plan to become pregnant in the next 12 months or who are "
        "lactating.",
        "Are you pregnant, do you plan to become pregnant in the next 12 months, or are you "
        "lactating?",
    ),
    # A criterion on one sex, asked under a label.
    (
        "Female participant must agree not to breastfeed starting at screening and throughout "
        "the study period and for 6 months after study intervention administration.",
        "Women only: Do you agree not to breastfeed starting at screening and throughout the "
        "study period and for 6 months after study intervention administration?",
    ),
    (
        "Females of childbearing potential must have a negative pregnancy test and use approved "
        "contraception from screening to 30 days after the last study drug is given",
        "Women of childbearing potential only: Do you have a negative pregnancy test, and do "
        "you use approved contraception from screening to 30 days after the last study drug is "
        "given?",
    ),
    (
        "If female, subjects who are pregnant or are trying to become pregnant during the "
        "course of the trial (due to risks of additional radiation exposures)",
        "Women only: Are you pregnant, or are you trying to become pregnant during the course "
        "of the trial (due to risks of additional radiation exposures)?",
    ),
    (
        "For males, agree to be abstinent from heterosexual intercourse, or agree to use "
        "acceptable contraception, for the duration of study and 1 week after",
        "Men only: Do you agree to be abstinent from heterosexual intercourse, or do you agree "
        "to use acceptable contraception, for the duration of study and 1 week after?",
    ),
    (
        "WOCBP who agrees to follow the contraceptive guidance from the time of informed "
        "consent through at least 6 months after study intervention administration.",
        "Women only: Do you agree to follow the contraceptive guidance from the time of "
        "informed consent through at least 6 months after study intervention administration?",
    ),
    (
        "Women who use anticonception or are in their menopause. If this is not the case, a "
        "negative pregnancy test is necessary",
        "Women only: Do you use anticonception, or are you in your menopause?",
    ),
    # A criterion the investigator judges, and one the person reports.
    (
        "Participants who, in the opinion of the investigator, present a serious risk of suicide.",
        "In the study doctor's opinion, do you present a serious risk of suicide?",
    ),
    (
        "Participant who, in the investigator's judgment, poses a significant suicide risk. "
        "Participant's recent history of suicidal behavior and/or suicidal ideation should be "
        "considered when evaluating for suicide risk.",
        "In the study doctor's opinion, do you pose a significant suicide risk?",
    ),
    (
        "In the opinion of the investigator, life expectancy < one (1) year",
        "In the study doctor's opinion, is your life expectancy < one (1) year?",
    ),
    (
        "Participants must self-report smoking at least 1 cigarette per day in the 30 days "
        "prior to screening",
        "Do you smoke at least 1 cigarette per day in the 30 days prior to screening?",
    ),
    (
        "Participants must self-report that they are comfortable reading, writing, and speaking "
        "English",
        "Are you comfortable reading, writing, and speaking English?",
    ),
    (
        "Self-report having repetitive nightmares contributing to disrupted sleep",
        "Do you have repetitive nightmares contributing to disrupted sleep?",
    ),
    # More text rules.
    ("Acceptance to participate in the study.", "Do you agree to take part in this study?"),
    (
        "Disease progression after prior immunization (PD-1/L1 antibody)or combined with "
        "platinum-based chemotherapy;",
        "Has your disease progressed after prior immunization (PD-1/L1 antibody)or combined "
        "with platinum-based chemotherapy?",
    ),
    (
        "Diagnosis or suspicion of dementia",
        "Do you have, or are you suspected of having, dementia?",
    ),
    (
        "Suspected or known allergies or intolerance to the implant materials.",
        "Do you have, or are you suspected of having, allergies or intolerance to the implant "
        "materials?",
    ),
    (
        "With uncontrolled ascites or pleural effusion;",
        "Do you have uncontrolled ascites or pleural effusion?",
    ),
    (
        "Inability or unwillingness to take folic acid or vitamin B12 supplementation",
        "Are you unable or unwilling to take folic acid or vitamin B12 supplementation?",
    ),
    (
        "Not a woman of childbearing potential (WOCBP).",
        "Can you confirm you are not a woman of childbearing potential (WOCBP)?",
    ),
    (
        "Not being fluent in English (due to instructions provided in English)",
        "Can you confirm you are not fluent in English (due to instructions provided in English)?",
    ),
    (
        "not having diseases affecting cognitive functions or thermoregulation due to systemic "
        "effects,",
        "Can you confirm you do not have diseases affecting cognitive functions or "
        "thermoregulation due to systemic effects?",
    ),
    (
        "Not undergone previous spinal surgery at the affected disc level(s).",
        "Can you confirm you have not undergone previous spinal surgery at the affected disc "
        "level(s)?",
    ),
    ("Eligible for buprenorphine treatment", "Are you eligible for buprenorphine treatment?"),
    (
        "In contact with secondary care mental health services",
        "Are you in contact with secondary care mental health services?",
    ),
    # How a diagnosis was confirmed is how it is made: the answer is the diagnosis's, shared by
    # every trial that asks for it.
    (
        "Histological or cytologically confirmed NSCLC.",
        "Do you have non-small cell lung cancer (NSCLC)?",
    ),
    (
        "Cytologically or histologically documented NSCLC",
        "Do you have non-small cell lung cancer (NSCLC)?",
    ),
    (
        "Meet criteria for ICD-10 psychosis diagnoses (F20-29, F30-39)",
        "Do you meet criteria for ICD-10 psychosis diagnoses (F20-29, F30-39)?",
    ),
    (
        "Interest in using a digital therapeutic for Opioid-use Disorder",
        "Are you interested in using a digital therapeutic for Opioid-use Disorder?",
    ),
    (
        "Intention to remain in the same general geographic region for the duration of study "
        "participation.",
        "Do you intend to remain in the same general geographic region for the duration of "
        "study participation?",
    ),
    (
        "Sufficient understanding of spoken and written Dutch language",
        "Do you understand spoken and written Dutch?",
    ),
    (
        "Participant owns or has access to devices appropriate for participation in the study "
        "including compatible Apple Watch and Apple iPhone.",
        "Do you own or have access to devices appropriate for participation in the study "
        "including compatible Apple Watch and Apple iPhone?",
    ),
    ("Difficulty lying flat", "Do you have difficulty lying flat?"),
    (
        "Acting out of dreams prior to PTSD trauma",
        "Did you act out your dreams prior to PTSD trauma?",
    ),
    (
        "Participants who did not consent to the questionnaire",
        "Can you confirm you did not consent to the questionnaire?",
    ),
    (
        "Pregnant or breastfeeding women, or those planning to become pregnant during the study.",
        "Are you pregnant or breastfeeding, or planning to become pregnant during the study?",
    ),
    (
        "Pregnant women or individuals planning pregnancy during the clinical trial period",
        "Are you pregnant or planning to become pregnant during the clinical trial period?",
    ),
    (
        "Failure of supervised therapy and education",
        "Have you tried supervised therapy and education without success?",
    ),
    (
        "Failure to improve with non-operative care (Conservative treatment failure)",
        "Have you failed to improve with non-operative care (Conservative treatment failure)?",
    ),
    (
        "Concurrently participating in another active clinical study",
        "Are you currently participating in another active clinical study?",
    ),
    ("Life expectancy≥3 months", "Is your life expectancy ≥3 months?"),
    ("Anticipated to live for more than 3 months.", "Is your life expectancy more than 3 months?"),
    (
        "History or presence at baseline of pulmonary interstitial disease, drug-related "
        "pneumonitis, or radiation pneumonitis",
        "Do you have, or have you ever had, pulmonary interstitial disease, drug-related "
        "pneumonitis, or radiation pneumonitis?",
    ),
    (
        "possessing a smartphone with internet connection",
        "Do you own a smartphone with internet connection?",
    ),
    ("Medically stable", "Are you medically stable?"),
    (
        "Competent to understand the study protocol and provide voluntary informed consent.",
        "Are you competent to understand the study protocol and provide voluntary informed "
        "consent?",
    ),
    ("U.S. resident", "Are you a U.S. resident?"),
    ("Fluent and literate in English", "Are you fluent and literate in English?"),
    (
        "Ability and will to participate in study for 4 years.",
        "Are you willing and able to participate in study for 4 years?",
    ),
    ("active participation in competitive sports;", "Are you taking part in competitive sports?"),
    (
        "The presence of measurable disease as defined by Response Evaluation Criteria in Solid "
        "Tumors (RECIST) 1.1 criteria (28).",
        "Do you have measurable disease as defined by Response Evaluation Criteria in Solid "
        "Tumors (RECIST) 1.1 criteria (28)?",
    ),
    (
        "Provision of fully informed consent prior to any study specific procedures.",
        "Are you able to give written informed consent to take part?",
    ),
    (
        "Patients who had undergone surgery on the relevant lumbar vertebra",
        "Have you undergone surgery on the relevant lumbar vertebra?",
    ),
    (
        "Patients who have previously received a SHP-2 inhibitor.",
        "Have you previously received a SHP-2 inhibitor?",
    ),
    (
        "Patients who do not benefit from conservative treatment",
        "Can you confirm you do not benefit from conservative treatment?",
    ),
    (
        "Has not undergone a hysterectomy or bilateral oophorectomy; or",
        "Can you confirm you have not undergone a hysterectomy or bilateral oophorectomy?",
    ),
    # Noun phrases with more head words.
    ("Idiopathic PAH", "Do you have idiopathic PAH?"),
    (
        "human immunodeficiency virus (HIV)-associated PAH",
        "Do you have human immunodeficiency virus (HIV)-associated PAH?",
    ),
    ("Stage IV NSCLC;", "Do you have stage IV NSCLC?"),
    (
        "Myelodysplastic syndrome/acute myeloid leukaemia or features suggestive of MDS/AML on "
        "peripheral blood smear.",
        "Do you have myelodysplastic syndrome/acute myeloid leukaemia or features suggestive of "
        "MDS/AML on peripheral blood smear?",
    ),
    ("Calcified disc fragment", "Do you have a calcified disc fragment?"),
    (
        "Circadian rhythm disruption on a regular basis (shift-work)",
        "Do you have circadian rhythm disruption on a regular basis (shift-work)?",
    ),
    (
        "Wireless Internet and two power outlets where they sleep",
        "Do you have Wireless Internet and two power outlets where you sleep?",
    ),
    (
        "A clinical relapse within the last 30 days.",
        "Have you had a clinical relapse within the last 30 days?",
    ),
    (
        "Narcotic analgesics within 24 hours prior to enrollment.",
        "Have you had narcotic analgesics within 24 hours prior to enrollment?",
    ),
    (
        "Yellow fever vaccination within the 30 days previous to study entry.",
        "Have you had yellow fever vaccination within the 30 days previous to study entry?",
    ),
    ("Axial back pain only.", "Do you have axial back pain only?"),
    (
        "New York Heart Association Class III or IV heart failure (i.e. marked limitation in "
        "activity due to symptoms, even during less-than-ordinary activity, e.g. walking short "
        "distances (20-100 m). Comfortable only at rest) within 6 months prior to randomization",
        "Do you have heart failure of NYHA class III or worse?",
    ),
    (
        "Currently experiencing heart failure of New York Heart Association Class IV;",
        "Do you have heart failure of NYHA class IV?",
    ),
    (
        "NYHA I-II functional status",
        "Is your heart function NYHA class II or better (class I if you have no heart failure)?",
    ),
    (
        "Are pregnant, planning a pregnancy, or breastfeeding.",
        "Are you pregnant, planning to become pregnant, or breastfeeding?",
    ),
    ("Pregnant, or plans on becoming pregnant", "Are you pregnant or planning to become pregnant?"),
    # Both types are diabetes as a whole.
    ("Type I or type II diabetes mellitus", "Do you have diabetes?"),
    (
        "Medical conditions causing significant functional disability (e.g., stroke, COPD)",
        "Do you have medical conditions causing significant functional disability (e.g., "
        "stroke, COPD)?",
    ),
    # What the study does with such a person is not asked; excluded from a sub-study only,
    # or inside an aside, the words stay.
    (
        "Participants with current suicidal intent will be excluded as they require a higher "
        "level of care that cannot be provided by DynamiCare and our Recovery Coaches",
        "Do you have current suicidal intent?",
    ),
    (
        "Participants with contraindications to MRI scanning will be excluded (e.g., "
        "electric/mechanical implant, device such as a pacemaker).",
        "Do you have contraindications to MRI scanning (e.g., electric/mechanical implant, "
        "device such as a pacemaker)?",
    ),
    ("Participants who are claustrophobic will be excluded.", "Are you claustrophobic?"),
    (
        "Patients with non-degenerative (e.g., trauma, tumor, and infection) or neuromuscular "
        "diseases (e.g., motor neuron disease) were excluded",
        "Do you have non-degenerative (e.g., trauma, tumor, and infection) or neuromuscular "
        "diseases (e.g., motor neuron disease)?",
    ),
    (
        "Patients are excluded if they have symptomatic brain metastases or leptomeningeal "
        "metastases.",
        "Do you have symptomatic brain metastases or leptomeningeal metastases?",
    ),
    (
        "Patients who refuse to participate in the study will be excluded from the study.",
        "Do you refuse to participate in the study?",
    ),
    (
        "Subjects with uncontrolled myocardial ischemia or myocardial infarction, poorly "
        "controlled arrhythmias are excluded;",
        "Do you have uncontrolled myocardial ischemia or myocardial infarction, poorly "
        "controlled arrhythmias?",
    ),
    (
        "Pregnant women are excluded from this study because both compounds are potentially "
        "teratogenic.",
        "Are you pregnant?",
    ),
    (
        "Any woman of childbearing potential who is pregnant at screening will be excluded "
        "from entering the sub-study.",
        "Does this apply to you: any woman of childbearing potential who is pregnant at "
        "screening will be excluded from entering the sub-study?",
    ),
    (
        "Asymptomatic individuals with chronic hepatitis C virus (HCV) infection will not be "
        "excluded",
        "Does this apply to you: asymptomatic individuals with chronic hepatitis C virus "
        "(HCV) infection will not be excluded?",
    ),
    # The patient's things are yours; the people a line names are the one person asked.
    (
        "Any illness, which might affect the patient's survival after enrollment in the protocol.",
        "Do you have any illness, which might affect your survival after enrollment in the "
        "protocol?",
    ),
    (
        "Currently involved in litigation which may influence the subject's reporting of "
        "symptoms including workers comp;",
        "Are you currently involved in litigation which may influence your reporting of "
        "symptoms including workers comp?",
    ),
    (
        "Hospitalized patients with acute exacerbation of chronic obstructive pulmonary disease",
        "Are you a hospitalized patient with acute exacerbation of chronic obstructive "
        "pulmonary disease?",
    ),
    (
        "Skeletally mature patients for reconstruction of the disc from C3-C7",
        "Are you a skeletally mature patient for reconstruction of the disc from C3-C7?",
    ),
    (
        "Patients with cirrhosis or those with biliary obstruction",
        "Do you have cirrhosis or biliary obstruction?",
    ),
]

# Criteria no rule can ask faithfully: they keep the generic question.
GENERIC = [
    "Imaging showed lumbar disc herniation with Modic Change;",
    "Cancer meningitis in subjects",
    "Patients who must be operated urgently.",
    "Scheduled admission",
    "Active labor.",
    "Failure to understand informed consent or inability or unwillingness to adhere to the "
    "study follow-up visit schedule or other protocol requirements",
    "positive centralization phenomenon",
    "Not known to be HIV positive.",
    "Rheumatoid arthritis, Parkinson's disease or currently on dialysis",
    "20 Positive for urine drug screening;",
    "positive Lasegue and/or Bragard tests",
    "Women with hemoglobin less than 11gm/dl at screening evaluation.",
    "absence of informed consent",
    "Had the ability to conduct video calls were included in the study.",
    "Had at least 6-weeks of conservative non-operative treatment and/or presents with increasing "
    "signs and symptoms of cervical myelopathy or radiculopathy that may require immediate "
    "intervention -",
    "Other significant medical or neurological conditions may disqualify the patient from "
    "participation in this study, particularly those which would create an unacceptable risk",
    # no joiner before the last statement
    "Participant is unable to complete training, has cognitive deficits, major psychiatric "
    "conditions, psycho-social conditions; lack of access to reliable internet and accessible "
    "device; other social conditions that would interfere with participation",
    # an object shared by two statements
    "Patients who are currently taking or have taken MRAs containing finerenone in the past 4 "
    "weeks prior to obtaining consent",
    # "and a" after "or": which binds first is unclear
    "Participant has an email account or is willing to create one and a smartphone able to "
    "download the necessary applications",
    # a statement about someone else
    "Patients who are intolerant to chemotherapy or EGFR-TKI and have no other effective "
    "treatment can also be admitted to the dose expansion group after judgment by the "
    "investigator.",
    # a plural noun that does not fit one person
    "Subjects who are candidates and have already elected to undergo contiguous two or "
    "three-level ACDF surgery between C2-C7 of the cervical spine",
    # "them" is the parents, not the reader
    "The patient has lived with their parents at the time of participating in this study and is "
    "expected to live with them during the investigation period.",
    # "primary" that is not the diagnosis's
    "Symptoms > 6 months after the failure of conservative management in the primary care setting",
    # a second verb the rules cannot ask
    "Female patients of childbearing age must have a negative pregnancy test and be able to "
    "take effective contraceptive measures with no plans for pregnancy within six months of the "
    "study;",
    # a clause with a subject of its own
    "Women must not be pregnant or lactating, They may be post-menopausal, surgically "
    "sterilized or using an appropriate method of contraception.",
    # "can and will": a modal without its verb
    "Participants who, in the opinion of the investigator, can and will comply with the "
    "requirements of the protocol",
    "Participants must self-report that they understand and agree to the conditions of "
    "compensation",
    # a treatment without a time window: done or planned?
    "Revision surgery",
    # a noun phrase before the statements
    "Active smoker or is unable to abstain from tobacco use for 2 weeks prior to study injection",
    "Failure to adhere with or inability to complete eDiary inputs and onboarding activities "
    "during the run-in period.",
]


@pytest.mark.parametrize(("text", "question"), ROWS, ids=[r[0][:40] for r in ROWS])
def test_question(text, question):
    parsed = eligibility.parse_criteria(text)
    assert [i.question for i in parsed.items] == [question]


@pytest.mark.parametrize("text", GENERIC, ids=[t[:40] for t in GENERIC])
def test_criteria_no_rule_can_ask_keep_the_generic_question(text):
    [item] = eligibility.parse_criteria(text).items
    assert item.question.startswith("Does this apply to you: ")


def test_every_rule_of_the_pattern_table_has_a_row():
    """A rule no row reaches is dead, or hidden by an earlier rule."""
    answered = set()
    for text, _ in ROWS:
        lowered = questions._lowered(questions._body(text))
        first = questions.text_rows().with_subject.match(lowered)
        if first is not None and first.lastgroup is not None:
            answered.add(int(first.lastgroup[1:]))
    assert answered == set(range(len(questions.text_rows().patterns)))


def test_exclusions_are_asked_the_same_way_as_inclusions():
    inc = eligibility.parse_criteria("Inclusion Criteria:\n* Pregnant")
    exc = eligibility.parse_criteria("Exclusion Criteria:\n* Pregnant")
    assert inc.items[0].question == exc.items[0].question == "Are you pregnant?"


@pytest.mark.parametrize(
    ("text", "question", "details"),
    [
        (  # a question from the constraints
            "Immunotherapy within 4 weeks before start of protocol-specified therapy. "
            "Prior failed CD19 directed therapy will be allowed",
            "Have you had immunotherapy in the last 4 weeks?",
            "Prior failed CD19",
        ),
        (  # a question from the wording
            "Patients receiving therapeutic anticoagulation. Prophylactic anticoagulation of "
            "venous access devices is allowed provided Section 3.10 is met.",
            "Are you receiving therapeutic anticoagulation?",
            "Prophylactic anticoagulation",
        ),
    ],
)
def test_a_long_criterion_is_asked_by_its_first_sentence_the_rest_kept_as_details(
    text, question, details
):
    item = eligibility.parse_criteria(text).items[0]
    assert item.question == question
    assert item.details.startswith(details)
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


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("pregnant women with severe anemia", False),
        ("pregnancy women affected by béta thalassemia", False),
        ("Women with untreated thyroid abnormalities", False),
        ("Parent who is at least 18 years old of child with autism.", False),
        ("Subjects who are Japanese male or female aged 65 years or older", False),
        ("Women with a positive pregnancy test", True),
        ("Patients who are not pregnant or breastfeeding", True),
        ("Pregnant or breastfeeding women", True),
        ("Age ≥ 18 years", True),
    ],
)
def test_words_that_narrow_who_a_criterion_is_about_are_not_covered_by_its_constraints(
    text, covered
):
    """A "yes" to "Are you pregnant?" must not exclude a pregnant woman from a trial that
    only rules out pregnant women with anemia."""
    item = eligibility.parse_criteria(text).items[0]
    assert item.covered is covered
    if not covered:
        assert item.question != "Are you pregnant?"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Inclusion Criteria:\n\n* Hepatic:\n  * Bilirubin less than 1.5 mg/dL\n"
            "  * AST less than 2 times upper limit of normal",
            "Hepatic: do all of the following apply to you?",
        ),
        (
            "Exclusion Criteria:\n\n* Prior/Concomitant therapy:\n  * Prior chemotherapy\n"
            "  * Radiotherapy within 4 weeks",
            "Prior/Concomitant therapy: does at least one of the following apply to you?",
        ),
    ],
)
def test_a_label_over_its_items_asks_whether_they_apply(text, question):
    assert eligibility.parse_criteria(text).items[0].question == question


def test_a_lead_in_is_not_taken_for_a_label():
    text = "Exclusion Criteria:\n\n* Have at least one of the following:\n  * Heart failure\n"
    question = eligibility.parse_criteria(text + "  * Stroke").items[0].question
    assert not question.startswith("Have:")


def test_a_lead_in_phrase_is_cut_only_at_a_word_start():
    text = "Inclusion Criteria:\n\n* In the company of the following study disease status:\n"
    question = (
        eligibility.parse_criteria(text + "  * Stable disease\n  * Remission").items[0].question
    )
    assert "company of the following study disease status" in question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Subject has active tuberculosis or has had tuberculosis in the past three (3) years.",
            "Have you had tuberculosis (TB) in the last 3 years?",
        ),
        (
            "COVID-19 diagnosis within thirty (30) days prior to randomization.",
            "Have you had COVID-19 in the last 30 days?",
        ),
        # A kind of the term the question would lose is asked in the line's words.
        (
            "Treatment with any epidural steroids within four (4) weeks prior to the surgery;",
            "Have you been treated with any epidural steroids within four (4) weeks prior to the "
            "surgery?",
        ),
        (
            "Pelvic surgery within the past 6 months",
            "Have you had pelvic surgery within the past 6 months?",
        ),
    ],
)
def test_a_number_written_out_is_read_and_a_kind_kept(text, question):
    parsed = eligibility.parse_criteria(f"Exclusion Criteria:\n\n* {text}")
    assert [i.question for i in parsed.items] == [question]


def test_a_pregnant_woman_is_ruled_out_by_a_line_that_gives_its_reason():
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n* Pregnant women are excluded from this study because both "
        "compounds are potentially teratogenic."
    )
    verdict = eligibility.evaluate(parsed, facts={"age": 30, "sex": "female", "pregnant": True})
    assert verdict.criteria[0].verdict == "not_met"


ANY = "Does at least one of the following apply to you?"
EVERY = "Do all of the following apply to you?"


@pytest.mark.parametrize(
    ("heading", "lead_in", "question"),
    [
        # Lead-ins that say only who is excluded or eligible ask whether the items apply.
        (
            "Exclusion",
            "Patients will be excluded from the study if they meet any of the following criteria:",
            ANY,
        ),
        (
            "Exclusion",
            "Subjects who meet any of the following criteria will be excluded from participating "
            "in this study:",
            ANY,
        ),
        (
            "Exclusion",
            "Patients with any of the following criteria are not eligible for enrollment in this "
            "study:",
            ANY,
        ),
        (
            "Exclusion",
            "Patients may not be enrolled in the study if any of the following exclusion criteria "
            "are present:",
            ANY,
        ),
        (
            "Exclusion",
            "Study Participants: Participants will be excluded from the study if any of the "
            "following criteria apply:",
            ANY,
        ),
        (
            "Inclusion",
            "A participant will be eligible for entry into the study if all the following "
            "criteria are met:",
            EVERY,
        ),
        (
            "Inclusion",
            "Patients are eligible to be included in the study only if they meet all of the "
            "following criteria:",
            EVERY,
        ),
        ("Inclusion", "The following criteria must be satisfied:", EVERY),
        ("Inclusion", "All answers must be YES to be eligible for the study.", EVERY),
        # A lead-in that names its list is asked in its own words.
        (
            "Exclusion",
            "Treatment with any of the following agents within 28 days of Screening:",
            "Have you been treated with any of the following agents within 28 days of Screening?",
        ),
        (
            "Exclusion",
            "Received any of the following treatments:",
            "Have you received any of the following treatments?",
        ),
        (
            "Exclusion",
            "have at least one of the following syndromes",
            "Do you have at least one of the following syndromes?",
        ),
    ],
)
def test_a_lead_in_question(heading, lead_in, question):
    parsed = eligibility.parse_criteria(
        f"{heading} Criteria:\n\n* {lead_in}\n  * Heart failure\n  * Stroke"
    )
    assert parsed.items[0].question == question


def test_results_an_exclusion_lists_apart_are_asked_as_any_one():
    text = (
        "Exclusion Criteria:\n\n* Abnormal blood counts (hemoglobin less than 12 g/dl, platelets "
        "less than 150,000/ul, absolute neutrophil count less than 1,500/ul, absolute lymphocyte "
        "count less than 1,000/ul)"
    )
    assert eligibility.parse_criteria(text).items[0].question == (
        "Has a recent test shown your hemoglobin level is less than 12 g/dL, your platelet count "
        "is less than 150000 cells/mm³, your neutrophil count (ANC) is less than 1500 cells/mm³ "
        "or your lymphocyte count is less than 1000 cells/mm³?"
    )


def test_results_with_a_choice_between_them_are_asked_in_the_lines_words():
    text = "serum creatinine (Cr) ≤1.25 ULN or creatinine clearance (CCr)≥45 mL/min"
    assert eligibility.parse_criteria(text).items[0].question.startswith("Does this apply to you")
