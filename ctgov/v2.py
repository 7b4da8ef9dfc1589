"""ClinicalTrials.gov API v2 study JSON -> TrialRecord.

Missing sections are normal (partial records, older studies) and map to empty values;
a value of the wrong JSON type is not, and raises RecordError naming the field, so a
corrupt export is reported instead of silently imported half-empty.
"""

from __future__ import annotations

import json
from typing import Any

from ctgov.errors import RecordError
from ctgov.record import (
    Arm,
    Contact,
    Eligibility,
    GeoPoint,
    Intervention,
    Location,
    Outcome,
    TrialRecord,
)
from ctgov.values import check_nct_id, normalise_date, parse_age

__all__ = ["RecordError", "parse_study"]


class _Node:
    """A JSON object plus its path, so type errors can say where they are.

    The path is only spelled out when an error needs it: a study has hundreds of nodes and
    almost never an error.
    """

    __slots__ = ("data", "_parent", "_key", "_index")

    def __init__(
        self,
        data: dict[str, Any],
        parent: _Node | None = None,
        key: str = "",
        index: int | None = None,
    ) -> None:
        self.data = data
        self._parent = parent
        self._key = key
        self._index = index

    @property
    def path(self) -> str:
        if self._parent is None:
            return self._key
        where = self._parent._where(self._key)
        return where if self._index is None else f"{where}[{self._index}]"

    def _where(self, key: str) -> str:
        path = self.path
        return f"{path}.{key}" if path else key

    def _wrong(self, key: str, expected: str, value: object) -> RecordError:
        return RecordError(f"{self._where(key)}: expected {expected}, got {_json_type(value)}")

    def node(self, key: str) -> _Node:
        value = self.data.get(key)
        if value is None:
            return _Node({}, self, key)
        if not isinstance(value, dict):
            raise self._wrong(key, "an object", value)
        return _Node(value, self, key)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        return value.strip()

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return value

    def texts(self, key: str) -> list[str]:
        result = []
        for index, item in enumerate(self.items(key)):
            if not isinstance(item, str):
                raise self._wrong(f"{key}[{index}]", "a string", item)
            if item.strip():
                result.append(item.strip())
        return result

    def nodes(self, key: str) -> list[_Node]:
        result = []
        for index, item in enumerate(self.items(key)):
            if not isinstance(item, dict):
                raise self._wrong(f"{key}[{index}]", "an object", item)
            result.append(_Node(item, self, key, index))
        return result

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, "true or false", value)

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self._wrong(key, "a whole number", value)
        try:
            number = float(value)
        except ValueError:
            raise self._wrong(key, "a whole number", value) from None
        if not number.is_integer() or number < 0:
            raise RecordError(f"{self._where(key)}: expected a whole number, got {value!r}")
        return int(number)

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number", value)
        return float(value)

    def date(self, key: str) -> str:
        """The ``date`` of a ``...DateStruct`` object, keeping its precision."""
        struct = self.node(key)
        text = struct.text("date")
        try:
            return normalise_date(text)
        except ValueError as exc:
            raise RecordError(f"{struct._where('date')}: {exc}") from None

    def age(self, key: str) -> tuple[float | None, str]:
        text = self.text(key)
        try:
            return parse_age(text), text
        except ValueError as exc:
            raise RecordError(f"{self._where(key)}: {exc}") from None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_study(data: Any) -> TrialRecord:
    """Map one API v2 study object (``{"protocolSection": ...}``) to a TrialRecord.

    Raises RecordError (a ValueError) when the NCT id is missing or a field has the wrong
    type; the error carries the NCT id when it was readable.
    """
    if not isinstance(data, dict):
        raise RecordError(f"expected a study object, got {_json_type(data)}")
    root = _Node(data)
    nct_id = ""
    try:
        protocol = root.node("protocolSection")
        ident = protocol.node("identificationModule")
        if not protocol.data:
            raise RecordError("missing NCT id (no protocolSection)")
        nct_id = check_nct_id(ident.data.get("nctId"))
        return _build(nct_id, root, protocol, ident)
    except RecordError as exc:
        exc.nct_id = nct_id
        raise


