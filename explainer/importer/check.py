"""Whether an explainer keeps the article it was made from: `python build.py check`.

Sentences are split and compared as sentences.py says. A source sentence is present when
its normalised text appears inside one field of the explainer (a paragraph, a heading, a card).
An explainer sentence is supported when it is in the source, or when each of its clauses (split at
semicolons) finds one passage of the source (a paragraph, heading or list item) holding all its
numbers and more than half its content words. Otherwise it is listed as unsupported: most of its
words (at least half), or a number, are absent from every single passage. That is a signal for an editor, not a verdict.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.content.files import ARTICLE_MAX_BYTES, read_file, unreadable
from explainer.content.load import load_project
from explainer.content.markdown import plain_blocks
from explainer.content.parse import RawDoc
from explainer.content.validate import node_at
from explainer.errors import BuildError, ContentError, field_path, line_column
from explainer.importer.article import Article, format_for, read_article, text_too_large
from explainer.importer.structure import placed_sentences
from explainer.importer.webpage import PageRefused
from explainer.importer.sentences import (
    STOPWORDS,
    Sentence,
    article_passages,
    article_sentences,
    contains,
    normalise,
    numbers,
    present_sentences,
    split_sentences,
    text_fields,
    words,
)

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
class Repeated:
    """A short answer that says nothing more than its question, or than its whole answer."""

    file: str
    line: int
    column: int
    field: str
    what: str  # "question" or "answer"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.field}: the short answer repeats its {self.what}; write one sentence that answers the question"


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One made_from entry: how many of its sentences the explainer has, which it lacks, and how
    many it leaves out on purpose (they are in its `omitted` list)."""

    source: str
    total: int
    missing: tuple[Sentence, ...]
    skipped: str | None = None  # why it was not read (an address), else None
    omitted: int = 0

    @property
    def present(self) -> int:
        return self.total - len(self.missing) - self.omitted

    @property
    def share(self) -> str:
        """The share present, rounded down so that 100% means every sentence."""
        if self.total == 0:
            return "100%"
        tenths = math.floor(1000 * (self.present + self.omitted) / self.total) / 10
        return f"{tenths:g}%"


@dataclass(frozen=True, slots=True)
class ExplainerReport:
    """The check of one explainer against the articles it names in made_from."""

    file: str
    sources: tuple[SourceReport, ...]
    unsupported: tuple[Unsupported, ...]
    repeated: tuple[Repeated, ...] = ()

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
    return line_column(node.start_mark)


def check_explainer(doc: RawDoc, sources: dict[str, Article], text: str = "", language: str | None = None) -> ExplainerReport:
    """Compare one validated explainer with the articles it was made from (read already, keyed by made_from entry).

    Entries that are addresses are reported as skipped; every other entry must be in sources.
    text is the explainer file's text, used to point at the line of each unsupported sentence.
    Sentences are split in the explainer's language (its own, else `language`, the site's), as
    the importer split them. A source sentence found in `omitted` is left out on purpose.
    """
    lines = text.splitlines()
    language = doc.data.get("language") or language
    # Published text only: text_fields leaves out `unplaced` and `omitted`, which readers never see.
    fields = text_fields(doc.data)
    explainer_blocks = [b for _, blocks in fields for b in blocks]
    omitted = [" ".join(str(o).split()) for o in doc.data.get("omitted", ())]
    reports: list[SourceReport] = []
    for entry in doc.data.get("made_from", ()):
        if _is_address(entry):
            reports.append(SourceReport(entry, 0, (), skipped="an address: the check reads files in the project and never fetches from the network"))
            continue
        sentences = article_sentences(sources[entry], language)
        found = placed_sentences(sentences, explainer_blocks, language, doc.data)
        absent = [s for s, ok in zip(sentences, found) if not ok]
        aside = present_sentences(absent, omitted, language) if omitted else [False] * len(absent)
        reports.append(SourceReport(entry, len(sentences), tuple(s for s, ok in zip(absent, aside) if not ok), omitted=sum(aside)))
    unsupported: list[Unsupported] = []
    passages = [_Passage.of(p) for entry in doc.data.get("made_from", ()) if entry in sources for p in article_passages(sources[entry])]
    if passages:
        source = _Source.of(passages, language)
        for path, blocks in fields:
            node, _ = node_at(doc.node, list(path))
            for block in blocks:
                for sentence in split_sentences(block, language):
                    absent = _absent(sentence, source)
                    if absent:
                        line, column = _sentence_mark(lines, node, sentence)
                        unsupported.append(Unsupported(doc.path, line, column, field_path(list(path)), sentence, absent))
    return ExplainerReport(doc.path, tuple(reports), tuple(unsupported), tuple(repeated_short_answers(doc)))


