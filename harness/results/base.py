"""The base of every part of the run record: typed, frozen, converted from and to JSON.

A part is a frozen dataclass whose fields name their units (`_s` seconds, `_bytes` bytes,
`_tokens_per_s` tokens per second, `joules`, `_w` watts). `from_json` builds one from its
object in run.json, converting nested parts, tuples of parts and dicts of parts from their
type hints; keys the part does not declare are kept in its `extra` field (where it has one)
and written back unchanged by `to_json`. Sparse parts leave out null fields when written:
absent and null mean the same to every reader.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any


class RecordError(ValueError):
    """A run.json that cannot be read as a run record, with the reason."""


@dataclass(frozen=True)
class Record:
    """Base of every part of the record: conversion from and to run.json's JSON form."""

    _sparse: typing.ClassVar[bool] = False  # True: None fields are left out when written
    _non_negative: typing.ClassVar[tuple[str, ...]] = ()  # numbers that cannot be below 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        """Build from a JSON object; unknown keys go to `extra` where the type has one. A null
        where the field cannot be null reads as absent (its default), as a sparse part writes
        it; a value of the wrong type, or a negative count or error, is a RecordError."""
        if not isinstance(data, dict):
            raise RecordError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        known = {k: _load(hints[k], v, f"{cls.__name__}.{k}") for k, v in data.items()
                 if k in names and k != "extra" and (v is not None or _nullable(hints[k]))}
        if "extra" in names:
            known["extra"] = {k: v for k, v in data.items() if k not in names}
        for name in cls._non_negative:
            value = known.get(name)
            if isinstance(value, (int, float)) and value < 0:
                raise RecordError(f"{cls.__name__}.{name}: cannot be negative, got {value!r}")
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        """The JSON object written to run.json."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "extra":
                out.update(value)
            elif not (self._sparse and value is None):
                out[f.name] = _dump(value)
        return out


def _nullable(hint: Any) -> bool:
    return hint is Any or (typing.get_origin(hint) in (typing.Union, types.UnionType)
                           and type(None) in typing.get_args(hint))


def _load(hint: Any, value: Any, where: str) -> Any:
    if value is None:
        if isinstance(hint, type) and issubclass(hint, Record):  # an element of a list
            raise RecordError(f"{where}: expected an object, got null")
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _load(inner[0], value, where) if len(inner) == 1 else value
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_json(value)
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(_load(args[0], v, where) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise RecordError(f"{where}: expected an object, got {type(value).__name__}")
        if len(args) == 2 and isinstance(args[1], type) and issubclass(args[1], Record):
            return {k: args[1].from_json(v) for k, v in value.items()}
        return value
    if hint in _SCALARS and not _SCALARS[hint](value):
        raise RecordError(f"{where}: expected {hint.__name__}, got {value!r}")
    return value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_SCALARS = {  # what a JSON value of each annotated type may be
    bool: lambda v: isinstance(v, bool),
    int: lambda v: _number(v) and float(v).is_integer(),
    float: _number,
    str: lambda v: isinstance(v, str),
}


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value
