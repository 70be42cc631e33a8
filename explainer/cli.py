"""Command line: `python build.py [build|...]`. Prints errors one per line and exits 0 or 1."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from pathlib import Path

from explainer.content.validate import date_problem, load_schema, matches
from explainer.errors import BuildError, one_line

if TYPE_CHECKING:
    from explainer.pipeline import BuildResult

# The formats `import --format` accepts: explainer.importer.article's FORMATS, written out so that a build
# does not load the article reader (tests/test_import.py checks that the two agree).
IMPORT_FORMATS = ("text", "markdown", "html")


def _base_url(value: str) -> str:
    pattern = load_schema("site")["properties"]["base_url"]["pattern"]
    if not matches(pattern, value):
        raise argparse.ArgumentTypeError(f"expected an absolute address ending in '/', like https://example.org/repo/, found {value!r}")
    return value


def _date(value: str) -> dt.date:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        why = date_problem(value)
        if not why:
            return dt.date.fromisoformat(value)
        raise argparse.ArgumentTypeError(f"{why}, found {value!r}")
    raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {value!r}")


def _slug(value: str) -> str:
    schema = load_schema("explainer")["$defs"]["slug"]
    if len(value) > schema["maxLength"]:
        raise argparse.ArgumentTypeError(f"a slug is at most {schema['maxLength']} characters; {value!r} is {len(value)}")
    if not matches(schema["pattern"], value):
        raise argparse.ArgumentTypeError(f"expected lowercase letters, digits and single hyphens, like 'budget-vote', found {value!r}")
    return value


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder holding site.yaml, content/ and templates/ (default: here)")


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_root(parser)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    parser.add_argument("--base-url", type=_base_url, default=None, help="override site.yaml's base_url, e.g. https://newsroom.github.io/explainers/")
    parser.add_argument("--drafts", action="store_true", help="build explainers marked draft: true too, each page with a banner (never publish this build)")
    parser.add_argument("--future", action="store_true", help="build explainers whose published date or time is still to come too, each page with a banner")


def make_parser(prog: str | None = None) -> argparse.ArgumentParser:
    # Named as it was typed: `explainer`, or `build.py` in the generator's own checkout.
    prog = prog or Path(sys.argv[0]).name or "explainer"
    parser = argparse.ArgumentParser(prog=prog, description="Build Q&A explainer sites from YAML. With no command, builds content/ into site/.")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build content/ into site/ (the default)")
    _add_build_options(build_cmd)
    serve_cmd = commands.add_parser("serve", help="preview on 127.0.0.1, rebuilding and reloading the browser on every edit (never writes site/)")
    _add_root(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 exposes the preview to your network)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one and prints it)")
    serve_cmd.add_argument("--base-path", type=_base_path, default="/", help="serve under this path, as a GitHub Pages project site is: /repo/")
    serve_cmd.add_argument("--open", action="store_true", help="open the preview in a web browser")
    import_cmd = commands.add_parser(
        "import", help="turn an article (text, Markdown or HTML) into content/<slug>.yaml for an editor to finish",
        description="Read an article and write a content file that validates and builds. Every sentence of the article is kept; "
        "what cannot be placed is listed under `unplaced:` and the build warns about it. An editor must check the result.",
    )
    import_cmd.add_argument("path", type=Path, help="the article: .txt, .md or .html (or say which with --format)")
    import_cmd.add_argument("--format", choices=IMPORT_FORMATS, default=None, help="read the article as this format instead of going by its extension")
    import_cmd.add_argument("-o", "--output", default=None, metavar="FILE", help="write here instead of ROOT/content/<slug>.yaml; '-' prints the YAML")
    import_cmd.add_argument("--force", action="store_true", help="replace the output file if it exists")
    import_cmd.add_argument("--published", type=_date, default=None, metavar="YYYY-MM-DD", help="the publication date to write (default: the date the page gives, else today)")
    import_cmd.add_argument("--slug", type=_slug, default=None, help="the explainer's URL segment (default: made from the title)")
    _add_root(import_cmd)
    check_cmd = commands.add_parser(
        "check", help="compare each explainer with the article(s) its made_from names",
        description="For each explainer with made_from: the share of the article's sentences found in the explainer, the ones "
        "missing, and the explainer's sentences the article does not support. Exits 1 when a source sentence is missing.",
    )
    _add_root(check_cmd)
    new_cmd = commands.add_parser(
        "new", help="start a new project in a folder: site.yaml, an example explainer, a README, the publishing workflow",
        description="Make a working project in FOLDER (which must be missing or empty), using the default theme. Then, in FOLDER, "
        f"`{prog}` builds it and `{prog} serve` previews it.",
    )
    new_cmd.add_argument("folder", type=Path, metavar="FOLDER", help="where to make the project")
    theme_cmd = commands.add_parser(
        "theme", help="list the default theme's templates, or copy the named ones into ROOT/templates/ to change them",
        description="With no TEMPLATE, lists the default theme's templates (marking those the project has its own copy of). "
        "With names, copies those templates into ROOT/templates/, where the project's copy takes the theme's place.",
    )
    theme_cmd.add_argument("names", nargs="*", metavar="TEMPLATE", help="a template's name as listed, like _partials/footer.html")
    _add_root(theme_cmd)
    schema_cmd = commands.add_parser("schema", help="write this version's JSON Schemas into ROOT/schema/, for editors' completion")
    _add_root(schema_cmd)
    return parser


def _base_path(value: str) -> str:
    if not re.fullmatch(r"/([A-Za-z0-9._~-]+/)*", value):
        raise argparse.ArgumentTypeError(f"expected a path that starts and ends with '/', like /repo/, found {value!r}")
    return value


def run_serve(args: argparse.Namespace) -> int:
    from explainer.preview.server import serve  # the server's imports cost a build nothing

    return serve(args.root, args.host, args.port, args.base_path, args.open)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from explainer.pipeline import build

    out = args.out or args.root / "site"
    try:
        result = build(args.root, out, args.base_url, drafts=args.drafts, future=args.future)
    except BuildError as exc:
        for error in exc.errors:
            print(*error.lines(), sep="\n", file=sys.stderr)
        print(one_line(f"build failed: {len(exc.errors)} error(s); {out.name}/ was left as it was"), file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if result.unchanged:
        print(f"built {result.pages} pages (nothing changed) in {elapsed:.2f}s")
    else:
        print(f"built {result.pages} pages ({result.rendered} rendered, {result.written} written) in {elapsed:.2f}s")
    for line in held_lines(result):
        print(line)
    if result.warnings:
        print(f"{len(result.warnings)} warning(s): the site was built; see above", file=sys.stderr)
    return 0


def held_lines(result: BuildResult) -> list[str]:
    """What a build held back, and until when: a line for the count and the next time one falls
    due, then a line per explainer (a build that found nothing changed knows only the counts)."""
    held = result.held
    if not held.count:
        return []
    kinds = [f"{held.drafts} draft(s)"] * bool(held.drafts) + [f"{held.scheduled} scheduled"] * bool(held.scheduled)
    due = f"; the next is due {held.next:%Y-%m-%d %H:%M} UTC, and the first build after that publishes it" if held.next else ""
    lines = [f"held back {held.count} explainer(s) (--drafts and --future build them): {', '.join(kinds)}{due}"]
    for source, status in result.holding:
        when = f"scheduled for {status.scheduled:%Y-%m-%d %H:%M} UTC" if status.scheduled else ""
        lines.append(f"  {source}: {' and '.join(part for part in ('draft' if status.draft else '', when) if part)}")
    return lines


def _command() -> str:
    """The command as the user typed it: `explainer`, or `python build.py` in a checkout."""
    name = Path(sys.argv[0]).name
    return f"python {name}" if name.endswith(".py") else name or "explainer"


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when it is under it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)


def _in_project(root: Path, path: Path) -> str | None:
    """path relative to the project folder, as made_from writes it, or None when it is outside."""
    resolved, project = path.resolve(), root.resolve()
    return resolved.relative_to(project).as_posix() if resolved.is_relative_to(project) else None


def _site_language(root: Path) -> str | None:
    """The language site.yaml names, if it can be read and names one (an import needs no site file)."""
    from explainer.content.files import SITE_FILE, read_site_file
    from explainer.content.parse import RawDoc, parse_yaml

    raw = read_site_file(root, [])
    doc = parse_yaml(SITE_FILE, raw) if raw is not None else None
    language = doc.data.get("language") if isinstance(doc, RawDoc) and isinstance(doc.data, dict) else None
    return language if isinstance(language, str) else None


def _importer_installed(command: str) -> bool:
    """Whether the importer's libraries are there; if not, one line says how to install them."""
    from explainer.importer import EXTRA, missing_libraries

    if missing_libraries():
        print(f"{command} needs the importer's libraries: {EXTRA}", file=sys.stderr)
        return False
    return True


