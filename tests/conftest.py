"""Shared fixtures: the real public data beside the project, skipped cleanly when absent."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

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


@pytest.fixture(scope="session", autouse=True)
def _background_tasks_run_at_once():
    """Background tasks run inside the command that queues them, as with
    TRIALMATCH_TASKS_BACKEND=immediate; tests of the queue use ``database_tasks``."""
    immediate = {"default": {"BACKEND": django_settings.TASKS_BACKENDS["immediate"]}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture
def database_tasks(settings):
    """Background tasks wait in the database for the worker, as in the default set-up."""
    settings.TASKS = {"default": {"BACKEND": django_settings.TASKS_BACKENDS["database"]}}
