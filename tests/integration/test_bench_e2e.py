"""The default bench end to end on CPU: real lm-eval, real model, real files."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench

pytest.importorskip("torch")


def test_default_bench_on_tiny_random(results_dir: Path) -> None:
    # resume off: other tests may have cached these samples, and the workload figures
    # count only what a run generates itself
    first = run_bench(BenchOptions(model="tiny-random", suite="default", limit=3, resume=False))
    run = json.loads((first / "run.json").read_text())
    assert run["status"] == "complete" and run["schema_version"] == 2
    assert run["model"]["name"] == "tiny-random" and run["model"]["weights"] == "random"
    assert run["hardware"]["device"] == "cpu" and run["hardware"]["accelerator"] is None
    assert run["versions"]["lm_eval"] and run["versions"]["torch"]
    task = run["tasks"]["gsm_mini"]
    assert task["metric"] == "exact_match" and task["n_docs"] == 3
    assert 0.0 <= task["value"] <= 1.0 and task["stderr"] is not None
    gen = run["generation"]["gsm_mini"]
    assert gen["n_generations"] == 3 and gen["output_tokens_total"] > 0
    assert run["perf"]["decode_tokens_per_s"] > 0 and run["perf"]["prefill_tokens_per_s"] > 0
    assert run["perf"]["points"][0]["status"] == "ok"
    assert run["memory"]["weights_bytes"] == 4 * run["model"]["parameters"]
    assert run["memory"]["peak_rss_bytes"] > 0
    energy = run["energy"]
    assert (energy["joules"] is None and "no GPU" in energy["reason"]) or \
        "RAPL" in energy["accuracy"]["method"]  # CPU package energy where it is readable
    assert run["workload"]["output_tokens"] == gen["output_tokens_total"]
    assert run["workload"]["output_tokens_per_s"] > 0
    samples = (first / "samples" / "gsm_mini.jsonl").read_text().splitlines()
    assert len(samples) == 3 and "resps" in json.loads(samples[0])
    table = (results_dir / "COMPARISON.md").read_text()
    assert first.name in table and "tiny-random" in table

    # A second run gets its own directory; the first is left exactly as it was.
    before = (first / "run.json").read_bytes()
    second = run_bench(BenchOptions(model="tiny-random", suite="default", limit=2, perf=False))
    assert second != first and (first / "run.json").read_bytes() == before
    assert json.loads((second / "run.json").read_text())["perf"] is None
    table = (results_dir / "COMPARISON.md").read_text()
    assert first.name in table and second.name in table


def test_smollm2_default_suite_with_a_limit(results_dir: Path) -> None:
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite="default", limit=4,
                                     batch_size=4))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete" and run["model"]["weights"] == "real"
    assert run["tasks"]["gsm_mini"]["n_docs"] == 4
    assert run["model"]["parameters"] == 134_515_008
    samples = [json.loads(s) for s in (run_dir / "samples" / "gsm_mini.jsonl").open()]
    # the model really answered: its raw generations are text, and were filtered to numbers
    assert all(s["resps"][0][0].strip() for s in samples)


def test_failed_run_is_recorded_as_failed(results_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.accuracy import evaluate

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(evaluate, "run", boom)
    with pytest.raises(RuntimeError):
        run_bench(BenchOptions(model="tiny-random", suite="default", limit=1))
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "failed" and "disk on fire" in run["error"]


def test_perf_suite_on_tiny_random(results_dir: Path, tmp_path: Path) -> None:
    """The perf suite's shape on CPU, shrunk so it runs in seconds: every point recorded
    with its bound, fraction, memory and status; no accuracy."""
    suite = tmp_path / "perf-small.yaml"
    suite.write_text(
        "name: perf-small\ndescription: perf suite, shrunk for tests\ntasks: []\n"
        "perf:\n  prefill_lengths: [64, 20000]\n  decode_batch_sizes: [1, 4]\n"
        "  decode_prompt_tokens: 32\n  new_tokens: 8\n  repeats: 2\n  warmup: 1\n"
        "  variants: [eager, static-cache]\n")
    run_dir = run_bench(BenchOptions(model="tiny-random", suite=str(suite)))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete" and run["tasks"] == {}
    points = run["perf"]["points"]
    assert [(p["variant"], p["kind"], p["status"]) for p in points] == [
        (v, k, s) for v in ("eager", "static-cache")
        for k, s in (("prefill", "ok"), ("prefill", "skipped"), ("decode", "ok"),
                     ("decode", "ok"))]
    decode = [p for p in points if p["kind"] == "decode"]
    assert all(p["tpot_s"] > 0 and p["ttft_p90_s"] >= p["ttft_s"] for p in decode)
    assert all(p["bound_measured_bw_tokens_per_s"] > 0 for p in decode)
    assert all(p["kv_cache_bytes"] > 0 for p in decode)
    assert run["perf"]["limits"]["bandwidth_measured_bytes_per_s"] > 0
    assert [s["batch_size"] for s in run["perf"]["sweep"]] == [1, 4]
    assert run["memory"]["peak_rss_bytes"] > 0 and run["memory"]["device_peak_bytes"] is None


def test_random_weights_of_a_real_architecture_carry_no_accuracy(results_dir: Path) -> None:
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite="default", weights="random",
                                     limit=2))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["model"]["weights"] == "random" and run["tasks"] == {}
    assert "random weights" in run["accuracy_skipped"]
    # the suite was rehearsed instead: both generations ran to the 256-token limit
    assert run["rehearsal"]["at_limit"] == 2 and run["rehearsal"]["output_tokens"] == 512
    assert run["rehearsal"]["tokenizer"]
    assert run["model"]["parameters"] == 134_515_008
    assert run["perf"]["decode_tokens_per_s"] > 0


def test_bring_your_own_jsonl_suite(results_dir: Path, tmp_path: Path) -> None:
    problems = tmp_path / "my problems.jsonl"
    problems.write_text("".join(json.dumps({"id": f"q{i}", "question": f"What is {i} + {i}?",
                                            "answer": str(2 * i)}) + "\n" for i in range(5)))
    for model in ("tiny-random", "smollm2-135m"):
        run_dir = run_bench(BenchOptions(model=model, suite=str(problems), limit=3, perf=False,
                                         batch_size=3))
        run = json.loads((run_dir / "run.json").read_text())
        task = run["tasks"]["my_problems"]
        assert task["metric"] == "pass@1" and task["n_docs"] == 3
        assert set(task["per_problem"]) == {"q0", "q1", "q2"}
        assert "truncated,all" in task["all_metrics"]
        gen = run["generation"]["my_problems"]
        assert gen["n_generations"] == 3 and "truncation_rate" in gen
        sample = json.loads((run_dir / "samples" / "my_problems.jsonl").open().readline())
        assert "pass@1" in sample and sample["resps"][0][0]
        (graded,) = sample["graded"]  # raw generation, extracted answer and verdict
        assert set(graded) == {"extracted", "truncated", "correct"}


def kill_generation(monkeypatch: pytest.MonkeyPatch, fail_at: int,
                    delay_s: float = 0.0) -> dict[str, int]:
    """Make HFLM's generate() fail at call `fail_at` (a kill midway; -1: never) and count the
    calls; `delay_s` per call makes generation, not lm-eval's setup, fill the window."""
    from lm_eval.models.huggingface import HFLM

    calls = {"n": 0, "fail_at": fail_at}
    original = HFLM._model_generate

    def counting(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == calls["fail_at"]:
            raise RuntimeError("killed midway")
        time.sleep(delay_s)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HFLM, "_model_generate", counting)
    return calls


