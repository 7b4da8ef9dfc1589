"""The error every reader raises for a record it cannot map."""

from __future__ import annotations


class RecordError(ValueError):
    """A study that cannot become a TrialRecord; the message says why in user terms."""

    def __init__(self, reason: str, nct_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.nct_id = nct_id
