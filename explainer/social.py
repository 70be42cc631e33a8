"""Stage 5, for social images: a 1200x630 PNG per explainer and per card, drawn with Pillow.

The text is set in Pillow's bundled font (ImageFont.load_default), so a build needs no fonts on
the machine and draws the same pixels everywhere Pillow's version is the same. That font covers
basic Latin and common punctuation: accented letters it lacks are drawn without their accents
(é as e) and dashes as hyphens; other scripts show as boxes. The PNG holds no timestamp or
other metadata, so the same inputs give the same bytes.

Images are drawn with a palette of one ramp of shades per colour, from the background to that
colour: each colour's shapes and text are drawn, anti-aliased, as coverage on a layer of their
own, and coverage picks the shade. A PNG of one byte a pixel is about a third of the size of an
RGB one and several times quicker to write, which counts when a site has an image for every
explainer and every card.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from .plan import Page
from .publish import SOCIAL_IMAGE_SIZE, SocialImage

WIDTH, HEIGHT = SOCIAL_IMAGE_SIZE
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
# Light colours, as the site's light scheme: dark text on a pale card, the accent for the name.
BACKGROUND = (0xF5, 0xF6, 0xF8)
ACCENT, INK, MUTED, RULE = range(4)  # layers, one per colour
COLOURS = ((0x0B, 0x5C, 0xAD), (0x1B, 0x1B, 0x1B), (0x4A, 0x4A, 0x4A), (0xD6, 0xD6, 0xD6))
SHADES = 256 // len(COLOURS)  # palette entries per colour; the first of each is the background
LINE_HEIGHT = 1.18
TITLE_SIZES = range(76, 43, -4)  # the largest that fits is used
TITLE_TOP = 168
TITLE_BOTTOM = 520
# Characters the bundled font lacks, drawn as the nearest character it has.
_SUBSTITUTES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u201e": "\u201c", "\u201a": "\u2018"}


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _glyph(char: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 4), char, font=_font(40), fill=255)
    return image.tobytes()


@cache
def _has_glyph(char: str) -> bool:
    # A character the font lacks is drawn as its "missing" box; a private-use one always is.
    return char == " " or _glyph(char) != _glyph("\ue000")


def _drawable(char: str) -> str:
    if _has_glyph(char):
        return char
    if char in _SUBSTITUTES:
        return _SUBSTITUTES[char]
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if bare and all(_has_glyph(c) for c in bare) else char


def drawable_text(text: str) -> str:
    """text as the image draws it: one line, no control characters, letters the font has.

    Runs of white space, tabs and line breaks included, become one space, as on the page; other
    control and format characters (bidi overrides, zero-width joiners) are left out.
    """
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c)[0] != "C")
    return "".join(_drawable(c) for c in " ".join(visible.split()))


def _longest_fit(word: str, start: int, font: ImageFont.FreeTypeFont, width: int) -> int:
    """Where the longest piece of word from start that fits in width ends; a piece holds at least
    one character. The piece is doubled until it is too wide and the gap then halved, so a line
    takes a dozen measurements, however long the word."""
    good, bad, step = start + 1, len(word) + 1, 1
    while good + step < bad:
        if font.getlength(word[start : good + step]) > width:
            bad = good + step
            break
        good += step
        step *= 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if font.getlength(word[start:middle]) <= width:
            good = middle
        else:
            bad = middle
    return good


def _fit_word(word: str, font: ImageFont.FreeTypeFont, width: int, limit: int | None = None) -> list[str]:
    """A word wider than the line, broken into pieces that fit; after limit pieces, if given, the
    rest is left whole, as no more is shown."""
    pieces: list[str] = []
    start = 0
    while start < len(word):
        if limit is not None and len(pieces) >= limit:
            pieces.append(word[start:])
            break
        end = _longest_fit(word, start, font, width)
        pieces.append(word[start:end])
        start = end
    return pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, limit: int | None = None) -> list[str]:
    """Greedy word wrap: as many words on each line as fit in width.

    With a limit, only the first limit + 1 lines are made, enough to tell that the text runs
    over: a title of thousands of characters costs no more to wrap than one that just fills the
    image.
    """
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if limit is not None and len(lines) > limit:
            break
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        *whole, line = _fit_word(word, font, width, None if limit is None else max(0, limit + 1 - len(lines)))
        lines.extend(whole)
    if line:
        lines.append(line)
    return lines if limit is None else lines[: limit + 1]


def _clip(lines: list[str], font: ImageFont.FreeTypeFont, width: int, count: int) -> list[str]:
    """At most count lines; a cut ends with an ellipsis."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    while last and font.getlength(last + "\u2026") > width:
        last = last[:-1]
    return lines[: count - 1] + [last.rstrip() + "\u2026"]


