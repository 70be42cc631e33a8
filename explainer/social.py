"""Stage 5, for social images: a 1200x630 PNG per explainer and per card, drawn with Pillow.

The text is set in Pillow's bundled font (ImageFont.load_default), so a build needs no fonts on
the machine and draws the same pixels everywhere Pillow's version is the same. That font covers
basic Latin and common punctuation: accented letters it lacks are drawn without their accents
(é as e) and dashes as hyphens; other scripts show as boxes. The PNG holds no timestamp or
other metadata, so the same inputs give the same bytes.

Images are drawn with a palette of one ramp of shades per colour, from the background to that
colour: text is drawn, anti-aliased, as coverage on a layer of its own, and coverage picks the
shade; the bar and the rule are drawn straight in their colour's full shade. A PNG of one byte a
pixel is about a third of the size of an RGB one and several times quicker to write.

A site has an image for every explainer and every card, so drawing is arranged for speed
(bench/social_images.py measures it). What every image of a site shows, the bar, the site's
name, the rule and the address, is drawn once and copied. Each character is drawn once per size
and lines are put together from those: the bundled font has no kerning and whole-pixel
advances, so this gives the pixels Pillow gives drawing the whole line. Word widths are measured
once per size, and the last few blocks of lines drawn are kept, as a card's kicker is its
explainer's title. Writing the PNG is most of what is left.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache, lru_cache
from itertools import accumulate

from PIL import Image, ImageDraw, ImageFont

from .plan import Page
from .plan import SOCIAL_IMAGE_SIZE
from .publish import SocialImage

WIDTH, HEIGHT = SOCIAL_IMAGE_SIZE
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
# Light colours, as the site's light scheme: dark text on a pale card, the accent for the name.
BACKGROUND = (0xF5, 0xF6, 0xF8)
ACCENT, INK, MUTED, RULE = range(4)  # the colours, by their place in COLOURS
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


@lru_cache(maxsize=1 << 16)
def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def _fit_word(word: str, font: ImageFont.FreeTypeFont, width: int, limit: int | None = None) -> list[str]:
    """A word wider than the line, broken into pieces that fit; after limit pieces, if given, the
    rest is left whole, as no more of it is shown."""
    pieces = []
    while word and _width(font, word) > width and (limit is None or len(pieces) < limit):
        cut = max(1, sum(w <= width for w in accumulate(_width(font, c) for c in word[:-1])))
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + ([word] if word else [])


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, limit: int | None = None) -> list[str]:
    """Greedy word wrap: as many words on each line as fit in width.

    A line's width is the sum of its words' and spaces' (the bundled font has no kerning), and each
    word's is measured once per size: a site's titles share most of their words. With a limit,
    only the first limit + 1 lines are made, enough to tell that the text runs over: a title of
    thousands of characters costs no more to wrap than one that just fills the image.
    """
    lines: list[str] = []
    line, line_width, space = "", 0.0, _width(font, " ")
    for word in text.split(" "):
        if limit is not None and len(lines) > limit:
            break
        candidate = line_width + space + _width(font, word) if line else _width(font, word)
        if candidate <= width:
            line, line_width = (f"{line} {word}" if line else word), candidate
            continue
        if line:
            lines.append(line)
        *whole, line = _fit_word(word, font, width, None if limit is None else max(0, limit + 1 - len(lines))) or [""]  # a "" word: two spaces in a row
        lines.extend(whole)
        line_width = _width(font, line)
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


@cache
def _glyph_coverage(char: str, size: int) -> tuple[Image.Image | None, int, int, int]:
    """A character as drawn at size: its coverage (None if blank), where that goes from the pen,
    and how far the pen then moves on. (Pillow renders every character of a line again on each
    call: lines put together from these take a fraction of the time.)"""
    font = _font(size)
    layer = Image.new("L", (4 * size, 4 * size), 0)
    ImageDraw.Draw(layer).text((size, size), char, font=font, fill=255)
    box = layer.getbbox()
    advance = int(font.getlength(char))
    return (layer.crop(box), box[0] - size, box[1] - size, advance) if box else (None, 0, 0, advance)


def _coverage(lines: tuple[str, ...], size: int) -> Image.Image:
    """Lines drawn a character at a time, as Pillow would draw them, on a layer as wide as the image.

    The first line's top is a size down: a size is spared above the first line and below the
    last, for accents and descenders.
    """
    pitch = round(size * LINE_HEIGHT)
    layer = Image.new("L", (WIDTH, len(lines) * pitch + 2 * size), 0)
    pen = ImageDraw.Draw(layer)
    for i, line in enumerate(lines):
        x = MARGIN
        for char in line:
            # Characters the font lacks all draw its one "missing" box: one cache entry for all.
            coverage, dx, dy, advance = _glyph_coverage(char if _has_glyph(char) else "\ue000", size)
            if coverage:
                pen.bitmap((x + dx, size + i * pitch + dy), coverage, fill=255)
            x += advance
    return layer


@lru_cache(maxsize=8)
def _block(lines: tuple[str, ...], size: int, colour: int) -> tuple[Image.Image, Image.Image, tuple[int, int]] | None:
    """Lines drawn in colour: their shades, the mask of the pixels they touch, and where these go
    from the left edge and the first line's top. None if they touch none.

    Cached, as a card's kicker is its explainer's title, the same on each of its cards' images.
    """
    layer = _coverage(lines, size)
    box = layer.getbbox()
    if not box:
        return None
    coverage = layer.crop(box)
    return coverage.point(_SHADE_OF[colour]), coverage.point(_TOUCHED), (box[0], box[1] - size)


def _draw_lines(canvas: Image.Image, colour: int, lines: list[str], size: int, top: int) -> int:
    """lines in colour from row top down; returns where the next line would start."""
    block = _block(tuple(lines), size, colour)
    if block:
        shades, touched, (x, y) = block
        canvas.paste(shades, (x, top + y), mask=touched)
    return top + len(lines) * round(size * LINE_HEIGHT)


@lru_cache(maxsize=4)
def _site_canvas(site_name: str, address: str) -> Image.Image:
    """What every image of a site shows, as palette indices: the accent bar, the site's name, the
    rule and the address."""
    canvas = Image.new("L", SOCIAL_IMAGE_SIZE, 0)
    pen = ImageDraw.Draw(canvas)
    pen.rectangle((0, 0, WIDTH, 14), fill=_SHADE_OF[ACCENT][255])
    _draw_lines(canvas, ACCENT, [drawable_text(site_name)], 36, 62)
    pen.line((MARGIN, 548, WIDTH - MARGIN, 548), fill=_SHADE_OF[RULE][255], width=2)
    footer = _clip(wrap(drawable_text(address), _font(28), TEXT_WIDTH), _font(28), TEXT_WIDTH, 1)
    _draw_lines(canvas, MUTED, footer, 28, 568)
    return canvas


def draw_social_image(image: SocialImage) -> Image.Image:
    """The site's name at the top, the title large in the middle, the address at the foot."""
    canvas = _site_canvas(image.site_name, image.address).copy()
    top = TITLE_TOP
    if image.kicker:
        kicker = _clip(wrap(drawable_text(image.kicker), _font(32), TEXT_WIDTH), _font(32), TEXT_WIDTH, 2)
        top = _draw_lines(canvas, MUTED, kicker, 32, top) + 24
    font, lines = _fit_title(drawable_text(image.title), TITLE_BOTTOM - top)
    _draw_lines(canvas, INK, lines, font.size, top)
    canvas.putpalette(PALETTE)  # the bytes are palette indices: this makes it a "P" image
    return canvas


def render_social_image(page: Page) -> bytes:
    """The page's social image as PNG bytes: no timestamp, no text chunks, the same every build."""
    out = io.BytesIO()
    # Fast compression: a third larger than the default, in a third of the time. (zlib's
    # run-length strategy was no quicker for these images, and an eighth larger.)
    draw_social_image(page.context["image"]).save(out, format="PNG", compress_level=1)
    return out.getvalue()