def test_interrupted_run_resumes_without_regenerating(results_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    nonce = uuid.uuid4().hex[:8]  # prompts no other test (or earlier run) has cached
    problems = tmp_path / "resume.jsonl"
    problems.write_text("".join(json.dumps({"id": f"r{i}", "question": f"[{nonce}] {i} x 3?",
                                            "answer": str(3 * i)}) + "\n" for i in range(4)))
    suite = tmp_path / "resume-suite.yaml"
    suite.write_text(f"name: resume\ndescription: x\ntasks:\n  - task: {problems}\n"
                     "    samples: 2\n    max_new_tokens: 12\n")
    calls = kill_generation(monkeypatch, fail_at=4)
    # the HFLM path, one request per generate() call (test_continuous.py kills the other)
    static = (("generation", "static"),)
    opts = BenchOptions(model="tiny-random", suite=str(suite), perf=False, batch_size=1,
                        backend_args=static)
    with pytest.raises(RuntimeError, match="killed midway"):
        run_bench(opts)
    assert calls["n"] == 4  # three generations finished before the kill

    calls.update(n=0, fail_at=-1)
    resumed = json.loads((run_bench(opts) / "run.json").read_text())
    assert calls["n"] == 8 - 3  # only the unfinished samples were generated
    assert resumed["generation"]["resume"]["samples_reused"] == 3

    calls.update(n=0)
    fresh = json.loads((run_bench(BenchOptions(model="tiny-random", suite=str(suite),
                                               perf=False, batch_size=1, resume=False,
                                               backend_args=static))
                        / "run.json").read_text())
    assert calls["n"] == 8
    assert resumed["tasks"]["resume"]["per_problem"] == fresh["tasks"]["resume"]["per_problem"]
    assert resumed["tasks"]["resume"]["samples_per_doc"] == 2
    assert resumed["generation"]["resume"]["output_tokens_total"] == \
        fresh["generation"]["resume"]["output_tokens_total"]
    # the workload counts what this run generated; the reused part is reported apart
    work, whole = resumed["workload"], fresh["workload"]
    assert work["reused_samples"] == 3 and work["answers"] == 5 and whole["answers"] == 8
    assert work["output_tokens"] + work["reused_output_tokens"] == whole["output_tokens"]
    assert work["output_tokens_per_s"] == pytest.approx(work["output_tokens"] / work["seconds"])
    assert "3 samples" in work["basis"] and whole["reused_samples"] == 0

    # a finished run rerun (as after a grader update) grades the cache again, generating
    # nothing, into a run directory of its own
    calls.update(n=0)
    regraded_dir = run_bench(opts)
    regraded = json.loads((regraded_dir / "run.json").read_text())
    assert calls["n"] == 0 and regraded["workload"]["reused_samples"] == 8
    assert regraded["tasks"]["resume"]["per_problem"] == fresh["tasks"]["resume"]["per_problem"]
    assert len(list((results_dir / "runs").iterdir())) == 4


def test_a_resumed_run_is_not_credited_with_reused_samples(results_dir: Path,
                                                             tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Killed after 7 of 8 generations, the rerun generates 1: crediting it with all 8 in
    its own time would read far faster than an uninterrupted run; it must not."""
    import uuid

    nonce = uuid.uuid4().hex[:8]
    problems = tmp_path / "late.jsonl"
    problems.write_text("".join(json.dumps({"question": f"[{nonce}] {i} + 1?",
                                            "answer": str(i + 1)}) + "\n" for i in range(8)))
    calls = kill_generation(monkeypatch, fail_at=8, delay_s=0.6)  # generation fills the window
    opts = BenchOptions(model="tiny-random", suite=str(problems), perf=False, batch_size=1,
                        backend_args=(("generation", "static"),))
    with pytest.raises(RuntimeError, match="killed midway"):
        run_bench(opts)
    calls.update(n=0, fail_at=-1)
    work = json.loads((run_bench(opts) / "run.json").read_text())["workload"]
    fresh = json.loads((run_bench(dataclasses.replace(opts, resume=False)) / "run.json")
                       .read_text())["workload"]
    assert (work["answers"], work["reused_samples"], fresh["answers"]) == (1, 7, 8)
    assert work["output_tokens"] + work["reused_output_tokens"] == fresh["output_tokens"]
    # honest: not faster than the uninterrupted run (it was 1.5x and more when credited)
    assert work["output_tokens_per_s"] <= 1.25 * fresh["output_tokens_per_s"]


def test_missing_hub_dataset_offline_says_how_to_get_it(results_dir: Path,
                                                        punkt_stub: Path) -> None:
    from harness.errors import HarnessError

    with pytest.raises(HarnessError) as err:
        run_bench(BenchOptions(model="tiny-random", suite="quick", limit=1, perf=False))
    msg = str(err.value)
    assert "Maxwell-Jia/AIME_2024" in msg and "hf download --repo-type dataset" in msg
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "failed" and run["estimate"]["generations"] == 2 + 1 + 1 + 1


def test_humaneval_on_smollm2_offline(results_dir: Path) -> None:
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite="humaneval", limit=2,
                                     batch_size=2))
    run = json.loads((run_dir / "run.json").read_text())
    task = run["tasks"]["humaneval"]
    assert task["metric"] == "pass@1" and task["n_docs"] == 2 and task["stderr"] is not None
    assert run["sandbox"] == "bubblewrap" and run["versions"]["sandbox_python"][0].isdigit()
    samples = [json.loads(line) for line in (run_dir / "samples" / "humaneval.jsonl").open()]
    for sample in samples:
        (graded,) = sample["graded"]
        assert graded["status"] in ("passed", "failed", "timeout", "no code")


def test_an_interrupted_sweep_keeps_its_finished_points(
        results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.perf import timing

    real, calls = timing.point, []

    def point(*args: object, **kwargs: object) -> dict:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or `timeout -s INT` on a lent GPU
        return real(*args, **kwargs)

    monkeypatch.setattr(timing, "point", point)
    with pytest.raises(KeyboardInterrupt):
        run_bench(BenchOptions(model="tiny-random", suite="perf"))
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "failed" and "KeyboardInterrupt" in run["error"]
    assert run["perf"]["status"] == "interrupted"
    assert [p["status"] for p in run["perf"]["points"]] == ["ok"]
    assert run["perf"]["points"][0]["prefill_tokens_per_s"] > 0


@pytest.mark.parametrize("generation", ["continuous", "static"])
def test_prompts_cut_to_fit_the_model_are_counted(results_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  generation: str) -> None:
    # lm-eval cuts a prompt from the left when prompt + max new tokens exceed the model's
    # length; a model of 400 positions, 16 new tokens: the long questions cannot fit
    from lm_eval.models.huggingface import HFLM

    monkeypatch.setattr(HFLM, "max_length", property(lambda self: 400))
    long_text = " ".join(f"word{i}" for i in range(600))
    problems = tmp_path / "cut.jsonl"
    problems.write_text("".join(json.dumps({"id": f"q{i}", "answer": "2", "question":
                                            (long_text if i % 2 else "What is 1 + 1?")}) + "\n"
                                for i in range(4)))
    run_dir = run_bench(BenchOptions(model="tiny-random", suite=str(problems), perf=False,
                                     resume=False, gen_kwargs=(("max_gen_toks", "16"),),
                                     backend_args=(("generation", generation),)))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["generation"]["cut"]["prompts_cut"] == 2
    assert "cut (2 prompts cut to fit)" in (results_dir / "COMPARISON.md").read_text()
