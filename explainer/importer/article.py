"""An article (plain text, Markdown or HTML) read into blocks: headings, paragraphs, lists, credits.

The importer and the provenance check read articles through this one module, so the sentences the
importer counts are the sentences the check looks for. Markers that the page prints itself or that
only mark structure (bullets, `Q:` and `A:`, question numbers, a photo credit's `Photo-`, a
`Challenges:` lead) are kept apart from the text: they are structure, not sentences.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from explainer.content.markdown import parse_tokens, plain_blocks
from explainer.content.parse import MAX_FILE_BYTES
from explainer.content.schema import load_schema
from explainer.importer.furniture import byline_of, date_of, fold, furniture_of, split_credit
from explainer.importer.webpage import read_page, refuse_large_page

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")
EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}

# A "leftover" is prose of a web page that its extractor left out: it waits for an editor.
Kind = Literal["heading", "paragraph", "list", "credit", "caption", "dek", "furniture", "leftover"]


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
    reader sees, with white space folded. A heading's `question` says the article marked it as a
    question (`Q:` or a number) rather than by its wording. A paragraph that leads with a label
    (`**Label.** text`, `1 Label: text`) has it in `label`, and the Markdown after it in `body`.
    """

    kind: Kind
    markdown: str
    text: str
    line: int
    level: int = 0  # headings: 1 for the title, 2 and deeper for sections
    items: tuple[Item, ...] = ()  # lists only
    ordered: bool = False  # lists only
    label: str | None = None  # paragraphs only: the plain text of a leading label
    body: str = ""  # paragraphs with a label: the Markdown after it
    question: bool = False  # headings only
    number: int | None = None  # headings and labelled paragraphs that the article numbered
    numbers: tuple[int, ...] = ()  # ordered lists: each item's number as the article wrote it
    furniture: str = ""  # furniture: what it is ("byline", "promotion", ...), as the summary counts it


@dataclass(frozen=True, slots=True)
class Article:
    """The blocks of one article, the format it was read as, and what a web page said of it."""

    format: Format
    blocks: tuple[Block, ...]
    byline: str | None = None
    published: dt.date | None = None
    reader: str = ""  # for a web page: how its article was found
    set_aside: tuple[tuple[str, int], ...] = ()  # page chrome left out, by kind, with how many blocks
    dropped: int = 0  # control characters left out of the text
    language: str | None = None  # for a web page: the language it says it is in


def format_for(name: str) -> Format | None:
    """The format a file name's extension implies, or None when it says nothing."""
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot >= 0 else None


# Characters that are not text: C0 and C1 controls (but tab and line breaks) and noncharacters.
# An article never needs them, and content refuses them, so they are left out and counted.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def read_article(text: str, fmt: Format) -> Article:
    """Read article text in the given format into blocks. An HTML page is read for its article
    only (webpage.py); raises webpage.PageRefused for a page too large to read, or that no parser
    can read whole."""
    if fmt == "html":
        refuse_large_page(text)
    text, dropped = _CONTROL.subn("", text)
    if fmt == "html":
        article = _read_page(text, dropped)
    else:
        readers = {"text": _read_text, "markdown": _read_markdown}
        article = Article(fmt, tuple(readers[fmt](text)), dropped=dropped)
    # A page's character references (&#1;, &#x1b;) make control characters only once it is parsed:
    # they are left out of what was read, as those in its text were.
    cleaned = [_without_control(b) for b in article.blocks]
    dropped += sum(n for _, n in cleaned)
    blocks = tuple(_bare_number(_as_read(b)) for b, _ in cleaned)
    # A byline or date line set aside as furniture gives the byline and date the page's own data did not.
    byline = article.byline or next((byline_of(b.text) for b in blocks if b.furniture == "byline"), None)
    byline = _CONTROL.sub("", byline) if byline else byline
    published = article.published or next((date_of(b.text) for b in blocks if b.furniture == "date line"), None)
    return replace(article, blocks=blocks, byline=byline, published=published, dropped=dropped)


