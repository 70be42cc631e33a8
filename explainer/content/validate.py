"""Stage 2: check RawDocs against the JSON Schema, then the rules a schema cannot say."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import fastjsonschema
import yaml
from fastjsonschema.draft04 import DOLLAR_FINDER

from explainer.errors import ContentError, field_path, line_column

if TYPE_CHECKING:
    import jsonschema
from explainer.content.dates import before, date_problem, moment_problem, parse_moment, zone_of
from explainer.content.brand import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, contrast_failure, hex_colour, logo_problem
from explainer.content.kinds import ONCE, section_id, section_kind, term_anchors
from explainer.content.language import Words, locale_of, placeholders
from explainer.content.markdown import lead_end, link_problems, repeats
from explainer.content.parse import RawDoc
from explainer.content.schema import load_schema, walk
from explainer.content.slugs import topic_slug

# Anchors the page uses for its own parts, and the folder beside an explainer's question and card
# pages that holds its embeds: no section, question or card may take one as its id.
# The folder of an explainer's pictures (`images`) is beside its question and card pages too.
RESERVED_IDS = frozenset({"main", "contents", "credits", "top", "changes", "changes-heading", "embed", "images"})
# Folder names at the site root that are not explainers: the site's own (admin/ is the editing page), and those of its lists
# (topics/, authors/, the index's page/2/...) and of its search index (pagefind/).
RESERVED_SLUGS = frozenset({"admin", "assets", "embed", "feed", "static", "schema", "topics", "authors", "page", "pagefind"})

_TYPE_WORDS = {"string": "text", "object": "a mapping of fields", "array": "a list", "integer": "a whole number", "number": "a number", "boolean": "true or false"}


# A schema pattern is an ECMA-262 regular expression, where `$` matches only at the very end of
# the text. In Python's re it also matches before a final newline, so "abc\n" would pass
# "^[a-z]+$" and become a folder name with a newline in it. fastjsonschema rewrites each `$` not
# escaped as `\Z`; the explaining validator and the command line make the same rewrite, with
# fastjsonschema's own expression, through `matches`, so every path that checks a pattern applies
# one rule (tests/test_patterns.py).
@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(DOLLAR_FINDER.sub(r"\\Z", pattern))


def matches(pattern: str, value: str) -> bool:
    """Whether value matches a schema pattern, as JSON Schema means it."""
    return _compiled(pattern).search(value) is not None


def explaining_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """jsonschema's validator for schema, which finds every error and where it is, with the one
    pattern rule (`matches`) in place of its own."""
    # Imported here: only content with mistakes needs it, and it costs a tenth of a second.
    import jsonschema

    def pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[jsonschema.ValidationError]:
        if validator.is_type(instance, "string") and not matches(pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    cls = jsonschema.validators.extend(jsonschema.validators.validator_for(schema), {"pattern": pattern})
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    return explaining_validator(load_schema(name))


def node_at(root: yaml.Node, path: list[str | int]) -> tuple[yaml.Node, yaml.Node | None]:
    """The node at path, and the key node naming it (None for list items and the root)."""
    node, key_node = root, None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    node, key_node = v, k
                    break
            else:
                return node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node, key_node = node.value[part], None
        else:
            return node, key_node
    return node, key_node


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(doc: RawDoc, node: yaml.Node, path: list[str | int], message: str, *, warning: bool = False) -> ContentError:
    return ContentError(doc.path, *line_column(node.start_mark), field_path(path), message, warning)


def _moved(schema: Any) -> bool:
    """A field of the first version: listed in the schema only to say what to write instead."""
    return isinstance(schema, dict) and "deprecationMessage" in schema


def _known(schema: Any) -> list[str]:
    """The fields an object of this schema may hold (those of the first version aside)."""
    return sorted(k for k, v in schema.get("properties", {}).items() if not _moved(v)) if isinstance(schema, dict) else []


def _meant(errors: list[jsonschema.ValidationError]) -> frozenset[tuple[str | int, ...]]:
    """The paths of the fields that unknown fields' names are close to (`short_anwser` for
    `short_answer`), in every error and the errors inside them."""
    meant = set()
    stack = list(errors)
    while stack:
        error = stack.pop()
        stack.extend(error.context or ())
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = _known(error.schema)
            for key in set(error.instance) - set(known):
                meant.update(tuple([*error.absolute_path, hint]) for hint in difflib.get_close_matches(str(key), known, n=1))
        elif error.validator == "oneOf" and isinstance(error.instance, dict):
            branch = _branch(error)
            if isinstance(branch, tuple) and branch[0] is not None and "did you mean" in branch[1]:
                meant.add(tuple([*error.absolute_path, branch[1].rsplit("'", 2)[-2]]))
    return frozenset(meant)


def _branch(error: jsonschema.ValidationError) -> int | tuple[str | None, str]:
    """For a section that matches none of the kinds: the index of the one kind it names (by
    carrying its field, or by its `type`), or, when it names none or several, the key to point at
    (None for the section itself) and a message."""
    branches = [load_schema("explainer")["$defs"][b["$ref"].rsplit("/", 1)[-1]] for b in error.schema["oneOf"]]
    kinds = [b["title"] for b in branches]
    instance = error.instance if isinstance(error.instance, dict) else {}
    named = [k for k in kinds if k in instance]
    if not named and instance.get("type") in kinds:
        named = [instance["type"]]
    if not named:
        # A field of some kind is not a misspelt kind, however close its name (`unknown`, `known`).
        fields = {name for b in branches for name in b.get("properties", {})}
        for key in sorted(k for k in map(str, instance) if k not in fields):
            close = difflib.get_close_matches(key, kinds, n=1, cutoff=0.75)
            if close:
                return key, f"unknown field {key!r}: did you mean {close[0]!r}?"
        found = ", ".join(sorted(map(str, instance))) or "nothing"
        return None, f"says no kind: a section carries one of {', '.join(kinds[:-1])} or {kinds[-1]} (found {found})"
    if len(named) > 1:
        return None, f"holds both {named[0]!r} and {named[1]!r}: a section is one kind; make them two sections"
    return kinds.index(named[0])


# What to write in a required field, by its name, for the message that says it is missing.
# A field not listed here is described by its schema.
WHAT_TO_WRITE = {
    "slug": "the explainer's address, in lowercase letters, digits and hyphens, like 'budget-vote'",
    "title": "the title a reader sees first",
    "dek": "one or two sentences under the headline",
    "published": "the date it was first published, as YYYY-MM-DD",
    "sections": "the explainer's sections, in reading order (a question with its short_answer and answer, to start)",
    "id": "the anchor and address of this part, in lowercase letters, digits and hyphens, like 'what-happens-next'",
    "question": "the question a reader asks, as a heading",
    "short_answer": "the one-sentence answer a reader sees first",
    "answer": "the answer, in Markdown (a question with a deck of cards may leave it out)",
    "heading": "the heading over this section",
    "text": "the text, in Markdown",
    "items": "the titled items, each a title and its text",
    "timeline": "the events, oldest first, each a date and an event",
    "date": "the date, as YYYY-MM-DD (in a timeline, a year or month will do: 2019, 2025-08)",
    "event": "what happened, in a sentence",
    "people": "the people, each with a name",
    "name": "the name",
    "glossary": "the terms, each a term and its definition",
    "term": "the term a reader may not know",
    "definition": "what the term means, in Markdown",
    "sources": "the sources, each with a title",
    "key_points": "the key points, one short line each",
    "summary": "the one line a reader sees on the card in the deck",
    "detail": "the card's detail, in Markdown",
    "label": "the fact's label, like 'Risks' or 'Cost'",
    "kind": "update or correction",
}

# The field that names each kind of entry in a message: a question by its question, a card by its title.
_NAMED_BY = ("question", "heading", "title", "term", "name", "label", "date")


def _what_to_write(key: str, schema: Any) -> str:
    """How a required field's message says what to write in it."""
    if key in WHAT_TO_WRITE:
        return WHAT_TO_WRITE[key]
    prop = schema.get("properties", {}).get(key, {}) if isinstance(schema, dict) else {}
    described = prop.get("description") or load_schema("explainer")["$defs"].get(prop.get("$ref", "").rsplit("/", 1)[-1], {}).get("description", "")
    described = described.removeprefix("expected ").rstrip(".")
    return described[:1].lower() + described[1:] if described else "a value"


