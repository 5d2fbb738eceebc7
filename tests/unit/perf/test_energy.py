"""Energy windows over the NVML counter, through zeus and through nvidia-ml-py, with the NVML
library mocked (no GPU on CI): zeus itself runs for real over the mocked counter."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest

from harness.perf import energy
from harness.perf.energy import EnergyMeter, rapl_energy_j


def fake_nvml(readings: list[list[int]]) -> mock.MagicMock:
    """The real pynvml module, autospecced, whose energy counters return `readings` (mJ)."""
    import pynvml

    nvml = mock.create_autospec(pynvml, instance=False)
    nvml.nvmlDeviceGetHandleByIndex.side_effect = lambda i: f"handle{i}"
    nvml.nvmlDeviceGetHandleByUUID.side_effect = lambda u: f"handle-{u}"
    flat = iter([v for call in readings for v in call])
    nvml.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: next(flat)
    return nvml


def test_energy_is_the_counter_delta_over_all_devices() -> None:
    nvml = fake_nvml([[1_000_000, 2_000_000], [1_150_000, 2_050_500]])
    with EnergyMeter([0, 1], nvml=nvml) as meter:
        pass
    assert meter.result.per_device_j == pytest.approx([150.0, 50.5])
    assert meter.result.joules == pytest.approx(200.5)
    assert meter.result.reason is None and "nvidia-ml-py" in (meter.result.method or "")
    nvml.nvmlInit.assert_called_once()


def test_counter_reset_gives_null_with_reason() -> None:
    nvml = fake_nvml([[5_000_000], [1_000]])
    with EnergyMeter([0], nvml=nvml) as meter:
        pass
    assert meter.result.joules is None and "backwards" in (meter.result.reason or "")


def test_cuda_visible_devices_maps_to_nvml_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    nvml = fake_nvml([[0], [10_000]])
    with EnergyMeter([1], nvml=nvml) as meter:
        pass
    nvml.nvmlDeviceGetHandleByIndex.assert_called_once_with(3)
    assert meter.result.joules == 10.0
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-8f2a")
    assert energy.nvml_handles(fake_nvml([]), [0]) == ["handle-GPU-8f2a"]


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


@pytest.fixture
def zeus_over_mocked_nvml(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """zeus, installed for real, over an NVML whose functions are mocked: two Hopper GPUs
    whose energy counters (mJ) advance by the values the test appends to the list."""
    import pynvml
    import zeus.device.gpu as zeus_gpu

    counters = {"handle0": 1_000_000, "handle1": 5_000_000}
    steps: list[int] = []

    def read(handle: str) -> int:
        counters[handle] += steps.pop(0) if steps else 0
        return counters[handle]

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    for name, fn in {
        "nvmlInit": lambda: None, "nvmlShutdown": lambda: None,
        "nvmlDeviceGetCount": lambda: 2,
        "nvmlDeviceGetHandleByIndex": lambda i: f"handle{i}",
        "nvmlDeviceGetC2cModeInfoV": mock.Mock(
            side_effect=pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)),
        "nvmlDeviceGetArchitecture": lambda h: pynvml.NVML_DEVICE_ARCH_HOPPER,
        "nvmlDeviceGetTotalEnergyConsumption": read,
    }.items():
        monkeypatch.setattr(pynvml, name, fn)
    monkeypatch.setattr(zeus_gpu, "_gpus", None)
    energy._zeus_monitor.cache_clear()
    yield steps
    energy._zeus_monitor.cache_clear()


def test_zeus_measures_every_gpu_of_the_run(zeus_over_mocked_nvml: list[int]) -> None:
    with EnergyMeter([0, 1]) as meter:
        zeus_over_mocked_nvml.extend([250_000, 125_500])  # the counters advance in the window
    assert meter.use_zeus and meter.result.reason is None
    assert meter.result.per_device_j == pytest.approx([250.0, 125.5])
    assert meter.result.joules == pytest.approx(375.5)
    assert "zeus" in (meter.result.method or "")
    with EnergyMeter([1]) as again:  # a second window on the same monitor
        zeus_over_mocked_nvml.extend([40_000])
    assert again.result.joules == pytest.approx(40.0)


def test_zeus_counter_reset_gives_null_with_reason(zeus_over_mocked_nvml: list[int]) -> None:
    with EnergyMeter([0]) as meter:
        zeus_over_mocked_nvml.extend([-900_000])
    assert meter.result.joules is None and "backwards" in (meter.result.reason or "")


def test_zeus_without_a_gpu_gives_null_with_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real zeus on this machine: no NVIDIA or AMD GPU answers, so no joules."""
    import torch
    import zeus.device.gpu as zeus_gpu

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    monkeypatch.setattr(zeus_gpu, "_gpus", None)
    energy._zeus_monitor.cache_clear()
    with EnergyMeter([0]) as meter:
        pass
    energy._zeus_monitor.cache_clear()
    assert meter.result.joules is None and "zeus" in (meter.result.reason or "")


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
