"""YAML reading and strict conversion to frozen dataclasses.

Unknown keys are errors that name the key, the allowed keys and the file; malformed YAML is
reported with its file, line and column.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from harness.errors import HarnessError

T = TypeVar("T")


class ConfigError(HarnessError):
    """A configuration file is missing, malformed or has unknown keys."""


class _AnyTag(yaml.SafeLoader):
    """A safe loader that reads tags it does not know (lm-eval's !function) as None."""


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)


@functools.lru_cache(maxsize=256)
def _parse(text: str, any_tag: bool) -> Any:
    """The parsed YAML of `text`, once per text: a report over many runs asks for the same
    model YAMLs over a thousand times, at 30 ms a parse. Keyed by the text itself, so an
    edited file is parsed anew however fast it changed; callers get a copy (read_yaml)."""
    return yaml.load(text, Loader=_AnyTag) if any_tag else yaml.safe_load(text)  # noqa: S506


def read_yaml(path: Path, any_tag: bool = False) -> dict[str, Any]:
    """Parse a YAML mapping, turning syntax errors into a message with file and line.
    any_tag: tolerate unknown tags (to peek into lm-eval task files)."""
    try:
        text = path.read_text()
    except FileNotFoundError as exc:
        raise ConfigError(f"Config file {path} does not exist.") from exc
    try:
        data = copy.deepcopy(_parse(text, any_tag))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{path}: malformed YAML at {where}: {problem}. Fix the syntax there "
            "(indentation, quoting, a missing colon) and run again."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping at the top level, got {type(data).__name__}.")
    return data


def build(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass `cls` from a mapping, recursing into nested dataclasses.

    Unknown keys raise ConfigError naming the key, the allowed keys and `where`.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping for {cls.__name__}, got {data!r}.")
    hints = typing.get_type_hints(cls)
    allowed = [f.name for f in dataclasses.fields(cls) if f.name != "path"]  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in {cls.__name__} "
            f"(allowed: {', '.join(sorted(allowed))}). Remove or rename it."
        )
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {}
    for key, value in data.items():
        kwargs[key] = _convert(hints[key], value, f"{where}: {key}")
        _check_range(fields[key].metadata.get("min"), kwargs[key], f"{where}: {key}",
                     fields[key].metadata.get("unit", ""))
    missing = [f.name for f in dataclasses.fields(cls)  # type: ignore[arg-type]
               if f.name not in kwargs and f.name != "path"
               and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where}: {missing[0]!r} is required here and missing "
                          f"({cls.__name__} needs {', '.join(missing)}).")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def at_least(low: float, unit: str = "") -> dict[str, Any]:
    """Field metadata: the value (or each value of a tuple) must be >= low; `unit` says in
    what the value is written, for the message ("bytes: 80e9 for 80 GB")."""
    return {"min": low, "unit": unit}


def _check_range(low: float | None, value: Any, where: str, unit: str = "") -> None:
    values = value if isinstance(value, tuple) else (value,)
    for v in values:
        if isinstance(v, float) and not math.isfinite(v):
            raise ConfigError(f"{where}: {v!r} is not a finite number.")
        if low is not None and isinstance(v, (int, float)) and v < low:
            raise ConfigError(f"{where}: {v!r} is below the smallest allowed value, {low:g}."
                              + (f" It is written in {unit}." if unit else ""))


SCALARS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def _convert(hint: Any, value: Any, where: str) -> Any:
    """Convert one value to its annotated type: nested dataclasses are built, lists become
    tuples, and scalars must already be of their type (YAML's "lots" is not an int)."""
    args = [a for a in typing.get_args(hint) if a is not type(None) and a is not Ellipsis]
    optional = type(None) in typing.get_args(hint)
    if value is None:
        if optional or hint is Any:
            return None
        raise ConfigError(f"{where}: a value is required here, got null.")
    if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}.")
        return tuple(build(args[0], item, f"{where}[{i}]") for i, item in enumerate(value))
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}.")
        return tuple(_convert(args[0], v, f"{where}[{i}]") if args else v
                     for i, v in enumerate(value))  # frozen configs hold tuples
    target = hint if dataclasses.is_dataclass(hint) or hint in SCALARS else \
        (args[0] if len(args) == 1 else None)
    if target is not None and dataclasses.is_dataclass(target):
        return build(target, value, where)
    if target in SCALARS:
        return _scalar(target, value, where)
    if typing.get_origin(target or hint) is dict and not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping, got {value!r}.")
    return value


def _scalar(kind: type, value: Any, where: str) -> Any:
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ConfigError(f"{where}: expected {SCALARS[kind]}, got {value!r}. Write it "
                          f"unquoted, e.g. {_EXAMPLE[kind]}.")
    return value


_EXAMPLE = {bool: "true", int: "8", float: "0.6", str: "'text'"}
