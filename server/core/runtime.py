"""Process-wide tuning that ``wegovnow serve`` applies once, before it serves."""

from __future__ import annotations

import gc

# CPython collects its youngest generation after every 700 net allocations. A push of
# 1,000 mutations allocates hundreds of thousands of short-lived objects (models,
# pydantic results), so the collector ran hundreds of times within one push and now
# and then a full collection: a quarter of the push's time and most of its variance
# (bench/bench_sync.py). Collecting less often holds a little more memory between
# collections; reference counting still frees everything that has no cycle at once.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