def repeated_short_answers(doc: RawDoc) -> list[Repeated]:
    """Short answers that say no more than their question, or than their whole answer: a reader
    would read the same words twice."""
    out: list[Repeated] = []
    for i, section in enumerate(doc.data.get("sections", ())):
        if not isinstance(section, dict) or not isinstance(section.get("short_answer"), str):
            continue
        short = _said(section["short_answer"])
        for what in ("question", "answer"):
            value = section.get(what)
            if isinstance(value, str) and short and short == _said(" ".join(plain_blocks(value)) if what == "answer" else value):
                node, _ = node_at(doc.node, ["sections", i, "short_answer"])
                out.append(Repeated(doc.path, *line_column(node.start_mark), field_path(["sections", i, "short_answer"]), what))
    return out


def _said(text: str) -> str:
    """Text as a reader takes it in: normalised, without the punctuation at its end."""
    return normalise(text).rstrip(" .!?…:;")


@dataclass(frozen=True, slots=True)
class _Passage:
    text: str  # normalised
    words: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Passage:
        norm = normalise(text)
        return cls(norm, frozenset(words(text)), frozenset(numbers(norm)))


@dataclass(frozen=True, slots=True)
class _Source:
    """The passages of an explainer's sources, indexed so that each of its sentences is looked up,
    not compared with every passage in turn."""

    passages: list[_Passage]
    text: str  # every passage, normalised, one a line
    sentences: frozenset[str]  # every sentence of every passage, and every passage, normalised
    by_word: dict[str, list[int]]  # each word: the passages that hold it, in order
    by_number: dict[str, list[int]]  # each number: the passages that hold it, in order

    @classmethod
    def of(cls, passages: list[_Passage], language: str | None) -> _Source:
        by_word: dict[str, list[int]] = {}
        by_number: dict[str, list[int]] = {}
        for i, passage in enumerate(passages):
            for word in passage.words:
                by_word.setdefault(word, []).append(i)
            for number in passage.numbers:
                by_number.setdefault(number, []).append(i)
        sentences = frozenset(normalise(s) for p in passages for s in split_sentences(p.text, language)) | {p.text for p in passages}
        return cls(passages, "\n".join(p.text for p in passages), sentences, by_word, by_number)

    def best(self, content: list[str], wanted: set[str]) -> _Passage:
        """The passage that covers a clause best: one holding all its numbers first, then the one
        holding most of its words; the first such passage. Counted from the index (only the
        passages that hold a word or number of the clause are counted, not every passage)."""
        held: Counter[int] = Counter()
        for word in content:
            held.update(self.by_word.get(word, ()))
        covering: Counter[int] = Counter()
        for number in wanted:
            covering.update(self.by_number.get(number, ()))
        whole = [i for i, n in covering.items() if n == len(wanted)] if wanted else []
        counts = {i: held.get(i, 0) for i in whole} if whole else held
        most = max(counts.values(), default=0)
        if most == 0:  # none holds a word of it: the first that holds its numbers, else the first of all
            return self.passages[min(whole, default=0)]
        return self.passages[min(i for i, n in counts.items() if n == most)]


_CLAUSE = re.compile(r"\s*;\s*")


def _absent(sentence: str, source: _Source) -> tuple[str, ...]:
    """The words and numbers that leave a sentence unsupported, or () when the source supports it."""
    needle = normalise(sentence)
    if needle in source.sentences or contains(source.text, needle):
        return ()
    absent: list[str] = []
    # Clauses joined by a semicolon often come from different paragraphs; each needs its own support.
    for clause in _CLAUSE.split(sentence):
        content = [w for w in words(clause) if w not in STOPWORDS]
        wanted = set(numbers(normalise(clause)))
        if not content and not wanted:
            continue
        best = source.best(content, wanted)
        missing = [w for w in content if w not in best.words]
        missing_numbers = sorted(wanted - best.numbers)
        # A number is a fact on its own; other words count when half or more of them are new.
        if missing_numbers or (content and 2 * len(missing) >= len(content)):
            absent.extend(missing + [n for n in missing_numbers if n not in missing])
    return tuple(dict.fromkeys(absent))