def _fit_title(text: str, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits the space, clipped at the smallest if none does."""
    for size in TITLE_SIZES:
        font = _font(size)
        room = max(1, int(height // (size * LINE_HEIGHT)))
        lines = wrap(text, font, TEXT_WIDTH, room)
        if len(lines) * size * LINE_HEIGHT <= height:
            return font, lines
    return font, _clip(lines, font, TEXT_WIDTH, room)


def _palette() -> list[int]:
    """Entry SHADES * c + k is k / (SHADES - 1) of the way from the background to colour c."""
    entries = []
    for colour in COLOURS:
        for k in range(SHADES):
            entries.extend(round(b + (c - b) * k / (SHADES - 1)) for b, c in zip(BACKGROUND, colour))
    return entries


PALETTE = _palette()


# Coverage (0-255) to a palette index on colour c's ramp, and to a mask of the pixels it touches.
_SHADE_OF = [[c * SHADES + round(a * (SHADES - 1) / 255) for a in range(256)] for c in range(len(COLOURS))]
_TOUCHED = [0] + [255] * 255


def _flatten(layers: list[Image.Image]) -> Image.Image:
    """One palette image from a coverage layer per colour (the colours never overlap)."""
    canvas = Image.new("L", SOCIAL_IMAGE_SIZE, 0)
    for colour, layer in enumerate(layers):
        box = layer.getbbox()  # only the part with something drawn: most of a layer is empty
        if box:
            coverage = layer.crop(box)
            canvas.paste(coverage.point(_SHADE_OF[colour]), box, mask=coverage.point(_TOUCHED))
    canvas.putpalette(PALETTE)  # the bytes are palette indices: this makes it a "P" image
    return canvas


def draw_social_image(image: SocialImage) -> Image.Image:
    """The site's name at the top, the title large in the middle, the address at the foot."""
    layers = [Image.new("L", SOCIAL_IMAGE_SIZE, 0) for _ in COLOURS]
    pen = [ImageDraw.Draw(layer) for layer in layers]  # pen[INK] draws in ink; 255 is full cover
    pen[ACCENT].rectangle((0, 0, WIDTH, 14), fill=255)
    pen[ACCENT].text((MARGIN, 62), drawable_text(image.site_name), font=_font(36), fill=255)
    top = TITLE_TOP
    if image.kicker:
        kicker_font = _font(32)
        for line in _clip(wrap(drawable_text(image.kicker), kicker_font, TEXT_WIDTH, 2), kicker_font, TEXT_WIDTH, 2):
            pen[MUTED].text((MARGIN, top), line, font=kicker_font, fill=255)
            top += round(32 * LINE_HEIGHT)
        top += 24
    font, lines = _fit_title(drawable_text(image.title), TITLE_BOTTOM - top)
    for line in lines:
        pen[INK].text((MARGIN, top), line, font=font, fill=255)
        top += round(font.size * LINE_HEIGHT)
    pen[RULE].line((MARGIN, 548, WIDTH - MARGIN, 548), fill=255, width=2)
    footer = _clip(wrap(drawable_text(image.address), _font(28), TEXT_WIDTH, 1), _font(28), TEXT_WIDTH, 1)
    pen[MUTED].text((MARGIN, 568), footer[0] if footer else "", font=_font(28), fill=255)
    return _flatten(layers)


def render_social_image(page: Page) -> bytes:
    """The page's social image as PNG bytes: no timestamp, no text chunks, the same every build."""
    out = io.BytesIO()
    # Fast compression: a third larger than the default, in a third of the time, and an image
    # per card makes this most of a large build's work.
    draw_social_image(page.context["image"]).save(out, format="PNG", compress_level=1)
    return out.getvalue()
