"""Legacy ClinicalTrials.gov ``<clinical_study>`` XML -> TrialRecord.

The legacy schema (``AllPublicXML.zip``, TREC corpora) spells values for display
("Active, not recruiting", "Phase 1/Phase 2", "July 24, 2020"); they are mapped to the
API v2 codes and ISO dates so both formats give the same record.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from ctgov.errors import RecordError
from ctgov.record import (
    Arm,
    Contact,
    Eligibility,
    Intervention,
    Location,
    Outcome,
    TrialRecord,
)
from ctgov.values import check_nct_id, enum_code, normalise_date, parse_age, std_ages_for

__all__ = ["RecordError", "parse_clinical_study", "parse_xml"]

_STATUS_CODES = {"UNKNOWN_STATUS": "UNKNOWN"}
_STUDY_TYPES = {
    "INTERVENTIONAL": "INTERVENTIONAL",
    "OBSERVATIONAL": "OBSERVATIONAL",
    "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
    "EXPANDED_ACCESS": "EXPANDED_ACCESS",
}
_SEX = {"ALL": "ALL", "BOTH": "ALL", "FEMALE": "FEMALE", "MALE": "MALE"}
_HEALTHY = {"ACCEPTS_HEALTHY_VOLUNTEERS": True, "YES": True, "NO": False}
_ACTUAL_OR_ESTIMATED = {"ACTUAL": "ACTUAL", "ANTICIPATED": "ESTIMATED", "ESTIMATE": "ESTIMATED"}
_PHASES = {
    "PHASE_0": "EARLY_PHASE1",
    "EARLY_PHASE_1": "EARLY_PHASE1",
    "PHASE_1": "PHASE1",
    "PHASE_2": "PHASE2",
    "PHASE_3": "PHASE3",
    "PHASE_4": "PHASE4",
}


def parse_xml(data: bytes | str) -> TrialRecord:
    """Parse one ``<clinical_study>`` document; RecordError for broken or foreign XML."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RecordError(f"broken XML: {exc}") from None
    return parse_clinical_study(root)


def parse_clinical_study(study: ET.Element) -> TrialRecord:
    """Map a parsed ``<clinical_study>`` element to a TrialRecord."""
    if study.tag != "clinical_study":
        raise RecordError(f"not a <clinical_study> document (root element <{study.tag}>)")
    nct_id = ""
    try:
        nct_id = check_nct_id(_text(study, "id_info/nct_id"))
        return _build(nct_id, study)
    except RecordError as exc:
        exc.nct_id = nct_id
        raise


def _build(nct_id: str, study: ET.Element) -> TrialRecord:
    interventions = _interventions(study)
    enrollment = study.find("enrollment")
    return TrialRecord(
        nct_id=nct_id,
        brief_title=_text(study, "brief_title"),
        official_title=_text(study, "official_title"),
        acronym=_text(study, "acronym"),
        org_study_id=_text(study, "id_info/org_study_id"),
        secondary_ids=_texts(study, "id_info/secondary_id"),
        brief_summary=_text(study, "brief_summary/textblock"),
        detailed_description=_text(study, "detailed_description/textblock"),
        conditions=_texts(study, "condition"),
        keywords=_texts(study, "keyword"),
        condition_mesh_terms=_texts(study, "condition_browse/mesh_term"),
        intervention_mesh_terms=_texts(study, "intervention_browse/mesh_term"),
        interventions=[intervention for intervention, _ in interventions],
        phases=_phases(_text(study, "phase")),
        study_type=_STUDY_TYPES.get(enum_code(_text(study, "study_type")), ""),
        overall_status=_status(_text(study, "overall_status")),
        why_stopped=_text(study, "why_stopped"),
        start_date=_date(study, "start_date"),
        primary_completion_date=_date(study, "primary_completion_date"),
        completion_date=_date(study, "completion_date"),
        completion_date_type=_date_type(study.find("completion_date")),
        first_posted_date=_date(study, "study_first_posted") or _date(study, "firstreceived_date"),
        last_update_posted_date=(
            _date(study, "last_update_posted") or _date(study, "lastchanged_date")
        ),
        enrollment_count=_enrollment_count(enrollment),
        enrollment_type=(
            _ACTUAL_OR_ESTIMATED.get(enum_code(enrollment.get("type", "")), "")
            if enrollment is not None
            else ""
        ),
        lead_sponsor=_text(study, "sponsors/lead_sponsor/agency"),
        collaborators=_texts(study, "sponsors/collaborator/agency"),
        eligibility=_eligibility(study),
        central_contacts=[
            _contact(element)
            for tag in ("overall_contact", "overall_contact_backup")
            for element in study.findall(tag)
        ],
        locations=[_location(element) for element in study.findall("location")],
        arms=_arms(study, interventions),
        outcomes=[
            Outcome(
                kind=kind,
                measure=_text(element, "measure"),
                description=_text(element, "description"),
                time_frame=_text(element, "time_frame"),
            )
            for kind in ("primary", "secondary", "other")
            for element in study.findall(f"{kind}_outcome")
        ],
    )


