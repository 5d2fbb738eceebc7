"""Stage 0, configuration: the YAML files under configs/ as typed, frozen dataclasses.

Owns: models, suites, tasks entries, hardware and published scores (configs.py), and the
strict YAML reading behind them (yamlio.py: unknown keys and wrong types are errors).
May import: harness.errors only. Everything else may import this.
"""
