"""Load, validate, model: the site file and each explainer file, the one way every command reads a
project (`build`, the preview and `check`), so each refuses exactly what the others refuse."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from explainer.content.files import Inputs, read_file, scan_inputs, schema_reference
from explainer.content.language import Words
from explainer.content.model import Explainer, Site, build_explainer, build_site
from explainer.content.pictures import PictureStamp
from explainer.content.parse import RawDoc, parse_content
from explainer.content.validate import SlugAt, check_slugs, check_translations, language_notice, site_rules, slug_at, validate_doc, validate_explainer, warn_explainer
from explainer.content.words import load_words
from explainer.core.parallel import MIN_GROUPS, parallel_map
from explainer.core.paths import template_folders
from explainer.errors import BuildError, ContentError


@dataclass(frozen=True, slots=True)
class Parsed:
    """One explainer file after load, validate and model: the explainer, or its errors."""

    digest: str  # of the bytes read
    errors: tuple[ContentError, ...]
    explainer: Explainer | None = None
    slug: SlugAt | None = None
    warnings: tuple[ContentError, ...] = ()
    doc: RawDoc | None = None  # the file as read (YAML or ArchieML), with its marks, for `check`; never sent between processes
    pictures: tuple[PictureStamp, ...] = ()  # each picture it shows, as read: its key holds their digests


def parse_explainer(path: str, raw: bytes, words: Words | None = None, *, site: Site | None = None, root: Path | None = None) -> Parsed:
    """Load, validate and model one explainer file, given its path and bytes; `words`, the
    theme's, to warn of a language it has no words for; `site`, the site it is built in (its
    authors and time zone); `root`, the project its pictures are read from."""
    key = hashlib.sha256(raw).hexdigest()
    doc = parse_content(path, raw)
    if isinstance(doc, list):
        return Parsed(key, tuple(doc))
    errors = validate_explainer(doc, site)
    if errors:
        return Parsed(key, tuple(errors))
    notices = language_notice(doc, words) if words is not None else []
    stamps: list[PictureStamp] = []
    try:
        explainer = build_explainer(doc, site, root, stamps=stamps)
    except BuildError as exc:  # a picture that cannot be shown
        return Parsed(key, tuple(exc.errors), pictures=tuple(stamps))
    return Parsed(key, (), explainer, slug_at(doc), tuple(warn_explainer(doc) + notices), doc, tuple(stamps))


def read_explainer(root: Path, source: str, words: Words | None = None, site: Site | None = None) -> Parsed:
    """parse_explainer on the file at `source` below root, judged and read as every content file
    is; its pictures are read from root."""
    raw = read_file(root, source)
    return Parsed("", (raw,)) if isinstance(raw, ContentError) else parse_explainer(source, raw, words, site=site, root=root)


def _errors_of(root: Path, source: str) -> tuple[ContentError, ...]:
    return read_explainer(root, source).errors  # without its site: an author's id is not checked, a picture is


def load_site(root: Path, inputs: Inputs, base_url: str | None) -> Site:
    """The site file (as scan_inputs read and parsed it), validated and modelled with the theme's
    and the project's words. Raises BuildError for any mistake in it, in the scan or in the words;
    without a site nothing can be planned, but the explainers' own mistakes are reported with its own."""
    errors = list(inputs.errors)
    site_doc, logo = inputs.site_doc, inputs.logo_bytes
    if isinstance(site_doc, list):
        errors, site_doc = errors + site_doc, None
    elif site_doc is not None:
        errors += validate_doc(site_doc, "site")
        if not errors:
            errors += site_rules(site_doc, logo)
    if errors or site_doc is None:
        found = parallel_map(partial(_errors_of, root), list(inputs.explainers), MIN_GROUPS)
        raise BuildError(errors + [e for each in found for e in each])
    assert not isinstance(logo, ContentError)
    words = load_words(root, template_folders(root), errors)
    if errors:
        raise BuildError(errors)
    return build_site(site_doc, base_url, logo, words, schema_reference(root, "explainer"))


def explainer_errors(explainers: list[tuple[tuple[ContentError, ...], SlugAt | None]], site_language: str) -> list[ContentError]:
    """Every mistake of a project's explainers, given each one's errors and slug in the order of
    their files: their own, then each slug or alias two of them share, then each translation that
    names no original or one that cannot be its original."""
    slugs = [slug for _, slug in explainers if slug is not None]
    return [e for errors, _ in explainers for e in errors] + check_slugs(slugs) + check_translations(slugs, site_language)


def load_project(root: Path) -> tuple[Site, list[Parsed]]:
    """The project at root, every file loaded, validated and modelled in this process, with the
    same stages and messages as a build; BuildError for any mistake."""
    inputs = scan_inputs(root)
    site = load_site(root, inputs, None)
    parsed = [read_explainer(root, source, site.words, site) for source in inputs.explainers]
    errors = explainer_errors([(p.errors, p.slug) for p in parsed], site.language)
    if errors:
        raise BuildError(errors)
    return site, parsed
