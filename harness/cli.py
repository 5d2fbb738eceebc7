"""Command line: argument parsing only; the work is done by the modules it calls."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from harness.cli_args import (
    at_least_zero,
    limit_value,
    pairs,
    plan_parser,
    positive,
    quiet_libraries,
    regrade_parser,
    results_dir,
    split,
)
from harness.errors import HarnessError, Terminated, raise_on_sigterm


def _bench(args: argparse.Namespace) -> int:
    if not args.verbose:
        quiet_libraries()
    from harness.bench import BenchOptions, run_bench
    from harness.report import console, tables
    from harness.results.record import read_run

    opts = BenchOptions(model=args.model, suite=args.suite, backend=args.backend,
                        limit=args.limit, device=args.device, batch_size=args.batch_size,
                        threads=args.threads,
                        perf=args.perf, results_dir=args.results_dir, weights=args.weights,
                        resume=not args.no_resume,
                        backend_args=split("--model_args", args.model_args) + pairs(args),
                        allow_weak_sandbox=args.allow_weak_sandbox,
                        gen_kwargs=split("--gen_kwargs", args.gen_kwargs),
                        num_fewshot=args.num_fewshot, seed=args.seed,
                        include_path=args.include_path)
    run_dir = run_bench(opts)
    run = read_run(run_dir / "run.json")
    console.print_table(tables.rows([run]))
    console.print_perf(run)
    print(f"run written to {run_dir}/run.json; table in {run_dir.parent.parent}/COMPARISON.md")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from harness.config import configs
    from harness.plan import lengths as plan_lengths
    from harness.plan import sizing, suite_time
    from harness.plan import table as plan_table

    if args.lengths_from and not args.suite:
        raise HarnessError("--lengths-from needs --suite: the lengths are the suite's tasks'.")
    lengths = plan_lengths.measured(args.lengths_from, args.model,
                                    configs.get_suite(args.suite)) if args.lengths_from else None
    result, timed = suite_time.plan_suite(args.model, args.gpu, args.dtype, args.context,
                                          args.suite, args.limit, lengths)
    extra = {"suite": suite_time.as_dict(timed)} if timed else {}
    print(json.dumps({**sizing.as_dict(result), **extra}, indent=2) if args.json
          else plan_table.render(result, suite_time.rows(timed, result) if timed else None))
    return 0


def _regrade(args: argparse.Namespace) -> int:
    quiet_libraries()
    from harness.regrade import regrade, summary

    for source in args.run:
        new_dir = regrade(source, args.results_dir)
        print("\n".join([f"{source}: regraded into {new_dir}/run.json", *summary(new_dir)]))
    return 0


def _results(args: argparse.Namespace) -> Path:
    """The results directory of report and claims, checked before anything is written."""
    from harness.results import files

    return files.checked_root(args.results_dir, create=True)


def _claims(args: argparse.Namespace) -> int:
    from harness.report import claims

    root = _results(args)
    for v in claims.rebuild(root):
        print(f"[{v.verdict}] {v.text}\n    {v.summary}")
        if v.settle:
            print(f"    to settle: {v.settle}")
    print(f"wrote {root}/CLAIMS.md")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from harness.fetch import fetch

    for line in fetch(args.model, args.suite):
        print(line)
    return 0


def _report(args: argparse.Namespace) -> int:
    from harness.report import console, tables

    root = _results(args)
    table = tables.rebuild(root)
    console.print_table(table)
    print(f"wrote {root}/COMPARISON.md and {root}/comparison.csv ({len(table)} rows)")
    if args.html:
        from harness.report import claims, html
        from harness.results.record import load_runs

        claims.rebuild(root)  # the verdicts the page shows, from the same runs
        print(f"wrote {html.write(root, load_runs(root, warn=False))}")
    return 0


def _count(n: int) -> str:
    return f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.1f}M"


def _models(args: argparse.Namespace) -> int:
    from harness.config import configs
    from harness.report import console

    rows = []
    for name in configs.model_names():
        m = configs.get_model(name)
        src = m.source.hub_id or m.source.kind
        if m.source.kind == "gguf-package":
            src = f"{m.source.file} (PyPI {m.source.package})"
        elif m.source.kind == "random":
            src = "random, built locally"
        params = _count(m.parameters.total) if m.parameters else "-"
        if m.parameters and m.parameters.active:
            params += f" ({_count(m.parameters.active)} active)"
        rows.append((name, src, params, "yes" if m.needs_gpu else "no",
                     m.description.split(". ")[0]))
    console.print_rows("models (configs/models/)",
                 ("name", "weights from", "parameters", "needs GPU", "description"), rows)
    print("Any other model: --model org/name[@revision], a local directory, or a .gguf file.")
    return 0


def _suites(args: argparse.Namespace) -> int:
    from harness.config import configs
    from harness.plan.estimate import work
    from harness.report import console

    rows = [(s.name, ", ".join(x.task for x in s.tasks) or "(perf only)", s.sampling,
             work(s), s.description.split(". ")[0])
            for s in map(configs.get_suite, configs.suite_names())]
    console.print_rows("suites (configs/suites/)",
                 ("name", "tasks", "sampling", "work (to every limit)", "description"), rows)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argparse tree of `python -m harness`."""
    p = argparse.ArgumentParser(prog="harness", description=(
        "Benchmark reasoning models: accuracy under each model's published protocol, "
        "with speed, memory and energy side by side."))
    p.add_argument("--configs", type=Path, default=None, metavar="DIR",
                   help="a directory of your own configs (models/, suites/, tasks/, "
                        "hardware/, claims.yaml), layered over the shipped ones: same name "
                        "wins (default: $HARNESS_CONFIGS)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("bench", help="run a suite on a model and write a run.json")
    b.add_argument("--model", default="smollm2-135m",
                   help="a name from `harness models`, a model YAML, a hub id org/name[@rev], a "
                        "local directory or a .gguf file")
    b.add_argument("--suite", default=None,
                   help="a name from `harness suites`, a suite or task YAML, a .jsonl of "
                        "problems, or an lm-eval task (default: 'default' for the embedded "
                        "models, 'quick' for real ones, 'perf' with --weights random)")
    b.add_argument("--backend", default=None,
                   help="hf, vllm or openai (default: what the model's YAML says)")
    b.add_argument("--backend-arg", action="append", metavar="KEY=VALUE",
                   help="an engine argument, repeatable: vllm tensor_parallel_size=8, "
                        "pipeline_parallel_size=2, data_parallel_size, gpu_memory_utilization, "
                        "max_model_len, distributed_executor_backend=ray; openai "
                        "served_model, api_key_env, concurrency, server_hardware")
    b.add_argument("--base-url", default=None,
                   help="openai backend: the server, e.g. http://127.0.0.1:8000/v1 "
                        "(default: $OPENAI_BASE_URL)")
    b.add_argument("--limit", type=limit_value, default=None,
                   help="at most N problems per task (N >= 1), or a fraction of each task's "
                        "problems (0 < N < 1, as lm-eval; a suite entry's own limit is then "
                        "ignored); default: the suite's limits")
    b.add_argument("--model_args", "--model-args", default=None, metavar="K=V,...",
                   help="lm-eval's --model_args: engine arguments as one comma list, the same "
                        "as repeating --backend-arg")
    b.add_argument("--gen_kwargs", "--gen-kwargs", default=None, metavar="K=V,...",
                   help="generation settings over the model card's and the task's: "
                        "temperature, top_p, top_k, min_p, do_sample, max_gen_toks, "
                        "repetition_penalty (recorded in run.json)")
    b.add_argument("--num_fewshot", "--num-fewshot", type=at_least_zero, default=None,
                   help="few-shot examples per prompt, for every task (default: each task's; "
                        "the reasoning tasks here are zero-shot)")
    b.add_argument("--seed", type=at_least_zero, default=None,
                   help="one seed for lm-eval's python, numpy, torch and few-shot seeds "
                        "(default: lm-eval's 0/1234/1234/1234)")
    b.add_argument("--include_path", "--include-path", default=None, metavar="DIR",
                   help="a directory of lm-eval task YAMLs whose task names --suite may use")
    b.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                   help="where the model runs (default auto: the GPU if there is one)")
    b.add_argument("--batch-size", type=positive, default=None,
                   help="generation batch size (default: the suite's batch_size)")
    b.add_argument("--threads", type=positive, default=None,
                   help="CPU runs of the hf backend: torch threads (default: physical cores)")
    b.add_argument("--allow-weak-sandbox", action="store_true",
                   help="run a code suite's programs without bubblewrap (namespaces and "
                        "rlimits only; recorded in run.json and shown in the tables)")
    b.add_argument("--no-resume", action="store_true",
                   help="generate every sample anew instead of reusing finished samples cached "
                        "by an earlier run of the same model and settings")
    b.add_argument("--weights", default="real", choices=["real", "random"],
                   help="random: the architecture with random weights built on the device "
                        "(no download; speed and memory, and for a suite with tasks a "
                        "rehearsal of its workload; never a score)")
    perf = b.add_mutually_exclusive_group()
    perf.add_argument("--perf", dest="perf", action="store_true", default=None,
                      help="run the perf measurement even if the suite disables it")
    perf.add_argument("--no-perf", dest="perf", action="store_false",
                      help="skip the perf measurement")
    results_dir(b, "where runs/ and COMPARISON.md go")
    b.add_argument("--verbose", action="store_true",
                   help="keep the libraries' own warnings and progress bars (lm-eval, "
                        "transformers, datasets, the hub), which a bench hides by default")
    b.set_defaults(func=_bench)

    plan_parser(sub, _plan)
    regrade_parser(sub, _regrade)

    r = sub.add_parser("report", help="rebuild COMPARISON.md and comparison.csv from all runs")
    results_dir(r, "the results directory to rebuild")
    r.add_argument("--html", action="store_true",
                   help="also write report.html: one self-contained file with the tables, "
                        "the claims' verdicts, the plots and a sample browser")
    r.set_defaults(func=_report)

    c = sub.add_parser("claims", help="rebuild CLAIMS.md: a verdict on each claim, with evidence")
    results_dir(c, "the results directory whose runs decide the claims")
    c.set_defaults(func=_claims)

    f = sub.add_parser("fetch", help="download a model and a suite's datasets ahead of time")
    f.add_argument("--model", default=None,
                   help="a name from `harness models` or a hub id org/name[@rev] to download")
    f.add_argument("--suite", default=None,
                   help="a name from `harness suites` (or a suite YAML) whose datasets to "
                        "download")
    f.set_defaults(func=_fetch)

    sub.add_parser("models", help="list the models known by name").set_defaults(func=_models)
    sub.add_parser("suites", help="list the suites").set_defaults(func=_suites)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse, dispatch, and turn HarnessError into a message and exit code 2."""
    args = parser().parse_args(argv)
    previous = raise_on_sigterm()
    try:
        if args.configs is not None:
            if not args.configs.is_dir():
                raise HarnessError(f"--configs {args.configs}: not a directory. Give a "
                                   "directory laid out like configs/ (models/, suites/, ...).")
            os.environ["HARNESS_CONFIGS"] = str(args.configs.resolve())
        return args.func(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the run directory records status 'failed'", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated (SIGTERM); the run directory records status 'failed'",
              file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