def _named(doc: RawDoc, path: list[str | int], key: str) -> str:
    """A field inside an entry as a message names it: `sections[3] (question 'What did Putin say?'): short_answer`,
    so the editor finds the entry by what it says; the plain path when the entry says nothing yet."""
    entry: Any = doc.data
    for part in path:
        entry = entry[part] if isinstance(entry, (dict, list)) else None
    name = next((f for f in _NAMED_BY if isinstance(entry, dict) and isinstance(entry.get(f), str) and f != key), None)
    if not path or name is None:
        return field_path([*path, key])
    shown = " ".join(entry[name].split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    what = "card" if "cards" in path[-2:-1] else name
    return f"{field_path(path)} ({what} {shown!r}): {key}"


def _required(doc: RawDoc, node: yaml.Node, path: list[str | int], key: str, message: str) -> ContentError:
    return ContentError(doc.path, *line_column(node.start_mark), _named(doc, path, key), message)


def _schema_errors(doc: RawDoc, error: jsonschema.ValidationError, meant: frozenset[tuple[str | int, ...]] = frozenset()) -> list[ContentError]:
    """The messages for one jsonschema error. `meant` holds the paths of fields an unknown
    field's name is close to: such a field is not also reported missing, as the one message
    about the misspelling explains both."""
    path = list(error.absolute_path)
    node, _ = node_at(doc.node, path)
    kind = error.validator
    if kind == "oneOf" and isinstance(error.schema, dict) and isinstance(error.instance, dict):
        branch = _branch(error)
        if isinstance(branch, tuple):
            key, message = branch
            if key is not None:
                _, key_node = node_at(doc.node, path + [key])
                return [_at(doc, key_node or node, path + [key], message)]
            return [_at(doc, node, path, message)]
        # Only the errors of the kind the section names: those of the other kinds are noise.
        return [e for sub in error.context if sub.relative_schema_path[0] == branch for e in _schema_errors(doc, sub, meant)]
    if kind == "not" and _moved(error.schema):
        _, key_node = node_at(doc.node, path)
        return [_at(doc, key_node or node, path, error.schema["deprecationMessage"])]
    if kind == "required" and list(error.relative_schema_path)[-2:-1] == ["then"] and "description" in error.schema:
        # A field that needs another (the schema's if/then) says why in the `then` it fails.
        return [_required(doc, node, path, k, error.schema["description"]) for k in error.validator_value
                if k not in error.instance and tuple(path + [k]) not in meant]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = _known(error.schema)
        out = []
        for key in sorted(set(error.instance) - set(known), key=str):
            value_node, key_node = node_at(doc.node, path + [key])
            hint = difflib.get_close_matches(str(key), known, n=1)
            fix = f": did you mean '{hint[0]}'?" if hint else f"; expected one of: {', '.join(known)}"
            # Point at the key itself, not its value.
            out.append(_at(doc, key_node or value_node, path + [key], f"unknown field {str(key)!r}{fix}"))
        return out
    if kind == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance and tuple(path + [k]) not in meant]
        return [_required(doc, node, path, k, f"required: write {_what_to_write(k, error.schema)}") for k in missing]
    described = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    found = f"found {_show(error.instance)}"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        hint = ""
        if wanted == "string" and isinstance(error.instance, (list, dict)):
            hint = " (if the brackets are part of the text, put the whole value in quotes)"
        elif wanted == "string" and error.instance is not None:
            hint = " (a tag such as !!int makes it so: remove the tag)"
        message = f"expected {_TYPE_WORDS.get(wanted, wanted)}, {found}{hint}"
    elif kind in ("pattern", "format"):
        why = date_problem(error.instance) if isinstance(error.instance, str) and "YYYY" in described else None
        message = f"{why + '; ' if why else ''}{described or 'wrong format'}, {found}"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "maxLength" and error.validator_value == 0 and described:
        message = f"{described}, {found}"  # a field that must be empty here says why
    elif kind == "maxLength":
        message = f"is {len(error.instance):,} characters long; the most is {error.validator_value:,}"
    elif kind == "minItems":
        message = f"needs at least {error.validator_value} item(s)"
    elif kind == "enum":
        message = f"expected one of {', '.join(map(str, error.validator_value))}, {found}"
    else:
        message = error.message
    return [_at(doc, node, path, message)]


