"""What the terminal shows after a command: the run's rows and its perf points (rich)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.report.tables import _fmt, _score
from harness.results.perf_points import PerfPoint
from harness.results.record import Run


def _console() -> Any:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=170)  # logs: one row per line


def _add(table: Any, *cells: Any) -> None:
    """A row of plain text: names, labels and error messages come from configs, machines and
    exceptions, and rich would read "[/tmp/x]" or "[bold]" in them as markup (a crash, or a
    name shown without its brackets)."""
    from rich.text import Text

    table.add_row(*(Text(str(c)) for c in cells))


def _title(text: str) -> Any:
    """A table title as plain text (it names the machine, which comes from the machine)."""
    from rich.text import Text

    return Text(text)


KEEP_WHOLE = ("name", "model", "task", "variant")  # what people type back: never wrapped or cut


def _protect(table: Any) -> Any:
    """Let rich wrap or squeeze every column but the names one types, which keep their full
    width (a narrow terminal wraps the other columns instead)."""
    for col in table.columns:
        if str(col.header) in KEEP_WHOLE:
            col.no_wrap = True
            col.min_width = max([len(str(c)) for c in col._cells] + [len(str(col.header))])
    return table


def print_rows(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Print a simple titled table."""
    from rich.table import Table

    table = Table(title=_title(title))
    for col in columns:
        table.add_column(col)
    for row in rows:
        _add(table, *row)
    _console().print(_protect(table))


def print_table(table: list[dict[str, Any]]) -> None:
    """Print the rows of complete runs (see harness.report.tables.rows), and how many runs
    did not finish (they are listed in COMPARISON.md, never mixed with measured rows)."""
    from rich.table import Table

    unfinished = {r["run"] for r in table if r["status"] != "complete"}
    table = [r for r in table if r["status"] == "complete"]
    t = Table(title=_title("harness results (complete runs)"))
    for col in ("model", "hardware", "weights", "task", "score ± se", "n", "perf point",
                "decode tok/s", "prefill tok/s", "peak mem GB", "energy J"):
        t.add_column(col)
    for r in table:
        _add(t, r["model"], r["hardware"], r["weights"], r["task"], _score(r), _fmt(r["n"]),
             r["perf_point"] or "-", _fmt(r["decode_tok_s"]), _fmt(r["prefill_tok_s"]),
             _fmt(r["peak_mem_gb"], 2), _fmt(r["energy_j"]))
    _console().print(_protect(t))
    if unfinished:
        _console().print(f"{len(unfinished)} run(s) did not finish (failed, interrupted or "
                         "running): listed under 'Runs that did not finish' in COMPARISON.md")


def _ms(x: float | None) -> str:
    return _fmt(x * 1e3 if x is not None else None)


def print_perf(run: Run) -> None:
    """Print every perf point of a run: timings, bound, fraction of it, memory, energy."""
    from rich.table import Table

    points = run.perf.points if run.perf else ()
    if not run.perf or not points:
        return
    if all(p.variant == "server" for p in points):
        print_serving(points)
        return
    bw = run.perf.limits.get("bandwidth_measured_bytes_per_s")
    label = run.hardware.label if run.hardware else "?"
    dtype = run.backend.get("dtype") or run.model.dtype
    threads = f", {run.perf.threads} threads" if run.perf.threads else ""
    t = Table(title=_title(f"perf points ({label}, {dtype}{threads}; measured bandwidth "
                           f"{bw / 1e9:.1f} GB/s)" if bw else f"perf points ({label}, {dtype})"),
              caption="J/token: over the timed runs only; per prompt token for prefill, per "
                      "output token for decode. Timed as: " + _timings(points))
    for col in ("variant", "kind", "prompt", "batch", "new", "TTFT ms (prefill: its time)",
                "TPOT ms", "tok/s",
                "bound tok/s", "of bound", "of measured-bw bound", "peak alloc GB", "KV GB",
                "J/token", "status"):
        t.add_column(col)
    for p in points:
        frac, frac_m = p.fraction_of_bound, p.fraction_of_bound_measured_bw
        alloc, kv = p.peak_allocated_bytes, p.kv_cache_bytes
        _add(t, p.variant, p.kind, _fmt(p.prompt_tokens), _fmt(p.batch_size),
             _fmt(p.new_tokens), _ms(p.prefill_s if p.kind == "prefill" else p.ttft_s),
             _ms(p.tpot_s), _fmt(p.rate),
             _fmt(p.bound_tokens_per_s),
             f"{frac:.0%}" if frac else "-", f"{frac_m:.0%}" if frac_m else "-",
             _fmt(alloc / 1e9 if alloc else None, 2), _fmt(kv / 1e9 if kv else None, 3),
             _fmt(p.joules_per_token, 3),
             p.status + (f": {(p.reason or '')[:60]}"
                         if p.status in ("oom", "error", "invalid") else ""))
    _console().print(_protect(t))


def _timings(points: Sequence[PerfPoint]) -> str:
    """How the points were timed, each method once: "prefill: one forward pass over the
    prompt; decode: single call: per-token stamps (streamer)"."""
    seen: dict[str, list[str]] = {}
    for p in points:
        if p.timing and p.timing not in seen.setdefault(p.kind, []):
            seen[p.kind].append(p.timing)
    return "; ".join(f"{kind}: {' / '.join(ways)}" for kind, ways in seen.items() if ways) \
        or "not recorded"


def print_serving(points: Sequence[PerfPoint]) -> None:
    """Perf points measured against a server (harness.perf.serving): latency percentiles per
    concurrency level, throughput, and how tokens were counted."""
    from rich.table import Table

    t = Table(title=_title("served perf points (client-side timings; vLLM bench definitions)"))
    for col in ("kind", "prompt", "concurrency", "requests", "TTFT ms p50/p99",
                "TPOT ms p50/p99", "ITL ms p50/p99", "E2E ms p50", "out tok/s", "req/s",
                "tokens from", "status"):
        t.add_column(col)
    for p in points:
        x = {**p.extra, **p.to_json()}  # a server point's percentiles and counts are extras

        def pair(name: str, x: dict[str, Any] = x) -> str:
            return f"{_ms(x.get(name + '_s'))} / {_ms(x.get(name + '_p99_s'))}"

        _add(t, p.kind, _fmt(p.prompt_tokens), _fmt(p.batch_size), _fmt(x.get("requests")),
             pair("ttft"), pair("tpot"), pair("itl"), _ms(p.e2e_s),
             _fmt(p.output_tokens_per_s), _fmt(x.get("request_throughput_per_s"), 2),
             x.get("tokens_counted_by", "-"),
             p.status + (f": {p.reason[:60]}" if p.reason else ""))
    _console().print(_protect(t))
