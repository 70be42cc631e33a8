"""The theme's words files, then the project's over them, phrase by phrase: read, judged and
checked as content files are (see language.py for what a language is)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from explainer.content.files import read_file
from explainer.content.language import Words
from explainer.content.parse import parse_yaml
from explainer.content.validate import validate_doc, words_rules
from explainer.errors import ContentError

WORDS_DIR = "words"

# A words file larger than this is not a words file.
WORDS_MAX_BYTES = 200_000


def _files(folder: Path) -> Iterator[Path]:
    words = folder / WORDS_DIR
    if words.is_dir():
        yield from sorted(p for p in words.iterdir() if p.suffix == ".yaml" and not p.name.startswith("."))


@lru_cache(maxsize=None)
def _theme_file(path: Path) -> dict[str, str]:
    """One of the theme's own words files, which come with the generator (and are checked by its
    tests): parsed once per process."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return dict(yaml.load(path.read_bytes(), Loader=loader) or {})


def _read(root: Path, path: Path, shown: str, errors: list[ContentError]) -> dict[str, str]:
    """One of the project's words files, judged, parsed and checked as a content file is."""
    raw = read_file(root, path.relative_to(root).as_posix(), WORDS_MAX_BYTES, "a words file is never so large")
    if isinstance(raw, ContentError):
        errors.append(raw)
        return {}
    doc = parse_yaml(shown, raw)  # which also refuses bytes that are not UTF-8
    if isinstance(doc, list):
        errors.extend(doc)
        return {}
    problems = validate_doc(doc, "words") or words_rules(doc)
    if problems:
        errors.extend(problems)
        return {}
    return dict(doc.data or {})


def load_words(root: Path, folders: list[Path], errors: list[ContentError]) -> Words:
    """Every language's words from the template folders, the project's before the theme's: the
    theme's file is read first and the project's phrases are laid over it, one by one."""
    languages: dict[str, dict[str, str]] = {}
    h = hashlib.sha256()
    theme = folders[-1]
    for folder in reversed(folders):
        own = folder != theme
        for path in _files(folder):
            shown = f"templates/{WORDS_DIR}/{path.name}"
            phrases = _read(root, path, shown, errors) if own else _theme_file(path)
            languages.setdefault(path.stem, {}).update(phrases)
            h.update(f"{own}:{path.name}\0".encode() + repr(sorted(phrases.items())).encode() + b"\0")
    return Words(languages, h.hexdigest())