@cache
def _quick_check(name: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python code: it answers "valid?" about 20 times faster."""
    return fastjsonschema.compile(load_schema(name))


def compile_schemas() -> None:
    """Compile the schemas now, once, so forked workers inherit them compiled (a tenth of a second each)."""
    _quick_check("explainer")


def validate_doc(doc: RawDoc, schema: str) -> list[ContentError]:
    """All the schema errors in doc, each placed at its line and column."""
    try:
        _quick_check(schema)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # jsonschema then finds every error, with the path that places it
    found = list(_validator(schema).iter_errors(doc.data))
    meant = _meant(found)
    errors = [e for error in found for e in _schema_errors(doc, error, meant)]
    if not errors:
        # The two validators disagree: a defect of ours, but the content is still refused.
        errors = [_quick_error(doc, schema)]
    if any(error.validator == "not" and _moved(error.schema) and len(error.absolute_path) == 1 for error in found):
        # A file in the first version's shape: each old field says where its content goes now,
        # so `sections` is not also reported missing.
        errors = [e for e in errors if not (e.field == "sections" and e.message.startswith("required: "))]
    # jsonschema reports each missing required field as its own error, and each lists them all:
    # keep one of each.
    return list(dict.fromkeys(errors))


def _quick_error(doc: RawDoc, schema: str) -> ContentError:
    """The fast validator's own account of what is wrong, placed at the value it names."""
    try:
        _quick_check(schema)(doc.data)
    except fastjsonschema.JsonSchemaException as exc:
        path = [int(p) if isinstance(p, str) and p.isdigit() else p for p in getattr(exc, "path", [])[1:]]
        node, _ = node_at(doc.node, path)
        return _at(doc, node, path, f"does not fit the schema ({exc.rule or 'rule'}: {_show(exc.value)})")
    return _at(doc, doc.node, [], "does not fit the schema")


Path_ = list[str | int]


def _names(data: dict[str, Any]) -> list[tuple[Path_, str, str]]:
    """Every name the explainer's pages and anchors use, in file order: (where, name, what it is).

    A section's id may be implied (a timeline's is "timeline"); then `where` is the section itself.
    """
    names: list[tuple[Path_, str, str]] = []
    for i, section in enumerate(data["sections"]):
        where: Path_ = ["sections", i, "id"] if "id" in section else ["sections", i]
        names.append((where, section_id(section, i), "id"))
        names += [(["sections", i, "aliases", a], alias, "alias") for a, alias in enumerate(section.get("aliases", ()))]
        for c, card in enumerate(section.get("cards", ())):
            names.append((["sections", i, "cards", c, "id"], card["id"], "id"))
            names += [(["sections", i, "cards", c, "aliases", a], alias, "alias") for a, alias in enumerate(card.get("aliases", ()))]
        if section_kind(section) == "glossary":
            names += [(["sections", i, "glossary", t, "term"], anchor, "term") for t, anchor in enumerate(term_anchors(section, i))]
    return names


def language_rule(doc: RawDoc) -> list[ContentError]:
    """A language tag the schema lets through must still name a language Babel has data for, since
    its dates are written and its direction found with that data."""
    tag = doc.data.get("language")
    if not isinstance(tag, str) or locale_of(tag) is not None:
        return []
    node, _ = node_at(doc.node, ["language"])
    return [_at(doc, node, ["language"], f"{tag!r} is not a language known to Babel's locale data; write a language tag such as en, fr, pt-BR or sr-Latn")]


def language_notice(doc: RawDoc, words: Words) -> list[ContentError]:
    """A warning for a language the theme (and the project's templates/words/) has no words for:
    its pages are built, with the theme's English words around the content."""
    tag = doc.data.get("language")
    if not isinstance(tag, str) or words.has(tag):
        return []
    node, _ = node_at(doc.node, ["language"])
    base = tag.split("-")[0].lower()
    message = f"the theme has no words in {tag!r}, so its pages show English ones (\"Contents\", \"Published\"); add templates/words/{base}.yaml to translate them"
    return [_at(doc, node, ["language"], message, warning=True)]


def words_rules(doc: RawDoc) -> list[ContentError]:
    """A words file's rule beyond the schema: each translation fills in the same values as its
    English phrase, or the page would show `%(date)s`, or lose the date."""
    errors = []
    for phrase, translation in (doc.data or {}).items():
        if placeholders(phrase) != placeholders(translation):
            wanted = ", ".join(f"%({n})s" for n in sorted(placeholders(phrase))) or "none"
            errors.append(_at(doc, node_at(doc.node, [phrase])[0], [phrase], f"the translation must fill in the same values as the phrase ({wanted}); keep each %(name)s as it is"))
    return errors


class Site(Protocol):
    """What an explainer's rules need of its site (content.model.Site has it): the authors it
    names by id, and the zone of a time written without one."""

    @property
    def authors(self) -> Mapping[str, Any]: ...

    @property
    def time_zone(self) -> str | None: ...


def _moment_rules(doc: RawDoc, site: Site | None) -> list[ContentError]:
    """Dates and times that exist, in zones that exist, and updates and changes not before the
    publication. `site` gives the zone of a time written without one (None: not known here)."""
    data, errors = doc.data, []
    zone = site.time_zone if site is not None else None
    paths: list[Path_] = [["published"]] + ([["updated"]] if "updated" in data else []) + [["changes", i, "date"] for i in range(len(data.get("changes", ())))]
    moments: dict[int, dt.date] = {}
    for n, path in enumerate(paths):
        value = data[path[0]] if len(path) == 1 else data["changes"][path[1]]["date"]
        # A time without a zone is left alone when the site's zone is not known here (a build
        # whose site file is wrong reports only what is wrong with each explainer on its own).
        why = moment_problem(value, zone if site is not None else "UTC")
        if why:
            # A day that does not exist is said as the schema says a date's shape, in the form written.
            described = load_schema("explainer")["$defs"]["moment"]["description"] if len(value) > 10 else "expected a date as YYYY-MM-DD"
            message = f"{why}; {described}, found {value!r}" if date_problem(value[:10]) else f"{why}, found {value!r}"
            errors.append(_at(doc, node_at(doc.node, path)[0], path, message))
        else:
            moments[n] = parse_moment(value, zone or "UTC")
    if 0 in moments:
        for n, path in enumerate(paths[1:], 1):
            if n in moments and before(moments[n], moments[0]):
                errors.append(_at(doc, node_at(doc.node, path)[0], path, f"is before published ({data['published']})"))
    return errors


def _author_rules(doc: RawDoc, site: Site | None) -> list[ContentError]:
    """Authors named by id are the site file's; a byline is written once, as authors or as attribution."""
    data, errors = doc.data, []
    if "authors" in data and "attribution" in data:
        node, key = node_at(doc.node, ["attribution"])
        errors.append(_at(doc, key or node, ["attribution"], "the byline is made from authors: remove attribution, or write the byline here and remove authors"))
    if site is None:
        return errors
    for i, author in enumerate(data.get("authors", ())):
        if isinstance(author, str) and author not in site.authors:
            known = f" (site.yaml names {', '.join(sorted(site.authors))})" if site.authors else ""
            message = f"{author!r} is not an author site.yaml names{known}: add it under authors there ({author}: {{name: ...}}), or write the author out here as {{name: ..., url: ...}}"
            errors.append(_at(doc, node_at(doc.node, ["authors", i])[0], ["authors", i], message))
    return errors


def _explainer_rules(doc: RawDoc, site: Site | None = None) -> list[ContentError]:
    """Cross-field rules: a known language, kinds that come once, unique ids and aliases, no
    reserved anchors, dates in order, authors the site file names."""
    data = doc.data
    errors: list[ContentError] = language_rule(doc)
    first: dict[str, int] = {}
    repeated: set[int] = set()
    for i, section in enumerate(data["sections"]):
        kind = section_kind(section)
        if kind in ONCE:
            node, _ = node_at(doc.node, ["sections", i])
            if kind in first:
                errors.append(_at(doc, node, ["sections", i, kind], f"a second {kind} section (the first is at line {first[kind]}); an explainer has one, so put these entries in the first"))
                repeated.add(i)
            else:
                first[kind] = line_column(node.start_mark)[0]
    seen: dict[str, int] = {}
    for path, ident, what in _names(data):
        if path[1] in repeated:
            continue  # already reported, and its implied id clashes only because it is a second one
        node, _ = node_at(doc.node, path)
        implied = path[-1] != "id" and what == "id"
        if what == "term" and (ident in RESERVED_IDS or ident in seen):
            # A term's anchor is made from it: two terms that make the same one, or a term whose
            # anchor is an id, would link to the wrong place.
            first = f" (first at line {seen[ident]})" if ident in seen else ""
            errors.append(_at(doc, node, path, f"its anchor '{ident}' is already taken{first}; write the term differently, or give the glossary section another id"))
        elif ident in RESERVED_IDS:
            errors.append(_at(doc, node, path, f"'{ident}' is used by the page itself; choose another {what}"))
        elif ident in seen:
            fix = "give this section an id of its own" if implied else "each must be unique in the explainer"
            errors.append(_at(doc, node, path if not implied else path + ["id"], f"duplicate id '{ident}' (first at line {seen[ident]}); ids and aliases name anchors and pages, so {fix}"))
        else:
            seen[ident] = line_column(node.start_mark)[0]
    for alias_at, alias in enumerate(data.get("aliases", ())):
        if alias == data["slug"]:
            node, _ = node_at(doc.node, ["aliases", alias_at])
            errors.append(_at(doc, node, ["aliases", alias_at], f"'{alias}' is the explainer's own slug; an alias names an old one"))
    errors += _moment_rules(doc, site)
    errors += _author_rules(doc, site)
    errors += _topic_rules(doc)
    if data.get("translation_of") == data["slug"]:
        node, _ = node_at(doc.node, ["translation_of"])
        errors.append(_at(doc, node, ["translation_of"], f"'{data['slug']}' is the explainer's own slug; name the explainer this one translates"))
    for s, section in enumerate(data["sections"]):
        timeline = section.get("timeline", [])
        for i, event in enumerate(timeline):
            why = date_problem(event["date"])  # a day the pattern allows that the month does not have
            if why:
                path = ["sections", s, "timeline", i, "date"]
                errors.append(_at(doc, node_at(doc.node, path)[0], path, f"{why}, found {event['date']!r}"))
        for i in range(1, len(timeline)):
            if timeline[i]["date"] < timeline[i - 1]["date"]:
                path: Path_ = ["sections", s, "timeline", i, "date"]
                node, _ = node_at(doc.node, path)
                errors.append(_at(doc, node, path, f"out of order: {timeline[i]['date']} comes after {timeline[i - 1]['date']}; list events oldest first"))
    for path, slug in [(["slug"], data["slug"])] + [(["aliases", i], a) for i, a in enumerate(data.get("aliases", ()))]:
        if slug in RESERVED_SLUGS:
            node, _ = node_at(doc.node, path)
            errors.append(_at(doc, node, path, f"'{slug}' is reserved for the site itself; choose another"))
    return errors


def _topic_rules(doc: RawDoc) -> list[ContentError]:
    """Each topic's address is made from its name (topic_slug), so a name must make one, and two
    names of one explainer may not make the same ("Élections" and "elections" are one topic)."""
    errors, seen = [], {}
    for i, name in enumerate(doc.data.get("topics", ())):
        node, _ = node_at(doc.node, ["topics", i])
        slug = topic_slug(name)
        if not slug:
            errors.append(_at(doc, node, ["topics", i], f"{name!r} has no letter or digit to make its address from; name the topic in words"))
        elif slug in seen:
            errors.append(_at(doc, node, ["topics", i], f"{name!r} is the topic {seen[slug]!r} again (both are topics/{slug}/); list it once"))
        else:
            seen[slug] = name
    return errors


def site_rules(doc: RawDoc, logo: bytes | ContentError | None) -> list[ContentError]:
    """The site file's rules beyond the schema: a known language, brand colours that links can be
    read in, and a logo that is an image. `logo` is the logo file's bytes, or why it could not be read."""
    brand = doc.data.get("brand", {})
    errors = language_rule(doc)
    for field, backgrounds in (("accent", LIGHT_BACKGROUNDS), ("accent_dark", DARK_BACKGROUNDS)):
        if field in brand:
            problem = contrast_failure(hex_colour(brand[field]), backgrounds)
            if problem:
                errors.append(_at(doc, node_at(doc.node, ["brand", field])[0], ["brand", field], problem))
    if isinstance(logo, ContentError):
        errors.append(logo)
    elif logo is not None:
        problem = logo_problem(logo)
        if problem:
            errors.append(_at(doc, node_at(doc.node, ["brand", "logo"])[0], ["brand", "logo"], f"{brand['logo']!r} {problem}"))
    zone = doc.data.get("time_zone")
    if isinstance(zone, str) and zone_of(zone) is None:
        message = f"{zone!r} is not a time zone the zone database names; write one like Europe/Paris, America/New_York or UTC"
        errors.append(_at(doc, node_at(doc.node, ["time_zone"])[0], ["time_zone"], message))
    return errors


def validate_explainer(doc: RawDoc, site: Site | None = None) -> list[ContentError]:
    """Every error in one explainer file: the schema first, then the rules that assume its shape.
    `site` is the site it is built in, whose authors and time zone it may name; without it those
    are not checked."""
    return validate_doc(doc, "explainer") or _explainer_rules(doc, site)


@dataclass(frozen=True, slots=True)
class SlugAt:
    """Where an explainer names its slug, and each of its aliases: enough to report a clash without
    keeping the whole file. `aliases` holds (alias, line, column) triples."""

    path: str
    slug: str
    line: int
    column: int
    aliases: tuple[tuple[str, int, int], ...] = ()
    translation_of: tuple[str, int, int] | None = None  # the slug it names, and where
    language: str | None = None  # its own language, when not the site's


def slug_at(doc: RawDoc) -> SlugAt:
    def mark(path: Path_) -> tuple[int, int]:
        return line_column(node_at(doc.node, path)[0].start_mark)

    aliases = tuple((alias, *mark(["aliases", i])) for i, alias in enumerate(doc.data.get("aliases", ())))
    original = doc.data.get("translation_of")
    translation_of = (original, *mark(["translation_of"])) if original else None
    return SlugAt(doc.path, doc.data["slug"], *mark(["slug"]), aliases, translation_of, doc.data.get("language"))


def check_slugs(explainers: list[SlugAt]) -> list[ContentError]:
    """Each slug and each alias names one folder of the site, so no two explainers may share one."""
    errors: list[ContentError] = []
    owners: dict[str, str] = {}
    for at in explainers:
        if at.slug in owners:
            errors.append(ContentError(at.path, at.line, at.column, "slug", f"duplicate slug '{at.slug}', also used by {owners[at.slug]}"))
        else:
            owners[at.slug] = at.path
    for at in explainers:
        for i, (alias, line, column) in enumerate(at.aliases):
            if alias in owners and owners[alias] != at.path:
                errors.append(ContentError(at.path, line, column, f"aliases[{i}]", f"'{alias}' is also used by {owners[alias]}; an old address can lead to one explainer only"))
            else:
                owners[alias] = at.path
    return errors


def check_translations(explainers: list[SlugAt], site_language: str) -> list[ContentError]:
    """`translation_of` names another explainer (by its slug or an old one), which is the original:
    not itself a translation, in another language, with one translation per language."""
    errors: list[ContentError] = []
    owners = {name: at for at in explainers for name in (at.slug, *(a for a, _, _ in at.aliases))}
    taken: dict[tuple[str, str], SlugAt] = {}
    for at in explainers:
        if at.translation_of is None:
            continue
        name, line, column = at.translation_of
        original = owners.get(name)
        language = (at.language or site_language).lower()
        if original is None:
            errors.append(ContentError(at.path, line, column, "translation_of", f"'{name}' is no explainer's slug; name the slug of the explainer this one translates"))
        elif original is at:
            continue  # its own old slug: reported by the explainer's own rules as its slug
        elif original.translation_of is not None:
            errors.append(ContentError(at.path, line, column, "translation_of", f"'{name}' is itself a translation, of '{original.translation_of[0]}': name the original, '{original.translation_of[0]}'"))
        elif (original.language or site_language).lower() == language:
            errors.append(ContentError(at.path, line, column, "translation_of", f"'{name}' is in {language!r} too; a translation is in another language: set this explainer's language"))
        elif (original.slug, language) in taken:
            errors.append(ContentError(at.path, line, column, "translation_of", f"'{name}' already has a translation in {language!r}, {taken[original.slug, language].path}; one per language"))
        else:
            taken[original.slug, language] = at
    return errors


# Long entries are cut in messages so each warning stays one readable line.
_WARNING_TEXT = 80


# A repeated passage of at least this many words is one a reader notices.
REPEAT_WORDS = 6


def _leads(data: dict[str, Any]) -> Iterator[tuple[Path_, str, Path_, str]]:
    """Each line the page shows just above a text, and that text: (where, line, where, text)."""
    if "intro" in data:
        yield ["dek"], data["dek"], ["intro"], data["intro"]
    for i, section in enumerate(data["sections"]):
        if "answer" in section and "question" in section:
            yield ["sections", i, "short_answer"], section["short_answer"], ["sections", i, "answer"], section["answer"]
        for c, card in enumerate(section.get("cards", ())):
            if "detail" in card:
                yield ["sections", i, "cards", c, "summary"], card["summary"], ["sections", i, "cards", c, "detail"], card["detail"]
        if section_kind(section) == "items":
            for n, item in enumerate(section["items"]):
                yield ["sections", i, "items", n, "title"], item["title"], ["sections", i, "items", n, "text"], item["text"]


def _repetitions(doc: RawDoc) -> list[ContentError]:
    """A text that says again, word for word, the line shown just above it: at its start, the page
    shows the sentence once (model.after_lead); further on, the reader reads it twice."""
    warnings = []
    for lead_path, lead, path, text in _leads(doc.data):
        lead_name, name = field_path(lead_path[-1:]), field_path(path[-1:])
        node, _ = node_at(doc.node, path)
        end = lead_end(text, lead)
        if end is not None and not text[end:].strip():
            continue  # the text is only the line above it: the page shows that line once, and nothing else is repeated
        if end is not None:
            message = f"starts with its {lead_name} word for word; the page shows that sentence once, as the {lead_name} above the {name}, so delete it from the {name}"
        elif len(lead.split()) >= REPEAT_WORDS and repeats(text, lead):
            message = f"repeats its {lead_name} word for word, so readers read it twice: rephrase the {lead_name} or the {name}"
        else:
            continue
        warnings.append(_at(doc, node, path, message, warning=True))
    return warnings


def markdown_fields(data: Any) -> Iterator[tuple[Path_, str]]:
    """Every Markdown field of a valid explainer, with its path: the fields whose schema is the
    Markdown definition (so a field added to the schema is found too)."""
    return ((path, value) for path, value, name, _ in walk(data) if name == "markdown" and isinstance(value, str))


def link_warnings(doc: RawDoc) -> list[ContentError]:
    """A warning for each Markdown link or image that will not be published as meant, at its line."""
    warnings = []
    for path, text in markdown_fields(doc.data):
        node, _ = node_at(doc.node, path)
        for offset, message in link_problems(text):
            # A block (| or >) starts on the line after its field; other values where they stand.
            line = node.start_mark.line + offset + (1 if getattr(node, "style", None) in ("|", ">") else 0)
            column = node.start_mark.column + 1 if line == node.start_mark.line else 1
            warnings.append(ContentError(doc.path, line + 1, column, field_path(path), message, warning=True))
    return warnings


def warn_explainer(doc: RawDoc) -> list[ContentError]:
    """What a valid explainer still asks an editor to do: what reading it found (ArchieML's text
    that belongs to no field), text that repeats the line above it, each link that will not work,
    and each `unplaced` entry left by the importer."""
    warnings = list(doc.notes) + _repetitions(doc) + link_warnings(doc)
    for i, text in enumerate(doc.data.get("unplaced", ())):
        node, _ = node_at(doc.node, ["unplaced", i])
        shown = " ".join(text.split())
        shown = shown if len(shown) <= _WARNING_TEXT else shown[: _WARNING_TEXT - 3] + "..."
        message = f"imported text not yet placed in the explainer (not published): {shown!r}; move it into a field or delete it"
        warnings.append(_at(doc, node, ["unplaced", i], message, warning=True))
    return warnings
