"""The normalised trial record that every reader produces.

Both ClinicalTrials.gov formats (API v2 JSON and legacy XML) map onto these
dataclasses, so the rest of the product never looks at a source format.
Enumerations use API v2 codes (``RECRUITING``, ``PHASE2``, ``DRUG`` ...);
dates are ISO strings that keep the source's precision (``2015-04`` or
``2015-04-07``); ages are in years (floats, ``None`` when not limited).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Contact:
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class GeoPoint:
    lat: float
    lon: float


@dataclass
class Location:
    facility: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    status: str = ""
    contacts: list[Contact] = field(default_factory=list)
    geo: GeoPoint | None = None


@dataclass
class Intervention:
    type: str = ""
    name: str = ""
    description: str = ""
    other_names: list[str] = field(default_factory=list)
    arm_labels: list[str] = field(default_factory=list)


@dataclass
class Arm:
    label: str = ""
    type: str = ""
    description: str = ""
    interventions: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    kind: str = ""  # primary | secondary | other
    measure: str = ""
    description: str = ""
    time_frame: str = ""


@dataclass
class Eligibility:
    criteria: str = ""
    sex: str = ""  # ALL | FEMALE | MALE | "" when not stated
    minimum_age: float | None = None
    maximum_age: float | None = None
    minimum_age_text: str = ""
    maximum_age_text: str = ""
    healthy_volunteers: bool | None = None
    std_ages: list[str] = field(default_factory=list)  # CHILD | ADULT | OLDER_ADULT


@dataclass
class TrialRecord:
    nct_id: str
    brief_title: str = ""
    official_title: str = ""
    acronym: str = ""
    org_study_id: str = ""
    secondary_ids: list[str] = field(default_factory=list)
    brief_summary: str = ""
    detailed_description: str = ""
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    condition_mesh_terms: list[str] = field(default_factory=list)
    intervention_mesh_terms: list[str] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)  # PHASE1, PHASE2, EARLY_PHASE1, NA
    study_type: str = ""  # INTERVENTIONAL | OBSERVATIONAL | EXPANDED_ACCESS
    overall_status: str = ""  # RECRUITING, COMPLETED, ...
    why_stopped: str = ""
    start_date: str = ""
    primary_completion_date: str = ""
    completion_date: str = ""
    completion_date_type: str = ""  # ACTUAL | ESTIMATED
    first_posted_date: str = ""
    last_update_posted_date: str = ""
    enrollment_count: int | None = None
    enrollment_type: str = ""  # ACTUAL | ESTIMATED
    lead_sponsor: str = ""
    collaborators: list[str] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)
    central_contacts: list[Contact] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    arms: list[Arm] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialRecord:
        """Rebuild a record stored with ``to_dict`` (unknown keys are ignored)."""
        data = dict(data)
        elig = data.pop("eligibility", None) or {}
        record = cls(**{k: v for k, v in data.items() if k in _SIMPLE_FIELDS})
        record.eligibility = Eligibility(**_known(Eligibility, elig))
        record.interventions = [
            Intervention(**_known(Intervention, i)) for i in data.get("interventions") or []
        ]
        record.central_contacts = [
            Contact(**_known(Contact, c)) for c in data.get("central_contacts") or []
        ]
        record.locations = [_location_from_dict(loc) for loc in data.get("locations") or []]
        record.arms = [Arm(**_known(Arm, a)) for a in data.get("arms") or []]
        record.outcomes = [Outcome(**_known(Outcome, o)) for o in data.get("outcomes") or []]
        return record


_NESTED_FIELDS = {
    "eligibility",
    "interventions",
    "central_contacts",
    "locations",
    "arms",
    "outcomes",
}
_SIMPLE_FIELDS = set(TrialRecord.__dataclass_fields__) - _NESTED_FIELDS


def _known(cls: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in cls.__dataclass_fields__}


def _location_from_dict(data: dict[str, Any]) -> Location:
    values = _known(Location, data)
    values["contacts"] = [Contact(**_known(Contact, c)) for c in data.get("contacts") or []]
    geo = data.get("geo")
    values["geo"] = GeoPoint(**_known(GeoPoint, geo)) if geo else None
    return Location(**values)
