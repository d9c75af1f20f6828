"""tracker.caching: one result per data and language, whatever objects carry the data."""

from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils import translation

from tracker import caching


def test_equal_inputs_from_different_objects_share_one_result_per_language():
    cache.clear()
    made = []

    def make():
        made.append(1)
        return len(made)

    unit = "".join(["k", "g"])  # equal to "kg", another object (as one read from a database)
    first = (date(2026, 3, 1), Decimal("70.5"), "kg", "kg")
    same = (date(2026, 3, 1), Decimal("70.50"), unit, "kg")
    assert caching.cached("test", first, make) == 1
    assert caching.cached("test", same, make) == 2  # 70.50 is written otherwise: another key
    assert caching.cached("test", (date(2026, 3, 1), Decimal("70.5"), unit, "kg"), make) == 1
    with translation.override("es"):
        assert caching.cached("test", first, make) == 3
    assert made == [1, 1, 1]
