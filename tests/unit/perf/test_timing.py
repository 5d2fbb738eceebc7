"""The perf arithmetic on synthetic timings."""

from __future__ import annotations

import pytest

from harness.config.configs import PerfSettings
from harness.perf import timing
from harness.perf.timing import percentile, summarize


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10], 90) == 10
    assert percentile([0, 10], 90) == pytest.approx(9.0)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize_ttft_tpot_and_throughput() -> None:
    # 3 repeats: first token after 0.1 s, then 9 more tokens in 0.9 s (0.1 s each).
    out = summarize([0.1, 0.1, 0.1], [1.0, 1.0, 1.0], prompt_tokens=100, new_tokens=10,
                    batch_size=2)
    assert out["ttft_s"] == pytest.approx(0.1)
    assert out["prefill_tokens_per_s"] == pytest.approx(2 * 100 / 0.1)
    assert out["tpot_s"] == pytest.approx(0.1)
    assert out["decode_tokens_per_s"] == pytest.approx(2 * 9 / 0.9)
    assert out["output_tokens_per_s"] == pytest.approx(2 * 10 / 1.0)


def test_summarize_uses_medians() -> None:
    out = summarize([0.1, 0.5, 0.1], [1.0, 9.0, 1.0], prompt_tokens=10, new_tokens=10,
                    batch_size=1)
    assert out["ttft_s"] == pytest.approx(0.1)
    assert out["e2e_s"] == pytest.approx(1.0)
    assert out["tpot_p90_s"] > out["tpot_s"]


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
