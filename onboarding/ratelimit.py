"""A fixed-window counter in the cache (Redis when REDIS_URL is set; per process otherwise)."""

from django.core.cache import cache


def too_many(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit on ``key``; True once the window holds more than ``limit`` hits."""
    full_key = f"ratelimit:{key}"
    if cache.add(full_key, 1, timeout=window_seconds):
        return limit < 1
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=window_seconds)
        count = 1
    return count > limit
