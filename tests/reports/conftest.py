import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    # Group labels and definitions are read in English here, whatever language an earlier test left active.
    with translation.override("en"):
        yield
