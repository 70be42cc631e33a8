"""An article (plain text, Markdown or HTML) read into blocks: headings, paragraphs, lists, credits.

The importer and the provenance check read articles through this one module, so the sentences the
importer counts are the sentences the check looks for. Markers that the page prints itself or that
only mark structure (bullets, `Q:` and `A:`, question numbers, a photo credit's `Photo-`, a
`Challenges:` lead) are kept apart from the text: they are structure, not sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import lxml.html

from .markdown import parse_tokens, plain_blocks

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")
EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}

Kind = Literal["heading", "paragraph", "list", "credit", "caption", "dek"]


@dataclass(frozen=True, slots=True)
class Item:
    """One list item. `label` is set for "Label: text" and "**Label:** text" items."""

    markdown: str  # the whole item as Markdown, label included, as the article wrote it
    body: str  # Markdown after the label (the whole item when there is no label)
    text: str  # plain text of body
    label: str | None  # plain text of the label, without its colon or bold markers
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article, in reading order.

    `markdown` is the block as Markdown (plain text and HTML are escaped into it); `text` is what a
    reader sees, with white space folded and any leading marker removed. A heading's `question`
    says the article marked it as a question (`Q:` or a number) rather than by its wording.
    """

    kind: Kind
    markdown: str  # for a paragraph with a marker, the text after it
    text: str
    line: int
    level: int = 0  # headings: 1 for the title, 2 and deeper for sections
    items: tuple[Item, ...] = ()  # lists only
    ordered: bool = False  # lists only
    marker: str | None = None  # a paragraph's lead word that names a field ("Challenges")
    question: bool = False  # headings only


@dataclass(frozen=True, slots=True)
class Article:
    """The blocks of one article, and the format it was read as."""

    format: Format
    blocks: tuple[Block, ...]


def format_for(name: str) -> Format | None:
    """The format a file name's extension implies, or None when it says nothing."""
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot >= 0 else None


def read_article(text: str, fmt: Format) -> Article:
    """Read article text in the given format into blocks."""
    readers = {"text": _read_text, "markdown": _read_markdown, "html": _read_html}
    return Article(fmt, tuple(readers[fmt](text)))


# --- shared recognisers -----------------------------------------------------------------------

def fold(text: str) -> str:
    """White space folded to single spaces, ends trimmed."""
    return " ".join(text.split())


# Characters that could turn plain text into Markdown markup anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>])")
# ...and at the start of a block, where they would make a heading, quote, list, rule or fence.
_MD_BLOCK_START = re.compile(r"^([#>+\-=~|])|^(\d{1,9})([.)])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders back to exactly that text."""
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)


# "Label: text": a short label (a name, not a sentence) before the first colon.
_LABEL = re.compile(r"^(?P<label>[^:.?!\n]{1,60}):\s+(?P<rest>\S[\s\S]*)$")
# "**Label:** text" and "**Label**: text" in Markdown (also with underscores).
_MD_LABEL = re.compile(r"^(?P<open>\*\*|__)(?P<label>[^*_\n]{1,60}?)(?::\s*(?P=open)|(?P=open)\s*:)\s*(?P<rest>\S[\s\S]*)$")
MAX_LABEL_WORDS = 6


def split_label(text: str, plain: bool) -> tuple[str, str] | None:
    """(label, rest) for an item that starts with a short label and a colon, else None.

    Plain text is matched as "Label: text"; Markdown also as "**Label:** text". Both parts come back
    in the form they were given (plain or Markdown).
    """
    match = (None if plain else _MD_LABEL.match(text)) or _LABEL.match(text)
    if match is None:
        return None
    label = match.group("label").strip()
    if not label or len(label.split()) > MAX_LABEL_WORDS:
        return None
    return label, match.group("rest").strip()


_CHALLENGES = re.compile(r"^(?:\*\*|__)?(?P<marker>Challenges)(?::(?:\*\*|__)?|(?:\*\*|__)?:)\s+(?P<rest>\S[\s\S]*)$", re.IGNORECASE)

# A photo credit, alone on its line or after a caption: "Photo: X", "Photo-X-Y", "Image credit: X", "Photo by X".
# A hyphen counts only before a capital or digit, so "a picture-perfect day" is not a credit.
_CREDIT = re.compile(r"(?:^|(?<=\s))(?i:(?:photo|image|illustration|picture|graphic)(?:\s+credit)?|credit)(?:\s*[:–—]\s*|\s+-\s+|-(?=[A-Z0-9])|\s+(?i:by)\s+)(?P<credit>\S.*)$")
MAX_CREDIT_WORDS = 12
MAX_CREDIT_LINE = 200


