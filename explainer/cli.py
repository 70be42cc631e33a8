"""Command line: `python build.py [build|...]`. Prints errors one per line and exits 0 or 1."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from .errors import BuildError
from .pipeline import build
from .validate import load_schema


def _base_url(value: str) -> str:
    pattern = load_schema("site")["properties"]["base_url"]["pattern"]
    if not re.match(pattern, value):
        raise argparse.ArgumentTypeError(f"expected an absolute address ending in '/', like https://example.org/repo/, found {value!r}")
    return value


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder holding site.yaml, content/ and templates/ (default: here)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    parser.add_argument("--base-url", type=_base_url, default=None, help="override site.yaml's base_url, e.g. https://newsroom.github.io/explainers/")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build Q&A explainer sites from YAML. With no command, builds content/ into site/.")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build content/ into site/ (the default)")
    _add_build_options(build_cmd)
    return parser


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        result = build(args.root, args.out, args.base_url)
    except BuildError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"build failed: {len(exc.errors)} error(s); site/ was left as it was", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"built {result.pages} pages ({result.written} changed) in {elapsed:.2f}s")
    if result.warnings:
        print(f"{len(result.warnings)} warning(s): the site was built; see above", file=sys.stderr)
    return 0


COMMANDS = {"build": run_build}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # No command means build, so `python build.py --base-url ...` works as users expect.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
