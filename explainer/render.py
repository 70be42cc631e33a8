"""Stage 5: pages to bytes with Jinja. Templates are compiled once per build and never see Markdown."""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta

from .errors import BuildError, ContentError
from .model import Site
from .plan import Page
from . import publish

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def date_text(value: dt.date | str) -> str:
    """'2025-10-16' or a date as 'October 16, 2025'; '2025-08' as 'August 2025'; '2019' as '2019'."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def make_env(templates: Path) -> jinja2.Environment:
    """The Jinja environment: autoescaped, strict, with `url` and `absolute` filters that add the base path."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates.resolve()),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the build sees template edits itself (template_digests) and starts afresh
    )
    env.filters["date_text"] = date_text
    return env


def set_site(env: jinja2.Environment, site: Site) -> None:
    """Point a reused environment at this build's site (its name, base URL and filters)."""
    env.filters["url"] = lambda url: site.base_path + url
    env.filters["absolute"] = lambda url: site.base_url + url
    env.globals["site"] = site


_REFERENCES: dict[str, list[str]] = {}


def _references(env: jinja2.Environment, source: str) -> list[str]:
    """The templates a source extends or includes; remembered, since templates rarely change."""
    if source not in _REFERENCES:
        try:
            _REFERENCES[source] = [r for r in jinja2.meta.find_referenced_templates(env.parse(source)) if r]
        except jinja2.TemplateSyntaxError:
            _REFERENCES[source] = []  # reported with its line when the page is rendered
    return _REFERENCES[source]


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """For each template, a digest of its source and of every template it extends or includes.

    A page is re-rendered when its template's digest changes, so editing one partial re-renders
    only the pages that use it.
    """
    loader = env.loader
    assert loader is not None
    sources: dict[str, str] = {}
    refs: dict[str, list[str]] = {}
    for name in loader.list_templates():
        source = loader.get_source(env, name)[0]
        sources[name] = source
        refs[name] = _references(env, source)
    digests: dict[str, str] = {}
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen and current in sources:
                seen.add(current)
                todo.extend(refs[current])
        digests[name] = hashlib.sha256("\0".join(f"{n}\0{sources[n]}" for n in sorted(seen)).encode()).hexdigest()
    return digests


def compile_templates(env: jinja2.Environment, templates: dict[str, str]) -> None:
    """Compile every template now, once, so forked workers inherit them compiled. A template with
    a mistake is left for its page to report, with its line."""
    for name in templates:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass


@dataclass(frozen=True)
class Templates:
    """A project's templates, compiled, and each one's digest (with what it extends or includes)."""

    env: jinja2.Environment
    digests: dict[str, str]

    def digest_of(self, template: str) -> str:
        return self.digests.get(template, "")


def load_templates(folder: Path, last: Templates | None = None) -> Templates:
    """The templates in folder, compiled once: `last` is reused while none of them changed.

    Compiled templates are never checked for changes while in use, so an edit to one gives the
    build a fresh environment.
    """
    env = last.env if last is not None else make_env(folder)
    digests = template_digests(env)
    if last is not None and digests == last.digests:
        return last
    if last is not None:
        env = make_env(folder)
    compile_templates(env, digests)
    return Templates(env, digests)


def _template_error(exc: jinja2.TemplateError, page: Page, templates: Path) -> ContentError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(f"templates/{exc.name or exc.filename}", exc.lineno, 1, "(template)", exc.message or str(exc))
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    where = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).is_relative_to(templates)]
    name, line = (Path(where[-1].filename).relative_to(templates).as_posix(), where[-1].lineno or 1) if where else (page.template, 1)
    return ContentError(f"templates/{name}", line, 1, "(template)", f"{exc} (while rendering {page.path})")


# Files that are not Jinja templates are made by a function of the page alone. Pillow and lxml are
# imported only once a build gets as far as drawing an image or writing the feed, not by one that
# fails before, nor by one with nothing to do.
def _social(page: Page) -> bytes:
    from .social import render_social_image

    return render_social_image(page)


def _feeds():  # type: ignore[no-untyped-def]
    from . import feeds

    return feeds


RENDERERS: dict[str, Callable[[Page], bytes]] = {
    publish.SOCIAL_IMAGE: _social,
    publish.FEED: lambda page: _feeds().render_feed(page),
    publish.SITEMAP: lambda page: _feeds().render_sitemap(page),
    publish.SITEMAP_INDEX: lambda page: _feeds().render_sitemap_index(page),
    publish.ROBOTS: lambda page: _feeds().render_robots(page),
    publish.NOJEKYLL: lambda page: _feeds().render_empty(page),
    publish.CNAME: lambda page: _feeds().render_cname(page),
}


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """One page as UTF-8 bytes; a template mistake becomes a BuildError, not a traceback."""
    if page.template in RENDERERS:
        return RENDERERS[page.template](page)
    try:
        html = env.get_template(page.template).render(page=page, **page.context)
    except jinja2.TemplateError as exc:
        raise BuildError([_template_error(exc, page, Path(env.loader.searchpath[0]).resolve())]) from None
    return html.encode("utf-8")
