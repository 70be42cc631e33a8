"""Every YAML mistake an editor makes is told in plain words, with its fix, its line and column,
and the line itself with a caret under the place: never in the parser's words."""

from __future__ import annotations

import re

import pytest
import yaml
from helpers import cli, minimal_explainer

from explainer.content.yaml_errors import explain

# name: (the file, the line and column to point at, words of the fix the message must give).
MISTAKES = {
    "colon_in_value": ("slug: a\ntitle: Why it matters: the vote\n", (2, 22), "put the whole value in quotes: title: 'Why it matters: the vote'"),
    "field_indented_too_far": ("slug: a\ntitle: A\n  dek: Short.\n", (3, 6), "indented more than line 2"),
    "field_in_item_indented_too_far": ("slug: a\nsections:\n  - question: A?\n     answer: B\n", (4, 12), "indented more than line 3"),
    "field_in_item_indented_too_little": ("slug: a\nsections:\n  - question: A?\n   answer: B\n", (4, 4), "line it up with the first field after the '- '"),
    "item_indented_too_little": ("slug: a\nsections:\n  - question: A?\n    answer: B\n - question: C?\n", (5, 2), "not lined up with the items above it (line 3)"),
    "item_indented_too_far": ("slug: a\nsections:\n  - question: A?\n    answer: B\n   - question: C?\n", (5, 4), "not lined up with the items above it (line 3)"),
    "item_after_a_value": ("slug: a\ntitle: x\n- item\n", (3, 1), "put a list's items under their field (with nothing after its colon)"),
    "list_on_the_field_line": ("slug: a\naliases: - old\n", (2, 10), "put each \"- item\" on a line of its own"),
    "tab_indent": ("slug: a\nsections:\n\t- question: A?\n", (3, 1), "replace the tab with spaces"),
    "double_quote_never_closed": ('slug: a\ntitle: "Hello\ndek: B\n', (2, 8), 'add the closing " at the end of the value'),
    "single_quote_never_closed": ("slug: a\ntitle: 'Hello\ndek: B\n", (2, 8), "add the closing ' at the end of the value (write '' for a ' inside it)"),
    "text_after_a_closing_quote": ('slug: a\ntitle: "Yes" she said\n', (2, 14), "put the whole value in quotes: title: '\"Yes\" she said'"),
    "text_after_a_closing_bracket": ("slug: a\ntitle: [Updated] The vote\n", (2, 18), "put the whole value in quotes: title: '[Updated] The vote'"),
    "bracket_never_closed": ("slug: a\naliases: [a, b\ndek: B\n", (2, 10), "add the ']' at its end"),
    "brace_never_closed": ("slug: a\ntitle: {a: b\ndek: B\n", (2, 8), "add the '}' at its end"),
    "a_line_of_text_on_its_own": ("slug: a\nJust some text here\ntitle: y\n", (2, 1), "indent it more than that field's name"),
    "text_under_a_field_not_indented": ("slug: a\nsections:\n  - question: A?\n    answer:\n    Some text\n", (5, 5), "indent it more than that field's name"),
    "no_space_after_the_colon": ("slug: a\ntitle:Hello\ndek: x\n", (2, 1), "needs a space after its colon: title: Hello"),
    "block_text_indented_too_little": ("slug: a\ndek: |\n  First line.\n second line\n", (4, 2), "indented less than the line above"),
    "text_after_a_block_marker": ("slug: a\ndek: | some text\n  more\n", (2, 8), "put the text on the lines below, indented"),
    "starts_with_a_backquote": ("slug: a\ntitle: `code` here\n", (2, 8), "put the whole value in quotes: title: '`code` here'"),
    "starts_with_an_at_sign": ("slug: a\ntitle: @newsroom says\n", (2, 8), "put the whole value in quotes: title: '@newsroom says'"),
    "starts_with_a_percent_sign": ("slug: a\ntitle: %50 off\n", (2, 8), "put the whole value in quotes: title: '%50 off'"),
    "starts_with_a_question_mark": ("slug: a\ntitle: ? what\n", (2, 8), "put the whole value in quotes: title: '? what'"),
    "starts_with_an_asterisk": ("slug: a\ntitle: *really* big\n", (2, 8), "put the whole value in quotes: title: '*really* big'"),
    "starts_with_an_ampersand": ("slug: a\ntitle: & more\n", (2, 8), "put the whole value in quotes: title: '& more'"),
    "starts_with_a_closing_bracket": ("slug: a\ntitle: ] x\n", (2, 8), "put the whole value in quotes: title: '] x'"),
    "a_backslash_in_double_quotes": ('slug: a\ntitle: "C:\\path"\n', (2, 11), "write \\\\ for a backslash, or use single quotes"),
    "text_after_the_end_of_the_document": ("slug: a\n...\ntitle: b\n", (3, 1), "nothing may follow a line of '...'"),
    # A quote never closed on its line: YAML reads on to the next quote of its kind, lines below, and
    # stops there, on a correct line; the message names the line where the quote opened.
    "quote_never_closed_on_its_line": ('slug: a\ntitle: "Hello\ndek: B\nsections:\n  - id: x\n    question: "What?"\n', (2, 8),
                                       'add the closing " at the end of the value: title: "Hello"'),
    "quote_closed_with_the_other_quote": ('slug: a\ntitle: "Hello\'\ndek: B\nsections:\n  - id: x\n    question: "What?"\n', (2, 8),
                                          'end it with the quote it opens with: title: "Hello"'),
    "single_quote_closed_with_a_double": ("slug: a\ntitle: 'Hello\"\ndek: B\nnote: 'x'\n", (2, 8), "end it with the quote it opens with: title: 'Hello'"),
    "apostrophe_inside_single_quotes": ("slug: a\ntitle: 'Trump's plan'\ndek: B\n", (2, 15), 'put the value in double quotes instead: title: "Trump\'s plan"'),
    "apostrophe_inside_single_quotes_in_a_list": ("slug: a\nsections:\n  - question: 'What's next?'\n    answer: b\n", (3, 21),
                                                  'put the value in double quotes instead: - question: "What\'s next?"'),
    "double_quotes_inside_double_quotes": ('slug: a\ntitle: "He said "yes" today"\n', (2, 18), "put the value in single quotes instead: title: 'He said \"yes\" today'"),
}

