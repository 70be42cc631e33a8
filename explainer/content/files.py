"""Reading a project's files: each judged before it is read (regular, bounded, inside the project,
a name that prints on one line), and the scan that digests every input so a build can tell what
changed without parsing anything."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explainer.content.brand import LOGO_MAX_BYTES
from explainer.content.cms import MEDIA_FOLDER
from explainer.content.parse import _SURROGATE, ARCHIEML_SUFFIX, MAX_FILE_BYTES, RawDoc, parse_site
from explainer.core.paths import template_folders
from explainer.errors import ContentError, line_column, text_position, unprintable

# An article an explainer is made from, or is imported from: a saved news page may be large.
ARTICLE_MAX_BYTES = 50_000_000
# A picture an explainer shows (content/pictures.py judges it): a camera's largest JPEG is smaller.
PICTURE_MAX_BYTES = 30_000_000

SITE_FILE = "site.yaml"
CONTENT_DIR = "content"


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words: 'a folder', 'a named pipe (FIFO)'..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def unreadable(path: Path, exc: OSError, *, folder: bool = False) -> str:
    """What happened and what to do, for a file (or a folder, which must also be entered) that
    could not be read."""
    if exc.errno == errno.ELOOP:
        return "is a link that leads back to itself; point it at a file, or put the file itself here"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "is a link to a file that does not exist; point it at a file, or remove it"
    if exc.errno == errno.ENOENT:
        return "was removed while the build was reading it; build again"
    if exc.errno == errno.ENAMETOOLONG:
        return "has a name longer than the file system allows (255 bytes for each part of a path); rename it"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot be read: permission denied; let the user who builds read it (chmod a+r{'x' if folder else ''}), or run the build as its owner"
    return f"cannot be read ({exc.strerror or exc}); check the file and build again"


def read_file(root: Path, relative: str, limit: int = MAX_FILE_BYTES, too_large: str = "split it, or take out what the page does not show") -> bytes | ContentError:
    """A project file's bytes, given its path below root. The file is judged before it is read:
    only a regular file is opened (never a pipe, device or socket, which could hang the build or
    never end), its size comes from stat, and no more than `limit` bytes are ever read, whatever
    the file grows to meanwhile. Anything else is an error naming the file."""
    path = root / relative

    def error(message: str) -> ContentError:
        return ContentError(relative, 1, 1, "(file)", message)

    too_large = f"is larger than {limit:,} bytes; {too_large}"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return error(f"is {file_kind(info.st_mode)}, not a file; put a regular file here, or remove it")
        if info.st_size > limit:
            return error(too_large)
        # O_NONBLOCK: were the file swapped for a pipe since the stat, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return error("was replaced by something that is not a file while the build read it; build again")
            data = stream.read(limit + 1)
    except OSError as exc:
        return error(unreadable(path, exc))
    return error(too_large) if len(data) > limit else data


def name_problem(name: str) -> str | None:
    """Why a file name cannot be a content file's, if it cannot: one that is not UTF-8 text, or
    that holds a line break or other control character, would be garbled or split a line of the
    build's output."""
    if _SURROGATE.search(name):
        return "its name is not UTF-8 text; rename the file"
    if unprintable(name):
        return "its name holds a line break or another control character; rename the file"
    return None


def _realpath(path: Path) -> Path:
    # os.path.realpath, unlike Path.resolve in Python 3.11, stops at a link loop instead of raising.
    return Path(os.path.realpath(path))


# How deep folders may nest in content/ or templates/: a newsroom keeps a desk's or a year's
# explainers in a folder of their own, a few levels at most; far deeper, walking them would
# exhaust the interpreter's stack.
FOLDER_DEPTH = 32


class TooDeep(Exception):
    """Folders nested deeper than FOLDER_DEPTH."""


def _links(folder: Path, depth: int = 0) -> Iterator[Path]:
    """Every symbolic link under folder, not following any: the folder's own entries say which
    they are, so this costs no call per file. TooDeep past FOLDER_DEPTH levels."""
    if depth > FOLDER_DEPTH:
        raise TooDeep
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            yield Path(entry.path)
        elif entry.is_dir(follow_symlinks=False):
            yield from _links(Path(entry.path), depth + 1)


