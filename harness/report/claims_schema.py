"""The shape of configs/claims.yaml (or a user's own, under $HARNESS_CONFIGS), checked when it
is read: each claim's keys, and its rule's keys and types for its kind (the kinds are
described in claims.yaml's header). A mistake is one ConfigError naming the claim and the
key, never a KeyError from the middle of a verdict. The rules stay plain mappings after the
check; these classes only say what a mapping must hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.yamlio import ConfigError, at_least, build

# the plan's figures a ratio can be taken of (numbers that are never 0 for a real model)
PLAN_QUANTITIES = ("params_total", "params_active", "weight_bytes", "kv_bytes_per_token",
                   "gpus_to_hold_weights", "gpus_for_context", "decode_bytes_per_token")
METRICS = ("joules_per_correct", "dollars_per_correct")
TESTS = ("non-inferiority", "superiority")


@dataclass(frozen=True)
class Claim:
    """One claim: what was said, where, and the rule that decides it."""

    id: str
    text: str
    source: str
    rule: dict[str, Any]


@dataclass(frozen=True)
class Pair:
    """What every rule names: its kind and the two models it compares."""

    kind: str
    a: str
    b: str


@dataclass(frozen=True)
class Ratio(Pair):
    quantity: str
    expected: float = field(metadata=at_least(1e-12))
    tolerance: float = field(metadata=at_least(0))
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    quantity: str
    at_most: float
    meaning: str = ""


@dataclass(frozen=True)
class Checks(Pair):
    gpu: str
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class MeasuredBenchmark:
    name: str
    tasks: tuple[str, ...]
    problems: int | None = field(default=None, metadata=at_least(1))


@dataclass(frozen=True)
class Accuracy(Pair):
    benchmarks: tuple[MeasuredBenchmark, ...]
    test: str = "non-inferiority"
    margin_points: float = field(default=0.0, metadata=at_least(0))


@dataclass(frozen=True)
class PublishedBenchmark:
    name: str
    b_value: float
    problems: int | None = field(default=None, metadata=at_least(1))


@dataclass(frozen=True)
class Published(Pair):
    b_source: str
    benchmarks: tuple[PublishedBenchmark, ...]
    margin_points: float = field(default=0.0, metadata=at_least(0))


@dataclass(frozen=True)
class Efficiency(Pair):
    metric: str
    b_estimate_gpu: str
    b_estimate_gpus: int = field(metadata=at_least(1))


KINDS: dict[str, type] = {"ratio": Ratio, "checks": Checks, "accuracy": Accuracy,
                          "published": Published, "efficiency": Efficiency}


def check_claims(claims: Any, path: Path) -> list[dict[str, Any]]:
    """`claims` (the YAML's `claims` list) if every claim has the shape of its rule's kind;
    a ConfigError naming the first claim and key that do not, otherwise."""
    if not isinstance(claims, list):
        raise ConfigError(f"{path}: expected a 'claims' list.")
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        where = f"{path}: claims[{i}]"
        spec = build(Claim, claim, where)
        where = f"{path}: claim {spec.id!r}"
        if spec.id in seen:
            raise ConfigError(f"{where}: the id is used twice; give each claim its own.")
        seen.add(spec.id)
        kind = spec.rule.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise ConfigError(f"{where}: rule kind {kind!r} is not one of "
                              f"{', '.join(KINDS)} (claims.yaml's header says what each does).")
        rule = build(KINDS[kind], spec.rule, f"{where}: rule")
        _check_values(rule, where)
    return claims


def _check_values(rule: Any, where: str) -> None:
    quantities = [getattr(rule, "quantity", None), *getattr(rule, "also", ()),
                  *(c.quantity for c in getattr(rule, "checks", ()))]
    for q in (q for q in quantities if q is not None):
        if q not in PLAN_QUANTITIES:
            raise ConfigError(f"{where}: quantity {q!r} is not a figure of the plan; use one "
                              f"of {', '.join(PLAN_QUANTITIES)}.")
    if getattr(rule, "metric", METRICS[0]) not in METRICS:
        raise ConfigError(f"{where}: metric {rule.metric!r} is not one of {', '.join(METRICS)}.")
    if getattr(rule, "test", TESTS[0]) not in TESTS:
        raise ConfigError(f"{where}: test {rule.test!r} is not one of {', '.join(TESTS)}.")
    for gpu in (getattr(rule, "gpu", None), getattr(rule, "b_estimate_gpu", None)):
        if gpu is not None:
            from harness.config import configs

            configs.get_hardware(gpu)  # an unknown GPU is a ConfigError naming the known ones
    benchmarks = getattr(rule, "benchmarks", None)
    if benchmarks is not None and not benchmarks:
        raise ConfigError(f"{where}: benchmarks is empty; name at least one.")
    for bench in benchmarks or ():
        if not getattr(bench, "tasks", True):
            raise ConfigError(f"{where}: benchmark {bench.name!r} names no tasks.")


__all__ = ["KINDS", "check_claims"] + [c.__name__ for c in KINDS.values()]
