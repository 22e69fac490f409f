import pytest


@pytest.fixture(autouse=True)
def fresh_throttle_cache():
    """Mail limits and client throttles count in the shared "throttle" cache, which outlives
    a test's database transaction; every test here starts with empty counters."""
    from django.core.cache import caches

    caches["throttle"].clear()
    yield
    caches["throttle"].clear()
