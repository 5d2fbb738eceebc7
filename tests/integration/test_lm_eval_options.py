"""lm-eval's habits on the harness: several tasks in one run, --gen_kwargs, --num_fewshot,
--seed, --include_path, a fractional --limit, and lm-eval's own results JSON beside
run.json (tiny-random, real lm-eval)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import cli

pytest.importorskip("torch")


def problems(path: Path, n: int, tag: str) -> Path:
    path.write_text("".join(json.dumps({"question": f"[{tag}] {i} + {i}?", "answer": str(2 * i)})
                            + "\n" for i in range(n)))
    return path


def test_two_tasks_gen_kwargs_seed_and_a_fraction(tmp_path: Path, results_dir: Path) -> None:
    a, b = problems(tmp_path / "alpha.jsonl", 4, "a"), problems(tmp_path / "beta.jsonl", 6, "b")
    code = cli.main(["bench", "--model", "tiny-random", "--suite", f"{a},{b}", "--no-perf",
                     "--limit", "0.5", "--gen_kwargs", "max_gen_toks=6,top_k=5",
                     "--seed", "7", "--num_fewshot", "0", "--no-resume"])
    assert code == 0
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["suite"]["name"] == "alpha+beta" and run["suite"]["limit"] == 0.5
    assert {t: s["n_docs"] for t, s in run["tasks"].items()} == {"alpha": 2, "beta": 3}
    settings = run["generation"]["settings"]
    assert settings["max_gen_toks"] == 6 and settings["top_k"] == 5
    assert settings["lm_eval"] == {"num_fewshot": 0, "seed": 7}
    assert run["generation"]["alpha"]["max_new_tokens"] == 6  # --gen_kwargs win
    native = json.loads((run_dir / "lm_eval_results.json").read_text())
    assert set(native["results"]) == {"alpha", "beta"} and "samples" not in native
    assert native["config"]["random_seed"] == 7


def test_a_task_from_an_include_path(tmp_path: Path, results_dir: Path) -> None:
    data = problems(tmp_path / "local.jsonl", 3, "inc")
    tasks = tmp_path / "my_tasks"
    tasks.mkdir()
    (tasks / "my_local_math.yaml").write_text(
        "task: my_local_math\ndataset_path: json\n"
        f"dataset_kwargs:\n  data_files:\n    test: {data}\ntest_split: test\n"
        "output_type: generate_until\ndoc_to_text: '{{question}}'\ndoc_to_target: '{{answer}}'\n"
        "generation_kwargs: {until: ['\\n'], max_gen_toks: 4, do_sample: false}\n"
        "metric_list:\n  - metric: exact_match\n    aggregation: mean\n"
        "    higher_is_better: true\n")
    assert cli.main(["bench", "--model", "tiny-random", "--suite", "my_local_math",
                     "--no-perf"]) == 2  # unknown without the include path
    assert cli.main(["bench", "--model", "tiny-random", "--suite", "my_local_math",
                     "--include_path", str(tasks), "--no-perf", "--gen_kwargs",
                     "max_gen_toks=5,top_k=3,temperature=0.5"]) == 0
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["tasks"]["my_local_math"]["n_docs"] == 3
    assert run["generation"]["settings"]["lm_eval"]["include_path"] == str(tasks)
    # the settings run.json records are the ones the task ran with: a task lm-eval knows by
    # name runs from its YAML, with the suite's and --gen_kwargs' settings applied
    native = json.loads((run_dir / "lm_eval_results.json").read_text())
    ran = native["configs"]["my_local_math"]["generation_kwargs"]
    assert (ran["max_gen_toks"], ran["top_k"], ran["temperature"]) == (5, 3, 0.5)
    assert run["generation"]["my_local_math"]["max_new_tokens"] == 5


def test_gen_kwargs_are_checked_before_anything_loads(results_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert cli.main(["bench", "--model", "tiny-random", "--gen_kwargs", "temprature=0.6"]) == 2
    assert "Did you mean 'temperature'" in capsys.readouterr().err
    assert cli.main(["bench", "--model", "tiny-random", "--gen_kwargs", "top_p=2"]) == 2
    assert "top_p=2: must be float from 0 to 1" in capsys.readouterr().err
    assert not (results_dir / "runs").exists()