def _without_control(block: Block) -> tuple[Block, int]:
    """A block with the control characters its parsed text holds left out, and how many there were."""
    def clean(text: str) -> str:
        return _CONTROL.sub("", text)

    dropped = len(_CONTROL.findall(block.text)) + sum(len(_CONTROL.findall(i.text)) for i in block.items)
    if not dropped and not _CONTROL.search(block.markdown):
        return block, 0
    items = tuple(replace(i, markdown=clean(i.markdown), body=clean(i.body), text=clean(i.text), label=clean(i.label) if i.label else i.label) for i in block.items)
    return replace(block, markdown=clean(block.markdown), text=clean(block.text), body=clean(block.body), items=items,
                   label=clean(block.label) if block.label else block.label), dropped


# An explainer keeps every sentence of its article, and a content file holds at most MAX_FILE_BYTES
# bytes: an article whose text is longer can never be one, and is refused (by `import` and `check`
# alike) before the work that grows with it (splitting sentences, arranging, writing YAML), not after.
def text_too_large(article: Article) -> str | None:
    """Why an article's text can never fit in a content file, or None."""
    size = 0
    for block in article.blocks:
        size += len(block.markdown.encode("utf-8")) + sum(len(i.markdown.encode("utf-8")) for i in block.items)
        if size > MAX_FILE_BYTES:
            return f"the article's text is larger than a content file may hold ({MAX_FILE_BYTES:,} bytes): import it in parts, or split the article"
    return None


def paragraph_too_long(article: Article) -> str | None:
    """Why a paragraph of an article cannot be imported into the one field the importer puts it in
    (at most as many characters as the schema lets a Markdown field hold), or None."""
    most = load_schema("explainer")["$defs"]["markdown"]["maxLength"]
    block = next((b for b in article.blocks if b.kind != "list" and len(b.markdown) > most), None)
    if block is None:
        return None
    return (f"a paragraph of the article (line {block.line}) is {len(block.markdown):,} characters long, more than a field may hold ({most:,}): "
            "split it into paragraphs, or import the article in parts")


# No headline, question or section heading is longer than this: a longer "heading" is a paragraph
# set in a heading's type (a page that wraps its text in <h2>), and is read as one.
MAX_HEADING_TEXT = 300


def _as_read(block: Block) -> Block:
    if block.kind == "heading" and len(block.text) > MAX_HEADING_TEXT:
        return Block("paragraph", block.markdown, block.text, block.line)
    return block


_BARE_NUMBER = re.compile(r"^(?P<number>\d{1,2})[.)]?$")


def _bare_number(block: Block) -> Block:
    """A heading or paragraph that is only a number ("3") is a numbered point: the label of the text after it."""
    match = _BARE_NUMBER.match(block.text) if block.kind in ("heading", "paragraph") else None
    if match is None:
        return block
    return Block("paragraph", block.markdown, block.text, block.line, label=match.group("number"), number=int(match.group("number")))


# --- shared recognisers -----------------------------------------------------------------------

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
# "**Label** text" and "**Label.** text" in Markdown: a bold lead with no colon.
_MD_BOLD_LABEL = re.compile(r"^(?P<open>\*\*|__)(?P<label>[^*_\n]{1,60}?)[.]?(?P=open)[.]?\s+(?P<rest>\S[\s\S]*)$")
# A list item or paragraph that is only a label: "**Sanctions relief**", "Sanctions relief:".
_MD_LABEL_ONLY = re.compile(r"^(?P<open>\*\*|__)(?P<label>[^*_\n]{1,60}?)[.:]?(?P=open)[.:]?$")
# "**Label:** text" and "**Label**: text" in Markdown (also with underscores).
_MD_LABEL = re.compile(r"^(?P<open>\*\*|__)(?P<label>[^*_\n]{1,60}?)(?::\s*(?P=open)|(?P=open)\s*:)\s*(?P<rest>\S[\s\S]*)$")
MAX_LABEL_WORDS = 6