def outside_links(root: Path, folders: tuple[str, ...] = (CONTENT_DIR, "templates", SITE_FILE)) -> list[ContentError]:
    """Links in content/ or templates/ (or the site file) that lead outside the project: refused,
    so a build never reads, and a page never publishes, a file from elsewhere on the machine. A
    folder that is itself such a link is refused before anything looks inside it; so is one
    whose folders nest deeper than FOLDER_DEPTH, before anything else walks it."""
    top = _realpath(root)
    errors = []

    def outside(path: Path) -> bool:
        return not _realpath(path).is_relative_to(top)

    for name in folders:
        start = root / name
        if start.is_symlink() and outside(start):
            errors.append(ContentError(name, 1, 1, "(file)", f"is a link to {'a folder' if start.is_dir() else 'a file'} outside the project; copy it in instead"))
            continue
        try:
            links = sorted(_links(start)) if start.is_dir() else []
        except TooDeep:
            errors.append(ContentError(name, 1, 1, "(folder)", f"holds folders nested more than {FOLDER_DEPTH} deep, which no project needs; "
                                       "keep explainers and templates at most a few folders down"))
            continue
        for path in links:
            if outside(path):
                errors.append(ContentError(path.relative_to(root).as_posix(), 1, 1, "(file)", "is a link to a file outside the project; copy the file in instead"))
    return errors


def schema_reference(root: Path, name: str) -> str:
    """What a content file's yaml-language-server line names: the project's own copy of the
    schema (schema/, as `new` and `schema` write it), or, in the generator's own checkout, the
    package's. Relative to content/."""
    for folder in ("schema", "explainer/schema"):
        if (root / folder / f"{name}.schema.json").is_file():
            return f"../{folder}/{name}.schema.json"
    return f"../schema/{name}.schema.json"


def read_logo(root: Path, doc: RawDoc) -> bytes | ContentError | None:
    """The bytes of the logo the site file names, if it names one; an error at its line when
    the file is missing, is not a file, or lies outside the project."""
    logo = doc.data.get("brand", {}).get("logo") if isinstance(doc.data, dict) and isinstance(doc.data.get("brand"), dict) else None
    if not isinstance(logo, str):
        return None
    node = doc.node
    for key in ("brand", "logo"):
        node = next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == key), node)
    line, column = line_column(node.start_mark)
    if not _realpath(root / logo).is_relative_to(_realpath(root)):
        return ContentError(doc.path, line, column, "brand.logo", f"{logo!r} is outside the project; copy the file into it")
    if not (root / logo).exists() and not (root / logo).is_symlink():
        return ContentError(doc.path, line, column, "brand.logo", f"{logo!r}: no such file in the project")
    raw = read_file(root, logo, LOGO_MAX_BYTES, "make the image smaller")
    if isinstance(raw, ContentError):
        return ContentError(doc.path, line, column, "brand.logo", f"{logo!r} {raw.message}")
    return raw


def read_site_file(root: Path, errors: list[ContentError]) -> bytes | None:
    """The site file's bytes, judged as a content file is; None, with why in errors, if it cannot be read."""
    path = root / SITE_FILE
    if not path.exists() and not path.is_symlink():
        errors.append(ContentError(SITE_FILE, 1, 1, "(file)", "missing: the site file names the site, its base_url, language and publisher"))
        return None
    raw = read_file(root, SITE_FILE)
    if isinstance(raw, ContentError):
        errors.append(raw)
        return None
    return raw


# What a content file may be: YAML (either extension) or ArchieML, a Google Doc's text.
CONTENT_SUFFIXES = (".yaml", ".yml", ARCHIEML_SUFFIX)


def _is_content(name: str) -> bool:
    """A content file's name: hidden files and editors' backups (`.a.yaml.swp`, `a.yaml~`) are not."""
    return name.endswith(CONTENT_SUFFIXES) and not name.startswith(".")