def split_credit(line: str) -> tuple[str, str] | None:
    """(caption, credit) for a short line that ends in a photo credit, else None.

    A credit written as one hyphenated token, as some exports do ("Photo-Jane-Doe-Agency"),
    gets its hyphens back as spaces.
    """
    if len(line) > MAX_CREDIT_LINE:
        return None
    match = _CREDIT.search(line)
    if match is None:
        return None
    caption = line[: match.start()].strip()
    # A caption is a finished sentence; "The photo: a man" is a sentence, not a caption and a credit.
    if caption and not caption.endswith((".", "?", "!", '"', "”", "’", "'", ")", "|", "–", "—")):
        return None
    credit = match.group("credit").strip()
    if " " not in credit and "-" in credit:
        credit = credit.replace("-", " ")
    if len(credit.split()) > MAX_CREDIT_WORDS or credit.endswith("."):
        return None
    return caption, credit


def _paragraph(markdown: str, text: str, line: int) -> Block:
    """A paragraph, with a leading "Challenges:" kept apart as its marker."""
    match = _CHALLENGES.match(markdown)
    if match:
        rest = match.group("rest")
        return Block("paragraph", rest, fold(" ".join(plain_blocks(rest))), line, marker=match.group("marker").capitalize())
    return Block("paragraph", markdown, text, line)


def _plain_paragraph(plain: str, line: int) -> list[Block]:
    """A paragraph of plain text (from a text file or HTML): a credit line, or an escaped paragraph."""
    credit = split_credit(plain)
    if credit is None:
        return [_paragraph(escape_markdown(plain), plain, line)]
    caption, name = credit
    # A caption before the credit is text of its own; the credit's marker word is structure.
    return ([Block("caption", escape_markdown(caption), caption, line)] if caption else []) + [Block("credit", name, name, line)]


def _item(markdown: str, text: str, line: int, plain: bool) -> Item:
    split = split_label(text if plain else markdown, plain)
    if split is None:
        return Item(markdown, markdown, text, None, line)
    label, rest = split
    if plain:
        return Item(markdown, escape_markdown(rest), fold(rest), fold(label), line)
    return Item(markdown, rest, fold(" ".join(plain_blocks(rest))), fold(" ".join(plain_blocks(label))) or fold(label), line)


def _list(items: list[Item], ordered: bool) -> Block:
    markdown = "\n".join(f"{n}. {item.markdown}" if ordered else f"- {item.markdown}" for n, item in enumerate(items, 1))
    return Block("list", markdown, " ".join(i.text for i in items), items[0].line, items=tuple(items), ordered=ordered)


# --- plain text -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*•·▪◦‣–]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?P<text>\S.*)$")
_QA = re.compile(r"^\s*(?P<mark>Q|A|Question|Answer|QUESTION|ANSWER)\s*:\s*(?P<text>\S.*)$")
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16


def looks_like_heading(line: str) -> bool:
    """A short line that is not a sentence: no full stop, colon, comma or exclamation at its end."""
    return len(line) <= MAX_HEADING_CHARS and len(line.split()) <= MAX_HEADING_WORDS and not line.endswith((".", ":", ";", ",", "!", "…")) and ". " not in line