def split_label(text: str, plain: bool) -> tuple[str, str] | None:
    """(label, rest) for an item that starts with a short label and a colon, else None.

    Plain text is matched as "Label: text"; Markdown also as "**Label:** text". Both parts come back
    in the form they were given (plain or Markdown).
    """
    match = (None if plain else (_MD_LABEL.match(text) or _MD_BOLD_LABEL.match(text))) or _LABEL.match(text)
    if match is None:
        return None
    label = match.group("label").strip()
    if not label or len(label.split()) > MAX_LABEL_WORDS:
        return None
    return label, match.group("rest").strip()


# A paragraph that leads with a bold label: "**Label.** text", "**Label:** text", "**Label** text".
_BOLD_LEAD = re.compile(r"^(?P<open>\*\*|__)(?P<label>[^*_\n]{1,60}?)(?P<end>[.:!?])?(?P=open)(?P<after>[.:])?\s+(?P<rest>\S[\s\S]*)$")
# A numbered point with a label, with or without a full stop: "1 Finally, a truce: text", "2. The vote: text".
_NUMBERED_LEAD = re.compile(r"^(?P<number>\d{1,2})[.)]?\s+(?P<label>[^:.?!\n]{1,60}):(?:\s+(?P<rest>\S[\s\S]*))?$")

def _paragraph(markdown: str, text: str, line: int, *, bold: bool = True) -> Block:
    """A paragraph, with a leading label kept apart: a bold one (in Markdown) or a numbered one.

    `bold` is False for text whose bold the reader has already turned into plain text."""
    numbered = _NUMBERED_LEAD.match(text)
    if numbered and len(numbered.group("label").split()) <= MAX_LABEL_WORDS:
        rest = _NUMBERED_LEAD.match(markdown)
        body = rest.group("rest") or "" if rest else ""
        return Block("paragraph", markdown, text, line, label=fold(numbered.group("label")), body=body, number=int(numbered.group("number")))
    match = (_BOLD_LEAD.match(markdown) or _MD_LABEL_ONLY.match(markdown)) if bold else None
    if match and len(match.group("label").split()) <= MAX_LABEL_WORDS:
        label = fold(" ".join(plain_blocks(match.group("label")))) or fold(match.group("label"))
        return Block("paragraph", markdown, text, line, label=label, body=match.groupdict().get("rest") or "")
    return Block("paragraph", markdown, text, line)


def label_only(block: Block) -> str | None:
    """The label of a block that is nothing but a label, leading the paragraphs after it: a
    paragraph "**Sanctions relief**" or "3 Sanctions relief:", or a one-item list of one."""
    if block.kind == "paragraph":
        return block.label if block.label and not block.body.strip() else None
    if block.kind != "list" or len(block.items) != 1:
        return None
    item = block.items[0]
    if item.label and not item.text.strip():
        return item.label
    bold = _MD_LABEL_ONLY.match(item.markdown)
    words = item.text.rstrip(":").split()
    # A bullet of a few words that is not a sentence ("- Pay", "• Sanctions relief") labels the text after it.
    plain = not item.text.endswith((".", ",", ";", "!", "?", "…")) and ":" not in item.text.rstrip(":")
    if (bold or item.text.endswith(":") or plain) and 0 < len(words) <= MAX_LABEL_WORDS:
        return fold(" ".join(plain_blocks(bold.group("label")))) if bold else " ".join(words)
    return None


def _furniture(markdown: str, text: str, line: int) -> Block | None:
    kind = furniture_of(text)
    return Block("furniture", markdown, text, line, furniture=kind) if kind else None


def _plain_paragraph(plain: str, line: int) -> list[Block]:
    """A paragraph of plain text (from a text file or HTML): a credit line, furniture, or an escaped paragraph."""
    credit = split_credit(plain)
    if credit is None:
        return [_furniture(escape_markdown(plain), plain, line) or _paragraph(escape_markdown(plain), plain, line)]
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


