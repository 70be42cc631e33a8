"""The record a build leaves in its output, written and read back: what a later build trusts."""

from __future__ import annotations

import datetime as dt

import pytest

from explainer.content.validate import SlugAt
from explainer.core.atomic import relative
from explainer.output.record import (
    GROUP_MARKER,
    MARKER,
    STAMPS,
    UNFINISHED,
    Group,
    Manifest,
    group_bytes,
    group_data,
    group_digests,
    group_summary,
    manifest_bytes,
    read_group,
    read_manifest,
    record,
    stamps_bytes,
)
from explainer.content.model import Author
from explainer.plan.pages import Summary
from explainer.plan.schedule import Held

SUMMARY = Summary("budget-vote", "What the Vote Means", "The council votes.", dt.date(2026, 2, 20), dt.date(2026, 3, 1), "A. Reporter",
                  dt.date(2026, 3, 2), ("budget-vote/", "budget-vote/gap/"), ("gap", "timeline"), ("old-vote",), (("old-gap", "gap"),), "fr",
                  authors=(Author("A. Reporter", "https://example.org/a", "Reporter"),),
                  release=dt.datetime(2026, 2, 20, 8, 30, tzinfo=dt.timezone.utc), draft=False, topics=("City budget", "Taxes"), translation_of="vote-du-budget")
SLUG = SlugAt("content/budget.yaml", "budget-vote", 2, 7, (("old-vote", 4, 5),), ("vote-du-budget", 6, 17), "fr")


def test_what_the_record_keeps_of_an_explainer_reads_back_whole():
    group = Group("k" * 64, "budget-vote", 55, group_data(SLUG, SUMMARY, "l" * 64, "s" * 64))
    assert group_summary("content/budget.yaml", group) == (SLUG, SUMMARY)
    assert group_digests(group) == ("l" * 64, "s" * 64)
    assert group_digests(Group("k", "a", 1, "not json")) == ("", "")


def test_an_explainers_line_that_cannot_be_read_is_none_so_the_explainer_is_read_again():
    for data in ("", "{}", '{"slug": [1], "summary": []}', "not json"):
        assert group_summary("content/a.yaml", Group("k", "a", 1, data)) is None


def test_the_sites_record_reads_back_whole(tmp_path):
    seen = {"content/a.yaml": ((12, 345, 678), "d" * 64, True), "content/b.yaml": ((13, 1, 2), "e" * 64, False)}
    groups = {"content/a.yaml": Group("k" * 64, "a", 55, group_data(SLUG, SUMMARY))}
    held = Held(1, 2, dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc))  # counts and a time, never which
    manifest = record("i" * 64, seen, {"index.html": ("s" * 64, "f" * 64), "feed.xml": ("t" * 64, "g" * 64)}, groups, held)
    assert manifest.pages == 57  # the site's own two files and the explainer's 55
    (tmp_path / MARKER).write_bytes(manifest_bytes(manifest))
    (tmp_path / STAMPS).write_bytes(stamps_bytes(manifest.seen))
    assert read_manifest(tmp_path) == manifest
    # The first line alone says whether anything changed.
    header = read_manifest(tmp_path, header_only=True)
    assert header is not None and (header.inputs, header.pages, header.files, header.groups, header.seen, header.held) == ("i" * 64, 57, {}, {}, seen, held)


def test_a_stamp_too_recent_to_trust_is_not_kept():
    assert stamps_bytes({"content/a.yaml": ((0, -1, 0), "d" * 64, False)}) == b""


def test_an_explainer_folders_record_reads_back_whole(tmp_path):
    files = {"a/index.html": ("s" * 64, "k" * 64), "a/first/index.html": ("t" * 64, "k" * 64)}
    (tmp_path / GROUP_MARKER).write_bytes(group_bytes("g" * 64, files))
    assert read_group(tmp_path) == ("g" * 64, files)
    assert read_group(tmp_path / "missing") == ("", {})


def test_a_damaged_line_loses_only_its_own_file(tmp_path):
    manifest = record("i" * 64, {}, {"index.html": ("s" * 64, "k" * 64), "feed.xml": ("t" * 64, "k" * 64)}, {})
    text = manifest_bytes(manifest).decode().replace("f\tfeed.xml\t", "f\tfeed.xml\tbroken\t")
    (tmp_path / MARKER).write_text(text, "utf-8")
    assert read_manifest(tmp_path).files == {"index.html": ("s" * 64, "k" * 64)}


def test_an_unfinished_record_lets_nothing_be_reused(tmp_path):
    (tmp_path / MARKER).write_bytes(UNFINISHED)
    unfinished = read_manifest(tmp_path)
    assert unfinished is not None and (unfinished.pages, unfinished.files, unfinished.groups) == (0, {}, {})


def test_a_folder_is_the_tools_only_with_its_record_or_empty(tmp_path):
    assert read_manifest(tmp_path / "missing") == Manifest()
    assert read_manifest(tmp_path) == Manifest()  # empty
    (tmp_path / "lost+found").mkdir()  # what a new file system holds
    assert read_manifest(tmp_path) == Manifest()
    (tmp_path / "notes.txt").write_text("someone's", "utf-8")
    assert read_manifest(tmp_path) is None


def test_a_path_that_would_leave_the_output_folder_or_names_no_file_is_refused():
    assert relative("budget-vote/gap/index.html") == ("budget-vote", "gap", "index.html")
    for path in ("", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/b/", "a/\0b"):
        with pytest.raises(ValueError):
            relative(path)