def resolve_source(root: Path, entry: str) -> Path | str:
    """The file a made_from entry names, or why it cannot be read (outside the project, missing)."""
    try:
        root = Path(os.path.realpath(root))
        path = Path(os.path.realpath(root / entry))  # unlike Path.resolve, stops at a link loop
        if not path.is_relative_to(root):
            return f"'{entry}' is outside the project folder; name a file under it, like seeds/article.txt"
        if not path.exists() and not path.is_symlink():
            return f"cannot read '{entry}': no such file in the project"
    except OSError as exc:
        return f"'{entry}' {unreadable(root / entry, exc)}"
    return path


def read_sources(root: Path, doc: RawDoc) -> tuple[dict[str, Article], list[ContentError]]:
    """Read the files an explainer's made_from names; each one that cannot be read is an error at its entry."""
    articles: dict[str, Article] = {}
    errors: list[ContentError] = []
    for i, entry in enumerate(doc.data.get("made_from", ())):
        if _is_address(entry):
            continue
        node, _ = node_at(doc.node, ["made_from", i])
        where = (doc.path, *line_column(node.start_mark), f"made_from[{i}]")
        path = resolve_source(root, entry)
        if isinstance(path, str):
            errors.append(ContentError(*where, path))
            continue
        raw = read_file(root, entry, ARTICLE_MAX_BYTES, "save only the article's page, or paste its text")
        if isinstance(raw, ContentError):
            errors.append(ContentError(*where, f"'{entry}' {raw.message}"))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(ContentError(*where, f"'{entry}' is not UTF-8 text"))
            continue
        try:
            article = read_article(text, format_for(entry) or "text")
        except PageRefused as exc:
            errors.append(ContentError(*where, f"'{entry}': {exc}; save the article's own part of the page, or paste its text"))
            continue
        # An article no explainer can hold whole is refused before its sentences are split.
        too_long = text_too_large(article)
        if too_long:
            errors.append(ContentError(*where, f"'{entry}': {too_long}"))
            continue
        articles[entry] = article
    return articles, errors


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The check of a whole project: one report per explainer with made_from, the others' files, and errors."""

    reports: tuple[ExplainerReport, ...]
    unchecked: tuple[str, ...]
    errors: tuple[ContentError, ...]


def check_project(root: Path) -> CheckResult:
    """Load and validate the project at root as a build does (refusing what a build refuses), then
    check every explainer that names made_from."""
    try:
        site, explainers = load_project(root)
    except BuildError as exc:
        return CheckResult((), (), tuple(sorted(exc.errors)))
    errors: list[ContentError] = []
    reports: list[ExplainerReport] = []
    unchecked: list[str] = []
    for doc in (e.doc for e in explainers if e.doc is not None):
        if not doc.data.get("made_from"):
            unchecked.append(doc.path)
            continue
        articles, doc_errors = read_sources(root, doc)
        if doc_errors:
            errors.extend(doc_errors)
            continue
        # Read again only to point at lines; it was just loaded, so it is there and is UTF-8.
        reports.append(check_explainer(doc, articles, (root / doc.path).read_text("utf-8"), site.language))
    return CheckResult(tuple(reports), tuple(unchecked), tuple(sorted(errors)))


def format_report(report: ExplainerReport) -> list[str]:
    """The lines `check` prints for one explainer."""
    lines = [report.file]
    for source in report.sources:
        if source.skipped:
            lines.append(f"  {source.source}: not checked: {source.skipped}")
            continue
        aside = f", {source.omitted} left out on purpose (in `omitted`)" if source.omitted else ""
        lines.append(f"  {source.source}: {source.present} of {source.total} source sentences present{aside} ({source.share})")
        if source.missing:
            lines.append(f"  missing from the explainer ({len(source.missing)}): put each in a field, or list it under `omitted:` to leave it out on purpose")
            lines.extend(f"    {source.source}:{s.line}: {s.text}" for s in source.missing)
    if report.unsupported:
        lines.append(f"  not supported by the source, for an editor to verify ({len(report.unsupported)}):")
        lines.extend(f"    {u}" for u in report.unsupported)
    elif any(not s.skipped for s in report.sources):
        lines.append("  every sentence is supported by the source")
    if report.repeated:
        lines.append(f"  short answers that repeat, for an editor to rewrite ({len(report.repeated)}):")
        lines.extend(f"    {r}" for r in report.repeated)
    return lines
