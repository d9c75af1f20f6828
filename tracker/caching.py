"""Work cached under a digest of the data it is made from (trends' charts, the visit summary's
charts and alerts).

The key is a SHA-256 of the inputs' repr and the active language, so any change to the records
gives a new key: there is nothing to invalidate, and a stale result cannot be served. repr, not
pickle: a pickle also records which values are the same object (a unit string read from the
database or written in the code), so equal inputs could give different keys and miss the cache.
Inputs must be plain values (dataclasses, tuples, dates, Decimals), whose repr says what they hold.
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

CACHE_SECONDS = 15 * 60


def cached(kind: str, inputs, make):
    """make(), or what it made before for the same inputs and language."""
    digest = hashlib.sha256(repr((get_language(), inputs)).encode()).hexdigest()
    key = f"{kind}:{digest}"
    made = cache.get(key)
    if made is None:
        made = make()
        cache.set(key, made, CACHE_SECONDS)
    return made