def run_import(args: argparse.Namespace) -> int:
    if not _importer_installed("import"):
        return 1
    # The importer, the article reader and the sentence splitter cost a build nothing.
    from explainer.importer.structure import ImportFailed, import_article, read_source, write_scaffold
    from explainer.scaffold.schema import schema_reference

    try:
        article = read_source(args.path, args.format)
        made_from = _in_project(args.root, args.path)
        # The clock is read here, at the edge; the importer itself is given the date.
        scaffold = import_article(article, origin=made_from or args.path.name, today=dt.date.today(), published=args.published, made_from=made_from, slug=args.slug,
                                  schema=schema_reference(args.root, "explainer"), site_language=_site_language(args.root))
        if args.output == "-":
            sys.stdout.write(scaffold.yaml)
            out, where = sys.stderr, "standard output"
        else:
            if args.output:
                target = Path(args.output)
            else:
                target = args.root / "content" / f"{scaffold.slug}.yaml"
                target.parent.mkdir(exist_ok=True)
            write_scaffold(target, scaffold.yaml, args.force)
            out, where = sys.stdout, _shown(target)
    except ImportFailed as exc:
        print(one_line(f"import failed: {exc}"), file=sys.stderr)
        return 1
    print(f"imported {_shown(args.path)} ({article.format}) into {where}", file=out)
    for line in scaffold.report.lines():
        print(line, file=out)
    print("an editor must check every field before publishing" + (f"; `{_command()} check` compares it with the article" if made_from else ""), file=out)
    return 0


