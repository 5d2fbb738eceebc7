"""Bookkeeping of the continuous-batching path that needs no model."""

from __future__ import annotations


def test_sequences_at_once_come_from_the_engines_lifespans() -> None:
    from harness.backends.continuous import most_at_once

    assert most_at_once([(0, 4), (1, 2), (2, 3), (5, 6)]) == 2  # (1,2) ends as (2,3) starts
    assert most_at_once([(0, 10), (1, 9), (2, 8)]) == 3
    assert most_at_once([(-1, -1)]) == 0 and most_at_once([]) == 0
