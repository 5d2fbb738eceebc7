"""What the task YAMLs here name with `!function reasoning_utils.X`: the harness's grading."""

from harness.accuracy.grading import (  # noqa: F401
    agg_inst_level_acc,
    keep_all,
    process_code,
    process_gpqa_docs,
    process_ifeval,
    process_math,
    process_math_answer_field,
    process_mc,
)
from harness.accuracy.lcb import doc_to_text as lcb_doc_to_text  # noqa: F401
from harness.accuracy.lcb import process_docs as lcb_process_docs  # noqa: F401
from harness.accuracy.lcb import process_results as process_lcb  # noqa: F401
