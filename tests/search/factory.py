"""Builds catalogue rows straight from a TrialRecord, the way the import service stores them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from ctgov.record import Eligibility, GeoPoint, Intervention, Location, TrialRecord
from trials.facets import facet_values
from trials.models import Site, Trial, TrialFacet


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def trial_columns(record: TrialRecord) -> dict[str, Any]:
    """The Trial columns the import service fills from a record."""
    data = record.to_dict()
    return {
        "nct_id": record.nct_id,
        "title": record.title,
        "official_title": record.official_title,
        "brief_summary": record.brief_summary,
        "overall_status": record.overall_status,
        "study_type": record.study_type,
        "phases": record.phases,
        "conditions": record.conditions,
        "intervention_names": [i.name for i in record.interventions],
        "lead_sponsor": record.lead_sponsor,
        "enrollment_count": record.enrollment_count,
        "sex": record.eligibility.sex,
        "minimum_age_years": record.eligibility.minimum_age,
        "maximum_age_years": record.eligibility.maximum_age,
        "healthy_volunteers": record.eligibility.healthy_volunteers,
        "start_date": _date(record.start_date),
        "completion_date": _date(record.completion_date),
        "last_update_posted": _date(record.last_update_posted_date),
        "eligibility_criteria": record.eligibility.criteria,
        "search_conditions": "\n".join(record.conditions + record.condition_mesh_terms),
        "search_interventions": "\n".join(
            [n for i in record.interventions for n in (i.name, *i.other_names)]
            + record.intervention_mesh_terms
        ),
        "search_keywords": "\n".join(record.keywords),
        "record": data,
        "content_hash": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
    }


def make_trial(record: TrialRecord) -> Trial:
    """Store ``record`` as a Trial with its Sites and TrialFacet rows."""
    trial = Trial.objects.create(**trial_columns(record))
    Site.objects.bulk_create(
        Site(
            trial=trial,
            position=i,
            facility=loc.facility,
            city=loc.city,
            state=loc.state,
            zip=loc.zip,
            country=loc.country,
            status=loc.status,
            latitude=loc.geo.lat if loc.geo else None,
            longitude=loc.geo.lon if loc.geo else None,
        )
        for i, loc in enumerate(record.locations)
    )
    TrialFacet.objects.bulk_create(
        TrialFacet(trial=trial, name=name, value=value) for name, value in facet_values(record)
    )
    return trial


def site(
    city: str,
    lat: float | None,
    lon: float | None,
    *,
    country: str = "France",
    status: str = "RECRUITING",
    zip: str = "",
) -> Location:
    return Location(
        facility=f"{city} Hospital",
        city=city,
        zip=zip,
        country=country,
        status=status,
        geo=GeoPoint(lat, lon) if lat is not None and lon is not None else None,
    )


def record(
    nct_id: str,
    title: str = "A study",
    *,
    status: str = "COMPLETED",
    phases: tuple[str, ...] = (),
    study_type: str = "INTERVENTIONAL",
    conditions: tuple[str, ...] = (),
    interventions: tuple[tuple[str, str], ...] = (),
    criteria: str = "",
    summary: str = "",
    sex: str = "ALL",
    min_age: float | None = 18.0,
    max_age: float | None = None,
    healthy: bool | None = False,
    sites: tuple[Location, ...] = (),
    updated: str = "2024-01-01",
) -> TrialRecord:
    """A record with just what a search test needs."""
    return TrialRecord(
        nct_id=nct_id,
        brief_title=title,
        brief_summary=summary,
        overall_status=status,
        phases=list(phases),
        study_type=study_type,
        conditions=list(conditions),
        interventions=[Intervention(type=t, name=n) for t, n in interventions],
        last_update_posted_date=updated,
        eligibility=Eligibility(
            criteria=criteria,
            sex=sex,
            minimum_age=min_age,
            maximum_age=max_age,
            healthy_volunteers=healthy,
        ),
        locations=list(sites),
    )
