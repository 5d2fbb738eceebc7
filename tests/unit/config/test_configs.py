"""Config loading: every shipped YAML validates; bad YAML is reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import configs
from harness.config.configs import ConfigError

DESIGN_MODELS = {"qwq-32b", "deepseek-r1", "r1-distill-qwen-1.5b", "r1-distill-qwen-7b",
                 "r1-distill-qwen-14b", "r1-distill-qwen-32b", "r1-distill-llama-8b",
                 "r1-distill-llama-70b", "smollm2-135m", "tiny-random"}


def test_every_design_model_has_a_valid_yaml() -> None:
    assert DESIGN_MODELS <= set(configs.model_names())
    for name in configs.model_names():
        cfg = configs.get_model(name)
        assert cfg.name == name, f"{cfg.path}: name must match the file name"
        assert cfg.architecture["model_type"]
        for pub in cfg.published:
            assert pub.source, f"{name}: published {pub.benchmark} has no source"


def test_reference_facts_carried_over() -> None:
    qwq = configs.get_model("qwq-32b")
    assert qwq.source.hub_id == "Qwen/QwQ-32B"
    assert qwq.parameters and qwq.parameters.total == 32_763_876_352
    assert qwq.generation.temperature == 0.6 and qwq.generation.top_k == 40
    assert {(p.benchmark, p.value) for p in qwq.published} >= {("aime24", 79.5),
                                                               ("livecodebench", 63.4)}
    r1 = configs.get_model("deepseek-r1")
    assert r1.parameters and r1.parameters.active == 37_552_282_624
    assert r1.architecture["n_routed_experts"] == 256
    assert "\\boxed{}" in (r1.generation.math_directive or "")


def test_every_suite_loads_and_names_known_tasks() -> None:
    assert "default" in configs.suite_names()
    for name in configs.suite_names():
        suite = configs.get_suite(name)
        for t in suite.tasks:
            assert (configs.CONFIGS / "tasks" / f"{t.task}.yaml").exists() or "/" not in t.task


def test_unknown_key_names_key_and_file(configs_copy: Path) -> None:
    path = configs_copy / "models" / "tiny-random.yaml"
    path.write_text(path.read_text().replace("needs_gpu: false", "needs_gpu: false\ncolour: red"))
    with pytest.raises(ConfigError) as err:
        configs.get_model("tiny-random")
    assert "colour" in str(err.value) and str(path) in str(err.value)


def test_unknown_nested_key_names_key_and_file(configs_copy: Path) -> None:
    path = configs_copy / "suites" / "default.yaml"
    path.write_text(path.read_text().replace("  repeats: 3", "  repeats: 3\n  repeat: 4"))
    with pytest.raises(ConfigError) as err:
        configs.get_suite("default")
    assert "'repeat'" in str(err.value) and "default.yaml" in str(err.value)


def test_malformed_yaml_names_file_and_line(configs_copy: Path) -> None:
    path = configs_copy / "models" / "tiny-random.yaml"
    text = path.read_text()
    lineno = text[: text.index("  kind: random")].count("\n") + 1
    path.write_text(text.replace("  kind: random", "  kind: [random: x"))
    with pytest.raises(ConfigError) as err:
        configs.get_model("tiny-random")
    msg = str(err.value)
    import re

    reported = int(re.search(r"line (\d+)", msg).group(1))  # type: ignore[union-attr]
    assert lineno <= reported <= lineno + 1
    assert str(path) in msg and "line" in msg and "malformed YAML" in msg


def test_missing_required_key(configs_copy: Path) -> None:
    path = configs_copy / "suites" / "broken.yaml"
    path.write_text("name: broken\ndescription: no tasks key\n")
    with pytest.raises(ConfigError, match="missing required key 'tasks'"):
        configs.get_suite("broken")


def test_unknown_suite_lists_known_suites() -> None:
    with pytest.raises(ConfigError) as err:
        configs.get_suite("no-such-suite")
    assert "default" in str(err.value) and "no-such-suite" in str(err.value)


def test_configs_are_frozen() -> None:
    cfg = configs.get_model("qwq-32b")
    with pytest.raises(AttributeError):
        cfg.name = "other"  # type: ignore[misc]


def test_a_task_yaml_or_jsonl_is_a_suite_of_one(tmp_path: Path) -> None:
    suite = configs.get_suite(str(configs.CONFIGS / "tasks" / "aime24.yaml"))
    assert [t.task for t in suite.tasks] == [str(configs.CONFIGS / "tasks" / "aime24.yaml")]
    problems = tmp_path / "mine.jsonl"
    problems.write_text('{"question": "1+1?", "answer": "2"}\n')
    assert configs.get_suite(str(problems)).name == "mine"
    with pytest.raises(ConfigError, match="does not exist"):
        configs.get_suite(str(tmp_path / "missing.jsonl"))


def test_the_benchmark_suites_load() -> None:
    from harness.perf.timing import VARIANTS

    """The suites under benchmarks/ (run on lent GPUs, where a typo costs device time)."""
    root = configs.CONFIGS.parent / "benchmarks"
    paths = sorted(root.rglob("*.yaml"))
    assert len(paths) >= 2
    for path in paths:
        suite = configs.get_suite(str(path))
        assert suite.perf.enabled and not suite.tasks
        assert set(suite.perf.variants) <= set(VARIANTS)


def test_pass_at_k_above_the_samples_is_refused(configs_copy: Path) -> None:
    path = configs_copy / "suites" / "too-few.yaml"
    path.write_text("name: too-few\ndescription: x\n"
                    "tasks:\n  - {task: aime24, samples: 4, pass_at: [8]}\n")
    with pytest.raises(ConfigError, match=r"pass@8 with 4 sample\(s\).*samples: 8"):
        configs.get_suite("too-few")
    path.write_text("name: too-few\ndescription: x\n"
                    "tasks:\n  - {task: aime24, samples: 8, pass_at: [8]}\n")
    assert configs.get_suite("too-few").tasks[0].pass_at == (8,)


@pytest.mark.parametrize(("device", "entry"), [
    ("NVIDIA H100 80GB HBM3", "h100-80gb"),  # what torch reported on the lent H100 SXM
    ("nvidia  H100 80GB hbm3", "h100-80gb"),
    ("NVIDIA H200", "h200-141gb"),
    ("NVIDIA A100-SXM4-80GB", "a100-80gb"),
    ("h200-141gb", "h200-141gb"),  # declared by a user (--backend-arg server_hardware=...)
    ("NVIDIA H100 SXM 80GB", "h100-80gb"),  # the entry's label
    # other parts with other datasheets: no figures rather than the wrong ones
    ("NVIDIA H100 PCIe", None), ("NVIDIA H100 NVL", None), ("NVIDIA H200 NVL", None),
    ("NVIDIA A100-SXM4-40GB", None), ("NVIDIA A100 80GB PCIe", None),
    ("NVIDIA GH200 480GB", None), ("H100", None), ("", None), (None, None)])
def test_a_gpu_is_matched_to_its_own_datasheet_only(device: str | None,
                                                    entry: str | None) -> None:
    assert configs.hardware_name(device) == entry


def test_a_gpu_yaml_of_ones_own_is_matched_by_its_device_names(configs_copy: Path) -> None:
    (configs_copy / "hardware" / "h100-pcie.yaml").write_text(
        "name: h100-pcie\nlabel: NVIDIA H100 PCIe 80GB\nmemory_bytes: 80.0e+9\n"
        "bandwidth_bytes_per_s: 2.0e+12\nbf16_flops: 756.0e+12\npower_w: 350\n"
        "device_names: [NVIDIA H100 PCIe]\nsource: NVIDIA H100 datasheet (PCIe)\n")
    assert configs.hardware_name("NVIDIA H100 PCIe") == "h100-pcie"
    assert configs.get_hardware("h100-pcie").device_names == ("NVIDIA H100 PCIe",)
