"""The editing page: a Git-based CMS (Decap CMS, or Sveltia CMS, which reads the same
configuration) whose form is made from the explainer schema, so it can never drift from the
content model.

`cms_config` walks the schema: every field becomes a form field with its label, its help text
(the schema's description) and its kind: text on one line, text on several, Markdown, a date, a
picture (uploaded into the project), a choice from a list, a yes or no, a list of text, a list of
entries, or, for the sections, a list of typed
entries (Decap's "variable types": each section is one kind, named by its `type`, which the
schema lets every section carry). Nothing here names a field: a field added to the schema is on
the page at the next build, and a shape this walk does not know fails the build's tests
(tests/unit/test_cms_form.py), not an editor.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from explainer.content.schema import load_schema, resolve

# The editing page's app, and where its one script comes from: a version pinned, with the
# digest of its file (Subresource Integrity), so the page runs that file or nothing. Decap's is
# checked against the file npm installs for the tests (tests/test_cms.py); Sveltia's was taken
# from its npm package (`npm pack @sveltia/cms@0.221.1`, dist/sveltia-cms.js).
APPS = {
    "decap": ("https://unpkg.com/decap-cms@3.16.3/dist/decap-cms.js", "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p", ""),
    "sveltia": ("https://unpkg.com/@sveltia/cms@0.221.1/dist/sveltia-cms.js", "sha384-JQ+XsKx/UzwdTiNnFStza3XtqqQoVtyNPApkfvwlzZDfhe7giE9CnfQrpHqgv3k6",
                ' type="module"'),
}

# Where the editing page puts files an editor uploads: inside content/, which the build reads only
# for explainer files, so nothing uploaded is published until a field names it.
MEDIA_FOLDER = "content/media"

# The field that names an entry in a collapsed list, in this order of preference.
_SUMMARY_FIELDS = ("question", "heading", "title", "term", "name", "label", "date")


@dataclass(frozen=True, slots=True)
class Editing:
    """The site file's `editing` settings: the editing page is published at <base_url>admin/."""

    repo: str  # owner/name on GitHub
    branch: str
    app: str  # "sveltia" or "decap"
    schema: str  # what a content file's first line names, for editors' completion


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _hint(prop: dict[str, Any], resolved: dict[str, Any]) -> str:
    """The help text under a field: the field's own description, else its kind's (which the
    schema words as what a mistake's message expects: "expected a date as YYYY-MM-DD")."""
    text = prop.get("description") or resolved.get("description", "")
    text = text.removeprefix("expected ")
    return text[:1].upper() + text[1:]


def _moved(prop: Any) -> bool:
    """A field of the first version, in the schema only to say what to write instead: not on the form."""
    return isinstance(prop, dict) and "deprecationMessage" in prop


def fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The form fields of an object's schema, in the schema's order."""
    required = set(schema.get("required", ()))
    return [field(name, prop, name in required) for name, prop in schema.get("properties", {}).items()
            if not _moved(prop) and not (name == "type" and "const" in prop)]  # a section's type is the list's own


def _summary(schema: dict[str, Any]) -> dict[str, str]:
    names = schema.get("properties", {})
    found = next((f for f in _SUMMARY_FIELDS if f in names), None)
    return {"summary": f"{{{{fields.{found}}}}}"} if found else {}


def _fullest(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A value that may be written two ways (text or an entry: an author's id, or the author written
    out) as the form offers it: the entry, which says the most. The other way is still valid in the
    file, and the field's help says so."""
    definition, resolved = resolve(schema)
    if isinstance(resolved.get("type"), list) and "if" in resolved:
        branches = [resolve(resolved[b]) for b in ("then", "else") if b in resolved]
        return next(((d, r) for d, r in branches if r.get("type") == "object"), branches[0])
    return definition, resolved


def field(name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
    """One form field for one schema property."""
    definition, resolved = resolve(prop)
    out: dict[str, Any] = {"name": name, "label": _label(name)}
    if not required:
        out["required"] = False
    hint = _hint(prop, resolved)
    if hint:
        out["hint"] = hint
    kind = resolved.get("type")
    if "enum" in resolved:
        out |= {"widget": "select", "options": list(resolved["enum"])}
    elif definition == "markdown":
        out |= {"widget": "markdown"}
    elif definition == "picture_file":
        # Uploaded into MEDIA_FOLDER, and written as its path in the project, which `src` names.
        out |= {"widget": "image", "choose_url": False}
    elif resolved.get("format") == "date":
        out |= {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False, "picker_utc": True}
    elif kind == "boolean":
        out |= {"widget": "boolean"}
    elif kind == "string":
        multiline = resolved.get("maxLength", 0) > 2000  # longer than a line of text may be
        out |= {"widget": "text" if multiline else "string"}
        if "pattern" in resolved:
            out["pattern"] = [resolved["pattern"], resolved.get("description", "does not fit the pattern")]
    elif kind == "array":
        _, items = _fullest(resolved["items"])
        out["widget"] = "list"
        if "oneOf" in items:
            out["typeKey"] = "type"
            out["types"] = [_type(branch) for branch in items["oneOf"]]
        elif items.get("type") == "object":
            out |= {"fields": fields(items), **_summary(items)}
        else:
            out["field"] = field(name, resolved["items"], True)
    elif kind == "object":
        out |= {"widget": "object", "fields": fields(resolved)}
    else:
        raise ValueError(f"the editing page has no form field for {name!r} ({resolved})")
    return out


def _type(branch: dict[str, Any]) -> dict[str, Any]:
    """One kind of section, as one type of Decap's typed list."""
    _, kind = resolve(branch)
    title = kind["title"]
    out = {"name": title, "label": _label(title), "widget": "object"}
    if kind.get("description"):
        out["hint"] = kind["description"]
    return out | {"fields": fields(kind), **_summary(kind)}


def cms_config(editing: Editing, site_name: str, base_url: str) -> dict[str, Any]:
    """The editing page's config.yml, as data: the explainers in content/ as one collection whose
    form is the explainer schema."""
    schema = load_schema("explainer")
    form = fields(schema)
    # Decap writes a field's `comment` as a YAML comment above it: the line editors' completion reads.
    form[0]["comment"] = f"yaml-language-server: $schema={editing.schema}"
    return {
        "backend": {"name": "github", "repo": editing.repo, "branch": editing.branch},
        # Decap CMS on this computer, through its proxy (npx decap-server) instead of GitHub.
        "local_backend": True,
        "site_url": base_url,
        "display_url": base_url,
        "media_folder": MEDIA_FOLDER,
        "public_folder": MEDIA_FOLDER,  # a picture's `src` is its path in the project, as the build reads it
        "collections": [{
            "name": "explainers",
            "label": "Explainers",
            "label_singular": "Explainer",
            "description": f"The explainers of {site_name}: one file each in content/.",
            "folder": "content",
            "extension": "yaml",
            "format": "yaml",
            "create": True,
            "slug": "{{fields.slug}}",
            "identifier_field": "title",
            "summary": "{{title}}",
            "editor": {"preview": False},
            "fields": form,
        }],
    }


def admin_page(editing: Editing, site_name: str) -> str:
    """The editing page itself: one script, the app's, which reads config.yml beside it."""
    url, integrity, kind = APPS[editing.app]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Editing page · {html.escape(site_name)}</title>
</head>
<body>
<script src="{url}" integrity="{integrity}" crossorigin="anonymous"{kind}></script>
</body>
</html>
"""
