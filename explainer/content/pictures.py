"""Pictures: image files in the project that an explainer shows, judged before a page names them.

A picture is named by its path below the project (`image: {src: images/lead.jpg, ...}`, or
`![alt](images/map.png)` in Markdown). Before anything is made of it, the file is judged: inside
the project (a link out of it is refused), a regular file of bounded size (content/files.py reads
it), an image by its bytes, whatever its name says (a JPEG, PNG, WebP, GIF or AVIF: an SVG, which
can hold script, is refused, as is an HTML page named `.jpg`), of a bounded number of pixels
(checked from its header, before it is decoded), and whole (a truncated file is decoded, cheaply,
to find out). Each problem is one line naming the content file, its line and field.

What a page needs of a picture is a `Picture`: the digest of its bytes, which names the files the
build makes of it (so a changed picture gets new names and no cache serves the old one), its size
upright, and the editor's alt text, caption and credit. The files themselves, each width in each
format, are made when a page is rendered (render/pictures.py), and only when their name is new.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from explainer.content.files import PICTURE_MAX_BYTES, read_file
from explainer.content.validate import load_schema, matches, node_at
from explainer.errors import BuildError, ContentError, field_path, line_column

if TYPE_CHECKING:
    from explainer.content.parse import RawDoc

# Pixels a picture may have: more than a 45-megapixel camera's, far fewer than a file made to
# exhaust memory when decoded (20,000 by 20,000 is 400 million).
PICTURE_MAX_PIXELS = 60_000_000
# Formats read, by Pillow's name for them ("MPO" is the JPEG some cameras write, with a second
# frame, which Pillow's JPEG reader opens), and the readers that open them: no other is tried.
PICTURE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "AVIF": "AVIF"}
_OPENERS = ["JPEG", "PNG", "WEBP", "GIF", "AVIF"]
# The widths a picture is made in, for `srcset`: a phone's column at 1x, 2x and 3x, which are also
# the theme's column at 1x (the nearest above it) and 2x. A picture is never made wider than it is.
WIDTHS = (480, 960, 1440)
# Part of every made file's name: change it when the files made of a picture change (other sizes,
# formats or quality), so that no browser keeps an old file under a name it has seen.
RECIPE = "2"

# EXIF orientations that turn the picture a quarter: its width and height swap.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


@cache
def modern_formats() -> tuple[str, ...]:
    """The formats made besides the fallback, best first: AVIF and WebP where this Pillow writes them."""
    from PIL import features

    return tuple(fmt for fmt, feature in (("avif", "avif"), ("webp", "webp")) if features.check(feature))


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture as pages show it. Its files are made by the build (see `files`)."""

    src: str  # the file, as the content names it, below the project
    digest: str  # sha256 of its bytes: its files' names, and the key of every page that shows it
    width: int  # pixels, upright (as its EXIF orientation turns it)
    height: int
    alpha: bool  # it has transparent pixels, so its fallback is a PNG rather than a JPEG
    alt: str  # "" for a decorative picture
    decorative: bool
    caption: str | None
    credit: str | None

    @property
    def widths(self) -> tuple[int, ...]:
        """The widths its files are made in, narrowest first: those of WIDTHS it is wider than, and its own."""
        widest = min(self.width, WIDTHS[-1])
        return tuple(w for w in WIDTHS if w < widest) + (widest,)

    @property
    def fallback(self) -> str:
        """The format every browser shows: "png" for a picture with transparency, else "jpg"."""
        return "png" if self.alpha else "jpg"

    @property
    def formats(self) -> tuple[str, ...]:
        """Every format its files are made in, the fallback last."""
        return (*modern_formats(), self.fallback)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def file(self, width: int, fmt: str) -> str:
        """The name of its file of that width and format: named by its bytes, so a changed picture
        is a new file."""
        return f"{self.digest[:20]}-{RECIPE}-{width}.{fmt}"

    def files(self) -> list[tuple[str, int, str]]:
        """(name, width, format) of every file made of it."""
        return [(self.file(w, fmt), w, fmt) for fmt in self.formats for w in self.widths]


@dataclass(frozen=True, slots=True)
class PictureStamp:
    """A picture file as an explainer's build read it: the next build reads it again only if its
    stamp moved (content/files.py)."""

    src: str
    stamp: tuple[int, int, int]  # inode, size and modification time, taken before it was read
    digest: str


@dataclass(frozen=True, slots=True)
class Judged:
    """What reading a picture file found: enough to describe it, and to find it again."""

    digest: str
    width: int
    height: int
    alpha: bool
    stamp: tuple[int, int, int]  # (inode, size, modification time) as read, for the next build's scan


def _looks_like(data: bytes) -> str:
    head = data[:1024].lstrip().lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        return "svg"
    if head.startswith((b"<!doctype", b"<html", b"<")):
        return "html"
    return ""


