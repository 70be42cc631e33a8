"""Sentences, and whether an explainer keeps the article it was made from: `python build.py check`.

Matching is on normalised text: Unicode compatibility forms folded, curly quotes and dashes made
plain, white space folded, case ignored, Markdown markup removed. A source sentence is present when
its normalised text appears inside one field of the explainer (a paragraph, a heading, a card).
An explainer sentence is supported when it is in the source, or when each of its clauses (split at
semicolons) finds one passage of the source (a paragraph, heading or list item) holding all its
numbers and more than half its content words. Otherwise it is listed as unsupported: most of its
words (at least half), or a number, are absent from every single passage. That is a signal for an editor, not a verdict.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pysbd

from .article import Article, format_for, read_article
from .errors import ContentError, field_path
from .load import RawDoc, load_project
from .markdown import plain_blocks
from .validate import load_schema, node_at, validate_project


@cache
def _segmenter() -> pysbd.Segmenter:
    # clean=False: sentences come back as written, so they can be found again in the text.
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """The sentences of one block of plain text, white space folded; abbreviations like U.S. do not end one."""
    text = " ".join(text.split())
    if not text:
        return []
    return [s for s in (" ".join(part.split()) for part in _segmenter().segment(text)) if s]


_TYPOGRAPHY = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
})
_DASH_SPACES = re.compile(r"\s*-\s*")


def normalise(text: str) -> str:
    """Text as compared: compatibility forms folded, plain quotes and dashes, folded space, no case."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    # "war — and" and "war—and" are one spelling.
    return _DASH_SPACES.sub("-", " ".join(text.split()))


def contains(haystack: str, needle: str) -> bool:
    """True when needle occurs in haystack as whole words (both already normalised)."""
    if not needle:
        return False
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not haystack[start - 1].isalnum()) and (end == len(haystack) or not haystack[end].isalnum()):
            return True
        start = haystack.find(needle, start + 1)
    return False


# Function words carry no facts; an explainer's own phrasing is free to use any of them.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him himself
his how i if in into is it its itself just may me might more most must my myself no nor not now of off on once only or other
our ours ourselves out over own same shall she should so some such than that the their theirs them themselves then there
these they this those through to too under until up us very was we were what when where which while who whom why will with
would yet you your yours yourself yourselves
""".split())
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_POSSESSIVE = re.compile(r"'s\b")


def words(text: str) -> list[str]:
    """The words of text as compared: normalised, possessive 's dropped, single letters skipped."""
    return [w for w in _WORD.findall(_POSSESSIVE.sub("", normalise(text))) if len(w) > 1 or w.isdigit()]


def numbers(text: str) -> list[str]:
    """The numbers written in text, like 2025, 1.8 or 200,000."""
    return _NUMBER.findall(text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or heading, or label) of an article, and the line it starts on."""

    text: str
    line: int


def article_passages(article: Article) -> list[str]:
    """The passages of an article a sentence may draw on: each heading, paragraph, credit and list item."""
    out: list[str] = []
    for block in article.blocks:
        if block.kind == "list":
            out.extend(f"{item.label}: {item.text}" if item.label else item.text for item in block.items)
        else:
            out.append(block.text)
    return out


def article_sentences(article: Article) -> list[Sentence]:
    """Every sentence of an article in reading order; a heading, list label or credit counts as one."""
    out: list[Sentence] = []
    for block in article.blocks:
        if block.kind in ("heading", "credit"):
            out.append(Sentence(block.text, block.line))
        elif block.kind == "list":
            for item in block.items:
                if item.label:
                    out.append(Sentence(item.label, item.line))
                out.extend(Sentence(s, item.line) for s in split_sentences(item.text))
        else:
            out.extend(Sentence(s, block.line) for s in split_sentences(block.text))
    return out


FieldPath = tuple[str | int, ...]


def text_fields(data: dict[str, Any]) -> list[tuple[FieldPath, list[str]]]:
    """Every text field of an explainer with the plain text a reader sees, one string per block.

    The schema says which fields are text: `line` fields are taken as written, `markdown` fields
    lose their markup. Ids, slugs, dates, URLs and the importer's `unplaced` list are not text.
    """
    schema = load_schema("explainer")
    out: list[tuple[FieldPath, list[str]]] = []

    def resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if "$ref" not in node:
            return None, node
        kind = node["$ref"].rsplit("/", 1)[-1]
        return kind, schema["$defs"][kind]

    def walk(value: Any, node: dict[str, Any], path: FieldPath) -> None:
        kind, node = resolve(node)
        if "oneOf" in node and isinstance(value, dict):
            # A section: the branch of the kind it names by the field it carries.
            branches = [resolve(b)[1] for b in node["oneOf"]]
            node = next((b for b in branches if b.get("title") in value), {})
        if isinstance(value, str):
            if kind == "line":
                out.append((path, [" ".join(value.split())]))
            elif kind == "markdown":
                out.append((path, plain_blocks(value)))
        elif isinstance(value, list) and "items" in node:
            for i, item in enumerate(value):
                walk(item, node["items"], path + (i,))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in node.get("properties", {}):
                    walk(item, node["properties"][key], path + (key,))

    walk(data, schema, ())
    return out


def present_sentences(sentences: list[Sentence], blocks: list[str]) -> list[bool]:
    """For each sentence, whether it appears (normalised, as whole words) inside one of the blocks."""
    haystacks = [normalise(b) for b in blocks]
    return [any(contains(h, normalise(s.text)) for h in haystacks) for s in sentences]


# --- the check --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unsupported:
    """An explainer sentence the source does not support, where it is, and the words it lacks."""

    file: str
    line: int
    column: int
    field: str
    sentence: str
    absent: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.field}: {self.sentence} [not in the source: {', '.join(self.absent)}]"


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One made_from entry: how many of its sentences the explainer has, and which it lacks."""

    source: str
    total: int
    missing: tuple[Sentence, ...]
    skipped: str | None = None  # why it was not read (an address), else None

    @property
    def present(self) -> int:
        return self.total - len(self.missing)

    @property
    def share(self) -> str:
        """The share present, rounded down so that 100% means every sentence."""
        if self.total == 0:
            return "100%"
        tenths = math.floor(1000 * self.present / self.total) / 10
        return f"{tenths:g}%"


