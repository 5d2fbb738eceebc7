"""The command line's value types and lists: counts, --limit, lm-eval's k=v,... lists,
--backend-arg pairs, the quieting of libraries for a bench, and the `plan` and `regrade`
commands' options (used by harness.cli)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.config.checks import check_limit
from harness.errors import HarnessError


def whole_number(low: int) -> Callable[[str], int]:
    """argparse type: a whole number of `low` or more."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is not allowed: give {low} or more "
                                             "(leave the option out for the default)")
        return value

    return parse


positive = whole_number(1)
at_least_zero = whole_number(0)


def quiet_libraries() -> None:
    """Foreign progress bars and library warnings off for a bench (lm-eval's
    "`pretrained` model kwarg is not of type `str`", the tqdm bars of lm-eval, datasets and
    the hub); the harness's own progress and errors still show. `--verbose` keeps them all.
    Called before those libraries are imported: tqdm reads TQDM_DISABLE then."""
    import logging
    import warnings

    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    warnings.filterwarnings("ignore")
    for name in ("lm_eval", "lm-eval", "transformers", "datasets", "huggingface_hub",
                 "accelerate", "absl", "httpx", "urllib3", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)


def limit_value(text: str) -> float:
    """argparse type of --limit (harness.config.checks.check_limit)."""
    try:
        return check_limit(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or a fraction"
                                         ) from None
    except HarnessError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def results_dir(parser: argparse.ArgumentParser, what: str) -> None:
    """The --results-dir option, with where it defaults to."""
    parser.add_argument("--results-dir", type=Path, default=None,
                        help=f"{what} (default: $HARNESS_RESULTS, else results/ of a "
                             "checkout, else ./results)")


def split(option: str, text: str | None) -> tuple[tuple[str, str], ...]:
    """lm-eval's comma lists, k1=v1,k2=v2, as (key, value) pairs."""
    pairs = []
    for item in (text or "").split(","):
        if not item.strip():
            continue
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise HarnessError(f"{option} {item!r} is not KEY=VALUE; write "
                               f"{option} key1=value1,key2=value2.")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def pairs(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """--backend-arg KEY=VALUE options (and --base-url) as (key, value) pairs."""
    pairs = []
    for item in args.backend_arg or []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise HarnessError(f"--backend-arg {item!r} is not KEY=VALUE, e.g. "
                               "--backend-arg tensor_parallel_size=8.")
        pairs.append((key.strip(), value.strip()))
    if args.base_url:
        pairs.append(("base_url", args.base_url))
    return tuple(pairs)


def plan_parser(sub: Any, func: Callable[[argparse.Namespace], int]) -> None:
    """The `plan` command and its options, run by `func`."""
    pl = sub.add_parser("plan", help="params, memory, fit and speed bounds; no weights needed")
    pl.add_argument("--model", required=True,
                    help="a known name, a model YAML, a config.json, a model directory or a "
                         "hub id")
    pl.add_argument("--gpu", default="h100-80gb", help="a name under configs/hardware/")
    pl.add_argument("--dtype", default=None, choices=["bf16", "fp16", "fp8", "int4", "fp32"],
                    help="weight dtype (default: the model's own)")
    pl.add_argument("--context", type=positive, default=None,
                    help="tokens of KV cache to fit beside the weights (default: the suite's "
                         "longest generation with --suite, else 32768)")
    pl.add_argument("--suite", default=None,
                    help="also the suite's work (generations, new tokens) and its hours and "
                         "cost at the plan's decode bounds (estimated)")
    pl.add_argument("--limit", type=limit_value, default=None,
                    help="with --suite: at most N problems per task, or a fraction, as bench")
    pl.add_argument("--lengths-from", default=None, metavar="RUN",
                    help="with --suite: count each task at the mean output length an earlier "
                         "run of real weights measured (a run directory or id, or 'latest': "
                         "the newest run of the model that measured any), not at its limit")
    pl.add_argument("--json", action="store_true", help="print JSON instead of a table")
    pl.set_defaults(func=func)


def regrade_parser(sub: Any, func: Callable[[argparse.Namespace], int]) -> None:
    """The `regrade` command and its options, run by `func`."""
    g = sub.add_parser("regrade", help="grade a finished run's logged generations again with "
                                       "this harness's graders, into a new run")
    g.add_argument("run", nargs="+", help="a run id (the tables' 'run' column) or a run "
                                          "directory")
    results_dir(g, "where the runs are, and the new ones go")
    g.set_defaults(func=func)
