"""Shared fixtures: the real public data beside the project, skipped cleanly when absent."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
SEED_FIXTURE = PROJECT_ROOT / "trials" / "fixtures" / "NCT04521231.json"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture
def seed_path() -> Path:
    return SEED_FIXTURE
