"""`harness regrade`: a finished run's logged generations graded again, into a new run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from harness.accuracy.replay import ReplayLM
from harness.bench import BenchOptions, run_bench
from harness.config.configs import CONFIGS
from harness.errors import HarnessError
from harness.regrade import logged_docs, regrade, summary
from harness.results.record import load_runs

pytest.importorskip("torch")


def _bench(results_dir: Path, tmp_path: Path) -> Path:
    problems = tmp_path / "sums.jsonl"
    problems.write_text("".join(json.dumps({"id": f"q{i}", "question": f"What is {i} + {i}?",
                                            "answer": str(2 * i)}) + "\n" for i in range(5)))
    return run_bench(BenchOptions(model="tiny-random", suite=str(problems), limit=3,
                                  perf=False, batch_size=3))


def _rewrite(run_dir: Path, texts: list[str], truncated: list[bool]) -> None:
    """The run's logged generations replaced by known ones (what a model might have written),
    with the verdicts an older grader might have given them."""
    path = run_dir / "samples" / "sums.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row, text, cut in zip(rows, texts, truncated, strict=True):
        row["resps"] = [[text]]
        row["graded"] = [{"extracted": None, "truncated": cut, "correct": False}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_run_is_graded_again_into_a_new_run(results_dir: Path, tmp_path: Path) -> None:
    source = _bench(results_dir, tmp_path)
    # q0 right, q1 wrong, q2 right but at the token limit when it ran (it stays truncated)
    _rewrite(source, ["so \\boxed{0}", "\\boxed{3}", "It is \\boxed{4}."], [False, False, True])
    before = _digest(source)
    new = regrade(source.name)
    # what `harness regrade` prints under the new run's path
    assert summary(new) == ["  sums (pass@1): 0.0 -> 66.7, 2 verdicts changed"]
    assert _digest(source) == before  # the source run is never touched
    assert [d for d in (results_dir / "runs").iterdir() if d != source] == [new]
    run = json.loads((new / "run.json").read_text())
    assert run["regraded_from"]["run_id"] == source.name
    assert run["regraded_from"]["versions"]["math-verify"]
    assert run["regraded_from"]["changed"] == {"sums": 2}  # q0 and q2 now right
    task = run["tasks"]["sums"]
    assert task["value"] == pytest.approx(2 / 3)
    assert task["per_problem"] == {"q0": 1.0, "q1": 0.0, "q2": 1.0}
    assert task["all_metrics"]["truncated,all"] == pytest.approx(1 / 3)
    old = json.loads((source / "run.json").read_text())
    assert run["generation"]["sums"]["n_generations"] == 3  # the same generations
    assert run["generation"]["sums"]["output_tokens_total"] == \
        old["generation"]["sums"]["output_tokens_total"]
    assert run["generation"]["settings"]["grading"] == {
        "think_end": None, "think_start": None, "opens_think": False}
    graded = [json.loads(line)["graded"][0] for line in (new / "samples" / "sums.jsonl").open()]
    assert [g["extracted"] for g in graded] == ["0", "3", "4"]
    # the regrade stands for the source everywhere: tables, claims, estimates
    assert [r.run_id for r in load_runs(results_dir)] == [new.name]
    table = (results_dir / "COMPARISON.md").read_text()
    assert f"generations of {source.name}, graded again" in table
    assert f"| {source.name} |" not in table


def test_a_changed_task_stops_the_regrade_and_leaves_nothing(results_dir: Path,
                                                             tmp_path: Path) -> None:
    source = _bench(results_dir, tmp_path)
    path = source / "samples" / "sums.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:2]))  # q2 gone
    with pytest.raises(HarnessError, match="no generation for problem 2 of task sums"):
        regrade(source.name)
    assert [d.name for d in (results_dir / "runs").iterdir()] == [source.name]


def test_the_problems_are_those_the_run_logged(results_dir: Path, tmp_path: Path) -> None:
    """The regrade reads no dataset: the logged problems stand, edited or gone since."""
    source = _bench(results_dir, tmp_path)
    _rewrite(source, ["\\boxed{0}", "\\boxed{2}", "\\boxed{4}"], [False] * 3)
    problems = tmp_path / "sums.jsonl"
    lines = problems.read_text().splitlines(keepends=True)
    problems.write_text(lines[1] + lines[0] + "".join(lines[2:]))  # q0 and q1 swapped
    run = json.loads((regrade(source.name) / "run.json").read_text())
    assert run["tasks"]["sums"]["per_problem"] == {"q0": 1.0, "q1": 1.0, "q2": 1.0}


def test_a_task_whose_dataset_is_gone_is_regraded(results_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps({"question": f"{i} + {i}?", "answer": str(2 * i)})
                            + "\n" for i in range(4)))
    task = tmp_path / "doubles.yaml"
    task.write_text((CONFIGS / "tasks" / "gsm_mini.yaml").read_text()
                    .replace("task: gsm_mini", "task: doubles")
                    .replace("data/gsm_mini.jsonl", str(data)))
    source = run_bench(BenchOptions(model="tiny-random", suite=str(task), limit=3, perf=False,
                                    batch_size=3))
    data.unlink()  # a dataset no longer in the cache, or the hub unreachable
    run = json.loads((regrade(source.name) / "run.json").read_text())
    old = json.loads((source / "run.json").read_text())
    assert run["tasks"]["doubles"]["n_docs"] == 3
    assert run["tasks"]["doubles"]["value"] == old["tasks"]["doubles"]["value"]


def test_a_logged_problem_that_is_not_the_one_hashed_stops_the_regrade(
        results_dir: Path, tmp_path: Path) -> None:
    """Generations are never graded against another problem's answer."""
    source = _bench(results_dir, tmp_path)
    path = source / "samples" / "sums.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[0]["doc"]["answer"] = "7"  # the samples file edited by hand
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(HarnessError, match="Problem 0 of task sums is not the problem"):
        regrade(source.name)
    assert [d.name for d in (results_dir / "runs").iterdir()] == [source.name]