def run_check(args: argparse.Namespace) -> int:
    if not _importer_installed("check"):
        return 1
    from explainer.importer.check import check_project, format_report

    result = check_project(args.root)
    for error in result.errors:
        print(*error.lines(), sep="\n", file=sys.stderr)
    for report in result.reports:
        for line in format_report(report):
            print(line)
    if result.unchecked:
        print(f"not checked (no made_from): {', '.join(result.unchecked)}")
    missing = sum(len(s.missing) for r in result.reports for s in r.sources)
    if result.errors:
        print(f"check failed: {len(result.errors)} error(s)", file=sys.stderr)
        return 1
    if missing:
        print(f"{missing} source sentence(s) missing from their explainer")
        return 1
    checked = len(result.reports)
    omitted = sum(s.omitted for r in result.reports for s in r.sources)
    print((f"checked {checked} explainer(s): every source sentence is present" + (f" or left out on purpose ({omitted} in `omitted`)" if omitted else ""))
          if checked else "no explainer names made_from: nothing to check")
    return 0


def _writing(command: str, action: Callable[[], list[str]], refused: type[Exception]) -> list[str] | None:
    """The paths an action that writes files wrote; None, once it has said why, when it refused
    (the user's mistake) or the file system did."""
    try:
        return action()
    except refused as exc:
        print(one_line(f"{command} failed: {exc}"), file=sys.stderr)
    except OSError as exc:
        print(one_line(f"{command} failed: cannot write {exc.filename}: {exc.strerror or exc}"), file=sys.stderr)
    return None


def run_new(args: argparse.Namespace) -> int:
    from explainer.scaffold.new import ProjectExists, installed_from, make_project, requirement, version

    written = _writing("new", lambda: make_project(args.folder, dt.date.today()), ProjectExists)
    if written is None:
        return 1
    print(f"made a new project in {_shown(args.folder)}:")
    for path in written:
        print(f"  {path}")
    line, reachable = requirement(installed_from(), version())
    if not reachable:
        print(f"note: requirements.txt pins {line}, but this copy was installed from a folder on this computer, which GitHub "
              "cannot reach: before publishing, write in requirements.txt where your newsroom installs the generator from "
              f"(explainer @ git+https://github.com/<owner>/<repo>@v{version()})")
    # The installed command: a new project has no build.py of its own.
    print(f"next: cd {_shown(args.folder)}, then `explainer serve` to preview it, or `explainer` to build it into site/")
    return 0


def run_theme(args: argparse.Namespace) -> int:
    from explainer.core.paths import TEMPLATES_DIR, theme_templates
    from explainer.scaffold.theme import NoSuchTemplate, copy_templates

    if not args.names:
        for name in theme_templates():
            own = (args.root / TEMPLATES_DIR / name).is_file()
            print(f"{name}{'   (the project has its own copy)' if own else ''}")
        return 0
    written = _writing("theme", lambda: copy_templates(args.root, args.names), NoSuchTemplate)
    if written is None:
        return 1
    for path in written:
        print(f"copied {path}: edit it there; the build uses it in place of the theme's")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from explainer.scaffold.schema import write_schemas

    for path in write_schemas(args.root):
        print(f"wrote {path}")
    return 0


COMMANDS = {"build": run_build, "serve": run_serve, "import": run_import, "check": run_check, "new": run_new, "theme": run_theme, "schema": run_schema}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # No command means build, so `python build.py --base-url ...` works as users expect.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        # The reader stopped early (`import -o - | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