def picture_problem(data: bytes) -> tuple[str, Judged | None]:
    """What is wrong with a picture file's bytes, in an editor's words ("" if nothing), and if
    nothing, what it is. Its size in bytes was judged before it was read."""
    from PIL import Image, UnidentifiedImageError

    kind = _looks_like(data)
    if kind == "svg":
        return "is an SVG drawing, which can hold script: export it as a PNG (or, for a photograph, a JPEG) and name that file", None
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # our own limit, below, says how large the file is
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged file's warnings: the checks below say what is wrong
            with Image.open(io.BytesIO(data), formats=_OPENERS) as image:
                width, height = image.size
                if width * height > PICTURE_MAX_PIXELS:
                    return (f"is {width:,} by {height:,} pixels ({width * height / 1e6:,.0f} million); a picture may have at most "
                            f"{PICTURE_MAX_PIXELS / 1e6:,.0f} million: make it smaller (pages show it at most {WIDTHS[-1]:,} pixels wide)"), None
                alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
                if image.format == "PNG":
                    image.verify()  # every chunk there, each with its checksum, without decoding the pixels
            with Image.open(io.BytesIO(data), formats=_OPENERS) as image:
                orientation = image.getexif().get(0x0112, 1)
                if image.format in ("JPEG", "MPO"):
                    # Decoded at an eighth of its size: quick, and a truncated file still runs out.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
                elif image.format != "PNG":
                    image.load()
    except UnidentifiedImageError:
        found = " (it holds an HTML page)" if kind == "html" else ""
        return f"is not a picture a page can show{found}: its bytes are not a JPEG, PNG, WebP, GIF or AVIF image, whatever its name says; save it as one", None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        why = "it ends before the picture does" if "truncated" in str(exc) or isinstance(exc, EOFError) else "it is damaged"
        return f"cannot be read as a picture: {why}; export or download it again", None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return "", Judged(hashlib.sha256(data).hexdigest(), width, height, alpha, (0, 0, 0))


def _outside(root: Path, src: str) -> bool:
    # os.path.realpath stops at a link loop instead of raising; a link loop is reported by the read.
    return not Path(os.path.realpath(root / src)).is_relative_to(Path(os.path.realpath(root)))


# Pictures judged in this process, by their stamp and path: an explainer edited again and again in
# the preview, or a picture many explainers show, is read (to see it is unchanged) but not judged again.
_JUDGED: dict[tuple[str, str], Judged] = {}


def judge_picture(root: Path, src: str) -> Judged | str:
    """The picture file at src below root, judged; or what is wrong with it, to follow its name."""
    if _outside(root, src):
        return "is outside the project (a link leads out of it); copy the picture into the project"
    path = root / src
    if not os.path.lexists(path):
        return "is not there: no such file in the project (the path is from the project's folder, like images/lead.jpg)"
    try:
        info = path.stat()
    except OSError:
        info = None  # read_file says what is wrong
    data = read_file(root, src, PICTURE_MAX_BYTES, "make the picture smaller (pages show it at most 1,440 pixels wide)")
    if isinstance(data, ContentError):
        return data.message
    digest = hashlib.sha256(data).hexdigest()
    known = _JUDGED.get((src, digest))
    if known is None:
        problem, judged = picture_problem(data)
        if judged is None:
            return problem
        if len(_JUDGED) > 256:
            _JUDGED.clear()
        known = _JUDGED[src, digest] = judged
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns) if info is not None else (0, 0, 0)  # (0, 0, 0): read it again next time
    return Judged(known.digest, known.width, known.height, known.alpha, stamp)


def read_picture_bytes(root: Path, picture: Picture) -> bytes:
    """The bytes of a picture judged earlier in this build, to make its files. A file changed since
    it was judged is an error: the build would otherwise publish bytes nobody judged."""
    data = read_file(root, picture.src, PICTURE_MAX_BYTES)
    if isinstance(data, bytes) and hashlib.sha256(data).hexdigest() == picture.digest:
        return data
    raise BuildError([ContentError(picture.src, 1, 1, "(file)", "changed while the build was reading it; build again")])


# How wide the theme shows a picture in its column: the screen less its margins, up to the column.
# Browsers pick a file of srcset from this before the page's CSS is read.
SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True, slots=True)
class PictureFiles:
    """What an <img> and its <picture> need to show a picture: its files' addresses (from the
    site's base path, `/repo/<slug>/images/...`, or absolute where they are given so) and its size."""

    src: str  # the fallback format's widest file: what a browser that knows no srcset shows
    srcset: str  # the fallback format's files, each with its width
    modern: tuple[tuple[str, str], ...]  # (MIME type, srcset) of each modern format, best first
    sizes: str  # how wide the theme shows it, for choosing a file
    width: int  # of the widest file: the <img>'s width and height, so nothing moves as it loads
    height: int


