"""Read a patient file: a free-text note (.txt), a FHIR Bundle or profile JSON (.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from eligibility.profile.errors import ProfileError
from eligibility.profile.fhir import profile_from_fhir
from eligibility.profile.model import Profile, load_profile
from eligibility.profile.text import profile_from_text


def load_patient_file(path: str | Path, as_of: dt.date | None = None) -> Profile:
    """A profile from ``path``; ``ProfileError`` says what is wrong with the file.

    ``as_of`` dates notes and bundles; profile JSON carries its own ``as_of``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".txt", ".json"):
        raise ProfileError(f"{p.name}: expected a .txt note or a .json profile or FHIR Bundle")
    try:
        raw = p.read_text("utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ProfileError(f"{p}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{p.name}: not UTF-8 text") from None
    except OSError as exc:
        raise ProfileError(f"{p}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise ProfileError(f"{p.name}: the file is empty")
    try:
        if suffix == ".txt":
            return profile_from_text(raw, as_of=as_of)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            return profile_from_fhir(data, as_of=as_of)
        if isinstance(data, dict) and "resourceType" in data:
            raise ProfileError(
                f"a FHIR {data.get('resourceType')!r} resource; expected a Bundle", "resourceType"
            )
        return load_profile(data)
    except ProfileError as exc:
        raise ProfileError(exc.reason, f"{p.name}: {exc.path}" if exc.path else p.name) from None
