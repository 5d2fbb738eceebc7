"""Bad input, as a new user would give it: every case exits non-zero with a one-paragraph
message holding the expected words, prints no traceback, and leaves no run directory (or
exactly one, marked failed, where the run had started)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness import cli

TINY = ["bench", "--model", "tiny-random", "--no-perf"]
MODEL_YAML = (Path(__file__).resolve().parents[2] / "configs" / "models" / "tiny-random.yaml")


def write_files(d: Path) -> None:
    """The bad files the cases below name, under d."""
    good = {"question": "1+1?", "answer": "2"}
    (d / "malformed.jsonl").write_text(json.dumps(good) + "\n{bad json\n")
    (d / "noanswer.jsonl").write_text('{"question": "1+1?"}\n')
    (d / "empty.jsonl").write_text("\n\n")
    (d / "latin1.jsonl").write_bytes(b'{"question": "caf\xe9?", "answer": "2"}\n')
    (d / "nullanswer.jsonl").write_text('{"question": "1+1?", "answer": null}\n')
    (d / "noquestion.jsonl").write_text('{"question": 7, "answer": "2"}\n')
    (d / "array.jsonl").write_text('[1, 2]\n')
    (d / "dupid.jsonl").write_text('{"id": 1, "question": "a?", "answer": "1"}\n'
                                   '{"id": 1, "question": "b?", "answer": "2"}\n')
    (d / "notjson.json").write_text("not json")
    (d / "list.json").write_text("[1, 2]")
    (d / "foo.json").write_text('{"model_type": "foo", "hidden_size": 64}')
    (d / "mamba.json").write_text(json.dumps({
        "architectures": ["MambaForCausalLM"], "model_type": "mamba", "hidden_size": 768,
        "num_hidden_layers": 24, "vocab_size": 50280, "state_size": 16}))
    (d / "afile").write_text("x")
    (d / "fours.yaml").write_text("name: fours\ndescription: x\ntasks:\n"
                                  "  - {task: gsm_mini, samples: 4}\n")
    base = MODEL_YAML.read_text()
    (d / "lots.yaml").write_text(base.replace("max_new_tokens: 32", 'max_new_tokens: "lots"'))
    (d / "maybe.yaml").write_text(base.replace("needs_gpu: false", "needs_gpu: maybe"))
    (d / "extra.yaml").write_text(base + "colour: blue\n")
    (d / "broken.yaml").write_text(base.replace("dtype: float32", "dtype: [float32"))
    (d / "cfg" / "hardware").mkdir(parents=True)
    h100 = (MODEL_YAML.parents[1] / "hardware" / "h100-80gb.yaml").read_text()
    (d / "cfg" / "hardware" / "mine.yaml").write_text(
        h100.replace("name: h100-80gb", "name: mine").replace("memory_bytes: 80.0e+9",
                                                              "memory_bytes: 80"))
    (d / "negative.yaml").write_text(base.replace("hidden_size: 64", "hidden_size: -64"))
    (d / "nohead.yaml").write_text(base.replace("head_dim: 16", "head_dim: null"))
    (d / "suite-extra.yaml").write_text("name: s\ndescription: x\ntasks: []\nbatchsize: 4\n")
    (d / "suite-zero.yaml").write_text(f"name: s\ndescription: x\ntasks:\n"
                                       f"  - task: {d / 'ok.jsonl'}\n    samples: 0\n")
    (d / "suite-passk.yaml").write_text(f"name: s\ndescription: x\ntasks:\n"
                                        f"  - task: {d / 'ok.jsonl'}\n    pass_at: [4]\n")
    (d / "suite-list.yaml").write_text("- just\n- a list\n")
    (d / "suite-type.yaml").write_text("name: s\ndescription: x\ntasks: []\nlimit: ten\n")
    (d / "ok.jsonl").write_text(json.dumps(good) + "\n")
    (d / "nan.jsonl").write_text('{"question": "1/0?", "answer": NaN}\n')
    (d / "suite-task-typo.yaml").write_text("name: s\ndescription: x\ntasks:\n  - task: math5000\n")
    (d / "suite-task-file.yaml").write_text("name: s\ndescription: x\ntasks:\n"
                                            "  - task: nowhere/task.yaml\n")


# (id, argv with {d} for the files' directory, words the message must hold)
CASES = [
    ("jsonl-malformed", TINY + ["--suite", "{d}/malformed.jsonl"], r"line 2.*not valid JSON"),
    ("jsonl-no-answer", TINY + ["--suite", "{d}/noanswer.jsonl"], r"line 1.*no 'answer'"),
    ("jsonl-empty", TINY + ["--suite", "{d}/empty.jsonl"], r"holds no problems"),
    ("jsonl-not-utf8", TINY + ["--suite", "{d}/latin1.jsonl"], r"line 1.*not UTF-8"),
    ("jsonl-null-answer", TINY + ["--suite", "{d}/nullanswer.jsonl"], r"'answer' must be"),
    ("jsonl-question-type", TINY + ["--suite", "{d}/noquestion.jsonl"], r"'question' must"),
    ("jsonl-array", TINY + ["--suite", "{d}/array.jsonl"], r"line 1.*not an object"),
    ("jsonl-duplicate-id", TINY + ["--suite", "{d}/dupid.jsonl"], r"line 2.*already used"),
    ("jsonl-missing", TINY + ["--suite", "{d}/nope.jsonl"], r"nope.jsonl does not exist"),
    ("hub-id-characters", ["bench", "--model", "org/na me!!"], r"not a valid Hugging Face"),
    ("hub-id-offline", ["bench", "--model", "someorg/somemodel"], r"HF_HUB_OFFLINE|cache"),
    ("limit-negative", TINY + ["--limit", "-1"], r"--limit: -1 is not allowed.*1 or more"),
    ("limit-zero", TINY + ["--limit", "0"], r"--limit.*1 or more"),
    ("limit-word", TINY + ["--limit", "abc"], r"--limit.*not a whole number"),
    ("batch-size-zero", TINY + ["--batch-size", "0"], r"--batch-size.*1 or more"),
    ("threads-zero", TINY + ["--threads", "0"], r"--threads.*1 or more"),
    ("weights-unknown", TINY + ["--weights", "fake"], r"--weights.*invalid choice"),
    ("device-unknown", TINY + ["--device", "tpu"], r"--device.*invalid choice"),
    ("openai-concurrency-type", TINY + ["--backend", "openai", "--base-url",
                                        "http://127.0.0.1:9/v1", "--backend-arg",
                                        "concurrency=abc"], r"concurrency.*whole number"),
    ("vllm-tp-type", TINY + ["--backend", "vllm", "--backend-arg",
                             "tensor_parallel_size=abc"], r"tensor_parallel_size.*whole number"),
    ("vllm-tp-zero", TINY + ["--backend", "vllm", "--backend-arg",
                             "tensor_parallel_size=0"], r"tensor_parallel_size.*positive"),
    ("vllm-memory-fraction", TINY + ["--backend", "vllm", "--backend-arg",
                                     "gpu_memory_utilization=1.5"], r"at most 1"),
    ("vllm-bool", TINY + ["--backend", "vllm", "--backend-arg", "enforce_eager=perhaps"],
     r"enforce_eager.*true or false"),
    ("backend-arg-no-equals", TINY + ["--backend-arg", "generation"], r"not KEY=VALUE"),
    ("backend-arg-typo", TINY + ["--backend-arg", "generaton=static"],
     r"Unknown argument 'generaton'.*Did you mean 'generation'"),
    ("backend-arg-secret", TINY + ["--backend", "openai", "--backend-arg",
                                   "api_key=sk-abcdef1234567890"], r"never passed on the command"),
    ("base-url-password", TINY + ["--backend", "openai", "--base-url",
                                  "http://user:hunter2@127.0.0.1:9/v1"], r"password"),
    ("base-url-scheme", TINY + ["--backend", "openai", "--base-url", "ftp://x"],
     r"not an http\(s\) URL"),
    ("backend-typo", TINY + ["--backend", "vlm"], r"Unknown backend 'vlm'.*Did you mean 'vllm'"),
    ("model-typo", ["bench", "--model", "qwq-23b"], r"Unknown model.*Did you mean 'qwq-32b'"),
    ("model-yaml-missing", ["bench", "--model", "some.yaml"], r"Model YAML some.yaml does not"),
    ("model-dir-missing", ["bench", "--model", "{d}/no-such-dir"], r"No model at .*does not exi"),
    ("model-gguf-missing", ["bench", "--model", "weights.gguf"], r"No model at 'weights.gguf'"),
    ("model-path-a-file", ["bench", "--model", "{d}/notjson.json"],
     r"No model at .*is a file, neither a model directory nor a .gguf file"),
    ("model-yaml-type", ["bench", "--model", "{d}/lots.yaml"],
     r"max_new_tokens: expected a whole number, got 'lots'"),
    ("model-yaml-bool", ["bench", "--model", "{d}/maybe.yaml"],
     r"needs_gpu: expected true or false, got 'maybe'"),
    ("model-yaml-unknown-key", ["bench", "--model", "{d}/extra.yaml"], r"unknown key 'colour'"),
    ("model-yaml-malformed", ["bench", "--model", "{d}/broken.yaml"], r"malformed YAML at line"),
    ("gpu-model-on-cpu", ["bench", "--model", "qwq-32b"], r"needs GPUs"),
    # 2.7 TB of float32 weights: more than any machine's RAM, found before anything loads
    ("weights-exceed-ram", ["bench", "--model", "deepseek-r1", "--weights", "random",
                            "--backend", "hf", "--device", "cpu"],
     r"2684.1 GB for its weights alone.*available.*dtype=bfloat16"),
    ("suite-typo", TINY + ["--suite", "quik"], r"Unknown suite 'quik'.*Did you mean 'quick'"),
    ("suite-file-missing", TINY + ["--suite", "missing.yaml"], r"Suite file missing.yaml does"),
    ("suite-unknown-key", TINY + ["--suite", "{d}/suite-extra.yaml"], r"unknown key 'batchsize'"),
    ("suite-samples-zero", TINY + ["--suite", "{d}/suite-zero.yaml"], r"samples: 0 is below"),
    ("suite-pass-at-k", TINY + ["--suite", "{d}/suite-passk.yaml"], r"pass@4 with 1 sample"),
    ("suite-task-typo", TINY + ["--suite", "{d}/suite-task-typo.yaml"],
     r"unknown task 'math5000'.*Did you mean 'math500'"),
    ("suite-task-file", TINY + ["--suite", "{d}/suite-task-file.yaml"],
     r"task file nowhere/task.yaml does not exist"),
    ("suite-not-mapping", TINY + ["--suite", "{d}/suite-list.yaml"], r"expected a mapping"),
    ("suite-limit-type", TINY + ["--suite", "{d}/suite-type.yaml"],
     r"limit: expected a whole number, got 'ten'"),
    ("results-dir-file", TINY + ["--results-dir", "{d}/afile"], r"afile is a file"),
    ("results-dir-under-file", TINY + ["--results-dir", "{d}/afile/sub"], r"which is a file"),
    ("results-dir-impossible", TINY + ["--results-dir", "/proc/harness-nope"],
     r"Cannot create the results directory|cannot be written"),
    ("plan-not-json", ["plan", "--model", "{d}/notjson.json"], r"cannot read this model config"),
    ("plan-not-object", ["plan", "--model", "{d}/list.json"], r"cannot read this model config"),
    ("plan-unknown-architecture", ["plan", "--model", "{d}/foo.json"],
     r"cannot read this model config"),
    ("plan-mamba", ["plan", "--model", "{d}/mamba.json"], r"no attention heads"),
    ("plan-gpu-memory-in-gb", ["--configs", "{d}/cfg", "plan", "--model", "qwq-32b", "--gpu",
                               "mine"], r"memory_bytes: 80.0 is below .* written in bytes"),
    ("plan-negative-size", ["plan", "--model", "{d}/negative.yaml"],
     r"cannot build the model it describes.*hidden_size"),
    ("bench-negative-size", ["bench", "--model", "{d}/negative.yaml", "--no-perf"],
     r"negative.yaml: .*cannot build the model"),
    ("plan-null-head-dim", ["plan", "--model", "{d}/nohead.yaml"], r"nohead.yaml: .*cannot build"),
    ("plan-context-negative", ["plan", "--model", "qwq-32b", "--context", "-5"],
     r"--context.*1 or more"),
    ("plan-gpu-typo", ["plan", "--model", "qwq-32b", "--gpu", "h100"],
     r"Unknown GPU 'h100'.*Did you mean"),
    ("plan-model-typo", ["plan", "--model", "qwq-23b"], r"Did you mean 'qwq-32b'"),
    ("plan-dtype", ["plan", "--model", "qwq-32b", "--dtype", "fp7"], r"--dtype.*invalid choice"),
    ("verb-unknown", ["benchmark"], r"invalid choice"),
    ("limit-nan", TINY + ["--limit", "nan"], r"--limit.*not allowed"),
    ("limit-fraction-above-one", TINY + ["--limit", "2.5"], r"--limit.*not allowed"),
    ("gen-kwargs-nan", TINY + ["--gen_kwargs", "temperature=.nan"], r"temperature=.nan: must"),
    ("gen-kwargs-no-equals", TINY + ["--gen_kwargs", "temperature"], r"not KEY=VALUE"),
    ("model-empty", ["bench", "--model", ""], r"--model is empty"),
    ("suite-empty", TINY + ["--suite", ""], r"--suite is empty"),
    ("suite-empty-part", TINY + ["--suite", "default,,quick"], r"--suite is empty"),
    ("suite-same-task-twice", TINY + ["--suite", "default,default"], r"twice"),
    ("suite-name-escapes", TINY + ["--suite", "../claims"], r"Unknown suite '../claims'"),
    ("include-path-missing", TINY + ["--include_path", "{d}/nowhere"], r"not a directory"),
    ("configs-missing", ["--configs", "{d}/nowhere", "models"], r"--configs.*not a directory"),
    ("jsonl-nan-answer", TINY + ["--suite", "{d}/nan.jsonl"], r"'answer' must be"),
    # lm-eval's own grader takes one sample: more would be generated and thrown away
    ("samples-for-lm-evals-grader", TINY + ["--suite", "{d}/fours.yaml"],
     r"lm-eval's own grader.*4 samples.*Set `samples: 1`"),
    # lm-eval's code tasks run model-written code on the host: refused, the jail is the way
    ("lm-evals-unsafe-code-task", TINY + ["--suite", "mbpp"], r"outside any sandbox"),
    ("hf-attention-typo", TINY + ["--backend-arg", "attn_implementation=spda"],
     r"Did you mean 'sdpa'"),
    ("fetch-model-typo", ["fetch", "--model", "qwq-23b"], r"Did you mean 'qwq-32b'"),
    ("fetch-nothing", ["fetch"], r"Nothing to fetch"),
    ("report-dir-file", ["report", "--results-dir", "{d}/afile"], r"afile is a file"),
    ("claims-dir-file", ["claims", "--results-dir", "{d}/afile"], r"afile is a file"),
    # the one case here that gets as far as a run directory: it must end marked failed
    ("server-unreachable", TINY + ["--backend", "openai", "--base-url",
                                   "http://127.0.0.1:9/v1"], r"Cannot reach"),
]


@pytest.mark.parametrize(("argv", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error(argv: list[str], words: str, tmp_path: Path,
                                    results_dir: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # --configs sets $HARNESS_CONFIGS for the process: put it back after each case
    monkeypatch.setenv("HARNESS_CONFIGS", "")
    monkeypatch.delenv("HARNESS_CONFIGS")
    d = tmp_path / "in"
    d.mkdir()
    write_files(d)
    try:
        code = cli.main([a.replace("{d}", str(d)) for a in argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code not in (0, None)
    assert "Traceback" not in err
    message = " ".join(err.split())
    assert re.search(words, message), message
    runs = list((results_dir / "runs").glob("*/run.json"))
    assert len(runs) <= 1
    for path in runs:  # the run had started: it says it failed, and why
        record = json.loads(path.read_text())
        assert record["status"] == "failed" and record["error"]


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


def test_cache_directory_that_is_a_file(tmp_path: Path, results_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cache").write_text("x")
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    assert cli.main(TINY) == 2
    err = capsys.readouterr().err
    assert "$HARNESS_CACHE" in err and "is a file" in err and "Traceback" not in err
    assert not (results_dir / "runs").exists()


def test_every_option_of_every_verb_has_help() -> None:
    import argparse

    root = cli.parser()
    verbs = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in verbs.choices.items():
        assert sub.description or verbs._choices_actions, name
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"harness {name} {'/'.join(action.option_strings)} has no help"


SECRETS = ["sk-live-abcdef123456", "hf_PlantedTokenValue99", "pw-secret-1", "SECRET-TWO-22",
           "SECRET-THREE-333", "SECRET-FOUR-4444", "SECRET-FIVE-55555", "SECRET-SIX-666666"]
SPELLINGS = ["--backend-arg", f"api_key={SECRETS[0]}", f"--hf-token={SECRETS[1]}",
             f"http://user:{SECRETS[2]}@host:8000/v1", "--api-key", SECRETS[3],
             f"OPENAI_API_KEY={SECRETS[4]}", f"https://h/v1?access_token={SECRETS[5]}",
             f"Authorization: Bearer {SECRETS[6]}", "--Password", SECRETS[7]]


@pytest.mark.parametrize("outcome", ["failed", "complete"])
def test_the_recorded_command_holds_no_secret(outcome: str, tmp_path: Path,
                                              results_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever reached sys.argv (a wrapper script, make ARGS=...), run.json keeps the
    command without a key, token or URL password, for a refused run and a finished one."""
    problems = tmp_path / "p.jsonl"
    problems.write_text('{"question": "1+1?", "answer": "2"}\n')
    monkeypatch.setattr("sys.argv", ["harness", "bench", *SPELLINGS])
    argv = TINY + ["--suite", str(problems)]
    if outcome == "failed":
        argv += ["--backend", "openai", "--base-url", "http://127.0.0.1:9/v1"]
    assert (cli.main(argv) == 0) == (outcome == "complete")
    (path,) = (results_dir / "runs").glob("*/run.json")
    text = path.read_text()
    record = json.loads(text)
    assert record["status"] == outcome
    assert not [s for s in SECRETS if s in text]
    assert record["command"][:2] == ["harness", "bench"] and "<redacted>" in text


def test_a_model_yaml_path_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    """--model takes a model YAML as well as a name: the same file, anywhere."""
    from harness import models

    copy = tmp_path / "my-model.yaml"
    copy.write_text(MODEL_YAML.read_text())
    assert cli.main(["plan", "--model", str(copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["params_total"] == 3220032
    resolved = models.resolve(str(copy))
    assert resolved.config is not None and resolved.config.path == str(copy)


def test_a_missing_engine_stops_before_any_run_directory(results_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "vllm" else real(name, *a))
    assert cli.main(TINY + ["--backend", "vllm"]) not in (0, None)
    assert "needs vLLM, which is not installed" in " ".join(capsys.readouterr().err.split())
    assert not list((results_dir / "runs").glob("*/run.json"))
