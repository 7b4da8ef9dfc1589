"""Small hand-made records for import tests."""

from __future__ import annotations

from ctgov.record import Eligibility, GeoPoint, Intervention, Location, TrialRecord
from ctgov.sources import ReadItem


def make_record(
    nct_id: str = "NCT00000001",
    *,
    status: str = "RECRUITING",
    sites: tuple[tuple[str, str, str], ...] = (("General Hospital", "Boston", "RECRUITING"),),
    criteria: str = "Inclusion Criteria:\n* Adults",
    updated: str = "2024-01-15",
    title: str = "A study of something",
) -> TrialRecord:
    return TrialRecord(
        nct_id=nct_id,
        brief_title=title,
        official_title=f"{title}: the official title",
        brief_summary="What the study is about.",
        conditions=["Asthma"],
        condition_mesh_terms=["Respiratory Tract Diseases"],
        keywords=["inhaler"],
        intervention_mesh_terms=["Budesonide"],
        interventions=[Intervention(type="DRUG", name="Pulmicort", other_names=["budesonide"])],
        phases=["PHASE2"],
        study_type="INTERVENTIONAL",
        overall_status=status,
        start_date="2023-02",
        completion_date="2026",
        last_update_posted_date=updated,
        enrollment_count=40,
        lead_sponsor="Somebody University",
        eligibility=Eligibility(criteria=criteria, sex="ALL", minimum_age=18.0),
        locations=[
            Location(
                facility=facility,
                city=city,
                country="United States",
                status=site_status,
                geo=GeoPoint(lat=42.36, lon=-71.06),
            )
            for facility, city, site_status in sites
        ],
    )


def item(record: TrialRecord, source: str = "test.jsonl", line: int = 1) -> ReadItem:
    return ReadItem(source=source, location=f"line {line}", record=record)