@dataclass(frozen=True, slots=True)
class ExplainerReport:
    """The check of one explainer against the articles it names in made_from."""

    file: str
    sources: tuple[SourceReport, ...]
    unsupported: tuple[Unsupported, ...]

    @property
    def complete(self) -> bool:
        return all(not s.missing for s in self.sources)


def _is_address(entry: str) -> bool:
    return entry.startswith(("http://", "https://"))


def _sentence_mark(lines: list[str], node: Any, sentence: str) -> tuple[int, int]:
    """The 1-based line and column of a sentence inside a field's node, or the node's own when it cannot be found.

    Block scalars keep each paragraph on its own lines, so most sentences can be pointed at exactly.
    """
    first, last = node.start_mark.line, min(node.end_mark.line, len(lines) - 1)
    probe = sentence[:40]
    for number in range(first, last + 1):
        column = lines[number].find(probe)
        if column >= 0:
            return number + 1, column + 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def check_explainer(doc: RawDoc, sources: dict[str, Article], text: str = "") -> ExplainerReport:
    """Compare one validated explainer with the articles it was made from (read already, keyed by made_from entry).

    Entries that are addresses are reported as skipped; every other entry must be in sources.
    text is the explainer file's text, used to point at the line of each unsupported sentence.
    """
    lines = text.splitlines()
    # Published text only: text_fields leaves out `unplaced`, which readers never see.
    fields = text_fields(doc.data)
    explainer_blocks = [b for _, blocks in fields for b in blocks]
    reports: list[SourceReport] = []
    for entry in doc.data.get("made_from", ()):
        if _is_address(entry):
            reports.append(SourceReport(entry, 0, (), skipped="an address: the check reads files in the project and never fetches from the network"))
            continue
        sentences = article_sentences(sources[entry])
        found = present_sentences(sentences, explainer_blocks)
        reports.append(SourceReport(entry, len(sentences), tuple(s for s, ok in zip(sentences, found) if not ok)))
    unsupported: list[Unsupported] = []
    passages = [_Passage.of(p) for entry in doc.data.get("made_from", ()) if entry in sources for p in article_passages(sources[entry])]
    if passages:
        source_text = "\n".join(p.text for p in passages)
        for path, blocks in fields:
            node, _ = node_at(doc.node, list(path))
            for block in blocks:
                for sentence in split_sentences(block):
                    absent = _absent(sentence, source_text, passages)
                    if absent:
                        line, column = _sentence_mark(lines, node, sentence)
                        unsupported.append(Unsupported(doc.path, line, column, field_path(list(path)), sentence, absent))
    return ExplainerReport(doc.path, tuple(reports), tuple(unsupported))


@dataclass(frozen=True, slots=True)
class _Passage:
    text: str  # normalised
    words: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Passage:
        norm = normalise(text)
        return cls(norm, frozenset(words(text)), frozenset(numbers(norm)))


