"""Stage 3, perf: speed, memory and energy of a loaded engine.

Owns: one timed point (timing.py), the harness's own graph-loop decode (graph_loop.py), the
sweep over scenarios and variants with the bound of each point (sweep.py, bounds.py),
streaming perf against a server (serving.py), memory monitors (monitor.py) and energy windows
over the NVML or RAPL counter (energy.py).
May import: harness.config, harness.results, harness.plan, harness.errors.
"""
