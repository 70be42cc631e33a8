"""The record a build leaves in its output: what it wrote, and from what. A later build reads it to
answer "what must be rebuilt?" (rebuild.py) without reading the whole site.

Three kinds of file, none of them published text:

- `.explainer-site` at the top marks the folder as this tool's. Its first line holds the digest
  of every input, the number of files, and how many explainers were held back with the earliest
  moment one falls due (counts and a time only: never which), so a build with nothing to do
  reads one line. Then one line per file of the site's own (index, feed, search index, ...) and
  one per published explainer ("group"): the key of everything its files were made from, its
  folder, and what the site's own pages need of it (its title, dek, dates, addresses, topics;
  never text the explainer does not publish), with digests of what its pages show of other
  explainers and of the bytes of its pages the search index is made from. An explainer held back
  has no line.
- `<slug>/.explainer-group` in each explainer's folder lists that explainer's files, each with the
  digest of its bytes and the key of its inputs. It is read only when the explainer changed.
- `.explainer-stamps` caches each content file's digest by its inode, size and modification time,
  so a build in a new process need not read files that did not change; and so each picture's
  that an explainer shows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

from explainer.content.dates import from_iso
from explainer.content.files import Seen, file_kind, is_content_file, unreadable
from explainer.content.model import Author
from explainer.content.pictures import Picture, PictureStamp
from explainer.content.validate import SlugAt
from explainer.core.digest import digest
from explainer.errors import BuildError, ContentError
from explainer.plan.pages import Summary
from explainer.plan.schedule import Held

MARKER = ".explainer-site"
MARKER_HEADER = "explainer-site 4"
GROUP_MARKER = ".explainer-group"
GROUP_HEADER = "explainer-group 3"
STAMPS = ".explainer-stamps"
# Files of the tool's own in an output folder, not of the site.
RECORDS = frozenset({MARKER, GROUP_MARKER, STAMPS})

# The most bytes a record is read to: each is judged as content files are (only a regular file
# is opened, never a pipe that would hang the build; its size comes from stat), and a record
# larger than this, which no build writes (the record of a site of 10,000 explainers holds some
# 30 MB), is refused, never read.
RECORD_MAX_BYTES = 100_000_000

# path -> (sha256 of its bytes, key of its inputs); paths are relative to the output folder and
# never hold tabs or newlines (slugs and ids are plain names).
Files = dict[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Group:
    """One explainer's line in the top marker."""

    key: str  # digest of its file, the site file, the templates and the code
    slug: str  # its folder
    pages: int  # how many files it has
    data: str  # one line of JSON that rebuild.py keeps of it: what the site's own pages need


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote."""

    inputs: str = ""  # digest of everything the build read: equal means nothing to do
    pages: int = 0
    files: Files = field(default_factory=dict)  # the site's own files
    groups: dict[str, Group] = field(default_factory=dict)  # by the explainer's source file
    seen: Seen = field(default_factory=dict)  # each explainer file's digest, by its inode, size and time
    held: Held = Held()  # how many explainers were held back, and when the next falls due


def with_pictures(key: str, pictures: dict[str, str]) -> str:
    """An inputs digest with the pictures' digests added: those the explainers showed, as they are now."""
    return digest(key, *(f"{path}={d}" for path, d in sorted(pictures.items()))) if pictures else key


def record(inputs_key: str, seen: Seen, files: Files, groups: dict[str, Group], held: Held = Held()) -> Manifest:
    """What a build wrote, for the next build to read: the digest of its inputs (and of the
    pictures its explainers show), the stamps of the content files and pictures it read, the
    site's own files, each published explainer's line, and how many it held back."""
    # Pictures no explainer shows any more are forgotten: the next build need not look at them.
    shown = {src for g in groups.values() for src in group_pictures(g)}
    kept = {path: entry for path, entry in seen.items() if is_content_file(path) or path in shown}
    # The pictures as this build read them: the next build's scan finds the same, and stops at once.
    inputs = with_pictures(inputs_key, {path: kept[path][1] for path in shown if path in kept})
    return Manifest(inputs, len(files) + sum(g.pages for g in groups.values()), files, groups, kept, held)


def _file_line(fields: list[str], files: Files) -> None:
    if len(fields) == 3:  # anything else is damage: that file is simply rebuilt
        files[fields[0]] = (fields[1], fields[2])


