"""Helpers shared by the report tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) \
        if isinstance(obj, list) else ()
    for key, value in items:
        out += _paths(value, (*prefix, key))
    return out


def _bent_copies(obj: Any, values: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, copy of obj with the value at path replaced) for every path and value."""
    for path in _paths(obj):
        for value in values:
            bent = json.loads(json.dumps(obj))
            where = bent
            for key in path[:-1]:
                where = where[key]
            where[path[-1]] = value
            yield path, bent


@pytest.fixture
def bent_copies() -> Callable[[Any, tuple[Any, ...]], Iterator[tuple[tuple[Any, ...], Any]]]:
    """Every key of a JSON-like object, in turn, set to each of some values: for checking
    that records and config files of the wrong shape are refused clearly, never crash."""
    return _bent_copies
