"""Task specs and generation statistics, without running a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.accuracy import answers, evaluate, tasks
from harness.config import configs, suites
from harness.config.configs import TaskEntry
from harness.errors import HarnessError


def test_project_task_gets_absolute_data_path_and_overrides() -> None:
    spec = tasks.task_spec(TaskEntry(task="gsm_mini", max_new_tokens=99),
                           {"do_sample": True, "temperature": 0.6})
    assert isinstance(spec, dict)
    data = Path(spec["dataset_kwargs"]["data_files"]["test"])
    assert data.is_absolute() and data.exists()
    assert spec["generation_kwargs"]["max_gen_toks"] == 99
    assert spec["generation_kwargs"]["temperature"] == 0.6
    spec = tasks.task_spec(TaskEntry(task="aime24", samples=4), {})
    assert isinstance(spec, dict) and spec["repeats"] == 4


R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


def _filtered(spec: dict[str, Any], resps: list[list[str]]) -> dict[str, list[Any]]:
    """Each of the task's filter pipelines applied to `resps`, as lm-eval applies them."""
    from lm_eval.filters import build_filter_ensemble

    out = {}
    for pipeline in spec["filter_list"]:
        ensemble = build_filter_ensemble(pipeline["name"], [
            [f["function"], {k: v for k, v in f.items() if k != "function"}]
            for f in pipeline["filter"]])
        got: Any = resps
        for step in ensemble.filters:
            got = step().apply(got, [{}] * len(resps))
        out[pipeline["name"]] = list(got)
    return out


def test_lm_evals_own_task_runs_under_the_suites_settings_on_the_answer_only() -> None:
    """A task lm-eval knows by name runs from its YAML: the suite's token limit and the model
    card's sampling reach it (by name it kept lm-eval's own: greedy, 256 new tokens for many
    tasks), and its filters see the answer after </think>, never the reasoning."""
    spec = tasks.task_spec(TaskEntry(task="gsm8k_cot_zeroshot", max_new_tokens=1000),
                           {"do_sample": True, "temperature": 0.6}, R1)
    assert isinstance(spec, dict) and spec["task"] == "gsm8k_cot_zeroshot"
    assert spec["generation_kwargs"]["max_gen_toks"] == 1000
    assert spec["generation_kwargs"]["temperature"] == 0.6
    # its stop strings were for a base model's next "Q:"; thinking writes such words
    assert spec["generation_kwargs"]["until"] == ["</s>", "<|im_end|>"]
    plain = tasks.task_spec(TaskEntry(task="gsm8k_cot_zeroshot"), {}, {"think_end": None})
    assert plain["generation_kwargs"]["until"] == ["Q:", "</s>", "<|im_end|>"]  # no thinking
    got = _filtered(spec, [["The answer is 12. No, wait.</think>So The answer is 7."],
                           ["The answer is 12. Still thinking"]])
    assert got["strict-match"] == ["7", "[invalid]"]  # the thinking never closed: no answer
    assert got["flexible-extract"] == ["7.", "[invalid]"]  # its metric drops the "."
    # a task without filters gets lm-eval's take_first after the answer-only step
    spec = tasks.task_spec(TaskEntry(task="minerva_math500"), {}, R1)
    assert isinstance(spec, dict) and spec["generation_kwargs"]["until"] == []
    assert _filtered(spec, [["x = 3?</think>$x = 4$", "2nd"]])["none"] == ["$x = 4$"]
    # lm-eval's grading functions take no think tags: none are bound to them
    path = Path(tasks.foreign.task_yaml("aime24") or "")
    spec = tasks.task_spec(TaskEntry(task=str(path)), {}, R1)
    assert isinstance(spec, dict) and not tasks.foreign.takes_think(spec["process_results"])
    assert spec["process_results"]({"Answer": "5"}, ["\\boxed{5}"])["exact_match"] == 1


def test_lm_evals_own_graders_take_one_sample() -> None:
    """Their filters keep the first generation: more samples would be thrown away."""
    for entry in (TaskEntry(task="gsm8k_cot_zeroshot", samples=4),
                  TaskEntry(task="gsm_mini", samples=2),
                  TaskEntry(task="mmlu", samples=2)):
        with pytest.raises(HarnessError, match=r"samples: 1.*configs/tasks/"):
            tasks.task_spec(entry, {}, R1)


def test_lm_evals_code_tasks_are_refused_they_run_code_outside_the_jail() -> None:
    for name in ("mbpp", "humaneval_instruct"):
        with pytest.raises(HarnessError, match=r"outside any sandbox.*SUITE=humaneval"):
            tasks.task_spec(TaskEntry(task=name), {}, R1)