def picture_folder(slug: str) -> str:
    """Where an explainer's pictures' files go, below the base path: `<slug>/images/`."""
    return f"{slug}/images/"


def picture_files(picture: Picture, folder_url: str) -> PictureFiles:
    """The addresses of a picture's files, in the folder at folder_url (ending in /)."""
    def srcset(fmt: str) -> str:
        return ", ".join(f"{folder_url}{picture.file(w, fmt)} {w}w" for w in picture.widths)

    widest = picture.widths[-1]
    modern = tuple((MIME_TYPES[fmt], srcset(fmt)) for fmt in picture.formats[:-1])
    return PictureFiles(folder_url + picture.file(widest, picture.fallback), srcset(picture.fallback), modern, SIZES, widest, picture.height_at(widest))


def picture_html(picture: Picture, folder_url: str) -> str:
    """A picture in Markdown text: inline, lazily loaded, as the theme's figure partial writes one."""
    from markupsafe import Markup

    found = picture_files(picture, folder_url)
    parts = [Markup('<source type="{}" srcset="{}" sizes="{}">').format(kind, srcset, found.sizes) for kind, srcset in found.modern]
    parts.append(Markup('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async">').format(
        found.src, found.srcset, found.sizes, found.width, found.height, picture.alt))
    return str(Markup("<picture>{}</picture>").format(Markup("").join(parts)))


class PictureReader:
    """The pictures one explainer shows, read as its model is built (content/model.py): each file
    judged once, however often it is shown; what is wrong with one is an error at the line of the
    field that names it. Without a project folder (`root` None) no picture can be read."""

    def __init__(self, root: Path | None, doc: RawDoc, folder_url: str):
        self.root, self.doc, self.folder_url = root, doc, folder_url
        self.errors: list[ContentError] = []
        self.judged: dict[str, Judged | str] = {}
        self.used: dict[str, Picture] = {}  # by src, in the order first shown

    def _judge(self, src: str) -> Judged | str:
        if src not in self.judged:
            self.judged[src] = judge_picture(self.root, src) if self.root is not None else "cannot be read: no project folder"
        return self.judged[src]

    def _error(self, path: list[str | int], message: str, line_offset: int = 0) -> None:
        node, key = node_at(self.doc.node, path)
        line, column = line_column(node.start_mark)
        if getattr(node, "style", None) in ("|", ">"):
            # Text written as a block (`answer: |`) starts on the line after its field's, indented under it.
            line, column = line + 1, (key.start_mark.column + 3 if key is not None else column)
        self.errors.append(ContentError(self.doc.path, line + line_offset, column, field_path(path), message))

    def _picture(self, src: str, judged: Judged, alt: str, decorative: bool = False, caption: str | None = None, credit: str | None = None) -> Picture:
        picture = Picture(src, judged.digest, judged.width, judged.height, judged.alpha, alt, decorative, caption, credit)
        self.used.setdefault(src, picture)
        return picture

    def field(self, value: dict[str, Any] | None, path: list[str | int]) -> Picture | None:
        """The picture an `image` field names (checked by the schema), or None (with an error if it cannot be shown)."""
        if value is None:
            return None
        found = self._judge(value["src"])
        if isinstance(found, str):
            self._error(path + ["src"], f"{value['src']!r} {found}")
            return None
        text = {k: value[k].strip() if k in value else None for k in ("caption", "credit")}
        return self._picture(value["src"], found, (value.get("alt") or "").strip(), bool(value.get("decorative")), text["caption"], text["credit"])

    def markdown(self, path: list[str | int]) -> Callable[[str, str, int], str]:
        """What renders the images of the Markdown field at path (markdown.render_block's `pictures`)."""
        from markdown_it.common.utils import escapeHtml

        def render(src: str, alt: str, line: int) -> str:
            problem = _markdown_problem(unquote(src), alt)
            found = self._judge(unquote(src)) if not problem else problem
            if isinstance(found, str):
                self._error(path, found if problem else f"the picture {unquote(src)!r} {found}", line)
                return escapeHtml(alt)
            return picture_html(self._picture(unquote(src), found, alt.strip()), self.folder_url)

        return render


def _markdown_problem(src: str, alt: str) -> str:
    """What is wrong with an image as Markdown writes it, before its file is looked at."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//", src):
        return (f"the picture {src!r} is on another site, and a page loads nothing from another host: save it in the project "
                "and write its path from the project's folder, like ![what it shows](images/map.png)")
    pattern = load_schema("explainer")["$defs"]["picture_file"]
    if not matches(pattern["pattern"], src):
        if src.lower().endswith(".svg"):
            return f"the picture {src!r} is an SVG drawing, which can hold script: export it as a PNG and name that file"
        return f"the picture {src!r}: {pattern['description']}"
    if not alt.strip():
        return f"the picture {src!r} needs alt text saying what it shows: write it between the brackets, ![what it shows]({src})"
    return ""
