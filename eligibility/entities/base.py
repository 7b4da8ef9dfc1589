"""The entity record shared by the tagger, the brat files and the scoring."""

from __future__ import annotations

from dataclasses import dataclass

#: Chia's entity types that the tagger may emit.
ENTITY_TYPES: tuple[str, ...] = (
    "Condition",
    "Drug",
    "Procedure",
    "Measurement",
    "Value",
    "Temporal",
    "Person",
    "Observation",
    "Device",
    "Negation",
    "Qualifier",
)

#: The types the quality target is measured on.
EVAL_TYPES: tuple[str, ...] = (
    "Condition",
    "Drug",
    "Procedure",
    "Measurement",
    "Value",
    "Temporal",
    "Person",
)


@dataclass(frozen=True, slots=True)
class Entity:
    """A typed, contiguous span of a criteria text; ``text == source[start:end]``."""

    type: str
    start: int
    end: int
    text: str