def _clean(text: str | None) -> str:
    """Text without the schema's indentation and Windows line ends (``&#xD;``)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text.strip():
        return text.strip()
    lines = textwrap.dedent(text).strip().split("\n")
    return "\n".join(line.rstrip() for line in lines)


def _text(element: ET.Element, path: str) -> str:
    return _clean(element.findtext(path))


def _texts(element: ET.Element, path: str) -> list[str]:
    return [value for value in (_clean(e.text) for e in element.findall(path)) if value]


def _date(study: ET.Element, path: str) -> str:
    text = _text(study, path)
    try:
        return normalise_date(text)
    except ValueError as exc:
        raise RecordError(f"<{path}>: {exc}") from None


def _date_type(element: ET.Element | None) -> str:
    """Legacy "Anticipated"/"Actual" date attributes as API v2's ESTIMATED/ACTUAL."""
    if element is None:
        return ""
    return _ACTUAL_OR_ESTIMATED.get(enum_code(element.get("type", "")), "")


def _status(text: str) -> str:
    code = enum_code(text)
    return _STATUS_CODES.get(code, code)


def _phases(text: str) -> list[str]:
    if not text:
        return []
    if enum_code(text) in {"N_A", "NA"}:
        return ["NA"]
    phases = []
    for part in text.split("/"):
        code = enum_code(part)
        if code not in _PHASES:
            raise RecordError(f"<phase>: unknown phase {text!r}")
        phases.append(_PHASES[code])
    return phases


def _enrollment_count(enrollment: ET.Element | None) -> int | None:
    text = _clean(enrollment.text) if enrollment is not None else ""
    if not text:
        return None
    if not text.isdigit():
        raise RecordError(f"<enrollment>: expected a whole number, got {text!r}")
    return int(text)


def _age(study: ET.Element, tag: str) -> tuple[float | None, str]:
    text = _text(study, f"eligibility/{tag}")
    try:
        return parse_age(text), text
    except ValueError as exc:
        raise RecordError(f"<{tag}>: {exc}") from None


def _eligibility(study: ET.Element) -> Eligibility:
    minimum, minimum_text = _age(study, "minimum_age")
    maximum, maximum_text = _age(study, "maximum_age")
    healthy = _text(study, "eligibility/healthy_volunteers")
    has_ages = study.find("eligibility/minimum_age") is not None or (
        study.find("eligibility/maximum_age") is not None
    )
    return Eligibility(
        criteria=_text(study, "eligibility/criteria/textblock"),
        sex=_SEX.get(enum_code(_text(study, "eligibility/gender")), ""),
        minimum_age=minimum,
        maximum_age=maximum,
        minimum_age_text=minimum_text,
        maximum_age_text=maximum_text,
        healthy_volunteers=_HEALTHY.get(enum_code(healthy)) if healthy else None,
        std_ages=std_ages_for(minimum, maximum) if has_ages else [],
    )


def _contact(element: ET.Element) -> Contact:
    name = " ".join(
        part
        for part in (_text(element, tag) for tag in ("first_name", "middle_name", "last_name"))
        if part
    )
    degrees = _text(element, "degrees")
    if degrees:
        name = f"{name}, {degrees}" if name else degrees
    phone = _text(element, "phone")
    extension = _text(element, "phone_ext")
    if extension:
        phone = f"{phone} ext. {extension}" if phone else f"ext. {extension}"
    return Contact(name=name, role="CONTACT", phone=phone, email=_text(element, "email"))


def _location(element: ET.Element) -> Location:
    return Location(
        facility=_text(element, "facility/name"),
        city=_text(element, "facility/address/city"),
        state=_text(element, "facility/address/state"),
        zip=_text(element, "facility/address/zip"),
        country=_text(element, "facility/address/country"),
        status=_status(_text(element, "status")),
        contacts=[
            _contact(contact)
            for tag in ("contact", "contact_backup")
            for contact in element.findall(tag)
        ],
    )


def _interventions(study: ET.Element) -> list[tuple[Intervention, str]]:
    """Each intervention with its API v2 style display name ("Drug: Nifedipine"), which
    is how arms refer to interventions."""
    result = []
    for element in study.findall("intervention"):
        type_text = _text(element, "intervention_type")
        intervention = Intervention(
            type=enum_code(type_text),
            name=_text(element, "intervention_name"),
            description=_text(element, "description"),
            other_names=_texts(element, "other_name"),
            arm_labels=_texts(element, "arm_group_label"),
        )
        display = f"{type_text}: {intervention.name}" if type_text else intervention.name
        result.append((intervention, display))
    return result


def _arms(study: ET.Element, interventions: list[tuple[Intervention, str]]) -> list[Arm]:
    arms = []
    for element in study.findall("arm_group"):
        label = _text(element, "arm_group_label")
        arms.append(
            Arm(
                label=label,
                type=enum_code(_text(element, "arm_group_type")),
                description=_text(element, "description"),
                interventions=[
                    display
                    for intervention, display in interventions
                    if label in intervention.arm_labels
                ],
            )
        )
    return arms