def _read_text(text: str) -> list[Block]:
    """Plain text: blank lines end paragraphs; bullets, `Q:`/`A:` and numbered questions start blocks."""
    blocks: list[Block] = []
    first_line = _first_line(text)
    para: list[tuple[int, str]] = []
    para_is_question = False
    items: list[list] = []  # [line, text] pairs, so continuation lines can extend the last one
    ordered = False

    def flush() -> None:
        nonlocal para, para_is_question, items
        if para:
            joined = fold(" ".join(t for _, t in para))
            line = para[0][0]
            if para_is_question:
                blocks.append(Block("heading", escape_markdown(joined), joined, line, level=2, question=True))
            elif len(para) == 1 and looks_like_heading(joined):
                # The file's first line, standing alone, is the title; later ones are section headings.
                blocks.append(Block("heading", escape_markdown(joined), joined, line, level=1 if not blocks and line == first_line else 2))
            else:
                blocks.append(_paragraph(escape_markdown(joined), joined, line))
        if items:
            blocks.append(_list([_item(escape_markdown(fold(t)), fold(t), n, plain=True) for n, t in items], ordered))
        para, para_is_question, items = [], False, []

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if split_credit(line) is not None:
            flush()
            blocks.extend(_plain_paragraph(line, number))
            continue
        qa = _QA.match(line)
        if qa:
            flush()
            para = [(number, qa.group("text"))]
            para_is_question = qa.group("mark").upper().startswith("Q")
            continue
        bullet = _BULLET.match(raw)
        numbered = _NUMBERED.match(raw)
        if numbered and numbered.group("text").rstrip().endswith("?") and not items:
            # "1. What is ...?" on its own line is a question, not a list.
            flush()
            question = numbered.group("text").strip()
            blocks.append(Block("heading", escape_markdown(question), question, number, level=2, question=True))
            continue
        if bullet or numbered:
            if para:
                flush()
            if items and ordered != bool(numbered):
                flush()
            ordered = bool(numbered)
            items.append([number, (bullet or numbered).group("text")])
            continue
        if items and raw[:1].isspace():
            items[-1][1] += " " + line  # an indented line continues the item above
            continue
        if items:
            flush()
        para.append((number, line))
    flush()
    return blocks


def _first_line(text: str) -> int:
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            return number
    return 0


# --- Markdown ---------------------------------------------------------------------------------

def _split_qa_lines(markdown: str, line: int) -> list[Block]:
    """A paragraph whose lines start with `Q:` or `A:` split into question headings and answers."""
    out: list[Block] = []
    current: list[str] = []
    is_question = False
    first = line

    def close() -> None:
        if current:
            md = "\n".join(current)
            plain = fold(" ".join(plain_blocks(md)))
            out.append(Block("heading", md, plain, first, level=2, question=True) if is_question else _paragraph(md, plain, first))

    for offset, text_line in enumerate(markdown.split("\n")):
        qa = _QA.match(text_line)
        if qa:
            close()
            current, is_question, first = [qa.group("text")], qa.group("mark").upper().startswith("Q"), line + offset
        else:
            current.append(text_line)
    close()
    return out


def _md_paragraph(markdown: str, line: int) -> list[Block]:
    plain = fold(" ".join(plain_blocks(markdown)))
    if not plain:
        return []
    if _QA.match(markdown):
        return _split_qa_lines(markdown, line)
    if "\n" not in markdown and split_credit(plain) is not None:
        return _plain_paragraph(plain, line)
    return [_paragraph(markdown, plain, line)]


def _read_markdown(text: str) -> list[Block]:
    """Markdown through markdown-it's token stream: headings, paragraphs and lists, with source lines."""
    tokens = parse_tokens(text)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = token.map[0] + 1 if token.map else 1
        if token.type == "heading_open":
            inline = tokens[i + 1]
            plain = fold(" ".join(plain_blocks(inline.content)))
            if plain:
                blocks.append(Block("heading", inline.content, plain, line, level=int(token.tag[1])))
            i += 3
            continue
        if token.type == "paragraph_open":
            blocks.extend(_md_paragraph(tokens[i + 1].content, line))
            i += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, i)
            blocks.extend(_md_list(tokens[i:end + 1], token.type == "ordered_list_open"))
            i = end + 1
            continue
        if token.type in ("fence", "code_block"):
            plain = fold(token.content)
            if plain:
                blocks.append(Block("paragraph", escape_markdown(plain), plain, line))
        i += 1
    return blocks


def _closing(tokens: list, start: int) -> int:
    """The index of the token that closes the one at start."""
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _md_list(tokens: list, ordered: bool) -> list[Block]:
    items: list[Item] = []
    depth = 0
    parts: list[str] = []
    line = 1
    for token in tokens[1:-1]:
        if token.type == "list_item_open" and depth == 0:
            parts, line = [], token.map[0] + 1 if token.map else 1
        if token.type == "inline" or token.type in ("fence", "code_block"):
            parts.append(token.content.strip() if token.type == "inline" else escape_markdown(fold(token.content)))
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and parts:
            markdown = "\n\n".join(p for p in parts if p)
            items.append(_item(markdown, fold(" ".join(plain_blocks(markdown))), line, plain=False))
    if ordered and items and all(item.label is None and item.text.endswith("?") and len(item.text) <= MAX_HEADING_CHARS for item in items):
        # "1. What is ...?" items are numbered questions: each heads the text that follows it.
        return [Block("heading", item.markdown, item.text, item.line, level=2, question=True) for item in items]
    return [_list(items, ordered)] if items else []


