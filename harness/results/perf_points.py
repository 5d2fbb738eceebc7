"""The perf part of a run record: every measured point, and the headline tables read."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.results.base import Record
from harness.results.parts import EnergyWindow


@dataclass(frozen=True)
class PerfPoint(Record):
    """One measured point: a prefill or decode scenario of one variant, with its bound."""

    variant: str = "?"
    kind: str = "?"  # prefill or decode
    status: str = "?"  # ok, skipped, oom, error
    reason: str | None = None
    prompt_tokens: int | None = None
    batch_size: int | None = None
    new_tokens: int | None = None
    repeats: int | None = None
    timing: str | None = None  # how the figures were taken (single call, forward pass, ...)
    prefill_s: float | None = None  # prefill points: one forward pass over the prompt
    prefill_p90_s: float | None = None
    ttft_s: float | None = None
    ttft_p90_s: float | None = None
    tpot_s: float | None = None
    tpot_p90_s: float | None = None
    itl_s: float | None = None
    itl_p90_s: float | None = None
    e2e_s: float | None = None
    prefill_tokens_per_s: float | None = None
    decode_tokens_per_s: float | None = None
    output_tokens_per_s: float | None = None
    bound_tokens_per_s: float | None = None
    bound_measured_bw_tokens_per_s: float | None = None
    fraction_of_bound: float | None = None
    fraction_of_bound_measured_bw: float | None = None
    kv_cache_bytes: int | None = None
    peak_allocated_bytes: int | None = None
    peak_reserved_bytes: int | None = None
    energy: EnergyWindow | None = None
    joules_per_token: float | None = None
    load_avg_1m_start: float | None = None  # the machine's load, before and after the point
    load_avg_1m_end: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # serving points: percentiles, counts
    _sparse: typing.ClassVar[bool] = True

    @property
    def rate(self) -> float | None:
        """Tokens/s of the point's kind: decode tokens/s, or prefill tokens/s."""
        return self.decode_tokens_per_s if self.kind == "decode" else self.prefill_tokens_per_s


@dataclass(frozen=True)
class SweepEntry(Record):
    """Decode tokens/s at one batch size, for the decode-vs-batch plot."""

    batch_size: int = 0
    decode_tokens_per_s: float = 0.0


@dataclass(frozen=True)
class Headline(Record):
    """The fields tables read from a sweep: the variant a deployment would pick (fastest
    decode at the smallest batch), its batch-1 decode and first prefill, its decode sweep."""

    variant: str | None = None
    decode_tokens_per_s: float | None = None
    tpot_s: float | None = None
    ttft_s: float | None = None
    batch_size: int | None = None
    prompt_tokens: int | None = None  # of the batch-1 decode point
    new_tokens: int | None = None
    decode_fraction_of_bound: float | None = None
    decode_joules_per_token: float | None = None
    prefill_tokens_per_s: float | None = None
    prefill_prompt_tokens: int | None = None
    sweep: tuple[SweepEntry, ...] = ()


def headline(points: Sequence[PerfPoint]) -> Headline:
    """The headline of a list of points (see Headline)."""
    ok = [p for p in points if p.status == "ok"]
    decodes = [p for p in ok if p.kind == "decode" and p.decode_tokens_per_s]
    if decodes:
        smallest = min(p.batch_size or 0 for p in decodes)
        best = max((p for p in decodes if (p.batch_size or 0) == smallest),
                   key=lambda p: p.decode_tokens_per_s or 0.0).variant
    else:
        best = ok[0].variant if ok else None
    decode = [p for p in ok if p.kind == "decode" and p.variant == best]
    prefill = [p for p in ok if p.kind == "prefill" and p.variant == best]
    d1 = next((p for p in decode if p.batch_size == 1), decode[0] if decode else PerfPoint())
    p1 = prefill[0] if prefill else PerfPoint()
    return Headline(
        variant=best, decode_tokens_per_s=d1.decode_tokens_per_s, tpot_s=d1.tpot_s,
        ttft_s=d1.ttft_s, batch_size=d1.batch_size, prompt_tokens=d1.prompt_tokens,
        new_tokens=d1.new_tokens,
        decode_fraction_of_bound=d1.fraction_of_bound,
        decode_joules_per_token=d1.joules_per_token,
        prefill_tokens_per_s=p1.prefill_tokens_per_s, prefill_prompt_tokens=p1.prompt_tokens,
        sweep=tuple(SweepEntry(p.batch_size or 0, p.decode_tokens_per_s or 0.0)
                    for p in decode if p.decode_tokens_per_s))


