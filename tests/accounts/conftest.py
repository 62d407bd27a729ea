import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The token endpoint is throttled per client address in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
