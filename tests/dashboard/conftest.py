import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache


@pytest.fixture(autouse=True)
def _counts_counted_afresh(monkeypatch):
    """The officers' late-work counts are kept a few minutes (dashboard.piling): each test counts its own."""
    monkeypatch.setattr("dashboard.piling.cache", LocMemCache(f"dashboard-{uuid.uuid4()}", {}))
