"""Command line: `python build.py [build|...]`. Prints errors one per line and exits 0 or 1."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explainer.content.validate import date_problem, load_schema, matches
from explainer.errors import BuildError, one_line, unforeseen

if TYPE_CHECKING:
    from explainer.pipeline import BuildResult

# The formats `import --format` accepts: explainer.importer.sources' SOURCE_FORMATS, written out so that a
# build does not load the importer (tests/test_import.py checks that the two agree).
IMPORT_FORMATS = ("text", "markdown", "html", "docx", "archieml")


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


def _language(value: str) -> str:
    from explainer.content.language import language_tag

    tag = language_tag(value)
    if tag is None or tag != value.strip().replace("_", "-"):
        raise argparse.ArgumentTypeError(f"expected a language tag, like de, fr or pt-BR, found {value!r}")
    return tag


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder holding site.yaml, content/ and templates/ (default: here)")


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_root(parser)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    parser.add_argument("--base-url", type=_base_url, default=None, help="override site.yaml's base_url, e.g. https://newsroom.github.io/explainers/")
    parser.add_argument("--drafts", action="store_true", help="build explainers marked draft: true too, each page with a banner (never publish this build)")
    parser.add_argument("--future", action="store_true", help="build explainers whose published date or time is still to come too, each page with a banner")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error: nothing is written while one is left")
    parser.add_argument("--in-place", action="store_true", help="move only the changed files into the existing output folder, instead of swapping in a whole new one: "
                        "in proportion to the change, for a runner (CI) where nothing serves the folder while it builds")


def make_parser(prog: str | None = None) -> argparse.ArgumentParser:
    # Named as it was typed: `explainer`, or `build.py` in the generator's own checkout.
    prog = prog or Path(sys.argv[0]).name or "explainer"
    parser = argparse.ArgumentParser(prog=prog, description="Build Q&A explainer sites from YAML or ArchieML. With no command, builds content/ into site/.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
        "import", help="turn an article (text, Markdown, HTML, a Word document, a web page or a Google Doc) into content/<slug>.yaml for an editor to finish",
        description="Read an article and write a content file that validates and builds. Every sentence of the article is kept; "
        "what cannot be placed is listed under `unplaced:` and the build warns about it. An editor must check the result. A Google "
        "Doc written as an explainer in ArchieML is imported as it stands, into content/<slug>.aml.",
    )
    import_cmd.add_argument("path", metavar="SOURCE", help="the article: a .txt, .md, .html, .docx or .aml file (or say which with --format), "
                            "or an http(s) address: a news page, or a Google Doc shared with anyone who has the link")
    import_cmd.add_argument("--format", choices=IMPORT_FORMATS, default=None, help="read the source as this format instead of going by its extension or content type")
    import_cmd.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="give up on a source that takes longer than this to read (default: 30)")
    import_cmd.add_argument("-o", "--output", default=None, metavar="FILE", help="write here instead of ROOT/content/<slug>.yaml; '-' prints the YAML")
    import_cmd.add_argument("--force", action="store_true", help="replace the output file if it exists")
    import_cmd.add_argument("--published", type=_date, default=None, metavar="YYYY-MM-DD", help="the publication date to write (default: the date the page gives, else today)")
    import_cmd.add_argument("--slug", type=_slug, default=None, help="the explainer's URL segment (default: made from the title)")
    import_cmd.add_argument("--language", type=_language, default=None, metavar="CODE",
                            help="the article's language, like de or pt-BR: its sentences are split by that language's rules, and one that is not "
                                 "the site's becomes the explainer's language (default: the language the article says it is in, else the site's)")
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
    convert_cmd = commands.add_parser(
        "convert", help="convert an explainer between YAML and ArchieML (the format to write it in a Google Doc), losing nothing",
        description="Read an explainer (.yaml, .yml or .aml), check it as a build would, and write it in the other format: beside "
        "it with the other extension, or where -o says. The result is read back and compared before it is written.",
    )
    convert_cmd.add_argument("path", type=Path, metavar="FILE", help="the explainer to convert")
    convert_cmd.add_argument("--to", required=True, choices=("aml", "yaml"), help="aml: ArchieML, to paste into a Google Doc; yaml: YAML")
    convert_cmd.add_argument("-o", "--output", default=None, metavar="OUT", help="write here instead of beside FILE; '-' prints it")
    convert_cmd.add_argument("--force", action="store_true", help="replace the output file if it exists")
    _add_root(convert_cmd)
    return parser


def _version() -> str:
    from explainer.scaffold.new import version

    return version()


def _base_path(value: str) -> str:
    if not re.fullmatch(r"/([A-Za-z0-9._~-]+/)*", value):
        raise argparse.ArgumentTypeError(f"expected a path that starts and ends with '/', like /repo/, found {value!r}")
    return value


def run_serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        print(f"serve failed: --port {args.port} is not a port: pass one from 1 to 65535, or 0 to pick a free one", file=sys.stderr)
        return 1
    from explainer.preview.server import serve  # the server's imports cost a build nothing

    return serve(args.root, args.host, args.port, args.base_path, args.open)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from explainer.pipeline import build

    out = args.out if args.out is not None else args.root / "site"
    try:
        result = build(args.root, out, args.base_url, drafts=args.drafts, future=args.future, strict=args.strict, in_place=args.in_place)
    except BuildError as exc:
        if _not_a_project(args.root):
            print(one_line(f"no explainer project here ({_shown(args.root / 'site.yaml')} is missing): start one with `{_command()} new FOLDER`, "
                           f"or build one elsewhere with `{_command()} --root FOLDER`"), file=sys.stderr)
            return 1
        for error in exc.errors:
            print(*error.lines(), sep="\n", file=sys.stderr)
        strict = " (warnings count as errors with --strict)" if args.strict else ""
        name = os.path.basename(os.path.abspath(out)) or str(out).rstrip("/")
        kept = f"{name}/ was left as it was" if os.path.lexists(out) else f"{name}/ was not written"
        print(one_line(f"build failed: {len(exc.errors)} error(s){strict}; {kept}"), file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if result.unchanged:
        print(f"built {result.pages} pages (nothing changed) in {elapsed:.2f}s")
    else:
        # "reused": kept from the previous build's site/ as they were (what a cached site/ saves).
        reused = result.pages - result.rendered
        print(f"built {result.pages} pages ({result.rendered} rendered, {reused} reused, {result.written} written) in {elapsed:.2f}s")
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


def _not_a_project(root: Path) -> bool:
    """A folder with neither a site file nor content: not a project, most likely an empty folder."""
    from explainer.content.files import CONTENT_DIR, SITE_FILE

    return not (root / SITE_FILE).exists() and not (root / CONTENT_DIR).exists()


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
    from explainer.content.parse import RawDoc, parse_site

    raw = read_site_file(root, [])
    doc = parse_site(SITE_FILE, raw) if raw is not None else None
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
    from explainer.importer.sources import ReadFailed, read, to_article
    from explainer.importer.structure import ImportFailed, import_article, write_scaffold
    from explainer.content.files import schema_reference

    address = re.match(r"https?://", args.path, re.I) is not None
    try:
        source = read(args.path, args.format, args.timeout)
        if source.archieml:
            return _import_archieml(args, source)
        article = to_article(source)
        made_from = args.path if address else _in_project(args.root, Path(args.path))
        # The clock is read here, at the edge; the importer itself is given the date.
        scaffold = import_article(article, origin=made_from or Path(args.path).name, today=dt.date.today(), published=args.published, made_from=made_from,
                                  slug=args.slug, schema=schema_reference(args.root, "explainer"), site_language=_site_language(args.root),
                                  language=args.language)
        out, where = _write_import(args, scaffold.slug, ".yaml", scaffold.yaml, write_scaffold)
    except (ImportFailed, ReadFailed) as exc:
        print(one_line(f"import failed: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(one_line(f"import failed: {_cannot_write(exc)}"), file=sys.stderr)
        return 1
    print(f"imported {args.path if address else _shown(Path(args.path))} ({article.format}) into {where}", file=out)
    for line in scaffold.report.lines():
        print(line, file=out)
    checkable = made_from and not address
    print("an editor must check every field before publishing" + (f"; `{_command()} check` compares it with the article" if checkable else ""), file=out)
    return 0


def _write_import(args: argparse.Namespace, slug: str, suffix: str, text: str, write: Callable[[Path, str, bool], None]) -> tuple[Any, str]:
    """Write an imported explainer where -o says (standard output for '-'), else content/<slug><suffix>;
    the stream to report on, and where it went."""
    if args.output == "-":
        sys.stdout.write(text)
        return sys.stderr, "standard output"
    if args.output:
        target = Path(args.output)
    else:
        target = args.root / "content" / f"{slug}{suffix}"
        if target.parent.exists() and not target.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder; explainers go in a folder named content, or pass -o FILE", str(target.parent))
        target.parent.mkdir(exist_ok=True)
    try:
        write(target, text, args.force)
    except OSError as exc:  # named by the file it was to be, not by the temporary file written first
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    return sys.stdout, _shown(target)


def _cannot_write(exc: OSError) -> str:
    """Why an imported explainer could not be written, and what to do."""
    where = _shown(Path(os.fsdecode(exc.filename))) if exc.filename else "the explainer"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {where}: {exc.strerror}; let the user who imports write there, or pass -o FILE (nothing was written)"
    return f"cannot write {where}: {exc.strerror or exc} (nothing was written)"


def _import_archieml(args: argparse.Namespace, source: Any) -> int:
    """A Google Doc (or file) written as an explainer in ArchieML: checked as a build would, and
    written as it stands to content/<slug>.aml."""
    from explainer.importer.sources import archieml_explainer
    from explainer.importer.structure import write_scaffold

    doc = archieml_explainer(source)
    if isinstance(doc, list):
        for error in doc:
            print(*error.lines(), sep="\n", file=sys.stderr)
        print(one_line(f"import failed: {len(doc)} error(s) in {source.name}; fix them in the document and import it again (nothing was written)"),
              file=sys.stderr)
        return 1
    out, where = _write_import(args, doc.data["slug"], ".aml", source.text, write_scaffold)
    print(one_line(f"imported {source.name} (an explainer in ArchieML) into {where}"), file=out)
    print(f"  sections: {len(doc.data['sections'])}", file=out)
    for note in doc.notes:
        print(f"  {note}", file=out)
    print(f"it builds as written; to change it, edit the document and import it again (--force replaces {where})", file=out)
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

    line, reachable = requirement(installed_from())
    written = _writing("new", lambda: make_project(args.folder, dt.date.today(), line), ProjectExists)
    if written is None:
        return 1
    print(f"made a new project in {_shown(args.folder)}:")
    for path in written:
        print(f"  {path}")
    if not reachable:
        print("note: this copy of the generator was installed from a folder on this computer, which GitHub cannot reach (a Git "
              "checkout is reached at its commit once that commit is pushed to its origin and nothing in it is changed), and the "
              "package index has no generator of this name: before publishing, write in requirements.txt where your newsroom "
              f"installs it from (explainer @ git+https://github.com/<owner>/<repo>@v{version()}); until then the publishing "
              "workflow stops at its first step and says so")
    print("its editing page is published at <address>/admin/ once site.yaml names your GitHub repository (editing: repo); "
          "README.md says how to sign in")
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
    from explainer.scaffold.schema import SchemaRefused, write_schemas

    written = _writing("schema", lambda: write_schemas(args.root), SchemaRefused)
    if written is None:
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    from explainer.scaffold.convert import ConvertFailed, convert, read_explainer, target_for, write_converted
    from explainer.content.files import schema_reference

    try:
        doc = read_explainer(args.path)
        text = convert(doc, args.to, schema_reference(args.root, "explainer"))
        if args.output == "-":
            sys.stdout.write(text)
            return 0
        target = Path(args.output) if args.output else target_for(args.path, args.to)
        write_converted(target, text, args.force)
    except ConvertFailed as exc:
        print(str(exc) if "\n" in str(exc) or ": (" in str(exc) else one_line(f"convert failed: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(one_line(f"convert failed: cannot write {exc.filename}: {exc.strerror or exc}"), file=sys.stderr)
        return 1
    print(f"converted {_shown(args.path)} into {_shown(target)}")
    if target.parent.resolve() == args.path.parent.resolve():
        print(f"both files name the slug {doc.data['slug']!r}, and two files with one slug do not build: keep one "
              f"(delete {_shown(args.path)} once you have checked {_shown(target)})")
    return 0


COMMANDS = {"build": run_build, "serve": run_serve, "import": run_import, "check": run_check, "new": run_new, "theme": run_theme, "schema": run_schema,
            "convert": run_convert}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # No command means build, so `python build.py --base-url ...` works as users expect.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        # The reader stopped early (`import -o - | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"{args.command}: stopped", file=sys.stderr)
        return 130
    except Exception as exc:  # the one boundary: whatever a command did not foresee ends in one line, never a traceback
        if os.environ.get("EXPLAINER_TRACEBACK"):
            raise
        print(one_line(f"{args.command} failed: {unforeseen(exc)}"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
