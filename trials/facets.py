"""Facet values of a trial, derived from its normalised record."""

from ctgov.record import TrialRecord

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

# (label, lowest age in years, age the group ends at)
AGE_GROUPS = (("CHILD", 0.0, 18.0), ("ADULT", 18.0, 65.0), ("OLDER_ADULT", 65.0, float("inf")))


def age_groups(record: TrialRecord) -> list[str]:
    """The age groups a trial admits, from its stated ages (the registry's own list if given)."""
    if record.eligibility.std_ages:
        return list(dict.fromkeys(record.eligibility.std_ages))
    low = record.eligibility.minimum_age or 0.0
    high = record.eligibility.maximum_age
    high = float("inf") if high is None else high
    return [label for label, start, end in AGE_GROUPS if low < end and high >= start]


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