# Files in content/ that are not explainers and are there on purpose, passed over without a word:
# pictures (an explainer may show one kept beside it), whatever the editing page uploads (its media
# folder), a README or licence for the folder, editors' backups and swap files, and the files
# operating systems leave in folders. (Hidden files are passed over too.) Any other file the build
# does not read gets a warning: an explainer saved as .md, .json or .txt would otherwise vanish.
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".svg")
_BACKUP_SUFFIXES = ("~", ".swp", ".swo", ".bak", ".orig", ".tmp")
_ABOUT_THE_FOLDER = ("readme", "license", "licence")
_SYSTEM_FILES = ("thumbs.db", "desktop.ini", "icon\r")
NOT_READ = f"not read: the build reads explainers only from {', '.join(CONTENT_SUFFIXES[:-1])} and {CONTENT_SUFFIXES[-1]} files; rename it if it is one, or move it out of content/"


def _passed_over(relative: str) -> bool:
    """Whether a file in content/ that is not an explainer is there on purpose (see above)."""
    name = relative.rsplit("/", 1)[-1].lower()
    return (f"{CONTENT_DIR}/{relative}".startswith(f"{MEDIA_FOLDER}/") or name.endswith(_PICTURE_SUFFIXES + _BACKUP_SUFFIXES) or name in _SYSTEM_FILES
            or name.split(".", 1)[0] in _ABOUT_THE_FOLDER or (name.startswith("#") and name.endswith("#")))


