"""Cyclic garbage collection tuned for a load's allocation pattern (RES-17).

A load allocates millions of short-lived dicts and lists (records, resources, documents) that
reference counting frees; almost none form cycles. With the default thresholds (a collection
every 700 net container allocations) the collector ran thousands of times over a 19k load, and
each older-generation pass walked every long-lived object (modules, the gazetteer, the MedDRA
table, the index's previous state): half the mapping's CPU in the profile. During a load the
objects alive at its start are frozen out of the collector's walk (``gc.freeze``) and the
youngest generation is collected every ``GEN0`` allocations instead; both are restored after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

GEN0: Final = 50_000


@contextmanager
def load_gc() -> Iterator[None]:
    """Tune the collector for the duration of one load (and in workers forked within it)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GEN0, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
