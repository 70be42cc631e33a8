"""Where `import` reads from: a file (text, Markdown, HTML, a Word document, ArchieML) or an
address (a news page, a Google Doc), each with the same bounds and the same messages.

A Google Doc comes one of three ways: its text (File -> Download -> Plain text), a Word document
(File -> Download -> .docx, which keeps its links, bold and italics) or its address, which is
read as the Doc's .docx export (the Doc must be shared with anyone who has the link). A Doc
written as an explainer in ArchieML (see the README's template) is imported as it stands, into
content/<slug>.aml; any other Doc is an article, read like any other.

Every source is bounded the same way: at most ARTICLE_MAX_BYTES read (a .docx's contents counted
unpacked), for at most `timeout` seconds; an address must answer with a content type the
importer reads. Each refusal is a ReadFailed whose message names the file or address.
"""

from __future__ import annotations

import os
import re
import select
import socket
import stat
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Literal

import lxml.etree
import lxml.html

from explainer.content.archieml import parse
from explainer.content.files import ARTICLE_MAX_BYTES, file_kind
from explainer.content.language import language_tag
from explainer.content.parse import RawDoc, parse_archieml
from explainer.content.validate import validate_explainer
from explainer.errors import ContentError, text_position
from explainer.importer.article import FORMATS, Article, format_for, read_article

# What --format takes: an article's formats, a Word document, and an explainer in ArchieML.
SourceFormat = Literal["text", "markdown", "html", "docx", "archieml"]
SOURCE_FORMATS: tuple[SourceFormat, ...] = (*FORMATS, "docx", "archieml")

# How long a source may take to read, by default: a news page answers in a second or two.
TIMEOUT = 30.0

# What an address may answer with, and what it is read as.
CONTENT_TYPES: dict[str, SourceFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}

# A Google Doc's address, however it was copied: /document/d/<id>/edit, /view, ?usp=sharing...
_GOOGLE_DOC = re.compile(r"^https://docs\.google\.com/document/(?:u/\d+/)?d/([A-Za-z0-9_-]{20,})(?:/(?!export)[^?#]*)?(?:[?#].*)?$")


class ReadFailed(Exception):
    """The source could not be read; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class Source:
    """What was read: its name as the user gave it, its text, and how to read that text."""

    name: str
    text: str
    format: SourceFormat  # never "docx": a Word document is read into html, or archieml
    language: str | None = None  # the language a Word document's properties give, as a tag Babel knows

    @property
    def archieml(self) -> bool:
        return self.format == "archieml"


def too_large(name: str) -> str:
    return f"{name} is larger than {ARTICLE_MAX_BYTES:,} bytes; save only the article's page, or paste its text"


def too_slow(name: str, timeout: float) -> str:
    return f"{name} took longer than {timeout:g} seconds to read; try again, or save it as a file and import the file"


# --- files ------------------------------------------------------------------------------------


def _read_stream(fd: int, name: str, timeout: float, pipe: bool) -> bytes:
    """At most ARTICLE_MAX_BYTES + 1 bytes from fd, waiting no more than timeout in all (a pipe,
    `import <(curl ...)`, may be slow or never end)."""
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    while size <= ARTICLE_MAX_BYTES:
        if pipe:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                if not size and stat.S_ISFIFO(os.fstat(fd).st_mode):
                    raise ReadFailed(f"nothing came through {name}, a pipe, in {timeout:g} seconds; write the article to it, or import a file")
                raise ReadFailed(too_slow(name, timeout))
        chunk = os.read(fd, min(1 << 20, ARTICLE_MAX_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_path(path: Path, fmt: SourceFormat | None = None, timeout: float = TIMEOUT) -> Source:
    """A file, read as fmt or as its extension says. Raises ReadFailed with a message for the user."""
    name = str(path)
    fmt = fmt or _format_of_name(path.name)
    if fmt is None:
        raise ReadFailed(f"cannot tell the format of {name} from its extension; pass --format text, markdown, html, docx or archieml")
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ReadFailed(f"{name} is a folder; name the article's file")
        if stat.S_ISREG(info.st_mode) and info.st_size > ARTICLE_MAX_BYTES:
            raise ReadFailed(too_large(name))
        pipe = stat.S_ISFIFO(info.st_mode)
        if not stat.S_ISREG(info.st_mode) and not pipe:
            raise ReadFailed(f"{name} is {file_kind(info.st_mode)}; name the article's file")
        # A pipe is allowed here (`import <(curl ...)`): it is read with a time limit as well as a
        # size limit. Opened without waiting (a named pipe nothing writes to would keep open()
        # waiting for ever): the wait for its writer is the read's, under the same time limit.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with open(fd, "rb", buffering=0) as stream:
            if stat.S_ISFIFO(os.fstat(fd).st_mode) != pipe:
                raise ReadFailed(f"{name} was replaced while it was read; import it again")
            raw = _read_stream(stream.fileno(), name, timeout, pipe=pipe)
    except OSError as exc:
        raise ReadFailed(f"cannot read {name}: {exc.strerror}") from None
    if len(raw) > ARTICLE_MAX_BYTES:
        raise ReadFailed(too_large(name))
    return decode(name, raw, fmt)


def _format_of_name(name: str) -> SourceFormat | None:
    lowered = name.lower()
    if lowered.endswith(".docx"):
        return "docx"
    if lowered.endswith(".aml"):
        return "archieml"
    return format_for(name)


# --- addresses --------------------------------------------------------------------------------


def export_address(url: str) -> str:
    """The address to read: a Google Doc's .docx export for the address of a Doc, else the address itself."""
    doc = _GOOGLE_DOC.match(url)
    return f"https://docs.google.com/document/d/{doc.group(1)}/export?format=docx" if doc else url