def record_error(out: Path, path: Path, what: str) -> BuildError:
    """`<out>/<record>, left by the last build, <what>`, as the output folder's error."""
    shown = path.relative_to(out.parent).as_posix() if path.is_relative_to(out.parent) else str(path)
    return BuildError([ContentError(out.name, 1, 1, "(output)", f"{shown}, left by the last build, {what}")])


def _open_record(out: Path, path: Path) -> BinaryIO | None:
    """A record of the output folder out, opened once judged; None if there is none. BuildError
    for anything but a regular file of at most RECORD_MAX_BYTES, and for one that cannot be read."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise record_error(out, path, f"is {file_kind(info.st_mode)}, not a file; remove it and build again")
        if info.st_size > RECORD_MAX_BYTES:
            raise record_error(out, path, f"is larger than {RECORD_MAX_BYTES:,} bytes, which no build writes; remove it and build again")
        # O_NONBLOCK: were it swapped for a pipe since the stat, opening it does not wait.
        stream = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)), "rb")
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            stream.close()
            raise record_error(out, path, "was replaced by something that is not a file while the build read it; build again")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise record_error(out, path, unreadable(path, exc)) from None
    return stream


def _read_record(out: Path, path: Path) -> str | None:
    """A record's text, read to no more than RECORD_MAX_BYTES whatever it grows to; None if there is none."""
    stream = _open_record(out, path)
    if stream is None:
        return None
    with stream:
        return stream.read(RECORD_MAX_BYTES).decode("utf-8", errors="replace")


def read_manifest(out: Path, *, header_only: bool = False) -> Manifest | None:
    """The last build's record; empty for a missing or empty folder, None for a folder that is not ours.

    With header_only, only the inputs digest, file count and the content files' stamps are read:
    enough to see that nothing changed.
    """
    if not out.exists():
        return Manifest()
    marker = out / MARKER
    if not os.path.lexists(marker):
        # Empty, or holding only what a new file system mounted there starts with.
        return Manifest() if out.is_dir() and not any(p.name != "lost+found" for p in out.iterdir()) else None
    opened = _open_record(out, marker)
    if opened is None:
        return Manifest() if out.is_dir() and not any(p.name != "lost+found" for p in out.iterdir()) else None
    with io.TextIOWrapper(opened, encoding="utf-8", errors="replace", newline="\n") as stream:
        header = stream.readline(RECORD_MAX_BYTES).split()
        if len(header) != 7 or " ".join(header[:2]) != MARKER_HEADER or not all(h.isdigit() for h in header[3:6]):
            return Manifest()  # an older or damaged record: the folder is ours, nothing is reused
        try:
            held = Held(int(header[4]), int(header[5]), dt.datetime.fromisoformat(header[6]) if header[6] != "-" else None)
        except ValueError:
            return Manifest()
        files: Files = {}
        groups: dict[str, Group] = {}
        for line in [] if header_only else stream:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "f":
                _file_line(fields[1:], files)
            elif fields[0] == "g" and len(fields) == 6 and fields[4].isdigit():
                groups[fields[1]] = Group(fields[2], fields[3], int(fields[4]), fields[5])
    return Manifest(header[2], int(header[3]), files, groups, _read_stamps(out), held)


def manifest_bytes(manifest: Manifest) -> bytes:
    held = manifest.held
    due = held.next.isoformat() if held.next else "-"
    lines = [f"{MARKER_HEADER} {manifest.inputs or '-'} {manifest.pages} {held.drafts} {held.scheduled} {due}\n"]
    lines += (f"f\t{path}\t{sha}\t{key}\n" for path, (sha, key) in sorted(manifest.files.items()))
    lines += (f"g\t{source}\t{g.key}\t{g.slug}\t{g.pages}\t{g.data}\n" for source, g in sorted(manifest.groups.items()))
    return "".join(lines).encode()


# Until a build finishes, the record it leaves says nothing may be reused: were it killed half
# way through writing in place, the next build would otherwise trust records of files it replaced.
UNFINISHED = manifest_bytes(Manifest())


def read_group(folder: Path) -> tuple[str, Files]:
    """The key and files an explainer's folder (in the output folder) was last written with; ("",
    {}) if unknown. BuildError for a record that is not a regular file, or is too large to be one."""
    text = _read_record(folder.parent, folder / GROUP_MARKER)
    if text is None:
        return "", {}
    header, _, body = text.partition("\n")
    if not header.startswith(GROUP_HEADER + " "):
        return "", {}
    files: Files = {}
    for line in body.splitlines():
        _file_line(line.split("\t"), files)
    return header[len(GROUP_HEADER) + 1:], files


