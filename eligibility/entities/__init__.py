"""Entity recognition on eligibility criteria, with Chia's entity types.

``extract(text)`` tags each line of a criteria text with a CRF model shipped in ``data/``
(trained on the Chia corpus, CC BY 4.0, by ``python -m eligibility.entities.train``), fed by the
MiniLM encoder when torch is installed and working from word features alone when it is not.
"""

from __future__ import annotations

from eligibility.entities.base import ENTITY_TYPES, EVAL_TYPES, Entity
from eligibility.entities.tagger import (
    CRF_ONLY,
    WITH_ENCODER,
    ModelMissingError,
    Tagger,
    default_tagger,
)

__all__ = [
    "CRF_ONLY",
    "ENTITY_TYPES",
    "EVAL_TYPES",
    "Entity",
    "ModelMissingError",
    "Tagger",
    "WITH_ENCODER",
    "default_tagger",
    "extract",
]


def extract(text: str) -> list[Entity]:
    """Typed entity spans of a criteria text, with offsets into ``text`` itself."""
    return default_tagger().extract(text)
