"""The parts of the vllm backend's engine driving that need no engine (the engine itself is
tested on vLLM's CPU build: tests/integration/test_vllm_cpu.py)."""

from __future__ import annotations

import subprocess
import sys

from harness.backends import vllm_engine


def test_a_rehearsal_runs_every_generation_to_its_limit_on_vllm_too() -> None:
    """The rehearsal asks for transformers' min_new_tokens; SamplingParams calls it
    min_tokens (and refused the other name: the rehearsal stopped with a TypeError)."""
    given = {"temperature": 0.6, "min_new_tokens": 8192, "skip_special_tokens": False}
    assert vllm_engine.sampling_kwargs(given) == {
        "temperature": 0.6, "min_tokens": 8192, "skip_special_tokens": False}
    assert vllm_engine.sampling_kwargs({"temperature": 0.0}) == {"temperature": 0.0}


def test_importing_the_engine_module_imports_neither_vllm_nor_lm_eval() -> None:
    code = ("import sys, harness.backends.vllm_engine; "
            "assert not [m for m in sys.modules if m.startswith(('vllm', 'lm_eval'))]")
    subprocess.run([sys.executable, "-c", code], check=True)
