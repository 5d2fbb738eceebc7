"""Energy windows over the NVML counter, with NVML mocked (no GPU on CI)."""

from __future__ import annotations

from unittest import mock

import pytest

from harness.monitor import (
    EnergyMeter,
    NvmlSampler,
    idle_power_w,
    memory_snapshot,
    rapl_energy_j,
)


def fake_nvml(readings: list[list[int]]) -> mock.MagicMock:
    """The real pynvml module, autospecced, whose energy counters return `readings` (mJ)."""
    import pynvml

    nvml = mock.create_autospec(pynvml, instance=False)
    nvml.nvmlDeviceGetHandleByIndex.side_effect = lambda i: f"handle{i}"
    flat = iter([v for call in readings for v in call])
    nvml.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: next(flat)
    return nvml


def test_energy_is_the_counter_delta_over_all_devices() -> None:
    nvml = fake_nvml([[1_000_000, 2_000_000], [1_150_000, 2_050_500]])
    with EnergyMeter([0, 1], nvml=nvml) as meter:
        pass
    assert meter.result.per_device_j == pytest.approx([150.0, 50.5])
    assert meter.result.joules == pytest.approx(200.5)
    assert meter.result.reason is None
    nvml.nvmlInit.assert_called_once()


def test_counter_reset_gives_null_with_reason() -> None:
    nvml = fake_nvml([[5_000_000], [1_000]])
    with EnergyMeter([0], nvml=nvml) as meter:
        pass
    assert meter.result.joules is None and "backwards" in (meter.result.reason or "")


def test_no_gpu_gives_null_with_reason(tmp_path) -> None:  # noqa: ANN001
    with EnergyMeter([], rapl_root=tmp_path) as meter:
        pass
    assert meter.result.joules is None and "no GPU" in (meter.result.reason or "")
    assert meter.result.to_json()["joules"] is None


def test_nvml_failure_gives_null_with_reason() -> None:
    nvml = fake_nvml([])
    nvml.nvmlInit.side_effect = RuntimeError("NVML_ERROR_LIBRARY_NOT_FOUND")
    with EnergyMeter([0], nvml=nvml) as meter:
        pass
    assert meter.result.joules is None and "LIBRARY_NOT_FOUND" in (meter.result.reason or "")


def test_memory_snapshot_on_cpu() -> None:
    snap = memory_snapshot("cpu")
    assert snap["peak_rss_bytes"] > 10_000_000 and snap["peak_allocated_bytes"] is None


def nvml_with_memory(used: list[int], power_mw: int = 300_000) -> mock.MagicMock:
    nvml = fake_nvml([])
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


def write_rapl(root, uj: int) -> None:  # noqa: ANN001
    pkg = root / "intel-rapl:0"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "energy_uj").write_text(str(uj))
    sub = root / "intel-rapl:0:0"  # a subdomain (core): not added to the package total
    sub.mkdir(exist_ok=True)
    (sub / "energy_uj").write_text("999999999")


def test_rapl_counter_gives_cpu_energy(tmp_path) -> None:  # noqa: ANN001
    assert rapl_energy_j(tmp_path) is None
    write_rapl(tmp_path, 5_000_000)
    assert rapl_energy_j(tmp_path) == 5.0
    with EnergyMeter([], rapl_root=tmp_path) as meter:
        write_rapl(tmp_path, 17_500_000)
    assert meter.result.joules == 12.5 and "RAPL" in (meter.result.method or "")
    with EnergyMeter([], rapl_root=tmp_path) as meter:
        write_rapl(tmp_path, 1_000)  # wrapped around
    assert meter.result.joules is None and "wrapped" in (meter.result.reason or "")