def _list(items: list[Item], ordered: bool, numbers: list[int] | None = None) -> Block:
    """A list; an ordered one keeps the article's own numbers (a list that starts at 3 starts at 3)."""
    numbers = (numbers or list(range(1, len(items) + 1))) if ordered else []
    markdown = "\n".join(f"{n}. {item.markdown}" if ordered else f"- {item.markdown}" for n, item in zip(numbers or [0] * len(items), items))
    return Block("list", markdown, " ".join(i.text for i in items), items[0].line, items=tuple(items), ordered=ordered, numbers=tuple(numbers))


# --- plain text -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*•·▪◦‣–]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+(?P<text>\S.*)$")
# A numbered point without a full stop, as some outlets write them: "1 Finally, a truce: ...".
# Only a number of one or two digits before a capitalised label and a colon, so that "100
# people came: ..." stays a sentence.
_NUMBERED_BARE = re.compile(r"^\s*(?P<n>\d{1,2})\s+(?P<text>[A-Z][^:\n]{0,59}:.*)$")
# A run of lines longer than this is not text wrapped at a fixed width but paragraphs pasted one
# to a line (as from a web page or a word processor): each line is a paragraph of its own.
LONG_LINE = 100
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
    # A word processor's export (Google Docs, Word: lines ending in CR LF) writes each paragraph on one line.
    one_per_line = "\r\n" in text
    items: list[list] = []  # [line, text] pairs, so continuation lines can extend the last one
    ordered = False

    def paragraph(lines: list[tuple[int, str]]) -> None:
        joined = fold(" ".join(t for _, t in lines))
        line = lines[0][0]
        furniture = _furniture(escape_markdown(joined), joined, line)
        if furniture is not None:
            blocks.append(furniture)
        elif len(lines) == 1 and looks_like_heading(joined):
            # The file's first line, standing alone, is the title; later ones are section headings.
            blocks.append(Block("heading", escape_markdown(joined), joined, line, level=1 if not blocks and line == first_line else 2))
        else:
            blocks.append(_paragraph(escape_markdown(joined), joined, line, bold=False))

    def flush() -> None:
        nonlocal para, para_is_question, items
        if para:
            if para_is_question:
                joined = fold(" ".join(t for _, t in para))
                blocks.append(Block("heading", escape_markdown(joined), joined, para[0][0], level=2, question=True))
            elif len(para) > 1 and (one_per_line or max(len(t) for _, t in para) > LONG_LINE):
                for one in para:  # paragraphs pasted one to a line
                    paragraph([one])
            else:
                paragraph(para)
        if items:
            blocks.append(_list([_item(escape_markdown(fold(t)), fold(t), n, plain=True) for n, t, _ in items], ordered, [k for _, _, k in items]))
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
        numbered = _NUMBERED.match(raw) or _NUMBERED_BARE.match(raw)
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
            items.append([number, (bullet or numbered).group("text"), int(numbered.group("n")) if numbered else 0])
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


# A Markdown paragraph that is only images: their alt text is a description, not the article's text.
_MD_IMAGES = re.compile(r"^(?:\s*!\[[^\]]*\]\([^)]*\)\s*)+$")
# "1 A pause first: ..." points written on lines of their own, with no blank line between them.
_NUMBERED_LINES = re.compile(r"^\d{1,2}[.)]?\s+[^\n:]{1,60}:", re.MULTILINE)


