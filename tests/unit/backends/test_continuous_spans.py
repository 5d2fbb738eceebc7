"""Bookkeeping of the continuous-batching path that needs no model."""

from __future__ import annotations


def test_sequences_at_once_come_from_the_engines_lifespans() -> None:
    from harness.backends.continuous import most_at_once

    assert most_at_once([(0, 4), (1, 2), (2, 3), (5, 6)]) == 2  # (1,2) ends as (2,3) starts
    assert most_at_once([(0, 10), (1, 9), (2, 8)]) == 3
    assert most_at_once([(-1, -1)]) == 0 and most_at_once([]) == 0


def test_every_eos_of_the_generation_config_stops_a_generation() -> None:
    from types import SimpleNamespace

    from harness.backends.continuous import stop_ids

    qwq = SimpleNamespace(generation_config=SimpleNamespace(eos_token_id=[151645, 151643]))
    assert stop_ids(SimpleNamespace(eos_token_id=151645), qwq) == [151645, 151643]
    single = SimpleNamespace(generation_config=SimpleNamespace(eos_token_id=2))
    assert stop_ids(SimpleNamespace(eos_token_id=2), single) == [2]
    assert stop_ids(SimpleNamespace(eos_token_id=None), SimpleNamespace()) == []
