"""Make a project of N synthetic explainers shaped like the bundled one, for benchmarks and tests.

Each has the seed's sections in its order and one more question: 6 questions of Markdown (one
carrying a deck of 5 cards), a list of lessons, a timeline, people, a glossary and sources, with
text varied per explainer so nothing can be shared between them by accident. Each card's detail
holds a word of its own (`card_word`), found in no other card or explainer.

With --topics each names one to three topics from a pool that grows with N (one topic for every
25 explainers, 8 at least; names in Latin, accented and Cyrillic letters), as a desk's archive
would. --slim keeps only the first question and the deck's question with two of its cards, for a
site of hundreds that builds in seconds (the tests' large site).

    python bench/synth.py 1000 /path/to/project [--topics] [--slim]
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import yaml

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


def make_project(n: int, root: Path, *, topics: bool = False, slim: bool = False) -> Path:
    """Write site.yaml and n explainers under root (its pages use the default theme); returns root."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    seed = yaml.safe_load(SEED.read_text("utf-8"))
    for i in range(n):
        text = yaml.safe_dump(synthetic(seed, i, n, topics, slim), allow_unicode=True, sort_keys=False, width=1000)
        (root / "content" / f"explainer-{i:05d}.yaml").write_text(text, "utf-8")
    return root


if __name__ == "__main__":
    make_project(int(sys.argv[1]), Path(sys.argv[2]), topics="--topics" in sys.argv[3:], slim="--slim" in sys.argv[3:])