def _charset(content_type: str, raw: bytes) -> str | None:
    """The character set a response names in its header, or in the page's own <meta>."""
    found = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I) or re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", raw[:4096], re.I)
    if not found:
        return None
    value = found.group(1)
    return value.decode("ascii", "replace") if isinstance(value, bytes) else value


def fetch(url: str, fmt: SourceFormat | None = None, timeout: float = TIMEOUT, user_agent: str = "explainer") -> Source:
    """A news page or a Google Doc at an http(s) address, read with the bounds of a file. Raises
    ReadFailed with a message for the user."""
    if not re.match(r"https?://[^/\s]+", url):
        raise ReadFailed(f"{url} is not an http:// or https:// address")
    address = export_address(url)
    request = urllib.request.Request(address, headers={"User-Agent": user_agent, "Accept": ", ".join(CONTENT_TYPES)})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the scheme is checked above
            final = response.geturl()
            if urllib.parse.urlparse(final).hostname == "accounts.google.com":
                raise ReadFailed(f"{url} asks to sign in: share the Google Doc with anyone who has the link (Share -> General access), "
                                   "or download it (File -> Download -> .docx) and import the file")
            content_type = response.headers.get("Content-Type", "")
            kind = fmt or CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
            if kind is None:
                shown = content_type.split(";")[0].strip() or "no content type"
                raise ReadFailed(f"{url} answered with {shown}: import reads a web page (text/html), plain text, Markdown or a Word document "
                                   "(.docx); pass --format if the address gives one of those under another name")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > ARTICLE_MAX_BYTES:
                raise ReadFailed(too_large(url))
            chunks, size = [], 0
            while size <= ARTICLE_MAX_BYTES:
                if time.monotonic() > deadline:
                    raise ReadFailed(too_slow(url, timeout))
                chunk = response.read1(min(1 << 16, ARTICLE_MAX_BYTES + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            raw = b"".join(chunks)
    except urllib.error.HTTPError as exc:
        advice = "share the Google Doc with anyone who has the link" if address != url and exc.code in (401, 403, 404) else "check the address"
        raise ReadFailed(f"{url} answered {exc.code} {exc.reason}: {advice}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise ReadFailed(too_slow(url, timeout)) from None
        raise ReadFailed(f"cannot reach {urllib.parse.urlparse(url).hostname}: {getattr(exc.reason, 'strerror', None) or exc.reason}") from None
    except (TimeoutError, socket.timeout):
        raise ReadFailed(too_slow(url, timeout)) from None
    except OSError as exc:
        raise ReadFailed(f"cannot read {url}: {exc.strerror or exc}") from None
    if len(raw) > ARTICLE_MAX_BYTES:
        raise ReadFailed(too_large(url))
    return decode(url, raw, kind, charset=_charset(content_type, raw) if kind == "html" else None)


def read(where: str, fmt: SourceFormat | None = None, timeout: float = TIMEOUT) -> Source:
    """A source named on the command line: an address, or a file."""
    if re.match(r"https?://", where, re.I):
        return fetch(where, fmt, timeout)
    return read_path(Path(where), fmt, timeout)


# --- what was read, as text -------------------------------------------------------------------


def decode(name: str, raw: bytes, fmt: SourceFormat, charset: str | None = None) -> Source:
    """The bytes of a source as text in the format to read it as."""
    if fmt == "docx":
        return _docx(name, raw)
    try:
        text = raw.decode(charset or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        line = text_position(raw, exc.start)[0] if isinstance(exc, UnicodeDecodeError) else 1
        raise ReadFailed(f"{name}:{line}: not UTF-8 text; save the article as UTF-8") from None
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n")  # as a Google Doc's text export ends its lines
    if fmt == "archieml" or (fmt == "text" and looks_like_archieml(lines)):
        return Source(name, lines, "archieml")
    # An article keeps its line ends: CR LF tells the article reader that each line is a paragraph,
    # as a word processor's export writes them.
    return Source(name, text, fmt)


def looks_like_archieml(text: str) -> bool:
    """Whether text is an explainer written in ArchieML: it gives a title and a list of sections."""
    if not any(line.lstrip().lower().startswith(("[+sections]", "[sections]")) for line in text.splitlines()):
        return False
    data = parse(text).data
    return isinstance(data.get("sections"), list) and isinstance(data.get("title"), str)


# Word styles to HTML: a Doc's Title is the headline and its Subtitle the dek (which the article
# reader knows by its class); images are left out (the importer reads text, and a Doc's images
# would otherwise come as data the size of the picture).
_STYLES = ["p[style-name='Title'] => h1.title:fresh", "p[style-name='Subtitle'] => p.subtitle:fresh"]
# Below a Title, a Doc's headings are the article's sections: one level down.
_SHIFTED = [f"p[style-name='heading {n}'] => h{n + 1}:fresh" for n in range(1, 6)]


def _docx(name: str, raw: bytes) -> Source:
    """A Word document (a Google Doc's .docx export) as HTML, or, when it is an explainer written
    in ArchieML, as that text: one line per paragraph, links and emphasis as Markdown."""
    import mammoth  # only an import of a Word document needs it

    try:
        archive = zipfile.ZipFile(BytesIO(raw))
        unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ReadFailed(f"{name} is not a Word document (.docx): save it again as .docx, or as plain text") from None
    if unpacked > ARTICLE_MAX_BYTES:
        raise ReadFailed(too_large(f"{name} unpacked"))

    def convert(styles: list[str]) -> str:
        try:
            result = mammoth.convert_to_html(BytesIO(raw), style_map="\n".join(styles), convert_image=mammoth.images.img_element(lambda image: {}))
        except Exception as exc:  # a parser of untrusted files: any failure means it cannot be read  # noqa: BLE001
            raise ReadFailed(f"cannot read {name} as a Word document ({type(exc).__name__}): save it again as .docx, or as plain text") from None
        return str(result.value)

    html = convert(_STYLES)
    text = _paragraph_lines(html)
    if looks_like_archieml(text):
        return Source(name, text, "archieml")
    if 'class="title"' in html:
        html = convert(_STYLES + _SHIFTED)
    return Source(name, f"<html><body><article>{html}</article></body></html>", "html", _docx_language(archive))


# Where a Word document keeps its properties, and the language among them (Dublin Core's).
_CORE = "docProps/core.xml"
_DC_LANGUAGE = "{http://purl.org/dc/elements/1.1/}language"


def _docx_language(archive: zipfile.ZipFile) -> str | None:
    """The language a Word document's core properties give (Word writes it from the document's
    proofing language; Google Docs' export may give none), as a tag Babel knows, or None."""
    try:
        with archive.open(_CORE) as core:
            root = lxml.etree.parse(core, lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
    except (KeyError, OSError, zipfile.BadZipFile, lxml.etree.XMLSyntaxError):
        return None  # no properties, or unreadable ones: the document says no language
    return language_tag(root.findtext(_DC_LANGUAGE))


def _inline_markdown(element: lxml.html.HtmlElement) -> str:
    """An element's text with its links, bold and italics as Markdown."""
    out = [element.text or ""]
    for child in element:
        inner = _inline_markdown(child)
        if child.tag == "a" and child.get("href"):
            out.append(f"[{inner}]({child.get('href')})")
        elif child.tag in ("strong", "b") and inner.strip():
            out.append(f"**{inner}**")
        elif child.tag in ("em", "i") and inner.strip():
            out.append(f"*{inner}*")
        elif child.tag == "br":
            out.append(" ")
        else:
            out.append(inner)
        out.append(child.tail or "")
    return "".join(out)


def _paragraph_lines(html: str) -> str:
    """A document's paragraphs, headings and list items, one line each, as its text export has them."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    lines = []
    for element in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
        if element.tag == "li":
            lines.append("* " + " ".join(_inline_markdown(element).split("\n")))
        elif element.getparent() is root or element.getparent().tag != "li":
            lines.append(" ".join(_inline_markdown(element).split("\n")))
    return "\n".join(lines) + "\n"


def to_article(source: Source) -> Article:
    """A source that is an article, read into blocks."""
    from explainer.importer.webpage import PageRefused

    assert source.format in FORMATS
    try:
        article = read_article(source.text, source.format)  # type: ignore[arg-type]
    except PageRefused as exc:
        raise ReadFailed(f"{source.name}: {exc}; save the article's own part of the page, or paste its text") from None
    if not article.blocks:
        raise ReadFailed(f"found no text in {source.name}")
    return replace(article, language=source.language) if source.language else article



def archieml_explainer(source: Source) -> RawDoc | list[ContentError]:
    """A source written as an explainer in ArchieML, read and checked as a build would: the
    document, or every mistake in it, at its line (for a Word document, its paragraph)."""
    doc = parse_archieml(source.name, source.text.encode("utf-8"))
    if isinstance(doc, list):
        return doc
    return validate_explainer(doc) or doc
