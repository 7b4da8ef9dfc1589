import pytest

from tests.web.data import load_catalogue


@pytest.fixture
def catalogue(db) -> None:
    load_catalogue()
