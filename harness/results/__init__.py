"""The run record and how results reach the disk; the vocabulary between stages.

Owns: the typed run record (record.py: Run, read_run, write_run, load_runs, the schema
version and its upgrade; parts.py and perf_points.py: its parts) and the file layer
(files.py: run directories, atomic writes, secret redaction). Report and claims read runs
only through this package.
May import: harness.errors, harness.config. Every stage may import this.
"""
