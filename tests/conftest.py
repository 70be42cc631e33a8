"""Fixtures: real project folders under tmp_path, built with the real pipeline, and a real browser;
and the markers that say what a test needs (pyproject.toml lists them):

- `unit`: every test in tests/unit/, and only those: values and pure functions, no fixture that
  builds a site, serves or drives a browser (`-m unit` collects nothing else);
- `browser`: drives Chromium; given to every test that uses the browser fixture;
- `subprocess`: starts a process of its own (the generator as a user runs it, the HTML checker,
  PHP, a shell, mount); marked by hand, or by the fixtures below, and checked: a test that starts
  one without the mark fails, so the mark cannot go stale;
- `slow`: takes several seconds even on a quiet machine; marked by hand.

`python -m pytest -m unit` runs the fast layer alone; `-m "not slow"` leaves out the slowest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import REPO, SHAPES, make_project, minimal_explainer  # noqa: E402
from webtools import PYM_JS, browser, page, require_tool, static_server  # noqa: E402,F401  (fixtures)

# The fast layer: tests of values and pure functions (keys, the record, the planners, the
# section kinds, slugs, the package's layers), each in milliseconds.
UNIT = Path(__file__).parent / "unit"
# Fixtures that build a site, start a server or drive a browser: never in the fast layer.
NOT_UNIT = frozenset({
    "make_site", "seed_site", "budget_site", "changed_site", "branded_site", "languages_site", "served_site", "desk_site", "many_site",
    "host", "third_party", "browser", "page", "newcomer", "decap",
})

# Fixtures that say what a test needs by its using them.
MARKED_BY_FIXTURE = {
    "browser": ("browser",),
    "newcomer": ("subprocess", "slow"),  # a fresh virtual environment, installed as the README says
    "small_disk": ("subprocess",),  # a file system mounted for the test
    "decap": ("subprocess", "slow"),  # Decap CMS in the browser, with decap-server as its back end (tests/test_cms.py)
}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With `-m unit` alone, only tests/unit/ is collected, where every unit test lives: importing
    the other test modules (a browser driver, Hypothesis) would take longer than running the layer."""
    if config.getoption("markexpr") == "unit" and collection_path.suffix == ".py" and not collection_path.is_relative_to(UNIT):
        return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for fixture in MARKED_BY_FIXTURE.keys() & fixtures:
            for mark in MARKED_BY_FIXTURE[fixture]:
                item.add_marker(mark)
        if item.path.is_relative_to(UNIT):
            item.add_marker(pytest.mark.unit)
            if NOT_UNIT & fixtures:
                raise pytest.UsageError(f"{item.nodeid} is in the fast layer but uses {', '.join(sorted(NOT_UNIT & fixtures))}: move it up to tests/")
        elif item.get_closest_marker("unit") is not None:
            raise pytest.UsageError(f"{item.nodeid} is marked unit but the fast layer is tests/unit/: move it there")


# A build's own helper: Pagefind, which makes the search index of every site that has one. It is
# part of a build as the build's worker processes are, not a process the test starts.
BUILDS_OWN = ("pagefind_bin",)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test that starts a process without the `subprocess` mark."""
    started: list[str] = []
    init = subprocess.Popen.__init__

    def noting(self: subprocess.Popen[bytes], args: object, *rest: object, **options: object) -> None:
        if not any(own in str(args) for own in BUILDS_OWN):
            started.append(str(args))
        init(self, args, *rest, **options)  # type: ignore[arg-type]

    subprocess.Popen.__init__ = noting  # type: ignore[method-assign]
    try:
        result = yield
    finally:
        subprocess.Popen.__init__ = init  # type: ignore[method-assign]
    if started and item.get_closest_marker("subprocess") is None:
        raise pytest.fail.Exception(f"{item.nodeid} started {started[0][:200]} but is not marked subprocess: add @pytest.mark.subprocess")
    return result


# A made-up explainer with updates and corrections, and a deck of one card.
EXPLAINER_WITH_CHANGES = """\
slug: changed
title: A changed explainer
dek: It was updated and corrected.
published: 2025-01-02
updated: 2025-01-10
attribution: Jane Reporter
changes:
  - date: 2025-01-05
    kind: correction
    text: An earlier version gave the wrong *year*.
  - date: 2025-01-20
    kind: update
    text: Added the committee's vote.
sections:
  - id: first
    question: What happened?
    short_answer: Something happened.
    answer: It happened.
  - id: on-the-table
    question: What is on the table?
    short_answer: One deal.
    cards:
      - id: deal
        title: A deal
        summary: One deal.
        detail: The deal in detail.
"""


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Make a project folder: the repository's site.yaml and the given content files (the default theme draws it).

    With no content given, the repo's own content/ is used.
    """

    def make(content: dict[str, str | bytes] | None = None, base_url: str | None = None) -> Path:
        return make_project(tmp_path / "project", content, base_url=base_url)

    return make


def built(tmp_path_factory: pytest.TempPathFactory, name: str, content: dict[str, str] | None) -> Path:
    """A project of the given content built under a project-site base path; its site/ folder."""
    root = make_project(tmp_path_factory.mktemp(name) / "project", content, base_url="https://example.org/repo/")
    from explainer.pipeline import build

    build(root)
    return root / "site"


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's content built once under a project-site base path; returns its site/ folder."""
    from explainer.pipeline import build

    out = tmp_path_factory.mktemp("seed") / "site"
    build(REPO, out, base_url="https://example.org/repo/")
    return out


