"""Entity recognition on eligibility criteria, with Chia's entity types.

``extract(text)`` tags each line of a criteria text with a small CRF model shipped in
``data/`` (trained on the Chia corpus, CC BY 4.0, by ``python -m eligibility.entities.train``).
"""

from __future__ import annotations

from eligibility.entities.base import ENTITY_TYPES, EVAL_TYPES, Entity
from eligibility.entities.tagger import ModelMissingError, Tagger, default_tagger

__all__ = [
    "ENTITY_TYPES",
    "EVAL_TYPES",
    "Entity",
    "ModelMissingError",
    "Tagger",
    "extract",
]


def extract(text: str) -> list[Entity]:
    """Typed entity spans of a criteria text, with offsets into ``text`` itself."""
    return default_tagger().extract(text)
