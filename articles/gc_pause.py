"""Pausing Python's cycle collector around bulk work that creates no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause the cycle collector, restoring its previous state afterwards.

    Bulk imports and exports build many tuples and strings without cycles: reference counting frees them,
    while the collector would walk all of them (and all of Django) again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