@pytest.fixture(scope="session")
def budget_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An explainer of another shape (tests/shapes/budget.yaml): every kind of section, two decks, old addresses."""
    return built(tmp_path_factory, "budget", {"budget.yaml": (SHAPES / "budget.yaml").read_text("utf-8")})


@pytest.fixture(scope="session")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An explainer with updates and corrections, beside a plain one."""
    return built(tmp_path_factory, "changed", {"changed.yaml": EXPLAINER_WITH_CHANGES, "plain.yaml": minimal_explainer("plain", published="2024-06-01")})


# A newsroom's brand: its accent (the dark pages' one made from it), a logo, a font and a footer.
BRAND = """\
brand:
  accent: "#7a1f5c"
  logo: masthead.png
  font: Georgia, "Times New Roman", serif
  footer: Published by the *Example Gazette*. [Corrections](https://example.org/corrections)
"""


@pytest.fixture(scope="session")
def branded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explainer with changes, on a site with a brand of its own."""
    from PIL import Image

    from explainer.pipeline import build

    site = (REPO / "site.yaml").read_text("utf-8") + BRAND
    root = make_project(tmp_path_factory.mktemp("branded") / "project", {"changed.yaml": EXPLAINER_WITH_CHANGES}, site=site)
    Image.new("RGB", (600, 150), "#7a1f5c").save(root / "masthead.png")
    build(root, base_url="https://example.org/repo/")
    return root / "site"


@pytest.fixture(scope="session")
def languages_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site in French (tests/shapes/french.yaml) that also publishes an explainer in Arabic,
    written right to left (tests/shapes/arabic.yaml)."""
    from explainer.pipeline import build

    site = (REPO / "site.yaml").read_text("utf-8").replace("language: en", "language: fr")
    content = {name: (SHAPES / name).read_text("utf-8") for name in ("french.yaml", "arabic.yaml")}
    root = make_project(tmp_path_factory.mktemp("languages") / "project", content, site=site)
    build(root, base_url="https://example.org/repo/")
    return root / "site"


# --- a site of many explainers ------------------------------------------------------------------

# Explainers of a desk: topics (one named by one explainer only, one written in two ways), a
# French translation of the first, with its first question under the same id, and a draft.
def desk_explainer(slug: str, title: str, published: str, topics: list[str], extra: str = "", answer: str = "It happened.") -> str:
    return minimal_explainer(slug, title, published, answer).replace("sections:", f"topics: {topics}\n{extra}sections:", 1)


DESK = {
    "budget.yaml": desk_explainer("city-budget", "What the City Budget Means", "2025-03-01", ["City budget", "Taxes"]),
    "buses.yaml": desk_explainer("bus-routes", "Why the Bus Routes Change", "2025-03-04", ["Transport"]),
    "bridge.yaml": desk_explainer("bridge-repairs", "When the Bridge Reopens", "2025-03-02", ["Transport", "City budget"]),
    "schools.yaml": desk_explainer("school-year", "How the School Year Ends", "2025-02-20", ["Schools"]),
    "vote.yaml": desk_explainer("council-vote", "How the Council Votes", "2025-03-06", ["Élections"]),
    "parks.yaml": desk_explainer("park-hours", "Why Parks Close Early", "2025-03-03", ["City Budget"]),
    "budget-fr.yaml": desk_explainer("budget-de-la-ville", "Ce que change le budget de la ville", "2025-03-05", ["Budget municipal"],
                                     "language: fr\ntranslation_of: city-budget\n", "Le conseil a voté.").replace(
        "question: What happened?\n    short_answer: Something happened.", "question: Que s’est-il passé ?\n    short_answer: Le conseil a voté."),
    "draft.yaml": desk_explainer("library-plan", "What the Library Plan Holds", "2025-03-07", ["Libraries"], "draft: true\n"),
}


@pytest.fixture(scope="session")
def desk_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk's site of eight explainers, five to a page, built with its draft (as a staging build
    or the preview does): two pages of index, topics, a translation, related explainers, a banner."""
    from explainer.pipeline import build

    site = (REPO / "site.yaml").read_text("utf-8") + "per_page: 5\n"
    root = make_project(tmp_path_factory.mktemp("desk") / "project", DESK, site=site, base_url="https://example.org/repo/")
    build(root, drafts=True)
    return root / "site"


@pytest.fixture(scope="session")
def pictured_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Explainers with pictures (a lead, a question's own, one in an answer), authors, times and a
    table, made by tests/test_pictures.py."""
    from test_pictures import build_pictured_site

    return build_pictured_site(tmp_path_factory)


# --- embeds: the built site served on one origin, the newsroom's pages on others ------------------


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The repo's content built for, and served at, a 127.0.0.1 base URL; yields (base URL, site folder).

    Built for its own address so the codes in the "Embed this" panels can be pasted as they are.
    """
    from explainer.pipeline import build

    site = tmp_path_factory.mktemp("served") / "site"
    with static_server(site, "/repo/") as base:
        build(REPO, site, base_url=base)
        yield base, site


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Callable[[str, str], str]]:
    """A newsroom's server on a second origin: host(name, html) publishes a page and returns its URL."""
    folder = tmp_path / "host"
    folder.mkdir()
    shutil.copy(require_tool(PYM_JS), folder / "pym.v1.min.js")
    with static_server(folder) as base:

        def publish(name: str, html: str) -> str:
            (folder / name).write_text(html, "utf-8")
            return base + name

        yield publish


@pytest.fixture
def third_party(tmp_path: Path) -> Iterator[str]:
    """Someone else on a third origin, say an ad frame on the newsroom's page; yields its page's URL."""
    folder = tmp_path / "third"
    folder.mkdir()
    (folder / "frame.html").write_text('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Ad</title></head><body><p>Ad</p></body></html>\n', "utf-8")
    with static_server(folder) as base:
        yield base + "frame.html"