def group_bytes(key: str, files: Files) -> bytes:
    return (f"{GROUP_HEADER} {key}\n" + "".join(f"{path}\t{sha}\t{k}\n" for path, (sha, k) in sorted(files.items()))).encode()


def _read_stamps(out: Path) -> Seen:
    seen: Seen = {}
    for line in (_read_record(out, out / STAMPS) or "").splitlines():
        fields = line.split("\t")
        if len(fields) == 6 and all(f.removeprefix("-").isdigit() for f in fields[1:4]):
            seen[fields[0]] = ((int(fields[1]), int(fields[2]), int(fields[3])), fields[4], fields[5] == "1")
    return seen


def stamps_bytes(seen: Seen) -> bytes:
    # A stamp that cannot be trusted (a file changed too recently) has a negative size: left out,
    # unless the file warns, which the next build, reading it again, must know (files.scan_inputs).
    return "".join(f"{path}\t{ino}\t{size}\t{mtime}\t{d}\t{int(warns)}\n" for path, ((ino, size, mtime), d, warns) in sorted(seen.items())
                   if size >= 0 or warns).encode()


# --- what the record keeps of an explainer ----------------------------------------------------

def group_data(slug: SlugAt, summary: Summary, links: str = "", indexed: str = "", pictures: Iterable[PictureStamp] = ()) -> str:
    """What the record keeps of an explainer, as one line of JSON: enough to list it, place it
    among the others and check its slug without reading its file again, and the pictures it
    shows. Only what its pages publish. `links` digests what its pages show of other explainers
    (plan.related), `indexed` the bytes of its pages that the search index reads."""
    data: dict[str, Any] = {
        "slug": [slug.slug, slug.line, slug.column, [list(a) for a in slug.aliases], list(slug.translation_of) if slug.translation_of else None, slug.language],
        "summary": [summary.slug, summary.title, summary.dek, summary.published.isoformat(),
                    summary.updated.isoformat() if summary.updated else None, summary.attribution,
                    summary.modified.isoformat(), list(summary.urls), list(summary.embeds), list(summary.aliases),
                    [list(r) for r in summary.renamed], summary.language, [[a.name, a.url, a.role] for a in summary.authors],
                    [getattr(summary.image, f.name) for f in fields(Picture)] if summary.image else None,
                    summary.release.isoformat() if summary.release else None, summary.draft, list(summary.topics), summary.translation_of],
        "links": links,
        "indexed": indexed,
    }
    shown = sorted({p.src for p in pictures})
    if shown:
        data["pictures"] = shown
    return json.dumps(data, separators=(",", ":"))


def group_pictures(group: Group) -> list[str]:
    """The paths of the pictures an explainer showed when its files were made."""
    if '"pictures"' not in group.data:  # most explainers: no JSON to read
        return []
    try:
        return [src for src in json.loads(group.data)["pictures"] if isinstance(src, str)]
    except (ValueError, TypeError, KeyError):
        return []


def group_summary(source: str, group: Group) -> tuple[SlugAt, Summary] | None:
    """The slug and summary of an explainer kept as it was; None if its line cannot be read."""
    try:
        data = json.loads(group.data)
        slug, line, column, aliases, translation_of, own_language = data["slug"]
        (name, title, dek, published, updated, attribution, modified, urls, embeds, alias_names, renamed, language, authors, image,
         release, draft, topics, original) = data["summary"]
        summary = Summary(name, title, dek, from_iso(published), from_iso(updated) if updated else None,
                          attribution, from_iso(modified), tuple(urls), tuple(embeds), tuple(alias_names),
                          tuple((old, new) for old, new in renamed), language, tuple(Author(*a) for a in authors),
                          Picture(*image) if image else None, dt.datetime.fromisoformat(release) if release else None,
                          bool(draft), tuple(topics), original)
        at = SlugAt(source, slug, line, column, tuple((a, al, ac) for a, al, ac in aliases), tuple(translation_of) if translation_of else None, own_language)
        return at, summary
    except (ValueError, TypeError, KeyError):
        return None


def group_digests(group: Group) -> tuple[str, str]:
    """What an explainer's pages showed of other explainers, and the digest of the bytes of its
    pages the search index read, as its line in the record keeps them ("" when unknown)."""
    try:
        data = json.loads(group.data)
        return str(data.get("links", "")), str(data.get("indexed", ""))
    except (ValueError, AttributeError):
        return "", ""
