"""Stage 2: check RawDocs against the JSON Schema, then the rules a schema cannot say."""

from __future__ import annotations

import calendar
import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema
import yaml
from fastjsonschema.draft04 import DOLLAR_FINDER

from explainer.errors import ContentError, field_path, line_column

if TYPE_CHECKING:
    import jsonschema
from explainer.content.brand import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, contrast_failure, hex_colour, logo_problem
from explainer.content.kinds import ONCE, section_id, section_kind, term_anchors
from explainer.content.language import Words, locale_of, placeholders
from explainer.content.markdown import lead_end, repeats
from explainer.content.parse import RawDoc
from explainer.content.slugs import topic_slug

# Anchors the page uses for its own parts, and the folder beside an explainer's question and card
# pages that holds its embeds: no section, question or card may take one as its id.
RESERVED_IDS = frozenset({"main", "contents", "credits", "top", "changes", "changes-heading", "embed"})
# Folder names at the site root that are not explainers: the site's own, and those of its lists
# (topics/, the index's page/2/...) and of its search index (pagefind/).
RESERVED_SLUGS = frozenset({"assets", "embed", "feed", "static", "schema", "topics", "page", "pagefind"})

_TYPE_WORDS = {"string": "text", "object": "a mapping of fields", "array": "a list", "integer": "a whole number", "number": "a number", "boolean": "true or false"}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema file shipped in explainer/schema/, parsed once."""
    return json.loads(resources.files("explainer").joinpath("schema", f"{name}.schema.json").read_text("utf-8"))


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


_DATE_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def date_problem(value: str) -> str | None:
    """Why text written as a year, month or day names none: "month 13 does not exist", "February
    2026 has 28 days". None when it names one, or is not written as a date at all."""
    form = _DATE_FORM.fullmatch(value)
    if not form:
        return None
    year, month, day = (int(part) if part else None for part in form.groups())
    if not year:
        return "year 0 does not exist"
    if month is not None and not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day is not None:
        days = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
        if day == 0:
            return "day 0 does not exist"
        if day > days:
            return f"{calendar.month_name[month]} {year} has {days} days"  # type: ignore[index]
    return None


def moment_problem(value: str) -> str | None:
    """Why a date, or a date and time (`published`), names no moment: "month 13 does not exist",
    "hour 25 does not exist". None when it names one."""
    why = date_problem(value[:10])
    if why or len(value) <= 10:
        return why
    hour, minute = int(value[11:13]), int(value[14:16])
    second = int(value[17:19]) if len(value) > 16 and value[16] == ":" else 0
    offset = value[-6:] if value[-6] in "+-" else None
    if hour > 23:
        return f"hour {hour} does not exist"
    if minute > 59 or second > 59:
        return f"minute or second {max(minute, second)} does not exist"
    if offset and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return f"offset {offset} does not exist"
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(doc: RawDoc, node: yaml.Node, path: list[str | int], message: str, *, warning: bool = False) -> ContentError:
    return ContentError(doc.path, *line_column(node.start_mark), field_path(path), message, warning)


def _moved(schema: Any) -> bool:
    """A field of the first version: listed in the schema only to say what to write instead."""
    return isinstance(schema, dict) and "deprecationMessage" in schema


def _branch(error: jsonschema.ValidationError) -> list[ContentError] | str:
    """For a section that matches none of the kinds: the index of the one kind it names (by
    carrying its field), or a message when it names none or several."""
    branches = error.schema["oneOf"]
    kinds = [load_schema("explainer")["$defs"][b["$ref"].rsplit("/", 1)[-1]]["title"] for b in branches]
    named = [k for k in kinds if isinstance(error.instance, dict) and k in error.instance]
    if not named:
        found = ", ".join(sorted(map(str, error.instance))) or "nothing"
        return f"says no kind: a section carries one of {', '.join(kinds[:-1])} or {kinds[-1]} (found {found})"
    if len(named) > 1:
        return f"holds both {named[0]!r} and {named[1]!r}: a section is one kind; make them two sections"
    return kinds.index(named[0])