def _walk_content(found: list[os.DirEntry[str]], prefix: str, errors: list[ContentError], unread: list[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every content file among a folder's entries, as (path below content/, entry), sub-folders
    included: a newsroom may keep each desk's or year's explainers in a folder of their own.
    Hidden folders are passed over, and so are links to folders (which could lead back into
    themselves); any other file not read, not there on purpose, is added to `unread`."""
    for entry in sorted(found, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False) and not _is_content(entry.name):  # a folder named x.yaml is refused as one
            try:
                inside = list(os.scandir(entry.path))
            except OSError as exc:
                errors.append(ContentError(f"{CONTENT_DIR}/{prefix}{entry.name}", 1, 1, "(folder)", unreadable(Path(entry.path), exc, folder=True)))
                continue
            yield from _walk_content(inside, f"{prefix}{entry.name}/", errors, unread)
        elif _is_content(entry.name):
            yield f"{prefix}{entry.name}", entry
        elif not entry.is_dir() and not _passed_over(prefix + entry.name):
            unread.append(prefix + entry.name)


def _explainer_entries(root: Path, errors: list[ContentError], notices: list[ContentError]) -> list[tuple[str, os.DirEntry[str]]]:
    """content/**/*.yaml, *.yml and *.aml, as (display path, entry), sorted by path so every build
    reads files in the same order and output is byte-identical; none is an error, and so is a
    name no file of content may have. Each other file the build does not read is a warning (notices)."""
    content = root / CONTENT_DIR
    try:
        found = list(os.scandir(content))
    except FileNotFoundError:
        found = []
    except NotADirectoryError:
        errors.append(ContentError(CONTENT_DIR, 1, 1, "(folder)", "is a file, not a folder; explainers go in a folder named content, as content/<slug>.yaml"))
        return []
    except OSError as exc:
        errors.append(ContentError(CONTENT_DIR, 1, 1, "(folder)", unreadable(content, exc, folder=True)))
        return []
    entries, unread = [], []
    for relative, entry in sorted(_walk_content(found, "", errors, unread), key=lambda pair: pair[0]):
        shown = f"{CONTENT_DIR}/{relative}"
        problem = name_problem(relative)
        if problem:
            errors.append(ContentError(shown, 1, 1, "(file)", problem))
        else:
            entries.append((shown, entry))
    notices.extend(ContentError(f"{CONTENT_DIR}/{relative}", 1, 1, "(file)", NOT_READ, warning=True) for relative in sorted(unread))
    if not entries and not errors:
        errors.append(ContentError(CONTENT_DIR, 1, 1, "(folder)", "no explainers found: add content/<slug>.yaml (or .aml, written in ArchieML)"))
    return entries


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a build reads before deciding what to parse: the site file (its bytes, parsed, and the
    logo it names) and digests of the templates and of each explainer file. The explainers' bytes
    are not kept, so a large site is never held whole."""

    site: bytes | None
    templates: str  # digest of every file in templates/, names and bytes
    explainers: dict[str, str]  # display path -> sha256 of its bytes, sorted by path
    logo: str  # digest of the logo file the site file names ("" for none): every page shows it
    # Files that gave warnings when a build last read them (or, not read yet, may give some:
    # may_warn), which every build reads again to warn again.
    unplaced: frozenset[str]
    errors: tuple[ContentError, ...]
    site_doc: RawDoc | list[ContentError] | None = None  # the site file parsed (or why it cannot be), once per build
    logo_bytes: bytes | ContentError | None = None  # the logo file it names, read once
    # The pictures the last build's explainers showed, each path's sha256 as it is now (a picture
    # gone or unreadable is left out): an explainer's key holds its pictures' digests.
    pictures: dict[str, str] = field(default_factory=dict)
    notices: tuple[ContentError, ...] = ()  # warnings: each file in content/ the build does not read


# What may be a broken Markdown link or image, on the bytes of a file (markdown.link_problems
# decides): a `](` whose address has no http(s)/mailto scheme, a broken `http:/`, or no `)` on its
# line; `] (`, `][` and `![`. A file whose links are all well formed matches none of these, so it
# is not read again on a build that changes nothing.
_LINK_LIKE = re.compile(rb"\]\((?!\s*(https?://[^/\s]|mailto:|[/#?.]))|\]\([^)\n]*(\n|$)|\][ \t]+\(|\]\[|!\[")


def may_warn(path: str, raw: bytes) -> bool:
    """Whether a content file no build has read yet (or whose record was lost) may give warnings,
    which every build prints: such a file is read again until a build finds it gives none (the
    record keeps nothing an explainer does not publish, warnings included). Text the importer
    could not place, what may be a broken Markdown link and, in ArchieML, text that belongs to no
    field; a repetition is found only by reading the file (Rebuild.warned)."""
    return path.endswith(ARCHIEML_SUFFIX) or b"unplaced:" in raw or _LINK_LIKE.search(raw) is not None


# What a file's bytes were last read as: (inode, size, modification time in ns) -> (digest, whether
# it warns: as a build that read it found (Rebuild.warned), else as its bytes suggest (may_warn)).
# A file whose inode, size and time are unchanged is not read again. Content files are there by
# their path (content/<name>.yaml), and so are the pictures the last build's explainers showed
# (whose names end in an image's extension, never a content file's).
Seen = dict[str, tuple[tuple[int, int, int], str, bool]]


def is_content_file(path: str) -> bool:
    """Whether a path of Seen is an explainer's file (else it is a picture's)."""
    return path.startswith(CONTENT_DIR + "/") and path.endswith(CONTENT_SUFFIXES)


# A picture's stamp when it changed too recently to be trusted: unlike a content file's, which the
# scan finds by listing content/, it must stay in the record (or the picture would be forgotten),
# and no file has inode 0, so the next scan reads it again.
UNTRUSTED_PICTURE = (0, 0, 0)


def _scan_pictures(root: Path, seen: Seen, now: int) -> dict[str, str]:
    """Each picture of Seen's current digest, read again only when its stamp moved; a picture that
    is gone or cannot be read is forgotten (the explainer that shows it is then built again, and
    says what is wrong)."""
    pictures: dict[str, str] = {}
    for path in sorted(p for p in seen if not is_content_file(p)):
        try:
            info = (root / path).stat()
        except OSError:
            del seen[path]
            continue
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        if seen[path][0] != stamp:
            raw = read_file(root, path, PICTURE_MAX_BYTES)
            if isinstance(raw, ContentError):
                del seen[path]
                continue
            seen[path] = (stamp if info.st_mtime_ns < now - RACY_NS else UNTRUSTED_PICTURE, hashlib.sha256(raw).hexdigest(), False)
        pictures[path] = seen[path][1]
    return pictures


def note_picture(seen: Seen, path: str, stamp: tuple[int, int, int], digest: str, now: int | None = None) -> None:
    """Keep a picture's digest by the stamp it had when an explainer's turn read it, for the next scan."""
    now = time.time_ns() if now is None else now
    seen[path] = (stamp if stamp[0] and stamp[2] < now - RACY_NS else UNTRUSTED_PICTURE, digest, False)

# A file changed this recently may change again within its file system's time resolution without
# its time moving: it is read again on every scan until it is older than this.
RACY_NS = 2_000_000_000

# A template larger than this is not a template.
TEMPLATE_MAX_BYTES = 1_000_000


def _own_templates(root: Path, folder: Path, errors: list[ContentError]) -> Iterator[tuple[str, bytes]]:
    """The project's own templates, each name below the folder and its bytes, judged as content
    files are (regular, readable, bounded, UTF-8, a name that prints on one line). Hidden files
    and editors' backups (`.footer.html.swp`, `footer.html~`) are not templates and are passed over."""
    def walk_error(exc: OSError) -> None:
        where = Path(exc.filename or folder)
        errors.append(ContentError(where.relative_to(root).as_posix(), 1, 1, "(folder)", unreadable(where, exc, folder=True)))

    for top, folders, files in os.walk(folder, onerror=walk_error):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith("~"):
                continue
            relative = (Path(top) / name).relative_to(root).as_posix()
            problem = name_problem(relative)
            raw = ContentError(relative, 1, 1, "(file)", problem) if problem else read_file(root, relative, TEMPLATE_MAX_BYTES, "a template is never so large")
            if isinstance(raw, bytes):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raw = ContentError(relative, *text_position(raw, exc.start), "(file)", "not UTF-8 text; save the file as UTF-8")
            if isinstance(raw, ContentError):
                errors.append(raw)
            else:
                yield Path(relative).relative_to(folder.relative_to(root)).as_posix(), raw


def templates_digest(root: Path, errors: list[ContentError]) -> str:
    """A digest of every template a build may use, the project's own and the theme's: each file's
    layer, path and bytes. What is wrong with the project's own is added to errors."""
    h = hashlib.sha256()
    folders = template_folders(root)
    for layer, folder in enumerate(folders):
        if layer < len(folders) - 1:
            files: Iterator[tuple[str, bytes]] = _own_templates(root, folder, errors)
        else:  # the theme, which comes with the generator
            files = ((p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file())
        for name, raw in files:
            h.update(f"{layer}:".encode() + name.encode() + b"\0" + raw + b"\0")
    return h.hexdigest()


def scan_inputs(root: Path, seen: Seen | None = None) -> Inputs:
    """Read and digest site.yaml, templates/ and content/*.yaml under root.

    Given `seen` (kept by a long-lived caller, or read from the last build's record, and updated
    here), only content files that changed since the last scan are read again, so a rebuild's
    scan costs a stat per file.
    """
    errors: list[ContentError] = outside_links(root)
    if errors:
        return Inputs(None, "", {}, "", frozenset(), tuple(errors))
    site = read_site_file(root, errors)
    seen = {} if seen is None else seen
    now = time.time_ns()
    notices: list[ContentError] = []
    entries = _explainer_entries(root, errors, notices)
    digests: dict[str, str] = {}
    unplaced = set()
    for path, entry in entries:
        try:
            info = entry.stat()
        except OSError as exc:
            errors.append(ContentError(path, 1, 1, "(file)", unreadable(root / path, exc)))
            continue
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        if path not in seen or seen[path][0] != stamp:
            raw = read_file(root, path)
            if isinstance(raw, ContentError):
                errors.append(raw)
                continue
            trusted = stamp if info.st_mtime_ns < now - RACY_NS else (0, -1, 0)  # never matches
            file_digest = hashlib.sha256(raw).hexdigest()
            # The same bytes read again (a file touched, or too new to trust its time) keep what the
            # last build found of them: whether they warn.
            last = seen.get(path)
            seen[path] = (trusted, file_digest, last[2] if last is not None and last[1] == file_digest else may_warn(path, raw))
        digests[path] = seen[path][1]
        if seen[path][2]:
            unplaced.add(path)
    for gone in {p for p in seen if is_content_file(p)} - digests.keys():
        del seen[gone]
    pictures = _scan_pictures(root, seen, now)
    templates = templates_digest(root, errors)
    # The site file is parsed here, once: its logo is an input (a new logo is a change to build).
    site_doc = parse_site(SITE_FILE, site) if site is not None else None
    logo = read_logo(root, site_doc) if isinstance(site_doc, RawDoc) else None
    logo_digest = hashlib.sha256(logo).hexdigest() if isinstance(logo, bytes) else ""
    return Inputs(site, templates, digests, logo_digest, frozenset(unplaced), tuple(errors), site_doc, logo, pictures, tuple(notices))
