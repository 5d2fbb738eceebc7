"""What the terminal shows after a command: the run's rows and its perf points (rich)."""

from __future__ import annotations

from typing import Any

from harness.report import _fmt, _score


def _console() -> Any:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=170)  # logs: one row per line


def print_rows(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Print a simple titled table."""
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    _console().print(table)


def print_table(table: list[dict[str, Any]]) -> None:
    """Print result rows (see harness.report.rows)."""
    from rich.table import Table

    t = Table(title="harness results")
    for col in ("model", "hardware", "weights", "task", "score ± se", "n",
                "decode tok/s", "prefill tok/s", "peak mem GB", "energy J"):
        t.add_column(col)
    for r in table:
        t.add_row(r["model"], r["hardware"], r["weights"], r["task"], _score(r), _fmt(r["n"]),
                  _fmt(r["decode_tok_s"]), _fmt(r["prefill_tok_s"]), _fmt(r["peak_mem_gb"], 2),
                  _fmt(r["energy_j"]))
    _console().print(t)


def _ms(x: float | None) -> str:
    return _fmt(x * 1e3 if x is not None else None)


def print_perf(run: dict[str, Any]) -> None:
    """Print every perf point of a run: timings, bound, fraction of it, memory, energy."""
    from rich.table import Table

    perf = run.get("perf") or {}
    points = perf.get("points") or []
    if not points:
        return
    if all(p.get("variant") == "server" for p in points):
        print_serving(points)
        return
    lim = perf.get("limits") or {}
    bw = lim.get("bandwidth_measured_bytes_per_s")
    t = Table(title=f"perf points ({(run.get('hardware') or {}).get('label', '?')}; measured "
                    f"bandwidth {bw / 1e9:.1f} GB/s)" if bw else "perf points",
              caption="J/token: over the timed runs only; per prompt token for prefill, per "
                      "output token for decode")
    for col in ("variant", "kind", "prompt", "batch", "new", "TTFT ms", "TPOT ms", "tok/s",
                "bound tok/s", "of bound", "of measured-bw bound", "peak alloc GB", "KV GB",
                "J/token", "status"):
        t.add_column(col)
    for p in points:
        rate = p.get("decode_tokens_per_s") if p.get("kind") == "decode" \
            else p.get("prefill_tokens_per_s")
        frac = p.get("fraction_of_bound")
        frac_m = p.get("fraction_of_bound_measured_bw")
        alloc = p.get("peak_allocated_bytes")
        kv = p.get("kv_cache_bytes")
        t.add_row(p.get("variant", "-"), p.get("kind", "-"), _fmt(p.get("prompt_tokens")),
                  _fmt(p.get("batch_size")), _fmt(p.get("new_tokens")), _ms(p.get("ttft_s")),
                  _ms(p.get("tpot_s")), _fmt(rate), _fmt(p.get("bound_tokens_per_s")),
                  f"{frac:.0%}" if frac else "-", f"{frac_m:.0%}" if frac_m else "-",
                  _fmt(alloc / 1e9 if alloc else None, 2), _fmt(kv / 1e9 if kv else None, 3),
                  _fmt(p.get("joules_per_token"), 3),
                  p.get("status", "-") + (f": {p['reason'][:60]}" if p.get("status") in
                                           ("oom", "error") else ""))
    _console().print(t)


def print_serving(points: list[dict[str, Any]]) -> None:
    """Perf points measured against a server (harness.serving): latency percentiles per
    concurrency level, throughput, and how tokens were counted."""
    from rich.table import Table

    t = Table(title="served perf points (client-side timings; vLLM bench definitions)")
    for col in ("kind", "prompt", "concurrency", "requests", "TTFT ms p50/p99",
                "TPOT ms p50/p99", "ITL ms p50/p99", "E2E ms p50", "out tok/s", "req/s",
                "tokens from", "status"):
        t.add_column(col)
    for p in points:
        def pair(name: str, p: dict[str, Any] = p) -> str:
            return f"{_ms(p.get(name + '_s'))} / {_ms(p.get(name + '_p99_s'))}"

        t.add_row(p.get("kind", "-"), _fmt(p.get("prompt_tokens")),
                  _fmt(p.get("batch_size")), _fmt(p.get("requests")), pair("ttft"),
                  pair("tpot"), pair("itl"), _ms(p.get("e2e_s")),
                  _fmt(p.get("output_tokens_per_s")), _fmt(p.get("request_throughput_per_s"), 2),
                  p.get("tokens_counted_by", "-"),
                  p.get("status", "-") + (f": {p['reason'][:60]}" if p.get("reason") else ""))
    _console().print(t)
