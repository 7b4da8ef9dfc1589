"""Facet values of a trial, derived from its normalised record."""

from ctgov.record import TrialRecord
from ctgov.values import std_ages_for

FACET_NAMES = (
    "status",
    "phase",
    "study_type",
    "intervention_type",
    "sex",
    "age_group",
    "healthy_volunteers",
    "country",
)


def age_groups(record: TrialRecord) -> list[str]:
    """The age groups a trial admits, from its stated ages (the registry's own list if given)."""
    if record.eligibility.std_ages:
        return list(dict.fromkeys(record.eligibility.std_ages))
    return std_ages_for(record.eligibility.minimum_age, record.eligibility.maximum_age)


def facet_values(record: TrialRecord) -> list[tuple[str, str]]:
    """Every (facet, value) pair the trial counts under, without duplicates."""
    pairs: list[tuple[str, str]] = []
    if record.overall_status:
        pairs.append(("status", record.overall_status))
    pairs += [("phase", phase) for phase in record.phases]
    if record.study_type:
        pairs.append(("study_type", record.study_type))
    pairs += [("intervention_type", i.type) for i in record.interventions if i.type]
    pairs.append(("sex", record.eligibility.sex or "ALL"))
    pairs += [("age_group", group) for group in age_groups(record)]
    if record.eligibility.healthy_volunteers is not None:
        pairs.append(
            ("healthy_volunteers", "yes" if record.eligibility.healthy_volunteers else "no")
        )
    pairs += [("country", loc.country) for loc in record.locations if loc.country]
    return list(dict.fromkeys((name, value[:100]) for name, value in pairs))
