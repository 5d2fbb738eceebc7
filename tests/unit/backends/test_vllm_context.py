"""The max_model_len a vLLM bench asks for: its longest sequence, never more than the model's."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import huggingface_hub
import pytest

from harness.backends.vllm_context import AUTO_FIT, PROMPT_ROOM, own_length, sized_args
from harness.config import configs
from harness.models import ResolvedModel


def known(name: str) -> ResolvedModel:
    cfg = configs.get_model(name)
    return ResolvedModel(name=name, path=cfg.source.hub_id or "", revision="main",
                         origin="test", config=cfg)


@pytest.fixture(autouse=True)
def no_hub_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub, "try_to_load_from_cache", lambda *a, **k: None)


def test_a_distill_gets_the_suites_context_not_its_own() -> None:
    reasoning = configs.get_suite("reasoning")
    args, basis = sized_args({"tensor_parallel_size": 1}, known("r1-distill-qwen-32b"),
                             reasoning, {}, perf=False)
    assert args == {"tensor_parallel_size": 1, "max_model_len": 32768 + PROMPT_ROOM}
    assert basis and "40,960 tokens" in basis and "allows 131,072" in basis


def test_what_the_user_gives_or_the_whole_length_stays() -> None:
    reasoning = configs.get_suite("reasoning")
    given = {"max_model_len": 16384}
    assert sized_args(given, known("r1-distill-qwen-32b"), reasoning, {}, False) == (given, None)
    # QwQ-32B's 40,960 is what the reasoning suite needs: nothing to ask for
    assert sized_args({}, known("qwq-32b"), reasoning, {}, perf=False) == ({}, None)
    unknown = ResolvedModel(name="org/model", path="org/model", revision=None, origin="test")
    assert sized_args({}, unknown, reasoning, {}, perf=False) == ({}, None)


def test_longer_generations_and_perf_sequences_count() -> None:
    distill = known("r1-distill-qwen-32b")
    quick = configs.get_suite("quick")  # 8,192 new tokens
    args, _ = sized_args({}, distill, quick, {}, perf=False)
    assert args["max_model_len"] == 8192 + PROMPT_ROOM
    args, _ = sized_args({}, distill, quick, {"max_gen_toks": 50000}, perf=False)
    assert args["max_model_len"] == 50000 + PROMPT_ROOM
    long_prefill = dataclasses.replace(
        quick, perf=dataclasses.replace(quick.perf, prefill_lengths=(512, 65536)))
    args, basis = sized_args({}, distill, long_prefill, {}, perf=True)
    assert args["max_model_len"] == 65537 and basis and "perf sweep" in basis
    args, _ = sized_args({}, distill, long_prefill, {}, perf=False)  # --no-perf
    assert args["max_model_len"] == 8192 + PROMPT_ROOM
    perf_only = dataclasses.replace(long_prefill, tasks=())
    assert sized_args({}, distill, perf_only, {}, perf=True)[0]["max_model_len"] == 65537


def test_the_config_vllm_reads_wins_over_the_yaml(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cached = tmp_path / "config.json"
    cached.write_text(json.dumps({"max_position_embeddings": 65536}))
    monkeypatch.setattr(huggingface_hub, "try_to_load_from_cache",
                        lambda repo, name, revision=None: str(cached))
    assert own_length(known("r1-distill-qwen-32b")) == 65536
    local = tmp_path / "model"
    local.mkdir()
    (local / "config.json").write_text(json.dumps({"max_position_embeddings": 2048}))
    mine = ResolvedModel(name="mine", path=str(local), revision=None, origin="test")
    assert own_length(mine) == 2048


def test_a_task_whose_limit_is_its_own_leaves_the_engine_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a hub model without a YAML (its cached config allows 131,072), a suite entry without
    # max_new_tokens: the task's YAML decides, and only lm-eval reads it
    cached = tmp_path / "config.json"
    cached.write_text(json.dumps({"max_position_embeddings": 131072}))
    monkeypatch.setattr(huggingface_hub, "try_to_load_from_cache",
                        lambda repo, name, revision=None: str(cached))
    hub = ResolvedModel(name="org/model", path="org/model", revision="main", origin="test")
    shipped = configs.get_suite("default")
    default = dataclasses.replace(
        shipped, tasks=(dataclasses.replace(shipped.tasks[0], max_new_tokens=None),))
    assert sized_args({}, hub, default, {}, perf=False) == ({}, None)
    # --gen_kwargs max_gen_toks names it for every task
    args, _ = sized_args({}, hub, default, {"max_gen_toks": 256}, perf=False)
    assert args == {"max_model_len": 256 + PROMPT_ROOM}


def test_a_vllm_with_auto_fit_is_asked_to_fit_its_memory() -> None:
    """vLLM's auto-fit (-1): the longest context its KV memory holds, whatever the suite or
    the model; what the bench needs is in the basis, for the record."""
    reasoning = configs.get_suite("reasoning")
    for name in ("r1-distill-qwen-32b", "qwq-32b"):
        args, basis = sized_args({"tensor_parallel_size": 1}, known(name), reasoning, {},
                                 perf=False, auto_fit=True)
        assert args == {"tensor_parallel_size": 1, "max_model_len": AUTO_FIT}
        assert basis and "auto-fit" in basis and "40,960 tokens" in basis
    unknown = ResolvedModel(name="org/model", path="org/model", revision=None, origin="test")
    args, basis = sized_args({}, unknown, reasoning, {}, perf=False, auto_fit=True)
    assert args == {"max_model_len": AUTO_FIT} and basis and "model's own;" in basis
    # what the user gives stays; data parallel replicas have no engine here to ask what
    # vLLM fitted, so they get the bench's longest sequence
    given = {"max_model_len": 16384}
    assert sized_args(given, known("qwq-32b"), reasoning, {}, False, auto_fit=True) == (
        given, None)
    args, _ = sized_args({"data_parallel_size": 2}, known("r1-distill-qwen-32b"), reasoning,
                         {}, perf=False, auto_fit=True)
    assert args["max_model_len"] == 32768 + PROMPT_ROOM


def test_auto_is_vllm_serves_spelling_of_auto_fit() -> None:
    from harness.backends import backend_args
    from harness.errors import HarnessError

    for spelled in ("auto", "AUTO", "-1"):
        given = (("max_model_len", spelled),)
        assert backend_args("vllm", None, given)["max_model_len"] == AUTO_FIT
    with pytest.raises(HarnessError, match="must be positive"):
        backend_args("vllm", None, (("max_model_len", "-2"),))
