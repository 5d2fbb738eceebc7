"""Stage 6, report: tables, plots and claim verdicts rebuilt from run.json files alone.

Owns: COMPARISON.md and comparison.csv (tables.py), the PNG plots (plots.py), the verdicts
of CLAIMS.md (claims.py), joules and dollars per token and correct answer (efficiency.py),
and what the terminal shows (console.py).
May import: harness.config, harness.results, harness.plan (architecture-only figures),
harness.errors; never the stages that produce runs.
"""