_CLAUSE = re.compile(r"\s*;\s*")


def _absent(sentence: str, source_text: str, passages: list[_Passage]) -> tuple[str, ...]:
    """The words and numbers that leave a sentence unsupported, or () when the source supports it."""
    if contains(source_text, normalise(sentence)):
        return ()
    absent: list[str] = []
    # Clauses joined by a semicolon often come from different paragraphs; each needs its own support.
    for clause in _CLAUSE.split(sentence):
        content = [w for w in words(clause) if w not in STOPWORDS]
        wanted = set(numbers(normalise(clause)))
        if not content and not wanted:
            continue
        # The passage that covers the clause best: its numbers first, then most of its words.
        best = max(passages, key=lambda p: (wanted <= p.numbers, sum(w in p.words for w in content)))
        missing = [w for w in content if w not in best.words]
        missing_numbers = sorted(wanted - best.numbers)
        # A number is a fact on its own; other words count when half or more of them are new.
        if missing_numbers or (content and 2 * len(missing) >= len(content)):
            absent.extend(missing + [n for n in missing_numbers if n not in missing])
    return tuple(dict.fromkeys(absent))


def resolve_source(root: Path, entry: str) -> Path | str:
    """The file a made_from entry names, or why it cannot be read (outside the project, missing)."""
    root = root.resolve()
    path = (root / entry).resolve()
    if not path.is_relative_to(root):
        return f"'{entry}' is outside the project folder; name a file under it, like seeds/article.txt"
    if not path.is_file():
        return f"cannot read '{entry}': no such file in the project"
    return path


def read_sources(root: Path, doc: RawDoc) -> tuple[dict[str, Article], list[ContentError]]:
    """Read the files an explainer's made_from names; each one that cannot be read is an error at its entry."""
    articles: dict[str, Article] = {}
    errors: list[ContentError] = []
    for i, entry in enumerate(doc.data.get("made_from", ())):
        if _is_address(entry):
            continue
        node, _ = node_at(doc.node, ["made_from", i])
        where = (doc.path, node.start_mark.line + 1, node.start_mark.column + 1, f"made_from[{i}]")
        path = resolve_source(root, entry)
        if isinstance(path, str):
            errors.append(ContentError(*where, path))
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            errors.append(ContentError(*where, f"'{entry}' is not UTF-8 text"))
            continue
        except OSError as exc:
            errors.append(ContentError(*where, f"cannot read '{entry}': {exc.strerror}"))
            continue
        articles[entry] = read_article(text, format_for(entry) or "text")
    return articles, errors


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The check of a whole project: one report per explainer with made_from, the others' files, and errors."""

    reports: tuple[ExplainerReport, ...]
    unchecked: tuple[str, ...]
    errors: tuple[ContentError, ...]

    @property
    def ok(self) -> bool:
        """True when nothing stopped the check and every source sentence is in its explainer."""
        return not self.errors and all(r.complete for r in self.reports)


def check_project(root: Path) -> CheckResult:
    """Load and validate the project at root, then check every explainer that names made_from."""
    project = load_project(root)
    errors = list(project.errors) + validate_project(project.site, project.explainers)
    if errors:
        return CheckResult((), (), tuple(sorted(errors)))
    reports: list[ExplainerReport] = []
    unchecked: list[str] = []
    for doc in project.explainers:
        if not doc.data.get("made_from"):
            unchecked.append(doc.path)
            continue
        articles, doc_errors = read_sources(root, doc)
        if doc_errors:
            errors.extend(doc_errors)
            continue
        # Read again only to point at lines; it was just loaded, so it is there and is UTF-8.
        reports.append(check_explainer(doc, articles, (root / doc.path).read_text("utf-8")))
    return CheckResult(tuple(reports), tuple(unchecked), tuple(sorted(errors)))


def format_report(report: ExplainerReport) -> list[str]:
    """The lines `check` prints for one explainer."""
    lines = [report.file]
    for source in report.sources:
        if source.skipped:
            lines.append(f"  {source.source}: not checked: {source.skipped}")
            continue
        lines.append(f"  {source.source}: {source.present} of {source.total} source sentences present ({source.share})")
        if source.missing:
            lines.append(f"  missing from the explainer ({len(source.missing)}):")
            lines.extend(f"    {source.source}:{s.line}: {s.text}" for s in source.missing)
    if report.unsupported:
        lines.append(f"  not supported by the source, for an editor to verify ({len(report.unsupported)}):")
        lines.extend(f"    {u}" for u in report.unsupported)
    elif any(not s.skipped for s in report.sources):
        lines.append("  every sentence is supported by the source")
    return lines
