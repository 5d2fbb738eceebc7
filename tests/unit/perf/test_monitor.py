"""Device memory and board power sampled through NVML, with NVML mocked (no GPU on CI)."""

from __future__ import annotations

from unittest import mock

from harness.perf.monitor import NvmlSampler, idle_power_w, memory_snapshot


def test_memory_snapshot_on_cpu() -> None:
    snap = memory_snapshot("cpu")
    assert snap["peak_rss_bytes"] > 10_000_000 and snap["peak_allocated_bytes"] is None


def nvml_with_memory(used: list[int], power_mw: int = 300_000) -> mock.MagicMock:
    """The real pynvml module, autospecced, reporting `used` bytes in turn and a fixed power."""
    import pynvml

    nvml = mock.create_autospec(pynvml, instance=False)
    nvml.nvmlDeviceGetHandleByIndex.side_effect = lambda i: f"handle{i}"
    readings = iter(used)
    last = [0]

    def info(handle: str) -> mock.Mock:
        last[0] = next(readings, last[0])
        return mock.Mock(used=last[0])

    nvml.nvmlDeviceGetMemoryInfo.side_effect = info
    nvml.nvmlDeviceGetPowerUsage.return_value = power_mw
    return nvml


def test_sampler_keeps_the_device_peak() -> None:
    import time

    nvml = nvml_with_memory([10, 50, 30, 20])
    with NvmlSampler([0], nvml=nvml, interval_s=0.01) as sampler:
        time.sleep(0.1)
    assert sampler.peak_bytes == 50 and sampler.reason is None
    assert sampler.mean_power_w() == 300.0


def test_idle_power() -> None:
    assert idle_power_w([0], nvml=nvml_with_memory([1], power_mw=70_000), seconds=0.2) == 70.0
    assert idle_power_w([]) is None
