"""docs/templates.md stays true: it names every template of the default theme, lists exactly the
variables the build gives each page template, what each template reads, and every field (with its
type) of every value a template can reach.

The pages are planned by the build's own functions from the bundled explainer and the
tests/shapes/budget.yaml explainer (which has old addresses, so redirect pages are planned too).
Nothing is rendered or written, so this runs in well under a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import re
import tempfile
import typing
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest
from helpers import REPO, SHAPES

from explainer.content.files import SITE_FILE
from explainer.content.model import Site, build_site
from explainer.content.parse import parse_site
from explainer.content.words import WORDS_DIR
from explainer.content.load import parse_explainer
from explainer.pipeline import site_pages
from explainer.plan.pages import Page, newest_first
from explainer.plan.publish import plan_group, summarize
from explainer.plan.related import connect
from explainer.render.templates import RENDERERS, make_env, set_site

DOC = REPO / "docs" / "templates.md"
THEME = REPO / "templates"

# The doc's level-2 headings under which each template, and each model type, has a heading of its own.
PAGE_TEMPLATES = "Page templates"
PARTIALS = "Partials"
MODEL_TYPES = "Model types"
RULES = "Rules"
EVERYWHERE = "Available to every template"

# The only value other than an `_html` field that the doc allows templates to print with |safe.
SAFE_EXTRA = "site.brand.font_css"


# --- reading the doc ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Part:
    """The text under one heading of the doc, and the level-2 heading it sits under."""

    group: str
    body: str


def _heading_name(title: str) -> str:
    code = re.fullmatch(r"`([^`]+)`", title.strip())
    return code.group(1) if code else title.strip()


@functools.cache
def doc_parts() -> dict[str, Part]:
    """Each heading of the doc (a `name` in backticks counts as the name) and the text under it."""
    parts: dict[str, Part] = {}
    group, name, body = "", None, []
    for line in DOC.read_text("utf-8").splitlines():
        heading = re.match(r"^(#{2,4}) (.+)$", line)
        if heading:
            if name is not None:
                parts[name] = Part(group, "\n".join(body))
            name, body = _heading_name(heading.group(2)), []
            if len(heading.group(1)) == 2:
                group = name
        else:
            body.append(line)
    if name is not None:
        parts[name] = Part(group, "\n".join(body))
    return parts


def rows(body: str) -> dict[str, list[str]]:
    """The rows of the tables in a part whose first cell is a `name`: name to its other cells,
    backticks and Markdown links dropped (the link text kept) and `\\|` read as `|`."""
    found = {}
    for line in body.splitlines():
        row = re.match(r"^\s*\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if row:
            cells = [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", c).strip().replace("`", "").replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row.group(2))]
            found[row.group(1)] = cells
    return found


def part(name: str) -> Part:
    parts = doc_parts()
    assert name in parts, f"docs/templates.md has no heading for {name!r}"
    return parts[name]


def named_in_group(group: str) -> set[str]:
    return {name for name, p in doc_parts().items() if p.group == group and name != group}


# --- what the code does -------------------------------------------------------------------


@functools.cache
def site() -> Site:
    doc = parse_site(SITE_FILE, (REPO / SITE_FILE).read_bytes())
    assert not isinstance(doc, list), doc
    return build_site(doc)


# The French shape as a draft translation of the budget shape: its pages and the budget's carry a
# language switch and hreflang alternates, and its own a banner.
TRANSLATION = "translation_of: budget-vote\ndraft: true\n"


# An explainer with a lead picture, a question's own picture and authors, so the values only
# pictures and people bring are planned too.
WITH_PICTURES = """\
slug: pictured
title: A pictured explainer
dek: It has pictures.
published: 2025-01-02 09:30 +01:00
authors: [{name: Jane Doe, url: "https://example.org/jane"}]
image: {src: lead.png, alt: A square, credit: Example Agency}
sections:
  - id: first
    question: What happened?
    short_answer: Something happened.
    answer: It happened.
    image: {src: lead.png, alt: The same square}
"""


def _pictured() -> Any:
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        Image.new("RGB", (600, 400), "#336699").save(Path(folder) / "lead.png")
        return parse_explainer("content/pictured.yaml", WITH_PICTURES.encode(), root=Path(folder))


@functools.cache
def planned() -> tuple[Page, ...]:
    """Every page the build plans for the bundled explainer, the budget shape, a draft French
    translation of it and an explainer with pictures, as pipeline.write_site plans them with
    drafts built: what each explainer's pages show of the others (connect), each explainer's group
    (plan_group), then the site's own pages (site_pages)."""
    files = [*sorted((REPO / "content").glob("*.yaml")), SHAPES / "budget.yaml", SHAPES / "french.yaml"]
    explainers = []
    read = [parse_explainer(f"content/{path.name}", path.read_bytes() if path.name != "french.yaml" else TRANSLATION.encode() + path.read_bytes()) for path in files]
    for parsed in [*read, _pictured()]:
        assert parsed.explainer is not None, parsed.errors
        explainers.append(parsed.explainer)
    newest = newest_first(summarize(e) for e in explainers)
    connections = connect(newest, newest, site().language, dt.datetime.now(dt.timezone.utc))
    pages = [page for e in explainers for page in plan_group(site(), e, connections[e.slug])]
    pages += site_pages(site(), newest)
    return tuple(pages)


