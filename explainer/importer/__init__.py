"""`explainer import` and `explainer check`: articles read into blocks, turned into content
files, and compared with them. Never imported by the build.

Their libraries are an optional extra, `explainer[import]`, which a newsroom that only builds
does without."""

from __future__ import annotations

from importlib.util import find_spec

# The modules of the `import` extra's libraries (pyproject.toml).
LIBRARIES = ("trafilatura", "lxml_html_clean", "pysbd", "mammoth")
EXTRA = "pip install 'explainer[import]'"


def missing_libraries() -> list[str]:
    """The importer's libraries that are not installed."""
    return [name for name in LIBRARIES if find_spec(name) is None]
