"""Reading expected values out of a TrialRecord by a short path."""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def pick(record: Any, path: str) -> Any:
    """``"locations[0].geo.lat"`` -> that value; ``"#locations"`` -> the list's length."""
    count = path.startswith("#")
    value = record
    for step in path.lstrip("#").split("."):
        match = _STEP.fullmatch(step)
        assert match, f"bad path {path!r}"
        value = getattr(value, match.group(1))
        if match.group(2) is not None:
            value = value[int(match.group(2))]
    return len(value) if count else value
