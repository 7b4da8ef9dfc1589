"""The one error every profile reader raises, with the path of the field at fault."""

from __future__ import annotations


class ProfileError(ValueError):
    """Bad patient input; the message names the offending field (``labs[2].value: ...``)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}" if path else message)


def join_path(parts: list[str | int]) -> str:
    """``["labs", 2, "value"]`` to ``labs[2].value``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out
