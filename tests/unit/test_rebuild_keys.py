"""What must be rebuilt, decided from digests and the last record alone: the keys, and the answer."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from explainer.content.files import Inputs
from explainer.content.validate import SlugAt
from explainer.errors import ContentError
from explainer.output.rebuild import decide, explainer_stamp, inputs_digest
from explainer.output.record import Group, Manifest, group_data
from explainer.plan.pages import Summary

BASE = "https://example.org/repo/"
INPUTS = Inputs(b"name: Explainers\n", "t" * 64, {"content/a.yaml": "a" * 64, "content/b.yaml": "b" * 64}, "", frozenset(), ())


def last_build(inputs: Inputs = INPUTS, base_url: str | None = BASE) -> Manifest:
    """The record a build of these inputs leaves: every explainer with the key it was made from."""
    first = decide(inputs, base_url, Manifest(), {})
    summary = Summary("a", "A", "Dek.", dt.date(2025, 1, 2), None, None, dt.date(2025, 1, 2), ("a/",))
    groups = {job.source: Group(job.key, job.source[8:-5], 10, group_data(SlugAt(job.source, job.source[8:-5], 2, 7), summary)) for job in first.jobs}
    return Manifest(first.inputs_key, 30, {"index.html": ("s", "k")}, groups)


# Everything a build reads, changed one at a time.
CHANGES = {
    "base URL": (INPUTS, "https://news.example.com/"),
    "site file": (dataclasses.replace(INPUTS, site=b"name: Other\n"), BASE),
    "templates": (dataclasses.replace(INPUTS, templates="u" * 64), BASE),
    "logo": (dataclasses.replace(INPUTS, logo="l" * 64), BASE),
}


def test_the_same_inputs_and_address_mean_nothing_to_do():
    todo = decide(INPUTS, BASE, last_build(), {})
    assert todo.nothing and todo.jobs == () and todo.pages == 30


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_what_every_page_is_made_from_rebuilds_every_explainer(change):
    inputs, base_url = CHANGES[change]
    assert inputs_digest(inputs, base_url) != inputs_digest(INPUTS, BASE)
    assert explainer_stamp(inputs, base_url) != explainer_stamp(INPUTS, BASE)
    todo = decide(inputs, base_url, last_build(), {})
    assert not todo.nothing
    assert [job.source for job in todo.render] == ["content/a.yaml", "content/b.yaml"] and todo.keep == ()


def test_an_edit_to_one_explainer_rebuilds_it_alone():
    edited = dataclasses.replace(INPUTS, explainers={**INPUTS.explainers, "content/b.yaml": "c" * 64})
    todo = decide(edited, BASE, last_build(), {})
    assert [job.source for job in todo.render] == ["content/b.yaml"]
    assert [job.source for job in todo.keep] == ["content/a.yaml"]
    assert todo.render[0].key == todo.key_for("c" * 64) != todo.render[0].last.key


def test_an_explainer_holding_unplaced_text_is_read_again_on_every_build_so_its_warning_is_given():
    inputs = dataclasses.replace(INPUTS, unplaced=frozenset({"content/a.yaml"}))
    todo = decide(inputs, BASE, last_build(inputs), {})
    assert not todo.nothing
    assert [job.source for job in todo.render] == ["content/a.yaml"]
    assert [job.source for job in todo.keep] == ["content/b.yaml"]


def test_a_scan_that_found_a_mistake_never_means_nothing_to_do():
    inputs = dataclasses.replace(INPUTS, errors=(ContentError("content/c.yaml", 1, 1, "(file)", "cannot be read"),))
    assert not decide(inputs, BASE, last_build(inputs), {}).nothing


def test_a_new_explainer_is_rendered_and_a_removed_ones_folder_goes():
    inputs = dataclasses.replace(INPUTS, explainers={"content/a.yaml": "a" * 64, "content/c.yaml": "c" * 64})
    todo = decide(inputs, BASE, last_build(), {})
    assert [(job.source, job.last) for job in todo.render] == [("content/c.yaml", None)]
    assert todo.remove(["a", "c"]) == ["b"]
    assert todo.remove(["a", "b-renamed", "c"]) == ["b"]  # a slug renamed leaves its old folder too


def test_what_the_record_keeps_of_a_kept_explainer_is_where_its_slug_is():
    todo = decide(dataclasses.replace(INPUTS, templates="u" * 64), BASE, last_build(), {})
    kept = decide(INPUTS, BASE, dataclasses.replace(last_build(), inputs=""), {})  # the same inputs, not the shortcut
    assert todo.keep == () and [job.source for job in kept.keep] == ["content/a.yaml", "content/b.yaml"]
    slug, _ = kept.summary_of(kept.keep[1])
    assert (slug.path, slug.slug, slug.line, slug.column) == ("content/b.yaml", "b", 2, 7)