def jinja_pages() -> list[Page]:
    """The planned pages a Jinja template renders (the others are made by RENDERERS)."""
    return [page for page in planned() if page.template not in RENDERERS]


@functools.cache
def env() -> jinja2.Environment:
    environment = make_env([THEME])
    set_site(environment, site())
    return environment


def theme_files() -> list[str]:
    """The theme's templates (its words files, data rather than templates, are checked apart)."""
    return sorted(p.relative_to(THEME).as_posix() for p in THEME.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.parent.name != WORDS_DIR)


def test_every_words_file_of_the_theme_is_listed_under_words():
    shipped = sorted(p.relative_to(THEME).as_posix() for p in (THEME / WORDS_DIR).glob("*"))
    assert shipped and sorted(rows(part("The theme's words").body)) == shipped


def parsed_template(name: str) -> jinja2.nodes.Template:
    return env().parse((THEME / name).read_text("utf-8"))


def layouts() -> set[str]:
    """The templates the page templates extend."""
    found = set()
    for name in {page.template for page in jinja_pages()}:
        found.update(node.template.value for node in parsed_template(name).find_all(jinja2.nodes.Extends) if isinstance(node.template, jinja2.nodes.Const))
    return found


def _hint_classes(hint: Any) -> Iterator[type]:
    """The dataclasses named anywhere in a type hint."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        yield hint
    for arg in typing.get_args(hint):
        yield from _hint_classes(arg)


def _value_classes(value: Any, seen: set[int]) -> Iterator[type]:
    """The dataclasses of every value inside a context value, fields of dataclasses included."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield type(value)
        for f in dataclasses.fields(value):
            yield from _value_classes(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _value_classes(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _value_classes(item, seen)


def properties(cls: type) -> dict[str, property]:
    return {name: value for name, value in vars(cls).items() if isinstance(value, property)}


@functools.cache
def reachable() -> tuple[type, ...]:
    """Every dataclass a template can reach: `site`, `page`, every value in a page template's
    context, and every dataclass their fields' and properties' types name (so a section kind the
    sample content lacks, or a logo it has none of, still counts)."""
    todo = [Site, Page]
    seen_values: set[int] = set()
    for page in jinja_pages():
        todo += _value_classes(page.context, seen_values)
    found: dict[type, None] = {}
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found[cls] = None
        for hint in typing.get_type_hints(cls).values():
            todo += _hint_classes(hint)
        for prop in properties(cls).values():
            todo += _hint_classes(typing.get_type_hints(prop.fget).get("return"))
    return tuple(sorted(found, key=lambda c: c.__name__))


def shown(annotation: Any) -> str:
    """An annotation as the doc writes it: `date` for dt.date, the type of a ClassVar."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
    text = re.sub(r"^ClassVar\[(.*)\]$", r"\1", text)
    return re.sub(r"\b(dt|datetime)\.", "", text)


def leaf_types(value: Any) -> Iterator[str]:
    """The type names inside a context value, looking into tuples, lists and dicts only."""
    if value is None:
        yield "None"
        return
    yield type(value).__name__
    if isinstance(value, (tuple, list)):
        for item in value:
            yield from leaf_types(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_types(key)
            yield from leaf_types(item)


# --- the checks ---------------------------------------------------------------------------


def test_every_template_file_has_its_own_heading_and_no_other_is_named():
    files = set(theme_files())
    named = named_in_group(PAGE_TEMPLATES) | named_in_group(PARTIALS)
    assert sorted(files - named) == [], "templates/ files without a heading in docs/templates.md"
    assert sorted(named - files) == [], "headings in docs/templates.md naming no file in templates/"
    assert all(name.startswith("_partials/") for name in named_in_group(PARTIALS))


def test_the_page_templates_are_the_templates_the_build_renders_and_their_layout():
    rendered = {page.template for page in jinja_pages()}
    assert rendered <= set(theme_files()), "a planned page names a template the theme lacks"
    assert named_in_group(PAGE_TEMPLATES) == rendered | layouts()
    assert {"redirect.html", "embed.js", "oembed.json", "404.html"} <= rendered, "the sample content no longer plans every kind of page"


def test_each_page_templates_context_is_documented_exactly_with_its_types():
    by_template: dict[str, list[Page]] = {}
    for page in jinja_pages():
        by_template.setdefault(page.template, []).append(page)
    for template, pages in sorted(by_template.items()):
        documented = rows(part(template).body)
        keys = {key for page in pages for key in page.context}
        assert sorted(keys - documented.keys()) == [], f"{template}: context variables not documented"
        assert sorted(documented.keys() - keys) == [], f"{template}: documented variables the build does not pass"
        for page in pages:
            for key, value in page.context.items():
                written = set(re.findall(r"\w+", documented[key][0]))
                actual = set(leaf_types(value)) if "Any" not in written else {type(value).__name__}
                assert actual <= written, f"{template}: {key} is documented as {documented[key][0]!r} but holds {sorted(actual - written)}"


def test_everything_each_template_reads_and_includes_is_named_under_it():
    for name in theme_files():
        tree = parsed_template(name)
        body = part(name).body
        documented = rows(body)
        reads = jinja2.meta.find_undeclared_variables(tree)
        assert sorted(reads - documented.keys()) == [], f"{name} reads variables its part of docs/templates.md does not list"
        uses = {ref for ref in jinja2.meta.find_referenced_templates(tree) if ref}
        missing = sorted(ref for ref in uses if f"`{ref}`" not in body)
        assert missing == [], f"{name} extends, includes or imports templates its part of docs/templates.md does not name"


def test_the_globals_are_documented():
    documented = rows(part(EVERYWHERE).body)
    assert set(env().globals) >= {"site"} and documented.keys() >= {"site", "page"}
    assert documented["site"][0] == "Site" and documented["page"][0] == "Page"
    for name in ("url", "absolute", "date_text", "date_in_year", "glossary_at"):
        assert name in env().filters and f"`{name}`" in part(EVERYWHERE).body


def test_every_field_of_every_reachable_type_is_documented_with_its_type():
    classes = reachable()
    assert len(classes) > 20  # Site, Page, Explainer, every section kind, Embed, Sharing, ...
    stale = named_in_group(MODEL_TYPES) - {cls.__name__ for cls in classes} - {"Sections"}
    assert sorted(stale) == [], "docs/templates.md documents types no template can reach"
    for cls in classes:
        p = part(cls.__name__)
        assert p.group == MODEL_TYPES, f"{cls.__name__}'s heading is not under {MODEL_TYPES!r}"
        documented = rows(p.body)
        expected = {name: shown(a) for name, a in cls.__annotations__.items()}
        expected |= {name: shown(prop.fget.__annotations__["return"]) for name, prop in properties(cls).items()}
        assert sorted(expected.keys() - documented.keys()) == [], f"{cls.__name__}: fields not documented"
        assert sorted(documented.keys() - expected.keys()) == [], f"{cls.__name__}: documented fields it does not have"
        for name, annotation in expected.items():
            assert documented[name][0] == annotation, f"{cls.__name__}.{name} is {annotation!r}, documented as {documented[name][0]!r}"
        for name, annotation in cls.__annotations__.items():
            if str(annotation).startswith("ClassVar"):
                value = getattr(cls, name)
                assert f'"{value}"' in documented[name][1], f"{cls.__name__}.{name} is always {value!r}; the doc must say so"


def test_the_html_fields_are_listed_in_the_rules_and_only_they_and_the_font_are_printed_safe():
    html_fields = {f"{cls.__name__}.{f.name}" for cls in reachable() for f in dataclasses.fields(cls) if f.name.endswith("_html")}
    listed = set(rows(part(RULES).body))
    assert sorted(html_fields - listed) == [], "_html fields missing from the Rules table"
    assert sorted(listed - html_fields) == [], "the Rules table lists fields that are not _html fields"
    assert f"`{SAFE_EXTRA}`" in part(RULES).body
    for name in theme_files():
        source = (THEME / name).read_text("utf-8")
        for use in re.finditer(r"\|\s*safe\b", source):
            printed = re.search(r"([\w.]+)\s*$", source[:use.start()])
            value = printed.group(1) if printed else "(an expression)"
            assert value.endswith("_html") or value == SAFE_EXTRA, f"{name} prints {value} with |safe; the doc allows only _html fields and {SAFE_EXTRA}"


@pytest.mark.parametrize("name", ["url", "absolute", "date_text", "date_in_year"])
def test_the_filter_examples_give_what_the_doc_says(name):
    """Each example of the filters' table, rendered under https://example.org/repo/ as the doc
    assumes, gives the output the table shows, in order."""
    row = rows(part(EVERYWHERE).body)[name]
    examples = re.findall(r"\{\{ (.*?) \}\}", row[1])
    assert examples
    environment = make_env([THEME])
    set_site(environment, dataclasses.replace(site(), base_url="https://example.org/repo/"))
    values = {"page": Page("<slug>/index.html", "<slug>/", "explainer.html", "", {}), "explainer": SimpleNamespace(published=dt.date(2025, 10, 16))}
    got = [html.unescape(environment.from_string("{{ " + example + " }}").render(values)) for example in examples]
    assert ", ".join(got) == row[2]
