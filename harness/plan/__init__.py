"""Stage 1, plan: what a model needs before any weight is loaded.

Owns: the architecture on the meta device, parameters, bytes, KV per token, GPUs to fit and
speed bounds (sizing.py); the GPU requirement checked before a run (preflight.py); the cost
of a suite announced before it starts (estimate.py).
May import: harness.config, harness.results, harness.errors.
"""