def _md_paragraph(markdown: str, line: int) -> list[Block]:
    plain = fold(" ".join(plain_blocks(markdown)))
    if not plain:
        return []
    if _MD_IMAGES.match(markdown):
        alt = fold(" ".join(re.findall(r"!\[([^\]]*)\]", markdown)))
        return [Block("furniture", markdown, alt, line, furniture="alt text")] if alt else []
    if _QA.match(markdown):
        return _split_qa_lines(markdown, line)
    lines = markdown.split("\n")
    if len(lines) > 1 and len(_NUMBERED_LINES.findall(markdown)) == len(lines):
        # Each numbered point is a paragraph of its own, as a reader sees it.
        return [block for offset, one in enumerate(lines) for block in _md_paragraph(one, line + offset)]
    if "\n" not in markdown and split_credit(plain) is not None:
        return _plain_paragraph(plain, line)
    return [_furniture(markdown, plain, line) or _paragraph(markdown, plain, line)]


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
    numbers: list[int] = []
    depth = 0
    parts: list[str] = []
    line = 1
    for token in tokens[1:-1]:
        if token.type == "list_item_open" and depth == 0:
            parts, line = [], token.map[0] + 1 if token.map else 1
            number = int(token.info) if token.info.isdigit() else len(numbers) + 1
        if token.type == "inline" or token.type in ("fence", "code_block"):
            parts.append(token.content.strip() if token.type == "inline" else escape_markdown(fold(token.content)))
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and parts:
            markdown = "\n\n".join(p for p in parts if p)
            items.append(_item(markdown, fold(" ".join(plain_blocks(markdown))), line, plain=False))
            numbers.append(number)
    if ordered and items and all(item.label is None and item.text.endswith("?") and len(item.text) <= MAX_HEADING_CHARS for item in items):
        # "1. What is ...?" items are numbered questions: each heads the text that follows it.
        return [Block("heading", item.markdown, item.text, item.line, level=2, question=True) for item in items]
    return [_list(items, ordered, numbers)] if items else []


# --- HTML -------------------------------------------------------------------------------------

# Not the article's text: code, styling, embeds, menus and forms.
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "iframe", "svg", "nav", "form", "button"})  # webpage.py sets these aside; this is for what it leaves
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "li", "blockquote", "figure", "figcaption", "pre", "table", "div", "section", "article", "header", "footer", "main", "aside", "dl", "dt", "dd", "address", "hr"}) | frozenset(_HEADINGS)
_DEK_CLASSES = frozenset({"dek", "deck", "standfirst", "subtitle", "subhead", "summary", "lede", "lead", "description", "story-body__introduction", "article-summary", "intro-text"})
_CREDIT_CLASSES = frozenset({"credit", "photo-credit", "image-credit", "caption-credit"})


def _classes(el) -> set[str]:
    return set((el.get("class") or "").lower().split())


def _read_page(text: str, dropped: int) -> Article:
    """A saved web page: its article (webpage.py finds it), read in document order.

    Headings, paragraphs and lists become blocks; text outside any of them becomes a paragraph, so
    nothing of the article is dropped. The title is the article's own headline; a byline, a
    date, captions, credits and a description go where the importer asks for them.
    """
    if not text.strip():
        return Article("html", (), dropped=dropped)
    page = read_page(text)
    root = page.content
    _space_blocks(root)
    # The headline is the one level-1 heading; any other <h1> of the article heads a section.
    for h1 in root.iter("h1"):
        h1.tag = "h2"
    if page.title_element is not None:
        page.title_element.tag = "h1"
    blocks: list[Block] = []
    if page.title_element is None and page.title:
        blocks.append(Block("heading", escape_markdown(page.title), page.title, 1, level=1))
    blocks += [Block("caption", escape_markdown(c), c, line) for c, line in page.captions]
    blocks += [Block("leftover", escape_markdown(c), c, line) for c, line in page.leftovers]
    blocks += [Block("furniture", escape_markdown(h), h, line, furniture="heading left out of the article") for h, line in page.headings_left_out]
    blocks += [Block("furniture", escape_markdown(t), t, line, furniture=kind) for t, line, kind in page.inside]
    blocks += [Block("credit", c, c, line) for c, line in page.credits]
    if page.standfirst is not None:
        standfirst, line = page.standfirst
        blocks.append(Block("dek", escape_markdown(standfirst), standfirst, line))
    described = page.description and page.standfirst is None and not any(_classes(el) & _DEK_CLASSES for el in root.iter() if isinstance(el.tag, str))
    if described and normalise_space(page.description).casefold() not in normalise_space(root.text_content()).casefold():
        # The page's own description of the article, when the article has no standfirst.
        blocks.append(Block("dek", escape_markdown(fold(page.description)), fold(page.description), 1))
    _html_loose(root.text, root.sourceline or 1, blocks)
    _walk_html(root, blocks)
    if page.description and not any(b.kind == "dek" for b in blocks):
        blocks = _description_heading(blocks, page.description)
    return Article("html", tuple(blocks), page.byline, page.published, page.reader, tuple(sorted(page.set_aside.items())), dropped, page.language)


