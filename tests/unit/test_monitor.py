"""Energy windows over the NVML counter, with NVML mocked (no GPU on CI)."""

from __future__ import annotations

from unittest import mock

import pytest

from harness.monitor import EnergyMeter, memory_snapshot


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


def test_no_gpu_gives_null_with_reason() -> None:
    with EnergyMeter([]) as meter:
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
