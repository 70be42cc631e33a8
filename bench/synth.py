"""Make a project of N synthetic explainers shaped like the bundled one, for benchmarks and tests.

Each has the seed's sections in its order and one more question: 6 questions of Markdown (one
carrying a deck of 5 cards), a list of lessons, a timeline, people, a glossary and sources, with
text varied per explainer so nothing can be shared between them by accident; one in ten has
an old slug (its old addresses redirect). Each card's detail holds a word of its own
(`card_word`), found in no other card or explainer. With --pictures, each also has a lead
picture of its own: a 1,600 by 1,067 JPEG of a photograph's detail, drawn here with Pillow,
different for every explainer (as a newsroom's are).

With --topics each names one to three topics from a pool that grows with N (one topic for every
25 explainers, 8 at least; names in Latin, accented and Cyrillic letters), as a desk's archive
would. --slim keeps only the first question and the deck's question with two of its cards, for a
site of hundreds that builds in seconds (the tests' large site).

    python bench/synth.py 1000 /path/to/project [--topics] [--slim] [--pictures]
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "content" / "why-trump-wants-to-meet-putin-again.yaml"


# Topics' names, numbered past the first round: "Élections 2", "Санкции 3".
TOPIC_WORDS = ("Elections", "Économie", "Climate", "Санкции", "Health", "Transport", "Housing", "Diplomacy")


def card_word(i: int, n: int) -> str:
    """A word that only card n (counted from 0) of explainer i holds."""
    return f"zq{i:05d}c{n}"


def topics_of(i: int, n: int) -> list[str]:
    """One to three topics for explainer i of n, from a pool of one topic per 25 explainers."""
    pool = max(8, n // 25)
    picks = dict.fromkeys((i * 7 + k * 13) % pool for k in range(1 + i % 3))
    return [f"{TOPIC_WORDS[t % len(TOPIC_WORDS)]}{f' {t // len(TOPIC_WORDS) + 1}' if t >= len(TOPIC_WORDS) else ''}" for t in picks]


def synthetic(seed: dict, i: int, n: int = 0, topics: bool = False, slim: bool = False) -> dict:
    """The seed explainer, renamed and varied for number i of n."""
    doc = copy.deepcopy(seed)
    doc["slug"] = f"explainer-{i:05d}"
    doc["title"] = f"{seed['title']} (No. {i})"
    doc["published"] = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    doc.pop("updated", None)
    doc.pop("made_from", None)
    if i % 10 == 0:  # one in ten was renamed once: its old addresses redirect
        doc["aliases"] = [f"earlier-explainer-{i:05d}"]
    # A sixth question (a copy of the first, after the fifth) keeps the size the benchmarks have
    # always measured: 6 questions, 5 cards, 12 embeds.
    extra = copy.deepcopy(doc["sections"][0])
    extra["id"] = f"{extra['id']}-again"
    doc["sections"].insert(next(n for n, s in enumerate(doc["sections"]) if "timeline" in s), extra)
    questions = [s for s in doc["sections"] if "question" in s]
    for q, question in enumerate(questions):
        question["answer"] = f"{question['answer']}\n*Note {i}.{q}:* see [the source](https://example.org/{i}/{q}).\n"
        for c, card in enumerate(question.get("cards", ())):
            card["detail"] = f"{card.get('detail', '')}\nVariant {i}, {card_word(i, c)}.\n"
    doc.pop("topics", None)
    if topics:
        doc["topics"] = topics_of(i, n)
    if slim:
        deck = next(s for s in doc["sections"] if s.get("cards"))
        deck["cards"] = deck["cards"][:2]
        doc["sections"] = [doc["sections"][0], deck]
    return doc


PICTURE_SIZE = (1600, 1067)


def picture(i: int) -> Image.Image:
    """A picture with about the detail and size of a newsroom's lead photograph, different for each i."""
    width, height = PICTURE_SIZE
    image = Image.linear_gradient("L").resize(PICTURE_SIZE).convert("RGB")
    pen = ImageDraw.Draw(image)
    for k in range(40):
        x, y, r = (i * 131 + k * 397) % width, (i * 71 + k * 211) % height, 30 + (i + k * 17) % 160
        pen.ellipse((x - r, y - r, x + r, y + r), fill=((i * 7 + k * 40) % 256, (k * 90 + i) % 256, (k * 20 + 80) % 256))
    noise = Image.effect_noise(PICTURE_SIZE, 24).convert("RGB")
    return Image.blend(image, noise, 0.2).filter(ImageFilter.GaussianBlur(1.2))


def make_project(n: int, root: Path, pictures: bool = False, *, topics: bool = False, slim: bool = False) -> Path:
    """Write site.yaml and n explainers under root (its pages use the default theme), each with a
    lead picture of its own if `pictures`; returns root."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    if pictures:
        (root / "images").mkdir()
    seed = yaml.safe_load(SEED.read_text("utf-8"))
    for i in range(n):
        doc = synthetic(seed, i, n, topics, slim)
        if pictures:
            src = f"images/explainer-{i:05d}.jpg"
            picture(i).save(root / src, quality=88)
            doc = {**{k: v for k, v in doc.items() if k != "sections"}, "image": {"src": src, "alt": f"Picture number {i}", "credit": "Synthetic"}, "sections": doc["sections"]}
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
        (root / "content" / f"explainer-{i:05d}.yaml").write_text(text, "utf-8")
    return root


if __name__ == "__main__":
    make_project(int(sys.argv[1]), Path(sys.argv[2]), "--pictures" in sys.argv[3:], topics="--topics" in sys.argv[3:], slim="--slim" in sys.argv[3:])
