import pytest

from tests.prescreen.data import load_trials


@pytest.fixture
def trials(db) -> None:
    load_trials()
