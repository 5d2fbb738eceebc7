"""Speed of an OpenAI-compatible server, measured from the client with streaming requests.

Definitions follow vLLM's serving benchmark (benchmarks/benchmark_serving.py), so numbers
can be read next to its: TTFT is the time from sending a request to its first streamed
token; ITL the gaps between successive streamed tokens; TPOT = (E2E - TTFT) / (output
tokens - 1) per request; E2E the whole request; output throughput = output tokens of all
requests / wall time of the point, at a fixed number of requests in flight (concurrency).
Output tokens are the server's own count (the `usage` field of the last streamed chunk);
a server that sends no usage is counted in content chunks, and the point says so.

Every request gets a different prompt, so a server's prefix cache cannot turn prefill into a
lookup. Output length is fixed where the server allows it (`ignore_eos`, which vLLM and
SGLang honour, and an EOS logit bias, which llama.cpp honours); the number of tokens actually
produced is recorded either way. Energy is not measured: the GPUs are
behind the server, not on this machine.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.perf.latency import percentile


@dataclass
class Request:
    """What one streamed request took (seconds); tokens as the server counted them."""

    ok: bool
    e2e_s: float
    ttft_s: float | None = None
    itl_s: list[float] = field(default_factory=list)
    output_tokens: int = 0
    prompt_tokens: int | None = None
    counted_by: str = "usage"  # "usage" or "chunks"
    error: str | None = None

    @property
    def tpot_s(self) -> float | None:
        """(E2E - TTFT) / (output tokens - 1), None for a one-token answer."""
        if self.ttft_s is None or self.output_tokens < 2:
            return None
        return (self.e2e_s - self.ttft_s) / (self.output_tokens - 1)


def _piece(chunk: dict[str, Any]) -> str:
    """The text a streamed chunk carries (answer or reasoning, chat or completions)."""
    text = ""
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        text += delta.get("content") or delta.get("reasoning_content") or \
            delta.get("reasoning") or choice.get("text") or ""
    return text


async def stream_one(session: Any, url: str, headers: dict[str, str],
                     payload: dict[str, Any]) -> Request:
    """Send one streaming request and time its tokens as they arrive."""
    t0 = time.perf_counter()
    first = last = None
    itl: list[float] = []
    chunks, usage = 0, None
    try:
        async with session.post(url, json=payload, headers=headers) as resp:
            if resp.status != 200:
                body = (await resp.text())[:300]
                return Request(False, time.perf_counter() - t0, error=f"HTTP {resp.status}: {body}")
            async for raw in resp.content:
                line = raw.strip()
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                chunk = json.loads(data)
                usage = chunk.get("usage") or usage
                if _piece(chunk):
                    now = time.perf_counter()
                    if first is None:
                        first = now
                    else:
                        itl.append(now - last)
                    last = now
                    chunks += 1
    except Exception as exc:  # a dropped connection or a bad chunk fails this request only
        return Request(False, time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}")
    e2e = time.perf_counter() - t0
    if first is None:  # e.g. a server that drops a request when a newer one arrives
        return Request(False, e2e, error="the stream ended without a token")
    counted = usage is not None and usage.get("completion_tokens") is not None
    return Request(True, e2e, ttft_s=first - t0, itl_s=itl,
                   output_tokens=usage["completion_tokens"] if counted else chunks,
                   prompt_tokens=(usage or {}).get("prompt_tokens"),
                   counted_by="usage" if counted else "chunks")


async def run_point(url: str, headers: dict[str, str], payloads: Sequence[dict[str, Any]],
                    concurrency: int, timeout_s: float) -> tuple[list[Request], float]:
    """Send `payloads` with at most `concurrency` in flight; (results, wall seconds)."""
    import aiohttp

    sem = asyncio.Semaphore(concurrency)
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn,
                                     timeout=aiohttp.ClientTimeout(total=timeout_s)) as session:
        async def limited(payload: dict[str, Any]) -> Request:
            async with sem:
                return await stream_one(session, url, headers, payload)

        t0 = time.perf_counter()
        done = await asyncio.gather(*(limited(p) for p in payloads))
        return list(done), time.perf_counter() - t0


def _stats(values: Sequence[float], name: str) -> dict[str, float | None]:
    if not values:
        return {f"{name}_s": None, f"{name}_mean_s": None, f"{name}_p90_s": None,
                f"{name}_p99_s": None}
    return {f"{name}_s": statistics.median(values), f"{name}_mean_s": statistics.fmean(values),
            f"{name}_p90_s": percentile(values, 90), f"{name}_p99_s": percentile(values, 99)}


def summarize(requests: Sequence[Request], wall_s: float, concurrency: int) -> dict[str, Any]:
    """Per-point fields from the requests of one point: medians (the unsuffixed names, as
    the hf backend's points), means, p90 and p99 of TTFT, TPOT, ITL and E2E; throughput."""
    ok = [r for r in requests if r.ok]
    out_tokens = sum(r.output_tokens for r in ok)
    prompts = [r.prompt_tokens for r in ok if r.prompt_tokens is not None]
    out: dict[str, Any] = {
        "requests": len(requests), "failed": len(requests) - len(ok),
        "concurrency": concurrency, "wall_s": wall_s,
        "output_tokens_total": out_tokens,
        "output_tokens_per_request": statistics.median([r.output_tokens for r in ok])
        if ok else None,
        "server_prompt_tokens": statistics.median(prompts) if prompts else None,
        "tokens_counted_by": "usage" if ok and all(r.counted_by == "usage" for r in ok)
        else "chunks",
        "output_tokens_per_s": out_tokens / wall_s if wall_s > 0 else None,
        "request_throughput_per_s": len(ok) / wall_s if wall_s > 0 else None,
    }
    out.update(_stats([r.ttft_s for r in ok if r.ttft_s is not None], "ttft"))
    out.update(_stats([t for r in ok if (t := r.tpot_s) is not None], "tpot"))
    out.update(_stats([gap for r in ok for gap in r.itl_s], "itl"))
    out.update(_stats([r.e2e_s for r in ok], "e2e"))
    errors = sorted({r.error for r in requests if r.error})
    if errors:
        out["errors"] = errors[:3]
    return out