def parse_json(text: str | bytes) -> TrialRecord:
    """Parse one study from JSON text (the API's ``/studies/{nctId}`` answer)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RecordError(f"broken JSON: {exc}") from None
    return parse_study(data)


def _build(nct_id: str, root: _Node, protocol: _Node, ident: _Node) -> TrialRecord:
    status = protocol.node("statusModule")
    description = protocol.node("descriptionModule")
    conditions = protocol.node("conditionsModule")
    design = protocol.node("designModule")
    enrollment = design.node("enrollmentInfo")
    sponsors = protocol.node("sponsorCollaboratorsModule")
    derived = root.node("derivedSection")
    return TrialRecord(
        nct_id=nct_id,
        brief_title=ident.text("briefTitle"),
        official_title=ident.text("officialTitle"),
        acronym=ident.text("acronym"),
        org_study_id=ident.node("orgStudyIdInfo").text("id"),
        secondary_ids=[n.text("id") for n in ident.nodes("secondaryIdInfos") if n.text("id")],
        brief_summary=description.text("briefSummary"),
        detailed_description=description.text("detailedDescription"),
        conditions=conditions.texts("conditions"),
        keywords=conditions.texts("keywords"),
        condition_mesh_terms=_mesh_terms(derived.node("conditionBrowseModule")),
        intervention_mesh_terms=_mesh_terms(derived.node("interventionBrowseModule")),
        interventions=_interventions(protocol.node("armsInterventionsModule")),
        phases=design.texts("phases"),
        study_type=design.text("studyType"),
        overall_status=status.text("overallStatus"),
        why_stopped=status.text("whyStopped"),
        start_date=status.date("startDateStruct"),
        primary_completion_date=status.date("primaryCompletionDateStruct"),
        completion_date=status.date("completionDateStruct"),
        completion_date_type=status.node("completionDateStruct").text("type"),
        first_posted_date=status.date("studyFirstPostDateStruct"),
        last_update_posted_date=status.date("lastUpdatePostDateStruct"),
        enrollment_count=enrollment.integer("count"),
        enrollment_type=enrollment.text("type"),
        lead_sponsor=sponsors.node("leadSponsor").text("name"),
        collaborators=[n.text("name") for n in sponsors.nodes("collaborators") if n.text("name")],
        eligibility=_eligibility(protocol.node("eligibilityModule")),
        central_contacts=[
            _contact(n) for n in protocol.node("contactsLocationsModule").nodes("centralContacts")
        ],
        locations=_locations(protocol.node("contactsLocationsModule")),
        arms=_arms(protocol.node("armsInterventionsModule")),
        outcomes=_outcomes(protocol.node("outcomesModule")),
    )


def _mesh_terms(browse: _Node) -> list[str]:
    return [n.text("term") for n in browse.nodes("meshes") if n.text("term")]


def _interventions(module: _Node) -> list[Intervention]:
    return [
        Intervention(
            type=n.text("type"),
            name=n.text("name"),
            description=n.text("description"),
            other_names=n.texts("otherNames"),
            arm_labels=n.texts("armGroupLabels"),
        )
        for n in module.nodes("interventions")
    ]


def _arms(module: _Node) -> list[Arm]:
    return [
        Arm(
            label=n.text("label"),
            type=n.text("type"),
            description=n.text("description"),
            interventions=n.texts("interventionNames"),
        )
        for n in module.nodes("armGroups")
    ]


def _outcomes(module: _Node) -> list[Outcome]:
    outcomes = []
    for kind, key in (
        ("primary", "primaryOutcomes"),
        ("secondary", "secondaryOutcomes"),
        ("other", "otherOutcomes"),
    ):
        outcomes += [
            Outcome(
                kind=kind,
                measure=n.text("measure"),
                description=n.text("description"),
                time_frame=n.text("timeFrame"),
            )
            for n in module.nodes(key)
        ]
    return outcomes


def _eligibility(module: _Node) -> Eligibility:
    minimum, minimum_text = module.age("minimumAge")
    maximum, maximum_text = module.age("maximumAge")
    return Eligibility(
        criteria=module.text("eligibilityCriteria"),
        sex=module.text("sex"),
        minimum_age=minimum,
        maximum_age=maximum,
        minimum_age_text=minimum_text,
        maximum_age_text=maximum_text,
        healthy_volunteers=module.boolean("healthyVolunteers"),
        std_ages=module.texts("stdAges"),
    )


def _contact(node: _Node) -> Contact:
    phone = node.text("phone")
    extension = node.text("phoneExt")
    if extension:
        phone = f"{phone} ext. {extension}" if phone else f"ext. {extension}"
    return Contact(
        name=node.text("name"), role=node.text("role"), phone=phone, email=node.text("email")
    )


def _locations(module: _Node) -> list[Location]:
    """Sites from ``locations``; ``locations_nested`` is a non-standard copy some exports
    add. It is read too, but a site already listed in ``locations`` is not added twice."""
    listed = module.nodes("locations")
    locations = [_location(n) for n in listed]
    nested = module.nodes("locations_nested")
    if not nested:
        return locations
    seen = {json.dumps(n.data, sort_keys=True) for n in listed}
    for node in nested:
        key = json.dumps(node.data, sort_keys=True)
        if key not in seen:
            seen.add(key)
            locations.append(_location(node))
    return locations


def _location(node: _Node) -> Location:
    geo_node = node.node("geoPoint")
    lat, lon = geo_node.number("lat"), geo_node.number("lon")
    geo = None
    if lat is not None and lon is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise RecordError(f"{geo_node.path}: coordinates out of range ({lat}, {lon})")
        geo = GeoPoint(lat=lat, lon=lon)
    return Location(
        facility=node.text("facility"),
        city=node.text("city"),
        state=node.text("state"),
        zip=node.text("zip"),
        country=node.text("country"),
        status=node.text("status"),
        contacts=[_contact(n) for n in node.nodes("contacts")],
        geo=geo,
    )