@dataclass(frozen=True)
class Perf(Record):
    """The perf sweep: its points, the ceilings they were compared with, and the headline
    fields (as in Headline; recomputed from the points by `headline()`)."""

    points: tuple[PerfPoint, ...] = ()
    status: str | None = None  # "interrupted" while a sweep runs or after it was cut off
    limits: dict[str, Any] = field(default_factory=dict)
    traffic: dict[str, Any] = field(default_factory=dict)
    idle_power_w: float | None = None
    device_peak_bytes: int | None = None
    device_peak_reason: str | None = None
    method: str | None = None
    threads: int | None = None  # CPU runs: torch's intra-op threads
    variant: str | None = None
    decode_tokens_per_s: float | None = None
    tpot_s: float | None = None
    ttft_s: float | None = None
    batch_size: int | None = None
    prefill_tokens_per_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    _sparse: typing.ClassVar[bool] = True

    def describe_point(self, dtype: str | None) -> str | None:
        """The conditions of the headline figures, e.g. 'static-cache, bfloat16, 512+256
        tokens, batch 1', so two rows of one model can be told apart."""
        head = self.headline()
        if head.variant is None:
            return None
        parts = [head.variant] + ([str(dtype)] if dtype else [])  # dtype: the backend's own
        if head.prompt_tokens is not None and head.new_tokens is not None:
            parts.append(f"{head.prompt_tokens}+{head.new_tokens} tokens")
        if head.batch_size is not None:
            parts.append(f"batch {head.batch_size}")
        timing = next((p.timing for p in self.points if p.kind == "decode" and p.status == "ok"
                       and p.variant == head.variant and p.batch_size == head.batch_size), None)
        if timing and timing.startswith("separate calls"):  # schema 1, engines without stamps
            parts.append("TTFT and E2E from separate calls"
                         + (" (schema 1)" if "schema 1" in timing else ""))
        return ", ".join(parts)

    def headline(self) -> Headline:
        """The headline fields, computed from the points (so older runs get every field);
        a record without points keeps the headline it was written with."""
        if self.points:
            return headline(self.points)
        names = {f.name for f in dataclasses.fields(Headline)}
        return Headline.from_json({k: v for k, v in self.to_json().items() if k in names})


def check(p: dict[str, Any]) -> None:
    """Physical sanity: a point faster than its bound, or whose end-to-end time is shorter
    than its first token, cannot have happened. It is marked `invalid` with the reason, and
    kept out of headlines, estimates, claims and plots (they read `ok` points only)."""
    problems = []
    if p.get("impossible"):
        problems.append(p.pop("impossible"))
    if p.get("e2e_s") is not None and p.get("ttft_s") is not None and p["e2e_s"] < p["ttft_s"]:
        problems.append(f"E2E {p['e2e_s'] * 1e3:.1f} ms is shorter than TTFT "
                        f"{p['ttft_s'] * 1e3:.1f} ms")
    for key, what in (("fraction_of_bound", "the datasheet bound"),
                      ("fraction_of_bound_measured_bw", "the measured-bandwidth bound")):
        if (p.get(key) or 0) > 1:
            problems.append(f"{p[key]:.0%} of {what}")
    if problems:
        p["status"] = "invalid"
        p["reason"] = ("physically impossible, a timing artefact (another process on the "
                       "machine?): " + "; ".join(problems))