# What PyYAML says, which an editor must never be left with.
PARSER_WORDS = re.compile(r"mapping values|did not find|could not find|expected <|cannot start any token|while scanning|while parsing")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, list[str]]:
    """One build of a project holding every mistake, each in its own file: what it printed, by file."""
    from helpers import make_project

    root = make_project(tmp_path_factory.mktemp("mistakes") / "project", {"good.yaml": minimal_explainer("good")}
                        | {f"{name}.yaml": text for name, (text, _, _) in MISTAKES.items()})
    result = cli("--root", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not (root / "site").exists()
    blocks: dict[str, list[str]] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"content/(\w+)\.yaml:", line)
        if match:
            blocks[match.group(1)] = [line]
        elif line.startswith(" ") and blocks:
            blocks[list(blocks)[-1]].append(line)
    return blocks


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_yaml_mistake_is_told_with_its_fix_its_line_and_a_caret(printed, name):
    text, (line, column), fix = MISTAKES[name]
    message, *shown = printed[name]
    assert message.startswith(f"content/{name}.yaml:{line}:{column}: (yaml): "), message
    assert fix in message
    assert not PARSER_WORDS.search(message), message
    source = text.splitlines()[line - 1].replace("\t", "→")
    gutter = f"{line:>5} | "
    assert shown == [gutter + source, " " * (len(gutter) - 2) + "| " + " " * (column - 1) + "^"]


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_both_yaml_parsers_give_the_same_explanation(name):
    """PyYAML reads with libyaml where it is built with it, and with its own parser where not:
    their words differ, the editor's message must not."""
    text, (line, column), fix = MISTAKES[name]
    said = []
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        with pytest.raises(yaml.MarkedYAMLError) as caught:
            yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        message, mark = explain(caught.value, text)
        said.append((message, mark.line + 1, mark.column + 1))
    assert said[0] == said[1]
    assert said[0][1:] == (line, column) and fix in said[0][0]


def test_a_mistake_on_a_very_long_line_shows_the_part_around_it(make_site):
    long_value = "word " * 100
    root = make_site({"a.yaml": minimal_explainer().replace("dek: A short dek.", f"dek: {long_value}: and more")})
    lines = cli("--root", str(root)).stderr.splitlines()
    source, caret = lines[1], lines[2]
    assert source.startswith("    3 | …") and len(source) < 180
    assert source[caret.index("^")] == ":"


def test_the_build_prints_the_line_under_each_error_and_nothing_for_errors_without_one(make_site):
    root = make_site({"a.yaml": minimal_explainer().replace("dek: A short dek.", "dek: [7]")})
    lines = [line for line in cli("--root", str(root)).stderr.splitlines() if not line.startswith("build failed")]
    # A schema error names its field; the line is not repeated under it.
    assert lines == ["content/a.yaml:3:6: dek: expected text, found ['7'] (if the brackets are part of the text, put the whole value in quotes)"]


def test_the_fixes_the_messages_give_are_valid_yaml():
    """Each `put the whole value in quotes: ...` fix, pasted over the line, reads as the text the
    editor wrote."""
    fixed = 0
    for name, (text, (line, _), _) in MISTAKES.items():
        with pytest.raises(yaml.MarkedYAMLError) as caught:
            yaml.safe_load(text)
        message, _ = explain(caught.value, text)
        fix = re.search(r"put the whole value in quotes: (\w+: .*?)(?:; if it is a|$)", message)
        if fix:
            key, written = text.splitlines()[line - 1].split(": ", 1)
            assert yaml.safe_load(fix.group(1)) == {key: written.strip()}, name
            fixed += 1
    assert fixed >= 10


# The quote mistakes above, each with the value the editor meant.
MEANT = {
    "quote_never_closed_on_its_line": ("title", "Hello"),
    "quote_closed_with_the_other_quote": ("title", "Hello"),
    "single_quote_closed_with_a_double": ("title", "Hello"),
    "apostrophe_inside_single_quotes": ("title", "Trump's plan"),
    "apostrophe_inside_single_quotes_in_a_list": ("question", "What's next?"),
    "double_quotes_inside_double_quotes": ("title", 'He said "yes" today'),
}


@pytest.mark.parametrize("name", sorted(MEANT))
def test_a_quote_fix_followed_changes_only_the_line_at_fault_and_publishes_no_stray_quote(name):
    """Pasting the fix over the line the message names gives a file that reads, holding exactly
    the text the editor meant: no second error with the quotes doubled, no apostrophes kept as
    part of the text, and no correct line touched."""
    text, (line, _), _ = MISTAKES[name]
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.safe_load(text)
    message, mark = explain(caught.value, text)
    assert mark.line + 1 == line
    fix = message.rsplit(": ", 2)[-2:]
    fixed_line = ": ".join(fix)
    lines = text.splitlines()
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines[line - 1] = indent + fixed_line
    data = yaml.safe_load("\n".join(lines))
    key, meant = MEANT[name]
    found = data[key] if key in data else data["sections"][0][key]
    assert found == meant
    assert sum(a != b for a, b in zip(lines, text.splitlines())) == 1