def _description_heading(blocks: list[Block], description: str) -> list[Block]:
    """The article's first block after its headline, when it is a heading that says what the page's
    description says, is the standfirst set in a heading's type: the dek, not a section's heading."""
    after_title = False
    for at, block in enumerate(blocks):
        if block.kind in ("credit", "caption", "furniture", "leftover") or (block.kind == "heading" and block.level == 1):
            after_title = after_title or block.kind == "heading"
            continue
        if after_title and block.kind == "heading" and normalise_space(block.text).casefold() == normalise_space(description).casefold():
            return [*blocks[:at], Block("dek", block.markdown, block.text, block.line), *blocks[at + 1:]]
        break
    return blocks


def normalise_space(text: str) -> str:
    return " ".join(text.split())


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


def _bold_lead(el) -> tuple[str, str] | None:
    """(label, rest) for an element that opens with a short bold label: <strong>Label:</strong> text."""
    first = next((c for c in el if isinstance(c.tag, str)), None)
    if first is None or first.tag not in ("strong", "b") or fold(el.text or "") or first is not el[0]:
        return None
    label = fold(first.text_content()).rstrip(".:").strip()
    rest = fold(el.text_content())[len(fold(first.text_content())):].lstrip(" .:")
    if not label or len(label.split()) > MAX_LABEL_WORDS:
        return None
    return label, rest


def _html_item(li, line: int) -> Item:
    """A list item; one that opens with a bold label has it as its label."""
    plain = fold(li.text_content())
    lead = _bold_lead(li)
    if lead is None:
        return _item(escape_markdown(plain), plain, line, plain=True)
    label, rest = lead
    return Item(escape_markdown(plain), escape_markdown(rest), rest, label, line)


def _html_numbers(ol, items: list) -> list[int]:
    """Each item's number as the page shows it: from the list's `start`, or an item's own `value`."""
    start = ol.get("start") or "1"
    number = int(start) - 1 if start.strip().lstrip("-").isdigit() else 0
    out = []
    for li in items:
        value = (li.get("value") or "").strip()
        number = int(value) if value.isdigit() else number + 1
        out.append(number)
    return out


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
            items = [li for li in child if li.tag == "li" and fold(li.text_content())]
            if items:
                blocks.append(_list([_html_item(li, li.sourceline or line) for li in items], tag == "ol", _html_numbers(child, items)))
        elif plain and classes & _DEK_CLASSES and not _has_blocks(child):
            blocks.append(Block("dek", escape_markdown(plain), plain, line))
        elif plain and classes & _CREDIT_CLASSES and not _has_blocks(child):
            credit = split_credit(plain)
            name = credit[1] if credit and not credit[0] else plain
            blocks.append(Block("credit", name, name, line))
        elif tag in ("p", "figcaption", "pre", "address", "dt", "dd", "li") or (plain and not _has_blocks(child)):
            lead = _bold_lead(child)
            if lead:
                label, rest = lead
                blocks.append(Block("paragraph", escape_markdown(plain), plain, line, label=label, body=escape_markdown(rest)))
            elif plain:
                blocks.extend(_plain_paragraph(plain, line))
        else:
            _html_loose(child.text, line, blocks)
            _walk_html(child, blocks)
        _html_loose(child.tail, line, blocks)
