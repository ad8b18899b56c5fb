import pytest

from assessments import instruments


@pytest.fixture
def restore_registry():
    """Tests that register hypothetical instrument versions leave the registry as they found it."""
    saved = dict(instruments._REGISTRY), dict(instruments._CURRENT)
    yield
    instruments._REGISTRY.clear()
    instruments._REGISTRY.update(saved[0])
    instruments._CURRENT.clear()
    instruments._CURRENT.update(saved[1])
