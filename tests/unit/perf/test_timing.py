"""The perf arithmetic on synthetic timings."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config.configs import PerfSettings
from harness.perf import timing
from harness.perf.latency import Stamps, percentile, summarize, summarize_separate
from harness.plan import estimate
from harness.report import tables
from harness.results import perf_points
from harness.results.perf_points import PerfPoint
from harness.results.record import Run


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10], 90) == 10
    assert percentile([0, 10], 90) == pytest.approx(9.0)
    with pytest.raises(ValueError):
        percentile([], 50)


def stamps(ttft: float, gap: float, n: int, tail: float = 0.0) -> Stamps:
    """A call that started at 0, got its first token at ttft and one every gap after."""
    tokens = tuple(ttft + i * gap for i in range(n))
    return Stamps(0.0, tokens, tokens[-1] + tail)


def test_summarize_ttft_tpot_and_throughput() -> None:
    # 3 calls: first token after 0.1 s, then 9 more tokens 0.1 s apart
    out = summarize([stamps(0.1, 0.1, 10)] * 3, prompt_tokens=100, new_tokens=10,
                    batch_size=2)
    assert out["ttft_s"] == pytest.approx(0.1) and out["e2e_s"] == pytest.approx(1.0)
    assert out["tpot_s"] == pytest.approx(0.1) and out["itl_s"] == pytest.approx(0.1)
    assert out["decode_tokens_per_s"] == pytest.approx(2 * 9 / 0.9)
    assert out["output_tokens_per_s"] == pytest.approx(2 * 10 / 1.0)
    assert out["tokens_stamped"] == 10 and "single call" in out["timing"]


def test_summarize_uses_medians() -> None:
    calls = [stamps(0.1, 0.1, 10), stamps(0.5, 0.9, 10), stamps(0.1, 0.1, 10)]
    out = summarize(calls, prompt_tokens=10, new_tokens=10, batch_size=1)
    assert out["ttft_s"] == pytest.approx(0.1)
    assert out["e2e_s"] == pytest.approx(1.0)
    assert out["tpot_p90_s"] > out["tpot_s"]


def test_single_call_stamps_survive_noise_that_breaks_subtraction() -> None:
    # The true decode: 127 steps of 66 ms after a 30 ms first token. A noisy machine slows
    # the three TTFT-only calls to 8 s each (another process took the cores) but not the
    # three full calls: E2E minus TTFT would say 0.4 s for 127 steps, 2x faster than memory
    # allows, where the stamps inside each call say what happened.
    true = [stamps(0.03, 0.066, 128) for _ in range(3)]
    single = summarize(true, prompt_tokens=16, new_tokens=128, batch_size=1)
    assert single["decode_tokens_per_s"] == pytest.approx(127 / (127 * 0.066))
    separate = summarize_separate([8.0] * 3, [c.e2e for c in true], 16, 128, 1)
    assert separate["decode_tokens_per_s"] == pytest.approx(127 / (true[0].e2e - 8.0))
    point = {"variant": "eager", "kind": "decode", "status": "ok", "batch_size": 1,
             "prompt_tokens": 16, "new_tokens": 128, **separate,
             "fraction_of_bound_measured_bw": separate["decode_tokens_per_s"] / 15.1}
    perf_points.check(point)
    assert point["status"] == "invalid" and "of the measured-bandwidth bound" in point["reason"]
    # and E2E shorter than TTFT (separate calls) has no decode rate and is invalid too
    worse = summarize_separate([9.0] * 3, [c.e2e for c in true], 16, 128, 1)
    assert worse["decode_tokens_per_s"] is None
    point = {"kind": "decode", "status": "ok", **worse}
    perf_points.check(point)
    assert point["status"] == "invalid" and "E2E" in point["reason"]


def test_invalid_points_stay_out_of_headlines_estimates_and_tables(tmp_path: Path) -> None:
    ok = {"variant": "eager", "kind": "decode", "status": "ok", "batch_size": 1,
          "prompt_tokens": 16, "new_tokens": 128, "decode_tokens_per_s": 15.1}
    bad = {**ok, "variant": "static-cache", "decode_tokens_per_s": 935.0,
           "fraction_of_bound_measured_bw": 37.97}
    perf_points.check(bad)
    perf = {"points": [ok, bad], **perf_points.headline(
        [PerfPoint.from_json(p) for p in (ok, bad)]).to_json()}
    run = Run.from_json({"schema_version": 2, "run_id": "r", "status": "complete",
                         "model": {"name": "m", "weights": "random"},
                         "hardware": {"label": "cpu"}, "perf": perf})
    assert run.perf and run.perf.headline().decode_tokens_per_s == 15.1
    assert estimate.known_rate([run], "m", "cpu") == 15.1
    (row,) = tables.rows([run])
    assert row["decode_tok_s"] == 15.1 and row["perf_point"] == "eager, 16+128 tokens, batch 1"


class Recorder:
    """A runner and an energy window in one: logs each run, and whether a window held it."""

    device = "cpu"

    def __init__(self) -> None:
        self.inside, self.runs = False, []

    def timed(self, prompt: int, batch: int, new: int, sync: object) -> float:
        self.runs.append((new, self.inside))
        return 0.01 * new

    def __enter__(self) -> Recorder:
        self.inside = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.inside = False


def test_energy_window_holds_the_timed_runs_only() -> None:
    """Warm-up (compilation, allocator growth) stays outside; decode windows its E2E runs."""
    settings = PerfSettings(prefill_lengths=(16,), decode_batch_sizes=(2,),
                            decode_prompt_tokens=8, new_tokens=5, repeats=3, warmup=2)
    r = Recorder()
    p = timing.point(r, "decode", 8, 2, settings, None, window=r)
    # full-length warm-ups, then TTFT runs, then the E2E runs inside the window
    assert r.runs == [(5, False)] * 2 + [(1, False)] * 3 + [(5, True)] * 3
    assert timing.window_tokens(p) == 2 * 5 * 3
    r = Recorder()
    p = timing.point(r, "prefill", 16, 1, settings, None, window=r)
    assert r.runs == [(1, False)] * 2 + [(1, True)] * 3
    assert timing.window_tokens(p) == 16 * 3