def _schema_errors(doc: RawDoc, error: jsonschema.ValidationError) -> list[ContentError]:
    path = list(error.absolute_path)
    node, _ = node_at(doc.node, path)
    kind = error.validator
    if kind == "oneOf" and isinstance(error.schema, dict) and isinstance(error.instance, dict):
        branch = _branch(error)
        if isinstance(branch, str):
            return [_at(doc, node, path, branch)]
        # Only the errors of the kind the section names: those of the other kinds are noise.
        return [e for sub in error.context if sub.relative_schema_path[0] == branch for e in _schema_errors(doc, sub)]
    if kind == "not" and _moved(error.schema):
        _, key_node = node_at(doc.node, path)
        return [_at(doc, key_node or node, path, error.schema["deprecationMessage"])]
    if kind == "required" and list(error.relative_schema_path)[-2:-1] == ["then"] and "description" in error.schema:
        # A field that needs another (the schema's if/then) says why in the `then` it fails.
        return [_at(doc, node, path + [k], error.schema["description"]) for k in error.validator_value if k not in error.instance]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(k for k, v in error.schema.get("properties", {}).items() if not _moved(v))
        out = []
        for key in sorted(set(error.instance) - set(known), key=str):
            value_node, key_node = node_at(doc.node, path + [key])
            hint = difflib.get_close_matches(str(key), known, n=1)
            fix = f"; did you mean '{hint[0]}'?" if hint else f"; expected one of: {', '.join(known)}"
            # Point at the key itself, not its value.
            out.append(_at(doc, key_node or value_node, path + [key], f"unknown field{fix}"))
        return out
    if kind == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        return [_at(doc, node, path + [k], "required field missing") for k in missing]
    described = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    found = f"found {_show(error.instance)}"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        hint = " (put quotes around text that YAML reads as a number, date or yes/no)" if wanted == "string" else ""
        message = f"expected {_TYPE_WORDS.get(wanted, wanted)}, {found}{hint}"
    elif kind in ("pattern", "format"):
        why = date_problem(error.instance) if isinstance(error.instance, str) and "YYYY" in described else None
        message = f"{why + '; ' if why else ''}{described or 'wrong format'}, {found}"
    elif kind == "minLength":
        message = "must not be empty"
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
    errors = [e for error in found for e in _schema_errors(doc, error)]
    if not errors:
        # The two validators disagree: a defect of ours, but the content is still refused.
        errors = [_quick_error(doc, schema)]
    if any(error.validator == "not" and _moved(error.schema) and len(error.absolute_path) == 1 for error in found):
        # A file in the first version's shape: each old field says where its content goes now,
        # so `sections` is not also reported missing.
        errors = [e for e in errors if not (e.field == "sections" and e.message == "required field missing")]
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


def _explainer_rules(doc: RawDoc) -> list[ContentError]:
    """Cross-field rules: a known language, kinds that come once, unique ids and aliases, no reserved anchors, dates in order."""
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
    published = data["published"][:10]  # a date and time is compared by its date
    why = moment_problem(data["published"])
    if why:
        node, _ = node_at(doc.node, ["published"])
        described = load_schema("explainer")["$defs"]["moment"]["description"]
        errors.append(_at(doc, node, ["published"], f"{why}; {described}, found {data['published']!r}"))
    if "updated" in data and data["updated"] < published:
        node, _ = node_at(doc.node, ["updated"])
        errors.append(_at(doc, node, ["updated"], f"is before published ({published})"))
    for i, change in enumerate(data.get("changes", [])):
        if change["date"] < published:
            node, _ = node_at(doc.node, ["changes", i, "date"])
            errors.append(_at(doc, node, ["changes", i, "date"], f"is before published ({published})"))
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


def timezone_problem(name: str) -> str | None:
    """Why a time zone's name names none the IANA database (as this system has it) knows."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{name!r} is not a time zone this system knows; write a name from the IANA database, like Europe/Paris, America/New_York or UTC"
    return None


def site_rules(doc: RawDoc, logo: bytes | ContentError | None) -> list[ContentError]:
    """The site file's rules beyond the schema: a known language, brand colours that links can be
    read in, and a logo that is an image. `logo` is the logo file's bytes, or why it could not be read."""
    brand = doc.data.get("brand", {})
    errors = language_rule(doc)
    if "timezone" in doc.data and (why := timezone_problem(doc.data["timezone"])):
        errors.append(_at(doc, node_at(doc.node, ["timezone"])[0], ["timezone"], why))
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
    return errors


def validate_explainer(doc: RawDoc) -> list[ContentError]:
    """Every error in one explainer file: the schema first, then the rules that assume its shape."""
    return validate_doc(doc, "explainer") or _explainer_rules(doc)


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


def warn_explainer(doc: RawDoc) -> list[ContentError]:
    """What a valid explainer still asks an editor to do: text that repeats the line above it, and
    each `unplaced` entry left by the importer."""
    warnings = _repetitions(doc)
    for i, text in enumerate(doc.data.get("unplaced", ())):
        node, _ = node_at(doc.node, ["unplaced", i])
        shown = " ".join(text.split())
        shown = shown if len(shown) <= _WARNING_TEXT else shown[: _WARNING_TEXT - 3] + "..."
        message = f"imported text not yet placed in the explainer (not published): {shown!r}; move it into a field or delete it"
        warnings.append(_at(doc, node, ["unplaced", i], message, warning=True))
    return warnings
