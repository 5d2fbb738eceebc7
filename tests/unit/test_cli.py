"""The command line as a user meets it: listings, bad input, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, timeout=300)


def test_unknown_model_exits_nonzero_with_help(results_dir) -> None:  # noqa: ANN001
    out = run("bench", "--model", "no-such-model")
    assert out.returncode != 0
    assert "Unknown model 'no-such-model'" in out.stderr and "qwq-32b" in out.stderr
    assert "org/name" in out.stderr
    assert not (results_dir / "runs").exists(), "a bad model must not leave a run behind"


def test_unknown_suite_exits_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--suite", "nope"]) == 2
    assert "Unknown suite 'nope'" in capsys.readouterr().err


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as a GPU-less one, whatever it has."""
    from harness import environment
    from harness.plan import preflight

    monkeypatch.setattr(environment, "has_cuda", lambda: False)
    monkeypatch.setattr(preflight, "local_gpus", lambda: (0, None))


def test_regrade_of_a_run_that_is_not_there_or_not_finished(
        results_dir, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert main(["regrade", "no-such-run"]) == 2
    assert "No run 'no-such-run'" in capsys.readouterr().err
    failed = results_dir / "runs" / "r1"
    failed.mkdir(parents=True)
    (failed / "run.json").write_text('{"schema_version": 2, "run_id": "r1", "status": "failed"}')
    assert main(["regrade", "r1"]) == 2
    assert "Run r1 is failed: only a complete run can be regraded" in capsys.readouterr().err
    assert [p.name for p in (results_dir / "runs").iterdir()] == ["r1"]


def test_gpu_model_on_cpu_machine_is_refused(capsys: pytest.CaptureFixture[str], no_gpu: None,
                                            results_dir) -> None:  # noqa: ANN001
    assert main(["bench", "--model", "qwq-32b", "--no-perf"]) == 2
    err = capsys.readouterr().err
    assert "needs GPUs" in err and "65.5 GB of bf16" in err and "1x h100-80gb" in err
    assert "--device cpu" in err and not results_dir.exists()
    assert "one such GPU" in err and "8xH200" not in err  # one GPU holds it: no cluster recipe


@pytest.mark.parametrize("typed", ["Qwen/QwQ-32B", "qwen/qwq-32b", "Qwen/QwQ-32B@main"])
def test_a_known_models_hub_id_runs_as_that_model(typed: str, capsys: pytest.CaptureFixture[str],
                                                  no_gpu: None, results_dir) -> None:  # noqa: ANN001
    assert main(["bench", "--model", typed, "--no-perf"]) == 2
    err = capsys.readouterr().err
    assert f"{typed} is the known model qwq-32b" in err
    assert "Model qwq-32b needs GPUs" in err  # its YAML's needs_gpu, not a generic hub model


def test_another_revision_of_a_known_hub_id_is_its_own_model() -> None:
    from harness.config import configs

    assert configs.known_hub_id("Qwen/QwQ-32B@0123abc") is None
    assert configs.known_hub_id("Qwen/QwQ") is None
    assert configs.known_hub_id("deepseek-ai/DeepSeek-R1") == "deepseek-r1"


def test_models_and_suites_list() -> None:
    models = run("models")
    assert models.returncode == 0 and "qwq-32b" in models.stdout and "671.03B" in models.stdout
    suites = run("suites")
    assert suites.returncode == 0 and "default" in suites.stdout and "gsm_mini" in suites.stdout


def test_import_is_light() -> None:
    code = ("import sys, harness, harness.cli, harness.config.configs, harness.backends; "
            "bad = [m for m in ('torch', 'vllm', 'lm_eval') if m in sys.modules]; "
            "assert not bad, bad")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_plan_json_and_bad_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["plan", "--model", "qwq-32b", "--gpu", "h200-141gb", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params_total"] == 32_763_876_352 and data["gpus_to_hold_weights"] == 1
    assert main(["plan", "--model", "qwq-32b", "--gpu", "tpu-v9"]) == 2
    err = capsys.readouterr().err
    assert "Unknown GPU 'tpu-v9'" in err and "h100-80gb" in err
    assert main(["plan", "--model", "no-such-model"]) == 2
    assert "Cannot find an architecture" in capsys.readouterr().err


def test_random_weights_of_a_gpu_model_still_need_a_gpu(capsys: pytest.CaptureFixture[str],
                                                        no_gpu: None,
                                                        results_dir) -> None:  # noqa: ANN001
    assert main(["bench", "--model", "qwq-32b", "--suite", "perf", "--weights", "random"]) == 2
    assert "needs GPUs" in capsys.readouterr().err
