"""Realistic synthetic trials for load tests, made by recombining real API v2 studies.

Each synthetic study takes its parts (titles, summary, conditions, interventions, criteria,
sites, status and dates, sponsor, design, outcomes) from different real studies, so text,
vocabularies and sizes follow real data while every combination is new. Output is API v2
JSON Lines, one study a line, written as it is made: memory does not grow with the count.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# Real NCT ids are far below this; synthetic ids count up from here.
FIRST_SYNTHETIC_ID = 90_000_000
MAX_COUNT = 99_999_999 - FIRST_SYNTHETIC_ID + 1
# Sites move by up to this many degrees (a few km), so sites do not all stack on real ones.
SITE_JITTER_DEGREES = 0.05

# Each module comes whole from one donor study, so each part stays self-consistent
# (a status with its dates, conditions with their MeSH terms).
_PROTOCOL_PARTS = (
    "descriptionModule",
    "conditionsModule",
    "armsInterventionsModule",
    "eligibilityModule",
    "statusModule",
    "sponsorCollaboratorsModule",
    "designModule",
    "outcomesModule",
)
_DERIVED_PARTS = {
    "conditionsModule": "conditionBrowseModule",
    "armsInterventionsModule": "interventionBrowseModule",
}


class SynthError(Exception):
    """The source studies cannot be used (missing, unreadable, empty)."""


def load_studies(path: str | Path) -> list[dict[str, Any]]:
    """The real API v2 studies to recombine, from a JSON Lines file."""
    path = Path(path)
    if not path.is_file():
        raise SynthError(f"source studies not found: {path}")
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise SynthError(f"cannot read {path}: {exc.strerror}") from exc
    studies = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            study = json.loads(line)
        except ValueError as exc:
            raise SynthError(f"{path} line {number}: not JSON ({exc})") from exc
        if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
            raise SynthError(f"{path} line {number}: not an API v2 study")
        studies.append(study)
    if not studies:
        raise SynthError(f"{path} holds no studies")
    return studies


def synthetic_nct_id(index: int) -> str:
    return f"NCT{FIRST_SYNTHETIC_ID + index:08d}"


def generate(studies: list[dict[str, Any]], n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` synthetic studies, the same ones for the same sources and seed."""
    if not 0 <= n <= MAX_COUNT:
        raise SynthError(f"count must be between 0 and {MAX_COUNT:,}")
    if not studies:
        raise SynthError("no source studies")
    rng = random.Random(seed)
    for index in range(n):
        yield _combine(rng, studies, synthetic_nct_id(index))


def write_jsonl(studies: list[dict[str, Any]], n: int, out: IO[str], seed: int = 0) -> int:
    """Write ``n`` synthetic studies to ``out``, one JSON object a line; returns the count."""
    count = 0
    for study in generate(studies, n, seed):
        out.write(json.dumps(study, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def _combine(
    rng: random.Random,
    studies: list[dict[str, Any]],
    nct_id: str,
) -> dict[str, Any]:
    protocol: dict[str, Any] = {}
    derived: dict[str, Any] = {}
    title_donor = rng.choice(studies)["protocolSection"]
    ident = copy.deepcopy(title_donor.get("identificationModule") or {})
    official_donor = rng.choice(studies)["protocolSection"].get("identificationModule") or {}
    if official_donor.get("officialTitle"):
        ident["officialTitle"] = official_donor["officialTitle"]
    ident["nctId"] = nct_id
    ident["orgStudyIdInfo"] = {"id": f"SYN-{nct_id[3:]}"}
    ident.pop("secondaryIdInfos", None)
    protocol["identificationModule"] = ident
    # Shared parts are only read (they are serialised straight away); what changes is copied.
    for module in _PROTOCOL_PARTS:
        donor = rng.choice(studies)
        part = donor["protocolSection"].get(module)
        if part is not None:
            protocol[module] = part
        derived_name = _DERIVED_PARTS.get(module)
        derived_part = (donor.get("derivedSection") or {}).get(derived_name or "")
        if derived_name and derived_part is not None:
            derived[derived_name] = derived_part
    contacts = dict(rng.choice(studies)["protocolSection"].get("contactsLocationsModule") or {})
    contacts.pop("locations_nested", None)  # a non-standard copy some exports carry
    if isinstance(contacts.get("locations"), list):
        contacts["locations"] = [_jittered(rng, loc) for loc in contacts["locations"]]
    if contacts:
        protocol["contactsLocationsModule"] = contacts
    study: dict[str, Any] = {"protocolSection": protocol, "hasResults": False}
    if derived:
        study["derivedSection"] = derived
    return study


def _jittered(rng: random.Random, location: Any) -> Any:
    geo = location.get("geoPoint") if isinstance(location, dict) else None
    if not (isinstance(geo, dict) and _is_number(geo.get("lat")) and _is_number(geo.get("lon"))):
        return location
    moved = {
        "lat": round(_clamp(geo["lat"] + _jitter(rng), -90.0, 90.0), 5),
        "lon": round(_clamp(geo["lon"] + _jitter(rng), -180.0, 180.0), 5),
    }
    return {**location, "geoPoint": moved}


def _jitter(rng: random.Random) -> float:
    return rng.uniform(-SITE_JITTER_DEGREES, SITE_JITTER_DEGREES)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
