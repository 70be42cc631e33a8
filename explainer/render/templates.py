"""Stage 5: pages to bytes with Jinja. Templates are compiled once per build and never see Markdown."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from markupsafe import Markup, escape

from explainer.content import language as words
from explainer.content.model import Site
from explainer.content.pictures import IMAGES
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
    it as `{{ x_html|safe|glossary_at(url) }}`. Given the explainer's absolute address (an
    embed's, which may be pasted into any site), its pictures' addresses are made absolute too."""
    if not url and not class_prefix:
        return html
    text = str(html).replace(_TERM_LINK, f'<a class="{escape(class_prefix)}term" href="{escape(url)}#')
    if "://" in url and f"/{IMAGES}" in text:
        # A picture in Markdown names its files from the base path: /<base path>/<slug>/images/...
        path = "/" + url.split("://", 1)[1].partition("/")[2] + IMAGES
        text = re.sub(rf'(?<=["\s]){re.escape(escape(path))}', str(escape(url)) + IMAGES, text)
    return Markup(text)


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
    env.tests["ending_a_sentence"] = words.ends_a_sentence
    env.globals["heading"] = jinja2.pass_context(lambda context, section: words.heading_of(section, context["language"].gettext))
    return env


# The global that prints a partial rendered once: `{{ once("_partials/style.css") }}`.
ONCE = "once"
KEYED_KEPT = 512  # far more than the items of one explainer


def _once() -> Callable[..., Markup]:
    """`once(name, key="")`: the partial `name` rendered once per page language and key and kept,
    for partials that show only the site, the page's words and what the key names: the style
    sheets and scripts every page inlines (no key), an embed's fragment, which its page for
    partners shows again (keyed by explainer and item). An include would render them every time.
    Keyed renderings are wanted again only by the pages of the explainer they belong to, so at
    most KEYED_KEPT of them are kept: a build of thousands of explainers does not hold them all."""
    kept: dict[tuple[str, str, str], Markup] = {}

    @jinja2.pass_context
    def once(context: jinja2.runtime.Context, name: str, key: str = "") -> Markup:
        at = (name, context["language"].tag, key)
        if at not in kept:
            if key and len(kept) >= KEYED_KEPT:
                for old in [k for k in kept if k[2]]:
                    del kept[old]
            kept[at] = Markup(context.environment.get_template(name).render(context.get_all()))
        return kept[at]

    return once


def set_site(env: jinja2.Environment, site: Site) -> None:
    """Point a reused environment at this build's site (its name, base URL and filters)."""
    env.filters["url"] = lambda url: site.base_path + url
    env.filters["absolute"] = lambda url: site.base_url + url
    env.globals["site"] = site
    env.globals[ONCE] = _once()  # what it keeps is this site's
    site_language = language_of(site)  # the site's own pages (index, 404) speak its language
    env.globals.update(language=site_language, **words.page_globals(site_language))


_REFERENCES: dict[str, list[str]] = {}


def _references(env: jinja2.Environment, source: str) -> list[str]:
    """The templates a source extends, includes or prints with `once`; remembered, since templates rarely change."""
    if source not in _REFERENCES:
        try:
            tree = env.parse(source)
            once = [call.args[0].value for call in tree.find_all(jinja2.nodes.Call)
                    if isinstance(call.node, jinja2.nodes.Name) and call.node.name == ONCE and call.args and isinstance(call.args[0], jinja2.nodes.Const)]
            _REFERENCES[source] = [r for r in jinja2.meta.find_referenced_templates(tree) if r] + once
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


def _template_error(exc: Exception, page: Page, folders: list[Path]) -> ContentError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, field = _shown(folders, exc.filename, exc.name or "")
        return ContentError(file, exc.lineno, 1, field, exc.message or str(exc))
    message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    if isinstance(exc, RecursionError):
        message = "includes, extends or calls itself, directly or through other templates, without end"
    elif isinstance(exc, jinja2.TemplateNotFound):
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
    except Exception as exc:  # templates are code: whatever one raises (a TypeError, a template that includes itself) is its mistake
        folders = [Path(p) for loader in env.loader.loaders for p in loader.searchpath]  # type: ignore[union-attr]
        raise BuildError([_template_error(exc, page, folders)]) from None
    return html.encode("utf-8")
