"""The build, in order: load, validate, model, plan, render, write.

A Builder remembers what it parsed, planned and wrote, so the preview server's rebuilds cost in
proportion to what changed; a one-off build is a Builder used once. Across processes, the marker
in site/ remembers each page's key, so an unchanged page is never rendered twice, and a build
whose inputs are all unchanged does nothing at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2

from .embeds import loader_page, plan_explainer_embeds
from .errors import BuildError, ContentError, ContentWarning
from .load import SITE_FILE, parse_yaml, read_sources
from .model import Explainer, Site, build_explainer, build_site
from .parallel import parallel_map
from .plan import Page, digest, plan_explainer
from .publish import plan_site, share_explainer
from .render import make_env, render_page, set_site, template_digests
from .validate import SlugAt, check_slugs, slug_at, validate_doc, validate_explainer, warn_project
from .write import Manifest, build_lock, check_output, recover, write_site


def _code_digest() -> str:
    """A digest of this package's code and schemas: output made by other code is never reused."""
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
    warnings: tuple[ContentWarning, ...] = ()  # accepted content an editor should still look at


@dataclass(frozen=True, slots=True)
class Parsed:
    """One explainer file after load, validate and model: the explainer, or its errors."""

    digest: str
    errors: tuple[ContentError, ...]
    explainer: Explainer | None
    slug: SlugAt | None
    warnings: tuple[ContentWarning, ...] = ()


def parse_explainer(item: tuple[str, bytes, str]) -> Parsed:
    """Load, validate and model one explainer file, given its path, bytes and their digest."""
    path, raw, key = item
    doc = parse_yaml(path, raw)
    if isinstance(doc, list):
        return Parsed(key, tuple(doc), None, None)
    errors = validate_explainer(doc)
    if errors:
        return Parsed(key, tuple(errors), None, None)
    return Parsed(key, (), build_explainer(doc), slug_at(doc), tuple(warn_project((doc,))))


class Builder:
    """Builds one project into one output folder, again and again."""

    def __init__(self, root: Path, out: Path | None = None, base_url: str | None = None, *, in_place: bool = False):
        self.root = root
        self.out = out or root / "site"
        self.base_url = base_url
        self.in_place = in_place
        self._parsed: dict[str, Parsed] = {}
        self._plans: dict[tuple[str, str], list[Page]] = {}
        self._env: jinja2.Environment | None = None
        # What this Builder last wrote; None until then, when the output folder's marker is read.
        self._manifest: Manifest | None = None

    def build(self) -> BuildResult:
        """Build once. Raises BuildError, leaving the output folder as it was, for any content mistake
        and for an output folder that cannot be written (full, read-only, locked by another build)."""
        try:
            with build_lock(self.out):
                return self._build()
        except OSError as exc:
            self._manifest = None
            where = exc.filename or self.out
            raise BuildError([ContentError(str(self.out.name), 1, 1, "(output)", f"cannot write {where}: {exc.strerror or exc}; the previous site is unchanged")]) from None

    def _build(self) -> BuildResult:
        # A build killed mid-swap is undone first, so even a failing build leaves the last good site.
        recover(self.out)
        trusted = self._manifest is not None and self.out.is_dir()
        manifest = self._manifest if trusted else check_output(self.out)
        assert manifest is not None
        sources = read_sources(self.root)
        errors = list(sources.errors)
        if self._env is None:
            self._env = make_env(self.root / "templates")
        templates = template_digests(self._env)
        hashes = {path: hashlib.sha256(raw).hexdigest() for path, raw in sources.explainers.items()}
        inputs = digest(CODE_DIGEST, self.base_url or "", hashlib.sha256(sources.site or b"").hexdigest(),
                        *(f"{name}={d}" for name, d in sorted(templates.items())), *(f"{p}={d}" for p, d in hashes.items()))
        # Unplaced text is warned about on every build, so such a project never takes the shortcut.
        if not errors and manifest.inputs == inputs and manifest.files and not any(b"unplaced:" in raw for raw in sources.explainers.values()):
            return BuildResult(len(manifest.files), 0, 0)  # nothing this build reads has changed

        site_doc = parse_yaml(SITE_FILE, sources.site) if sources.site is not None else None
        if isinstance(site_doc, list):
            errors.extend(site_doc)
            site_doc = None
        elif site_doc is not None:
            errors.extend(validate_doc(site_doc, "site"))
        # The digests above say which files changed: only those are parsed, and none is hashed again.
        todo = [(path, raw, hashes[path]) for path, raw in sources.explainers.items() if self._parsed.get(path, _NONE).digest != hashes[path]]
        fresh = dict(zip((path for path, _, _ in todo), parallel_map(parse_explainer, todo)))
        # Keep only files that still exist, so deleted explainers are forgotten.
        self._parsed = {path: fresh.get(path) or self._parsed[path] for path in sources.explainers}
        parsed = list(self._parsed.values())
        for p in parsed:
            errors.extend(p.errors)
        errors.extend(check_slugs([p.slug for p in parsed if p.slug is not None]))
        if errors or site_doc is None:
            raise BuildError(errors)

        site = build_site(site_doc, tuple(p.explainer for p in parsed if p.explainer), self.base_url)
        pages = plan_site(site, self._plan_explainer) + (loader_page(site),)
        live = {(site.digest, e.digest) for e in site.explainers}
        self._plans = {k: v for k, v in self._plans.items() if k in live}  # forget edited-away versions
        set_site(self._env, site)
        combined: dict[tuple[str, str], str] = {}
        keys = {}
        for page in pages:
            # Pages of one explainer share a key and a few templates: digest each pair once.
            pair = (page.key, page.template)
            if pair not in combined:
                combined[pair] = digest(page.key, templates.get(page.template, ""), CODE_DIGEST)
            keys[page.path] = combined[pair]
        # A page whose inputs, templates and code are all unchanged keeps last build's file.
        kept = {path for path, key in keys.items() if manifest.keys.get(path) == key and path in manifest.files}
        if not trusted:
            kept = {path for path in kept if (self.out / path).is_file()}
        todo_pages = [page for page in pages if page.path not in kept]
        rendered = zip((page.path for page in todo_pages), parallel_map(partial(render_page, self._env), todo_pages))
        self._manifest = None  # if writing fails, the next build reads the folder again
        self._manifest, written = write_site(self.out, manifest, rendered, kept, keys, inputs, in_place=self.in_place)
        return BuildResult(len(pages), len(todo_pages), written, tuple(sorted(w for p in parsed for w in p.warnings)))

    def _plan_explainer(self, site: Site, explainer: Explainer) -> list[Page]:
        """An explainer's pages, embeds and sharing metadata, remembered: they change only with it or the site file."""
        key = (site.digest, explainer.digest)
        if key not in self._plans:
            pages = plan_explainer_embeds(site, explainer, plan_explainer(site, explainer))
            self._plans[key] = share_explainer(site, explainer, pages)
        return self._plans[key]


_NONE = Parsed("", (), None, None)


def build(root: Path, out: Path | None = None, base_url: str | None = None) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content mistake."""
    return Builder(root, out, base_url).build()
