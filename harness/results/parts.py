"""The parts of a run record (harness.results.record.Run) other than perf: the model, suite,
hardware, task scores, generation statistics, energy, memory, workload and estimate.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from harness.results.base import Record


@dataclass(frozen=True)
class ModelInfo(Record):
    """Which weights ran: name, hub id or path, revision, dtype, real or random."""

    name: str = "?"
    id: str | None = None
    path: str | None = None
    revision: str | None = None
    commit: str | None = None  # the hub commit the revision resolved to (lm-eval's model sha)
    dtype: str | None = None
    weights: str = "?"
    origin: str | None = None
    trust_remote_code: bool = False
    parameters: int | None = None


@dataclass(frozen=True)
class SuiteInfo(Record):
    """The suite as run: name, file, problem limit, sampling mode, task names."""

    name: str = "?"
    path: str | None = None
    limit: float | None = None  # problems per task, or lm-eval's fraction of each (< 1)
    sampling: str | None = None
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hardware(Record):
    """Where it ran: this machine's CPU and GPUs, or a server as declared by the user."""

    device: str = "?"
    label: str = "?"
    accelerator: str | None = None
    accelerator_count: int | None = None
    accelerator_memory_bytes: int | None = None
    cpu: str | None = None
    cpu_cores: int | None = None
    memory_bytes: int | None = None
    platform: str | None = None
    cuda: str | None = None
    driver: str | None = None
    server: str | None = None
    declared_by_user: bool | None = None
    client: Hardware | None = None


@dataclass(frozen=True)
class TaskScore(Record):
    """One task's headline score (0..1) with its standard error across problems."""

    metric: str = "?"
    value: float = 0.0
    stderr: float | None = None
    n_docs: int | None = None
    samples_per_doc: int = 1
    filter: str | None = None
    all_metrics: dict[str, float] = field(default_factory=dict)
    per_problem: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _non_negative: typing.ClassVar[tuple[str, ...]] = ("stderr", "n_docs", "samples_per_doc")

    @property
    def correct(self) -> float:
        """Correct generations: score x problems x samples per problem."""
        return self.value * (self.n_docs or 0) * (self.samples_per_doc or 1)


@dataclass(frozen=True)
class GenerationStats(Record):
    """Output lengths of one task, counted on the raw generations."""

    n_generations: int = 0
    output_tokens_total: int | None = None
    output_tokens_mean: float | None = None
    output_tokens_median: float | None = None
    output_tokens_p90: float | None = None
    output_tokens_max: int | None = None
    reasoning_tokens_mean: float | None = None
    answer_tokens_mean: float | None = None
    max_new_tokens: int | None = None
    hit_max_new_tokens: int | None = None
    hit_max_new_tokens_rate: float | None = None
    unclosed_thinking: int | None = None
    truncation_rate: float | None = None
    tokens_per_correct: float | None = None
    samples_reused: int | None = None  # taken from the sample cache of an earlier run
    output_tokens_reused: int | None = None  # their output tokens (in output_tokens_total)
    correct_reused: float | None = None  # correct among them (None: grader has no verdicts)
    counted_by: str | None = None
    prompts: str | None = None  # a rehearsal's: the task's own, or a stand-in's
    prompts_cut: int | None = None  # cut from the left to fit the model's length (metrics.py)
    prompts_refused: int | None = None  # refused by a server as too long (chat_lm.py)
    stopped_by_server_context: int | None = None  # cut below max_new_tokens by a server
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    _sparse: typing.ClassVar[bool] = True

    def shortfalls(self) -> list[str]:
        """The generations that did not get the task's whole prompt or budget, in words
        ("2 prompts cut to fit"), for tables and claims; empty when there were none."""
        counts = ((self.prompts_cut, "prompt{} cut to fit"),
                  (self.prompts_refused, "prompt{} refused by the server as too long"),
                  (self.stopped_by_server_context,
                   "generation{} stopped short by the server's context"))
        return [f"{n} {what.format('s' if n > 1 else '')}" for n, what in counts if n]


@dataclass(frozen=True)
class EnergyWindow(Record):
    """Joules between the start and the end of a window (NVML counter, or RAPL on a CPU)."""

    joules: float | None = None
    seconds: float | None = None
    mean_power_w: float | None = None
    per_device_j: tuple[float, ...] | None = None
    reason: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class Energy(Record):
    """The accuracy run's joules (or why there are none) and the windows measured."""

    joules: float | None = None
    reason: str | None = None
    accuracy: EnergyWindow | None = None
    perf: EnergyWindow | None = None


@dataclass(frozen=True)
class Memory(Record):
    """Bytes: the weights as loaded, and the peaks of the process, allocator and device."""

    weights_bytes: int | None = None
    peak_rss_bytes: int | None = None
    peak_allocated_bytes: int | None = None
    peak_reserved_bytes: int | None = None
    device_peak_bytes: int | None = None
    device_peak_reason: str | None = None
    reason: str | None = None

    @property
    def peak_bytes(self) -> int | None:
        """The peak tables show: the allocator's on a GPU, else the device's (an engine whose
        model lives in other processes, such as vLLM's), else the processes' RSS."""
        return self.peak_allocated_bytes or self.device_peak_bytes or self.peak_rss_bytes


@dataclass(frozen=True)
class Workload(Record):
    """The accuracy run as a workload: its output tokens/s and joules per token and answer."""

    seconds: float | None = None
    output_tokens: int = 0
    answers: int = 0
    correct: float = 0.0
    output_tokens_per_s: float | None = None
    joules: float | None = None
    joules_per_output_token: float | None = None
    joules_per_answer: float | None = None
    joules_per_correct: float | None = None
    bound_tokens_per_s: float | None = None  # the most this GPU allows for the workload
    fraction_of_bound: float | None = None
    bound_basis: str | None = None
    reused_samples: int = 0  # from an earlier run's cache: not in the figures above
    reused_output_tokens: int | None = None
    basis: str | None = None  # what the figures above count


@dataclass(frozen=True)
class Projection(Record):
    """A rehearsal scaled to the whole suite (harness.accuracy.rehearsal)."""

    generations: int = 0
    output_tokens: int = 0
    output_tokens_per_s: float | None = None
    hours: float | None = None
    joules: float | None = None
    kwh: float | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Rehearsal(Record):
    """A run of the suite's prompts on random weights, every generation to its limit."""

    tokenizer: str | None = None
    generations: int = 0
    output_tokens: int = 0
    at_limit: int | None = None  # generations that ran to their token limit
    sequences_at_once: int | None = None  # most the engine decoded together
    kv_sequences_at_full_length: int | None = None
    projection: Projection | None = None


@dataclass(frozen=True)
class Estimate(Record):
    """What the bench said it would generate, and an upper bound on its time."""

    generations: int = 0
    max_new_tokens_total: int = 0
    decode_tokens_per_s: float | None = None
    rate_source: str | None = None
    hours_at_most: float | None = None
    tasks_of_unknown_size: tuple[str, ...] = ()
