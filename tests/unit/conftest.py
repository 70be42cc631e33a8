"""The fast layer: tests of values and pure functions (keys, the record, the planners, the section
kinds, slugs), each in milliseconds. Every test here is marked `unit`, so `python -m pytest -m unit`
runs them alone; one that asks for a built site, a server or a browser is refused at collection."""

from __future__ import annotations

import pytest

# Fixtures that build a site, start a server or drive a browser: never in the fast layer.
SLOW_FIXTURES = frozenset({
    "make_site", "seed_site", "budget_site", "changed_site", "branded_site", "languages_site", "served_site",
    "host", "third_party", "browser", "page", "newcomer",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent != config.rootpath / "tests" / "unit":
            continue
        item.add_marker(pytest.mark.unit)
        slow = SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        if slow:
            raise pytest.UsageError(f"{item.nodeid} is in the fast layer but uses {', '.join(sorted(slow))}: move it up to tests/")