def test_groups_run_by_name_and_say_what_they_ignore(caplog: pytest.LogCaptureFixture) -> None:
    tasks.foreign._warned.clear()  # said once per process
    assert tasks.task_spec(TaskEntry(task="mmlu"), {}, R1) == "mmlu"
    assert "samples, token limit and sampling settings do not reach it" in caplog.text
    spec = tasks.task_spec(TaskEntry(task="hellaswag", max_new_tokens=99), {"do_sample": True})
    assert isinstance(spec, dict)  # scored by log-likelihood: no generation settings
    assert "max_gen_toks" not in (spec.get("generation_kwargs") or {})


def test_only_names_and_groups_wait_for_lm_evals_index() -> None:
    """A single task's config builds without lm-eval's index of its own ~15,000 tasks (10 s
    to build on 2 cores); a registered name or a group of names needs it."""
    for name in ("gsm_mini", "aime24", "math500", "gpqa_diamond", "ifeval", "humaneval"):
        assert not tasks.needs_index(tasks.task_spec(TaskEntry(task=name), {}))
    assert tasks.needs_index("mmlu")
    assert tasks.needs_index({"group": "mine", "task": ["gsm8k", "hellaswag"]})
    assert tasks.needs_index({"task": ["gsm8k", "hellaswag"]})
    light = suites.task_manager(None, defaults=False)
    assert light is suites.task_manager(None, defaults=False) and light.all_tasks == []
    spec = tasks.task_spec(TaskEntry(task="gsm_mini", max_new_tokens=8), {})
    (task,) = light.load([spec])["tasks"].values()  # built from the config alone
    assert task.config.generation_kwargs["max_gen_toks"] == 8


def test_lm_evals_index_is_built_once_until_the_include_path_changes(tmp_path: Path) -> None:
    yaml = "task: {}\ndataset_path: json\noutput_type: generate_until\n"
    (tmp_path / "one.yaml").write_text(yaml.format("my_one"))
    first = suites.task_manager(str(tmp_path), defaults=False)
    assert first.all_tasks == ["my_one"]
    assert suites.task_manager(str(tmp_path), defaults=False) is first
    (tmp_path / "two.yaml").write_text(yaml.format("my_two"))
    assert suites.task_manager(str(tmp_path), defaults=False).all_tasks == ["my_one", "my_two"]
    (tmp_path / "one.yaml").write_text(yaml.format("my_first"))  # an edit, same file
    assert "my_first" in suites.task_manager(str(tmp_path), defaults=False).all_tasks


def test_sampling_follows_model_card_unless_greedy() -> None:
    suite = configs.get_suite("default")
    qwq = configs.get_model("qwq-32b")
    assert tasks.sampling_kwargs(suite, qwq) == {"do_sample": False}  # default is greedy
    import dataclasses

    sampled = tasks.sampling_kwargs(dataclasses.replace(suite, sampling="model"), qwq)
    assert sampled == {"do_sample": True, "temperature": 0.6, "top_p": 0.95, "top_k": 40}


def test_generation_stats_count_raw_tokens() -> None:
    def tok(text: str, add_special_tokens: bool = False) -> dict:
        return {"input_ids": text.split()}

    samples = [{"resps": [["a b c"]]}, {"resps": [["a b c d e"]]}, {"resps": [["x"]]}]
    stats = evaluate.generation_stats(samples, tok, max_tokens=5)
    assert stats["n_generations"] == 3 and stats["output_tokens_total"] == 9
    assert stats["output_tokens_median"] == 3 and stats["output_tokens_max"] == 5
    assert stats["hit_max_new_tokens"] == 1
    assert stats["truncation_rate"] == 1 / 3  # no think tags: the limit alone decides


def test_truncation_agrees_with_the_graders_rule() -> None:
    def tok(text: str, add_special_tokens: bool = False) -> dict:
        return {"input_ids": text.split()}

    think = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}
    texts = ["a b </think> c", "a b c d e f g",  # closed; unclosed and at the limit
             "a </think> b c d e f g", "a b"]  # closed but at the limit; unclosed
    samples = [{"resps": [[t]]} for t in texts]
    stats = evaluate.generation_stats(samples, tok, max_tokens=5, think=think)
    limit = answers.TokenLimit(tok, 5)
    graded = sum(answers.cut(t, at_limit=limit, **think)[1] for t in texts)
    assert stats["unclosed_thinking"] == 2 and stats["hit_max_new_tokens"] == 2
    assert stats["truncation_rate"] == graded / 4 == 0.75


def test_prompts_cut_counts_what_lm_eval_would_cut() -> None:
    from lm_eval.models.huggingface import HFLM

    class Local(HFLM):  # lm-eval's HF model without loading one: only its length and tokens
        def __init__(self) -> None:
            pass

        max_length = 10

        def tok_encode(self, string: str, **_: object) -> list[str]:
            return string.split()

    samples = [{"arguments": [[" ".join("w" * n), {}]]} for n in (4, 6, 7, 12)]
    assert evaluate.prompts_cut(Local(), samples, max_tokens=4) == 2  # 6 tokens fit, 7 do not
    assert evaluate.prompts_cut(Local(), samples, max_tokens=None) is None
    assert evaluate.prompts_cut(object(), samples, max_tokens=4) is None  # a served model


