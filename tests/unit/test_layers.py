"""The package's shape: folders that name the stages, imports that flow one way, no cycles.

The layers are written once, in pyproject.toml's [tool.importlinter] contract; these tests run
import-linter on it in process, and look for import cycles anywhere in the package (imports
inside functions included), which a layers contract cannot see within one folder.
"""

from __future__ import annotations

from pathlib import Path

import grimp
from helpers import REPO
from importlinter.cli import lint_imports


# The package's top level holds the entry points and the one error type; everything else lives in
# the folder of its stage.
MAX_TOP_LEVEL_MODULES = 8


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every set of modules that import each other, directly or around a loop (Tarjan's strongly
    connected components, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_every_stage_imports_only_from_the_stages_before_it(capsys):
    code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_no_module_of_the_package_imports_itself_around_a_loop():
    graph = grimp.build_graph("explainer", cache_dir=None)
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert _cycles(edges) == []


def test_a_loop_of_imports_is_found_by_the_cycle_check():
    # The check itself, on a loop of three made-up modules beside a module that imports nothing.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_the_package_top_level_holds_at_most_eight_modules():
    top = sorted(p.name for p in (REPO / "explainer").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    folders = sorted(p.name for p in (REPO / "explainer").iterdir() if (p / "__init__.py").is_file())
    assert folders == ["content", "core", "importer", "output", "plan", "preview", "render", "scaffold"]


def test_the_leaves_import_nothing_of_the_generator():
    graph = grimp.build_graph("explainer", cache_dir=None)
    for leaf in sorted(m for m in graph.modules if m.startswith("explainer.core.") or m == "explainer.errors"):
        imported = {m for m in graph.find_modules_directly_imported_by(leaf) if not m.startswith("explainer.core")}
        assert imported == set(), leaf
