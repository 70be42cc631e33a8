"""`python build.py` without the social images: the row of bench/peers.py the peers, which draw
none, are compared with. Every other file is planned, rendered and written as usual (the pages
still name their images, as the peers' do)."""

from __future__ import annotations

import sys

from explainer.plan import publish
from explainer.plan.pages import SOCIAL_IMAGE

_share = publish.share_explainer


def _without_images(site, explainer, pages):  # type: ignore[no-untyped-def]
    return [page for page in _share(site, explainer, pages) if page.template != SOCIAL_IMAGE]


publish.share_explainer = _without_images  # plan_group looks it up when called; forked workers inherit it

if __name__ == "__main__":
    from explainer.cli import main

    sys.exit(main())