def test_an_engine_too_short_for_the_tasks_new_tokens_stops() -> None:
    import types

    from harness.errors import HarnessError

    # lm-eval's vLLM model (not importable without vllm): known by its module, as the
    # harness knows it; its length is the engine's max_model_len
    engine = type("VLLM", (), {"__module__": "lm_eval.models.vllm_causallms",
                               "max_length": 8192})()
    entry = types.SimpleNamespace(task="aime24")
    with pytest.raises(HarnessError, match="8,192 tokens in all.*max_model_len"):
        evaluate._check_context(engine, {"generation_kwargs": {"max_gen_toks": 32768}}, entry)
    evaluate._check_context(engine, {"generation_kwargs": {"max_gen_toks": 4096}}, entry)
    evaluate._check_context(object(), {"generation_kwargs": {"max_gen_toks": 32768}}, entry)


def test_bundled_problems_are_well_formed() -> None:
    import json

    path = configs.CONFIGS / "tasks" / "data" / "gsm_mini.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) >= 40
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["answer"].lstrip("-").isdigit() and r["question"].endswith("?") for r in rows)


def tokenizer_with_template(template: str) -> Any:
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(
        models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]")))
    tok.chat_template = template
    return tok


OPENS = ("{% for m in messages %}<|user|>{{ m['content'] }}{% endfor %}"
         "{% if add_generation_prompt %}<|assistant|>\n<think>\n{% endif %}")
PLAIN = ("{% for m in messages %}<|user|>{{ m['content'] }}{% endfor %}"
         "{% if add_generation_prompt %}<|assistant|>\n{% endif %}")


def test_the_chat_template_says_whether_the_prompt_opens_thinking(
        caplog: pytest.LogCaptureFixture) -> None:
    opens, plain = tokenizer_with_template(OPENS), tokenizer_with_template(PLAIN)
    # a hub model without a YAML whose template opens the thinking: a generation without
    # any tag was cut off while thinking, not an answer
    assert tasks.think_settings(None, opens, templated=True)["opens_think"] is True
    assert tasks.think_settings(None, plain, templated=True)["opens_think"] is False
    assert tasks.think_settings(None, opens, templated=False)["opens_think"] is False
    qwq = configs.get_model("qwq-32b")
    assert qwq.chat.template_opens_think
    assert tasks.think_settings(qwq, opens, templated=True)["opens_think"] is True
    assert tasks.think_settings(qwq, None, templated=True)["opens_think"] is True
    with caplog.at_level("WARNING"):  # another revision's template: the template wins
        assert tasks.think_settings(qwq, plain, templated=True)["opens_think"] is False
    assert "where its YAML says template_opens_think: true" in caplog.text
    broken = tokenizer_with_template("{{ raise_exception('needs tools') }}")
    assert tasks.think_settings(qwq, broken, templated=True)["opens_think"] is True


def test_the_headline_metric_prefers_equivalence_to_string_match() -> None:
    """lm-eval's minerva_math reports exact_match (its few-shot "The final answer is X"
    format only) and math_verify: the score is math_verify."""
    from harness.accuracy.metrics import task_metrics

    metrics = {"exact_match,none": 0.1, "exact_match_stderr,none": 0.01,
               "math_verify,none": 0.8, "math_verify_stderr,none": 0.02}
    got = task_metrics("minerva_math500", metrics, [], {})
    assert (got["metric"], got["value"], got["stderr"]) == ("math_verify", 0.8, 0.02)


def test_relative_data_files_beside_the_yaml_or_where_lm_eval_reads_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks_dir, work = tmp_path / "tasks", tmp_path / "work"
    tasks_dir.mkdir()
    work.mkdir()
    yaml = tasks_dir / "mine.yaml"
    yaml.write_text("task: mine\ndataset_path: json\ndataset_kwargs:\n  data_files:\n"
                    "    test: data.jsonl\noutput_type: generate_until\n"
                    "doc_to_text: '{{question}}'\ndoc_to_target: '{{answer}}'\n")
    monkeypatch.chdir(work)
    (work / "data.jsonl").write_text("{}\n")  # only in the working directory: lm-eval's place
    spec = tasks.task_spec(TaskEntry(task=str(yaml)), {})
    assert isinstance(spec, dict)
    assert spec["dataset_kwargs"]["data_files"]["test"] == str(work / "data.jsonl")
    (tasks_dir / "data.jsonl").write_text("{}\n")  # beside the YAML: that one
    spec = tasks.task_spec(TaskEntry(task=str(yaml)), {})
    assert isinstance(spec, dict)
    assert spec["dataset_kwargs"]["data_files"]["test"] == str(tasks_dir / "data.jsonl")
