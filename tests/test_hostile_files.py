"""Hostile files and folders: every odd state of the file system a user can put a project or its
output in ends in one line naming the file, what happened and what to do, with exit status 1, the
previous site as it was, and no hang; once the state is undone the next build succeeds.

Each state is made after a good build, as a non-root user where permissions matter (root
without the capabilities that let it ignore them), and the large file under a memory limit."""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import socket
import stat
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO, cli, make_project, minimal_explainer, override, tree
from PIL import Image

from explainer.pipeline import build

# Root as a newsroom's user is: stopped by permissions like anyone else.
AS_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
MEMORY_LIMIT = 1 << 30  # a gigabyte of address space: the 3 GB file below cannot be read whole


def _memory_limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass(frozen=True)
class State:
    make: Callable[[Path], Callable[[], None]]  # makes the state in a project; returns how to undo it
    line: str  # the one line the build prints, as a regular expression
    as_user: bool = False
    memory_limit: bool = False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def _replace(relative: str | bytes, make: Callable[[Path], object]) -> Callable[[Path], Callable[[], None]]:
    """A state made by putting something odd at a path of the project (what was there is kept aside)."""
    def state(root: Path) -> Callable[[], None]:
        path = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(relative))))
        kept = root.parent / "kept-aside"
        if os.path.lexists(path):
            shutil.move(path, kept)
        path.parent.mkdir(parents=True, exist_ok=True)
        made = make(path)

        def undo() -> None:
            if callable(getattr(made, "close", None)):
                made.close()
            _remove(path)
            if os.path.lexists(kept):
                shutil.move(kept, path)
        return undo
    return state


def _bind_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def _sparse(path: Path) -> None:
    with open(path, "wb") as stream:
        stream.truncate(3 << 30)  # 3 GB that take no disk


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _chmod(relative: str) -> Callable[[Path], Callable[[], None]]:
    def state(root: Path) -> Callable[[], None]:
        path = root / relative
        old = path.stat().st_mode
        path.chmod(0)
        return lambda: path.chmod(old)
    return state


def _logo(make: Callable[[Path], object]) -> Callable[[Path], Callable[[], None]]:
    def state(root: Path) -> Callable[[], None]:
        site = root / "site.yaml"
        text = site.read_text("utf-8")
        site.write_text(text + "brand:\n  logo: logo.png\n", "utf-8")
        undo_logo = _replace("logo.png", make)(root)
        return lambda: (undo_logo(), site.write_text(text, "utf-8"))
    return state


def _picture(make: Callable[[Path], object], src: str = "images/lead.jpg") -> Callable[[Path], Callable[[], None]]:
    """A state made by giving the explainer a lead picture, at src, made by make."""
    def state(root: Path) -> Callable[[], None]:
        content = root / "content" / "a.yaml"
        text = content.read_text("utf-8")
        content.write_text(text.replace("published:", f"image: {{src: {src}, alt: The river at dusk}}\npublished:", 1), "utf-8")
        undo_picture = _replace(src, make)(root)
        return lambda: (undo_picture(), shutil.rmtree(root / Path(src).parts[0]), content.write_text(text, "utf-8"))
    return state


def _huge_png(path: Path) -> None:
    # 400 million pixels of one bit each: 48 KB on disk, gigabytes once decoded.
    Image.new("1", (20_000, 20_000)).save(path)


def _truncated_jpeg(path: Path) -> None:
    out = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(out, format="JPEG", quality=90)
    path.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])


def _linked_outside(path: Path) -> None:
    # A real picture, but outside the project: the link that names it leads out.
    outside = path.parents[2] / "elsewhere.png"
    Image.new("RGB", (64, 64), "#336699").save(outside)
    path.symlink_to(outside)


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>\n'
HTML_PAGE = b"<!doctype html>\n<html><head><title>Not found</title></head><body>Sorry</body></html>\n"
PICTURE_LINE = r"content/a\.yaml:4:14: image\.src: '{src}' "

def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width by height pixels, with almost no pixel data behind it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b"")


