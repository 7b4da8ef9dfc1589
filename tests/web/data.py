"""Trials for the page and API tests, written through the import service like real data."""

from __future__ import annotations

import json

from ctgov.record import Contact, Eligibility, GeoPoint, Intervention, Location, TrialRecord
from ctgov.sources import ReadItem
from ctgov.v2 import parse_study
from tests.conftest import SEED_FIXTURE
from trials.models import ImportRun
from trials.services.importing import import_items

SEED_ID = "NCT04521231"
PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)


def seed_record() -> TrialRecord:
    return parse_study(json.loads(SEED_FIXTURE.read_text()))


def _site(facility: str, city: str, country: str, point: tuple[float, float], **extra) -> Location:
    return Location(facility=facility, city=city, country=country, geo=GeoPoint(*point), **extra)


def catalogue_records() -> list[TrialRecord]:
    """The seed trial and three made-up ones that differ in every facet."""
    migraine = TrialRecord(
        nct_id="NCT09000001",
        brief_title="Aspirin for migraine in adults",
        official_title="A randomised study of aspirin for the prevention of migraine",
        brief_summary="Does daily aspirin prevent migraine attacks?",
        conditions=["Migraine", "Headache"],
        interventions=[Intervention(type="DRUG", name="Aspirin", other_names=["ASA"])],
        phases=["PHASE2"],
        study_type="INTERVENTIONAL",
        overall_status="RECRUITING",
        completion_date="2027-06",
        last_update_posted_date="2026-03-02",
        enrollment_count=120,
        enrollment_type="ESTIMATED",
        lead_sponsor="Hospices Civils de Lyon",
        eligibility=Eligibility(
            criteria="Inclusion Criteria:\n\n* Migraine for 1 year\n\nExclusion Criteria:\n\n"
            "* Stomach ulcer",
            sex="ALL",
            minimum_age=18.0,
            maximum_age=65.0,
            minimum_age_text="18 Years",
            maximum_age_text="65 Years",
            healthy_volunteers=False,
        ),
        central_contacts=[
            Contact(
                name="Marie Curie", role="CONTACT", phone="+33 1 23 45 67 89", email="m@example.org"
            )
        ],
        locations=[
            _site(
                "Hôpital Lariboisière",
                "Paris",
                "France",
                PARIS,
                status="RECRUITING",
                contacts=[Contact(name="Dr Paul Broca", role="PRINCIPAL_INVESTIGATOR")],
            ),
            _site("Hôpital Édouard Herriot", "Lyon", "France", LYON, status="NOT_YET_RECRUITING"),
            _site("Boston Medical Center", "Boston", "United States", (42.3601, -71.0589)),
        ],
    )
    yoga = TrialRecord(
        nct_id="NCT09000002",
        brief_title="Yoga for low back pain",
        conditions=["Low Back Pain"],
        interventions=[Intervention(type="BEHAVIORAL", name="Yoga")],
        phases=["NA"],
        study_type="INTERVENTIONAL",
        overall_status="NOT_YET_RECRUITING",
        eligibility=Eligibility(sex="FEMALE", healthy_volunteers=True, minimum_age=65.0),
        locations=[_site("Clínica Madrid", "Madrid", "Spain", (40.4168, -3.7038))],
    )
    melanoma = TrialRecord(
        nct_id="NCT09000003",
        brief_title="Melanoma registry",
        conditions=["Melanoma"],
        phases=["PHASE3"],
        study_type="OBSERVATIONAL",
        overall_status="COMPLETED",
        eligibility=Eligibility(sex="MALE"),
    )
    return [seed_record(), migraine, yoga, melanoma]


def load(records: list[TrialRecord]) -> ImportRun:
    items = [
        ReadItem(source="tests", location=f"record {i}", record=r) for i, r in enumerate(records)
    ]
    run = import_items(items, run=ImportRun())
    assert run.failed == 0, list(run.failures.values_list("reason", flat=True))
    return run


def load_catalogue() -> None:
    load(catalogue_records())
