"""The vllm backend's arguments, the GPU preflight, backend-argument parsing, and the import
guarantee (harness never imports vllm until a run asks for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness import models
from harness.backends import backend_args, load_backend
from harness.backends import vllm as vb
from harness.config.configs import get_model
from harness.errors import HarnessError
from harness.plan import preflight

R1 = get_model("deepseek-r1")


def _r1(weights: str = "real") -> models.ResolvedModel:
    if weights == "random":
        return models.resolve("deepseek-r1", weights="random")
    return models.resolve("deepseek-r1", local=False)


def test_importing_harness_imports_no_engine() -> None:
    code = ("import harness, harness.cli, harness.bench, harness.backends, "
            "harness.backends.vllm, harness.backends.openai, sys; "
            "assert 'vllm' not in sys.modules and 'lm_eval' not in sys.modules, "
            "[m for m in sys.modules if m.startswith(('vllm', 'lm_eval'))]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_r1_recipe_single_node_tp8() -> None:
    args = vb.model_args(_r1(), backend_args("vllm", R1), 32768)
    assert args["pretrained"] == "deepseek-ai/DeepSeek-R1" and args["revision"] == "main"
    assert args["tensor_parallel_size"] == 8 and args["data_parallel_size"] == 1
    assert args["dtype"] == "auto"  # the FP8 checkpoint's own quantization config
    assert args["trust_remote_code"] is False and args["max_gen_toks"] == 32768
    assert "load_format" not in args


def test_r1_recipe_two_nodes_tp8_pp2_over_ray() -> None:
    given = (("tensor_parallel_size", "8"), ("pipeline_parallel_size", "2"),
             ("distributed_executor_backend", "ray"), ("gpu_memory_utilization", "0.92"),
             ("max_model_len", "40960"), ("enforce_eager", "false"))
    args = vb.model_args(_r1(), backend_args("vllm", R1, given), 32768)
    assert (args["tensor_parallel_size"], args["pipeline_parallel_size"]) == (8, 2)
    assert args["distributed_executor_backend"] == "ray"
    assert args["gpu_memory_utilization"] == 0.92 and args["max_model_len"] == 40960
    assert args["enforce_eager"] is False
    assert vb.replica_gpus(args) == 16


def test_data_parallel_and_random_weights() -> None:
    args = vb.model_args(_r1("random"), {"data_parallel_size": 2, "tensor_parallel_size": 4},
                         1024)
    assert args["data_parallel_size"] == 2 and args["load_format"] == "dummy"
    assert args["pretrained"] == "deepseek-ai/DeepSeek-R1"


@pytest.mark.parametrize(("given", "words"), [
    ({"tensor_paralel_size": 8}, "Unknown argument(s) for the vllm backend: tensor_paralel"),
    ({"distributed_executor_backend": "slurm"}, "ray for several nodes"),
    ({"gpu_memory_utilization": 1.5}, "must be in (0, 1]"),
    ({"tensor_parallel_size": "eight"}, "must be int"),
    ({"pipeline_parallel_size": 0}, "1 or more"),
    ({"enforce_eager": "maybe"}, "true or false"),
])
def test_bad_vllm_arguments_are_named(given: dict, words: str) -> None:
    with pytest.raises(HarnessError, match=None) as err:
        vb.model_args(_r1(), given, 16)
    assert words in str(err.value)


def test_choosing_vllm_without_it_installed_prints_the_install_command() -> None:
    pytest.importorskip("torch")
    if vb.importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is installed here")
    with pytest.raises(HarnessError, match=r"pip install -e '\.\[vllm\]'"):
        load_backend("vllm", models.resolve("tiny-random"))


def test_backend_args_yaml_only_for_the_yaml_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    assert backend_args("vllm", R1) == {"tensor_parallel_size": 8}
    assert backend_args("openai", R1) == {}  # TP means nothing to a client
    given = (("tensor_parallel_size", "4"), ("enable_prefix_caching", "true"))
    assert backend_args("vllm", R1, given) == {"tensor_parallel_size": 4,
                                               "enable_prefix_caching": True}
    # checked against the backend's table before anything loads: an openai-only key
    with pytest.raises(HarnessError, match="Unknown argument 'served_model'.*vllm"):
        backend_args("vllm", R1, (("served_model", "r1"),))


def test_hf_backend_rejects_engine_arguments() -> None:
    pytest.importorskip("torch")
    with pytest.raises(HarnessError, match="Unknown argument.*hf backend.*tensor_parallel"):
        load_backend("hf", models.resolve("tiny-random"), tensor_parallel_size=2)


def test_preflight_without_gpus_gives_the_plan_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "local_gpus", lambda: (0, None))
    with pytest.raises(HarnessError) as err:
        preflight.check_gpus(R1, "vllm", {"tensor_parallel_size": 8})
    text = str(err.value)
    assert "needs GPUs" in text and "671.0B parameters" in text and "37.6B active" in text
    assert "8x h100-80gb to hold the weights, 9 with" in text and "5x h200-141gb" in text
    assert "BACKEND=openai" in text and "--base-url" in text and "8xH200" in text


def test_preflight_counts_gpus_per_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "local_gpus", lambda: (8, "NVIDIA H200"))
    preflight.check_gpus(R1, "vllm", {"tensor_parallel_size": 8})  # 8xH200: fits
    with pytest.raises(HarnessError, match="ask for 16 GPUs on this node"):
        preflight.check_gpus(R1, "vllm", {"tensor_parallel_size": 8, "pipeline_parallel_size": 2})
    # over Ray the GPUs of other nodes count, so none are checked here
    preflight.check_gpus(R1, "vllm", {"tensor_parallel_size": 8, "pipeline_parallel_size": 2,
                                      "distributed_executor_backend": "ray"})
    monkeypatch.setattr(preflight, "local_gpus", lambda: (1, "NVIDIA H100 80GB HBM3"))
    with pytest.raises(HarnessError, match="does not fit on the 1x NVIDIA H100"):
        preflight.check_gpus(R1, "hf", {})
    preflight.check_gpus(get_model("qwq-32b"), "hf", {})  # 65.5 GB of bf16 on one H100
    preflight.check_gpus(R1, "openai", {})  # the server has the GPUs
    preflight.check_gpus(get_model("smollm2-135m"), "hf", {})


def test_preflight_counts_no_gpus_for_the_ranks_of_vllms_cpu_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "local_gpus", lambda: (0, None))
    tp2 = {"tensor_parallel_size": 2}
    smol = get_model("smollm2-135m")
    monkeypatch.setattr(preflight, "vllm_cpu_build", lambda: False)
    with pytest.raises(HarnessError, match="ask for 2 GPUs on this node"):
        preflight.check_gpus(smol, "vllm", tp2)
    monkeypatch.setattr(preflight, "vllm_cpu_build", lambda: True)
    preflight.check_gpus(smol, "vllm", tp2)  # two worker processes on the CPU
    with pytest.raises(HarnessError, match="needs GPUs"):  # a 32B model still needs one
        preflight.check_gpus(get_model("qwq-32b"), "vllm", tp2)


def test_data_parallel_stops_where_lm_evals_ray_dispatch_cannot_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    vb.check_data_parallel(1, "cpu")  # one replica: no Ray, any device
    with pytest.raises(HarnessError, match="data_parallel_size=2 on vLLM's CPU build.*"
                                           "wait forever.*tensor_parallel_size"):
        vb.check_data_parallel(2, "cpu")
    real = vb.importlib.util.find_spec
    monkeypatch.setattr(vb.importlib.util, "find_spec",
                        lambda name, *a: None if name == "ray" else real(name, *a))
    with pytest.raises(HarnessError, match="data_parallel_size=4 needs Ray.*pip install ray"):
        vb.check_data_parallel(4, "cuda")


def test_bench_deepseek_r1_on_cpu_stops_before_writing(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    out = subprocess.run([sys.executable, "-m", "harness", "bench", "--model", "deepseek-r1",
                          "--results-dir", str(tmp_path / "res")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2, out.stderr
    assert "needs GPUs" in out.stderr and "h200-141gb" in out.stderr
    assert "BACKEND=openai" in out.stderr
    assert not (tmp_path / "res").exists()  # nothing was started, nothing to clean up

