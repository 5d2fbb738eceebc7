"""Stage 1, plan: what a model needs before any weight is loaded.

Owns: the architecture on the meta device, GPUs to fit and speed bounds (sizing.py);
parameters, KV per token and what a mixture of experts reads per step (params.py); the KV
budget of a workload and its bound (kv_budget.py); the GPU requirement checked before a
run (preflight.py); the cost of a suite announced before it starts (estimate.py).
May import: harness.config, harness.results, harness.errors, harness.environment (what
is installed: vLLM's CPU build has no GPUs to count).
"""
