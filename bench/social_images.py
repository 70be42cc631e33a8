#!/usr/bin/env python3
"""Time social image drawing: ms per image, for about 100 varied images, drawn and encoded as PNG.

    python bench/social_images.py                # 10 rounds after a warm-up one; prints ms/image
    python bench/social_images.py --rounds 30    # more rounds, for a busy machine
    python bench/social_images.py --save out/    # also writes each image, as out/NNN.png

The images are the same every run, as a build has them: an explainer's (a title of 4 to 12
words) then its cards' (2 to 6 words, under the explainer's title as a kicker); one title in ten
is long enough to shrink or be clipped, and a few have a word wider than a line. They are spread
over three site names and addresses (a build has one site). The warm-up round is not counted.

The lowest round is the least disturbed by other work on the machine; the median and highest
are printed beside it to show how noisy the run was, and the lowest CPU time of a round too
(less disturbed by other work, though a busy shared core still slows it a little).

The images are drawn once more after the timed rounds and must match the warm-up's byte for byte;
the sha256 printed is of them all, to compare runs and versions. Keep --count well above the
few blocks of lines social.py keeps drawn, or titles would stay cached from round to round.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.plan.pages import (
    SOCIAL_IMAGE,  # noqa: E402
    Page,  # noqa: E402
)
from explainer.plan.publish import SocialImage
from explainer.render.social import render_social_image  # noqa: E402

WORDS = (
    "the council budget vote what happens next housing rents rise again why school meals cost more "
    "how the new tram line will run energy prices explained in numbers who pays for flood defences "
    "interest rates inflation and your mortgage a guide to the local election count sanctions "
    "rollback offers what changed and when internationalisation notwithstanding café naïve résumé "
    "Zürich São Paulo — 2025–26 “quoted” it's e.g. U.S. 42% £1.2bn"
).split()
SITES = (
    ("City Desk Explainers", "explainers.example.org"),
    ("The Gazette", "owner.github.io/gazette-explainers"),
    ("Ünïcode Néws — Explained", "news.example.com/a/rather/long/path/for/the/explainers/section"),
)


def images(count: int = 100) -> list[SocialImage]:
    """count images, the same every run, in the order a build draws them: each explainer's, then
    each of its cards', which show the explainer's title above their own."""
    rng = random.Random(20250101)

    def title(lengths: tuple[int, ...], long: tuple[int, ...]) -> str:
        words = [rng.choice(WORDS) for _ in range(rng.choice(long if rng.random() < 0.1 else lengths))]
        if rng.random() < 0.04:
            words.insert(0, "Supercalifragilisticexpialidocious" * 2)  # a word wider than a line
        return " ".join(words).capitalize()

    result: list[SocialImage] = []
    for explainer in range(count):
        name, address = SITES[explainer % len(SITES)]
        explainer_title = title((4, 6, 8, 10, 12), (25, 45, 80))  # one in ten long enough to shrink or be clipped
        result.append(SocialImage(explainer_title, None, name, address))
        for _ in range(rng.choice((0, 3, 5, 5, 6))):
            result.append(SocialImage(title((2, 3, 4, 6), (20, 40)), explainer_title, name, address))
    return result[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--save", type=Path, help="write each image here as NNN.png")
    args = parser.parse_args()

    pages = [Page(SOCIAL_IMAGE, SOCIAL_IMAGE, SOCIAL_IMAGE, str(i), {"image": image}) for i, image in enumerate(images(args.count))]
    outputs = [render_social_image(page) for page in pages]  # warm-up: fonts, glyph checks, caches
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(outputs):
            (args.save / f"{i:03}.png").write_bytes(data)

    rounds, cpu = [], []
    for _ in range(args.rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for page in pages:
            render_social_image(page)
        rounds.append((time.perf_counter() - start) * 1000 / len(pages))
        cpu.append((time.process_time() - start_cpu) * 1000 / len(pages))
    # Drawn again with every cache warm, each image must come out byte for byte as the first time.
    assert [render_social_image(page) for page in pages] == outputs, "an image changed between rounds"
    size = sum(map(len, outputs)) / len(outputs)
    digest = hashlib.sha256(b"".join(outputs)).hexdigest()[:16]
    print(f"{len(pages)} images x {args.rounds} rounds: {min(rounds):.2f} ms/image (median {statistics.median(rounds):.2f}, "
          f"max {max(rounds):.2f}); CPU {min(cpu):.2f} ms/image; mean PNG {size / 1024:.1f} KB; sha256 of all {digest}")


if __name__ == "__main__":
    main()