def test_a_suite_that_now_asks_for_less_stops_the_regrade(results_dir: Path,
                                                         tmp_path: Path) -> None:
    """Fewer problems asked than were logged would score a different run: refused."""
    source = _bench(results_dir, tmp_path)
    record = json.loads((source / "run.json").read_text())
    record["suite"]["limit"] = 2  # as if the suite's limit had been lowered since
    (source / "run.json").write_text(json.dumps(record))
    with pytest.raises(HarnessError, match="leaves 1 of them unasked"):
        regrade(str(source))  # a run directory works as well as an id


def test_a_run_of_several_suites_joined_is_regraded(results_dir: Path, tmp_path: Path) -> None:
    paths = []
    for name, offset in (("alpha", 0), ("beta", 10)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"question": f"{i} + 1?", "answer": str(i + 1)})
                                + "\n" for i in range(offset, offset + 2)))
        paths.append(str(path))
    source = run_bench(BenchOptions(model="tiny-random", suite=",".join(paths), perf=False))
    new = regrade(source.name)
    run = json.loads((new / "run.json").read_text())
    assert set(run["tasks"]) == {"alpha", "beta"} and run["suite"]["name"] == "alpha+beta"


def test_model_written_code_runs_again_in_the_jail(results_dir: Path) -> None:
    source = run_bench(BenchOptions(model="tiny-random", suite="humaneval", limit=2, perf=False))
    path = source / "samples" / "humaneval.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    # the first problem answered with its canonical solution, as a model might have
    rows[0]["resps"] = [[f"```python\n{rows[0]['doc']['prompt']}"
                         f"{rows[0]['doc']['canonical_solution']}```"]]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = json.loads((regrade(source.name) / "run.json").read_text())
    assert run["tasks"]["humaneval"]["value"] == 0.5
    assert run["sandbox"] in ("bubblewrap", "weak")


def test_replayed_generations_come_in_the_order_logged() -> None:
    class Request:
        def __init__(self, doc_id: int) -> None:
            self.task_name, self.doc_id, self.args = "t", doc_id, ("prompt", {})

    lm = ReplayLM({"t": [{"doc_id": 0, "resps": [["a", "b"]],
                          "graded": [{"truncated": True}, {"truncated": False}]},
                         {"doc_id": 1, "resps": [["c"]]}]}, "run-x")
    assert lm.generate_until([Request(0), Request(1), Request(0)]) == ["a", "c", "b"]
    assert lm.stopped_short == {"a"}
    with pytest.raises(HarnessError, match="Run run-x logged no generation for problem 1"):
        lm.generate_until([Request(1)])
    assert lm.left() == 0


def test_logged_problems_are_used_only_where_all_are_there() -> None:
    rows = [{"doc_id": 1, "doc": {"q": "b"}}, {"doc_id": 0, "doc": {"q": "a"}}]
    assert logged_docs(rows) == [{"q": "a"}, {"q": "b"}]  # in doc order
    assert logged_docs(rows[:1]) is None  # problem 0 missing: the dataset is read
    assert logged_docs([{"doc_id": None, "doc": {}}]) is None
    assert logged_docs([{"doc_id": 0}]) is None  # no doc logged