def _gif_claiming(width: int, height: int) -> bytes:
    """A GIF whose screen and one frame claim width by height pixels."""
    size = struct.pack("<HH", width, height)
    return b"GIF89a" + size + b"\x00\x00\x00" + b",\x00\x00\x00\x00" + size + b"\x00\x02\x02D\x01\x00;"


def _jpeg_cut_short() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 100), "red").save(out, "JPEG")
    return out.getvalue()[:out.tell() // 2]


CANNOT_READ = r"cannot be read: permission denied; let the user who builds read it \(chmod a\+r\), or run the build as its owner$"
NOT_A_FILE = r"not a file; put a regular file here, or remove it$"

FIFO = os.mkfifo
DEVICE = lambda path: os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
FILE = _bytes(minimal_explainer("odd").encode())

STATES = {
    "fifo-content-file": State(_replace("content/p.yaml", FIFO), r"content/p\.yaml:1:1: \(file\): is a named pipe \(FIFO\), " + NOT_A_FILE),
    "socket-content-file": State(_replace("content/s.yaml", _bind_socket), r"content/s\.yaml:1:1: \(file\): is a socket, " + NOT_A_FILE),
    "device-content-file": State(_replace("content/d.yaml", DEVICE), r"content/d\.yaml:1:1: \(file\): is a device, " + NOT_A_FILE),
    "folder-named-yaml": State(_replace("content/x.yaml", Path.mkdir), r"content/x\.yaml:1:1: \(file\): is a folder, " + NOT_A_FILE),
    "sparse-3gb-file": State(_replace("content/big.yaml", _sparse), r"content/big\.yaml:1:1: \(file\): is larger than 2,000,000 bytes; split it, or take out what the page does not show$", memory_limit=True),
    "content-links-to-root": State(_replace("content", lambda path: path.symlink_to("/")), r"content:1:1: \(file\): is a link to a folder outside the project; copy it in instead$"),
    "link-loop": State(_replace("content/loop.yaml", lambda path: path.symlink_to("loop.yaml")), r"content/loop\.yaml:1:1: \(file\): is a link that leads back to itself; point it at a file, or put the file itself here$"),
    "dangling-link": State(_replace("content/gone.yaml", lambda path: path.symlink_to("nowhere.yaml")), r"content/gone\.yaml:1:1: \(file\): is a link to a file that does not exist; point it at a file, or remove it$"),
    "non-utf8-name": State(_replace(b"content/caf\xe9.yaml", FILE), r"content/caf\\xe9\.yaml:1:1: \(file\): its name is not UTF-8 text; rename the file$"),
    "newline-in-name": State(_replace("content/a\nb: forged line.yaml", FILE), r"content/a\\x0ab\\x3a forged line\.yaml:1:1: \(file\): its name holds a line break or another control character; rename the file$"),
    "escape-in-name": State(_replace("content/\x1b[31mred.yaml", FILE), r"content/\\x1b\[31mred\.yaml:1:1: \(file\): its name holds a line break or another control character; rename the file$"),
    "unreadable-content-file": State(_chmod("content/a.yaml"), r"content/a\.yaml:1:1: \(file\): " + CANNOT_READ, as_user=True),
    "unreadable-content-folder": State(_chmod("content"), r"content:1:1: \(folder\): " + CANNOT_READ.replace("a\\+r", "a\\+rx"), as_user=True),
    "content-is-a-file": State(_replace("content", _bytes(b"not a folder\n")), r"content:1:1: \(folder\): is a file, not a folder; explainers go in a folder named content, as content/<slug>\.yaml$"),
    "fifo-site-file": State(_replace("site.yaml", FIFO), r"site\.yaml:1:1: \(file\): is a named pipe \(FIFO\), " + NOT_A_FILE),
    "unreadable-site-file": State(_chmod("site.yaml"), r"site\.yaml:1:1: \(file\): " + CANNOT_READ, as_user=True),
    "unreadable-template": State(_chmod("templates/_partials/footer.html"), r"templates/_partials/footer\.html:1:1: \(file\): " + CANNOT_READ, as_user=True),
    "unreadable-template-folder": State(_chmod("templates/_partials"), r"templates/_partials:1:1: \(folder\): " + CANNOT_READ.replace("a\\+r", "a\\+rx"), as_user=True),
    "fifo-template": State(_replace("templates/_partials/footer.html", FIFO), r"templates/_partials/footer\.html:1:1: \(file\): is a named pipe \(FIFO\), " + NOT_A_FILE),
    "non-utf8-template": State(_replace("templates/_partials/footer.html", _bytes(b"<footer>caf\xe9</footer>\n")), r"templates/_partials/footer\.html:1:12: \(file\): not UTF-8 text; save the file as UTF-8$"),
    "newline-in-template-name": State(_replace("templates/a\nb.html", _bytes(b"x")), r"templates/a\\x0ab\.html:1:1: \(file\): its name holds a line break or another control character; rename the file$"),
    "fifo-logo": State(_logo(FIFO), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' is a named pipe \(FIFO\), " + NOT_A_FILE),
    "picture-of-400-million-pixels": State(_picture(_huge_png, "images/huge.png"), PICTURE_LINE.format(src=r"images/huge\.png") +
                                           r"is 20,000 by 20,000 pixels \(400 million\); a picture may have at most 60 million: make it smaller \(pages show it at most 1,440 pixels wide\)$", memory_limit=True),
    "truncated-jpeg": State(_picture(_truncated_jpeg), PICTURE_LINE.format(src=r"images/lead\.jpg") + r"cannot be read as a picture: it ends before the picture does; export or download it again$"),
    "svg-named-png": State(_picture(_bytes(SVG), "images/chart.png"), PICTURE_LINE.format(src=r"images/chart\.png") +
                           r"is an SVG drawing, which can hold script: export it as a PNG \(or, for a photograph, a JPEG\) and name that file$"),
    "html-named-jpg": State(_picture(_bytes(HTML_PAGE)), PICTURE_LINE.format(src=r"images/lead\.jpg") +
                            r"is not a picture a page can show \(it holds an HTML page\): its bytes are not a JPEG, PNG, WebP, GIF or AVIF image, whatever its name says; save it as one$"),
    "picture-linked-out-of-the-project": State(_picture(_linked_outside, "images/lead.png"), PICTURE_LINE.format(src=r"images/lead\.png") +
                                               r"is outside the project \(a link leads out of it\); copy the picture into the project$"),
    "fifo-picture": State(_picture(FIFO), PICTURE_LINE.format(src=r"images/lead\.jpg") + r"is a named pipe \(FIFO\), " + NOT_A_FILE),
    # Pillow's own bomb guard (an error past 179 million pixels, a warning past 89 million) and the logo's limit alike.
    "logo-png-claiming-3.6-billion-pixels": State(_logo(_bytes(_png_claiming(60_000, 60_000))), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' says it is larger than 40,000,000 pixels; a logo needs far fewer$"),
    "logo-gif-claiming-3.6-billion-pixels": State(_logo(_bytes(_gif_claiming(60_000, 60_000))), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' says it is larger than 40,000,000 pixels; a logo needs far fewer$"),
    "logo-png-claiming-100-million-pixels": State(_logo(_bytes(_png_claiming(10_000, 10_000))), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' says it is larger than 40,000,000 pixels; a logo needs far fewer$"),
    "logo-png-claiming-more-than-it-holds": State(_logo(_bytes(_png_claiming(6_000, 6_000))), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' is cut short or damaged, and cannot be drawn: save it again as a PNG, JPEG, WebP or GIF$"),
    "logo-jpeg-cut-short": State(_logo(_bytes(_jpeg_cut_short())), r"site\.yaml:\d+:\d+: brand\.logo: 'logo\.png' is cut short or damaged, and cannot be drawn: save it again as a PNG, JPEG, WebP or GIF$"),
    "unreadable-build-record": State(_chmod("site/.explainer-site"), r"site:1:1: \(output\): site/\.explainer-site, left by the last build, " + CANNOT_READ, as_user=True),
    "unreadable-output-folder": State(_chmod("site"), r"site:1:1: \(output\): cannot write /\S+/project/site: Permission denied; let the user who builds write there, or build elsewhere with --out; the previous site is unchanged$", as_user=True),
}


# --- the records a build leaves in site/, read only as regular files of a bounded size ----------

def _edited(make: Callable[[Path], Callable[[], None]]) -> Callable[[Path], Callable[[], None]]:
    """A state made after an edit to the explainer, so that the build reads its folder's record."""
    def state(root: Path) -> Callable[[], None]:
        source = root / "content" / "a.yaml"
        text = source.read_text("utf-8")
        source.write_text(minimal_explainer("a", answer="Edited."), "utf-8")
        undo = make(root)
        return lambda: (undo(), source.write_text(text, "utf-8"))
    return state


def _record(name: str) -> str:
    return rf"site:1:1: \(output\): site/{re.escape(name)}, left by the last build, "


RECORD_NOT_A_FILE = r"is a named pipe \(FIFO\), not a file; remove it and build again$"
STATES |= {
    "fifo-build-record": State(_replace("site/.explainer-site", FIFO), _record(".explainer-site") + RECORD_NOT_A_FILE),
    "fifo-stamps-record": State(_replace("site/.explainer-stamps", FIFO), _record(".explainer-stamps") + RECORD_NOT_A_FILE),
    "fifo-group-record": State(_edited(_replace("site/a/.explainer-group", FIFO)), _record("a/.explainer-group") + RECORD_NOT_A_FILE),
    # A name that holds what reads as a location: its colons are written \x3a in the file field.
    "location-in-a-file-name": State(_replace("content/x:1:1: y.yaml", FIFO), r"content/x\\x3a1\\x3a1\\x3a y\.yaml:1:1: \(file\): is a named pipe \(FIFO\), " + NOT_A_FILE),
    "sparse-2gb-group-record": State(_edited(_replace("site/a/.explainer-group", _sparse)),
                                     _record("a/.explainer-group") + r"is larger than 100,000,000 bytes, which no build writes; remove it and build again$",
                                     memory_limit=True),
}

@pytest.mark.subprocess
@pytest.mark.parametrize("name", sorted(STATES))
def test_a_hostile_file_system_state_ends_in_one_line_and_leaves_the_site(tmp_path, name):
    state = STATES[name]
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a")})
    override(root, "_partials/footer.html")
    build(root)
    before = tree(root / "site")
    project_before = sorted(os.listdir(root))

    undo = state.make(root)
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root)]
    try:
        result = subprocess.run([*AS_USER, *command] if state.as_user else command, capture_output=True, text=True, timeout=60,
                                preexec_fn=_memory_limit if state.memory_limit else None, errors="backslashreplace")
    finally:
        if undo is not None:
            undo()

    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 2 and re.fullmatch(state.line, lines[0]), result.stderr
    assert lines[1] == "build failed: 1 error(s); site/ was left as it was"
    assert tree(root / "site") == before
    assert sorted(os.listdir(root)) == project_before  # nothing written beside the site

    # Undone, the next build succeeds.
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Built again."), "utf-8")
    build(root)
    assert "Built again." in (root / "site" / "a" / "index.html").read_text("utf-8")


@pytest.mark.subprocess
def test_an_output_folder_whose_name_holds_a_line_break_is_named_on_one_line(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "content").mkdir()  # and no site file: the build fails
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--out", str(tmp_path / "out\nbuild failed: forged")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "build failed: 1 error(s); out\\x0abuild failed: forged/ was not written"
    assert [line for line in result.stderr.splitlines() if line.startswith("build failed")] == [result.stderr.splitlines()[-1]]


# --- edge arguments: each ends in one line and exit status 1, the site as it was -----------------

def _nested(folder: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / folder).mkdir(exist_ok=True)
        fd = os.open(root / folder, os.O_RDONLY)
        for _ in range(990):  # deeper than the interpreter's stack could walk, made one by one for that reason
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(fd)
    return make


def _remove_deep(path: Path) -> None:
    """Remove a folder however deep it nests, walking it with a list rather than the stack."""
    if not path.is_dir():
        _remove(path)
        return
    folders, stack = [], [str(path)]
    while stack:
        folder = stack.pop()
        folders.append(folder)
        for entry in os.scandir(folder):
            stack.append(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


def _link_loop(root: Path) -> None:
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")


@dataclass(frozen=True)
class Edge:
    args: tuple[str, ...]  # after the command's name; {root} is the project
    line: str  # the line printed, as a regular expression
    make: Callable[[Path], None] | None = None
    build: bool = True  # a build, which says on a second line that the site was left as it was


LONG = "x" * 300
EDGES = {
    "out-dot": Edge(("--out", "."), r"\.:1:1: \(output\): holds the project itself, and a build replaces its output folder whole: pass a folder of its own, like site, with --out$"),
    "out-empty": Edge(("--out", ""), r"\.:1:1: \(output\): holds the project itself, .*$"),
    "out-dot-slash": Edge(("--out", "./"), r"\.:1:1: \(output\): holds the project itself, .*$"),
    "out-root": Edge(("--out", "/"), r"/:1:1: \(output\): is the root of the file system, which a build would replace: pass a folder of its own with --out$"),
    "out-link-loop": Edge(("--out", "loop-a"), r"loop-a:1:1: \(output\): is a link that leads back to itself; pass a folder with --out$", _link_loop),
    "out-300-characters": Edge(("--out", LONG), rf"{LONG}:1:1: \(output\): the name is too long for the file system \(File name too long\); pass a shorter --out$"),
    "out-no-room-beside": Edge(("--out", "y" * 240), r"y{240}:1:1: \(output\): the folder's name is 240 bytes long, and a build needs room beside it for a name "
                               r"24 bytes longer: pass a folder whose name is at most 231 bytes with --out$"),
    "content-nested-990-deep": Edge((), r"content:1:1: \(folder\): holds folders nested more than 32 deep, which no project needs; .*$", _nested("content")),
    "templates-nested-990-deep": Edge((), r"templates:1:1: \(folder\): holds folders nested more than 32 deep, which no project needs; .*$", _nested("templates")),
    "serve-port-99999": Edge(("serve", "--port", "99999"), r"serve failed: --port 99999 is not a port: pass one from 1 to 65535, or 0 to pick a free one$", build=False),
    "serve-host-that-does-not-resolve": Edge(("serve", "--host", "nosuch.invalid", "--port", "0"),
                                             r"serve failed: --host 'nosuch\.invalid' is not a name or address this computer can find: .*$", build=False),
    "schema-folder-is-a-file": Edge(("schema",), r"schema failed: 'schema' in the project is a file, not a folder: move it away, and run schema again to make the folder$",
                                    lambda root: (root / "schema").write_text("not a folder\n"), build=False),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_an_edge_argument_ends_in_one_line_and_exit_status_1(tmp_path, name):
    edge = EDGES[name]
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a")})
    build(root)
    before = tree(root / "site")
    if edge.make:
        edge.make(root)
    args = [*edge.args[:1], "--root", str(root), *edge.args[1:]] if edge.args[:1] in (("serve",), ("schema",)) else ["--root", str(root), *edge.args]
    result = cli(*args, cwd=root)

    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert re.fullmatch(edge.line, lines[0]), result.stderr
    assert len(lines) == 1 + edge.build and (not edge.build or re.fullmatch(r"build failed: 1 error\(s\); \S*/ was (left as it was|not written)", lines[1])), result.stderr
    assert tree(root / "site") == before
    # Once the state is undone, the next build succeeds.
    for folder in ("content/d", "templates", "schema"):
        _remove_deep(root / folder)
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Built again."), "utf-8")
    build(root)
    assert "Built again." in (root / "site" / "a" / "index.html").read_text("utf-8")


def test_whatever_a_command_did_not_foresee_ends_in_one_line_not_a_traceback(make_site, monkeypatch):
    from explainer import cli as command_line

    def unforeseen(args):  # type: ignore[no-untyped-def]
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(command_line.COMMANDS, "schema", unforeseen)
    result = cli("schema", "--root", str(make_site({"a.yaml": minimal_explainer("a")})))
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["schema failed: RecursionError: maximum recursion depth exceeded. This is a fault in the generator, not in your "
                                          "project: please report it with the command you ran (set EXPLAINER_TRACEBACK=1 to see where it happened)"]
