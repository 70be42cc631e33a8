"""One rule for text that must match a pattern: the fast check (fastjsonschema), the explaining
one (jsonschema) and the command line agree on every pattern of the schemas, for every edge value;
an identifier with a stray newline, space or look-alike letter is refused however it arrives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastjsonschema
import pytest
import yaml
from helpers import cli, make_project, minimal_explainer

from explainer.content import parse as load
from explainer.content.validate import explaining_validator, load_schema, matches
from explainer.content.yaml_errors import HALF_CHARACTER


def patterns(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every pattern in a schema, by where it is."""
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield path, node["pattern"]
        for key, value in node.items():
            yield from patterns(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from patterns(value, f"{path}/{i}")


ALL = dict(p for name in ("site", "explainer", "words") for p in patterns(load_schema(name), name))

# A value each pattern accepts, from which the edge values are made.
GOOD = {
    "site/properties/name": "The Daily Example",
    "site/properties/base_url": "https://example.org/explainers/",
    "site/properties/cname": "explainers.example.org",
    "site/properties/editing/properties/repo": "newsroom/explainers",
    "site/properties/editing/properties/branch": "main",
    "site/properties/language": "en-GB",
    "site/properties/publisher/properties/name": "Example Media",
    "site/properties/publisher/properties/url": "https://example.org/",
    "site/properties/brand/properties/accent": "#aa3300",
    "site/properties/brand/properties/accent_dark": "#ffaa88",
    "site/properties/brand/properties/logo": "assets/logo.png",
    "site/properties/brand/properties/font": "Georgia, serif",
    "site/properties/brand/properties/footer": "Made by the data desk.",
    "explainer/properties/language": "pt-BR",
    "explainer/properties/made_from/items": "seeds/article.txt",
    "explainer/properties/unplaced/items": "A sentence left over.",
    "explainer/properties/omitted/items": "Photo: Jane Doe/Agency",
    "explainer/$defs/slug": "budget-vote",
    "explainer/$defs/line": "What happened?",
    "explainer/$defs/markdown": "It *happened*.",
    "explainer/$defs/moment": "2026-02-28 09:30 Europe/Paris",
    "explainer/$defs/author_id": "jane-doe",
    "explainer/$defs/author/properties/url": "https://example.org/staff/jane",
    "explainer/$defs/picture_file": "images/lead.jpg",
    "explainer/$defs/picture/properties/alt": "The river at dusk",
    "explainer/$defs/picture/allOf/1/then/properties/alt": "The river at dusk",
    "site/properties/time_zone": "Europe/Paris",
    "site/properties/authors/propertyNames": "jane-doe",
    "site/properties/authors/additionalProperties/properties/name": "Jane Doe",
    "site/properties/authors/additionalProperties/properties/url": "https://example.org/staff/jane",
    "site/properties/authors/additionalProperties/properties/role": "Reporter",
    "explainer/properties/topics/items": "City budget",
    "explainer/$defs/timeline_section/properties/timeline/items/properties/date": "2026-02",
    "explainer/$defs/sources_section/properties/sources/items/properties/url": "https://example.org/a",
    "words/additionalProperties": "Publié le %(published)s.",
}

# Patterns for prose, where spaces and line breaks are part of the text (an answer written with
# `|` ends in a newline); every other pattern names something exact: an address, a name in a URL,
# a date, a colour, a file.
PROSE = {path for path, pattern in ALL.items() if pattern.startswith("^(?=[\\s\\S]*\\S)")} | {
    "explainer/properties/unplaced/items", "explainer/properties/omitted/items", "words/additionalProperties", "explainer/$defs/picture/allOf/1/then/properties/alt"}

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def edges(good: str) -> dict[str, str]:
    """Values that differ from a good one in a way a reader may not see."""
    first = next(c for c in good if c.isalnum())
    return {
        "trailing newline": good + "\n",
        "leading newline": "\n" + good,
        "trailing space": good + " ",
        "leading space": " " + good,
        "trailing tab": good + "\t",
        "carriage return": good + "\r",
        "nul": good[:1] + "\0" + good[1:],
        "lone surrogate": good + "\ud800",
        "full-width letter": good.replace(first, FULL_WIDTH[first], 1),
        "cyrillic a": good.replace("a", "\u0430", 1) if "a" in good else good.replace(first, "\u0430", 1),
        "line separator": good + "\u2028",
        "empty": "",
        "very long": good + "a" * 100_000,
    }


def test_every_pattern_has_a_good_value_that_it_accepts():
    assert set(GOOD) == set(ALL)
    for path, pattern in ALL.items():
        assert matches(pattern, GOOD[path]), path


@pytest.mark.parametrize("path", sorted(ALL))
def test_the_fast_and_the_explaining_check_agree_on_every_edge_value(path):
    schema = {"type": "string", "pattern": ALL[path]}
    fast, slow = fastjsonschema.compile(schema), explaining_validator(schema)
    for name, value in {"good": GOOD[path], **edges(GOOD[path])}.items():
        try:
            fast(value)
            fast_ok = True
        except fastjsonschema.JsonSchemaException:
            fast_ok = False
        assert fast_ok == slow.is_valid(value) == matches(ALL[path], value), (path, name)


@pytest.mark.parametrize("path", sorted(set(ALL) - PROSE))
def test_an_exact_value_with_a_line_break_or_space_around_it_is_refused(path):
    for name in ("trailing newline", "leading newline", "trailing space", "leading space", "trailing tab", "carriage return", "nul", "line separator", "empty"):
        assert not matches(ALL[path], edges(GOOD[path])[name]), (path, name)


@pytest.mark.parametrize("path", ["explainer/$defs/slug", "site/properties/cname", "site/properties/language", "site/properties/brand/properties/accent",
                                  "site/properties/brand/properties/logo", "explainer/$defs/moment", "explainer/$defs/author_id",
                                  "explainer/$defs/picture_file", "site/properties/time_zone"])
def test_a_name_with_a_look_alike_letter_is_refused(path):
    for name in ("full-width letter", "cyrillic a", "lone surrogate"):
        assert not matches(ALL[path], edges(GOOD[path])[name]), (path, name)



@pytest.mark.parametrize(("where", "text", "line"), [
    ("slug", minimal_explainer("abc").replace("slug: abc", 'slug: "abc\\n"'), r"content/a.yaml:1:7: slug: "),
    ("question id", minimal_explainer("abc").replace("id: first", 'id: "x\\n"'), r"content/a.yaml:6:9: sections[0].id: "),
    ("published", minimal_explainer("abc").replace("published: 2025-01-02", 'published: "2025-01-02\\n"'), r"content/a.yaml:4:12: published: "),
])
def test_an_identifier_ending_in_a_newline_is_refused_at_its_line_and_every_later_build_says_so(tmp_path, where, text, line):
    root = make_project(tmp_path / "project", {"a.yaml": text})
    for _ in range(2):
        result = cli("--root", str(root))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(line) and "found '" in result.stderr.splitlines()[0], result.stderr
    assert not (root / "site").exists()


def test_a_base_url_ending_in_a_newline_is_refused_in_the_site_file_and_on_the_command_line(tmp_path):
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a")})
    site = (root / "site.yaml").read_text("utf-8")
    (root / "site.yaml").write_text("\n".join('base_url: "https://example.org/\\n"' if l.startswith("base_url:") else l for l in site.splitlines()) + "\n", "utf-8")
    result = cli("--root", str(root))
    assert result.returncode == 1 and result.stderr.startswith("site.yaml:") and ": base_url: " in result.stderr.splitlines()[0], result.stderr
    (root / "site.yaml").write_text(site, "utf-8")
    flag = cli("--root", str(root), "--base-url", "https://example.org/\n")
    assert flag.returncode == 2 and "expected an absolute address ending in '/'" in flag.stderr
    slug = cli("import", "--root", str(root), "--slug", "abc\n", str(root / "site.yaml"))
    assert slug.returncode == 2 and "expected lowercase letters, digits and single hyphens" in slug.stderr


class _PurePythonLoader(load._BoundedComposer, yaml.SafeLoader):
    """The loader as it is where PyYAML was built without libyaml."""


@pytest.mark.parametrize("loader", ["libyaml", "pure Python"])
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\U0000dc00"])
def test_an_escape_that_makes_half_a_character_is_refused_whichever_parser_reads_it(monkeypatch, loader, escape):
    if loader == "pure Python":
        monkeypatch.setattr(load, "_ContentLoader", _PurePythonLoader)
    text = minimal_explainer("abc").replace("question: What happened?", f'question: "What{escape} happened?"')
    errors = load.parse_yaml("content/a.yaml", text.encode())
    assert isinstance(errors, list) and [(e.line, e.field, e.message) for e in errors] == [(7, "(yaml)", HALF_CHARACTER)]


def test_content_the_fast_check_refuses_is_refused_even_if_the_explaining_check_found_nothing(monkeypatch):
    # A safety net for a disagreement between the two validators, made here on purpose.
    from explainer.content import validate

    class FindsNothing:
        def iter_errors(self, _data: Any) -> Iterator[Any]:
            return iter(())

    monkeypatch.setattr(validate, "_validator", lambda _name: FindsNothing())
    doc = load.parse_yaml("content/a.yaml", minimal_explainer("abc").replace("slug: abc", 'slug: "abc\\n"').encode())
    assert isinstance(doc, load.RawDoc)
    assert [str(e) for e in validate.validate_doc(doc, "explainer")] == ["content/a.yaml:1:7: slug: does not fit the schema (pattern: 'abc\\n')"]
