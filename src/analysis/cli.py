"""Command line: ``python -m analysis COMMAND``.

Exit codes: 0 success, 2 bad input (every problem listed), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config
from .dataset import check_dataset, summarise
from .hygiene import find_notebooks, notebook_problems
from .schema import data_dictionary_markdown

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    dataset, problems = check_dataset(data_dir)
    if problems:
        print(f"{data_dir}: {len(problems)} problem(s); nothing was changed.", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{data_dir}: valid")
    for line in summarise(dataset):
        print(f"  {line}")
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(data_dictionary_markdown(), encoding="utf-8")
    print(f"wrote {target}")
    return EXIT_OK


def _check_notebooks(args: argparse.Namespace) -> int:
    notebooks = find_notebooks([Path(p) for p in (args.paths or [config.NOTEBOOKS_DIR])])
    problems = [problem for notebook in notebooks for problem in notebook_problems(notebook)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_BAD_INPUT
    print(f"{len(notebooks)} notebook(s) without outputs")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Mali civilian-harm data and reports.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a data directory against the schema")
    validate.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR), help="default: the embedded data/")
    validate.set_defaults(run=_validate)
    docs = commands.add_parser("docs", help="write the data dictionary generated from the schema")
    docs.add_argument("--out", default=str(config.DOCS_DIR / "data_dictionary.md"))
    docs.set_defaults(run=_docs)
    hygiene = commands.add_parser("check-notebooks", help="fail if a notebook carries outputs")
    hygiene.add_argument("paths", nargs="*", help="notebooks or folders (default: notebooks/)")
    hygiene.set_defaults(run=_check_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a last resort: the analyst gets one line, not a traceback
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAILURE
