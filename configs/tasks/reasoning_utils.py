"""What the task YAMLs here name with `!function reasoning_utils.X`: the harness's grading."""

from harness.grading import (  # noqa: F401
    agg_inst_level_acc,
    keep_all,
    process_gpqa_docs,
    process_ifeval,
    process_math,
    process_math_answer_field,
    process_mc,
)
