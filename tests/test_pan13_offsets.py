"""The PAN bench maps stored links back to the documents: offsets through the importer's normalisation."""

from __future__ import annotations

from bench.bench_pan13 import _end, offset_map


def test_stored_offsets_map_back_through_joined_lines_and_links():
    document = "  The river\nflooded   the [old town](http://x.org) today.\n\nRain  fell."
    stored = "The river flooded the old town today.\n\nRain fell."
    positions = offset_map(stored, document)
    start, end = stored.index("flooded"), stored.index("today.") + len("today.")
    assert (
        document[positions[start] : _end(positions, end)] == "flooded   the [old town](http://x.org) today."
    )
    start = stored.index("Rain")
    assert document[positions[start] : _end(positions, len(stored))] == "Rain  fell."
