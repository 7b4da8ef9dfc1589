"""The patient profile: one description of a patient from JSON, free text or a FHIR Bundle.

Plain Python (pydantic, no Django). ``Profile.to_facts()`` feeds the eligibility engine;
``Profile.search_text()`` feeds retrieval.
"""

from __future__ import annotations

from eligibility.profile.errors import ProfileError
from eligibility.profile.fhir import profile_from_fhir
from eligibility.profile.files import load_patient_file
from eligibility.profile.model import (
    Condition,
    Lab,
    Location,
    Medication,
    Performance,
    Profile,
    Treatment,
    load_profile,
)
from eligibility.profile.text import profile_from_text

__all__ = [
    "Condition",
    "Lab",
    "Location",
    "Medication",
    "Performance",
    "Profile",
    "ProfileError",
    "Treatment",
    "load_patient_file",
    "load_profile",
    "profile_from_fhir",
    "profile_from_text",
]
