"""The build, in order: load, validate, model, plan, render, write.

A Builder remembers what it parsed and rendered, so the preview server's rebuilds cost in
proportion to what changed; a one-off build is a Builder used once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .embeds import plan_embeds
from .errors import BuildError, ContentError
from .load import RawDoc, parse_yaml, read_sources, SITE_FILE
from .model import Explainer, build_explainer, build_site
from .plan import digest, plan_pages
from .render import make_env, render_page, set_site, template_digests
from .validate import check_slugs, validate_doc, validate_explainer
from .write import check_output, recover, write_site


def _code_digest() -> str:
    """A digest of this package's code: output made by other code is never reused."""
    package = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        h.update(path.read_bytes())
    return h.hexdigest()


CODE_DIGEST = _code_digest()


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    rendered: int
    written: int


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One explainer file after load, validate and model: the doc or its errors."""

    digest: str
    doc: RawDoc | None
    errors: tuple[ContentError, ...]
    explainer: Explainer | None


class Builder:
    """Builds one project into one output folder, again and again."""

    def __init__(self, root: Path, out: Path | None = None, base_url: str | None = None, *, in_place: bool = False):
        self.root = root
        self.out = out or root / "site"
        self.base_url = base_url
        self.in_place = in_place
        self._parsed: dict[str, _Parsed] = {}
        self._env: jinja2.Environment | None = None

    def _explainer(self, path: str, raw: bytes) -> _Parsed:
        key = hashlib.sha256(raw).hexdigest()
        cached = self._parsed.get(path)
        if cached is not None and cached.digest == key:
            return cached
        doc = parse_yaml(path, raw)
        if isinstance(doc, list):
            parsed = _Parsed(key, None, tuple(doc), None)
        else:
            errors = validate_explainer(doc)
            parsed = _Parsed(key, doc, tuple(errors), None if errors else build_explainer(doc))
        self._parsed[path] = parsed
        return parsed

    def build(self) -> BuildResult:
        """Build once. Raises BuildError, leaving the output folder as it was, for any content mistake."""
        # A build killed mid-swap is undone first, so even a failing build leaves the last good site.
        recover(self.out)
        manifest = check_output(self.out)
        sources = read_sources(self.root)
        errors = list(sources.errors)
        site_doc = parse_yaml(SITE_FILE, sources.site) if sources.site is not None else None
        if isinstance(site_doc, list):
            errors.extend(site_doc)
            site_doc = None
        elif site_doc is not None:
            errors.extend(validate_doc(site_doc, "site"))
        parsed = [self._explainer(path, raw) for path, raw in sources.explainers.items()]
        self._parsed = {path: p for path, p in zip(sources.explainers, parsed)}  # forget deleted files
        for p in parsed:
            errors.extend(p.errors)
        errors.extend(check_slugs(tuple(p.doc for p in parsed if p.doc is not None and not p.errors)))
        if errors or site_doc is None:
            raise BuildError(errors)

        site = build_site(site_doc, tuple(p.explainer for p in parsed if p.explainer), self.base_url)
        pages = plan_embeds(site, plan_pages(site))
        if self._env is None:
            self._env = make_env(self.root / "templates", site)
        set_site(self._env, site)
        templates = template_digests(self._env)
        keys = {page.path: digest(page.key, templates.get(page.template, ""), CODE_DIGEST) for page in pages}
        # A page whose inputs, templates and code are all unchanged keeps last build's file.
        kept = {path for path, key in keys.items() if manifest.keys.get(path) == key and path in manifest.files and (self.out / path).is_file()}
        rendered = {page.path: render_page(self._env, page) for page in pages if page.path not in kept}
        written = write_site(self.out, rendered, kept, keys, in_place=self.in_place)
        return BuildResult(len(pages), len(rendered), written)


def build(root: Path, out: Path | None = None, base_url: str | None = None) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content mistake."""
    return Builder(root, out, base_url).build()