# --- HTML -------------------------------------------------------------------------------------

# Not the article's text: code, styling, embeds, menus and forms.
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "iframe", "svg", "nav", "form", "button"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "li", "blockquote", "figure", "figcaption", "pre", "table", "div", "section", "article", "header", "footer", "main", "aside", "dl", "dt", "dd", "address", "hr"}) | frozenset(_HEADINGS)
_DEK_CLASSES = frozenset({"dek", "deck", "standfirst", "subtitle", "subhead", "summary", "lede", "lead", "description"})
_CREDIT_CLASSES = frozenset({"credit", "photo-credit", "image-credit", "caption-credit"})


def _classes(el) -> set[str]:
    return set((el.get("class") or "").lower().split())


def _read_html(text: str) -> list[Block]:
    """HTML through lxml: the first <article> (or <main>, or <body>) read in document order.

    Headings, paragraphs and lists become blocks; text outside any of them becomes a paragraph, so
    nothing inside the article is dropped except scripts, styles, menus and forms.
    """
    if not text.strip():
        return []
    doc = lxml.html.document_fromstring(text)
    _space_blocks(doc)
    root = next(iter(doc.xpath("//article") or doc.xpath("//main") or doc.xpath("//body") or [doc]))
    blocks: list[Block] = []
    if not root.xpath(".//h1"):
        # The title may sit outside the <article> (in a page header), or only in <title>.
        title = next(iter(doc.xpath("//h1") or doc.xpath("//title")), None)
        plain = fold(title.text_content()) if title is not None else ""
        if plain:
            blocks.append(Block("heading", escape_markdown(plain), plain, title.sourceline or 1, level=1))
    _html_loose(root.text, root.sourceline or 1, blocks)
    _walk_html(root, blocks)
    return blocks


def _space_blocks(doc) -> None:
    """Put a space at both ends of every block element and <br>, so text_content() never runs two blocks together."""
    for el in doc.iter():
        if isinstance(el.tag, str) and (el.tag in _BLOCK_TAGS or el.tag == "br"):
            el.tail = " " + (el.tail or "")
            previous, parent = el.getprevious(), el.getparent()
            if previous is not None:
                previous.tail = (previous.tail or "") + " "
            elif parent is not None:
                parent.text = (parent.text or "") + " "


def _html_loose(text: str | None, line: int, blocks: list[Block]) -> None:
    """Text directly inside a container (not in any block element) is a paragraph too: nothing is dropped."""
    plain = fold(text or "")
    if plain:
        blocks.extend(_plain_paragraph(plain, line))


def _has_blocks(el) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in el.iterdescendants())


def _walk_html(el, blocks: list[Block]) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        line = child.sourceline or 1
        if tag in _SKIP or not tag:
            _html_loose(child.tail, line, blocks)
            continue
        classes = _classes(child)
        plain = fold(child.text_content())
        if tag in _HEADINGS:
            if plain:
                blocks.append(Block("heading", escape_markdown(plain), plain, line, level=_HEADINGS[tag]))
        elif tag in ("ul", "ol"):
            items = [li for li in child if li.tag == "li"]
            parsed = [_item(escape_markdown(fold(li.text_content())), fold(li.text_content()), li.sourceline or line, plain=True) for li in items if fold(li.text_content())]
            if parsed:
                blocks.append(_list(parsed, tag == "ol"))
        elif plain and classes & _DEK_CLASSES and not _has_blocks(child):
            blocks.append(Block("dek", escape_markdown(plain), plain, line))
        elif plain and classes & _CREDIT_CLASSES and not _has_blocks(child):
            credit = split_credit(plain)
            name = credit[1] if credit and not credit[0] else plain
            blocks.append(Block("credit", name, name, line))
        elif tag in ("p", "figcaption", "pre", "address", "dt", "dd", "li") or (plain and not _has_blocks(child)):
            if plain:
                blocks.extend(_plain_paragraph(plain, line))
        else:
            _html_loose(child.text, line, blocks)
            _walk_html(child, blocks)
        _html_loose(child.tail, line, blocks)
