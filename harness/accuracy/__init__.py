"""Stage 3, accuracy: a suite through lm-eval, graded the way the model cards grade.

Owns: the lm-eval run and its run.json fields (evaluate.py), suite entries as lm-eval tasks
(tasks.py), answer extraction (answers.py, boxes.py, values.py, letters.py) and math
equivalence (equivalence.py, notation.py), the graders the task YAMLs name (grading.py),
pass@k and cons@n (stats.py), the sample cache that makes runs resumable (resume.py), the
rehearsal of a suite on random weights (rehearsal.py), and code: the solution's block
(code_blocks.py), LiveCodeBench (lcb.py) and the sandbox (sandbox.py).
May import: harness.config, harness.results, harness.models, harness.errors.
"""
