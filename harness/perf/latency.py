"""Latency figures from per-token stamps: TTFT, TPOT, ITL, E2E and throughput, each taken
within single generate() calls (the vLLM bench definitions), with medians and p90."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sequence")
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Stamps:
    """One generate() call: its start, each new token's arrival on the host, its end (s)."""

    start: float
    tokens: tuple[float, ...]
    end: float

    @property
    def ttft(self) -> float:
        return self.tokens[0] - self.start if self.tokens else self.end - self.start

    @property
    def decode(self) -> float:
        return self.tokens[-1] - self.tokens[0] if len(self.tokens) > 1 else 0.0

    @property
    def e2e(self) -> float:
        return self.end - self.start


class TokenClock:
    """A generate() streamer that stamps each new token as it reaches the host; the first
    put() is the prompt itself and is not a token."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._prompt_seen = False

    def put(self, value: Any) -> None:
        if self._prompt_seen:
            self.times.append(time.perf_counter())
        self._prompt_seen = True

    def end(self) -> None:
        """Nothing to flush."""


STREAMER = "single call: per-token stamps (streamer)"


def summarize(calls: Sequence[Stamps], prompt_tokens: int, new_tokens: int,
              batch_size: int, how: str = STREAMER) -> dict[str, Any]:
    """Decode-point fields from per-token stamps, every figure from within single calls;
    `how` says how the stamps were taken (run.json's `timing`)."""
    ttft = [c.ttft for c in calls]
    decode = [c.decode for c in calls]
    e2e = [c.e2e for c in calls]
    steps = max(new_tokens - 1, 1)
    tpot = [d / steps for d in decode]
    itl = [b - a for c in calls for a, b in zip(c.tokens, c.tokens[1:], strict=False)]
    med_decode = statistics.median(decode)
    return {
        "prompt_tokens": prompt_tokens, "new_tokens": new_tokens, "batch_size": batch_size,
        "repeats": len(calls), "ttft_s": statistics.median(ttft),
        "ttft_p90_s": percentile(ttft, 90),
        "tpot_s": statistics.median(tpot), "tpot_p90_s": percentile(tpot, 90),
        "itl_s": statistics.median(itl) if itl else None,
        "itl_p90_s": percentile(itl, 90) if itl else None,
        "decode_tokens_per_s": batch_size * steps / med_decode if med_decode > 0 else None,
        "e2e_s": statistics.median(e2e),
        "output_tokens_per_s": batch_size * new_tokens / statistics.median(e2e),
        "tokens_stamped": min(len(c.tokens) for c in calls),
        "timing": how,
        "raw": {"ttft_s": ttft, "decode_s": decode, "e2e_s": e2e},
    }


def summarize_separate(ttft_s: Sequence[float], e2e_s: Sequence[float], prompt_tokens: int,
                       new_tokens: int, batch_size: int) -> dict[str, Any]:
    """Decode fields for an engine without per-token stamps: TTFT and E2E from separate
    calls. Under noise their difference can be anything; the sweep's sanity check catches
    the impossible results (see sweep.check)."""
    calls = [Stamps(0.0, (t, t + max(e - t, 0.0)), e) for t, e in zip(ttft_s, e2e_s,
                                                                      strict=True)]
    out = summarize(calls, prompt_tokens, new_tokens, batch_size)
    out.update(itl_s=None, itl_p90_s=None, tokens_stamped=None,
               timing="separate calls: E2E minus TTFT (no per-token stamps from this engine)",
               raw={"ttft_s": list(ttft_s), "e2e_s": list(e2e_s)})
    if min(e - t for t, e in zip(ttft_s, e2e_s, strict=True)) <= 0:
        out["decode_tokens_per_s"] = None
        out["impossible"] = "an E2E shorter than its TTFT (separate calls under noise)"
    return out
