"""`python build.py` without the social images: the row of bench/peers.py the peers, which draw
none, are compared with. Every other file is planned, rendered and written as usual (the pages
still name their images, as the peers' do).

It drops every social image `publish.share_explainer` plans (the explainer's, each question's and
each card's, PNG or JPEG), whatever arguments that function takes."""

from __future__ import annotations

import sys
from typing import Any

from explainer.plan import publish
from explainer.plan.pages import SOCIAL_IMAGE, SOCIAL_PHOTO, Page

_share = publish.share_explainer
IMAGES = (SOCIAL_IMAGE, SOCIAL_PHOTO)


def _without_images(*args: Any, **kwargs: Any) -> list[Page]:
    return [page for page in _share(*args, **kwargs) if page.template not in IMAGES]


publish.share_explainer = _without_images  # plan_group looks it up when called; forked workers inherit it

if __name__ == "__main__":
    from explainer.cli import main

    sys.exit(main())
