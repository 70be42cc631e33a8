"""Stage 5: pages to bytes with Jinja. Templates are compiled once per build and never see Markdown."""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

from explainer.content import language as words
from explainer.content.model import Site
from explainer.core.paths import PACKAGE, default_theme
from explainer.errors import BuildError, ContentError
from explainer.plan import publish
from explainer.plan.listing import author_url
from explainer.plan.pages import Page, language_of


@jinja2.pass_context
def date_text(context: jinja2.runtime.Context, value: dt.date | str) -> str:
    """A date ('2025-10-16', '2025-08', '2025' or a date) as the page's language writes it."""
    return words.date_text(value, context["language"].locale)


@jinja2.pass_context
def date_in_year(context: jinja2.runtime.Context, value: str) -> str:
    """A timeline date without its year ('October 16', 'August'; '' for a year alone)."""
    return words.date_in_year(value, context["language"].locale)


# A glossary term's first use, as the Markdown renderer links it (markdown.Terms): nothing a content
# author writes renders so, since raw HTML is off and Markdown links carry no class.
_TERM_LINK = '<a class="term" href="#'


def glossary_at(html: Markup, url: str, class_prefix: str = "") -> Markup:
    """Trusted HTML with its glossary-term links pointing at the glossary on the page at `url`
    (`""`: this page), their class name started with `class_prefix` (embeds scope theirs). Print
    it as `{{ x_html|safe|glossary_at(url) }}`."""
    if not url and not class_prefix:
        return html
    return Markup(str(html).replace(_TERM_LINK, f'<a class="{escape(class_prefix)}term" href="{escape(url)}#'))


def make_env(folders: list[Path]) -> jinja2.Environment:
    """The Jinja environment: autoescaped, strict, with `url` and `absolute` filters that add the
    base path. Templates are looked up in the folders in order (themes.template_folders)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder.resolve()) for folder in folders]),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],  # {% trans %} blocks; `_` and the words come with each page
        auto_reload=False,  # the build sees template edits itself (template_digests) and starts afresh
    )
    env.extend(newstyle_gettext=True)  # a {% trans %} block's values are filled in by gettext, escaped
    env.filters["date_text"] = date_text
    env.filters["date_in_year"] = date_in_year
    env.filters["glossary_at"] = glossary_at
    env.filters["author_page"] = author_url
    env.globals["heading"] = jinja2.pass_context(lambda context, section: words.heading_of(section, context["language"].gettext))
    return env


def set_site(env: jinja2.Environment, site: Site) -> None:
    """Point a reused environment at this build's site (its name, base URL and filters)."""
    env.filters["url"] = lambda url: site.base_path + url
    env.filters["absolute"] = lambda url: site.base_url + url
    env.globals["site"] = site
    site_language = language_of(site)  # the site's own pages (index, 404) speak its language
    env.globals.update(language=site_language, **words.page_globals(site_language))


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
    folders: tuple[Path, ...] = ()

    def digest_of(self, template: str) -> str:
        return self.digests.get(template, "")


def load_templates(folders: list[Path], last: Templates | None = None) -> Templates:
    """The templates in the folders, compiled once: `last` is reused while none of them changed.

    Compiled templates are never checked for changes while in use, so an edit to one gives the
    build a fresh environment.
    """
    if last is not None and last.folders != tuple(folders):
        last = None  # a project templates/ made or removed since: look templates up afresh
    env = last.env if last is not None else make_env(folders)
    digests = template_digests(env)
    if last is not None and digests == last.digests:
        return last
    if last is not None:
        env = make_env(folders)
    compile_templates(env, digests)
    return Templates(env, digests, tuple(folders))


def _shown(folders: list[Path], filename: str | None, name: str) -> tuple[str, str]:
    """How a template is named in a message: templates/<name>, and a field saying whether it is
    the project's own or the installed default theme's (the generator's checkout has no other
    templates/ than the theme)."""
    theme = default_theme().resolve()
    for folder in folders:
        if filename and Path(filename).resolve().is_relative_to(folder.resolve()):
            name = Path(filename).resolve().relative_to(folder.resolve()).as_posix()
            installed = folder.resolve() == theme and theme.parent == PACKAGE
            return f"templates/{name}", "(default theme template)" if installed else "(template)"
    return f"templates/{name}", "(template)"


def _template_error(exc: jinja2.TemplateError, page: Page, folders: list[Path]) -> ContentError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, field = _shown(folders, exc.filename, exc.name or "")
        return ContentError(file, exc.lineno, 1, field, exc.message or str(exc))
    message = str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"no template {exc.name!r}, in the project's templates/ or the default theme"
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    where = [f for f in traceback.extract_tb(exc.__traceback__) if any(Path(f.filename).resolve().is_relative_to(d.resolve()) for d in folders)]
    if not where:
        return ContentError(f"templates/{page.template}", 1, 1, "(template)", f"{message} (while rendering {page.path})")
    file, field = _shown(folders, where[-1].filename, page.template)
    return ContentError(file, where[-1].lineno or 1, 1, field, f"{message} (while rendering {page.path})")


# Files that are not Jinja templates are made by a function of the page alone. Pillow and lxml are
# imported only once a build gets as far as drawing an image or writing the feed, not by one that
# fails before, nor by one with nothing to do.
def _social(page: Page) -> bytes:
    from explainer.render.social import render_social_image

    return render_social_image(page)


def _picture(page: Page) -> bytes:
    from explainer.render.pictures import render_picture_file

    return render_picture_file(page)


def _feeds():  # type: ignore[no-untyped-def]
    from explainer.render import feeds

    return feeds


def _cms_config(config: dict[str, Any]) -> bytes:
    """The editing page's config.yml: YAML written by the YAML library, as every value is data."""
    import yaml

    head = "# Made by the build from the explainer schema: edit the schema or site.yaml's `editing`, not this file.\n"
    return (head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1_000_000)).encode("utf-8")


RENDERERS: dict[str, Callable[[Page], bytes]] = {
    publish.SOCIAL_IMAGE: _social,
    publish.SOCIAL_PHOTO: _social,
    publish.PICTURE: _picture,
    publish.FEED: lambda page: _feeds().render_feed(page),
    publish.SITEMAP: lambda page: _feeds().render_sitemap(page),
    publish.SITEMAP_INDEX: lambda page: _feeds().render_sitemap_index(page),
    publish.ROBOTS: lambda page: _feeds().render_robots(page),
    publish.NOJEKYLL: lambda page: _feeds().render_empty(page),
    publish.CNAME: lambda page: _feeds().render_cname(page),
    publish.LOGO: lambda page: page.context["logo"].png,
    publish.SCHEMA: lambda page: resources.files("explainer").joinpath(page.path).read_bytes(),
    publish.ADMIN_PAGE: lambda page: page.context["html"].encode("utf-8"),
    publish.CMS_CONFIG: lambda page: _cms_config(page.context["config"]),
}


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """One page as UTF-8 bytes; a template mistake becomes a BuildError, not a traceback."""
    if page.template in RENDERERS:
        return RENDERERS[page.template](page)
    try:
        lang = page.context.get("language")  # an explainer's pages: its own language
        spoken = words.page_globals(lang) if lang is not None else {}
        html = env.get_template(page.template).render(page=page, **page.context, **spoken)
    except jinja2.TemplateError as exc:
        folders = [Path(p) for loader in env.loader.loaders for p in loader.searchpath]  # type: ignore[union-attr]
        raise BuildError([_template_error(exc, page, folders)]) from None
    return html.encode("utf-8")
